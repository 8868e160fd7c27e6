"""`inbeeld audit list --persoon`: who looked at a child's file; and every list of persons on the
command line is in the audit trail too."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cli import main
from registers.audit import AuditTrail
from registers.case_sync import sync_cases
from registers.codes import ReasonCode
from registers.models import AuditEntry
from tests.named_user import add_tester
from tests.registers.conftest import AUDIT_KEY
from tests.registers.factories import BSNS, WEEK1, signal_row


@pytest.fixture
def run(db_url: str, tmp_path: Path):
    by = add_tester(tmp_path / "data", db_url)

    def invoke(*args: str) -> Result:
        return CliRunner(env={"INBEELD_AUDIT_KEY": AUDIT_KEY.decode()}).invoke(
            main, ["--data-dir", str(tmp_path / "data"), "--db-url", db_url, *by, *args])
    return invoke


@pytest.fixture
def cases(session: Session) -> list[int]:
    since = date(2026, 8, 24)
    sync_cases(session, WEEK1, [signal_row(BSNS[0], ReasonCode.ABSOLUUT_VERZUIM, sinds=since),
                                signal_row(BSNS[1], ReasonCode.ABSOLUUT_VERZUIM, sinds=since)], {})
    session.commit()
    return list(session.scalars(text("SELECT id FROM dossiers ORDER BY id")))


def test_who_looked_at_my_childs_file(run, cases: list[int], session: Session) -> None:
    assert run("cases", "show", str(cases[0])).exit_code == 0
    assert run("cases", "list").exit_code == 0

    result = run("audit", "list", "--persoon", BSNS[0], "--format", "json")

    assert result.exit_code == 0, result.output
    entries = json.loads(result.output)
    assert [e["action"] for e in entries] == ["case.opened", "dossier.read", "dossier.listed"]
    # the case opened, then its dossier read and listed (case and dossier ids come from two sequences)
    case_id = session.scalar(text("SELECT id FROM cases WHERE persoonsnummer = :p"), {"p": BSNS[0]})
    assert [(e["entity"], e["entity_id"]) for e in entries] == [
        ("cases", case_id), ("dossiers", cases[0]), ("dossiers", cases[0])]
    other = json.loads(run("audit", "list", "--persoon", BSNS[1], "--format", "json").output)
    assert [e["action"] for e in other] == ["case.opened", "dossier.listed"]


def test_the_question_itself_is_audited_and_since_limits_the_answer(run, cases: list[int], session: Session,
                                                                    audit: AuditTrail) -> None:
    assert run("audit", "list", "--persoon", BSNS[0]).exit_code == 0
    session.rollback()  # a fresh snapshot: the command wrote from its own connection
    asked = [e.action for e in session.scalars(select(AuditEntry).where(
        AuditEntry.person_hash == audit.person_hash(BSNS[0])))]
    assert asked[-1] == "audit.read", asked
    later = json.loads(run("audit", "list", "--persoon", BSNS[0], "--since", "2999-01-01",
                           "--format", "json").output)
    assert later == []


def test_a_number_that_fails_the_elfproef_is_a_usage_error(run) -> None:
    result = run("audit", "list", "--persoon", "123456789")
    assert result.exit_code == 2 and "elfproef" in result.output


def test_lists_of_persons_are_audited_per_record(run, cases: list[int], session: Session) -> None:
    assert run("vrijstelling", "add", BSNS[2], "--grond", "LPW_5_C", "--begin", "2026-09-01").exit_code == 0
    for args in (["cases", "list"], ["vrijstelling", "list"], ["verzuim", "list"]):
        assert run(*args).exit_code == 0
    session.rollback()
    actions = [row.action for row in session.execute(select(AuditEntry.action))]
    assert actions.count("dossier.listed") == 2 and actions.count("vrijstelling.listed") == 1
