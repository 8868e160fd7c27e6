"""Addressing: names with voorvoegsel, NEN 5825 address lines, and who gets a letter."""

from __future__ import annotations

from datetime import date

import pytest

from letters.addressing import (
    aanhef,
    aanschrijfnaam,
    adresregel1,
    adresregel2,
    geadresseerden,
    leeftijd,
    naamregels,
    voorletters,
)
from letters.persons import Adres, Persoon, persoon_from_mapping
from tests.letters.letter_people import (
    DORPSWEG,
    KERKSTRAAT,
    MOEDER_BSN,
    PEILDATUM,
    VADER_BSN,
    kind,
    moeder,
    ouders,
    vader,
)


def test_initials() -> None:
    assert voorletters("Sanne Maria") == "S.M."
    assert voorletters("Jan-Willem  pieter") == "J.W.P."
    assert voorletters("") == ""


@pytest.mark.parametrize("geslacht,naam,groet", [
    ("M", "de heer J. de Vries", "Geachte heer De Vries"),
    ("V", "mevrouw J. de Vries", "Geachte mevrouw De Vries"),
    ("O", "J. de Vries", "Geachte J. de Vries"),
])
def test_name_and_salutation_by_sex(geslacht: str, naam: str, groet: str) -> None:
    persoon = vader(geslacht=geslacht)
    assert aanschrijfnaam(persoon) == naam
    assert aanhef([persoon]) == groet


def test_voorvoegsel_lower_after_initials_capital_when_it_opens() -> None:
    persoon = moeder()
    assert aanschrijfnaam(persoon) == "mevrouw S.M. van der Berg"
    assert aanhef([persoon]) == "Geachte mevrouw Van der Berg"
    assert aanhef([vader(), persoon]) == "Geachte heer De Vries en mevrouw Van der Berg"
    assert aanhef([]) == "Geachte ouder(s)/verzorger(s)"


def test_delivered_initials_win() -> None:
    assert aanschrijfnaam(vader(voorletters="J.P.")) == "de heer J.P. de Vries"


def test_name_lines_one_or_two() -> None:
    short = [vader(voornamen="Jan", voorvoegsel="", geslachtsnaam="Bos"),
             moeder(voornamen="Ria", voorvoegsel="", geslachtsnaam="Smit")]
    assert naamregels(short) == ("De heer J. Bos en mevrouw R. Smit",)
    assert naamregels([vader(), moeder()]) == ("De heer J. de Vries", "en mevrouw S.M. van der Berg")
    assert naamregels([], namens=kind()) == ("Aan de ouder(s)/verzorger(s) van", "Sanne de Vries")


@pytest.mark.parametrize("letter,toevoeging,regel", [
    ("", "", "Kerkstraat 12"),
    ("c", "", "Kerkstraat 12 c"),
    ("", "III", "Kerkstraat 12 III"),
    ("", "2", "Kerkstraat 12-2"),
    ("B", "73c", "Kerkstraat 12 B73c"),
])
def test_address_line_one_nen_5825(letter: str, toevoeging: str, regel: str) -> None:
    adres = Adres(straat="Kerkstraat", huisnummer=12, huisletter=letter, toevoeging=toevoeging,
                  postcode="1017GC", woonplaats="Amsterdam")
    assert adresregel1(adres) == regel


def test_long_street_uses_the_short_form_and_line_two_is_postnl() -> None:
    adres = Adres(straat="Burgemeester Le Fèvre de Montignylaan", korte_straat="Burg L F de Montignyln",
                  huisnummer=7, postcode="3055aa", woonplaats="'s-Gravenhage")
    assert adresregel1(adres) == "Burg L F de Montignyln 7"
    assert adresregel2(adres) == "3055 AA  'S-GRAVENHAGE"


def test_age_with_leap_day_birthday() -> None:
    born = date(2008, 2, 29)
    assert leeftijd(born, date(2026, 2, 28)) == 17
    assert leeftijd(born, date(2026, 3, 1)) == 18
    assert leeftijd(date(2015, 9, 2), date(2026, 9, 1)) == 10
    assert leeftijd(date(2015, 9, 2), date(2026, 9, 2)) == 11


def test_minor_parents_together_get_one_letter_with_both_names() -> None:
    letters = geadresseerden(kind(), ouders(vader(), moeder()), PEILDATUM)
    assert len(letters) == 1
    assert [p.persoonsnummer for p in letters[0].personen] == [VADER_BSN, MOEDER_BSN]
    assert letters[0].rol == "ouder1+ouder2"
    assert letters[0].adresregels == ("De heer J. de Vries", "en mevrouw S.M. van der Berg",
                                      "Kerkstraat 12 A2", "1017 GC  AMSTERDAM")
    assert not letters[0].aan_jongere


