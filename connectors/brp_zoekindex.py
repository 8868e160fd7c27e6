"""Finding a person in the newest BRP delivery by name or address: the normalised search columns.

Why: finding a person by name or address must answer in ≤ 100 ms over 250,000 persons (issue 14),
and an ILIKE over `brp_personen` cannot: it builds each full name and folds case per row, per query
(303 ms for a surname under load). So every BRP import writes two search columns on each person
row of `brp_personen` (`COLUMNS`, in the insert itself): the surname and the full name, lower case
without diacritics (`Çelik` → `celik`, `Zoë` → `zoe`; a letter of its own such as `ı` or `ø`
stays). A search reads the newest delivery's rows only (`relation`; DuckDB skips the other
deliveries' row groups by `import_id`), and a list of persons found needs no second read.

Until 2026-12-07 the columns stood in a table of their own, `brp_zoekindex`, with copies of the
fields a list shows, sorted by surname; writing it took 0.9 s of a 1-million-person import
(docs/performance.md). An import drops that table.

Considered and not taken: SQLite FTS5 in the data directory (fast, but a second store to keep in
step with staging and its retention, and a trigram index needs three characters); DuckDB's own ART
index (no help for prefixes or `contains`).

A delivery staged before the columns existed has them empty: `relation` then builds a TEMP table of
its persons with the columns on the connection (read-only connections may), once per connection.

Diacritics are stripped by DuckDB's `strip_accents`, on both sides (`normalise`): one rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb

OLD_TABLE = "brp_zoekindex"  # the index table of before 2026-12-07: an import drops it
TEMP_TABLE = "brp_zoekindex_tijdelijk"
# What a list of persons found shows, as delivered.
SHOWN = ("voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum", "verblijfplaats_type", "straat",
         "huisnummer", "huisletter", "huisnummertoevoeging", "postcode", "woonplaats",
         "gemeente_inschrijving", "rni")
ROW = ("bsn", *SHOWN)
_HIGHEST = "\U0010ffff"  # above every character: the end of a prefix range
NAAM = "concat_ws(' ', nullif(voornamen, ''), nullif(voorvoegsel, ''), geslachtsnaam)"


def _norm(expression: str) -> str:
    return f"lower(strip_accents(coalesce({expression}, '')))"


# the search columns of `brp_personen` (the last two), each an SQL expression over a person's columns
COLUMNS: dict[str, str] = {
    "zoek_geslachtsnaam": _norm("geslachtsnaam"),  # 'vries'
    "zoek_naam": _norm(NAAM),                      # 'jan pieter de vries'
}
# made when a search asks (a stored column costs every import about 0.2 CPU s per million persons):
# the surname with its voorvoegsel ('de vries'), only for the few rows of a surname range, and the
# postcode without its space ('1234AB'), a cheap expression on short text
ACHTERNAAM = _norm("concat_ws(' ', nullif(voorvoegsel, ''), geslachtsnaam)")
POSTCODE = "upper(replace(postcode, ' ', ''))"


def columns_sql() -> str:
    """The SELECT list of the search columns, over a relation with the person's typed columns."""
    return ", ".join(f"{sql} AS {name}" for name, sql in COLUMNS.items())


def _present(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, bool], bool]:
    """(name, temporary) -> has the search columns, of the tables this module reads."""
    rows = con.execute(
        "SELECT t.table_name, t.temporary, EXISTS (SELECT 1 FROM duckdb_columns() c "
        "WHERE c.table_oid = t.table_oid AND c.column_name = 'zoek_naam') "
        "FROM duckdb_tables() t WHERE t.table_name IN (?, ?, ?)",
        ["imports", "brp_personen", TEMP_TABLE]).fetchall()
    return {(name, temporary): searchable for name, temporary, searchable in rows}


def relation(con: duckdb.DuckDBPyConnection) -> str | None:
    """The persons of the newest BRP delivery with their search columns, as a relation to query
    (None: no BRP delivery staged)."""
    present = _present(con)
    if ("imports", False) not in present or ("brp_personen", False) not in present:
        return None
    newest = con.execute("SELECT max(import_id) FROM imports WHERE kind = 'brp' AND status = 'loaded'"
                         ).fetchone()[0]
    if newest is None:
        return None
    if present[("brp_personen", False)]:  # the delivery's rows have the columns filled, or it has none
        first = con.execute("SELECT zoek_naam IS NOT NULL FROM brp_personen WHERE import_id = ? LIMIT 1",
                            [newest]).fetchone()
        if first is None or first[0]:
            return f"(SELECT * FROM brp_personen WHERE import_id = {int(newest)})"
    if not (present.get((TEMP_TABLE, True)) and _import_of(con, TEMP_TABLE) == newest):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {TEMP_TABLE} AS "
                    f"SELECT import_id, bsn, {', '.join(SHOWN)}, {columns_sql()} "
                    f"FROM brp_personen WHERE import_id = {int(newest)}")
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
    surname as a range (`vries` ≤ x < `vries\U0010ffff`); with more words also
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
        steps.append((f"{select} WHERE {in_range} AND starts_with({ACHTERNAAM}, ?) AND {scope} {order}",
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
    return _rows(con, f"SELECT {', '.join(ROW)} FROM {index} WHERE postcode IS NOT NULL "
                      f"AND (CAST(? AS INTEGER) IS NULL OR huisnummer = ?) AND {POSTCODE} = ? AND {scope} "
                      f"ORDER BY huisnummer, zoek_geslachtsnaam, zoek_naam, bsn LIMIT {int(limit)}",
                 [huisnummer, huisnummer, postcode.replace(" ", "").upper(), *scope_params])


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
