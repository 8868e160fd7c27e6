"""Reader for StUF-BG 3.10 `npsLa01` answers (docs/formats.md §1.3), in bounded memory.

Every person `object` becomes one flat row of raw canonical fields (`connectors/stufbg_objects.py`);
the shared validation and insert of `brp_schema` type them into `brp_personen`.

Two ways through a file, with the same rows, quarantine and refusals:

* in one pass (files under `PARALLEL_FROM`, and any file the other way cannot split): lxml
  `iterparse` through `xml_safety` (no DOCTYPE, no entities), each element cleared after use; every
  `FLUSH` rows are checked and inserted;
* in parts (`connectors/xml_chunks.py`): the file is cut after person end tags and the parts are
  parsed by threads (libxml2 parses without the GIL, so two cores work while Python reads the
  elements); rows go to Parquet files in the staging's temp directory and are checked and inserted
  once the whole file has parsed, `LOAD_ROWS` at a time. A part that does not parse sends the file
  the one-pass way, which names the line and error exactly as before.
"""

from __future__ import annotations

import os
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from connectors import xml_chunks
from connectors.brp_schema import RAW_NAMES, create_tables, finish_persons, load_batch
from connectors.errors import RefusedFile
from connectors.mappings import load_mapping
from connectors.staging import ReaderResult
from connectors.stufbg_objects import Layout, read_object
from connectors.textfile import check_text
from connectors.xml_safety import NotWellFormed, check_prolog, safe_iterparse, walk_ends

FORMAT = "stufbg"
BATCH = 10_000  # rows held as Python lists before they become one Arrow table
FLUSH = 100_000  # one pass: rows checked and inserted per DuckDB statement (planning cost vs memory)
PARALLEL_FROM = 32 * 1024 * 1024  # bytes: smaller files are read in one pass
PART = 1 << 20  # bytes per part: each part's tree (about 6x its size) is in memory a few at a time
LOAD_ROWS = 1_000_000  # parts: rows per Parquet file, checked and inserted by one statement
ARROW_SCHEMA = pa.schema([("bron_regel", pa.int64())] + [(n, pa.string()) for n in RAW_NAMES]
                         + [("extra", pa.string())])
ACCEPTED = ("utf-8", "utf8", "cp1252", "windows-1252", "us-ascii", "iso-8859-1")


def read_stufbg(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    *,
    mapping: dict | None = None,
    encoding: str | None = None,
    duplicates: str = "refuse",
    batch: int = BATCH,
    flush: int = FLUSH,
    part_size: int | None = None,
    threads: int | None = None,
) -> ReaderResult:
    """Load a StUF-BG npsLa01 answer into `brp_personen`. `part_size` reads any file in parts of
    that many bytes (default: files from PARALLEL_FROM bytes in parts of PART); `threads` parse."""
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
        raise RefusedFile(path, 1, "encoding", f"XML encoding {used!r} is not accepted (UTF-8 or cp1252)")
    create_tables(con)
    read = None
    if part_size or path.stat().st_size >= PARALLEL_FROM:
        try:
            read = _read_in_parts(path, con, import_id, layout, override, used, part_size or PART,
                                  threads or os.cpu_count() or 1, batch)
        except NotWellFormed:
            read = None  # cannot be read in parts (or not well-formed): one pass says exactly why
    if read is None:
        read = _read_in_one_pass(path, con, import_id, layout, override, batch, flush)
    counts = finish_persons(con, import_id, path, read, duplicates)
    return ReaderResult(
        rows_read=counts.rows_read, rows_loaded=counts.rows_loaded, rows_quarantined=counts.rows_quarantined,
        format=FORMAT, encoding="cp1252" if override or used in ("cp1252", "windows-1252") else "utf-8",
        gemeenten=counts.gemeenten,
    )


def _read_in_one_pass(path: Path, con: duckdb.DuckDBPyConnection, import_id: int, layout: Layout,
                      override: str | None, batch: int, flush: int) -> int:
    """iterparse over the whole file; rows are checked and inserted every `flush` rows."""
    rows: list[list] = []
    pending: list[pa.Table] = []
    read = 0
    seen = False
    for _, obj in safe_iterparse(path, tag=f"{{*}}{layout.object}", encoding=override):
        seen = True
        rows.append(read_object(obj, layout, obj.sourceline))
        obj.clear()
        parent = obj.getparent()
        if parent is not None:
            while obj.getprevious() is not None:
                del parent[0]
        if len(rows) >= batch:
            pending.append(_arrow(rows))
            rows = []
            if len(pending) * batch >= flush:
                read += _load(con, import_id, pending)
                pending = []
    if rows:
        pending.append(_arrow(rows))
    if pending:
        read += _load(con, import_id, pending)
    if not seen:
        raise RefusedFile(path, None, layout.object,
                          f"no person `{layout.object}` elements: not an npsLa01 answer?")
    return read


