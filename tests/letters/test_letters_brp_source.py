"""Reading letter addressees from the staged BRP, loaded by the real LO3 connector."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from connectors.staging import Staging
from letters.brp_source import lees_personen, parse_gezag
from letters.persons import Adres
from tests.letters.letter_people import (
    DORPSWEG,
    KIND_BSN,
    MOEDER_BSN,
    VADER_BSN,
    kind,
    lo3_row,
    load_brp,
    moeder,
    vader,
)


def test_parse_gezag_codes() -> None:
    assert parse_gezag("12", "A", "B") == (("A", "B"), False)
    assert parse_gezag("2", "A", "B") == (("B",), False)
    assert parse_gezag("1D", "A", None) == (("A",), True)
    assert parse_gezag("D", "A", "B") == ((), True)
    assert parse_gezag("", "A", "B") == (None, False)
    assert parse_gezag("X", "A", "B") == (None, False)


def test_young_person_and_parents_from_the_latest_delivery(tmp_path: Path) -> None:
    staging = tmp_path / "staging.duckdb"
    rows = [lo3_row(kind(), gezag="12"), lo3_row(vader(adres=DORPSWEG, geheimhouding=2)),
            lo3_row(moeder(adres_in_onderzoek=True)),
            lo3_row(kind(persoonsnummer="999992545", voornamen="Tim", ouders=()), geboortedatum="20150000")]
    load_brp(staging, tmp_path / "brp-G0363-20260907.lo3.csv", rows)
    with Staging(staging, read_only=True) as st:
        personen = lees_personen(st.con, [KIND_BSN, "999992545", "999999990"])
    assert set(personen) == {KIND_BSN, VADER_BSN, MOEDER_BSN, "999992545"}
    sanne = personen[KIND_BSN]
    assert (sanne.voornamen, sanne.voorvoegsel, sanne.geslachtsnaam, sanne.geslacht) == (
        "Sanne Maria", "de", "Vries", "V")
    assert sanne.geboortedatum == date(2015, 9, 2)
    assert sanne.adres == Adres(straat="Kerkstraat", huisnummer=12, huisletter="A", toevoeging="2",
                                postcode="1017GC", woonplaats="Amsterdam")
    assert sanne.gemeentecode == "0363" and sanne.ouders == (VADER_BSN, MOEDER_BSN)
    assert sanne.gezag == (VADER_BSN, MOEDER_BSN) and not sanne.gezag_derde
    assert personen[VADER_BSN].geheimhouding == 2 and personen[VADER_BSN].adres.straat == "Dorpsweg"
    assert personen[MOEDER_BSN].adres_in_onderzoek
    assert personen["999992545"].geboortedatum is None  # 2015, month and day unknown: never guessed
