"""Reader of the vrijstellingen list (docs/formats.md §4) into `vrijstellingen_import`.

Why here and not in the register: a vrijstelling stops an absoluut-verzuim signal, so a wrong one
silently hides a child. Every row is therefore checked before it counts: the person number passes
the elfproef, the ground is one of the enumerated legal grounds (docs/spec.md §4.4, never free text, from
`rules.vrijstellingen`), the dates are real and EINDDATUM is not before BEGINDATUM; other rows go
to quarantine. Deliveries are incremental (a vrijstelling is sent in the week it begins), so the
view `vrijstellingen_actueel` keeps the newest version of each (persoonsnummer, grondslag,
begindatum) over all imports.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb

from connectors.delimited import check_csv
from connectors.mappings import Mapping, load_declared
from connectors.staging import ReaderResult
from connectors.typed_rows import RowCheck
from rules.vrijstellingen import Vrijstellingsgrond

KIND = "vrijstellingen"

ACTUEEL_VIEW = """
CREATE OR REPLACE VIEW vrijstellingen_actueel AS
SELECT * FROM vrijstellingen_import
QUALIFY row_number() OVER (PARTITION BY persoonsnummer, grondslag, begindatum
                           ORDER BY import_id DESC, line DESC) = 1
"""


def vrijstellingen_mapping(override: str | Path | None = None) -> Mapping:
    """The declared mapping with the grounds of `rules.vrijstellingen` as the allowed GRONDSLAG values."""
    mapping = load_declared("vrijstellingen", override)
    grounds = tuple(g.value for g in Vrijstellingsgrond)
    fields = tuple(replace(f, values=grounds) if f.name == "grondslag" else f for f in mapping.fields)
    return replace(mapping, fields=fields)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(load_declared("vrijstellingen").ddl())
    con.execute(ACTUEEL_VIEW)


def read_vrijstellingen(path: Path, con: duckdb.DuckDBPyConnection, import_id: int, *,
                        encoding: str | None = None, mapping: str | Path | None = None) -> ReaderResult:
    """Load a vrijstellingen CSV; unknown grounds and reversed periods are quarantined."""
    path = Path(path)
    declared = vrijstellingen_mapping(mapping)
    ensure_tables(con)
    delivery = check_csv(path, con, declared, import_id=import_id, encoding=encoding, row_checks=(
        RowCheck("einddatum", "einddatum < begindatum", "EINDDATUM ligt vóór BEGINDATUM"),
    ))
    delivery.checked.quarantine()
    loaded = delivery.checked.finish()
    return ReaderResult(rows_read=delivery.rows, rows_loaded=loaded, format=KIND,
                        encoding=delivery.info.encoding)


def vrijstellingen_changes(con: duckdb.DuckDBPyConnection, import_id: int, previous: int | None) -> dict:
    """A `summarize`: vrijstellingen new in this delivery, changed (other end date or text), or repeated."""
    row = con.execute(
        """
        WITH now AS (SELECT * FROM vrijstellingen_import WHERE import_id = ?),
             earlier AS (SELECT * FROM vrijstellingen_import WHERE import_id < ?
                         QUALIFY row_number() OVER (PARTITION BY persoonsnummer, grondslag, begindatum
                                                    ORDER BY import_id DESC, line DESC) = 1)
        SELECT count(*) FILTER (WHERE NOT known), count(*) FILTER (WHERE known AND NOT same),
               count(*) FILTER (WHERE known AND same)
        FROM (SELECT e.persoonsnummer IS NOT NULL AS known,
                     n.einddatum IS NOT DISTINCT FROM e.einddatum
                     AND n.toelichting IS NOT DISTINCT FROM e.toelichting AS same
              FROM now n LEFT JOIN earlier e USING (persoonsnummer, grondslag, begindatum))
        """,
        [import_id, import_id],
    ).fetchone()
    return {"added": row[0], "changed": row[1], "unchanged": row[2]}
