"""Reader for StUF-BG 3.10 `npsLa01` answers (docs/formats.md §1.3), in bounded memory.

Every person `object` becomes one row of raw text fields (`connectors/stufbg_objects.py`), written to
temporary files (`connectors/row_files.py`) that the shared validation and insert of `brp_schema`
read back and type into `brp_personen`, a file at a time on a thread of its own.

Two ways through a file, with the same rows, line numbers, quarantine and refusals:

* in one pass (files under `PARALLEL_FROM`, and any file the other way cannot split): lxml
  `iterparse` through `xml_safety` (no DOCTYPE, no entities), each element cleared after use;
* in parts (`connectors/xml_chunks.py`): the file is cut after person end tags; this process reads
  the head and the tail, worker processes (`connectors/stufbg_pool.py`, one per core) parse and
  read the parts between, and their rows come back in file order. A part that does not parse on its
  own sends the file the one-pass way, which names the line and error exactly as before; what was
  inserted by then is deleted first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from connectors import xml_chunks
from connectors.brp_schema import create_tables, finish_persons, load_batch
from connectors.errors import RefusedFile
from connectors.mappings import Mapping, load_mapping
from connectors.row_files import RowFiles
from connectors.staging import ReaderResult
from connectors.stufbg_objects import COLUMNS, Layout, in_stream_order, read_object
from connectors.stufbg_pool import Workers
from connectors.stufbg_worker import Setup
from connectors.textfile import check_text
from connectors.xml_safety import NotWellFormed, check_prolog, safe_iterparse

FORMAT = "stufbg"
PARALLEL_FROM = 32 * 1024 * 1024  # bytes: smaller files are read in one pass
PART = 256 * 1024  # bytes per part: its tree (about 6x its size) fits a core's cache
BATCH = 10_000  # one pass: rows joined and written at once
RAW_TYPES = {name: "BIGINT" if name == "bron_regel" else "VARCHAR" for name in COLUMNS}
# While the worker processes run, a small DuckDB memory limit is lowered by what they hold, so that
# the limit bounds the import's process tree (`_duckdb_threads`). A one-thread load of a 500,000-row
# file ran at 48 MB (45.8 MiB; it spills to the temp directory); on two threads 56 MB was too little.
WORKER_MIB = 24  # a worker's RSS: 20-22 MB measured
LOAD_FLOOR_MIB = 48
SMALL_LIMIT_MIB = 1024  # from here on the workers are a few percent of the limit: it stays
ACCEPTED = ("utf-8", "utf8", "cp1252", "windows-1252", "us-ascii", "iso-8859-1")


def read_stufbg(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    *,
    mapping: Mapping | None = None,
    encoding: str | None = None,
    duplicates: str = "refuse",
    part_size: int | None = None,
    workers: int | None = None,
) -> ReaderResult:
    """Load a StUF-BG npsLa01 answer into `brp_personen`. `part_size` reads any file in parts of
    that many bytes (default: files from PARALLEL_FROM bytes in parts of PART), read by `workers`
    processes (default: one per core)."""
    mapping = mapping or load_mapping("brp_stufbg")
    layout = Layout(mapping)
    declared = check_prolog(path)
    override = None
    if encoding or not declared:
        info = check_text(path, encoding)  # undeclared: UTF-8, or detected cp1252
        override = "cp1252" if info.encoding == "cp1252" else None
        used = info.encoding
    else:
        used = declared
    if used not in ACCEPTED:
        raise RefusedFile(path, 1, "encoding", f"XML-codering {used!r} wordt niet aanvaard (UTF-8 of cp1252)")
    create_tables(con)
    read_in_parts = bool(part_size) or path.stat().st_size >= PARALLEL_FROM
    workers = workers or os.cpu_count() or 1
    few = max(1, (os.cpu_count() or 1) - workers) if read_in_parts else None
    with RowFiles(con, RAW_TYPES, lambda source: load_batch(con, import_id, source)[0]) as rows:
        with _duckdb_threads(con, few, workers if read_in_parts else 0):
            try:
                if read_in_parts:
                    try:
                        _read_in_parts(path, layout, mapping, override, used, part_size or PART, workers,
                                       rows)
                    except NotWellFormed:  # cannot be read in parts (or not well-formed): one pass says why
                        read_in_parts = False
                        rows.discard()
                        con.execute("DELETE FROM brp_personen WHERE import_id = ?", [import_id])
                        con.execute("DELETE FROM quarantine_pending")
                if not read_in_parts:
                    _read_in_one_pass(path, layout, override, rows)
            finally:
                rows.settle()  # the connection is this thread's again before its thread count changes
        read = rows.finish()  # the last file on every DuckDB thread: the workers are done
        counts = finish_persons(con, import_id, path, read, duplicates)
    return ReaderResult(
        rows_read=counts.rows_read, rows_loaded=counts.rows_loaded, rows_quarantined=counts.rows_quarantined,
        format=FORMAT, encoding="cp1252" if override or used in ("cp1252", "windows-1252") else "utf-8",
        gemeenten=counts.gemeenten, details=counts.details,
    )


@contextmanager
def _duckdb_threads(con: duckdb.DuckDBPyConnection, count: int | None, workers: int = 0) -> Iterator[None]:
    """DuckDB on `count` threads (None: as it is) while the reader's `workers` processes have the
    other cores; each DuckDB thread holds buffers of its own, so this is also what keeps the loads of
    a national delivery within a small memory limit. Under a small limit (below SMALL_LIMIT_MIB),
    that limit is lowered by what the workers hold (WORKER_MIB each, not below LOAD_FLOOR_MIB) for
    as long as they run: the limit then bounds the process tree, not this process alone."""
    if count is None:
        yield
        return
    before = con.execute("SELECT current_setting('threads')").fetchone()[0]
    mib = _mib(con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
    lower = None
    if mib is not None and mib < SMALL_LIMIT_MIB:
        lower = max(LOAD_FLOOR_MIB, mib - workers * WORKER_MIB)
        lower = lower if lower < mib else None
    con.execute(f"SET threads = {int(count)}")
    if lower is not None:
        con.execute(f"SET memory_limit = '{lower:.1f}MiB'")
    try:
        yield
    finally:
        # an aborted transaction refuses SET: it stays, which costs speed (threads) or, under a small
        # limit only, room for a next import on this connection (memory)
        with suppress(duckdb.Error):
            con.execute(f"SET threads = {int(before)}")
        if lower is not None:
            with suppress(duckdb.Error):
                # DuckDB shows the limit cut to 0.1 MiB: back to within 0.05 MiB of what it was
                con.execute(f"SET memory_limit = '{mib + 0.05:.2f}MiB'")


_UNITS = {"bytes": 1 / (1 << 20), "KiB": 1 / 1024, "MiB": 1, "GiB": 1024, "TiB": 1 << 20}


def _mib(setting: str) -> float | None:
    """DuckDB's shown memory limit (`76.2 MiB`) in MiB; None if it reads otherwise."""
    number, _, unit = setting.partition(" ")
    try:
        return float(number) * _UNITS[unit]
    except (KeyError, ValueError):
        return None


