"""The status rules against the examples of docs/spec.md §4.1 and tables of edge cases."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.dates import PartialDate
from rules.parameters import PARAMETERS, ParameterError
from rules.status import (
    Fase,
    StatusCode,
    bepaal_fase,
    bepaal_status,
    bepaal_status_onzeker,
    einde_na_schooljaren,
    kwalificatieplicht_einde,
    kwalificatieplicht_start,
    leerplicht_einde,
    leerplicht_start,
    rmc_einde,
    rmc_start,
    status_uit_fase,
)

D = date.fromisoformat
NIET, LP, KP, RMC, GEEN = (StatusCode.NIET_LEERPLICHTIG, StatusCode.LEERPLICHTIG,
                           StatusCode.KWALIFICATIEPLICHTIG, StatusCode.RMC_DOELGROEP, StatusCode.GEEN)
LPW = "Leerplichtwet 1969 (BWBR0002628)"


# -- docs/spec.md §4.1 examples -------------------------------------------------------------------------


def test_spec_example_leerplichtig_from_1_october_2020() -> None:
    s = bepaal_status(D("2015-09-02"), D("2020-10-01"))
    assert s.status == LP == "leerplichtig"
    assert s.leerplicht_start == D("2020-10-01")
    assert s.leerplicht_einde == D("2032-07-31")
    assert s.grondslag == f"{LPW} art. 3 lid 1"


def test_spec_example_born_1_march_2020() -> None:
    assert leerplicht_start(D("2020-03-01")) == D("2025-04-01")


def test_spec_example_leerplicht_ends_31_july_2025_and_2026() -> None:
    assert leerplicht_einde(D("2009-03-15")) == D("2025-07-31")
    assert leerplicht_einde(D("2009-08-01")) == D("2026-07-31")


def test_spec_example_kwalificatieplichtig_1_august_2025_to_14_march_2027() -> None:
    s = bepaal_status(D("2009-03-15"), D("2025-08-01"))
    assert s.status == KP
    assert (s.kwalificatieplicht_start, s.kwalificatieplicht_einde) == (D("2025-08-01"), D("2027-03-14"))
    assert kwalificatieplicht_einde(D("2009-03-15")) == D("2027-03-14")
    assert kwalificatieplicht_start(D("2009-03-15")) == D("2025-08-01")


# -- edge cases -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("birth,start", [
    ("2015-09-01", "2020-10-01"),  # first day of a month
    ("2015-09-30", "2020-10-01"),  # last day of a month
    ("2015-07-31", "2020-08-01"),
    ("2015-08-01", "2020-09-01"),
    ("2015-12-31", "2021-01-01"),  # turns 5 on 31 December: January of the next year
    ("2016-01-01", "2021-02-01"),
    ("2016-02-28", "2021-03-01"),
    ("2016-02-29", "2021-04-01"),  # 5 on 1 March 2021 (no 29 February): April
    ("2020-02-29", "2025-04-01"),
    ("2019-02-28", "2024-03-01"),
])
def test_leerplicht_start(birth: str, start: str) -> None:
    assert leerplicht_start(D(birth)) == D(start)


@pytest.mark.parametrize("birth,einde", [
    ("2009-07-31", "2025-07-31"),  # 16 on 31 July: the school year ends that day
    ("2009-08-01", "2026-07-31"),  # 16 on 1 August: a new school year
    ("2008-12-31", "2025-07-31"),
    ("2009-01-01", "2025-07-31"),
    ("2016-02-29", "2032-07-31"),
    ("2015-09-02", "2032-07-31"),
])
def test_leerplicht_einde(birth: str, einde: str) -> None:
    assert leerplicht_einde(D(birth)) == D(einde)


def test_leerplicht_ends_earlier_after_twelve_full_school_years() -> None:
    twaalf = einde_na_schooljaren(2013)  # full school years 2013/14 ... 2024/25
    assert twaalf == D("2025-07-31")
    assert leerplicht_einde(D("2009-08-01"), twaalf) == D("2025-07-31")
    assert leerplicht_einde(D("2009-08-01"), D("2027-07-31")) == D("2026-07-31")  # 16 comes first
    s = bepaal_status(D("2009-08-01"), D("2025-08-01"), twaalf_schooljaren_einde=twaalf)
    assert s.status == KP and s.kwalificatieplicht_start == D("2025-08-01")


@pytest.mark.parametrize("peil,status,rmc_einde_", [
    ("2014-03-31", NIET, "2032-03-14"),  # the law of 2014: RMC up to 23
    ("2014-04-01", LP, "2032-03-14"),
    ("2025-07-31", LP, "2032-03-14"),
    ("2025-08-01", KP, "2032-03-14"),
    ("2027-03-14", KP, "2036-03-14"),  # day before the 18th birthday; the law of 2026: up to 27
    ("2027-03-15", RMC, "2036-03-14"),  # 18th birthday
    ("2032-03-14", RMC, "2036-03-14"),  # day before the 23rd birthday
    ("2032-03-15", RMC, "2036-03-14"),  # 23rd birthday: since 1 January 2026 the RMC age is 27
    ("2036-03-14", RMC, "2036-03-14"),  # day before the 27th birthday
    ("2036-03-15", GEEN, "2036-03-14"),  # 27th birthday
    ("2045-01-01", GEEN, "2036-03-14"),
])
def test_status_over_a_life(peil: str, status: StatusCode, rmc_einde_: str) -> None:
    """The dates are those of the law in force on the peildatum (docs/spec.md §4.1)."""
    s = bepaal_status(D("2009-03-15"), D(peil))
    assert s.status == status
    assert (s.rmc_start, s.rmc_einde) == (D("2027-03-15"), D(rmc_einde_))
    assert rmc_einde(D("2009-03-15")) == D("2036-03-14")  # every dated value: the law as InBeeld knows it


@pytest.mark.parametrize("peil,status", [
    ("2021-03-31", NIET), ("2021-04-01", LP), ("2032-07-31", LP), ("2032-08-01", KP),
    ("2034-02-28", KP), ("2034-03-01", RMC), ("2036-02-29", RMC), ("2039-03-01", RMC), ("2043-02-28", RMC),
    ("2043-03-01", GEEN),  # 27 on 1 March 2043 (no 29 February that year)
])
def test_born_on_29_february(peil: str, status: StatusCode) -> None:
    s = bepaal_status(D("2016-02-29"), D(peil))
    assert s.status == status
    assert s.kwalificatieplicht_einde == D("2034-02-28")
    before_2026 = D(peil) < D("2026-01-01")  # the law of 2021: 23, on 1 March 2039
    assert (s.rmc_start, s.rmc_einde) == (D("2034-03-01"), D("2039-02-28" if before_2026 else "2043-02-28"))


def test_before_birth_is_not_yet_leerplichtig() -> None:
    assert bepaal_status(D("2030-01-01"), D("2025-01-01")).status == NIET


# -- startkwalificatie and certificates ---------------------------------------------------------------


@pytest.mark.parametrize("sk,kp_start,kp_einde,rmc_start_,rmc_einde_", [
    (None, "2025-08-01", "2027-03-14", "2027-03-15", "2036-03-14"),
    ("2025-06-20", None, None, None, None),  # during leerplicht: kwalificatieplicht never starts
    ("2025-07-31", None, None, None, None),
    ("2025-08-01", None, None, None, None),  # on the day kwalificatieplicht would start
    ("2025-08-02", "2025-08-01", "2025-08-01", None, None),
    ("2026-06-30", "2025-08-01", "2026-06-29", None, None),  # during kwalificatieplicht
    ("2027-03-14", "2025-08-01", "2027-03-13", None, None),
    ("2027-03-15", "2025-08-01", "2027-03-14", None, None),  # on the 18th birthday: no RMC
    ("2027-03-16", "2025-08-01", "2027-03-14", "2027-03-15", "2027-03-15"),
    ("2029-01-10", "2025-08-01", "2027-03-14", "2027-03-15", "2029-01-09"),  # after 18
    ("2035-01-01", "2025-08-01", "2027-03-14", "2027-03-15", "2034-12-31"),  # at 25: ends the RMC doelgroep
    ("2037-01-01", "2025-08-01", "2027-03-14", "2027-03-15", "2036-03-14"),  # after 27: no effect
])
def test_startkwalificatie(sk: str | None, kp_start: str | None, kp_einde: str | None,
                           rmc_start_: str | None, rmc_einde_: str | None) -> None:
    def opt(x: str | None) -> date | None:
        return D(x) if x else None

    b, skd = D("2009-03-15"), opt(sk)
    assert kwalificatieplicht_start(b, skd) == opt(kp_start)
    assert kwalificatieplicht_einde(b, skd) == opt(kp_einde)
    assert rmc_start(b, skd) == opt(rmc_start_)
    assert rmc_einde(b, skd) == opt(rmc_einde_)


def test_sk_during_leerplicht_does_not_end_leerplicht() -> None:
    b, sk = D("2008-09-15"), D("2025-06-20")
    assert bepaal_status(b, D("2025-06-25"), sk).status == LP
    after = bepaal_status(b, D("2025-08-01"), sk)
    assert after.status == GEEN
    assert after.grondslag == f"{LPW} art. 4b (startkwalificatie behaald)"
    assert after.kwalificatieplicht_einde is None and after.rmc_einde is None


def test_sk_ends_the_rmc_doelgroep() -> None:
    b, sk = D("2009-03-15"), D("2029-01-10")
    assert bepaal_status(b, D("2029-01-09"), sk).status == RMC
    assert bepaal_status(b, D("2029-01-10"), sk).status == GEEN


@pytest.mark.parametrize("pro,peil,status,kp_einde,rmc_start_", [
    # certificate during leerplicht: no kwalificatieplicht at all; at 16 the RMC doelgroep (WEB 8.1.8, 8.3.1)
    ("2025-06-30", "2025-09-01", RMC, None, "2025-08-01"),
    ("2025-06-30", "2027-03-15", RMC, None, "2025-08-01"),  # still no SK: RMC doelgroep at 18 too
    ("2026-01-10", "2026-01-09", KP, "2026-01-09", "2026-01-10"),
    ("2026-01-10", "2026-01-10", RMC, "2026-01-09", "2026-01-10"),  # 16, certificate: kwalificatieplicht ends
    ("2025-06-30", "2025-07-01", LP, None, "2025-08-01"),  # leerplicht is not ended by it
])
def test_praktijkonderwijs_or_vso_certificate(pro: str, peil: str, status: StatusCode,
                                               kp_einde: str | None, rmc_start_: str) -> None:
    s = bepaal_status(D("2009-03-15"), D(peil), pro_vso_datum=D(pro))
    assert s.status == status
    assert s.kwalificatieplicht_einde == (D(kp_einde) if kp_einde else None)
    assert kwalificatieplicht_einde(D("2009-03-15"), pro_vso_datum=D(pro)) == s.kwalificatieplicht_einde
    assert s.rmc_start == D(rmc_start_) == rmc_start(D("2009-03-15"), pro_vso_datum=D(pro))
    if status == RMC and D(peil) < D("2026-01-01"):
        assert "art. 8.1.8 lid 1 onder a" in s.grondslag and "art. 4a lid 2" in s.grondslag
    elif status == RMC and D(peil) < D("2027-03-15"):  # WEB titel 8.3 became titel 9.2 on 1 January 2026
        assert "titel 9.2" in s.grondslag and "art. 8.1.8" not in s.grondslag
        assert "art. 4a lid 2" in s.grondslag


def test_pro_certificate_and_sk_before_18() -> None:
    """An SK ends the RMC doelgroep for a certificate holder too (art. 8.1.8 lid 1 onder b)."""
    s = bepaal_status(D("2009-03-15"), D("2026-09-01"), sk_datum=D("2026-07-01"),
                      pro_vso_datum=D("2025-06-30"))
    assert s.status == GEEN and s.grondslag == f"{LPW} art. 4b (startkwalificatie behaald)"


# -- grondslag and output -------------------------------------------------------------------------------


@pytest.mark.parametrize("peil,expected", [
    ("2014-01-01", f"{LPW} art. 3 lid 1"),
    ("2020-01-01", f"{LPW} art. 3 lid 1"),
    ("2026-01-01", f"{LPW} art. 4a lid 1 en art. 4b"),
    ("2025-10-01", f"{LPW} art. 4a lid 1 en art. 4b"),
    ("2028-01-01", "Wet educatie en beroepsonderwijs (BWBR0007625) hoofdstuk 9 titel 9.2"),
    ("2033-01-01", "Kamerstuk 36 667"),  # 23 and 24: in the doelgroep by the law of 2026
])
def test_grondslag_names_the_article(peil: str, expected: str) -> None:
    assert expected in bepaal_status(D("2009-03-15"), D(peil)).grondslag


def test_as_dict_has_iso_dates_and_nulls() -> None:
    out = bepaal_status(D("2008-09-15"), D("2025-08-01"), D("2025-06-20")).as_dict()
    assert out["status"] == "geen"
    assert out["leerplicht_start"] == "2013-10-01" and out["leerplicht_einde"] == "2025-07-31"
    assert out["kwalificatieplicht_einde"] is None and out["rmc_einde"] is None


def test_peildatum_before_the_encoded_law_is_refused() -> None:
    with pytest.raises(ParameterError, match="kwalificatieplicht_leeftijd"):
        bepaal_status(D("2000-01-01"), D("2007-07-31"))
    assert bepaal_status(D("2000-01-01"), D("2007-08-01")).status == LP


# -- the RMC age of 1 January 2026 (Wet van school naar duurzaam werk, Kamerstuk 36 667) -------------------


@pytest.mark.parametrize("birth,peil,status,rmc_einde_", [
    # 23 before 2026: out of the doelgroep on the 23rd birthday, back in on 1 January 2026
    ("2002-06-15", "2025-06-14", RMC, "2025-06-14"),
    ("2002-06-15", "2025-06-15", GEEN, "2025-06-14"),
    ("2002-06-15", "2025-12-31", GEEN, "2025-06-14"),
    ("2002-06-15", "2026-01-01", RMC, "2029-06-14"),
    ("2002-06-15", "2029-06-14", RMC, "2029-06-14"),
    ("2002-06-15", "2029-06-15", GEEN, "2029-06-14"),
    # 24 on 31 December 2025: in again on 1 January 2026 (docs/spec.md §4.1)
    ("2001-07-01", "2025-12-31", GEEN, "2024-06-30"),
    ("2001-07-01", "2026-01-01", RMC, "2028-06-30"),
    # 27 before 2026: never back
    ("1998-12-31", "2026-01-01", GEEN, "2025-12-30"),
    # 27 on 1 January 2026 itself: that day is the 27th birthday, so out
    ("1999-01-01", "2025-12-31", GEEN, "2021-12-31"),
    ("1999-01-01", "2026-01-01", GEEN, "2025-12-31"),
    # 26 on 1 January 2026 (born 2 January 1999): one day in the doelgroep
    ("1999-01-02", "2026-01-01", RMC, "2026-01-01"),
    ("1999-01-02", "2026-01-02", GEEN, "2026-01-01"),
    # born on a 1st: the 23rd birthday on 1 January 2026 is not an end any more
    ("2003-01-01", "2025-12-31", RMC, "2025-12-31"),
    ("2003-01-01", "2026-01-01", RMC, "2029-12-31"),
])
def test_the_rmc_age_switch_on_1_january_2026(birth: str, peil: str, status: StatusCode,
                                              rmc_einde_: str) -> None:
    """Status and `rmc_einde` use the value in force on the peildatum (docs/spec.md §4.1)."""
    s = bepaal_status(D(birth), D(peil))
    assert s.status == status
    assert s.rmc_einde == D(rmc_einde_)
    assert (s.rmc_start <= D(peil) <= s.rmc_einde) == (status == RMC)
    if status == RMC:
        expected = "Kamerstuk 36 667" if D(peil) >= D("2026-01-01") else "titel 8.3"
        assert expected in s.grondslag


RMC_30 = PARAMETERS.with_value("rmc_leeftijd", D("2030-01-01"), 30, "a proposed RMC age (test)")


def test_a_new_rmc_age_changes_the_status_from_its_date_only() -> None:
    b = D("2002-06-15")  # 27 on 15 June 2029, 30 on 15 June 2032
    assert bepaal_status(b, D("2029-12-31"), parameters=RMC_30).status == GEEN
    after = bepaal_status(b, D("2030-01-01"), parameters=RMC_30)
    assert after.status == RMC
    assert after.grondslag == "a proposed RMC age (test)"
    assert after.rmc_einde == D("2032-06-14")
    assert bepaal_status(b, D("2030-01-01")).status == GEEN  # the shipped law is unchanged
    assert rmc_einde(b) == D("2029-06-14")


def test_a_new_rmc_age_leaves_earlier_peildatums_alone() -> None:
    births = [D("1995-01-01") + timedelta(days=97 * i) for i in range(120)]
    peildatums = [D("2007-08-01") + timedelta(days=61 * i) for i in range(133)]  # up to 2029
    assert peildatums[-1] < D("2030-01-01")
    for b in births:
        for p in peildatums:
            assert bepaal_status(b, p).status == bepaal_status(b, p, parameters=RMC_30).status


# -- partly unknown birth dates ---------------------------------------------------------------------------


def test_exact_date_equals_bepaal_status() -> None:
    r = bepaal_status_onzeker("2015-09-02", D("2020-10-01"))
    s = bepaal_status(D("2015-09-02"), D("2020-10-01"))
    assert r.vroegst == r.laatst == s
    assert r.status == s.status and not r.controle_nodig
    assert r.mogelijke_statussen == {LP}
    assert bepaal_status_onzeker(D("2015-09-02"), D("2020-10-01")).vroegst == s


@pytest.mark.parametrize("geb,peil,vroegst,laatst,mogelijk", [
    ("20100800", "2026-10-01", LP, LP, {LP}),  # the whole month agrees
    ("20070800", "2025-08-15", RMC, KP, {KP, RMC}),  # turns 18 within the month
    ("2009", "2025-08-15", KP, LP, {LP, KP}),  # 16 before or after 1 August
    ("2009-00-00", "2025-08-15", KP, LP, {LP, KP}),
    ("1990", "2025-08-15", GEEN, GEEN, {GEEN}),
    ("2020", "2025-03-15", LP, NIET, {NIET, LP}),
    ("00000000", "2025-08-15", GEEN, NIET, {NIET, LP, KP, RMC, GEEN}),
])
def test_partial_birth_dates(geb: str, peil: str, vroegst: StatusCode, laatst: StatusCode,
                             mogelijk: set[StatusCode]) -> None:
    r = bepaal_status_onzeker(geb, D(peil))
    assert (r.status_vroegst, r.status_laatst) == (vroegst, laatst)
    assert r.mogelijke_statussen == mogelijk
    assert r.controle_nodig == (len(mogelijk) > 1)
    assert r.status == (None if r.controle_nodig else vroegst)


def test_uncertain_result_gives_no_guessed_dates() -> None:
    out = bepaal_status_onzeker("20070800", D("2025-08-15")).as_dict()
    assert out["status"] is None and out["grondslag"] is None and out["controle_nodig"] is True
    assert out["rmc_einde"] is None  # 31 July 2030 or 30 August 2030: not known
    assert out["leerplicht_einde"] == "2024-07-31"  # the same for every day of August 2007
    assert out["geboortedatum_precisie"] == "maand"


def test_sk_collapses_the_possible_statuses() -> None:
    r = bepaal_status_onzeker("2005", D("2025-08-15"), sk_datum=D("2024-06-01"))
    assert r.mogelijke_statussen == {GEEN} and not r.controle_nodig


def _brute_force(p: PartialDate, peil: date, sk: date | None, pro: date | None) -> set[StatusCode]:
    found = set()
    b = p.earliest
    while b <= p.latest:
        found.add(status_uit_fase(bepaal_fase(b, peil), peil, sk, pro))
        b += timedelta(days=1)
    return found


partial_dates = st.one_of(
    st.builds(PartialDate.from_parts, st.integers(1984, 2024), st.integers(1, 12)),
    st.builds(PartialDate.from_parts, st.integers(1984, 2024)),
)
optional_dates = st.one_of(st.none(), st.dates(D("2005-01-01"), D("2040-12-31")))


@settings(max_examples=40, deadline=None)
@given(partial_dates, st.dates(D("2007-08-01"), D("2045-12-31")), optional_dates, optional_dates)
def test_possible_statuses_equal_trying_every_birth_date(p: PartialDate, peil: date, sk: date | None,
                                                         pro: date | None) -> None:
    r = bepaal_status_onzeker(p, peil, sk, pro)
    assert r.mogelijke_statussen == _brute_force(p, peil, sk, pro)


@settings(max_examples=40, deadline=None)
@given(st.dates(D("1980-01-01"), D("2030-12-31")), st.dates(D("2007-08-01"), D("2045-12-31")))
def test_phase_never_increases_as_the_birth_date_moves_later(b: date, peil: date) -> None:
    later = [bepaal_fase(b + timedelta(days=i), peil) for i in range(0, 400, 7)]
    assert all(x >= y for x, y in zip(later, later[1:], strict=False))
    assert all(isinstance(f, Fase) for f in later)


@pytest.mark.parametrize("peil,cited,not_cited", [
    ("2025-12-31", "titel 8.3", "titel 9.2"),
    ("2026-01-01", "hoofdstuk 9 titel 9.2", "BWBR0007625) titel 8.3"),
])
def test_the_rmc_grondslag_follows_the_web_renumbering_of_1_january_2026(peil: str, cited: str,
                                                                         not_cited: str) -> None:
    """WEB titel 8.3 became hoofdstuk 9 titel 9.2 with the Wet van school naar duurzaam werk
    (docs/law.md): a 19-year-old without SK is cited the text in force on the peildatum."""
    s = bepaal_status(D("2006-06-15"), D(peil))
    assert s.status == RMC
    assert cited in s.grondslag and not_cited not in s.grondslag
