"""Reader for the LO3-element CSV (GBA-V style selectie, docs/formats.md §1.2).

A row whose first column holds a label (`Lg01_716`) starts a persoonslijst and carries its current
values; the unlabelled rows after it are that persoonslijst's history (earlier addresses, earlier
gemeenten, further occurrences of repeating categories). History rows go to `brp_historie` and are
never counted as persons. Everything happens in DuckDB: `read_csv` with every column as text and
positional names (the real header repeats `06.88.10`), a row's line from its position in a table
written in file order, and an ASOF join attaching each history row to the last labelled row before
it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb

from connectors.brp_fields import FIELD_BY_NAME, check_format_mapping
from connectors.brp_schema import (
    RecordLines,
    check_in_order,
    create_tables,
    finish_persons,
    insert_checked,
)
from connectors.csv_errors import refusal_from_csv_error
from connectors.delimited import record_lines
from connectors.errors import RefusedFile
from connectors.mappings import Mapping, load_mapping
from connectors.staging import ReaderResult
from connectors.textfile import TextInfo, as_utf8, check_text
from connectors.typed_rows import clean_sql, sql_str

ELEMENT = re.compile(r"^(\d{2})\.(\d{2})\.(\d{2})$")
MARKER = re.compile(r"^(\d{2})\.H$")
FORMAT = "lo3csv"
# DuckDB's read buffer for the CSV (its default is 16 MB): with 32 MB the ordered typed pass over a
# million persons took 4.7-4.8 CPU s instead of 5.6-5.9 (fewer, larger batches to keep in file
# order); 64 and 128 MB gained no more (docs/performance.md, 2026-12-07)
BUFFER_BYTES = 32 << 20


def read_header(path: Path, delimiter: str = ";", quote: str = '"') -> list[str]:
    """The header row as a list (BOM stripped), or RefusedFile when there is none."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    if not first.strip():
        raise RefusedFile(path, 1, None, "geen kopregel")
    return next(csv.reader(io.StringIO(first), delimiter=delimiter, quotechar=quote))


def _elements(mapping: Mapping, header: list[str]) -> dict[str, str]:
    """Field -> the LO3 element that feeds it: its `source`, or the first of its `aliases` in the header."""
    present = set(header)
    return {f.name: next((s for s in f.sources if s in present), f.source) for f in mapping.fields}


def _check_header(path: Path, header: list[str], mapping: Mapping) -> None:
    if len(header) == 1:
        raise RefusedFile(path, 1, None,
                          f"de kopregel heeft één kolom: niet gescheiden door {mapping.delimiter!r}")
    if header[0].strip():
        raise RefusedFile(path, 1, header[0][:40],
                          "de eerste kolom moet de labelkolom van de persoonslijst zijn, met een lege kop")
    fields = _elements(mapping, header)
    present = set(header)
    for name, element in fields.items():
        if FIELD_BY_NAME[name].required and element not in present:
            raise RefusedFile(path, 1, element, f"kolom {element} ({name}) ontbreekt: geen LO3-selectie?")
    if not any(ELEMENT.match(h) for h in header[1:]):
        raise RefusedFile(path, 1, None, "de kopregel noemt geen LO3-elementen (CC.GG.EE)")


