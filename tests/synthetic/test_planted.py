"""Every planted kind occurs, and shows in the files where a reader would find it."""

from __future__ import annotations

from datetime import date

from lxml import etree

from synthetic.persoonsnummers import is_onderwijsnummer
from synthetic.scenarios import PLANTS
from synthetic.writers_brp import LO3_COLUMNS

from .conftest import GEMEENTEN, Generated

NS = "{urn:inbeeld:verzuimmelding:1}"
COL = {name: i + 1 for i, name in enumerate(LO3_COLUMNS)}  # +1: the label column


def _lo3_persons(generated: Generated) -> list[list[str]]:
    rows = []
    for path in generated.paths("*/brp/*.lo3.csv"):
        for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]:
            if line.startswith("Lg01_"):
                rows.append(line.split(";"))
    return rows


def test_every_planted_kind_occurs(generated: Generated) -> None:
    planted = {kind for row in generated.persons(generated.manifest.peildatums[0])
               for kind in row["GEPLANT"].split("|") if kind}
    assert {plant.name for plant in PLANTS} <= planted


def test_planted_cases_are_a_minority(generated: Generated) -> None:
    rows = generated.persons(generated.manifest.peildatums[0])
    with_signal = sum(1 for row in rows if row["SIGNALEN"])
    assert 0.01 < with_signal / len(rows) < 0.15


def test_every_vrijstelling_ground_and_verzuim_kind(generated: Generated) -> None:
    grounds = {row["GRONDSLAG"] for row in generated.rows("*/vrijstellingen/*.csv")}
    assert grounds == {"LPW_5_A", "LPW_5_B", "LPW_5_C", "LPW_5A", "LPW_3A", "LPW_3B", "LPW_15"}
    kinds = set()
    for path in generated.paths("*/verzuim/*.xml"):
        kinds |= {el.text for el in etree.parse(str(path)).iter(f"{NS}soortVerzuim")}
    assert kinds == {"16U_4W", "LRV", "LUXE", "RMC", "OVERIG"}


def test_partial_birth_dates_of_each_precision(generated: Generated) -> None:
    births = {row[COL["01.03.10"]] for row in _lo3_persons(generated)}
    assert "00000000" in births
    assert any(b.endswith("0000") and b != "00000000" for b in births)  # month (and day) unknown
    assert any(b.endswith("00") and not b.endswith("0000") for b in births)  # day unknown


def test_deaths_emigration_rni_geheim_onderzoek(generated: Generated) -> None:
    rows = _lo3_persons(generated)
    assert any(r[COL["06.08.10"]] and r[COL["07.67.20"]] == "O" for r in rows)
    assert any(r[COL["07.67.20"]] == "E" and r[COL["08.09.10"]] == "1999" for r in rows)
    assert any(r[COL["07.70.10"]] not in ("", "0") for r in rows)
    assert {r[COL["08.83.10"]] for r in rows} >= {"080000"}


def test_moves_in_and_out(generated: Generated) -> None:
    weeks = generated.manifest.peildatums
    first = {p["burgerservicenummer"]: p for p in generated.personen(weeks[0])}
    later = {p["burgerservicenummer"]: p for d in weeks[1:] for p in generated.personen(d)}
    departed = [p for p in later.values()
                if p.get("gemeenteVanInschrijving", {}).get("code") not in (*GEMEENTEN, "1999")]
    assert departed, "someone moves to a gemeente that is not served"
    arrived = [bsn for bsn, p in later.items() if bsn not in first
               and p.get("gemeenteVanInschrijving", {}).get("code") in GEMEENTEN]
    assert arrived, "someone moves in during the period"


def test_onderwijsnummer_only_pupils_and_the_koppeling(generated: Generated) -> None:
    rows = generated.rows("*/duo/duo-C-*.csv")
    only = [r for r in rows if is_onderwijsnummer(r["PERSOONSGEBONDENNUMMER"]) and not r["BSN"]]
    both = [r for r in rows if is_onderwijsnummer(r["PERSOONSGEBONDENNUMMER"]) and r["BSN"]]
    assert only and both
    unknown = {s["PERSOONSNUMMER"] for s in generated.signals(generated.manifest.peildatums[0])
               if s["SIGNAL"] == "ONBEKEND_IN_BRP"}
    assert {r["PERSOONSGEBONDENNUMMER"] for r in only} <= unknown
    assert not {r["PERSOONSGEBONDENNUMMER"] for r in both} & unknown


def test_every_school_kind_and_unfunded_schools(generated: Generated) -> None:
    rows = generated.rows("*/duo/duo-C-*.csv")
    assert {r["ONDERWIJSSOORT"] for r in rows} == {"PO", "SO", "VO", "VSO", "PRO", "MBO", "VAVO", "HO"}
    assert any(r["BEKOSTIGD"] == "N" for r in rows)
    assert any(r["INDICATIE_STARTKWALIFICATIE"] == "J" for r in rows)
    assert any(r["INDICATIE_PRO_VSO_GETUIGSCHRIFT"] == "J" for r in rows)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# The population runs up to the RMC age (27 since 2026): students of MBO, VAVO and HO up to 27.
AGES = {"PO": (4, 13), "SO": (4, 13), "VO": (10, 20), "VSO": (11, 21), "PRO": (11, 19), "MBO": (14, 27),
        "VAVO": (16, 27), "HO": (16, 27)}


def test_ages_fit_the_school_kind(generated: Generated) -> None:
    checked = 0
    for d in generated.manifest.peildatums[:1]:
        for row in generated.rows(f"{d.isoformat()}/duo/duo-C-*.csv"):
            if row["DATUM_UITSCHRIJVING"]:
                continue
            day, month, year = map(int, row["GEBOORTEDATUM"].split("-"))
            low, high = AGES[row["ONDERWIJSSOORT"]]
            assert low <= _age(date(year, month, day), d) <= high, row
            checked += 1
    assert checked > 800  # enrolled on the first peildatum, of a population spread over 0-27
