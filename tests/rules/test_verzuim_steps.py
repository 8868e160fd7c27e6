"""Halt and proces-verbaal by the law, as a table a jurist can read (docs/law.md, "Steps").

Each row: the step, against whom, the kind of verzuim, the birth date, the first and last day of the
verzuim, and whether the law allows it (else the refusal's code); EEN_KEER adds Halt's own rule, an
earlier Halt-verwijzing of the young person. Sam is born on 1 October 2014: 12 on
1 October 2026. Noor is born on 1 October 2008: 18 on 1 October 2026, kwalificatieplichtig until then.
"""

from __future__ import annotations

from datetime import date

import pytest

from rules.verzuim_steps import STAPPEN_TABEL, Stap, Tegen, Verzuim, stap_toegestaan

D = date.fromisoformat
SAM, NOOR, KIND = D("2014-10-01"), D("2008-10-01"), D("2018-03-15")  # KIND: 8 in 2026
KLEUTER = D("2021-10-15")  # 5 on 15 October 2026: leerplichtig from 1 November 2026
HALT, PV = Stap.HALT_VERWIJZING, Stap.PROCES_VERBAAL
OUDERS, JONGERE, BEIDE = Tegen.OUDERS, Tegen.JONGERE, None
REL, LRV, ABS = Verzuim.RELATIEF, Verzuim.LANGDURIG_RELATIEF, Verzuim.ABSOLUUT

TABLE = [
    # stap, tegen,  verzuim, geboren, verzuim van, verzuim tot, toegestaan / code
    # -- Halt: 12 up to 18 at the feit (Sr art. 77a, 77e), the young person's own verzuim
    (HALT, BEIDE, REL, KIND, "2026-09-01", "2026-09-30", "halt_jonger_dan_12"),  # 8 years old
    (HALT, BEIDE, REL, SAM, "2026-09-01", "2026-09-30", "halt_jonger_dan_12"),  # 11 throughout
    (HALT, BEIDE, REL, SAM, "2026-09-01", "2026-10-01", True),  # the last day is the 12th birthday
    (HALT, BEIDE, REL, SAM, "2026-10-01", "2026-10-01", True),  # only the 12th birthday
    (HALT, BEIDE, REL, NOOR, "2026-09-01", "2026-09-30", True),  # 17 throughout
    (HALT, BEIDE, REL, NOOR, "2026-09-30", "2026-10-05", True),  # the day before the 18th birthday counts
    (HALT, BEIDE, REL, NOOR, "2026-10-01", "2026-10-20", "halt_18_of_ouder"),  # from the 18th birthday
    (HALT, OUDERS, REL, NOOR, "2026-09-01", "2026-09-30", "halt_ouders"),  # Halt is for the young person
    (HALT, BEIDE, LRV, NOOR, "2026-09-01", "2026-09-30", "halt_soort_verzuim"),  # > a week unbroken
    (HALT, BEIDE, ABS, NOOR, "2026-09-01", "2026-09-30", "halt_soort_verzuim"),  # not enrolled
    # -- proces-verbaal against the parents: the child leerplichtig or kwalificatieplichtig (art. 22 lid 2)
    (PV, OUDERS, REL, KIND, "2026-09-01", "2026-09-30", True),  # 8: the parents answer for it
    (PV, OUDERS, ABS, KIND, "2026-09-01", "2026-09-30", True),
    (PV, OUDERS, REL, NOOR, "2026-09-01", "2026-09-30", True),  # 17, kwalificatieplichtig
    (PV, OUDERS, REL, NOOR, "2026-10-01", "2026-10-20", "stap_buiten_plicht"),  # 18: no obligation left
    (PV, BEIDE, ABS, NOOR, "2026-10-01", "2026-10-20", "stap_buiten_plicht"),
    (PV, OUDERS, ABS, KLEUTER, "2026-09-01", "2026-10-31", "stap_buiten_plicht"),  # not yet leerplichtig
    (PV, OUDERS, ABS, KLEUTER, "2026-09-01", "2026-11-01", True),  # leerplicht from 1 November
    # -- proces-verbaal against the young person: from 12, own attendance (art. 2 lid 3, 4c, 22 lid 3)
    (PV, JONGERE, REL, KIND, "2026-09-01", "2026-09-30", "pv_jongere_jonger_dan_12"),
    (PV, JONGERE, REL, SAM, "2026-09-01", "2026-09-30", "pv_jongere_jonger_dan_12"),
    (PV, JONGERE, REL, SAM, "2026-09-01", "2026-10-01", True),
    (PV, JONGERE, LRV, NOOR, "2026-09-01", "2026-09-30", True),
    (PV, JONGERE, REL, NOOR, "2026-10-01", "2026-10-20", "stap_buiten_plicht"),
    (PV, JONGERE, ABS, NOOR, "2026-09-01", "2026-09-30", "pv_jongere_absoluut"),  # not enrolled: parents
    # -- a step before the verzuim it is about
    (PV, OUDERS, REL, NOOR, "2026-09-10", "2026-09-01", "stap_voor_verzuim"),
]


