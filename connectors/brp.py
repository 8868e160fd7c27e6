"""Importing a BRP delivery: format detection and the one call the CLI and the weekly flow use.

`import_brp` opens no staging of its own: it takes an open `Staging`, so a flow can import several
files under one lock. The shrink guard counts residents of the served gemeenten (docs/spec.md §6).
Each person row carries its search columns (`connectors.brp_zoekindex`), written by the insert.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Event

from connectors.brp_schema import change_summary, count_residents
from connectors.errors import GEEN_BESTAND, LEEG_BESTAND, UTF16, RefusedFile
from connectors.mappings import load_mapping
from connectors.staging import ImportResult, ReaderResult, Staging, file_sha256
from connectors.textfile import check_text

KIND = "brp"
TEXT_CHECKED = ("haalcentraal", "lo3csv")  # readers that take a `text` check made beforehand
# format -> (module, reader); a reader's module loads when a file of its format arrives (StUF-BG brings
# lxml: a weekly run on LO3 files starts 0.03 s sooner without it)
READERS = {"haalcentraal": ("connectors.brp_haalcentraal", "read_haalcentraal"),
           "lo3csv": ("connectors.brp_lo3csv", "read_lo3csv"),
           "stufbg": ("connectors.brp_stufbg", "read_stufbg")}
FORMATS = ("auto", *READERS)
_LO3_ELEMENT = re.compile(rb"(^|[;,\t])\"?\d{2}\.\d{2}\.\d{2}\"?([;,\t]|\r?$)", re.MULTILINE)


def _reader(fmt: str) -> Callable[..., ReaderResult]:
    module, name = READERS[fmt]
    return getattr(importlib.import_module(module), name)


def detect_format(path: Path) -> str:
    """By content: JSON object -> haalcentraal, XML -> stufbg, CSV header with LO3 elements -> lo3csv."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head:
        raise RefusedFile(path, None, None, LEEG_BESTAND)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RefusedFile(path, 1, None, UTF16)
    if b"\x00" in head:
        line = head[:head.index(b"\x00")].count(b"\n") + 1
        raise RefusedFile(path, line, None, "binaire inhoud (NUL-byte): geen BRP-levering")
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    stripped = text.lstrip()
    if stripped.startswith((b"{", b"[")):
        return "haalcentraal"
    if stripped.startswith(b"<"):
        return "stufbg"
    first_line = text.split(b"\n", 1)[0]
    if _LO3_ELEMENT.search(first_line):
        return "lo3csv"
    raise RefusedFile(path, 1, None,
                      "formaat niet herkend: verwacht Haal Centraal JSON, StUF-BG XML of een CSV met "
                      "LO3-elementen (CC.GG.EE) in de kopregel")


def import_brp(
    staging: Staging,
    path: str | Path,
    *,
    fmt: str = "auto",
    force: bool = False,
    encoding: str | None = None,
    mapping: str | Path | None = None,
    duplicates: str = "refuse",
) -> ImportResult:
    """Load one BRP delivery into staging (all of it or nothing); see `Staging.import_file`."""
    path = Path(path)
    if not path.is_file():
        raise RefusedFile(path, None, None, GEEN_BESTAND)
    if path.stat().st_size == 0:
        raise RefusedFile(path, None, None, LEEG_BESTAND)
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in READERS:
        raise ValueError(f"unknown BRP format {fmt!r}; one of {', '.join(FORMATS)}")
    options: dict = {"encoding": encoding, "duplicates": duplicates}
    if mapping is not None:
        options["mapping"] = load_mapping(mapping)
    sha256 = None
    if fmt in TEXT_CHECKED:  # the encoding check beside the content hash: both read every byte
        stop = Event()
        with ThreadPoolExecutor(1) as pool:
            checked = pool.submit(check_text, path, encoding, stop)
            sha256 = file_sha256(path)  # hashing releases the GIL: the check runs meanwhile
            if staging.duplicate_of(KIND, sha256) is None:
                options["text"] = checked.result()
            else:  # the same content again: import_file says so, the check would be read for nothing
                stop.set()
    return staging.import_file(
        KIND, path, functools.partial(_reader(fmt), **options), force=force, population=count_residents,
        summarize=change_summary(staging.gemeenten), sha256=sha256,
    )
