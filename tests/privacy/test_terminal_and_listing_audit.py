"""Issue 20 #7: escape sequences in delivered data are shown, not run, in table output; listing
quarantined values and the letter log is audited like every other list of persons' data."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from cli import main
from inbeeld.output import emit, printable
from registers.audit import AuditTrail, load_key
from registers.codes import LetterKind, LetterStatus, ReasonCode
from registers.db import open_registers
from registers.models import AuditEntry, Letter
from tests.named_user import TESTER, add_tester
from tests.registers import retention_data

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202eLPW_5_A\r\nforged line\x9b"
BSN = "999990044"


def test_printable_escapes_controls_and_bidi_but_keeps_ordinary_text(capsys) -> None:
    assert printable("Čižmár – Ölçü 's-Hertogenbosch") == "Čižmár – Ölçü 's-Hertogenbosch"
    assert printable(HOSTILE) == "\\x1b]0;pwned\\x07\\x1b[2J\\u202eLPW_5_A\\r\\nforged line\\x9b"
    emit([{"value": HOSTILE}], ["value"], "table")
    [header, row, count] = capsys.readouterr().out.splitlines()
    assert "\x1b" not in row and "\u202e" not in row and count == "(1)"


def _audit(data: Path, action: str) -> list[AuditEntry]:
    sessions = open_registers(f"sqlite:///{data / 'registers.sqlite'}", AuditTrail(load_key(data)))
    try:
        with sessions() as session:
            return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
    finally:
        sessions.kw["bind"].dispose()


def test_quarantine_list_shows_escapes_not_runs_them_and_is_audited(tmp_path: Path) -> None:
    data = tmp_path / "data"
    delivery = tmp_path / "vrijstellingen-G0363-20260907.csv"
    delivery.write_text("PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM\n"
                        f"{BSN};\x1b[2J\x1b[H\x07\u202e5A;01-09-2026;\n", encoding="utf-8")
    loaded = CliRunner().invoke(main, ["--data-dir", str(data), "import", "vrijstellingen", str(delivery)])
    assert loaded.exit_code == 0, loaded.output

    shown = CliRunner().invoke(main, ["--data-dir", str(data), *add_tester(data), "quarantine", "list"])

    assert shown.exit_code == 0, shown.output
    assert "\\x1b[2J\\x1b[H\\x07\\u202e5A" in shown.output  # screen clear, cursor home, bell
    assert not any(ch in shown.output for ch in "\x1b\x07\u202e\x9b")
    [entry] = _audit(data, "quarantine.listed")
    assert entry.entity == "quarantine" and entry.detail.startswith("rows=") and entry.actor == TESTER
    refused = CliRunner().invoke(main, ["--data-dir", str(data), "quarantine", "list"],
                                 env={"INBEELD_GEBRUIKER": ""})
    assert refused.exit_code == 1  # no named user: raw delivered values are not shown


def test_letters_list_is_audited_per_letter_shown(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    sessions = open_registers(f"sqlite:///{data / 'registers.sqlite'}", AuditTrail(load_key(data)))
    with sessions() as session:
        case = retention_data.case(session, BSN, ReasonCode.ABSOLUUT_VERZUIM, date(2026, 9, 7), None)
        session.add(Letter(onderwerp=f"case:{case.id}", case_id=case.id, persoonsnummer=BSN,
                           soort=LetterKind.ABSOLUUT_VERZUIM, rang=1, geadresseerde="ouder1",
                           status=LetterStatus.AANGEMAAKT, kenmerk="LP-T-0001",
                           datum=date(2026, 9, 8), run="260908-1", bestand="0001.docx",
                           recorded_at=datetime(2026, 9, 8, 6, 0)))
        session.commit()
    sessions.kw["bind"].dispose()

    shown = CliRunner().invoke(main, ["--data-dir", str(data), *add_tester(data), "letters", "list"])

    assert shown.exit_code == 0, shown.output
    assert "LP-T-0001" in shown.output
    [entry] = _audit(data, "letter.listed")
    assert entry.entity == "letters" and entry.person_hash == AuditTrail(load_key(data)).person_hash(BSN)