def read_lo3csv(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    *,
    mapping: Mapping | None = None,
    encoding: str | None = None,
    duplicates: str = "refuse",
    text: TextInfo | None = None,
) -> ReaderResult:
    """Load an LO3-element CSV into `brp_personen` (labelled rows) and `brp_historie` (the others).

    `text` is the file's encoding check when the caller made it already (`connectors.brp` makes it
    beside the content hash).

    One pass over the file, on every thread and in file order (brp_schema.check_in_order), types
    and checks each row and keeps the values of history rows; the good persons are then inserted.
    """
    mapping = mapping or load_mapping("brp_lo3csv")
    check_format_mapping(mapping)
    info = text or check_text(path, encoding)
    delimiter, quote = mapping.delimiter, mapping.quote
    with as_utf8(path, info) as utf8_path:
        header = read_header(utf8_path, delimiter, quote)
        _check_header(path, header, mapping)
        create_tables(con)
        columns = [f"c{i:03d}" for i in range(len(header))]
        first_index: dict[str, int] = {}
        for i, name in enumerate(header):
            first_index.setdefault(name, i)
        elements = _elements(mapping, header)
        col_of = {f: columns[first_index[el]] for f, el in elements.items() if el in first_index}
        mapped_cols = set(col_of.values())
        label = columns[0]

        spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in columns) + "}"
        con.execute(f"""
            CREATE OR REPLACE TEMP VIEW lo3_rows AS
            SELECT * FROM read_csv({sql_str(str(utf8_path))}, delim={sql_str(delimiter)},
                                   quote={sql_str(quote)}, escape={sql_str(quote)}, header=false,
                                   skip=1, columns={spec}, auto_detect=false, strict_mode=true,
                                   buffer_size={BUFFER_BYTES})
        """)
        # extra: every column the mapping does not name, with its header (duplicates numbered)
        seen: dict[str, int] = {}
        extra_items = []
        for i, name in enumerate(header[1:], start=1):
            seen[name] = seen.get(name, 0) + 1
            if columns[i] in mapped_cols:
                continue
            key = name if seen[name] == 1 else f"{name}#{seen[name]}"
            extra_items.append((key, columns[i]))
        extra = _json_of_nonempty(extra_items)

        select = ", ".join(
            f"{clean_sql(col_of[f], info.has_blank)} AS {f}" if f in col_of else f"NULL::VARCHAR AS {f}"
            for f in FIELD_BY_NAME
        )
        con.execute(f"""
            CREATE OR REPLACE TEMP VIEW lo3_personen AS
            SELECT NULL::BIGINT AS bron_regel, {select}, {extra} AS extra, {', '.join(columns)}
            FROM lo3_rows
        """)
        labelled = f"{_nz(label)} IS NOT NULL"
        markers = _markers(header, columns)
        history = f"NOT ({labelled})" + "".join(f" OR {c} IS NOT NULL" for c in markers.values())
        try:
            first_rowid = check_in_order(
                con, "lo3_personen", "lo3_pass", person=labelled,
                keep={"hist": f"CASE WHEN {history} THEN [{', '.join(columns[1:])}] END"},
            )
            records = con.execute("SELECT count(*) FROM lo3_pass").fetchone()[0]
            line_map = None
            if records != info.lines - 1 - info.trailing_blank_lines:
                line_map = "lo3_lines"  # blank lines or quoted line breaks
                record_lines(con, utf8_path, delimiter, line_map, quote)
            lines = RecordLines(first_rowid, 2, line_map)
            read, _ = insert_checked(con, import_id, "lo3_pass", lines)
            counts = finish_persons(con, import_id, path, read, duplicates)
            history_rows = _load_history(con, import_id, path, header, columns, mapping, lines)
        except duckdb.InvalidInputException as exc:
            raise refusal_from_csv_error(path, exc) from exc
        con.execute("DROP VIEW lo3_personen; DROP VIEW lo3_rows; DROP TABLE lo3_pass")
        if line_map:
            con.execute(f"DROP TABLE {line_map}")
    if counts.rows_read == 0:
        raise RefusedFile(path, 2, header[0] or "label", "geen persoonslijsten (geen regels met een label)")
    return ReaderResult(
        rows_read=counts.rows_read, rows_loaded=counts.rows_loaded, rows_quarantined=counts.rows_quarantined,
        format=FORMAT, encoding=info.encoding, gemeenten=counts.gemeenten,
        details={"history_rows": history_rows, **counts.details},
    )


def _markers(header: list[str], columns: list[str]) -> dict[str, str]:
    """Category -> column of the history markers (`CC.H`: 58 for history, 09 for a next occurrence)."""
    return {MARKER.match(h)[1]: columns[i] for i, h in enumerate(header) if MARKER.match(h)}


def _nz(column: str) -> str:
    """SQL: the column's value with blanks as NULL."""
    return f"nullif(trim({column}), '')"


def _date_sql(column: str | None) -> str:
    return f"brp_datum({_nz(column)})" if column else "NULL::DATE"


def _json_of_nonempty(items: list[tuple[str, str]]) -> str:
    """SQL for a JSON object of the non-empty columns in `items` ((key, column) pairs), else NULL.

    The object is joined as text from `to_json` of each key and value (an empty value's member is
    NULL, which `concat_ws` leaves out): the same text as `to_json(map_from_entries(...))` of the
    non-empty pairs, in a third of the time (no list or map per row; 0.7 of 1.0 CPU s of the history
    of 100,000 rows went to building them)."""
    if not items:
        return "NULL::JSON"
    values = [_nz(c) for _, c in items]
    members = ", ".join(f"to_json({sql_str(k)}) || ':' || to_json({v})"
                        for (k, _), v in zip(items, values, strict=True))
    any_value = f"coalesce({', '.join(values)})" if len(values) > 1 else values[0]
    return f"CASE WHEN {any_value} IS NOT NULL THEN ('{{' || concat_ws(',', {members}) || '}}')::JSON END"


