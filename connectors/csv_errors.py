"""Turn DuckDB's CSV parse errors into `RefusedFile` with the line and a short reason.

DuckDB's message quotes the offending line verbatim (personal data); the refusal keeps only the
line number and what was wrong, so it can be logged and shown.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from connectors.errors import RefusedFile

_LINE = re.compile(r"CSV Error on Line: (\d+)")
_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def refusal_from_csv_error(file: Path, exc: duckdb.Error, field: str | None = None) -> RefusedFile:
    """The `RefusedFile` for a DuckDB CSV error (the caller raises it `from exc`)."""
    text = str(exc)
    line_match = _LINE.search(text)
    line = int(line_match[1]) if line_match else None
    columns = _COLUMNS.search(text)
    if columns:
        expected, found = int(columns[1]), int(columns[2])
        reason = (f"verwacht {expected} kolommen zoals in de kopregel, gevonden {found}"
                  + (" (afgebroken bestand?)" if found < expected else ""))
    elif "unterminated quote" in text:
        reason = "waarde met een aanhalingsteken dat niet wordt gesloten (afgebroken bestand?)"
    elif "Invalid unicode" in text or "UTF" in text:
        reason = "ongeldige UTF-8"
    else:
        reason = "geen leesbaar CSV-bestand: " + text.splitlines()[0][:120].split("Original Line")[0]
    return RefusedFile(file, line, field, reason)
