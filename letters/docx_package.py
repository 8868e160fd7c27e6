"""The zip container of a .docx: read a template's parts once, write letters fast.

A Word template carries large parts that never change per letter (styles.xml alone is often
100–350 KB). Deflating them again for every letter would cost more than rendering the letter, so
the parts are read once as their *compressed* bytes and copied into each letter unchanged; only
the rendered XML parts are compressed per letter. Python's `zipfile` has no public way to write
already-compressed data, hence this small writer (plain zip: no ZIP64, no encryption).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00: reproducible output
_UTF8_FLAG = 0x800
_LIMIT = 0xFFFFFFFF


@dataclass(frozen=True)
class Part:
    """One zip member: its name and either its compressed bytes (copied) or nothing (rendered)."""

    name: str
    method: int = zipfile.ZIP_DEFLATED
    crc: int = 0
    size: int = 0
    raw: bytes = b""


def read_parts(path: Path | str) -> tuple[list[Part], dict[str, bytes]]:
    """Every member of the zip in order, as raw compressed bytes, plus the uncompressed XML parts.

    The uncompressed texts are returned for the parts a renderer may need to inspect
    (`*.xml`, `*.rels`); binary media are only ever copied.
    """
    parts: list[Part] = []
    texts: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
        for info in archive.infolist():
            if info.flag_bits & 0x1:
                raise ValueError(f"{path}: encrypted member {info.filename}")
            handle.seek(info.header_offset)
            header = handle.read(_LOCAL.size)
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            handle.seek(info.header_offset + _LOCAL.size + name_len + extra_len)
            raw = handle.read(info.compress_size)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raw_text = archive.read(info.filename)
                method, raw = zipfile.ZIP_DEFLATED, deflate(raw_text)
            else:
                method = info.compress_type
            parts.append(Part(info.filename, method, info.CRC, info.file_size, raw))
            if info.filename.endswith((".xml", ".rels")):
                texts[info.filename] = archive.read(info.filename)
    return parts, texts


def deflate(data: bytes, level: int = 6) -> bytes:
    """Raw deflate (no zlib header), as zip stores it."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def build_zip(parts: list[Part], rendered: dict[str, bytes], level: int = 6) -> bytes:
    """A zip of `parts` in order; a part named in `rendered` gets those bytes, compressed now."""
    local_chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for part in parts:
        if part.name in rendered:
            data = rendered[part.name]
            method, crc, size, raw = zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data), deflate(data, level)
        else:
            method, crc, size, raw = part.method, part.crc, part.size, part.raw
        if size > _LIMIT or len(raw) > _LIMIT or offset > _LIMIT:
            raise ValueError(f"{part.name}: larger than a plain zip allows (4 GiB)")
        name = part.name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_FLAG
        local_chunks.append(_LOCAL.pack(0x04034B50, 20, flags, method, _DOS_TIME, _DOS_DATE,
                                        crc, len(raw), size, len(name), 0))
        local_chunks.append(name)
        local_chunks.append(raw)
        central.append(_CENTRAL.pack(0x02014B50, 20, 20, flags, method, _DOS_TIME, _DOS_DATE,
                                     crc, len(raw), size, len(name), 0, 0, 0, 0, 0, offset) + name)
        offset += _LOCAL.size + len(name) + len(raw)
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join(local_chunks) + directory + end
