"""Reading a semicolon CSV delivery into a raw text table, refusing a structurally broken file.

Why: DUO deliveries and the vrijstellingen list share one shape (docs/formats.md: `;`, a header
row, `"` quotes, CRLF or LF) and the same file-level faults, which must refuse the whole file with
the file, line and field named (SPEC §6): undecodable bytes, binary junk, an empty file, a missing
or wrong header, a row with too few or too many fields (a truncated file). DuckDB's CSV reader does
the bulk work with every dialect option fixed, so nothing is guessed; this module checks the header
against the mapping itself and turns DuckDB's errors into `RefusedFile`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from connectors.csv_errors import refusal_from_csv_error
from connectors.errors import RefusedFile
from connectors.field_mapping import Mapping
from connectors.textfile import BLOCK, TextInfo, as_utf8, check_text
from connectors.typed_rows import Checked, RowCheck, check_rows, sql_str

MAX_HEADER_BYTES = 1 << 20
PARALLEL_FROM_BYTES = 32 * 1024 * 1024


@dataclass
class CsvDelivery:
    """What a reader needs to know about a CSV delivery once it has been checked and typed."""

    path: Path
    info: TextInfo
    header: list[str]
    rows: int
    checked: Checked
    labels: dict[str, str] = field(default_factory=dict)  # field name -> header spelling


def read_header(path: Path, info: TextInfo, delimiter: str = ";") -> list[str]:
    """The column names of the first line (BOM and surrounding blanks removed)."""
    with path.open("rb") as handle:
        first = handle.readline(MAX_HEADER_BYTES)
    text = first.decode(info.encoding, errors="replace").lstrip("\ufeff").rstrip("\r\n")
    if not text.strip():
        raise RefusedFile(path, 1, None, "missing header: the first line is empty")
    return [name.strip() for name in next(csv.reader([text], delimiter=delimiter, quotechar='"'))]


def match_header(path: Path, header: list[str], mapping: Mapping) -> tuple[dict[str, int], dict[str, int]]:
    """(field -> column index, unknown column name -> index), or `RefusedFile` for a wrong header."""
    if header and re.fullmatch(r"[0-9]{6,}", header[0]):
        raise RefusedFile(path, 1, None, "no header row: the first line holds data")
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        key = name.upper()
        if key and key in seen:
            raise RefusedFile(path, 1, name, f"column {name!r} appears twice in the header")
        seen[key] = index
    positions: dict[str, int] = {}
    for item in mapping.fields:
        found = [seen[s] for s in item.spellings if s in seen]
        if len(found) > 1:
            raise RefusedFile(path, 1, item.source, f"two columns feed field {item.name}")
        if found:
            positions[item.name] = found[0]
        elif item.required or item.required_column:
            hint = ""
            if len(header) == 1 and mapping.delimiter not in header[0]:
                hint = f" (the header has one column: is the separator {mapping.delimiter!r}?)"
            raise RefusedFile(path, 1, item.source, f"missing column {item.source} in the header{hint}")
    used = set(positions.values())
    extra = {}
    for index, name in enumerate(header):
        if index not in used:
            extra[name or f"column_{index + 1}"] = index
    return positions, extra


@dataclass(frozen=True)
class LineFacts:
    """What one read of the bytes tells about the lines, for numbering them in parallel."""

    lines: int            # physical lines
    trailing_blank: int   # blank lines at the end
    plain: bool           # no quote character and no blank line before the end: one line = one record
    half_lines: int       # lines (header included) before the first line start past the middle


def _line_facts(path: Path) -> LineFacts:
    """Count lines and find the middle line in one read (newlines and quotes only)."""
    size = path.stat().st_size
    newlines = half_lines = 0
    plain = True
    last = b""
    offset = 0
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            if offset <= size // 2 < offset + len(block):
                half_lines = newlines + block.count(b"\n", 0, size // 2 - offset) + 1
            newlines += block.count(b"\n")
            if plain and (b'"' in block or b"\n\n" in (last[-1:] + block).rstrip(b"\r\n")
                          or b"\n\r\n" in (last[-2:] + block).rstrip(b"\r\n")):
                plain = False
            offset += len(block)
            last = block
    lines = newlines + (0 if last.endswith(b"\n") or not last else 1)
    tail = last.rstrip(b"\r\n\t ")
    trailing_blank = max(last[len(tail):].count(b"\n") - 1, 0) if last.endswith(b"\n") else 0
    return LineFacts(lines, trailing_blank, plain, half_lines)


def _line_map(con: duckdb.DuckDBPyConnection, path: Path, delimiter: str, name: str) -> None:
    """The slow path for files with blank lines or quoted line breaks: record number -> first line."""
    starts: list[int] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar='"')
        next(reader, None)
        end = reader.line_num
        for record in reader:
            start, end = end + 1, reader.line_num
            if record:
                starts.append(start)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (idx BIGINT, line BIGINT)")
    if starts:
        con.execute(f"INSERT INTO {name} SELECT unnest(range(?)), unnest(?)", [len(starts), starts])


def check_csv(
    path: str | Path,
    con: duckdb.DuckDBPyConnection,
    mapping: Mapping,
    *,
    import_id: int,
    table: str | None = None,
    constants: dict[str, object] | None = None,
    encoding: str | None = None,
    row_checks: tuple[RowCheck, ...] = (),
    name: str = "checked_rows",
) -> CsvDelivery:
    """Check encoding, header and structure of `path`, then type, check and insert its rows in one pass.

    Raises `RefusedFile` for a file-level fault; row-level faults are in `checked` (see typed_rows).
    """
    path = Path(path)
    if not path.is_file():
        raise RefusedFile(path, None, None, "no such file")
    if path.stat().st_size == 0:
        raise RefusedFile(path, None, None, "empty file")
    info = check_text(path, encoding)
    header = read_header(path, info, mapping.delimiter)
    positions, extra = match_header(path, header, mapping)
    labels = {name_: header[index] for name_, index in positions.items()}

    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    with as_utf8(path, info) as utf8:
        facts = _line_facts(utf8)
        options = (f"delim = {sql_str(mapping.delimiter)}, quote = '\"', escape = '\"', header = false, "
                   f"auto_detect = false, strict_mode = true, null_padding = false, columns = {columns}")
        source = sql_str(str(utf8))
        # The line is numbered where the rows are read: the scan's ordinality (row ids of what is
        # written later do not keep the file's order). An ordinality scan runs on one thread, so a
        # large plain file (one line = one record) is read as two halves, one per core.
        serial = (f"(SELECT ordinality + 1 AS line, * FROM read_csv({source}, {options}, skip = 1) "
                  "WITH ORDINALITY)")
        relation = serial
        first = facts.half_lines - 1  # records in the first half
        if facts.plain and utf8.stat().st_size >= PARALLEL_FROM_BYTES and 0 < first < facts.lines - 1:
            relation = (
                f"(SELECT ordinality + 1 AS line, * FROM (SELECT * FROM read_csv({source}, {options}, "
                f"skip = 1) WITH ORDINALITY LIMIT {first}) UNION ALL "
                f"SELECT ordinality + {facts.half_lines} AS line, * FROM read_csv({source}, {options}, "
                f"skip = {facts.half_lines}) WITH ORDINALITY)"
            )
        sources = {name_: f"c{index}" for name_, index in positions.items()}
        extra_sources = {name_: f"c{index}" for name_, index in extra.items()}
        try:
            checked = check_rows(con, mapping, relation, sources, extra_sources=extra_sources,
                                 row_checks=row_checks, name=name, import_id=import_id, table=table,
                                 constants=constants)
        except duckdb.Error as exc:  # DuckDB names the file's own line, also in the second half
            if "CSV" not in str(exc) and "unicode" not in str(exc).lower():
                raise
            raise refusal_from_csv_error(path, exc) from exc
        rows = checked.count()
        if rows != facts.lines - 1 - facts.trailing_blank:
            # blank lines or quoted line breaks: record number -> line, from Python's csv module
            _line_map(con, utf8, mapping.delimiter, f"{name}_lines")
            checked.renumber(f"{name}_lines")
            con.execute(f"DROP TABLE {name}_lines")
    return CsvDelivery(path=path, info=info, header=header, rows=rows, checked=checked, labels=labels)
