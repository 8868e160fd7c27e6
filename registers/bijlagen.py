"""Attachments to a dossier's steps: a school's report, a signed gespreksverslag, a Halt form.

The content is kept once per SHA-256 in the data directory's `bijlagen/` (two-level fan-out, files
0600 like everything there), so a file attached twice takes its space once and a stored file can
be checked against its name. The register row (`Bijlage`) names it for the step; adding and
reading are audited. The retention removes a file when no row names it any more (`unused_files`).
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registers.audit import AuditEvent, trail
from registers.errors import Refused
from registers.models import Bijlage, Case, CaseAction

DIRECTORY = "bijlagen"
MAX_BYTES = 20 * 1024 * 1024  # a scan of a few pages; larger files belong in the zaaksysteem
NAME_CHARS = 200


def directory(data_dir: Path) -> Path:
    return data_dir / DIRECTORY


def _path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def _clean_name(name: str) -> str:
    """The file's own name, without a directory and without control characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(c for c in base if c.isprintable()).strip()
    if not cleaned:
        raise Refused(f"attachment name {name!r} is empty after removing directories and control characters",
                      code="bijlage_naam")
    return cleaned[:NAME_CHARS]


def attach(session: Session, action: CaseAction, name: str, content: bytes, data_dir: Path, *,
           by: str) -> Bijlage:
    """Keep `content` and name it on `action` (written before the row: a crash leaves at most an
    unnamed file, which the retention removes)."""
    if len(content) > MAX_BYTES:
        raise Refused(f"attachment {name!r} is {len(content):,} bytes; at most {MAX_BYTES:,}",
                      code="bijlage_te_groot", naam=name)
    if not content:
        raise Refused(f"attachment {name!r} is empty", code="bijlage_leeg", naam=name)
    clean = _clean_name(name)
    digest = hashlib.sha256(content).hexdigest()
    root = directory(data_dir)
    target = _path(root, digest)
    if not target.exists():
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
    entry = Bijlage(action=action, bestandsnaam=clean, sha256=digest, grootte=len(content), by=by,
                    recorded_at=datetime.now(UTC).replace(tzinfo=None))
    session.add(entry)
    session.flush()
    reason = action.case
    trail(session).record(session, AuditEvent("bijlage.added", reason.persoonsnummer, "bijlagen", entry.id))
    return entry


def read(session: Session, bijlage_id: int, data_dir: Path) -> tuple[Bijlage, bytes]:
    """An attachment's row and content, checked against its hash; reading is audited."""
    entry = session.get(Bijlage, bijlage_id)
    if entry is None:
        raise Refused(f"there is no attachment {bijlage_id}", code="geen_bijlage", id=bijlage_id)
    path = _path(directory(data_dir), entry.sha256)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise Refused(f"attachment {bijlage_id} ({entry.bestandsnaam}) is missing from "
                      f"{path.parent}", code="bijlage_weg", id=bijlage_id, naam=entry.bestandsnaam) from None
    if hashlib.sha256(content).hexdigest() != entry.sha256:
        raise Refused(f"attachment {bijlage_id} ({entry.bestandsnaam}) was changed on disk: "
                      "its hash differs", code="bijlage_gewijzigd", id=bijlage_id, naam=entry.bestandsnaam)
    trail(session).record(session, AuditEvent("bijlage.read", entry.action.case.persoonsnummer, "bijlagen",
                                              entry.id))
    return entry, content


def of_dossier(session: Session, dossier_id: int) -> list[Bijlage]:
    return list(session.scalars(select(Bijlage).join(CaseAction).join(Case)
                                .where(Case.dossier_id == dossier_id).order_by(Bijlage.id)))


def unused_files(session: Session, data_dir: Path) -> list[Path]:
    """Stored files no attachment row names any more (their dossier was destroyed)."""
    root = directory(data_dir)
    if not root.exists():
        return []
    named = set(session.scalars(select(Bijlage.sha256).distinct()))
    return sorted(p for p in root.glob("*/*") if p.is_file() and p.name not in named)

