"""The weekly match on a generated municipality: cases follow the truth, closures carry their reason,
a rerun changes nothing, and a vrijstelling registered by hand closes the case (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.staging import Staging
from registers.codes import CaseStatus, CloseReason
from registers.matching import close_reason, match_week
from registers.models import Case
from registers.vrijstellingen import add_vrijstelling
from rules.signals import ABSOLUUT_VERZUIM, GEEN_INSCHRIJVING_RMC, ONBEKEND_IN_BRP
from tests.staged_municipality import GEMEENTE, StagedMunicipality, stage

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)


@pytest.fixture(scope="module")
def municipality(tmp_path_factory: pytest.TempPathFactory) -> StagedMunicipality:
    return stage(tmp_path_factory.mktemp("gemeente"), persons=1200, seed=5)


def _open_cases(session: Session) -> set[tuple[str, str]]:
    rows = session.execute(select(Case.signal, Case.persoonsnummer).where(Case.status == CaseStatus.OPEN))
    return {(str(getattr(s, "value", s)), pn) for s, pn in rows}


def test_open_cases_follow_the_truth_week_by_week(session: Session, municipality: StagedMunicipality) -> None:
    closed_reasons: set[str] = set()
    with Staging(municipality.staging_path, read_only=True) as st:
        for peildatum in municipality.peildatums:
            _, summary = match_week(st.con, session, peildatum, [GEMEENTE])
            session.commit()
            expected = {(signal, pn) for signal, pn, _, _ in municipality.truth(peildatum)}
            assert _open_cases(session) == expected, peildatum
            closed_reasons |= set(summary.closed_by_reason)
        # the same week again: nothing changes
        last = municipality.peildatums[-1]
        before = session.execute(select(Case.id, Case.status, Case.last_seen)).all()
        _, again = match_week(st.con, session, last, [GEMEENTE])
        session.commit()
        assert (again.opened, again.closed) == (0, 0)
        assert session.execute(select(Case.id, Case.status, Case.last_seen)).all() == before
    assert closed_reasons, "four weeks of a municipality close some cases"
    assert closed_reasons - {CloseReason.SIGNAAL_VERVALLEN.value}, closed_reasons


def test_a_vrijstelling_registered_by_hand_closes_the_case(session: Session,
                                                           municipality: StagedMunicipality) -> None:
    last = municipality.peildatums[-1]
    with Staging(municipality.staging_path, read_only=True) as st:
        match_week(st.con, session, last, [GEMEENTE])
        session.commit()
        case = session.scalars(select(Case).where(Case.status == CaseStatus.OPEN,
                                                  Case.signal == ABSOLUUT_VERZUIM)).first()
        assert case is not None, "the generated municipality has absoluut verzuim"
        add_vrijstelling(session, case.persoonsnummer, "LPW_5_A", date(2026, 8, 1),
                         verklaring_datum=date(2026, 7, 15))
        session.commit()
        match_week(st.con, session, last, [GEMEENTE])
        session.commit()
        session.refresh(case)
    assert case.status == CaseStatus.CLOSED
    assert case.close_reason == CloseReason.VRIJSTELLING


STATE = {"overleden": False, "geemigreerd": False, "resident": True, "startkwalificatie": False,
         "geldig": False, "vrijstelling": False, "status": "leerplichtig"}


@pytest.mark.parametrize("signal,change,reason", [
    (ABSOLUUT_VERZUIM, {"overleden": True, "resident": False}, CloseReason.OVERLEDEN),
    (ABSOLUUT_VERZUIM, {"geemigreerd": True, "resident": False}, CloseReason.GEEMIGREERD),
    (ABSOLUUT_VERZUIM, {"resident": False}, CloseReason.VERHUISD),
    (ABSOLUUT_VERZUIM, {"geldig": True}, CloseReason.INSCHRIJVING_GEVONDEN),
    (ABSOLUUT_VERZUIM, {"vrijstelling": True}, CloseReason.VRIJSTELLING),
    (ABSOLUUT_VERZUIM, {"status": "rmc_doelgroep"}, CloseReason.ACHTTIEN_GEWORDEN),
    (ABSOLUUT_VERZUIM, {"startkwalificatie": True, "status": "geen"}, CloseReason.STARTKWALIFICATIE),
    (GEEN_INSCHRIJVING_RMC, {"status": "geen"}, CloseReason.RMC_LEEFTIJD_BEREIKT),
    (ONBEKEND_IN_BRP, {}, CloseReason.BRP_GECORRIGEERD),
    (ABSOLUUT_VERZUIM, {}, CloseReason.SIGNAAL_VERVALLEN),
    # born in September 2008 (day unknown): on 28 September 2026 maybe 18, on 5 October surely
    ("CONTROLE_GEBOORTEDATUM", {"status": "rmc_doelgroep", "geboortedatum_vroegst": date(2008, 9, 1),
                                "geboortedatum_laatst": date(2008, 9, 30)}, CloseReason.ACHTTIEN_GEWORDEN),
    ("CONTROLE_GEBOORTEDATUM", {"status": "leerplichtig", "geboortedatum_vroegst": date(2021, 8, 1),
                                "geboortedatum_laatst": date(2021, 8, 31)},
     CloseReason.LEERPLICHTIG_GEWORDEN),
    # the BRP now has the day
    ("CONTROLE_GEBOORTEDATUM", {"status": "rmc_doelgroep", "geboortedatum_vroegst": date(2008, 9, 14),
                                "geboortedatum_laatst": date(2008, 9, 14)}, CloseReason.BRP_GECORRIGEERD),
    # kwalificatieplichtig now: no word of its own for the end of leerplicht
    ("CONTROLE_GEBOORTEDATUM", {"status": "kwalificatieplichtig", "geboortedatum_vroegst": date(2010, 1, 1),
                                "geboortedatum_laatst": date(2010, 12, 31)}, CloseReason.SIGNAAL_VERVALLEN),
])
def test_close_reason_table(signal: str, change: dict, reason: CloseReason) -> None:
    assert close_reason(signal, {**STATE, **change}) == reason


def test_close_reason_without_staged_facts() -> None:
    assert close_reason(ABSOLUUT_VERZUIM, None) == CloseReason.SIGNAAL_VERVALLEN


@pytest.mark.parametrize("signal,change,still,reason", [
    # 1 October: the leaver is no longer in the new convenantjaar's startset; RMC goes on in the dossier
    ("VSV", {"status": "rmc_doelgroep"}, {GEEN_INSCHRIJVING_RMC}, CloseReason.CONVENANTJAAR_VOORBIJ),
    ("VSV", {"status": "rmc_doelgroep"}, set(), CloseReason.CONVENANTJAAR_VOORBIJ),
    # a kwalificatieplichtige leaver still without a school: the absoluut verzuim goes on (the demo's
    # 5 October run closed 14 of these as "signaal vervallen (reden onbekend)")
    ("VSV", {"status": "kwalificatieplichtig"}, {ABSOLUUT_VERZUIM, "THUISZITTER"},
     CloseReason.CONVENANTJAAR_VOORBIJ),
    ("VSV", {"geldig": True}, set(), CloseReason.INSCHRIJVING_GEVONDEN),
    ("BIJNA_LEERPLICHTIG", {}, {ABSOLUUT_VERZUIM}, CloseReason.LEERPLICHTIG_GEWORDEN),
    # leerplichtig since the 1st, not enrolled, inside marge_leerplicht_start: no absoluut verzuim yet
    # (the demo's 5 October run closed five of these as "signaal vervallen (reden onbekend)")
    ("BIJNA_LEERPLICHTIG", {"status": "leerplichtig"}, set(), CloseReason.LEERPLICHTIG_GEWORDEN),
    ("THUISZITTER", {"geldig": True}, set(), CloseReason.INSCHRIJVING_GEVONDEN),
    ("THUISZITTER", {}, {ABSOLUUT_VERZUIM}, CloseReason.VERZUIM_BEEINDIGD),
])
def test_a_reason_continued_by_another_ends_with_that_named(signal: str, change: dict, still: set,
                                                           reason: CloseReason) -> None:
    assert close_reason(signal, {**STATE, **change}, frozenset(still)) == reason
