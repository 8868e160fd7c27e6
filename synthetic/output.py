"""Writing the files: streamed appends with a running sha256, wrappers, and the truth merge.

Chunks arrive in index order; each file gets its header (or JSON/XML opening) once, then every
chunk's text, then its closing. Hashes are updated as bytes are written, so the manifest needs no
second pass over gigabytes. Expected signals go to spool files per (week, signal, number kind) and
are concatenated at the end: chunk order is person-number order (synthetic.persoonsnummers).
"""

from __future__ import annotations

import hashlib
import shutil
from collections import OrderedDict
from pathlib import Path
from typing import IO

MAX_OPEN = 128


class Sink:
    """Append-only files under `root`, each with a sha256 and a record separator."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._hash: dict[str, hashlib._Hash] = {}
        self._size: dict[str, int] = {}
        self._separator: dict[str, str] = {}
        self._has_records: dict[str, bool] = {}
        self._open: OrderedDict[str, IO[bytes]] = OrderedDict()
        self._closed: set[str] = set()

    def _handle(self, rel: str) -> IO[bytes]:
        handle = self._open.pop(rel, None)
        if handle is None:
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("ab")
            if len(self._open) >= MAX_OPEN:
                _, oldest = self._open.popitem(last=False)
                oldest.close()
        self._open[rel] = handle
        return handle

    def _write(self, rel: str, text: str) -> None:
        data = text.encode("utf-8")
        self._handle(rel).write(data)
        self._hash[rel].update(data)
        self._size[rel] += len(data)

    def create(self, rel: str, opening: str, separator: str = "") -> None:
        """Start a file (truncating any earlier one). `separator` goes between records of
        different chunks (JSON arrays need `,\\n`); line-based files end each record themselves."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        self._hash[rel] = hashlib.sha256()
        self._size[rel] = 0
        self._separator[rel] = separator
        self._has_records[rel] = False
        self._write(rel, opening)

    def exists(self, rel: str) -> bool:
        return rel in self._hash

    def append(self, rel: str, data: bytes) -> None:
        """A chunk's records for this file, already joined and encoded."""
        if not data:
            return
        separator = self._separator[rel]
        if self._has_records[rel] and separator:
            self._write(rel, separator)
        self._has_records[rel] = True
        handle = self._handle(rel)
        handle.write(data)
        self._hash[rel].update(data)
        self._size[rel] += len(data)

    def finish(self, rel: str, closing: str = "") -> None:
        if closing:
            self._write(rel, closing)
        handle = self._open.pop(rel, None)
        if handle is not None:
            handle.close()
        self._closed.add(rel)

    def copy_from(self, rel: str, source: Path) -> None:
        """Append a spool file's bytes (hashing them on the way)."""
        with source.open("rb") as handle:
            while block := handle.read(1 << 20):
                self._handle(rel).write(block)
                self._hash[rel].update(block)
                self._size[rel] += len(block)

    def files(self) -> list[dict[str, object]]:
        return [{"path": rel, "bytes": self._size[rel], "sha256": self._hash[rel].hexdigest()}
                for rel in sorted(self._hash)]

    def close(self) -> None:
        for handle in self._open.values():
            handle.close()
        self._open.clear()


class Spools:
    """Temporary per-(week, signal, number kind) files of sorted truth rows."""

    def __init__(self, root: Path) -> None:
        self.root = root
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        self._open: OrderedDict[tuple[int, str, int], IO[bytes]] = OrderedDict()

    def path(self, key: tuple[int, str, int]) -> Path:
        week, signal, group = key
        return self.root / f"{week:04d}-{signal}-{group}.csv"

    def append(self, key: tuple[int, str, int], rows: list[str]) -> None:
        handle = self._open.pop(key, None)
        if handle is None:
            handle = self.path(key).open("ab")
            if len(self._open) >= MAX_OPEN:
                _, oldest = self._open.popitem(last=False)
                oldest.close()
        self._open[key] = handle
        handle.write(("\n".join(rows) + "\n").encode("utf-8"))

    def close(self) -> None:
        for handle in self._open.values():
            handle.close()
        self._open.clear()

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.root, ignore_errors=True)
