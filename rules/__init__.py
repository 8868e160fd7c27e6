"""The Leerplichtwet 1969 (BWBR0002628) as code: pure functions of dates, with their articles.

- `rules.parameters`: dated values a law can change (`rules/law/<layer>/*.toml`, docs/law-layers.md),
  `value(name, on)`; local policy overridden in inbeeld.toml (`[beleid]`).
- `rules.dates`: partial BRP birth dates, birthdays (29 February), school years, Dutch dates.
- `rules.status`: `bepaal_status`, `bepaal_status_onzeker` and the start/end of each obligation.
- `rules.sql`: the same rules as DuckDB macros for bulk matching (`install_macros`).
- `rules.vrijstellingen`: the grounds for vrijstelling and what each covers.
- `rules.signal_codes`: each signal declared once (code, Dutch name, legal reference, team, parameters).
- `rules.signals`: the signals on a peildatum, one DuckDB query built from `rules/signal_sql/*.sql`.
- `rules.bewaartermijnen`: the retention terms.
- `rules.commands`: `inbeeld status`.
"""
