"""Retention terms: the day each record type is destroyed, from the dated parameters and the status rules."""

from datetime import date, timedelta

import pytest

from rules import bewaartermijnen as b
from rules.bewaartermijnen import Termijn
from rules.parameters import PARAMETERS

D = date.fromisoformat
ON = D("2026-11-30")


def test_leerplicht_dossier_goes_on_the_19th_birthday_per_selectielijst_12_1_3() -> None:
    term = b.leerplicht(D("2010-03-15"), ON)
    assert term.op == D("2029-03-15")
    assert term.termijn is Termijn.LEERPLICHT and "12.1.3" in term.grondslag


def test_born_on_29_february_the_term_ends_on_1_march_in_a_common_year() -> None:
    assert b.leerplicht(D("2008-02-29"), ON).op == D("2027-03-01")


def test_kwalificatieplicht_dossier_goes_2_years_after_the_kwalificatieplicht_ended() -> None:
    # leerplicht to 31 July 2026, kwalificatieplicht 1 August 2026 - 14 March 2028 (day before 18)
    term = b.kwalificatieplicht(D("2010-03-15"), None, ON)
    assert term is not None and term.op == D("2030-03-15") and "12.1.4" in term.grondslag
    # a startkwalificatie on 1 June 2027 ends it on 31 May 2027
    assert b.kwalificatieplicht(D("2010-03-15"), D("2027-06-01"), ON).op == D("2029-06-01")
    # a startkwalificatie before the kwalificatieplicht would start: it never applied
    assert b.kwalificatieplicht(D("2010-03-15"), D("2026-06-01"), ON) is None


@pytest.mark.parametrize("born,sk,op", [
    ("1998-06-01", None, "2023-06-01"),  # 23 in 2021, 27 before 2026: out at 23, never back
    ("2000-06-01", None, "2029-06-01"),  # 23 in 2023, back on 1 January 2026 up to 27 (1 June 2027)
    ("2000-06-01", "2021-02-01", "2023-02-01"),  # SK at 20: the doelgroep ended then
    ("2004-06-01", None, "2033-06-01"),  # 27 on 1 June 2031
    ("2000-06-01", "2017-02-01", None),  # SK before 18: never in the doelgroep
])
def test_rmc_dossier_goes_2_years_after_the_rmc_age_or_the_startkwalificatie(born: str, sk: str | None,
                                                                              op: str | None) -> None:
    term = b.rmc(D(born), D(sk) if sk else None, ON)
    assert (term.op if term else None) == (D(op) if op else None)
    if term:
        assert "RMC-leeftijd" in term.grondslag


def test_a_raised_rmc_age_moves_the_rmc_term_with_it() -> None:
    raised = PARAMETERS.with_value("rmc_leeftijd", D("2030-01-01"), 30, "a proposed RMC age (test)")
    assert b.rmc(D("2004-06-01"), None, ON, raised).op == D("2036-06-01")


def test_proces_verbaal_and_halt_go_5_years_after_their_date_per_wpg() -> None:
    term = b.wpg(D("2020-02-29"), ON)
    assert term.op == D("2025-03-01") and "Wet politiegegevens" in term.grondslag


def test_a_dossier_follows_the_longest_term_of_the_obligations_its_days_overlap() -> None:
    born = D("2010-03-15")  # leerplicht until 31 July 2026; kwalificatieplicht until 14 March 2028
    only_leerplicht = b.dossier(born, None, D("2020-01-01"), D("2020-02-01"), Termijn.LEERPLICHT, ON)
    assert (only_leerplicht.op, only_leerplicht.termijn) == (D("2029-03-15"), Termijn.LEERPLICHT)
    both = b.dossier(born, None, D("2026-06-01"), D("2026-09-01"), Termijn.LEERPLICHT, ON)
    assert (both.op, both.termijn) == (D("2030-03-15"), Termijn.KWALIFICATIEPLICHT)
    only_kp = b.dossier(born, None, D("2027-01-01"), D("2027-02-01"), Termijn.LEERPLICHT, ON)
    assert only_kp.termijn is Termijn.KWALIFICATIEPLICHT


def test_a_dossier_about_no_obligation_follows_its_default_term() -> None:
    born = D("2000-06-01")
    after_rmc = b.dossier(born, None, D("2024-01-01"), D("2024-02-01"), Termijn.RMC, ON)
    assert (after_rmc.op, after_rmc.termijn) == (D("2029-06-01"), Termijn.RMC)  # back in at 25 in 2026
    before_leerplicht = b.dossier(D("2022-05-01"), None, D("2026-11-01"), D("2026-11-30"), Termijn.LEERPLICHT,
                                  ON)
    assert before_leerplicht.op == D("2041-05-01")
    # an RMC dossier of someone who never was in the doelgroep (SK at 17) falls back to kwalificatieplicht
    sk_young = b.dossier(born, D("2017-09-01"), D("2019-01-01"), D("2019-02-01"), Termijn.RMC, ON)
    assert sk_young.termijn is Termijn.KWALIFICATIEPLICHT


def test_wpg_is_not_a_dossier_term() -> None:
    with pytest.raises(ValueError):
        b.dossier(D("2010-03-15"), None, ON, ON, Termijn.WPG, ON)


def test_staging_and_audit_limits_keep_the_day_before_and_remove_the_day_itself() -> None:
    delivered = D("2025-09-01")
    expiry = D("2026-10-26")  # 60 weeks later
    assert b.staging_grens(expiry) > delivered
    assert not b.staging_grens(expiry - timedelta(days=1)) > delivered
    written = D("2019-05-10")
    assert b.audit_grens(D("2024-05-10")) > written
    assert not b.audit_grens(D("2024-05-09")) > written


def test_the_terms_are_dated_parameters_with_their_source() -> None:
    for name in ("bewaartermijn_leerplicht", "bewaartermijn_kwalificatieplicht", "bewaartermijn_rmc",
                 "bewaartermijn_wpg", "bewaartermijn_staging", "bewaartermijn_audit"):
        assert PARAMETERS.reference(name, ON).strip()
    changed = PARAMETERS.with_value("bewaartermijn_leerplicht", D("2030-01-01"), 20,
                                    "Selectielijst 2030 (test)")
    assert b.leerplicht(D("2012-01-01"), D("2029-12-31"), changed).op == D("2031-01-01")
    assert b.leerplicht(D("2012-01-01"), D("2030-01-01"), changed).op == D("2032-01-01")
