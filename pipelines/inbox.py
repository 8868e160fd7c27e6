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
import stat
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
    refused: list[tuple[Path, str]]  # not a regular file inside the inbox: (path, why)


def scan(inbox: Path) -> InboxScan:
    """Every delivery under `inbox` (subfolders included), in import order; links and other
    non-regular entries are listed as refused, never followed."""
    deliveries: list[Delivery] = []
    unrecognised: list[Path] = []
    refused: list[tuple[Path, str]] = []
    if not inbox.is_dir():
        return InboxScan([], [], [])
    root = Path(os.path.realpath(inbox))
    for folder, subfolders, names in os.walk(inbox, followlinks=False):
        here = Path(folder)
        for name in sorted(subfolders):
            if (here / name).is_symlink():
                refused.append((here / name, "een symbolische koppeling naar een map, geen geleverde map"))
        subfolders[:] = sorted(name for name in subfolders if not (here / name).is_symlink())
        for name in sorted(names):
            path = here / name
            relative = path.relative_to(inbox)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if name.lower().endswith(_IN_TRANSIT) or _NOT_DELIVERIES & set(relative.parts[:-1]):
                continue
            why = _not_a_delivered_file(path, root)
            if why:
                refused.append((path, why))
                continue
            said = read_name(path)
            if said is None:
                unrecognised.append(path)
                continue
            deliveries.append(Delivery(path, said.kind, said.delivered))
    deliveries.sort(key=lambda d: d.order)
    return InboxScan(deliveries, sorted(unrecognised), sorted(refused))


def _not_a_delivered_file(path: Path, root: Path) -> str | None:
    """Why `path` is not a regular file inside the inbox (None when it is)."""
    mode = os.lstat(path).st_mode
    if stat.S_ISLNK(mode):
        return "een symbolische koppeling, geen geleverd bestand"
    if not stat.S_ISREG(mode):
        return "geen gewoon bestand"
    if not Path(os.path.realpath(path)).is_relative_to(root):
        return "wijst naar een plek buiten de inbox"
    return None


def archive(path: Path, inbox: Path, archive_root: Path, run_date: date) -> Path:
    """Move an imported file to `archive_root/<run date>/<its path in the inbox>` (0600 in 0700 folders).

    Safe to repeat: if the same content is already archived (a rerun after a crash between the
    move and the end of the run) the inbox copy is dropped; a different file of the same name is
    kept under a numbered name, never overwritten.
    """
    if _not_a_delivered_file(path, Path(os.path.realpath(inbox))):
        raise ValueError(f"{path.name}: geen gewoon bestand in de inbox; niet gearchiveerd")
    return _move(path, path.relative_to(inbox), archive_root / run_date.isoformat())


def set_aside(path: Path, inbox: Path, refused_root: Path, run_date: date, reason: str) -> Path:
    """Move a refused file (or link, itself: never what it points to) out of the inbox to
    `refused_root/<run date>/<its path in the inbox>`, with `<name>.reden.txt` saying why, so the
    next run does not meet it again and the supplier's fix can be put back in the inbox."""
    folder = refused_root / run_date.isoformat()
    if path.is_symlink() or not path.is_file():
        target = folder / path.relative_to(inbox)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        number = 1
        while os.path.lexists(target):
            target = target.with_name(f"{path.stem}.{number}{path.suffix}")
            number += 1
        os.replace(path, target)
    else:
        target = _move(path, path.relative_to(inbox), folder)
    note = target.with_name(target.name + ".reden.txt")
    note.write_text(reason + "\n", encoding="utf-8")
    note.chmod(0o600)
    return target


def _move(path: Path, relative: Path, folder: Path) -> Path:
    target = folder / relative
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
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
        shutil.copyfile(path, target)
        with target.open("rb") as handle:
            os.fsync(handle.fileno())
        path.unlink()
    target.chmod(0o600)  # a delivery keeps no mode of the transfer that brought it
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
