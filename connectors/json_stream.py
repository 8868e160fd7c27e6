"""Stream the big array of a JSON response body into DuckDB without loading the body.

A Haal Centraal response is one object, `{"type": ..., "personen": [ ... ]}`. DuckDB's
`read_json(format='array')` streams a top-level array within its memory limit, but reading the
whole object would materialise it (a national file is several GB). So the array's bytes are
located (a small scan of the head and the tail) and copied, `[` to `]`, into a temporary file
that DuckDB reads. The tail check doubles as the truncation check: a file cut short has no
closing `]}`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
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
                          "geen JSON-object (een antwoord begint met '{')")
    pos += 1
    decoder = json.JSONDecoder()
    text = head.decode("latin-1")  # one char per byte: offsets in `text` are offsets in `head`
    while True:
        pos = _WS.match(head, pos).end()
        if head[pos:pos + 1] != b'"':
            raise RefusedFile(path, _line_at(head, pos), member,
                              f'geen array "{member}" bovenaan het antwoord')
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
                              f'JSON niet welgevormd vóór de array "{member}"') from exc
        pos = _WS.match(head, end).end()
        if head[pos:pos + 1] != b",":
            raise RefusedFile(path, _line_at(head, pos), member, f'geen array "{member}" in het antwoord')
        pos += 1
    if head[pos:pos + 1] != b"[":
        raise RefusedFile(path, _line_at(head, pos), member, f'"{member}" is geen array')
    start = pos
    stripped = tail.rstrip()
    if not stripped.endswith(b"}") or not stripped[:-1].rstrip().endswith(b"]"):
        raise RefusedFile(path, None, member,
                          f'de array "{member}" en het antwoordobject zijn niet gesloten: afgebroken bestand '
                          f'(of "{member}" is niet het laatste onderdeel)')
    end = max(0, size - TAIL) + len(stripped[:-1].rstrip()) - 1
    if end <= start:
        raise RefusedFile(path, None, member, "afgebroken bestand")
    return start, end


@contextmanager
def array_file(path: Path, start: int, end: int) -> Iterator[Path]:
    """A temporary regular file holding the bytes `start..end` (inclusive) of `path`: the array alone.

    Not a pipe: DuckDB's JSON reader keeps a non-seekable input in memory (measured: out of memory
    at a 400 MB limit for 1 M persons), while a regular file streams within the limit. The copy is
    made by the kernel (`copy_file_range`) where it can be, and removed afterwards.
    """
    tmpdir = Path(tempfile.mkdtemp(prefix="inbeeld-json-"))
    target = tmpdir / "array.json"
    try:
        with path.open("rb") as src, target.open("wb") as dst:
            left = end - start + 1
            offset = start
            try:
                while left > 0:
                    done = os.copy_file_range(src.fileno(), dst.fileno(), min(left, 1 << 30), offset)
                    if done == 0:
                        break
                    offset += done
                    left -= done
            except OSError:
                src.seek(offset)
                while left > 0 and (block := src.read(min(left, 8 << 20))):
                    dst.write(block)
                    left -= len(block)
        yield target
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
