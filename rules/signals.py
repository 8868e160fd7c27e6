"""The signals of docs/spec.md §4.2 on a peildatum, as one DuckDB query over staging.

The query is readable on its own: `rules/signal_sql/basis.sql` holds the facts every signal reads
(WITH clauses), and each signal declared in `rules.signal_codes` has its SELECT in
`rules/signal_sql/<code>.sql`. This module only binds the values (the peildatum, the served
gemeenten, what staging holds, the dated parameters of rules/law each signal declares) and joins
the SELECTs with UNION ALL.

Why SQL: a national run (5 million persons, 4 million enrolments) must match in seconds, so the
whole rule set is one set-based query over the staged deliveries, built from the `lpw_` macros of
`rules.sql` (the same dated parameters as the Python) and, for the vrijstellingen, from
`rules.vrijstellingen.telt_tegen` evaluated for the peildatum; a vrijstelling counts only when its
ground fitted the person on its begindatum (`lpw_vrijstelling_past`, `rules.vrijstellingen.past`), so
one registered or delivered against the law (art. 3a for a 9-year-old) never hides a child. The
semantics of every signal and its `sinds` date are those of docs/formats.md §5.1; the generator's
truth files are their oracle.

Inputs (the staging views of `connectors`): `brp_personen` of the newest BRP import on or before the
peildatum; the enrolment state `duo_inschrijvingen_op(import)` after the newest DUO import on or
before it; `verzuimmeldingen` as last delivered on or before it; the vrijstellingen of staging
(`vrijstellingen_import`) plus those of the register, which the caller registers as a relation
named `vrijstellingen_register` (persoonsnummer, grondslag, begindatum, einddatum) when it has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from rules.parameters import Parameters, active
from rules.signal_codes import (  # noqa: F401 (the codes, for callers that import them from here)
    ABSOLUUT_VERZUIM,
    BIJNA_LEERPLICHTIG,
    CONTROLE_GEBOORTEDATUM,
    DEFINITIONS,
    GEEN_INSCHRIJVING_RMC,
    ONBEKEND_IN_BRP,
    ONVOLLEDIGE_PERSOONSLIJST,
    THUISZITTER,
    VSV,
    signal_code,
)
from rules.sql import install_macros, value_per_gemeente
from rules.status import StatusCode
from rules.vrijstellingen import Vrijstellingsgrond, telt_tegen

# The VSV definition of CBS/DUO (docs/spec.md §2): younger than `vsv_leeftijd` (a dated parameter, 23),
# funded VO (not PrO), MBO or VAVO.
VSV_ONDERWIJSSOORTEN = ("VO", "MBO", "VAVO")

SQL_DIR = Path(__file__).with_name("signal_sql")
BRP_KIND = "brp"
DUO_ENROLMENT_KINDS = ("duo_c", "duo_p")


@dataclass(frozen=True)
class SignalRow:
    """One signal found for one person on a peildatum (a row of `compute_signals`; what a signal is:
    `rules.signal_codes.SignalDefinition`)."""

    signal: str
    persoonsnummer: str
    gemeentecode: str
    peildatum: date
    sinds: date | None
    status: str | None = None
    adres_in_onderzoek: bool = False
    geheimhouding: bool = False
    thuiszitter_lang: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "signal": self.signal, "persoonsnummer": self.persoonsnummer,
            "gemeentecode": self.gemeentecode, "peildatum": self.peildatum.isoformat(),
            "sinds": self.sinds.isoformat() if self.sinds else None, "status": self.status,
            "adres_in_onderzoek": self.adres_in_onderzoek, "geheimhouding": self.geheimhouding,
            "thuiszitter_lang": self.thuiszitter_lang,
        }


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _covers_sql(peildatum: date) -> str:
    """`(grondslag, status)` pairs for which a vrijstelling covers the obligation on the peildatum.

    Evaluated with `telt_tegen` itself, so the season rule of art. 5a and the kwalificatieplicht-only
    rule of art. 15 live in one place.
    """
    pairs = [f"({_sql_str(g.value)}, {_sql_str(s.value)})"
             for g in Vrijstellingsgrond for s in StatusCode if telt_tegen(g, s, peildatum)]
    return ", ".join(pairs)


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """A table or view of that name (staging grows its tables as deliveries of a kind arrive)."""
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                       [name]).fetchall()[0][0] > 0


def _vrijstellingen_sql(con: duckdb.DuckDBPyConnection, upto: str) -> str:
    parts = []
    if _table_exists(con, "vrijstellingen_import"):
        parts.append("SELECT persoonsnummer, grondslag, begindatum, einddatum FROM vrijstellingen_import "
                     f"WHERE import_id <= {upto}")
    if _table_exists(con, "vrijstellingen_register"):
        parts.append("SELECT persoonsnummer, grondslag, begindatum, einddatum FROM vrijstellingen_register")
    if not parts:
        return ("SELECT NULL::VARCHAR AS persoonsnummer, NULL::VARCHAR AS grondslag, "
                "NULL::DATE AS begindatum, NULL::DATE AS einddatum WHERE false")
    return " UNION ALL ".join(parts)


def _verzuim_sql(con: duckdb.DuckDBPyConnection, upto: str) -> str:
    if not _table_exists(con, "verzuimmeldingen"):
        return ("SELECT NULL::VARCHAR AS persoonsnummer, NULL::VARCHAR AS soort_verzuim, "
                "NULL::DATE AS meldingsdatum, NULL::DATE AS begindatum, NULL::DATE AS einddatum WHERE false")
    return ("SELECT persoonsnummer, soort_verzuim, meldingsdatum, begindatum, einddatum "
            f"FROM verzuimmeldingen WHERE import_id <= {upto} QUALIFY row_number() OVER "
            "(PARTITION BY meldingsnummer ORDER BY import_id DESC, line DESC) = 1")


def _enrolments_sql(con: duckdb.DuckDBPyConnection, upto: str) -> str:
    if not _table_exists(con, "duo_clevering"):
        return ("SELECT NULL::VARCHAR AS persoonsnummer, NULL::VARCHAR AS bsn, "
                "NULL::VARCHAR AS gemeentecode, NULL::VARCHAR AS onderwijssoort, "
                "NULL::DATE AS datum_inschrijving, "
                "NULL::DATE AS datum_uitschrijving, NULL::BOOLEAN AS bekostigd, NULL::DATE AS diploma_datum, "
                "NULL::BOOLEAN AS startkwalificatie, NULL::BOOLEAN AS pro_vso_getuigschrift WHERE false")
    return f"SELECT * FROM duo_inschrijvingen_op({upto})"


@dataclass(frozen=True)
class _PerGemeente:
    """A dated parameter bound in an SQL file: `{name}` is its value for the row's `gemeentecode`,
    `{name:b.gemeentecode}` for the gemeente in that column (where two tables have one). A plain
    literal unless the served gemeenten's local policies differ (`rules.sql.value_per_gemeente`)."""

    law: Parameters
    name: str
    peildatum: date
    gemeenten: tuple[str, ...]

    def __format__(self, column: str) -> str:
        return value_per_gemeente(self.law, self.name, self.peildatum, self.gemeenten,
                                  column or "gemeentecode")


