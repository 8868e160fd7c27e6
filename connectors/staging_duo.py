"""DUO enrolments in staging: C- and P-leveringen as an event history, and the state on any import.

Why: SPEC §3 wants any figure recomputable from raw data and week-to-week changes visible. So the
deliveries are kept as they came — every C-levering row in `duo_clevering`, every P-levering
mutation in `duo_plevering`, each with its `import_id` — and the enrolment state is derived, never
overwritten:

* `duo_inschrijvingen_op(import_id)` (table macro): the state right after that import. The base is
  the newest C-levering at or before it; the P-leveringen imported after that base, up to it, are
  applied in import order and line order (T adds, W replaces the whole row, V removes);
* `duo_inschrijvingen_actueel` (view): the state after the newest import.

Both carry the typed columns of the contract plus `import_id` / `line` (where the row came from)
and `mutatiesoort` (NULL for a row straight from the C-levering).
"""

from __future__ import annotations

import duckdb

from connectors.field_mapping import load_mapping

KIND_C = "duo_c"
KIND_P = "duo_p"
KEY = ("persoonsnummer", "brin", "volgnummer")

# The typed columns every consumer of the enrolment state may rely on (SPEC §3, the brief's contract).
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
    key = ", ".join(KEY)
    return f"""
CREATE OR REPLACE MACRO duo_inschrijvingen_op(upto) AS TABLE
WITH basis AS (
    SELECT max(import_id) AS c_import FROM imports WHERE kind = '{KIND_C}' AND import_id <= upto
),
mutaties AS (
    SELECT p.* FROM duo_plevering p, basis
    WHERE p.import_id <= upto AND p.import_id > coalesce(basis.c_import, 0)
    QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY p.import_id DESC, p.line DESC) = 1
)
SELECT {cols_c}, c.import_id, c.line, NULL::VARCHAR AS mutatiesoort, c.extra
FROM duo_clevering c, basis
WHERE c.import_id = basis.c_import AND NOT EXISTS (SELECT 1 FROM mutaties m WHERE {key_c})
UNION ALL
SELECT {cols_m}, m.import_id, m.line, m.mutatiesoort, m.extra
FROM mutaties m WHERE m.mutatiesoort <> 'V';

CREATE OR REPLACE VIEW duo_inschrijvingen_actueel AS
SELECT * FROM duo_inschrijvingen_op(9223372036854775807);
"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the enrolment tables (from the mappings), the history macro and the current view."""
    for name in ("duo_clevering", "duo_plevering"):
        con.execute(load_mapping(name).ddl())
    con.execute(_macro_sql())


def changes(con: duckdb.DuckDBPyConnection, import_id: int) -> dict:
    """What import `import_id` changed in the enrolment state: enrolments added, changed, removed.

    Rows are compared by hashes (key hash joined, row hash compared). After a C-levering the whole
    state is compared (about a second for a national one); after a P-levering only the enrolments
    it mutated can differ, so only those are.
    """
    key = ", ".join(KEY)
    row_hash = ", ".join(c for c in STATE_COLUMNS if c not in KEY)
    kind = con.execute("SELECT kind FROM imports WHERE import_id = ?", [import_id]).fetchone()
    touched = ""
    if kind and kind[0] == KIND_P:
        mutated = f"SELECT hash({key}) FROM duo_plevering WHERE import_id = {int(import_id)}"
        touched = f"WHERE hash({key}) IN ({mutated})"
    state = "SELECT hash({key}) AS k, hash({row}) AS h FROM duo_inschrijvingen_op({upto}) {touched}"
    after = state.format(key=key, row=row_hash, upto=int(import_id), touched=touched)
    before = state.format(key=key, row=row_hash, upto=int(import_id) - 1, touched=touched)
    total = con.execute(f"SELECT count(*) FROM duo_inschrijvingen_op({int(import_id)})").fetchone()[0]
    before_exists = con.execute(
        "SELECT count(*) FROM imports WHERE kind IN (?, ?) AND import_id < ?", [KIND_C, KIND_P, import_id]
    ).fetchone()[0]
    if not before_exists:
        return {"added": total, "removed": 0, "changed": 0, "enrolments": total}
    added, removed, changed = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE b.k IS NULL),
               count(*) FILTER (WHERE a.k IS NULL),
               count(*) FILTER (WHERE a.k IS NOT NULL AND b.k IS NOT NULL AND a.h <> b.h)
        FROM ({before}) b FULL OUTER JOIN ({after}) a ON a.k = b.k
        """
    ).fetchone()
    return {"added": added, "removed": removed, "changed": changed, "enrolments": total}
