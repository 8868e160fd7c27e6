"""The one spreadsheet writer of InBeeld: .xlsx (openpyxl) and .csv for Dutch Excel.

Every list or figure that leaves InBeeld as a spreadsheet goes through here, so that all of
them share the same safety rules (docs/spec.md §6: "Spreadsheet exports neutralise formula injection")
and the same look (frozen header, filters, real date cells shown as d-m-jjjj).

Formula injection (OWASP "CSV injection"): a text value that starts with `=`, `+`, `-`, `@`,
a tab or a carriage return (or their full-width forms) could be run as a formula by a
spreadsheet program. In .xlsx such a value is stored as a plain string cell (never `<f>`) with
the `quotePrefix` style: Excel shows the text exactly as given and treats it as if it had been
typed with a leading `'`, so editing the cell does not turn it into a formula either. In .csv
there is no style, so a literal `'` is put in front of the value (the OWASP advice).

Control characters (other than tab and newline) are illegal in the XML inside an .xlsx and make
Excel ask to repair the file; they are removed from every text value, in both formats.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from inbeeld.cells import clean_text, csv_writer, needs_neutralising, neutralise_csv

Kind = Literal["text", "date", "datetime", "int", "number", "percent"]

DATE_FORMAT = "d-m-yyyy"  # shown by Dutch Excel as d-m-jjjj
DATETIME_FORMAT = "d-m-yyyy h:mm"
PERCENT_FORMAT = "0.0%"
NUMBER_FORMAT = "0.0"
MAX_SHEET_TITLE = 31

_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")

HEADER_FILL = "DDEBF7"
_HEADER_FONT = Font(bold=True)
_HEADER_BORDER = Border(bottom=Side(style="thin", color="808080"))


@dataclass(frozen=True)
class Column:
    """One column of a table: where its values come from, its Dutch header and its type.

    `fill` maps a cell's value to an RGB colour (`"C6EFCE"`) or None, for colour-coded
    figures such as the KPI traffic lights.
    """

    key: str
    header: str
    kind: Kind = "text"
    width: float | None = None
    fill: Callable[[Any], str | None] | None = None


@dataclass
class Table:
    """A titled table: one sheet in an .xlsx, or one .csv file.

    `highlight` maps a row to an RGB colour (or None): that row is filled and bold in the .xlsx,
    so rows that need attention (an overdue case) stand out; a column's own `fill` wins in its cell.
    """

    title: str
    columns: Sequence[Column]
    rows: Iterable[Mapping[str, Any]]
    notes: Sequence[str] = field(default_factory=tuple)
    highlight: Callable[[Mapping[str, Any]], str | None] | None = None


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    # pandas NaT / NA without importing pandas here
    return type(value).__name__ in {"NaTType", "NAType"}


def _plain(value: Any) -> Any:
    """Turn numpy / pandas scalars into plain Python values openpyxl and csv understand."""
    if _is_missing(value):
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    elif hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _typed(value: Any, kind: Kind) -> Any:
    """The value converted for its column type; text that is not the column type stays text."""
    value = _plain(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
    elif kind == "datetime":
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time())
    elif kind in {"int", "number", "percent"}:
        if isinstance(value, int | float):
            return value
    elif isinstance(value, dt.datetime | dt.date | int | float):
        return value
    return str(value)


def _display_width(value: Any, kind: Kind) -> int:
    if value is None:
        return 0
    if kind in {"date"} and isinstance(value, dt.date):
        return 10
    if kind == "datetime" and isinstance(value, dt.date):
        return 16
    if kind == "percent" and isinstance(value, float):
        return 7
    text = str(value)
    return max((len(line) for line in text.split("\n")), default=0)


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no `[]:*?/\\`, at most 31 characters, not empty."""
    base = _SHEET_TITLE_BAD.sub("-", clean_text(title)).strip().strip("'") or "Blad"
    base = base[:MAX_SHEET_TITLE]
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        number += 1
    taken.add(candidate.lower())
    return candidate


def _write_sheet(workbook: Workbook, table: Table, taken: set[str]) -> None:
    sheet = workbook.create_sheet(sheet_title(table.title, taken))
    columns = list(table.columns)
    widths = [len(column.header) for column in columns]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=clean_text(column.header))
        cell.data_type = "s"
        cell.font = _HEADER_FONT
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.border = _HEADER_BORDER
        cell.alignment = Alignment(vertical="top", wrap_text=False)
    row_number = 1
    for row in table.rows:
        row_number += 1
        marked = table.highlight(row) if table.highlight is not None else None
        for index, column in enumerate(columns, start=1):
            value = _typed(row.get(column.key), column.kind)
            cell = sheet.cell(row=row_number, column=index)
            if isinstance(value, str):
                text = clean_text(value)
                cell.value = text
                cell.data_type = "s"  # never a formula or an error code
                if needs_neutralising(text):
                    cell.quotePrefix = True
                if column.kind != "text":
                    cell.alignment = Alignment(horizontal="right")
                elif "\n" in text:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.value = value
                if isinstance(value, dt.datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
                elif column.kind == "percent" and isinstance(value, int | float):
                    cell.number_format = PERCENT_FORMAT
                elif column.kind == "number" and isinstance(value, float):
                    cell.number_format = NUMBER_FORMAT
            if marked:
                cell.fill = PatternFill("solid", fgColor=marked)
                cell.font = _HEADER_FONT
            if column.fill is not None:
                colour = column.fill(_plain(row.get(column.key)))
                if colour:
                    cell.fill = PatternFill("solid", fgColor=colour)
            widths[index - 1] = max(widths[index - 1], _display_width(value, column.kind))
    last_column = get_column_letter(max(len(columns), 1))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_column}{max(row_number, 1)}"
    for index, column in enumerate(columns, start=1):
        width = column.width if column.width is not None else min(max(widths[index - 1] + 2, 8), 60)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def write_xlsx(path: str | Path, tables: Sequence[Table], notes: Sequence[str] = ()) -> Path:
    """Write the tables as sheets of one workbook; `notes` (and each table's notes) go to a
    last sheet "Toelichting" so that they never sit inside a filtered range."""
    path = Path(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "InBeeld"
    taken: set[str] = set()
    for table in tables:
        _write_sheet(workbook, table, taken)
    all_notes = [*notes] + [f"{table.title}: {note}" for table in tables for note in table.notes]
    if all_notes:
        note_table = Table(
            "Toelichting", [Column("toelichting", "Toelichting", width=100)],
            [{"toelichting": note} for note in all_notes],
        )
        _write_sheet(workbook, note_table, taken)
    if not workbook.worksheets:
        workbook.create_sheet("Leeg")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _csv_value(value: Any, kind: Kind) -> str:
    """A value as Dutch Excel reads it from a semicolon CSV: d-m-jjjj dates, decimal comma."""
    value = _typed(value, kind)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value.day}-{value.month}-{value.year} {value.hour}:{value.minute:02d}"
    if isinstance(value, dt.date):
        return f"{value.day}-{value.month}-{value.year}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if kind == "percent":
            return f"{value * 100:.1f}".replace(".", ",") + "%"
        return f"{value:.1f}".replace(".", ",")
    return neutralise_csv(str(value))


def write_csv(path: str | Path, table: Table) -> Path:
    """Write one table as UTF-8 with BOM, semicolon separated, CRLF: what Dutch Excel opens."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv_writer(handle)
        writer.writerow([neutralise_csv(column.header) for column in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(row.get(column.key), column.kind) for column in table.columns])
    return path
