"""The audit trail: every change through the register functions, the person as a keyed hash only."""

from __future__ import annotations

import hashlib
import hmac
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from registers.audit import AuditTrail, load_key
from registers.case_sync import sync_cases
from registers.codes import CloseReason, ReasonCode
from registers.db import session_factory
from registers.dossiers import read_dossier, record_action
from registers.models import AuditEntry
from registers.verzuim import handle_melding, register_meldingen
from registers.vrijstellingen import add_vrijstelling
from tests.registers.conftest import AUDIT_KEY
from tests.registers.factories import BSNS, WEEK1, WEEK2, signal_row

TODAY = date(2026, 10, 1)


def _everything_in_the_audit_log(session: Session) -> str:
    return "\n".join(repr(tuple(row)) for row in session.execute(text("SELECT * FROM audit_log")))


def test_every_register_change_is_audited_with_the_hmac_of_the_person(session: Session,
                                                                       audit: AuditTrail) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], ReasonCode.ABSOLUUT_VERZUIM)], {})
    dossier_id = session.scalar(text("SELECT id FROM dossiers"))
    record_action(session, dossier_id, "letter", on=WEEK1, by="J. Jansen", note=f"brief over {BSNS[0]}",
                  today=TODAY)
    read_dossier(session, dossier_id)
    add_vrijstelling(session, BSNS[0], "LPW_5_C", date(2026, 9, 10))
    sync_cases(session, WEEK2, [], {BSNS[0]: CloseReason.VRIJSTELLING})
    register_meldingen(session, [{"meldingsnummer": "VM-1", "brin": "12AB", "persoonsnummer": BSNS[1],
                                  "soort": "LUXE", "begindatum": date(2026, 9, 1)}], today=TODAY)
    handle_melding(session, "VM-1", "ter_kennisgeving_aangenomen", by="LPA", today=TODAY)

    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()

    assert [e.action for e in entries] == ["case.opened", "dossier.brief_verstuurd", "dossier.read",
                                           "vrijstelling.added", "case.closed", "dossier.gesloten",
                                           "verzuim.registered", "verzuim.status"]
    expected = hmac.new(AUDIT_KEY, BSNS[0].encode(), hashlib.sha256).hexdigest()
    assert {e.person_hash for e in entries[:6]} == {expected}
    assert entries[6].person_hash == audit.person_hash(BSNS[1]) != expected
    assert {e.actor for e in entries} == {"tester"}
    assert entries[4].detail == "reason=vrijstelling"
    assert [e.action for e in audit.entries_for(session, BSNS[1])] == ["verzuim.registered", "verzuim.status"]
    dump = _everything_in_the_audit_log(session)
    assert BSNS[0] not in dump and BSNS[1] not in dump  # never the plain number, not even from a note


def test_a_refused_change_leaves_no_audit_entry(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], ReasonCode.ABSOLUUT_VERZUIM)], {})
    dossier_id = session.scalar(text("SELECT id FROM dossiers"))
    before = session.scalar(text("SELECT count(*) FROM audit_log"))
    with pytest.raises(Exception, match="in the future"):
        record_action(session, dossier_id, "gesprek", on=date(2026, 10, 2), today=TODAY)
    assert session.scalar(text("SELECT count(*) FROM audit_log")) == before


def test_another_key_gives_other_hashes() -> None:
    one, other = AuditTrail(AUDIT_KEY), AuditTrail(b"another-key-0123456789abcdef")
    assert one.person_hash(BSNS[0]) != other.person_hash(BSNS[0])
    assert one.person_hash(BSNS[0]) == AuditTrail(AUDIT_KEY).person_hash(BSNS[0])


def test_a_session_without_an_audit_trail_cannot_change_the_register(engine) -> None:
    from sqlalchemy.orm import sessionmaker

    with sessionmaker(bind=engine)() as bare, pytest.raises(RuntimeError, match="no audit trail"):
        sync_cases(bare, WEEK1, [signal_row(BSNS[0], ReasonCode.ABSOLUUT_VERZUIM)], {})
    with session_factory(engine, AuditTrail(AUDIT_KEY))() as fine:
        assert sync_cases(fine, WEEK1, [], {}).opened == 0


def test_the_key_comes_from_the_environment_or_a_private_key_file(tmp_path: Path) -> None:
    assert load_key(tmp_path, {"INBEELD_AUDIT_KEY": "x" * 20}) == b"x" * 20
    with pytest.raises(ValueError, match="too short"):
        load_key(tmp_path, {"INBEELD_AUDIT_KEY": "short"})

    created = load_key(tmp_path / "data", {})
    key_file = tmp_path / "data" / "audit.key"
    assert len(created) == 64 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_key(tmp_path / "data", {}) == created  # read back, never replaced
