"""Working a dossier (docs/spec.md §4.3): relatief verzuim as casework, steps with verslag and
attachments, DUO's status following the handling, and the refusals that keep the timeline true."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from registers import bijlagen
from registers.case_sync import sync_cases
from registers.codes import ActionType, CaseStatus, CloseReason, MeldingStatus, ReasonCode
from registers.dossiers import read_dossier, record_action, timeline
from registers.errors import Refused
from registers.models import AuditEntry, Case, Dossier, Persoon, Verzuimmelding
from registers.verzuim import register_meldingen, withdraw
from tests.registers.factories import BSNS, WEEK1, WEEK2, WEEK3, signal_row

TODAY = date(2026, 10, 1)
SCOPE = ["0363"]


def _melding(session: Session, number: str = "VM-1", person: str = BSNS[0], soort: str = "16U_4W") -> None:
    register_meldingen(session, [{"meldingsnummer": number, "brin": "12AB", "persoonsnummer": person,
                                  "soort": soort, "begindatum": date(2026, 9, 1),
                                  "meldingsdatum": date(2026, 9, 4)}], today=TODAY)


def _dossier(session: Session, person: str = BSNS[0]) -> Dossier:
    return session.scalars(select(Dossier).where(Dossier.persoonsnummer == person)
                           .order_by(Dossier.id.desc())).first()


def test_a_verzuimmelding_becomes_a_reason_in_the_childs_dossier_once(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[0], ReasonCode.THUISZITTER)], {}, gemeenten=SCOPE)
    _melding(session)
    for week in (WEEK2, WEEK3):
        rows = [signal_row(BSNS[0], ReasonCode.THUISZITTER, peildatum=week)]
        sync_cases(session, week, rows, {}, gemeenten=SCOPE)

    dossiers = session.scalars(select(Dossier)).all()
    assert len(dossiers) == 1
    reasons = {r.signal: r for r in dossiers[0].reasons}
    assert set(reasons) == {ReasonCode.THUISZITTER, ReasonCode.VERZUIMMELDING}
    melding_reason = reasons[ReasonCode.VERZUIMMELDING]
    assert melding_reason.melding.meldingsnummer == "VM-1" and melding_reason.opened_on == WEEK2
    assert melding_reason.sinds == date(2026, 9, 1)


def test_relatief_verzuim_casework_and_duo_status_follow_the_handling(session: Session,
                                                                      tmp_path: Path) -> None:
    _melding(session)
    sync_cases(session, WEEK2, [], {}, gemeenten=SCOPE)
    dossier = _dossier(session)
    melding = session.scalars(select(Verzuimmelding)).one()
    assert melding.status == MeldingStatus.GEREGISTREERD

    record_action(session, dossier.id, "gesprek", on=date(2026, 9, 16), note="Gesprek met moeder en Sam.",
                  today=TODAY)
    assert melding.status == MeldingStatus.IN_BEHANDELING and melding.status_datum == date(2026, 9, 16)
    record_action(session, dossier.id, "waarschuwing", on=date(2026, 9, 18),
                  note="Schriftelijke waarschuwing.", today=TODAY)
    record_action(session, dossier.id, "halt", on=date(2026, 9, 25), note="Verwezen naar Halt.",
                  attachments=[("halt-verwijzing.pdf", b"%PDF-1.4 halt")], attachment_dir=tmp_path,
                  today=TODAY)

    with pytest.raises(Refused, match="reden afsluiting"):
        record_action(session, dossier.id, "close", on=date(2026, 9, 30), today=TODAY)
    with pytest.raises(Refused, match="lies before the step of 25 september 2026"):
        record_action(session, dossier.id, "close", on=date(2026, 9, 20),
                      reden_afsluiting="terug_naar_school", today=TODAY)
    record_action(session, dossier.id, "close", on=date(2026, 9, 30), reden_afsluiting="terug_naar_school",
                  note="Sam gaat weer naar school.", today=TODAY)

    session.refresh(melding)
    assert melding.status == MeldingStatus.AFGESLOTEN
    assert melding.reden_afsluiting.value == "terug_naar_school"
    dossier = read_dossier(session, dossier.id)
    assert (dossier.status, dossier.close_reason) == (CaseStatus.CLOSED, CloseReason.MELDING_AFGESLOTEN)
    assert [a.action for a in timeline(dossier)] == [
        ActionType.GEOPEND, ActionType.GESPREK, ActionType.WAARSCHUWING, ActionType.HALT_VERWIJZING,
        ActionType.GESLOTEN]
    with pytest.raises(Refused, match="only a note can be added"):
        record_action(session, dossier.id, "gesprek", on=TODAY, today=TODAY)
    record_action(session, dossier.id, "note", on=TODAY, note="Nagekomen bericht van school.", today=TODAY)
    # the next sync leaves the closed melding's reason as it is: nothing reopens
    sync_cases(session, WEEK3, [], {}, gemeenten=SCOPE)
    assert session.scalars(select(Dossier)).all() == [dossier] and dossier.status == CaseStatus.CLOSED


def test_a_melding_withdrawn_by_the_school_ends_its_reason(session: Session) -> None:
    _melding(session)
    sync_cases(session, WEEK2, [], {}, gemeenten=SCOPE)
    withdraw(session, "VM-1", date(2026, 9, 15))
    sync_cases(session, WEEK3, [], {}, gemeenten=SCOPE)
    reason = session.scalars(select(Case)).one()
    assert (reason.status, reason.close_reason, reason.closed_on) == (
        CaseStatus.CLOSED, CloseReason.MELDING_AFGESLOTEN, date(2026, 9, 15))
    assert _dossier(session).status == CaseStatus.CLOSED


def test_attachments_are_kept_once_by_hash_private_and_read_back_audited(session: Session,
                                                                        tmp_path: Path) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[1], ReasonCode.ABSOLUUT_VERZUIM)], {})
    dossier = _dossier(session, BSNS[1])
    content = b"Verslag huisbezoek: niemand thuis."
    first = record_action(session, dossier.id, "huisbezoek", on=WEEK2,
                          attachments=[("../../etc/verslag.txt", content)], attachment_dir=tmp_path,
                          today=TODAY)
    second = record_action(session, dossier.id, "note", on=WEEK2, attachments=[("kopie.txt", content)],
                           attachment_dir=tmp_path, today=TODAY)
    stored = [p for p in (tmp_path / "bijlagen").rglob("*") if p.is_file()]
    assert len(stored) == 1 and stat.S_IMODE(os.stat(stored[0]).st_mode) == 0o600
    assert first.bijlagen[0].bestandsnaam == "verslag.txt" and second.bijlagen[0].sha256 == stored[0].name

    entry, read_back = bijlagen.read(session, first.bijlagen[0].id, tmp_path)
    assert read_back == content and entry.grootte == len(content)
    actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("bijlage.added") == 2 and actions[-1] == "bijlage.read"

    stored[0].write_bytes(b"changed")
    with pytest.raises(Refused, match="changed on disk"):
        bijlagen.read(session, first.bijlagen[0].id, tmp_path)
    with pytest.raises(Refused, match="empty"):
        record_action(session, dossier.id, "note", on=WEEK2, attachments=[("leeg.txt", b"")],
                      attachment_dir=tmp_path, today=TODAY)


def test_a_step_names_its_reason_and_a_closed_reason_takes_only_notes(session: Session) -> None:
    sync_cases(session, WEEK1, [signal_row(BSNS[2], ReasonCode.ABSOLUUT_VERZUIM),
                                signal_row(BSNS[2], ReasonCode.THUISZITTER)], {})
    dossier = _dossier(session, BSNS[2])
    reasons = {r.signal: r for r in dossier.reasons}
    step = record_action(session, dossier.id, "overleg", reason_id=reasons[ReasonCode.THUISZITTER].id,
                         on=WEEK2, note="Overleg met school en samenwerkingsverband.", today=TODAY)
    assert step.case is reasons[ReasonCode.THUISZITTER]
    default = record_action(session, dossier.id, "brief", on=WEEK2, today=TODAY)
    assert default.case is reasons[ReasonCode.ABSOLUUT_VERZUIM]  # the leading reason

    record_action(session, dossier.id, "close", reason_id=reasons[ReasonCode.THUISZITTER].id, on=WEEK3,
                  close_reason="inschrijving_gevonden", today=TODAY)
    assert dossier.status == CaseStatus.OPEN  # the absoluut verzuim goes on
    with pytest.raises(Refused, match="ended on 21 september 2026"):
        record_action(session, dossier.id, "gesprek", reason_id=reasons[ReasonCode.THUISZITTER].id, on=WEEK3,
                      today=TODAY)
    with pytest.raises(Refused, match="is not a reason of dossier"):
        record_action(session, dossier.id, "gesprek", reason_id=99999, on=WEEK3, today=TODAY)
    with pytest.raises(Refused, match="written by the weekly sync"):
        record_action(session, dossier.id, "overgedragen", on=WEEK3, today=TODAY)


def _born(session: Session, geboortedatum: date, person: str = BSNS[0]) -> None:
    session.add(Persoon(persoonsnummer=person, gemeentecode="0363", geboortedatum=geboortedatum,
                        bijgewerkt_op=TODAY))
    session.flush()


@pytest.mark.parametrize("geboren, action, tegen, allowed", [
    (date(2014, 10, 2), "halt", None, False),  # 12 on 2 October 2026: 11 during the verzuim (September)
    (date(2014, 9, 15), "halt", None, True),  # 12 during the verzuim (from 1 September, no end: to the step)
    (date(2014, 10, 2), "proces-verbaal", "jongere", False),
    (date(2014, 10, 2), "proces-verbaal", "ouders", True),
    (date(2014, 10, 2), "proces-verbaal", None, True),  # either: the parents' is possible
])
def test_halt_and_proces_verbaal_only_where_the_law_allows_them(session: Session, geboren: date, action: str,
                                                                 tegen: str | None, allowed: bool) -> None:
    _born(session, geboren)
    _melding(session)
    sync_cases(session, WEEK2, [], {}, gemeenten=SCOPE)
    dossier = _dossier(session)
    if not allowed:
        with pytest.raises(Refused) as refused:
            record_action(session, dossier.id, action, on=date(2026, 9, 30), tegen=tegen, today=TODAY)
        assert refused.value.code == "stap_niet_toegestaan" and "art." in str(refused.value.params["reden"])
        assert not [a for a in timeline(dossier) if a.action.value in ("halt_verwijzing", "proces_verbaal")]
        return
    record_action(session, dossier.id, action, on=date(2026, 9, 30), tegen=tegen, today=TODAY)
    details = session.scalars(select(AuditEntry.detail).where(AuditEntry.action.like("dossier.%"))).all()
    assert (f"tegen={tegen}" in details) is (tegen is not None)


def test_halt_once_per_young_person_over_every_dossier(session: Session) -> None:
    """A Halt-verwijzing on a closed dossier refuses another in the next dossier; a proces-verbaal may."""
    _born(session, date(2012, 3, 1))
    _melding(session)
    sync_cases(session, WEEK2, [], {}, gemeenten=SCOPE)
    first = _dossier(session)
    record_action(session, first.id, "halt", on=date(2026, 9, 16), today=TODAY)
    record_action(session, first.id, "gesloten", on=date(2026, 9, 20), reden_afsluiting="terug_naar_school",
                  today=TODAY)
    _melding(session, "VM-2")
    sync_cases(session, WEEK3, [], {}, gemeenten=SCOPE)
    second = _dossier(session)
    assert second.id != first.id
    with pytest.raises(Refused) as refused:
        record_action(session, second.id, "halt", on=date(2026, 9, 30), today=TODAY)
    assert refused.value.code == "halt_al_eerder" and refused.value.params == {"eerder": date(2026, 9, 16)}
    assert not [a for a in timeline(second) if a.action is ActionType.HALT_VERWIJZING]
    record_action(session, second.id, "pv", on=date(2026, 9, 30), tegen="jongere", today=TODAY)
    other = BSNS[1]  # another young person is not affected
    _born(session, date(2012, 3, 1), other)
    _melding(session, "VM-3", other)
    sync_cases(session, WEEK3, [], {}, gemeenten=SCOPE)
    record_action(session, _dossier(session, other).id, "halt", on=date(2026, 9, 30), today=TODAY)


def test_halt_is_not_for_absoluut_verzuim_and_tegen_is_for_a_proces_verbaal(session: Session) -> None:
    _born(session, date(2012, 3, 1))
    sync_cases(session, WEEK1, [signal_row(BSNS[0], ReasonCode.ABSOLUUT_VERZUIM)], {}, gemeenten=SCOPE)
    dossier = _dossier(session)
    with pytest.raises(Refused, match="absoluut verzuim"):
        record_action(session, dossier.id, "halt", on=date(2026, 9, 30), today=TODAY)
    with pytest.raises(Refused, match="absoluut verzuim"):
        record_action(session, dossier.id, "pv", on=date(2026, 9, 30), tegen="jongere", today=TODAY)
    with pytest.raises(Refused) as refused:
        record_action(session, dossier.id, "gesprek", on=date(2026, 9, 30), tegen="ouders", today=TODAY)
    assert refused.value.code == "tegen_alleen_pv"
    record_action(session, dossier.id, "pv", on=date(2026, 9, 30), tegen="ouders", today=TODAY)
