"""School names by BRIN, for letters and reports that would otherwise show only a code.

DUO's enrolment deliveries (C- and P-levering) carry the BRIN alone; the names come from what other
deliveries carry: the verzuimmeldingen (`schoolnaam`, the school's own spelling) and DUO's person-level
reports A01, A02, A04, A05 and A14 (`NAAM_INST` for `BRIN_NR`, `NAAM_INSTELLING` for `BRIN`). The
newest delivery of a source wins; a melding's name wins over a report's.
"""

from __future__ import annotations

import duckdb

# (table, BRIN column, name column), the weakest source first: later ones overwrite earlier ones
SOURCES: tuple[tuple[str, str, str], ...] = (
    *((table, code, name) for table in ("duo_a05", "duo_a14", "duo_a02", "duo_a01", "duo_a04")
      for code, name in (("instelling_brin", "instelling_naam"), ("brin", "naam_instelling"))),
    ("verzuimmeldingen", "brin", "schoolnaam"),
)


def _columns(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return {(table, column) for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal").fetchall()}


def school_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """BRIN → school name from every staged source that has one (empty when none is staged)."""
    present = _columns(con)
    names: dict[str, str] = {}
    for table, code, name in SOURCES:
        if not {(table, code), (table, name), (table, "import_id")} <= present:
            continue
        rows = con.execute(
            f"SELECT {code}, arg_max({name}, import_id) FROM {table} "  # noqa: S608 - names from SOURCES
            f"WHERE {code} IS NOT NULL AND trim(coalesce({name}, '')) <> '' GROUP BY {code}").fetchall()
        names.update({str(brin).strip(): str(school).strip() for brin, school in rows})
    return names
