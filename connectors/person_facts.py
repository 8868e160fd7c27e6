"""What staging knows about given persons: birth date, woongemeente and startkwalificatie date.

Why: the registers must know when a person's records are to be destroyed (19 years after birth,
2 years after the kwalificatieplicht or the RMC doelgroep ends) and which gemeente a person belongs
to (who may see the records), long after the deliveries that said so have left staging. The registers
ask here while the deliveries are still staged and keep the answer (`registers.personen`).

Sources, newest delivery first: the BRP (`brp_personen`: the latest possible day of a birth date
known in part, `gemeente_inschrijving`), then DUO's enrolments (`duo_clevering`, `duo_plevering`:
`geboortedatum`, `gemeentecode`, and the earliest `diploma_datum` of a startkwalificatie).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the facts are plain dataclasses; DuckDB and pyarrow load when they are read
    import duckdb

RELATION = "retention_numbers"


@dataclass(frozen=True)
class PersonFacts:
    persoonsnummer: str
    geboortedatum: date | None
    gemeentecode: str | None
    sk_datum: date | None


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                       [table]).fetchall()[0][0] > 0  # fetchall: DuckDB 2 keeps a half-read result open


def _brp_sql(con: duckdb.DuckDBPyConnection) -> str | None:
    if not _exists(con, "brp_personen"):
        return None
    return f"""
        SELECT b.bsn AS persoonsnummer,
               CASE WHEN b.geboortedatum_precisie <> 'onbekend' THEN b.geboortedatum_laatst END
                   AS geboortedatum,
               b.gemeente_inschrijving AS gemeentecode, b.import_id
        FROM brp_personen b JOIN {RELATION} n ON n.persoonsnummer = b.bsn
        QUALIFY row_number() OVER (PARTITION BY b.bsn ORDER BY b.import_id DESC) = 1
    """


def _duo_sql(con: duckdb.DuckDBPyConnection) -> str | None:
    parts = [f"""SELECT d.persoonsnummer, d.geboortedatum, d.gemeentecode, d.diploma_datum,
                        d.startkwalificatie, d.import_id, d.line
                 FROM {table} d JOIN {RELATION} n ON n.persoonsnummer = d.persoonsnummer"""
             for table in ("duo_clevering", "duo_plevering") if _exists(con, table)]
    if not parts:
        return None
    rows = " UNION ALL ".join(parts)
    return f"""
        SELECT persoonsnummer,
               arg_max(geboortedatum, import_id * 100000000 + line) FILTER (WHERE geboortedatum IS NOT NULL)
                   AS geboortedatum,
               arg_max(gemeentecode, import_id * 100000000 + line) AS gemeentecode,
               min(diploma_datum) FILTER (WHERE startkwalificatie) AS sk_datum
        FROM ({rows}) GROUP BY persoonsnummer
    """


def person_facts(con: duckdb.DuckDBPyConnection, numbers: Iterable[str]) -> dict[str, PersonFacts]:
    """The facts staging holds about `numbers` (persons it does not know are left out)."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    brp, duo = _brp_sql(con), _duo_sql(con)
    if brp is None and duo is None:
        return {}
    import pyarrow as pa

    con.register(RELATION, pa.table({"persoonsnummer": pa.array(wanted, pa.string())}))
    try:
        empty_brp = ("SELECT NULL::VARCHAR AS persoonsnummer, NULL::DATE AS geboortedatum, "
                     "NULL::VARCHAR AS gemeentecode WHERE false")
        empty_duo = ("SELECT NULL::VARCHAR AS persoonsnummer, NULL::DATE AS geboortedatum, "
                     "NULL::VARCHAR AS gemeentecode, NULL::DATE AS sk_datum WHERE false")
        rows = con.execute(f"""
            WITH brp AS ({brp or empty_brp}), duo AS ({duo or empty_duo})
            SELECT coalesce(brp.persoonsnummer, duo.persoonsnummer),
                   coalesce(brp.geboortedatum, duo.geboortedatum),
                   coalesce(brp.gemeentecode, duo.gemeentecode),
                   duo.sk_datum
            FROM brp FULL OUTER JOIN duo ON duo.persoonsnummer = brp.persoonsnummer
        """).fetchall()
    finally:
        con.unregister(RELATION)
    return {row[0]: PersonFacts(row[0], row[1], row[2], row[3]) for row in rows}


@dataclass(frozen=True)
class BirthFacts:
    """What the law needs to say whether a vrijstelling fits a person: the birth date as the BRP gives
    it (`jjjjmmdd`, `00` for an unknown part) and the dates that end the kwalificatieplicht."""

    persoonsnummer: str
    geboortedatum: str
    sk_datum: date | None = None
    pro_vso_datum: date | None = None


def birth_facts(con: duckdb.DuckDBPyConnection, numbers: Iterable[str]) -> dict[str, BirthFacts]:
    """Birth date (newest BRP delivery) and startkwalificatie / PrO-VSO certificate dates (DUO) of
    `numbers`; persons without a BRP birth date are left out."""
    wanted = sorted(set(numbers))
    if not wanted or not _exists(con, "brp_personen"):
        return {}
    duo = [f"""SELECT d.persoonsnummer, d.diploma_datum, d.startkwalificatie, d.pro_vso_getuigschrift
               FROM {table} d JOIN {RELATION} n ON n.persoonsnummer = d.persoonsnummer"""
           for table in ("duo_clevering", "duo_plevering") if _exists(con, table)]
    duo_sql = " UNION ALL ".join(duo) or (
        "SELECT NULL::VARCHAR AS persoonsnummer, NULL::DATE AS diploma_datum, NULL::BOOLEAN AS "
        "startkwalificatie, NULL::BOOLEAN AS pro_vso_getuigschrift WHERE false")
    import pyarrow as pa

    con.register(RELATION, pa.table({"persoonsnummer": pa.array(wanted, pa.string())}))
    try:
        rows = con.execute(f"""
            WITH brp AS (
                SELECT b.bsn AS persoonsnummer, b.geboortedatum
                FROM brp_personen b JOIN {RELATION} n ON n.persoonsnummer = b.bsn
                QUALIFY row_number() OVER (PARTITION BY b.bsn ORDER BY b.import_id DESC) = 1),
            duo AS (
                SELECT persoonsnummer,
                       min(diploma_datum) FILTER (WHERE startkwalificatie) AS sk_datum,
                       min(diploma_datum) FILTER (WHERE pro_vso_getuigschrift) AS pro_vso_datum
                FROM ({duo_sql}) GROUP BY persoonsnummer)
            SELECT brp.persoonsnummer, brp.geboortedatum, duo.sk_datum, duo.pro_vso_datum
            FROM brp LEFT JOIN duo USING (persoonsnummer)
            WHERE brp.geboortedatum IS NOT NULL
        """).fetchall()
    finally:
        con.unregister(RELATION)
    return {row[0]: BirthFacts(*row) for row in rows}
