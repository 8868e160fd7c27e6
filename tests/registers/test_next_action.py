"""The next action is the one that applies (docs/spec.md §4.3), and the work list's overdue count is
exactly what is really due: each situation the issue found is planted in a real register and the
work list made from it is counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from inbeeld.settings import ReportSettings
from registers.case_sync import sync_cases
from registers.codes import ActionType, CaseStatus, LetterKind, LetterStatus, ReasonCode, SuppressionReason
from registers.dossiers import record_action
from registers.models import Case, Dossier, Letter, Verzuimmelding
from registers.verzuim import register_meldingen
from reports import follow_up
from reports.gather import worklist_cases
from reports.worklist import Toewijzingen, worklists
from tests.registers.factories import BSNS, signal_row

START = date(2026, 8, 31)
PEILDATUM = date(2026, 10, 12)  # six weeks later


@pytest.mark.parametrize("reason, step, days_ago, held, expected_action, due_in", [
    ("ABSOLUUT_VERZUIM", "geopend", 3, None, "eerste brief versturen", 4),
    ("ABSOLUUT_VERZUIM", "brief_verstuurd", 40, None, "reactie nagaan, zo nodig huisbezoek", -12),
    ("THUISZITTER", "geopend", 3, None, "contact opnemen met school en samenwerkingsverband", 4),
    ("ONBEKEND_IN_BRP", "geopend", 3, None, "uitzoeken waar de jongere woont (geen brief)", 11),
    ("VERZUIMMELDING", "geopend", 1, None, "uitnodiging verzuimgesprek versturen", 6),
    ("BIJNA_LEERPLICHTIG", "brief_verstuurd", 60, None, follow_up.NOTHING_DUE, None),
    ("ABSOLUUT_VERZUIM", "geopend", 3, "geheimhouding",
     "beoordelen: brief tegengehouden (geheimhouding in de BRP)", 4),
    ("ABSOLUUT_VERZUIM", "geopend", 3, "adres_in_onderzoek",
     "uitkomst BRP-adresonderzoek afwachten (geen brief)", 25),
    ("THUISZITTER", "overleg", 10, None, "afspraken met school en samenwerkingsverband nagaan", 18),
])
def test_next_action_table(reason: str, step: str, days_ago: int, held: str | None, expected_action: str,
                           due_in: int | None) -> None:
    on = PEILDATUM - timedelta(days=days_ago)
    action, due = follow_up.next_action(reason, step, on, held_back=held, held_on=on if held else None)
    assert action == expected_action
    assert due == (None if due_in is None else PEILDATUM + timedelta(days=due_in))


def _letter(session: Session, reason: Case, on: date, *, held: SuppressionReason | None = None,
            soort: LetterKind = LetterKind.ABSOLUUT_VERZUIM, n: int = 1) -> None:
    """What the letter run writes: the log row and, for a letter that went out, the step."""
    session.add(Letter(onderwerp=f"case:{reason.id}", case_id=reason.id, persoonsnummer=reason.persoonsnummer,
                       soort=soort, rang=1, geadresseerde="ouder1",
                       status=LetterStatus.ONDERDRUKT if held else LetterStatus.AANGEMAAKT, reden=held,
                       kenmerk=None if held else f"LP-T-{reason.id:04d}-{n}",
                       bestand=None if held else f"{reason.id:04d}.docx", datum=on,
                       antwoord_voor=None if held else on + timedelta(days=28),
                       recorded_at=datetime.now(UTC).replace(tzinfo=None)))
    if not held:
        record_action(session, reason.dossier_id, ActionType.BRIEF_VERSTUURD, reason_id=reason.id, on=on,
                      by="systeem", today=PEILDATUM)


def test_the_work_lists_overdue_count_is_what_is_really_due(session: Session) -> None:
    av, av_tz, tz, onbekend, rmc_vsv, held_new, held_old, bijna, onderzoek, spijbelaar = BSNS[:10]
    register_meldingen(session, [{"meldingsnummer": "VM-7", "brin": "12AB", "persoonsnummer": spijbelaar,
                                  "soort": "16U_4W", "begindatum": START - timedelta(days=10)}], today=START)
    rows = [signal_row(av, ReasonCode.ABSOLUUT_VERZUIM, peildatum=START),
            signal_row(av_tz, ReasonCode.ABSOLUUT_VERZUIM, peildatum=START),
            signal_row(av_tz, ReasonCode.THUISZITTER, peildatum=START),
            signal_row(rmc_vsv, ReasonCode.GEEN_INSCHRIJVING_RMC, peildatum=START),
            signal_row(rmc_vsv, ReasonCode.VSV, peildatum=START),
            signal_row(held_old, ReasonCode.ABSOLUUT_VERZUIM, peildatum=START),
            signal_row(bijna, ReasonCode.BIJNA_LEERPLICHTIG, peildatum=START),
            signal_row(onbekend, ReasonCode.ONBEKEND_IN_BRP, peildatum=START)]
    sync_cases(session, START, rows, {}, gemeenten=["0363"])
    late = PEILDATUM - timedelta(days=3)
    later_rows = [{**r, "peildatum": late} for r in rows] + [
        signal_row(tz, ReasonCode.THUISZITTER, peildatum=late),
        signal_row(held_new, ReasonCode.ABSOLUUT_VERZUIM, peildatum=late),
        signal_row(onderzoek, ReasonCode.ABSOLUUT_VERZUIM, peildatum=late, adres_in_onderzoek=True)]
    sync_cases(session, late, later_rows, {}, gemeenten=["0363"])
    reason = {(r.persoonsnummer, r.signal): r for r in session.scalars(select(Case))}

    _letter(session, reason[(av, ReasonCode.ABSOLUUT_VERZUIM)], START)           # 6 weeks, no reply: due
    _letter(session, reason[(av_tz, ReasonCode.ABSOLUUT_VERZUIM)], START + timedelta(days=21))  # term runs
    _letter(session, reason[(rmc_vsv, ReasonCode.VSV)], late - timedelta(days=7),
            soort=LetterKind.DOORSTROOMPUNT)
    geheim = SuppressionReason.GEHEIMHOUDING
    _letter(session, reason[(held_old, ReasonCode.ABSOLUUT_VERZUIM)], START, held=geheim)
    _letter(session, reason[(held_new, ReasonCode.ABSOLUUT_VERZUIM)], late, held=geheim)
    _letter(session, reason[(bijna, ReasonCode.BIJNA_LEERPLICHTIG)], START,
            soort=LetterKind.INFORMATIE_LEERPLICHT)
    melding = session.scalars(select(Verzuimmelding)).one()
    session.add(Letter(onderwerp=f"verzuim:{melding.id}", verzuimmelding_id=melding.id,
                       persoonsnummer=spijbelaar,
                       soort=LetterKind.UITNODIGING_VERZUIMGESPREK, rang=1, geadresseerde="ouder1",
                       status=LetterStatus.AANGEMAAKT, kenmerk="LP-T-VM7", bestand="vm7.docx",
                       datum=late - timedelta(days=7), recorded_at=datetime.now(UTC).replace(tzinfo=None)))
    session.commit()

    rows = worklist_cases(session, None, PEILDATUM, ReportSettings(), audit=False)
    lists = worklists(rows, Toewijzingen.from_settings(ReportSettings().werklijst), PEILDATUM)
    listed = {row["persoonsnummer"]: row for frame in lists.values() for row in frame.to_dict("records")}

    assert len(rows) == session.query(Dossier).filter(Dossier.status == CaseStatus.OPEN).count() == 10
    overdue = {number for number, row in listed.items() if row["te_laat"]}
    # Really due: the unanswered letter (6 weeks), the unknown-in-BRP search (14 days), the letter held
    # back six weeks ago and never assessed. Not due: a reply term still running, a thuiszitter's first
    # contact within its week, the RMC letter already sent on the VSV reason, a letter held back three
    # days ago, the information letter (nothing follows it), an address under investigation, the
    # invitation the letter run sent for a verzuimmelding (logged on the melding, a step of its reason).
    assert overdue == {av, onbekend, held_old}
    assert listed[av_tz]["redenen"] == "Absoluut verzuim, Thuiszitter"  # one row, not two; in words
    assert listed[rmc_vsv]["volgende_actie"] == "reactie nagaan, zo nodig huisbezoek"
    assert listed[tz]["volgende_actie"] == "contact opnemen met school en samenwerkingsverband"
    assert listed[held_new]["volgende_actie"].startswith("beoordelen: brief tegengehouden")
    assert listed[bijna]["volgende_actie"] == follow_up.NOTHING_DUE
    assert listed[onderzoek]["volgende_actie"].startswith("uitkomst BRP-adresonderzoek afwachten")
    assert listed[spijbelaar]["redenen"] == "Verzuimmelding"
    assert listed[spijbelaar]["volgende_actie"] == "reactie nagaan, zo nodig huisbezoek"

    dossier_id = reason[(held_old, ReasonCode.ABSOLUUT_VERZUIM)].dossier_id
    record_action(session, dossier_id, "beoordeeld", on=PEILDATUM, note="Brief via school uitgereikt.",
                  today=PEILDATUM)
    session.commit()
    again = worklist_cases(session, None, PEILDATUM, ReportSettings(), audit=False)
    assert held_old not in {r["persoonsnummer"] for r in again.to_dict("records")
                            if r["volgende_actie"].startswith("beoordelen")}
