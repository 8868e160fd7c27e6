"""Retention in staging: whole deliveries leave after the staging period, in one DuckDB transaction.

Why whole deliveries: every staged row carries its `import_id`, and a figure is recomputed from
whole deliveries; half a delivery would be worse than none. So the unit of removal is the import:
its rows in every table that has an `import_id` column (typed rows, BRP history, quarantined values),
and its line in `imports`. What is left of it is a line in `purged_imports` (kind, content hash,
delivery date, row count, purge date: no content), so the same file delivered again stays out
instead of becoming the newest delivery of its kind.

What is never removed, whatever its age:

- the newest delivery of each kind (the current BRP, the current enrolment state, the last A04);
- the DUO P-leveringen after the newest C-levering: the current enrolment state is that C-levering
  with these mutations applied (`connectors.staging_duo`); without a C-levering, every P-levering.

The caller decides the limit (`rules.bewaartermijnen.staging_grens`: the dated parameter
`bewaartermijn_staging`); a delivery's date is its `peildatum`, else the day it was imported.
DuckDB reuses the freed blocks but does not overwrite them at once: docs/privacy.md says how to
compact the file when the removed bytes must be gone from disk too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from connectors.staging import Staging

BOOKKEEPING = ("imports", "purged_imports")


@dataclass(frozen=True)
class PurgedDelivery:
    """One delivery removed from staging (or, in a dry run, that would be): no content, counts only."""

    import_id: int
    kind: str
    peildatum: date
    rows: int


def expired_deliveries(staging: Staging, before: date) -> list[tuple[int, str, date]]:
    """(import_id, kind, delivery date) of the deliveries dated before `before` that may go."""
    con = staging.con
    deliveries = con.execute(
        "SELECT import_id, kind, coalesce(peildatum, CAST(finished_at AS DATE)) FROM imports "
        "WHERE status = 'loaded' ORDER BY import_id").fetchall()
    newest: dict[str, int] = {}
    for import_id, kind, _ in deliveries:
        newest[kind] = import_id
    keep = set(newest.values()) | _enrolment_state_imports(con)
    return [(i, kind, day) for i, kind, day in deliveries if i not in keep and day < before]


def _enrolment_state_imports(con) -> set[int]:  # noqa: ANN001 - a DuckDB connection
    """The C- and P-leveringen the current enrolment state is built from, per area (levering): the
    newest C-levering of each area and that area's P-leveringen after it."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'duo_leveringen'")
    if not exists.fetchall()[0][0]:
        return set()
    rows = con.execute("SELECT import_id, soort, levering FROM duo_leveringen").fetchall()
    base: dict[str, int] = {}
    for import_id, soort, levering in rows:
        if soort == "C":
            base[levering] = max(base.get(levering, 0), import_id)
    return ({import_id for import_id in base.values()}
            | {i for i, soort, levering in rows if soort == "P" and i > base.get(levering, 0)})


def _tables_with_import_id(staging: Staging) -> list[str]:
    rows = staging.con.execute("""
        SELECT t.table_name FROM duckdb_tables() t
        JOIN duckdb_columns() c ON c.database_name = t.database_name AND c.schema_name = t.schema_name
                               AND c.table_name = t.table_name
        WHERE c.column_name = 'import_id' AND NOT t.temporary AND t.database_name = current_database()
        ORDER BY t.table_name
    """).fetchall()
    return [name for (name,) in rows if name not in BOOKKEEPING]


def purge_deliveries(staging: Staging, before: date, today: date, *,
                     dry_run: bool = False) -> list[PurgedDelivery]:
    """Remove every delivery dated before `before` (except those always kept, see the module
    docstring) in one transaction: all of them or, on any error, none. A dry run counts the same
    and rolls back."""
    if staging.read_only:
        raise RuntimeError("staging opened read-only: the retention needs the writer")
    doomed = expired_deliveries(staging, before)
    if not doomed:
        return []
    con = staging.con
    ids = [import_id for import_id, _, _ in doomed]
    rows = dict.fromkeys(ids, 0)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE purge_ids AS SELECT unnest(?::BIGINT[]) AS import_id",
                    [ids])
        doomed_rows = "import_id IN (SELECT import_id FROM purge_ids)"
        for table in _tables_with_import_id(staging):
            counts = con.execute(f'SELECT import_id, count(*) FROM "{table}" WHERE {doomed_rows} '
                                 "GROUP BY import_id").fetchall()
            for import_id, count in counts:
                rows[import_id] += count
            con.execute(f'DELETE FROM "{table}" WHERE {doomed_rows}')
        con.execute("""
            INSERT INTO purged_imports
                (import_id, kind, sha256, delivery, peildatum, rows_loaded, purged_on, file_bytes)
            SELECT import_id, kind, sha256, delivery, coalesce(peildatum, CAST(finished_at AS DATE)),
                   rows_loaded, ?, file_bytes
            FROM imports WHERE import_id IN (SELECT import_id FROM purge_ids)
        """, [today])
        con.execute("DELETE FROM imports WHERE import_id IN (SELECT import_id FROM purge_ids)")
        con.execute("DROP TABLE purge_ids")
        con.execute("ROLLBACK" if dry_run else "COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if not dry_run:
        con.execute("CHECKPOINT")  # write the removal out of the write-ahead log into the file
    return [PurgedDelivery(import_id, kind, day, rows[import_id]) for import_id, kind, day in doomed]