def _read_in_one_pass(path: Path, layout: Layout, override: str | None, rows: RowFiles) -> None:
    """iterparse over the whole file, each person element cleared once read."""
    seen = False
    batch: list[list[str]] = []
    for _, obj in safe_iterparse(path, tag=f"{{*}}{layout.object}", encoding=override):
        seen = True
        batch.append(read_object(obj, layout, obj.sourceline))
        if len(batch) >= BATCH:
            rows.add(batch)
            batch = []
        obj.clear()
        parent = obj.getparent()
        if parent is not None:
            while obj.getprevious() is not None:
                del parent[0]
    rows.add(batch)
    if not seen:
        raise RefusedFile(path, None, layout.object,
                          f"geen persoonselementen `{layout.object}`: geen npsLa01-antwoord?")


def _read_in_parts(path: Path, layout: Layout, mapping: Mapping, override: str | None, used: str, size: int,
                   workers: int, rows: RowFiles) -> None:
    """Read the head and tail here and the middle parts in `workers` processes, all in file order
    into `rows`; `NotWellFormed` if a part does not parse on its own."""
    pattern = xml_chunks.end_tag(layout.object)
    encoding = override or used  # parts after the head have no XML declaration of their own
    codec = "cp1252" if override else used
    tag = f"{{*}}{layout.object}"
    with path.open("rb") as handle:
        first, last = xml_chunks.first_end(handle, pattern), xml_chunks.last_end(handle, pattern)
        if first is None or last is None:
            raise NotWellFormed(f"no `{layout.object}` end tag")
        handle.seek(0)
        head = xml_chunks.read_head(handle.read(first), layout.object, override, codec)
        handle.seek(last)
        tail = xml_chunks.parse_tail(handle.read(), head, encoding)  # a truncated file stops here
        rows.add(read_object(obj, layout, obj.sourceline) for obj in in_stream_order(head.root, tag))
        lines = [head.lines + 1]  # the line the next part starts on

        def places() -> Iterator[tuple[int, int, int]]:
            offset = first
            for part in xml_chunks.parts(handle, first, last, size, pattern, layout.object):
                yield offset, len(part), lines[0]
                offset += len(part)
                lines[0] += part.count(b"\n")

        setup = Setup(str(path), mapping, head.wrapper, encoding)
        with Workers(workers, setup) as pool:
            for text, count, longest in pool.rows(places()):
                rows.add_encoded(text, count, longest)
        offset = lines[0] - 1
        rows.add(read_object(obj, layout, obj.sourceline + offset) for obj in in_stream_order(tail, tag))