def _values(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: tuple[str, ...],
            law: Parameters) -> dict[str, object]:
    """What the builder binds in the SQL files: SQL literals and subqueries, and every dated parameter
    a signal declares (`SignalDefinition.parameters`), as its value on the peildatum in its own unit
    (per gemeente: `_PerGemeente`)."""
    d = f"DATE '{peildatum.isoformat()}'"
    teldatum = date(peildatum.year if peildatum.month >= 10 else peildatum.year - 1, 10, 1)
    upto = (f"(SELECT coalesce(max(import_id), 0) FROM imports WHERE status = 'loaded' "
            f"AND coalesce(peildatum, finished_at::DATE) <= {d}")
    any_upto = f"{upto})"
    values: dict[str, object] = {
        "peildatum": d,
        "teldatum": f"DATE '{teldatum.isoformat()}'",
        "served": ", ".join(_sql_str(g) for g in gemeenten) or "NULL",
        "brp_import": f"{upto} AND kind = '{BRP_KIND}')",
        "enrolments": _enrolments_sql(con, f"{upto} AND kind IN {tuple(DUO_ENROLMENT_KINDS)})"),
        "vrijstellingen": _vrijstellingen_sql(con, any_upto),
        "verzuimmeldingen": _verzuim_sql(con, any_upto),
        "covers": _covers_sql(peildatum),
        "vsv_onderwijssoorten": ", ".join(_sql_str(s) for s in VSV_ONDERWIJSSOORTEN),
    }
    for name in sorted({name for definition in DEFINITIONS.values() for name in definition.parameters}):
        values[name] = _PerGemeente(law, name, peildatum, gemeenten)
    return values