EEN_KEER = [
    # stap, geboren, verzuim van, verzuim tot, eerdere Halt-verwijzing, toegestaan / code
    # -- Halt once per young person (Methodische Aanpak Schoolverzuim, docs/law.md S23)
    (HALT, NOOR, "2026-09-01", "2026-09-30", None, True),  # never referred before
    (HALT, NOOR, "2026-09-01", "2026-09-30", "2025-03-10", "halt_al_eerder"),  # referred in an earlier year
    (HALT, None, "2026-09-01", "2026-09-30", "2025-03-10", "halt_al_eerder"),  # no birth date: still refused
    (PV, NOOR, "2026-09-01", "2026-09-30", "2025-03-10", True),  # a proces-verbaal after Halt: the law allows
]


@pytest.mark.parametrize("stap, geboren, van, tot, eerder, uitkomst", EEN_KEER)
def test_halt_once_per_young_person(stap: Stap, geboren: date | None, van: str, tot: str, eerder: str | None,
                                    uitkomst: bool | str) -> None:
    toets = stap_toegestaan(stap, geboren, D(van), D(tot), eerdere_halt=eerder and D(eerder))
    if uitkomst is True:
        assert toets.toegestaan and not toets.reden
    else:
        assert not toets.toegestaan and toets.code == uitkomst and toets.params == {"eerder": D(eerder)}
        assert "10 maart 2025" in toets.reden and "Methodische Aanpak Schoolverzuim" in toets.reden


@pytest.mark.parametrize("stap, tegen, verzuim, geboren, van, tot, uitkomst", TABLE)
def test_the_law_on_halt_and_proces_verbaal(stap: Stap, tegen: Tegen | None, verzuim: Verzuim, geboren: date,
                                            van: str, tot: str, uitkomst: bool | str) -> None:
    toets = stap_toegestaan(stap, geboren, D(van), D(tot), tegen=tegen, verzuim=verzuim)
    if uitkomst is True:
        assert toets.toegestaan and not toets.reden
    else:
        assert not toets.toegestaan and toets.code == uitkomst
        assert "art." in toets.reden  # every refusal names its article


def test_a_startkwalificatie_ends_the_young_persons_duty() -> None:
    toets = stap_toegestaan(HALT, NOOR, D("2026-07-01"), D("2026-07-20"), sk_datum=D("2026-06-30"))
    assert toets.code == "stap_buiten_plicht"
    assert stap_toegestaan(HALT, NOOR, D("2026-06-20"), D("2026-07-20"), sk_datum=D("2026-06-30")).toegestaan


def test_without_a_birth_date_only_the_kind_of_verzuim_is_checked() -> None:
    assert stap_toegestaan(HALT, None, D("2026-09-01"), D("2026-09-30")).toegestaan
    toets = stap_toegestaan(HALT, None, D("2026-09-01"), D("2026-09-30"), verzuim=ABS)
    assert toets.code == "halt_soort_verzuim"


def test_the_refusal_names_the_birthday_in_dutch() -> None:
    toets = stap_toegestaan(HALT, SAM, D("2026-09-01"), D("2026-09-30"))
    assert "de jongere wordt 12 op 1 oktober 2026" in toets.reden and "art. 77a" in toets.reden


def test_every_rule_is_in_the_jurists_table() -> None:
    assert set(STAPPEN_TABEL) == {(PV, OUDERS), (PV, JONGERE), (HALT, JONGERE)}
