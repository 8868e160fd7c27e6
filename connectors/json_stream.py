"""Stream the big array of a JSON response body into DuckDB without loading the body.

A Haal Centraal response is one object, `{"type": ..., "personen": [ ... ]}`. DuckDB's
`read_json(format='array')` streams a top-level array in constant memory, but reading the whole
object would materialise it (a national file is several GB). So the array's bytes are located
(a small scan of the head and the tail) and piped through a FIFO, `[` to `]`, to DuckDB.
The tail check doubles as the truncation check: a file cut short has no closing `]}`.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from connectors.errors import RefusedFile

HEAD = 1 << 20
TAIL = 1 << 16
_WS = re.compile(rb"\s*")


def _line_at(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def locate_array(path: Path, member: str) -> tuple[int, int]:
    """Byte offsets of the `[` and the `]` of the top-level `member` array, which must be the last
    member of the top-level object (as in every Haal Centraal response), else RefusedFile."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(HEAD)
        handle.seek(max(0, size - TAIL))
        tail = handle.read()
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    pos = _WS.match(head, pos).end()
    if head[pos:pos + 1] != b"{":
        raise RefusedFile(path, _line_at(head, pos), None,
                          "not a JSON object (a response body starts with '{')")
    pos += 1
    decoder = json.JSONDecoder()
    text = head.decode("latin-1")  # one char per byte: offsets in `text` are offsets in `head`
    while True:
        pos = _WS.match(head, pos).end()
        if head[pos:pos + 1] != b'"':
            raise RefusedFile(path, _line_at(head, pos), member,
                              f'no "{member}" array at the top of the response')
        try:
            key, end = decoder.raw_decode(text, pos)
            pos = _WS.match(head, end).end()
            if head[pos:pos + 1] != b":":
                raise ValueError("':' expected")
            pos = _WS.match(head, pos + 1).end()
            if key == member:
                break
            _, end = decoder.raw_decode(text, pos)
        except (ValueError, IndexError) as exc:
            raise RefusedFile(path, _line_at(head, pos), member,
                              f'not well-formed JSON before the "{member}" array') from exc
        pos = _WS.match(head, end).end()
        if head[pos:pos + 1] != b",":
            raise RefusedFile(path, _line_at(head, pos), member, f'no "{member}" array in the response')
        pos += 1
    if head[pos:pos + 1] != b"[":
        raise RefusedFile(path, _line_at(head, pos), member, f'"{member}" is not an array')
    start = pos
    stripped = tail.rstrip()
    if not stripped.endswith(b"}") or not stripped[:-1].rstrip().endswith(b"]"):
        raise RefusedFile(path, None, member,
                          f'the "{member}" array and the response object are not closed: truncated file '
                          f'(or "{member}" is not the last member)')
    end = max(0, size - TAIL) + len(stripped[:-1].rstrip()) - 1
    if end <= start:
        raise RefusedFile(path, None, member, "truncated file")
    return start, end


@contextmanager
def array_fifo(path: Path, start: int, end: int) -> Iterator[Path]:
    """A FIFO that yields the bytes `start..end` (inclusive) of `path` once, for one DuckDB scan.

    The writer thread is released and joined however the scan ends (DuckDB may fail before it
    opens the FIFO, or stop reading early).
    """
    tmpdir = Path(tempfile.mkdtemp(prefix="inbeeld-json-"))
    fifo = tmpdir / "array.json"
    os.mkfifo(fifo)
    failure: list[BaseException] = []

    def write() -> None:
        try:
            with fifo.open("wb") as out, path.open("rb") as src:
                src.seek(start)
                left = end - start + 1
                while left > 0:
                    block = src.read(min(left, 8 << 20))
                    if not block:
                        break
                    out.write(block)
                    left -= len(block)
        except BrokenPipeError:
            pass
        except BaseException as exc:  # reported after the join
            failure.append(exc)

    writer = threading.Thread(target=write, name="inbeeld-json-fifo", daemon=True)
    writer.start()
    try:
        yield fifo
    finally:
        if writer.is_alive():
            # the reader never opened (or stopped): open and close a read end to release the writer
            try:
                fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
                while writer.is_alive():
                    try:
                        if not os.read(fd, 1 << 20):
                            writer.join(0.01)
                    except BlockingIOError:
                        writer.join(0.01)
                os.close(fd)
            except OSError:
                pass
        writer.join()
        fifo.unlink(missing_ok=True)
        tmpdir.rmdir()
    if failure:
        raise failure[0]
