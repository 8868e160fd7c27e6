"""DUO enrolments in staging: C- and P-leveringen as an event history, and the state on any import.

Why: docs/spec.md §3 wants any figure recomputable from raw data and week-to-week changes visible. So the
deliveries are kept as they came — every C-levering row in `duo_clevering`, every P-levering
mutation in `duo_plevering`, each with its `import_id` — and the enrolment state is derived, never
overwritten:

* `duo_inschrijvingen_op(import_id)` (table macro): the state right after that import. Per
  levering (the area a delivery is for: `G0363`, `R0012`, from the file name), the base is the
  newest C-levering of that area at or before the import; that area's P-leveringen imported after
  the base, up to the import, are applied in import order and line order (T adds, W replaces the
  whole row, V removes). A region that receives one delivery per gemeente thus keeps every
  gemeente's enrolments: a C-levering for 0599 does not replace the state of 0363;
* `duo_inschrijvingen_actueel` (view): the state after the newest import.

Both carry the typed columns of the contract plus `levering`, `import_id` / `line` (where the row
came from) and `mutatiesoort` (NULL for a row straight from the C-levering). `duo_leveringen`
lists every C- and P-levering import with its area and date.
"""

from __future__ import annotations

from datetime import date

import duckdb

from connectors.mappings import shipped_mapping
from connectors.typed_rows import sql_str

KEY = ("persoonsnummer", "brin", "volgnummer")

# The typed columns every consumer of the enrolment state may rely on (docs/spec.md §3, the brief's contract).
STATE_COLUMNS = (
    "persoonsnummer", "bsn", "geboortedatum", "geslacht", "postcode", "gemeentecode", "brin",
    "vestiging", "volgnummer", "onderwijssoort", "onderwijscode", "niveau", "leerweg",
    "datum_inschrijving", "datum_uitschrijving", "bekostigd", "diploma_datum", "startkwalificatie",
    "pro_vso_getuigschrift",
)


def _macro_sql() -> str:
    cols_c = ", ".join(f"c.{c}" for c in STATE_COLUMNS)
    cols_m = ", ".join(f"m.{c}" for c in STATE_COLUMNS)
    key_c = " AND ".join(f"m.{k} = c.{k}" for k in KEY)
    key = ", ".join(f"p.{k}" for k in KEY)
    return f"""
CREATE OR REPLACE MACRO duo_inschrijvingen_op(upto) AS TABLE
WITH basis AS (
    SELECT levering, max(import_id) AS c_import FROM duo_leveringen
    WHERE soort = 'C' AND import_id <= upto GROUP BY levering
),
mutaties AS (
    SELECT p.* FROM duo_plevering p LEFT JOIN basis b ON b.levering = p.levering
    WHERE p.import_id <= upto AND p.import_id > coalesce(b.c_import, 0)
    QUALIFY row_number() OVER (PARTITION BY p.levering, {key} ORDER BY p.import_id DESC, p.line DESC) = 1
)
SELECT {cols_c}, c.levering, c.import_id, c.line, NULL::VARCHAR AS mutatiesoort, c.extra
FROM duo_clevering c JOIN basis b ON c.import_id = b.c_import
WHERE NOT EXISTS (SELECT 1 FROM mutaties m WHERE m.levering = c.levering AND {key_c})
UNION ALL
SELECT {cols_m}, m.levering, m.import_id, m.line, m.mutatiesoort, m.extra
FROM mutaties m WHERE m.mutatiesoort <> 'V';

CREATE OR REPLACE VIEW duo_inschrijvingen_actueel AS
SELECT * FROM duo_inschrijvingen_op(9223372036854775807);
"""



