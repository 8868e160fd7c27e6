"""The search index of the newest BRP delivery: who is called what and lives where, normalised.

Why: finding a person by name or address must answer in ≤ 100 ms over 250,000 persons (issue 14),
and an ILIKE over `brp_personen` cannot: it reads every delivery's rows for the import id, builds
each full name and folds case per row, per query (303 ms for a surname under load). So each BRP
import also writes `brp_zoekindex` (in the same transaction, so it always belongs to the newest
delivery and vanishes with a refused one): one row per person, the names lower case without
diacritics (`Çelik` → `celik`, `Zoë` → `zoe`; a letter of its own such as `ı` or `ø` stays), the
postcode without its space, and the fields a list of persons shows as delivered; sorted by
geslachtsnaam. Measured on 250,000 persons under heavy load (`bench/bench_zoeken.py`,
docs/performance.md): the whole search p95 58 ms for a surname prefix, 76 ms for first name and
surname, 62 ms for postcode + huisnummer, against 106 ms for the old ILIKE scan alone on the same
surnames; the build adds a fraction of a second to an import.

Considered and not taken: SQLite FTS5 in the data directory (fast, but a second store to keep in
step with staging and its retention, and a trigram index needs three characters); DuckDB's own ART
index (no help for prefixes or `contains`). The index is derived data: only the newest delivery's
rows are kept, and the retention's purge by `import_id` covers it like any staged table.

A staging file from before this module has no index for its newest delivery: `relation` then builds
one as a TEMP table on the connection (read-only connections may), once per connection.

Diacritics are stripped by DuckDB's `strip_accents`, on both sides (`normalise`): one rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb

TABLE = "brp_zoekindex"
TEMP_TABLE = "brp_zoekindex_tijdelijk"
# What a list of persons found shows, copied as delivered: the list needs no second read of the
# wide `brp_personen` (a lookup by BSN there costs more than the search itself).
SHOWN = ("voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum", "verblijfplaats_type", "straat",
         "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "woonplaats",
         "gemeente_inschrijving", "rni")
ROW = ("bsn", *SHOWN)

DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    import_id      BIGINT NOT NULL,
    bsn            VARCHAR NOT NULL,
    zoek_geslachtsnaam VARCHAR,  -- 'vries'
    zoek_achternaam    VARCHAR,  -- with the voorvoegsel: 'de vries'
    zoek_naam      VARCHAR,      -- voornamen, voorvoegsel, geslachtsnaam: 'jan pieter de vries'
    zoek_postcode  VARCHAR,      -- '1234AB'
    {", ".join(f"{name} {kind}" for name, kind in (
        ("voornamen", "VARCHAR"), ("voorvoegsel", "VARCHAR"), ("geslachtsnaam", "VARCHAR"),
        ("geboortedatum", "VARCHAR"), ("verblijfplaats_type", "VARCHAR"), ("straat", "VARCHAR"),
        ("huisnummer", "INTEGER"), ("huisletter", "VARCHAR"), ("huisnummertoevoeging", "VARCHAR"),
        ("postcode", "VARCHAR"), ("woonplaats", "VARCHAR"), ("gemeente_inschrijving", "VARCHAR"),
        ("rni", "BOOLEAN")))}
)
"""
LAYOUT = "zoek_naam"  # a column the current layout has and earlier ones had not
_HIGHEST = "\U0010ffff"  # above every character: the end of a prefix range
NAAM = "concat_ws(' ', nullif(voornamen, ''), nullif(voorvoegsel, ''), geslachtsnaam)"


def _norm(expression: str) -> str:
    return f"lower(strip_accents(coalesce({expression}, '')))"


def _rows_sql(import_id: int) -> str:
    return f"""
        SELECT import_id, bsn,
               {_norm('geslachtsnaam')} AS zoek_geslachtsnaam,
               {_norm("concat_ws(' ', nullif(voorvoegsel, ''), geslachtsnaam)")} AS zoek_achternaam,
               {_norm(NAAM)} AS zoek_naam,
               upper(replace(postcode, ' ', '')) AS zoek_postcode, {", ".join(SHOWN)}
        FROM brp_personen WHERE import_id = {int(import_id)}
        ORDER BY zoek_geslachtsnaam, bsn
    """