@cache
def sql_file(name: str) -> str:
    """The text of `rules/signal_sql/<name>` (read once)."""
    return (SQL_DIR / name).read_text(encoding="utf-8")


def bind(name: str, values: Mapping[str, object]) -> str:
    """`rules/signal_sql/<name>` with its placeholders filled; KeyError names the file and the value
    it lacks."""
    try:
        return sql_file(name).format_map(values)
    except KeyError as exc:
        raise KeyError(f"rules/signal_sql/{name}: no value for {{{exc.args[0]}}}") from None


def signals_query(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
                  parameters: Parameters | None = None) -> str:
    """The SQL of every signal on `peildatum` for the served `gemeenten` (macros of the same
    `parameters` must be installed): the WITH clauses of basis.sql, then the SELECT of each declared
    signal (rules/signal_sql/<code>.sql) in one UNION ALL."""
    values = _values(con, peildatum, tuple(gemeenten), parameters or active())
    selects = "\nUNION ALL\n".join(bind(d.sql_file, {**values, "signal": _sql_str(d.code)})
                                     for d in DEFINITIONS.values())
    peil = values["peildatum"]
    return f"""WITH
{bind("basis.sql", values)},
alle AS (
{selects}
)
SELECT signal, persoonsnummer, gemeentecode, {peil} AS peildatum, CAST(sinds AS DATE) AS sinds, status,
       adres_in_onderzoek, geheimhouding, thuiszitter_lang
FROM alle
ORDER BY signal, persoonsnummer
"""


def person_state_query(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
                       parameters: Parameters | None = None) -> str:
    """Per BRP person of the delivery: the facts that explain why a signal is gone (resident, died,
    emigrated, the gemeente, status, enrolled, SK, covered by a vrijstelling) on `peildatum`."""
    values = _values(con, peildatum, tuple(gemeenten), parameters or active())
    return f"WITH\n{bind('basis.sql', values)},\n{bind('person_state.sql', values)}"


def person_state(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
                 persoonsnummers: Iterable[str]) -> dict[str, dict[str, object]]:
    """`person_state_query` for the given persons only (e.g. those whose open case lost its signal)."""
    wanted = sorted(set(persoonsnummers))
    if not wanted:
        return {}
    import pyarrow as pa  # here: a process that only computes signals starts 0.13 s sooner

    install_macros(con)
    con.register("gezochte_personen", pa.table({"persoonsnummer": wanted}))
    try:
        rel = con.sql(f"SELECT * FROM ({person_state_query(con, peildatum, gemeenten)}) s "
                      "WHERE persoonsnummer IN (SELECT persoonsnummer FROM gezochte_personen)")
        columns = rel.columns
        rows = rel.fetchall()
    finally:
        con.unregister("gezochte_personen")
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


def compute_signals(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
                    parameters: Parameters | None = None) -> duckdb.DuckDBPyRelation:
    """Every signal on `peildatum` as a DuckDB relation with `COLUMNS` (ordered by signal, number).

    `parameters`: another law (a proposal, or the law as it stood on a date) for `inbeeld report
    wetswijziging`; the macros of the connection are those of the last call."""
    install_macros(con, parameters)
    return con.sql(signals_query(con, peildatum, tuple(gemeenten), parameters))


def signals_as_list(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
                    types: Iterable[str] | None = None) -> list[SignalRow]:
    """The signals as objects (for the CLI and the case sync of a municipality; not for a national run)."""
    wanted = {signal_code(t) for t in types or ()}
    install_macros(con)
    # executed, not made a relation first: DuckDB would plan the query twice (0.07 s on a national run)
    rows = con.execute(signals_query(con, peildatum, tuple(gemeenten))).fetchall()
    return [SignalRow(*row) for row in rows if not wanted or row[0] in wanted]