def has_state(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether DUO's enrolment state is staged (`duo_inschrijvingen_op` and its view are made together;
    the view is asked for: listing DuckDB's views takes a few ms, its functions 30-100 ms)."""
    found = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'duo_inschrijvingen_actueel'")
    return bool(found.fetchone()[0])


LEVERINGEN_DDL = """
CREATE TABLE IF NOT EXISTS duo_leveringen (
    import_id  BIGINT NOT NULL,
    soort      VARCHAR NOT NULL,   -- 'C' or 'P'
    levering   VARCHAR NOT NULL,   -- the area: 'G0363', 'R0012'; '' when the file name does not say
    leverdatum DATE                -- the date in the file name
)
"""
LEVERING_COLUMN = {"levering": "VARCHAR"}


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the enrolment tables (from the mappings), the history macro and the current view."""
    for name in ("duo_clevering", "duo_plevering"):
        con.execute(shipped_mapping(name).ddl(LEVERING_COLUMN))
    con.execute(LEVERINGEN_DDL)
    con.execute(_macro_sql())


def record_levering(con: duckdb.DuckDBPyConnection, import_id: int, soort: str, levering: str,
                    leverdatum: date | None) -> None:
    con.execute("INSERT INTO duo_leveringen VALUES (?, ?, ?, ?)", [import_id, soort, levering, leverdatum])


def levering_of(con: duckdb.DuckDBPyConnection, import_id: int) -> tuple[str, str] | None:
    """(soort, levering) of a C- or P-levering import, or None for another import."""
    return con.execute("SELECT soort, levering FROM duo_leveringen WHERE import_id = ?",
                       [import_id]).fetchone()


def changes(con: duckdb.DuckDBPyConnection, import_id: int) -> dict:
    """What import `import_id` changed in its area's enrolment state: enrolments added, changed, removed.

    Rows are compared by hashes (key hash joined, row hash compared). After a C-levering the area's
    whole state is compared (about a second for a national one). After a P-levering only the
    enrolments it mutated can differ, and what each became is the import's own last mutation of it:
    so only the state before it is built (once, also counting the area's enrolments).
    """
    key = ", ".join(KEY)
    row_hash = ", ".join(c for c in STATE_COLUMNS if c not in KEY)
    soort, levering = levering_of(con, import_id) or ("", "")
    area = f"WHERE levering = {sql_str(levering)}"
    before = (f"SELECT hash({key}) AS k, hash({row_hash}) AS h "
              f"FROM duo_inschrijvingen_op({int(import_id) - 1}) {area}")
    if soort == "P":
        mutated = (f"SELECT hash({key}) AS k, hash({row_hash}) AS h, mutatiesoort <> 'V' AS bestaat "
                   f"FROM duo_plevering WHERE import_id = {int(import_id)} "
                   f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY line DESC) = 1")
        added, removed, changed, earlier = con.execute(
            f"""
            SELECT count(*) FILTER (WHERE b.k IS NULL AND m.bestaat),
                   count(*) FILTER (WHERE b.k IS NOT NULL AND NOT m.bestaat),
                   count(*) FILTER (WHERE b.k IS NOT NULL AND m.bestaat AND b.h <> m.h),
                   count(b.k)
            FROM ({before}) b FULL OUTER JOIN ({mutated}) m ON m.k = b.k
            """
        ).fetchone()
        return {"added": added, "removed": removed, "changed": changed,
                "enrolments": earlier + added - removed}
    # the state right after a C-levering is that delivery
    total = con.execute("SELECT count(*) FROM duo_clevering WHERE import_id = ?", [import_id]).fetchone()[0]
    earlier = con.execute("SELECT count(*) FROM duo_leveringen WHERE levering = ? AND import_id < ?",
                          [levering, import_id]).fetchone()[0]
    if not earlier:
        return {"added": total, "removed": 0, "changed": 0, "enrolments": total}
    after = (f"SELECT hash({key}) AS k, hash({row_hash}) AS h FROM duo_clevering "
             f"WHERE import_id = {int(import_id)}")
    added, removed, changed = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE b.k IS NULL),
               count(*) FILTER (WHERE a.k IS NULL),
               count(*) FILTER (WHERE a.k IS NOT NULL AND b.k IS NOT NULL AND a.h <> b.h)
        FROM ({before}) b FULL OUTER JOIN ({after}) a ON a.k = b.k
        """
    ).fetchone()
    return {"added": added, "removed": removed, "changed": changed, "enrolments": total}