def build(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    """Make the index that of BRP import `import_id` (inside the import's transaction)."""
    if (TABLE, False) not in _present(con):
        con.execute(f"DROP TABLE IF EXISTS {TABLE}")  # none, or an earlier layout: derived data, made anew
    con.execute(DDL)
    con.execute(f"DELETE FROM {TABLE}")
    con.execute(f"INSERT INTO {TABLE} {_rows_sql(import_id)}")


def _present(con: duckdb.DuckDBPyConnection) -> set[tuple[str, bool]]:
    """(name, temporary) of the tables this module needs; an index of an earlier layout is not one."""
    rows = con.execute(
        "SELECT t.table_name, t.temporary, t.table_name NOT IN (?, ?) OR EXISTS ("
        "SELECT 1 FROM duckdb_columns() c WHERE c.table_oid = t.table_oid AND c.column_name = ?) "
        "FROM duckdb_tables() t "
        "WHERE t.table_name IN (?, ?, ?, ?)",
        [TABLE, TEMP_TABLE, LAYOUT, "imports", "brp_personen", TABLE, TEMP_TABLE]).fetchall()
    return {(name, temporary) for name, temporary, current in rows if current}


def relation(con: duckdb.DuckDBPyConnection) -> str | None:
    """The index of the newest BRP delivery to query (None: no BRP delivery staged)."""
    present = _present(con)
    if not {("imports", False), ("brp_personen", False)} <= present:
        return None
    newest = con.execute("SELECT max(import_id) FROM imports WHERE kind = 'brp' AND status = 'loaded'"
                         ).fetchone()[0]
    if newest is None:
        return None
    if (TABLE, False) in present and _import_of(con, TABLE) == newest:
        return TABLE
    if not ((TEMP_TABLE, True) in present and _import_of(con, TEMP_TABLE) == newest):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {TEMP_TABLE} AS {_rows_sql(newest)}")
    return TEMP_TABLE


def _import_of(con: duckdb.DuckDBPyConnection, table: str) -> int | None:
    row = con.execute(f"SELECT import_id FROM {table} LIMIT 1").fetchone()
    return row[0] if row else None


def normalise(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """`text` as the index holds names: lower case, no diacritics, single spaces."""
    folded = con.execute("SELECT lower(strip_accents(?))", [text]).fetchone()[0]
    return " ".join(str(folded).split())


def _in(gemeenten: tuple[str, ...] | None) -> tuple[str, list]:
    """The condition (and its parameters) that keeps the residents of `gemeenten` (None: everyone)."""
    if gemeenten is None:
        return "true", []
    return f"gemeente_inschrijving IN ({', '.join('?' for _ in gemeenten)})", list(gemeenten)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, Any]]:
    return [dict(zip(ROW, row, strict=True)) for row in con.execute(sql, params).fetchall()]


def by_name(con: duckdb.DuckDBPyConnection, text: str, limit: int, gemeenten: tuple[str, ...] | None = None,
            index: str | None = None) -> list[dict[str, Any]]:
    """Persons whose surname (with or without voorvoegsel) starts with `text`, then those whose full
    name contains every word of it; by surname, at most `limit`; only residents of `gemeenten` if given.

    Each step is its own plain query, because DuckDB evaluates both sides of an OR on every row: the
    surname as a range on the sorted column (`vries` ≤ x < `vries\U0010ffff`); with more words also
    the last word as that range and the whole text as the start of the surname with its voorvoegsel
    (`de vr`); and only when those leave room, the scan for every word contained."""
    index = index or relation(con)
    query = normalise(con, text)
    words = query.split()
    if index is None or not words:
        return []
    scope, scope_params = _in(gemeenten)
    select = f"SELECT {', '.join(ROW)}, zoek_geslachtsnaam, zoek_naam FROM {index}"
    order = f"ORDER BY zoek_geslachtsnaam, zoek_naam, bsn LIMIT {int(limit)}"
    in_range = "zoek_geslachtsnaam >= ? AND zoek_geslachtsnaam < ?"
    steps = [(f"{select} WHERE {in_range} AND {scope} {order}", [query, query + _HIGHEST, *scope_params])]
    if len(words) > 1:
        steps.append((f"{select} WHERE {in_range} AND starts_with(zoek_achternaam, ?) AND {scope} {order}",
                      [words[-1], words[-1] + _HIGHEST, query, *scope_params]))
    found: dict[str, tuple] = {}
    for sql, params in steps:
        for row in con.execute(sql, params).fetchall():
            found.setdefault(row[0], row)
    ranked = sorted(found.values(), key=lambda row: (row[-2], row[-1], row[0]))[:limit]
    if len(ranked) < limit:
        contains = " AND ".join("contains(zoek_naam, ?)" for _ in words)
        wider = f"ORDER BY zoek_geslachtsnaam, zoek_naam, bsn LIMIT {int(limit + len(ranked))}"
        for row in con.execute(f"{select} WHERE {contains} AND {scope} {wider}",
                               [*words, *scope_params]).fetchall():
            if row[0] not in found and len(ranked) < limit:
                found[row[0]] = row
                ranked.append(row)
    return [dict(zip(ROW, row[:len(ROW)], strict=True)) for row in ranked]


def by_address(con: duckdb.DuckDBPyConnection, postcode: str, huisnummer: int | None, limit: int,
               gemeenten: tuple[str, ...] | None = None, index: str | None = None) -> list[dict[str, Any]]:
    """Persons living at `postcode` (`1234AB`) and, when given, `huisnummer`."""
    index = index or relation(con)
    if index is None:
        return []
    scope, scope_params = _in(gemeenten)
    return _rows(con, f"SELECT {', '.join(ROW)} FROM {index} WHERE zoek_postcode = ? "
                      f"AND (CAST(? AS INTEGER) IS NULL OR huisnummer = ?) AND {scope} "
                      f"ORDER BY huisnummer, zoek_geslachtsnaam, zoek_naam, bsn LIMIT {int(limit)}",
                 [postcode.replace(" ", "").upper(), huisnummer, huisnummer, *scope_params])


def by_numbers(con: duckdb.DuckDBPyConnection, numbers: Iterable[str], index: str | None = None
               ) -> dict[str, dict[str, Any]]:
    """The persons of the newest BRP delivery with these BSNs."""
    wanted = sorted({n for n in numbers if n})
    index = index or relation(con)
    if index is None or not wanted:
        return {}
    rows = _rows(con, f"SELECT {', '.join(ROW)} FROM {index} WHERE bsn IN ({', '.join('?' for _ in wanted)})",
                 wanted)
    return {row["bsn"]: row for row in rows}