def _load_history(
    con: duckdb.DuckDBPyConnection, import_id: int, path: Path, header: list[str], columns: list[str],
    mapping: Mapping, lines: RecordLines,
) -> int:
    """Insert the unlabelled rows, one `brp_historie` row per category with values; return the row count.

    The rows come from the scan `lo3_pass` (its `hist` list holds columns[1:]), `lines` numbers them.
    """
    first_history, first_label = con.execute(
        "SELECT min(rowid) FILTER (WHERE NOT is_person), min(rowid) FILTER (WHERE is_person) FROM lo3_pass"
    ).fetchone()
    if first_history is not None and (first_label is None or first_history < first_label):
        line = con.execute(f"SELECT {lines.line} FROM lo3_pass t{lines.join} "
                           f"WHERE t.rowid = {int(first_history)}").fetchone()[0]
        raise RefusedFile(path, line, header[0] or "label",
                          "historieregel vóór de eerste regel met een label: "
                          "bij welke persoonslijst hoort die?")

    markers = _markers(header, columns)
    position = {c: i for i, c in enumerate(columns[1:], start=1)}
    values = ", ".join(
        f"CASE WHEN NOT t.is_person THEN t.hist[{position[c]}] END AS {c}" for c in columns[1:])
    marker_cols = "".join(f", t.hist[{position[c]}] AS h_{cat}" for cat, c in markers.items())
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lo3_hist AS
        SELECT {lines.line} AS line, t.is_person AS is_label, {values}{marker_cols}
        FROM lo3_pass t{lines.join}
        WHERE t.hist IS NOT NULL
    """)
    # the persoonslijsten that have history: a labelled row right before a history row (a history
    # row belongs to the last labelled row before it, which starts its run of history rows)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lo3_with_history AS
        SELECT {lines.line} AS bron_regel, t.bsn FROM lo3_pass t{lines.join}
        WHERE t.is_person AND t.rowid + 1 IN (SELECT rowid FROM lo3_pass WHERE NOT is_person)
    """)
    field_of = {el: f for f, el in _elements(mapping, header).items()}
    hist = mapping.options.get("history", {})
    by_category: dict[str, list[tuple[str, str]]] = {}
    seen: dict[str, int] = {}
    for i, name in enumerate(header[1:], start=1):
        seen[name] = seen.get(name, 0) + 1
        match = ELEMENT.match(name)
        if not match:
            continue
        key = field_of.get(name, name) if seen[name] == 1 else f"{name}#{seen[name]}"
        by_category.setdefault(match[1], []).append((key, columns[i], name))
    parts = []
    for cat, items in sorted(by_category.items()):
        cols = [c for _, c, _ in items]
        any_value = " OR ".join(f"nullif(trim({c}), '') IS NOT NULL" for c in cols)
        by_element = {el: c for _, c, el in items}
        van = by_element.get(f"{cat}.{hist.get('geldig_van', '85.10')}")
        opn = by_element.get(f"{cat}.{hist.get('opneming', '86.10')}")
        marker = f"h_prev_{cat}" if cat in markers else "NULL::VARCHAR"
        parts.append(f"""
            SELECT line, '{cat}' AS categorie, {marker} AS lo3_categorie,
                   {_date_sql(van)} AS geldig_van,
                   {_date_sql(opn)} AS opneming,
                   {_json_of_nonempty([(k, c) for k, c, _ in items])} AS waarden
            FROM hist_rows WHERE {any_value}""")
    if not parts:
        con.execute("DROP TABLE lo3_hist; DROP TABLE lo3_with_history")
        return 0
    prev_markers = ", ".join(
        f"CASE WHEN lag(line) OVER w = line - 1 THEN lag(h_{cat}) OVER w END AS h_prev_{cat}"
        for cat in markers
    )
    con.execute(f"""
        INSERT INTO brp_historie
        WITH hist_rows AS (
            SELECT * FROM (
                SELECT *{', ' + prev_markers if prev_markers else ''} FROM lo3_hist
                {'WINDOW w AS (ORDER BY line)' if prev_markers else ''}
            ) WHERE NOT is_label
        ),
        per_category AS ({" UNION ALL ".join(parts)}),
        attached AS (
            SELECT p.bsn, p.bron_regel AS pl_regel, h.*
            FROM per_category h ASOF JOIN lo3_with_history p ON h.line >= p.bron_regel
        )
        SELECT {int(import_id)}, bsn, pl_regel, line, categorie, lo3_categorie, geldig_van,
               CASE WHEN categorie IN ('01', '02', '03', '06', '07', '08', '11') THEN
                   lag(geldig_van) OVER (PARTITION BY pl_regel, categorie ORDER BY line) END,
               opneming, waarden
        FROM attached
        ORDER BY line, categorie
    """)
    count = con.execute("SELECT count(*) FROM lo3_hist WHERE NOT is_label").fetchone()[0]
    con.execute("DROP TABLE lo3_hist; DROP TABLE lo3_with_history")
    return count
