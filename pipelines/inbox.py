"""The inbox: which deliveries are waiting, in which order they are imported, and archiving them.

Which file is which kind, and what its name says, is the import registry's (`connectors.deliveries`):
the inbox only finds the files. Order matters: the BRP first (who lives here), then DUO's full
C-levering before its P-mutations, then the monthly reports, verzuimmeldingen and vrijstellingen
(`DeliveryKind.rank`); within a rank by the delivery date in the file name. A file moves to the
archive only after its import has committed, so a run killed in between finds it again and the
(idempotent) import skips it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from connectors.deliveries import KINDS, read_name

# Files still being written by a transfer (SFTP, the verzuim sync) carry these; never touch them.
_IN_TRANSIT = (".part", ".tmp", ".filepart", ".partial")
# Folders in the generator's output that are not deliveries.
_NOT_DELIVERIES = {"truth"}


@dataclass(frozen=True)
class Delivery:
    """One file waiting in the inbox."""

    path: Path
    kind: str       # the registry's kind by file name: 'brp', 'duo_c', 'duo_a04', ...
    delivered: str  # yyyymmdd or yyyymm from the file name, "" when absent

    @property
    def order(self) -> tuple[int, str, str]:
        return (KINDS[self.kind].rank, self.delivered, self.path.name)


@dataclass(frozen=True)
class InboxScan:
    deliveries: list[Delivery]
    unrecognised: list[Path]


def scan(inbox: Path) -> InboxScan:
    """Every delivery under `inbox` (subfolders included), in import order."""
    deliveries: list[Delivery] = []
    unrecognised: list[Path] = []
    if not inbox.is_dir():
        return InboxScan([], [])
    for path in sorted(inbox.rglob("*")):
        relative = path.relative_to(inbox)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if path.name.lower().endswith(_IN_TRANSIT) or _NOT_DELIVERIES & set(relative.parts[:-1]):
            continue
        said = read_name(path)
        if said is None:
            unrecognised.append(path)
            continue
        deliveries.append(Delivery(path, said.kind, said.delivered))
    deliveries.sort(key=lambda d: d.order)
    return InboxScan(deliveries, unrecognised)


def archive(path: Path, inbox: Path, archive_root: Path, run_date: date) -> Path:
    """Move an imported file to `archive_root/<run date>/<its path in the inbox>`.

    Safe to repeat: if the same content is already archived (a rerun after a crash between the
    move and the end of the run) the inbox copy is dropped; a different file of the same name is
    kept under a numbered name, never overwritten.
    """
    relative = path.resolve().relative_to(inbox.resolve())
    target = archive_root / run_date.isoformat() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    number = 1
    while target.exists():
        if _sha256(target) == _sha256(path):
            path.unlink()
            return target
        target = target.with_name(f"{relative.stem}.{number}{relative.suffix}")
        number += 1
    try:
        os.replace(path, target)
    except OSError:  # another file system (an SFTP mount as inbox): copy, sync, then remove
        shutil.copy2(path, target)
        with target.open("rb") as handle:
            os.fsync(handle.fileno())
        path.unlink()
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
