"""A progress bar for long imports that needs nothing from the reader.

The readers hand the file to DuckDB or lxml, which read it through their own file descriptors;
on Linux `/proc/self/fdinfo` shows how far each descriptor has read. DuckDB reads with `pread`,
which moves no file position, so while the position stands still the bar shows how far the running
DuckDB statement is (`query_progress` of the staging connection). A thread polls both and moves a
click progress bar: one sweep per pass over the file or long statement. Elsewhere, or for small
files, nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import duckdb

MIN_SIZE = 20 * 1024 * 1024


def _read_position(target: str) -> int | None:
    best = None
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for fd in fds:
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != target:
                continue
            with open(f"/proc/self/fdinfo/{fd}") as info:
                for line in info:
                    if line.startswith("pos:"):
                        pos = int(line.split()[1])
                        best = pos if best is None else max(best, pos)
        except (OSError, ValueError):
            continue
    return best


def bar_value(position: int | None, last_position: int | None, query: float, size: int) -> int | None:
    """Where the bar stands: the file position while it moves, else the running statement's share
    of the file (`query` is DuckDB's percentage, -1 when no statement runs), else None (no change)."""
    if position is not None and position != last_position:
        return position
    if query >= 0:
        return int(size * min(query, 100.0) / 100)
    return None


def _query_progress(con: duckdb.DuckDBPyConnection | None) -> float:
    if con is None:
        return -1.0
    try:
        return con.query_progress()
    except duckdb.Error:
        return -1.0


@contextmanager
def file_progress(path: Path, enabled: bool = True, label: str | None = None,
                  con: duckdb.DuckDBPyConnection | None = None) -> Iterator[None]:
    """Show how far the import has read `path` (stderr), while the body runs; with `con`, also how
    far its DuckDB statements are."""
    size = path.stat().st_size if path.is_file() else 0
    if not enabled or size < MIN_SIZE or not Path("/proc/self/fdinfo").is_dir():
        yield
        return
    target = str(path.resolve())
    stop = threading.Event()

    def poll() -> None:
        done = 0
        passes = 1
        last_position = None
        with click.progressbar(length=size, label=label or path.name, file=click.get_text_stream("stderr"),
                               show_eta=False) as bar:
            while not stop.wait(0.5):
                position = _read_position(target)
                pos = bar_value(position, last_position, _query_progress(con), size)
                last_position = position
                if pos is None:
                    continue
                if pos < done - size // 10:
                    passes += 1
                    bar.label = f"{label or path.name} (pass {passes})"
                    bar.pos = 0
                    done = 0
                if pos > done:
                    bar.update(pos - done)
                    done = pos

    thread = threading.Thread(target=poll, name="inbeeld-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
