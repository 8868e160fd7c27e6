"""Reading a semicolon CSV delivery into a raw text table, refusing a structurally broken file.

Why: DUO deliveries and the vrijstellingen list share one shape (docs/formats.md: `;`, a header
row, `"` quotes, CRLF or LF) and the same file-level faults, which must refuse the whole file with
the file, line and field named (docs/spec.md §6): undecodable bytes, binary junk, an empty file, a missing
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
from connectors.errors import GEEN_BESTAND, LEEG_BESTAND, RefusedFile
from connectors.mappings import Mapping
from connectors.textfile import TextInfo, as_utf8, check_text
from connectors.typed_rows import Checked, RowCheck, check_rows, sql_str

MAX_HEADER_BYTES = 1 << 20


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
    text = text.removeprefix("#")  # DUO's reports may mark their header line as a comment
    if not text.strip():
        raise RefusedFile(path, 1, None, "de kopregel ontbreekt: de eerste regel is leeg")
    return [name.strip() for name in next(csv.reader([text], delimiter=delimiter, quotechar='"'))]


def match_header(path: Path, header: list[str], mapping: Mapping) -> tuple[dict[str, int], dict[str, int]]:
    """(field -> column index, unknown column name -> index), or `RefusedFile` for a wrong header."""
    if header and re.fullmatch(r"[0-9]{6,}", header[0]):
        raise RefusedFile(path, 1, None, "geen kopregel: op de eerste regel staan gegevens")
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        key = name.upper()
        if key and key in seen:
            raise RefusedFile(path, 1, name, f"kolom {name!r} staat twee keer in de kopregel")
        seen[key] = index
    positions: dict[str, int] = {}
    for item in mapping.fields:
        found = [seen[s] for s in item.spellings if s in seen]
        if len(found) > 1:
            raise RefusedFile(path, 1, item.source, f"twee kolommen vullen veld {item.name}")
        if found:
            positions[item.name] = found[0]
        elif item.required or item.required_column:
            hint = ""
            if len(header) == 1 and mapping.delimiter not in header[0]:
                hint = f" (de kopregel heeft één kolom: is het scheidingsteken {mapping.delimiter!r}?)"
            raise RefusedFile(path, 1, item.source, f"kolom {item.source} ontbreekt in de kopregel{hint}")
    used = set(positions.values())
    extra = {}
    for index, name in enumerate(header):
        if index not in used:
            extra[name or f"column_{index + 1}"] = index
    return positions, extra


def record_lines(
    con: duckdb.DuckDBPyConnection, path: Path, delimiter: str, name: str, quote: str = '"'
) -> None:
    """The slow path for files with blank lines or quoted line breaks: the temp table `name`
    (idx, line) maps each record after the header (from 0) to the line it starts on."""
    starts: list[int] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar=quote)
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
        raise RefusedFile(path, None, None, GEEN_BESTAND)
    if path.stat().st_size == 0:
        raise RefusedFile(path, None, None, LEEG_BESTAND)
    info = check_text(path, encoding)
    header = read_header(path, info, mapping.delimiter)
    positions, extra = match_header(path, header, mapping)
    labels = {name_: header[index] for name_, index in positions.items()}

    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    with as_utf8(path, info) as utf8:
        # rows are typed in file order (on every thread): a row's line is its record number + 2
        # (header, 1-based), unless blank lines or quoted line breaks need a line map (below)
        relation = (
            f"read_csv({sql_str(str(utf8))}, "
            f"delim = {sql_str(mapping.delimiter)}, quote = '\"', escape = '\"', header = false, skip = 1, "
            f"auto_detect = false, strict_mode = true, null_padding = false, columns = {columns})"
        )
        try:
            checked = check_rows(
                con, mapping, relation,
                {name_: f"c{index}" for name_, index in positions.items()},
                extra_sources={name_: f"c{index}" for name_, index in extra.items()},
                row_checks=row_checks, name=name, import_id=import_id, table=table, constants=constants,
                line_column=None, first_line=2, blanks=info.has_blank,
            )
        except duckdb.Error as exc:
            if "CSV" not in str(exc) and "unicode" not in str(exc).lower():
                raise
            raise refusal_from_csv_error(path, exc) from exc
        rows = checked.count()
        if rows != info.lines - 1 - info.trailing_blank_lines:
            # blank lines or quoted line breaks: record number -> line, from Python's csv module
            record_lines(con, utf8, mapping.delimiter, f"{name}_lines")
            checked.renumber(f"{name}_lines")
    return CsvDelivery(path=path, info=info, header=header, rows=rows, checked=checked, labels=labels)
