"""How list commands print: one `--format table|csv|json` option and one printer for all of them.

Declared once, as sqlite-utils declares its `output_options`: a list command takes
`@output_options` and hands its rows to `emit`. CSV is semicolon separated with CRLF line ends,
for Dutch Excel, and every cell goes through `inbeeld.cells.neutralise_csv` (docs/spec.md §6); JSON is a
list of objects with ISO dates; the table is aligned plain text ending in the row count.

Values can be hostile: a quarantined value is exactly what a supplier delivered, and an escape
sequence in it would retitle the window, clear the screen or fake a line when printed as is. So
the table shows every control character (C0, DEL, C1) and every bidirectional override or isolate
(U+202E …) as its escape (`\x1b`, `\u202e`): `printable`. JSON and CSV keep the value.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import click

from inbeeld.cells import csv_writer, neutralise_csv

FORMATS = ("table", "csv", "json")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
F = TypeVar("F", bound=Callable[..., Any])


def output_options(function: F) -> F:
    """Add `--format table|csv|json` (parameter `fmt`) to a list command."""
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="table for people; csv (semicolons, for Excel) or json for scripts.")(function)


def printable(value: str) -> str:
    """`value` with every control and bidi character written as its Python escape (issue 20 #7)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)


def plain(value: Any) -> Any:
    """A value as JSON and CSV show it: ISO dates, an enum's value, None stays None."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _cell(value: Any) -> Any:
    """A list (a dossier's reasons) as one table or CSV cell; JSON keeps it a list."""
    return ", ".join(str(plain(item)) for item in value) if isinstance(value, (list, tuple)) else value


def emit(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: str, *,
         empty: str | None = None, width: int | None = None, noun: str = "") -> None:
    """Print `rows` (only `columns`, in that order) as a table, CSV or JSON.

    `empty` is what the table says when there are no rows; `width` cuts long table cells;
    `noun` names what the count at the end of the table counts."""
    records = [{column: plain(row.get(column)) for column in columns} for row in rows]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    records = [{c: _cell(v) for c, v in record.items()} for record in records]  # a list: one cell
    if fmt == "csv":
        writer = csv_writer(sys.stdout)
        writer.writerow([neutralise_csv(column) for column in columns])
        for record in records:
            writer.writerow(["" if record[c] is None else neutralise_csv(str(record[c])) for c in columns])
    elif not records and empty is not None:
        click.echo(empty)
    else:
        cells = [["" if record[c] is None else printable(str(record[c])) for c in columns]
                 for record in records]
        widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(columns)]
        if width:
            widths = [min(width, w) for w in widths]
        click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
        for line in cells:
            click.echo("  ".join(v[:w].ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
        click.echo(f"({len(records)}{' ' + noun if noun else ''})")
