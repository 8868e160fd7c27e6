"""Rows of raw text values written to temporary delimited files that DuckDB reads back.

Why: a reader that builds rows in Python (StUF-BG XML) hands millions of them to DuckDB. Joining
each row into one line costs a fraction of converting it to Arrow, keeps pyarrow (about 90 MB once
used) out of the process, and DuckDB parses the files in parallel, twice if need be (the checks of
`brp_schema.load_batch` read their source twice). Memory stays flat: the rows wait on disk, in
DuckDB's temp directory next to the staging file, and the files go when the import ends.

The separators are characters XML 1.0 (and libxml2, also for XML 1.1) never lets into a parsed text
value: U+001F between fields, U+001E around a value holding a line break. An empty field is NULL,
so a row holds "" where a value is absent (lxml gives None, never "", for an empty element).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb

SEP = "\x1f"
QUOTE = "\x1e"
ROWS_PER_FILE = 1_000_000  # one DuckDB statement per file: planning cost vs the size of its temp tables
LINE_LIMIT = 1 << 20  # DuckDB's max_line_size unless a file has a longer line
BATCH = 10_000  # lines joined and written at once


class RowFiles:
    """`add` rows (lists of str, all of the same width), `close`, then `sources` for DuckDB."""

    def __init__(self, con: duckdb.DuckDBPyConnection, columns: dict[str, str]) -> None:
        self.columns = columns
        self._folder = tempfile.TemporaryDirectory(prefix="rows-", dir=_temp_dir(con))
        self._files: list[tuple[Path, int]] = []  # path, longest line
        self._handle = None
        self._lines: list[str] = []
        self._in_file = 0
        self._longest = 0
        self.rows = 0

    def __enter__(self) -> RowFiles:
        return self

    def __exit__(self, *_: object) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self._folder.cleanup()

    def clear(self) -> None:
        """Forget every row added (a reader starting over)."""
        self._close_file()
        for path, _ in self._files:
            path.unlink()
        self._files, self._lines, self.rows = [], [], 0

    def add(self, rows: Iterable[list[str]]) -> None:
        lines = self._lines
        for row in rows:
            line = SEP.join(row)
            if "\n" in line or "\r" in line:
                line = SEP.join(f"{QUOTE}{v}{QUOTE}" if "\n" in v or "\r" in v else v for v in row)
            lines.append(line)
        if len(lines) >= BATCH:
            self._write()

    def _write(self) -> None:
        if not self._lines:
            return
        if self._handle is None:
            path = Path(self._folder.name) / f"rows-{len(self._files):04d}.txt"
            self._handle = path.open("w", encoding="utf-8", newline="\n")
            self._files.append((path, 0))
        self._longest = max(self._longest, max(map(len, self._lines)))
        self._handle.write("\n".join(self._lines))
        self._handle.write("\n")
        self.rows += len(self._lines)
        self._in_file += len(self._lines)
        self._lines = []
        if self._in_file >= ROWS_PER_FILE:
            self._close_file()

    def _close_file(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            self._files[-1] = (self._files[-1][0], self._longest)
            self._in_file = self._longest = 0

    def close(self) -> list[str]:
        """Write what is left; one `read_csv(...)` source per file, in the order the rows came."""
        self._write()
        self._close_file()
        return [self._source(path, longest) for path, longest in self._files]

    def _source(self, path: Path, longest: int) -> str:
        # a character is at most 4 bytes; DuckDB needs a buffer that holds the longest line
        max_line = max(LINE_LIMIT, 4 * longest + 2)
        columns = ", ".join(f"'{name}': '{kind}'" for name, kind in self.columns.items())
        text = str(path).replace("'", "''")
        return (f"read_csv('{text}', delim='{SEP}', quote='{QUOTE}', escape='{QUOTE}', header=false, "
                f"auto_detect=false, new_line='\\n', max_line_size={max_line}, "
                f"buffer_size={max(4 * LINE_LIMIT, 2 * max_line)}, columns={{{columns}}})")


def _temp_dir(con: duckdb.DuckDBPyConnection) -> str | None:
    """DuckDB's spill directory (next to the staging file), created if need be; None: the system's."""
    folder = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    if not folder:
        return None
    os.makedirs(folder, exist_ok=True)
    return folder