def _read_in_parts(path: Path, con: duckdb.DuckDBPyConnection, import_id: int, layout: Layout,
                   override: str | None, used: str, size: int, threads: int, batch: int) -> int:
    """Parse the parts on `threads` threads, read their persons in file order into Parquet files,
    then check and insert those. `NotWellFormed` before anything is inserted if a part does not parse."""
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
        with tempfile.TemporaryDirectory(prefix="stufbg-", dir=_temp_dir(con)) as temp, \
                _ParquetRows(Path(temp), batch) as sink:
            sink.extend(read_object(obj, layout, obj.sourceline) for obj in _in_stream_order(head.root, tag))
            line = head.lines + 1  # the line `first` is on
            with ThreadPoolExecutor(threads, thread_name_prefix="stufbg") as pool:
                pending: deque[Future] = deque()
                try:
                    for part in xml_chunks.parts(handle, first, last, size, pattern):
                        pending.append(pool.submit(xml_chunks.parse_middle, part, head, encoding))
                        if len(pending) > threads:
                            line = _take(pending.popleft(), layout, tag, line, sink)
                    while pending:
                        line = _take(pending.popleft(), layout, tag, line, sink)
                finally:
                    for future in pending:
                        future.cancel()
            offset = line - 1
            sink.extend(read_object(obj, layout, obj.sourceline + offset)
                        for obj in _in_stream_order(tail, tag))
            files = sink.close()
            if not sink.rows:
                raise NotWellFormed(f"no `{layout.object}` elements")
            return sum(load_batch(con, import_id, f"read_parquet('{_sql_text(file)}')")[0] for file in files)


def _take(future: Future, layout: Layout, tag: str, line: int, sink: _ParquetRows) -> int:
    """Read the persons of a parsed middle part (it starts on `line`); the line after it."""
    root, newlines = future.result()
    offset = line - 1
    sink.extend(read_object(obj, layout, obj.sourceline + offset) for obj in _in_stream_order(root, tag))
    return line + newlines


def _in_stream_order(root, tag: str) -> Iterator:
    """The person elements below `root` as one pass meets them: in document order when none holds
    another (the usual), else by end event, each cleared and its earlier siblings dropped once read."""
    found = list(root.iter(tag))
    if all(element.getparent() is root for element in found):
        yield from found
        return
    for element in walk_ends(root, tag):
        yield element
        element.clear()
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]


class _ParquetRows:
    """Rows in Arrow tables of `batch` rows, written to Parquet files of LOAD_ROWS rows."""

    def __init__(self, folder: Path, batch: int) -> None:
        self.folder, self.batch = folder, batch
        self.rows: int = 0
        self.buffer: list[list] = []
        self.files: list[Path] = []
        self.writer: pq.ParquetWriter | None = None
        self.in_file = 0

    def __enter__(self) -> _ParquetRows:
        return self

    def __exit__(self, *_: object) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def extend(self, rows: Iterable[list]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= self.batch:
            self._write()

    def _write(self) -> None:
        if not self.buffer:
            return
        if self.writer is None:
            self.files.append(self.folder / f"part-{len(self.files):04d}.parquet")
            self.writer = pq.ParquetWriter(self.files[-1], ARROW_SCHEMA, compression="zstd")
        self.writer.write_table(_arrow(self.buffer))
        self.rows += len(self.buffer)
        self.in_file += len(self.buffer)
        self.buffer = []
        if self.in_file >= LOAD_ROWS:
            self.writer.close()
            self.writer, self.in_file = None, 0

    def close(self) -> list[Path]:
        self._write()
        self.__exit__()
        return self.files


def _temp_dir(con: duckdb.DuckDBPyConnection) -> str | None:
    """DuckDB's spill directory (next to the staging file), created if need be; None: the system's."""
    folder = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    if not folder:
        return None
    os.makedirs(folder, exist_ok=True)
    return folder


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def _arrow(rows: list[list]) -> pa.Table:
    """Python rows as one Arrow table (column-wise), so they leave the Python heap at once."""
    return pa.Table.from_arrays([pa.array(col, type=ARROW_SCHEMA.field(i).type)
                                 for i, col in enumerate(zip(*rows, strict=True))], schema=ARROW_SCHEMA)


def _load(con: duckdb.DuckDBPyConnection, import_id: int, tables: list[pa.Table]) -> int:
    """Check and insert one chunk straight into `brp_personen` (whose uncommitted rows DuckDB writes
    to the staging file as it goes: memory stays flat, unlike a temp table in the transaction)."""
    con.register("stuf_batch", pa.concat_tables(tables))
    try:
        read, _ = load_batch(con, import_id, "stuf_batch")
    finally:
        con.unregister("stuf_batch")
    return read
