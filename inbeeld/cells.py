"""What a spreadsheet cell may hold: control characters removed, formulas neutralised (docs/spec.md §6).

Shared by the workbook writer (reports.spreadsheet) and the command line's `--format csv`
(inbeeld.output), so every CSV or .xlsx that leaves InBeeld follows the same rule. A text that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return (or their full-width forms) could be
run as a formula by a spreadsheet program; in CSV a literal `'` goes in front (the OWASP advice).
"""

from __future__ import annotations

import csv
import re
from typing import Any, TextIO

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# C0 controls except tab, LF and CR; DEL and C1 controls; lone surrogates; U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_CELL_TEXT = 32767  # Excel's limit on the characters in one cell


def clean_text(value: str) -> str:
    """Remove characters that are illegal in spreadsheet XML; keep tab and newline."""
    value = value.replace("\r\n", "\n")
    return _ILLEGAL.sub("", value)[:MAX_CELL_TEXT]


def needs_neutralising(text: str) -> bool:
    """True when a spreadsheet program could read the text as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def neutralise_csv(text: str) -> str:
    """The text as it is safe to put in a CSV cell: cleaned, with `'` before a formula trigger."""
    text = clean_text(text)
    return "'" + text if needs_neutralising(text) else text


def csv_writer(handle: TextIO) -> Any:
    """The one CSV dialect of InBeeld: semicolons and CRLF, what Dutch Excel opens (RFC 4180 quoting)."""
    return csv.writer(handle, delimiter=";", quotechar='"', lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
