"""Work lists, VSV figures, the Leerplichttelling, KPIs and the policy report (docs/reports.md).

Computations (pure, over DataFrames): `vsv`, `telling`, `kpi`, `worklist`, `follow_up`,
`disclosure`. Reading the stores: `staging_queries`, `register_queries`, `gather`. Writing:
`spreadsheet` (the one xlsx/csv writer), `html` with `templates/`, `charts`, and one `*_report`
module per report. Command line: `commands` (`inbeeld report …`).
"""
