"""The oracle: hand-built persons with known answers, and the generated truth files' own consistency."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from synthetic.addresses import Adres
from synthetic.model import Inschrijving, Persoon, Verblijf, Verzuimmelding, Vrijstelling
from synthetic.schools import School
from synthetic.truth import SIGNALS, beoordeel

from .conftest import Generated

SERVED = frozenset({"0363"})
SCHOOL = School("12AB", "00", "Het Baken", "VO", ("HAVO",), True, "0363", "J. Jansen", "mentor",
                "020-1234567", "verzuim@example.nl")
ADRES = Adres("0363", "Kerkstraat", 12, "", "", "1017GC", "Amsterdam", "0363200000000001", "0363010000000001")


def person(birth: date, *, since: date | None = None, brp: str | None = None, in_brp: bool = True) -> Persoon:
    p = Persoon(bsn="999993653", anummer="1234567890", rol="kind", voornamen="Sanne", voorvoegsel="de",
                geslachtsnaam="Vries", geslacht="V", geboortedatum=birth,
                geboortedatum_brp=brp or birth.strftime("%Y%m%d"), geboorteplaats="0363", in_brp=in_brp)
    start = since or birth
    p.verblijven = [Verblijf("0363", start, start, ADRES)]
    p.duo_nummer = p.bsn
    return p


def enrol(p: Persoon, begin: date, einde: date | None = None, *, soort: str = "VO", bekostigd: bool = True,
          diploma: date | None = None, sk: bool = False) -> Inschrijving:
    item = Inschrijving(SCHOOL, 1, soort, "HAVO", "", "", begin, einde, diploma=diploma, sk=sk,
                        bekostigd=bekostigd)
    p.inschrijvingen.append(item)
    return item


def signals(p: Persoon, d: date) -> dict[str, date | None]:
    return {s.signal: s.sinds for s in beoordeel(p, d, SERVED).signalen}


def test_leerplicht_start_has_a_grace_period_then_absoluut_verzuim_then_thuiszitter() -> None:
    p = person(date(2015, 9, 2))  # docs/spec.md §4.1: leerplichtig from 1 October 2020
    assert signals(p, date(2020, 8, 1)) == {"BIJNA_LEERPLICHTIG": date(2020, 8, 1)}
    assert signals(p, date(2020, 7, 31)) == {}
    assert signals(p, date(2020, 10, 1)) == {}              # grace: 4 weeks
    assert signals(p, date(2020, 10, 28)) == {}
    assert signals(p, date(2020, 10, 29)) == {"ABSOLUUT_VERZUIM": date(2020, 10, 1)}
    assert signals(p, date(2020, 10, 30)) == {"ABSOLUUT_VERZUIM": date(2020, 10, 1),
                                              "THUISZITTER": date(2020, 10, 1)}


def test_an_enrolment_ends_and_absoluut_verzuim_starts_the_next_day_without_grace() -> None:
    p = person(date(2012, 3, 15))
    enrol(p, date(2024, 8, 1), date(2026, 9, 10))
    assert signals(p, date(2026, 9, 10)) == {}
    assert signals(p, date(2026, 9, 11)) == {"ABSOLUUT_VERZUIM": date(2026, 9, 11),
                                             "VSV": date(2026, 9, 11)}


def test_vrijstellingen_count_per_obligation() -> None:
    p = person(date(2014, 5, 5))
    p.vrijstellingen.append(Vrijstelling("LPW_15", date(2026, 8, 1), None))
    assert "ABSOLUUT_VERZUIM" in signals(p, date(2026, 9, 7))  # art. 15 only covers kwalificatieplicht
    p.vrijstellingen.append(Vrijstelling("LPW_5_A", date(2026, 8, 1), date(2026, 9, 30)))
    assert signals(p, date(2026, 9, 7)) == {}
    assert signals(p, date(2026, 10, 1))["ABSOLUUT_VERZUIM"] == date(2026, 10, 1)  # day after it ended


def test_moving_in_gives_four_weeks_grace() -> None:
    p = person(date(2016, 2, 2), since=date(2026, 9, 1))
    assert signals(p, date(2026, 9, 28)) == {}
    assert signals(p, date(2026, 9, 29)) == {"ABSOLUUT_VERZUIM": date(2026, 9, 1)}


def test_rmc_vsv_and_startkwalificatie() -> None:
    p = person(date(2006, 4, 1))
    enrol(p, date(2025, 8, 1), date(2026, 3, 1), soort="MBO")
    assert signals(p, date(2026, 9, 7)) == {"GEEN_INSCHRIJVING_RMC": date(2026, 3, 2),
                                            "VSV": date(2026, 3, 2)}
    # the next convenantjaar starts on 1 October: no longer a new vsv'er
    assert signals(p, date(2026, 10, 5)) == {"GEEN_INSCHRIJVING_RMC": date(2026, 3, 2)}
    q = person(date(2006, 4, 1))
    enrol(q, date(2023, 8, 1), date(2026, 7, 1), soort="MBO", diploma=date(2026, 7, 1), sk=True)
    assert signals(q, date(2026, 9, 7)) == {}


def test_unfunded_enrolment_counts_as_enrolled_but_not_for_vsv() -> None:
    p = person(date(2006, 4, 1))
    enrol(p, date(2025, 8, 1), date(2026, 3, 1), soort="MBO", bekostigd=False)
    assert signals(p, date(2026, 9, 7)) == {"GEEN_INSCHRIJVING_RMC": date(2026, 3, 2)}
    enrol(p, date(2026, 9, 1), None, soort="MBO", bekostigd=False)
    assert signals(p, date(2026, 9, 7)) == {}


def test_partly_unknown_birth_date_gives_controle_only() -> None:
    p = person(date(2015, 9, 2), brp="00000000")
    assert signals(p, date(2026, 9, 7)) == {"CONTROLE_GEBOORTEDATUM": None}
    q = person(date(2016, 5, 2), brp="20160500")  # leerplichtig whatever the day: no check needed
    assert signals(q, date(2026, 9, 7)) == {"ABSOLUUT_VERZUIM": date(2021, 6, 1),
                                            "THUISZITTER": date(2021, 6, 1)}


def test_enrolment_of_someone_who_is_no_resident() -> None:
    p = person(date(2010, 1, 1), in_brp=False)
    p.bsn, p.duo_nummer = None, "100000009"
    enrol(p, date(2025, 8, 1))
    assert signals(p, date(2026, 9, 7)) == {"ONBEKEND_IN_BRP": date(2025, 8, 1)}
    p.verblijven = [Verblijf("0599", date(2010, 1, 1), date(2010, 1, 1), ADRES)]
    assert signals(p, date(2026, 9, 7)) == {}  # DUO places the pupil outside the served gemeenten


def test_deceased_and_emigrated_are_no_residents() -> None:
    p = person(date(2012, 1, 1))
    p.overlijden, p.opschorting = date(2026, 9, 1), ("O", date(2026, 9, 1))
    assert signals(p, date(2026, 9, 7)) == {}
    q = person(date(2012, 1, 1))
    q.verblijven.append(Verblijf("1999", date(2026, 9, 1), date(2026, 9, 1), None, "5010"))
    assert signals(q, date(2026, 9, 7)) == {}


def test_open_lrv_longer_than_four_weeks_is_a_thuiszitter() -> None:
    p = person(date(2012, 1, 1))
    item = enrol(p, date(2024, 8, 1))
    melding = Verzuimmelding("VM2026-1", "LRV", item, date(2026, 8, 20), date(2026, 8, 10), date(2026, 9, 20),
                             date(2026, 9, 22), "schoolweigering", "", None, None)
    p.meldingen.append(melding)
    assert signals(p, date(2026, 9, 7)) == {}                    # 28 days: not more than 4 weeks
    assert signals(p, date(2026, 9, 8)) == {"THUISZITTER": date(2026, 8, 10)}
    assert signals(p, date(2026, 9, 21)) == {"THUISZITTER": date(2026, 8, 10)}  # end not known yet
    assert signals(p, date(2026, 9, 22)) == {}


# -- the generated truth ------------------------------------------------------------------------

def test_truth_rows_are_sorted_and_agree_with_the_persons_file(generated: Generated) -> None:
    for d in generated.manifest.peildatums:
        rows = generated.signals(d)
        assert rows == sorted(rows, key=lambda r: (SIGNALS.index(r["SIGNAL"]), r["PERSOONSNUMMER"],
                                                   r["GEMEENTECODE"]))
        assert {r["PEILDATUM"] for r in rows} == {d.isoformat()}
        from_truth: dict[str, set[str]] = {}
        for r in rows:
            from_truth.setdefault(r["PERSOONSNUMMER"], set()).add(r["SIGNAL"])
        from_persons = {p["PERSOONSNUMMER"]: set(p["SIGNALEN"].split("|")) for p in generated.persons(d)
                        if p["SIGNALEN"]}
        assert from_truth == from_persons


def _planted(generated: Generated, kind: str) -> list[dict[str, str]]:
    rows = [r for r in generated.persons(generated.manifest.peildatums[0]) if kind in r["GEPLANT"].split("|")]
    assert rows, kind
    return rows


def _signals_of(generated: Generated, number: str) -> list[dict[str, str]]:
    """Per week: {signal: sinds} of one person."""
    return [{r["SIGNAL"]: r["SINDS"] for r in generated.signals(d) if r["PERSOONSNUMMER"] == number}
            for d in generated.manifest.peildatums]


@pytest.mark.parametrize("kind,expected", [
    ("SK_NIET_INGESCHREVEN", set()),
    # a PrO/VSO certificate ends the kwalificatieplicht; not enrolled and without SK they are in the RMC
    # doelgroep (WEB art. 8.1.8 lid 1 onder a, art. 8.3.1; docs/law.md)
    ("PRO_CERTIFICAAT", {"GEEN_INSCHRIJVING_RMC"}),
    ("VSO_CERTIFICAAT", {"GEEN_INSCHRIJVING_RMC"}),
    ("VRIJSTELLING_LPW_15", set()),
    ("VRIJSTELLING_LPW_5_B", set()),
    ("GEBOORTEDATUM_ONBEKEND", {"CONTROLE_GEBOORTEDATUM"}),
    ("ONDERWIJSNUMMER_ZONDER_BSN", {"ONBEKEND_IN_BRP"}),
    ("BSN_NIET_IN_BRP", {"ONBEKEND_IN_BRP"}),
    ("VERZUIM_LRV_THUISZITTER", {"THUISZITTER"}),
    ("RMC_GEEN_INSCHRIJVING", {"GEEN_INSCHRIJVING_RMC"}),
    ("AV_NOOIT_INGESCHREVEN", {"ABSOLUUT_VERZUIM", "THUISZITTER"}),
])
def test_planted_kind_has_its_signals_in_the_first_week(generated: Generated, kind: str,
                                                        expected: set[str]) -> None:
    for row in _planted(generated, kind):
        assert set(_signals_of(generated, row["PERSOONSNUMMER"])[0]) == expected, row


def test_new_leerplichtige_is_signalled_from_the_start_of_leerplicht(generated: Generated) -> None:
    for row in _planted(generated, "AV_NIEUW_LEERPLICHTIG"):
        weeks = _signals_of(generated, row["PERSOONSNUMMER"])
        assert weeks[0]["ABSOLUUT_VERZUIM"] == "2026-08-01"
    for row in _planted(generated, "AV_MARGE_LEERPLICHTIG"):  # leerplichtig from 1 September
        weeks = _signals_of(generated, row["PERSOONSNUMMER"])
        assert [("ABSOLUUT_VERZUIM" in w) for w in weeks] == [False, False, False, False, True]
        assert weeks[4]["ABSOLUUT_VERZUIM"] == "2026-09-01"


def test_a_vrijstelling_registered_during_the_period_ends_the_signal(generated: Generated) -> None:
    starts = {r["PERSOONSGEBONDENNUMMER"]: r["BEGINDATUM"] for r in generated.rows("*/vrijstellingen/*.csv")}
    for row in _planted(generated, "VRIJSTELLING_NIEUW"):
        number = row["PERSOONSNUMMER"]
        begin = starts[number]
        begin_day = (date.fromisoformat(begin) if begin[4] == "-"
                     else date(*map(int, reversed(begin.split("-")))))
        for d, week in zip(generated.manifest.peildatums, _signals_of(generated, number), strict=True):
            assert ("ABSOLUUT_VERZUIM" in week) == (d < begin_day)


def test_emigrated_and_deceased_leave_the_signals(generated: Generated) -> None:
    for kind in ("EMIGRATIE", "OVERLEDEN"):
        for row in _planted(generated, kind):
            per_week = generated.manifest.peildatums
            for d in per_week:
                mine = [p for p in generated.persons(d) if p["PERSOONSNUMMER"] == row["PERSOONSNUMMER"]][0]
                if mine["OVERLEDEN"] or mine["OPSCHORTING"]:
                    # an enrolment still valid on the day of death stays unmatched that day
                    assert mine["INGEZETENE"] == "N" and mine["SIGNALEN"] in ("", "ONBEKEND_IN_BRP")


def test_grace_after_immigration(generated: Generated) -> None:
    last = {r["PERSOONSNUMMER"]: r for r in generated.persons(generated.manifest.peildatums[-1])}
    children = [row for row in _planted(generated, "AV_IMMIGRATIE_ZONDER_SCHOOL")  # not its siblings
                if last[row["PERSOONSNUMMER"]]["INGESCHREVEN"] == "N" and row["STATUS"] == "leerplichtig"]
    assert children
    for row in children:
        weeks = _signals_of(generated, row["PERSOONSNUMMER"])
        raised = ["ABSOLUUT_VERZUIM" in w for w in weeks]
        assert raised[0] is False and raised[-1] is True, weeks  # arrived 8-16 days before week 1
        for d, w in zip(generated.manifest.peildatums, weeks, strict=True):
            if "ABSOLUUT_VERZUIM" in w:
                assert d >= date.fromisoformat(w["ABSOLUUT_VERZUIM"]) + timedelta(weeks=4)
