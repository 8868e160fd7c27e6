"""Rows of raw text values written to temporary delimited files that DuckDB reads back.

Why: a reader that builds rows in Python (StUF-BG XML) hands millions of them to DuckDB. Joining
each row into one line costs a fraction of converting it to Arrow, keeps pyarrow (about 90 MB once
used) out of the process, and DuckDB parses the files in parallel, twice if need be (the checks of
`brp_schema.load_batch` read their source twice). Memory stays flat: the rows wait on disk, in
DuckDB's temp directory next to the staging file, and the files go when the import ends. Each full
file is loaded on a thread of its own while the reader goes on (DuckDB works without the GIL), so
the loading of all but the last file costs no time when a core is free.

The line format is `connectors/row_text.py`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import TYPE_CHECKING

from connectors.row_text import QUOTE, SEP, text_lines

if TYPE_CHECKING:
    import duckdb

# one DuckDB statement per file: its fixed cost vs the last load, which runs alone after the reader
# (StUF-BG, 1 M persons: 500,000 left 7-9 s after the workers under load, 200,000 4-6 s, same CPU)
ROWS_PER_FILE = 200_000
LINE_LIMIT = 1 << 18  # DuckDB's max_line_size unless a file has a longer one (buffers: a few times it)


class RowFiles:
    """`add` rows (lists of str, all of the same width); every full file goes to `load` (a
    `read_csv(...)` source -> rows read) on the loading thread; `finish` loads the rest.

    While a load runs, the DuckDB connection is the loading thread's: the reader must not use it
    until `finish` or `discard` (leaving the `with` block waits for a running load too).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, columns: dict[str, str],
                 load: Callable[[str], int]) -> None:
        self.columns = columns
        self._load = load
        self._folder = tempfile.TemporaryDirectory(prefix="rows-", dir=_temp_dir(con))
        self._files: list[Path] = []
        self._loader = ThreadPoolExecutor(1, thread_name_prefix="rows-load")
        self._loads: list[Future] = []
        self._handle = None
        self._in_file = 0
        self._longest = 0
        self.rows = 0

    def __enter__(self) -> RowFiles:
        return self

    def __exit__(self, *_: object) -> None:
        self.discard()
        self._loader.shutdown()
        self._folder.cleanup()

    def discard(self) -> None:
        """Wait for a running load, load nothing more and forget every row (the caller undoes what
        the loads did, e.g. to start over)."""
        for future in self._loads:
            future.cancel()
        for future in self._loads:
            if not future.cancelled():
                future.exception()  # waits; an error of a discarded load does not matter
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        for path in self._files:
            path.unlink(missing_ok=True)
        self._files, self._loads, self.rows, self._in_file, self._longest = [], [], 0, 0, 0

    def settle(self) -> None:
        """Wait for the loads running or queued (the connection is free again); the file being
        written stays open."""
        wait(self._loads)

    def finish(self) -> int:
        """Load the last file, wait for every load; the rows read by all of them."""
        self._close_file()
        return sum(future.result() for future in self._loads)

    def add(self, rows: Iterable[list[str]]) -> None:
        self.add_text(*text_lines(rows))

    def add_text(self, text: str, count: int, longest: int) -> None:
        """Rows already joined by `text_lines`."""
        self.add_encoded(text.encode("utf-8"), count, longest)

    def add_encoded(self, text: bytes, count: int, longest: int) -> None:
        """Rows joined by `text_lines` and encoded as UTF-8 (by a worker process, say)."""
        if not count:
            return
        if self._handle is None:
            path = Path(self._folder.name) / f"rows-{len(self._files):04d}.txt"
            self._handle = path.open("wb")
            self._files.append(path)
        self._handle.write(text)
        self._longest = max(self._longest, longest)
        self.rows += count
        self._in_file += count
        if self._in_file >= ROWS_PER_FILE:
            self._close_file()

    def _close_file(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            self._loads.append(self._loader.submit(self._load_file, self._files[-1], self._longest))
            self._in_file = self._longest = 0

    def _load_file(self, path: Path, longest: int) -> int:
        read = self._load(self._source(path, longest))
        path.unlink()  # disk space: a national delivery is gigabytes of rows
        return read

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
