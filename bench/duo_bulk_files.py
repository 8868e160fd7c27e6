# ruff: noqa: E501  (long generated SQL string literals)
"""A fast writer of a large synthetic DUO C-levering, for the import benchmark.

The generator in `synthetic/` makes realistic municipalities; this makes volume: everything is
generated in DuckDB SQL from `range(n)`, so 4,000,000 enrolments take seconds. Two enrolments per
person (so 2,000,000 persons for 4,000,000 rows), every BSN passes the elfproef, 1 in 40 persons has
an onderwijsnummer (and DUO's BSN koppeling for half of those), dates in DUO's `dd-mm-jjjj`, 1 in
5 enrolments ended, and 1 row in 200,000 has an impossible birth date (to be quarantined), plus an
unknown column `LEERJAAR` (kept in `extra`).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

HEADER = (
    "PERSOONSGEBONDENNUMMER", "BSN", "GEBOORTEDATUM", "GESLACHT", "POSTCODE", "GEMEENTECODE", "BRIN_NR",
    "VESTIGINGSNUMMER", "INSCHRIJVINGSVOLGNUMMER", "ONDERWIJSSOORT", "ONDERWIJSCODE", "NIVEAU", "LEERWEG",
    "DATUM_INSCHRIJVING", "DATUM_UITSCHRIJVING", "BEKOSTIGD", "DIPLOMA_DATUM", "INDICATIE_STARTKWALIFICATIE",
    "INDICATIE_PRO_VSO_GETUIGSCHRIFT", "LEERJAAR",
)

_SUM8 = "(9*((x // 10000000) % 10) + 8*((x // 1000000) % 10) + 7*((x // 100000) % 10) + 6*((x // 10000) % 10) + 5*((x // 1000) % 10) + 4*((x // 100) % 10) + 3*((x // 10) % 10) + 2*(x % 10))"

_PERSONS = f"""
CREATE OR REPLACE TEMP TABLE bulk_persons AS
WITH bsn_prefix AS (
    SELECT x, row_number() OVER (ORDER BY x) - 1 AS p
    FROM (SELECT 20000000 + r AS x FROM range({{span}}) t(r)) WHERE {_SUM8} % 11 <> 10
),
own_prefix AS (  -- onderwijsnummers: 10 + six digits, weighted sum mod 11 = 5
    SELECT x, row_number() OVER (ORDER BY x) - 1 AS q
    FROM (SELECT 10000000 + r AS x FROM range(1000000) t(r)) WHERE ({_SUM8} - 5 + 11) % 11 <> 10
)
SELECT b.p,
    b.x::VARCHAR || ({_SUM8.replace('x', 'b.x')} % 11)::VARCHAR AS bsn,
    CASE WHEN b.p % 40 = 7 THEN o.x::VARCHAR || (({_SUM8.replace('x', 'o.x')} - 5 + 11) % 11)::VARCHAR END AS own
FROM bsn_prefix b LEFT JOIN own_prefix o ON o.q = b.p // 40
WHERE b.p < {{persons}}
"""

_ROWS = """
COPY (
SELECT
    coalesce(own, bsn) AS PERSOONSGEBONDENNUMMER,
    CASE WHEN own IS NOT NULL AND p % 2 = 0 THEN bsn ELSE '' END AS BSN,
    CASE WHEN (p * 2 + k) % 200000 = 99999 THEN '31-02-2010'
         ELSE strftime(DATE '2003-01-01' + INTERVAL (p % 7300) DAY, '%d-%m-%Y') END AS GEBOORTEDATUM,
    CASE WHEN p % 2 = 0 THEN 'V' ELSE 'M' END AS GESLACHT,
    (1000 + p % 8999)::VARCHAR AS POSTCODE,
    CASE WHEN p % 50 = 0 THEN '0599' ELSE '0363' END AS GEMEENTECODE,
    printf('%02d%s%s', (p + k) % 100, chr((65 + ((p + k) // 100) % 26)::INT), chr((65 + (p // 2600) % 26)::INT)) AS BRIN_NR,
    lpad(((p + k) % 3)::VARCHAR, 2, '0') AS VESTIGINGSNUMMER,
    (1 + k)::VARCHAR AS INSCHRIJVINGSVOLGNUMMER,
    ['PO', 'VO', 'VO', 'MBO', 'VO', 'SO', 'PRO', 'VAVO'][1 + (p + k) % 8] AS ONDERWIJSSOORT,
    ['0000', '0370', '2811', '25655', '0100', '0000', '0090', '0300'][1 + (p + k) % 8] AS ONDERWIJSCODE,
    ['PO', 'HAVO', 'VMBO', 'MBO2', 'VWO', 'SO', 'PRO', 'HAVO'][1 + (p + k) % 8] AS NIVEAU,
    ['', '', 'KL', 'BOL', '', '', '', ''][1 + (p + k) % 8] AS LEERWEG,
    strftime(DATE '2019-08-01' + INTERVAL ((p + 365 * k) % 2200) DAY, '%d-%m-%Y') AS DATUM_INSCHRIJVING,
    CASE WHEN k = 0 AND p % 5 = 0 THEN strftime(DATE '2025-07-31' + INTERVAL (p % 400) DAY, '%d-%m-%Y') ELSE '' END AS DATUM_UITSCHRIJVING,
    CASE WHEN p % 17 = 0 THEN 'N' ELSE 'J' END AS BEKOSTIGD,
    CASE WHEN k = 0 AND p % 10 = 0 THEN strftime(DATE '2025-07-15' + INTERVAL (p % 300) DAY, '%d-%m-%Y') ELSE '' END AS DIPLOMA_DATUM,
    CASE WHEN k = 0 AND p % 20 = 0 THEN 'J' WHEN k = 0 AND p % 10 = 0 THEN 'N' ELSE '' END AS INDICATIE_STARTKWALIFICATIE,
    CASE WHEN (p + k) % 8 = 6 AND p % 30 = 0 THEN 'J' ELSE '' END AS INDICATIE_PRO_VSO_GETUIGSCHRIFT,
    (1 + (p + k) % 6)::VARCHAR AS LEERJAAR
FROM bulk_persons, range(2) t(k)
ORDER BY p, k
) TO '{path}' (DELIMITER ';', HEADER, QUOTE '')
"""


def write_c_levering(path: Path, enrolments: int) -> Path:
    """Write a C-levering of `enrolments` rows (two per person) to `path`."""
    persons = (enrolments + 1) // 2
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(_PERSONS.format(span=persons * 11 // 10 + 1000, persons=persons))
    con.execute(_ROWS.format(path=str(path).replace("'", "''")))
    con.close()
    if enrolments % 2:  # drop the last row to make an odd count exact
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(lines[:-1]), encoding="utf-8")
    return path