def test_parents_apart_get_one_letter_each() -> None:
    letters = geadresseerden(kind(), ouders(vader(adres=DORPSWEG), moeder()), PEILDATUM)
    assert [letter.adresregels for letter in letters] == [
        ("De heer J. de Vries", "Dorpsweg 3", "1234 AB  VOORBEELDSTAD"),
        ("Mevrouw S.M. van der Berg", "Kerkstraat 12 A2", "1017 GC  AMSTERDAM"),
    ]
    assert [letter.rol for letter in letters] == ["ouder1", "ouder2"]


def test_child_living_with_neither_parent_also_gets_a_letter_for_the_carers() -> None:
    letters = geadresseerden(kind(), ouders(vader(adres=DORPSWEG), moeder(adres=DORPSWEG)), PEILDATUM)
    assert len(letters) == 2
    assert letters[1].personen == () and letters[1].rol == "verzorgers"
    assert letters[1].adresregels[0] == "Aan de ouder(s)/verzorger(s) van"
    assert letters[1].adresregels[2:] == ("Kerkstraat 12 A2", "1017 GC  AMSTERDAM")


def test_unknown_parents_give_the_ouders_verzorgers_letter() -> None:
    letters = geadresseerden(kind(ouders=()), {}, PEILDATUM)
    assert len(letters) == 1 and letters[0].personen == ()
    assert letters[0].aanhef == "Geachte ouder(s)/verzorger(s)"


def test_gezag_limits_the_addressees() -> None:
    letters = geadresseerden(kind(gezag=(MOEDER_BSN,)), ouders(vader(adres=DORPSWEG), moeder()), PEILDATUM)
    assert len(letters) == 1
    assert letters[0].naamregels == ("Mevrouw S.M. van der Berg",)


def test_gezag_with_a_third_party_writes_to_the_carers_only() -> None:
    letters = geadresseerden(kind(gezag=(), gezag_derde=True), ouders(vader(), moeder()), PEILDATUM)
    assert len(letters) == 1 and letters[0].personen == ()


def test_deceased_or_emigrated_parent_is_not_addressed() -> None:
    personen = ouders(vader(overlijdensdatum=date(2025, 1, 1)), moeder(opschorting_reden="E"))
    letters = geadresseerden(kind(), personen, PEILDATUM)
    assert len(letters) == 1 and letters[0].personen == ()


def test_from_eighteen_the_young_person_is_addressed() -> None:
    adult = kind(geboortedatum=date(2008, 9, 7))
    letters = geadresseerden(adult, ouders(vader(), moeder()), PEILDATUM)
    assert len(letters) == 1 and letters[0].aan_jongere and letters[0].rol == "jongere"
    assert letters[0].adresregels == ("Mevrouw S.M. de Vries", "Kerkstraat 12 A2", "1017 GC  AMSTERDAM")
    day_before = geadresseerden(adult, ouders(vader(), moeder()), date(2026, 9, 6))
    assert not day_before[0].aan_jongere


def test_unknown_birth_date_is_never_guessed() -> None:
    with pytest.raises(ValueError, match="geboortedatum"):
        geadresseerden(kind(geboortedatum=None), {}, PEILDATUM)


def test_person_from_a_staging_row() -> None:
    row = {"persoonsnummer": "999993653", "voornamen": "Sanne Maria", "voorvoegsel": "de",
           "geslachtsnaam": "Vries", "geslacht": "v", "geboortedatum": "2015-09-02", "straat": "Kerkstraat",
           "huisnummer": "12", "huisletter": "A", "huisnummertoevoeging": "2", "postcode": "1017GC",
           "woonplaats": "Amsterdam", "gemeentecode": "0363", "ouders": "999990639,999991425",
           "gezag": None, "geheimhouding": "0", "adres_in_onderzoek": False}
    persoon = persoon_from_mapping(row)
    assert persoon == Persoon(persoonsnummer="999993653", voornamen="Sanne Maria", voorvoegsel="de",
                              geslachtsnaam="Vries", geslacht="V", geboortedatum=date(2015, 9, 2),
                              adres=KERKSTRAAT, gemeentecode="0363", ouders=(VADER_BSN, MOEDER_BSN))
