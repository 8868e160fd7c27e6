"""The audit trail (AVG/BIO): who did what, when, to which person's data.

The person is recorded as a keyed hash (HMAC-SHA256), never the plain BSN: the log answers "what
happened to this child's file" for whoever holds the key, and leaks nothing to whoever reads the
table without it. The key comes from `INBEELD_AUDIT_KEY` or a key file created in the data
directory; several machines sharing one PostgreSQL register must share the key (use the variable).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from registers.db import bulk_insert
from registers.models import AuditEntry

KEY_FILE = "audit.key"
KEY_ENV = "INBEELD_AUDIT_KEY"
MIN_KEY_LENGTH = 16


def load_key(data_dir: Path, environ: Mapping[str, str] | None = None) -> bytes:
    """The audit key: `INBEELD_AUDIT_KEY`, else `audit.key` in `data_dir` (created, mode 0600)."""
    env = os.environ if environ is None else environ
    if env.get(KEY_ENV):
        key = env[KEY_ENV].encode("utf-8")
        if len(key) < MIN_KEY_LENGTH:
            raise ValueError(f"{KEY_ENV} is too short: use at least {MIN_KEY_LENGTH} characters")
        return key
    path = Path(data_dir) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="ascii").strip().encode("ascii")


SYSTEEM = "systeem"  # the actor of the scheduled flows; people act under their login (registers.gebruikers)


def default_actor() -> str:
    """Who acts when no login is given: the scheduled flows. Never the operating-system account,
    which says nothing about the person behind it (the command line refuses to act without a login)."""
    return SYSTEEM


@dataclass(frozen=True)
class AuditEvent:
    """One thing that happened: `action` like `case.opened`; `detail` never holds personal data."""

    action: str
    persoonsnummer: str | None = None
    entity: str | None = None
    entity_id: int | None = None
    detail: str | None = None


class AuditTrail:
    """Writes audit entries with the person hashed under one key, on behalf of one actor."""

    def __init__(self, key: bytes, actor: str | None = None) -> None:
        if len(key) < MIN_KEY_LENGTH:
            raise ValueError("audit key too short")
        self._key = key
        self.actor = actor or default_actor()

    def person_hash(self, persoonsnummer: str) -> str:
        return hmac.new(self._key, persoonsnummer.encode("ascii"), hashlib.sha256).hexdigest()

    def record(self, session: Session, event: AuditEvent) -> None:
        self.record_many(session, [event])

    def record_many(self, session: Session, events: Iterable[AuditEvent]) -> int:
        """Insert the entries in one executemany (the weekly sync writes thousands)."""
        return bulk_insert(session.connection(), AuditEntry.__table__, self.rows(events))

    def rows(self, events: Iterable[AuditEvent]) -> list[dict[str, object]]:
        """The audit_log rows of `events`, timed now and with the person hashed (not yet written)."""
        now = datetime.now(UTC).replace(tzinfo=None)
        return [
            {
                "at": now,
                "actor": self.actor,
                "action": event.action,
                "entity": event.entity,
                "entity_id": event.entity_id,
                "person_hash": self.person_hash(event.persoonsnummer) if event.persoonsnummer else None,
                "detail": event.detail,
            }
            for event in events
        ]

    def entries_for(self, session: Session, persoonsnummer: str,
                    since: date | None = None) -> list[AuditEntry]:
        """Everything recorded about one person (since a day), oldest first: who read or changed the
        child's file, for an inzageverzoek (AVG art. 15) or an inquiry."""
        query = (select(AuditEntry).where(AuditEntry.person_hash == self.person_hash(persoonsnummer))
                 .order_by(AuditEntry.id))
        if since is not None:
            query = query.where(AuditEntry.at >= datetime.combine(since, time()))
        return list(session.scalars(query))


def record_reads(session: Session, action: str, entity: str, records: Iterable[tuple[int, str]]) -> int:
    """A person's data shown to someone (a list on screen or in a file) is audited like a change: one
    entry per record shown, `(id, persoonsnummer)`."""
    return trail(session).record_many(session, [AuditEvent(action, number, entity, record_id)
                                                for record_id, number in records])


def trail(session: Session) -> AuditTrail:
    """The audit trail the session was opened with; a register change without one is a bug."""
    audit = session.info.get("audit")
    if not isinstance(audit, AuditTrail):
        raise RuntimeError("this session has no audit trail: open it with registers.db.session_factory")
    return audit
