"""A generated municipality staged and synced into a real register database, week by week, as the
weekly run does it (verzuimmeldingen, signals, cases, thuiszitters), without Prefect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from connectors.staging import Staging
from registers.audit import AuditTrail
from registers.db import make_engine, session_factory, upgrade
from registers.matching import match_week
from registers.personen import record_numbers, refresh_personen
from registers.verzuim import register_from_staging
from tests.staged_municipality import GEMEENTE, StagedMunicipality, stage

KEY = b"synced-registers-audit-key-0123456789"


@dataclass(frozen=True)
class SyncedRegisters:
    municipality: StagedMunicipality
    sessions: sessionmaker[Session]

    def sync(self, peildatum) -> None:  # noqa: ANN001
        """One weekly match and sync on `peildatum` (after a change to the registers)."""
        from connectors.person_facts import person_facts

        with Staging(self.municipality.staging_path, read_only=True) as st, self.sessions() as session:
            match_week(st.con, session, peildatum, (GEMEENTE,))
            refresh_personen(session, person_facts(st.con, session.scalars(record_numbers(session)).all()),
                             peildatum)
            session.commit()


def synced(root: Path, persons: int, seed: int, weeks: int,
           before_sync: Callable[[SyncedRegisters], None] | None = None) -> SyncedRegisters:
    """Stage `weeks` weeks of a generated municipality and sync every peildatum into registers."""
    municipality = stage(root, persons=persons, seed=seed, weeks=weeks)
    url = f"sqlite:///{root / 'registers.sqlite'}"
    upgrade(url)
    result = SyncedRegisters(municipality, session_factory(make_engine(url), AuditTrail(KEY, actor="test")))
    for peildatum in municipality.peildatums:
        with result.sessions() as session:
            register_from_staging(session, municipality.staging_path, today=peildatum)
            session.commit()
        result.sync(peildatum)
    return result
