"""The line format of the row files (`connectors/row_files.py`): raw text values, one row per line.

A module of its own because the StUF-BG worker processes write this format too, and import nothing
they do not need (`connectors/stufbg_worker.py`).

The separators are characters XML 1.0 (and libxml2, also for XML 1.1) never lets into a parsed text
value: U+001F between fields, U+001E around a value holding a line break. An empty field is NULL,
so a row holds "" where a value is absent (lxml gives None, never "", for an empty element).
"""

from __future__ import annotations

from collections.abc import Iterable

SEP = "\x1f"
QUOTE = "\x1e"


def text_lines(rows: Iterable[list[str]]) -> tuple[str, int, int]:
    """Rows as lines of text for `RowFiles.add_text` (`connectors/row_files.py`): (text, number of
    rows, longest line)."""
    lines = []
    for row in rows:
        line = SEP.join(row)
        if "\n" in line or "\r" in line:
            line = SEP.join(f"{QUOTE}{v}{QUOTE}" if "\n" in v or "\r" in v else v for v in row)
        lines.append(line)
    if not lines:
        return "", 0, 0
    lines.append("")
    return "\n".join(lines), len(lines) - 1, max(map(len, lines))
