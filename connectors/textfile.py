"""Encoding checks for text deliveries (CSV, JSON), shared by every reader.

docs/formats.md: UTF-8 (a byte-order mark allowed); cp1252 accepted when declared or detected
(invalid UTF-8 that decodes as cp1252); anything else refuses the file. Binary junk (NUL bytes) is
refused too. The check streams the file in blocks, so it costs one read and no memory; DuckDB then
reads UTF-8 only, so a cp1252 file is transcoded once into a temporary UTF-8 copy.
"""

from __future__ import annotations

import codecs
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from threading import Event

from connectors.errors import UTF16, RefusedFile

BLOCK = 1024 * 1024  # a block stays in the cache through the checks; the GIL changes hands between blocks
UTF8_BOM = codecs.BOM_UTF8
ENCODINGS = ("utf-8", "cp1252")


@dataclass(frozen=True)
class TextInfo:
    """What the check found: the encoding to read with and whether the file starts with a BOM.

    The line counts come with the check (it reads every byte anyway), so a CSV reader can tell
    whether every record fills one line without reading the file again.
    """

    encoding: str  # 'utf-8' or 'cp1252'
    bom: bool
    ends_with_newline: bool
    lines: int = 0  # physical lines (a last line without a newline counts)
    trailing_blank_lines: int = 0  # blank (or blanks-only) lines at the end
    has_blank: bool = True  # a space anywhere (without one no value has blanks to trim)
    has_soh: bool = True  # a SOH byte (0x01) anywhere: the separator of a whole-line reader


def _line_of(path: Path, offset: int) -> int:
    """1-based line number of byte `offset` (only computed when something is wrong)."""
    line = 1
    done = 0
    with path.open("rb") as handle:
        while done < offset:
            block = handle.read(min(BLOCK, offset - done))
            if not block:
                break
            line += block.count(b"\n")
            done += len(block)
    return line


class CheckStopped(Exception):
    """`check_text` was told to stop: its answer is no longer wanted (the file is a duplicate)."""


def check_text(path: Path, declared: str | None = None, stop: Event | None = None) -> TextInfo:
    """Decide the encoding of `path` or raise `RefusedFile` naming the line of the first bad byte.

    `declared` ('utf-8' or 'cp1252', e.g. from `--encoding`) is checked, not trusted: a file
    declared UTF-8 that is not is refused. `stop`: when set (by another thread), the check raises
    `CheckStopped` at the next block.
    """
    if declared is not None:
        declared = declared.lower().replace("_", "-")
        if declared in {"windows-1252", "cp-1252"}:
            declared = "cp1252"
        if declared in {"utf8", "utf-8-sig"}:
            declared = "utf-8"
        if declared not in ENCODINGS:
            raise RefusedFile(path, None, None,
                              f"de codering {declared!r} wordt niet aanvaard (utf-8 of cp1252)")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(UTF8_BOM):
        raise RefusedFile(path, 1, None, UTF16)
    bom = head.startswith(UTF8_BOM)

    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252_ok = declared != "utf-8"
    utf8_ok = declared != "cp1252"
    bad_utf8_at: int | None = None
    offset = 0
    last = b""
    newlines = tail_newlines = 0  # tail: newlines in the blanks at the end so far
    has_blank = has_soh = False
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            if stop is not None and stop.is_set():
                raise CheckStopped(str(path))
            nul = block.find(b"\x00")
            if nul >= 0:
                raise RefusedFile(path, _line_of(path, offset + nul), None,
                                  "binaire inhoud (NUL-byte): geen tekstbestand")
            newlines += block.count(b"\n")
            has_blank = has_blank or b" " in block
            has_soh = has_soh or b"\x01" in block
            text = block.rstrip(b"\r\n\t ")
            tail_newlines = block[len(text):].count(b"\n") + (0 if text else tail_newlines)
            # plain ASCII is valid UTF-8: `isascii` is much cheaper than decoding (unless the
            # previous block ended inside a multi-byte character)
            if utf8_ok and (not block.isascii() or utf8.getstate()[0]):
                try:
                    utf8.decode(block)
                except UnicodeDecodeError as exc:
                    utf8_ok = False
                    bad_utf8_at = offset + max(exc.start, 0)
            if cp1252_ok and not utf8_ok:
                try:
                    block.decode("cp1252")
                except UnicodeDecodeError as exc:
                    raise RefusedFile(path, _line_of(path, offset + exc.start), None,
                                      f"byte 0x{block[exc.start]:02x} is geen UTF-8 en geen cp1252") from exc
            offset += len(block)
            last = block[-1:]
        if utf8_ok:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_ok = False
                bad_utf8_at = offset
    ends = last == b"\n"
    lines = newlines + (0 if ends or not offset else 1)
    trailing = max(tail_newlines - 1, 0) if ends else 0
    if utf8_ok:
        return TextInfo("utf-8", bom, ends, lines, trailing, has_blank, has_soh)
    if not cp1252_ok:
        line = _line_of(path, bad_utf8_at or 0)
        raise RefusedFile(path, line, None, "ongeldige UTF-8 (opgegeven als UTF-8, of niet te lezen)")
    # a cp1252 file seen with utf-8 checks only: check the part before the first bad byte too
    if declared is None:
        done = 0
        with path.open("rb") as handle:
            while done < (bad_utf8_at or 0) and (block := handle.read(min(BLOCK, bad_utf8_at - done))):
                try:
                    block.decode("cp1252")
                except UnicodeDecodeError as exc:
                    raise RefusedFile(path, _line_of(path, done + exc.start), None,
                                      f"byte 0x{block[exc.start]:02x} is geen UTF-8 en geen cp1252") from exc
                done += len(block)
    return TextInfo("cp1252", False, ends, lines, trailing, has_blank, has_soh)


@contextmanager
def as_utf8(path: Path, info: TextInfo) -> Iterator[Path]:
    """`path` itself when UTF-8, else a temporary UTF-8 copy (removed afterwards) for DuckDB."""
    if info.encoding == "utf-8":
        yield path
        return
    tmpdir = Path(tempfile.mkdtemp(prefix="inbeeld-utf8-"))
    try:
        target = tmpdir / path.name
        with path.open("rb") as src, target.open("wb") as dst:
            reader = codecs.getreader(info.encoding)(src)
            writer = codecs.getwriter("utf-8")(dst)
            shutil.copyfileobj(reader, writer, BLOCK)
        yield target
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
