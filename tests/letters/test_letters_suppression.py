"""Suppression: every reason, for the young person (no letter) and for a parent (that letter held)."""

from __future__ import annotations

from datetime import date

import pytest

from letters.persons import Adres
from letters.planning import plan
from letters.suppression import redenen
from registers.codes import SuppressionReason
from tests.letters.letter_people import DORPSWEG, PEILDATUM, kind, moeder, ouders, vader

SERVED = ("0363",)


@pytest.mark.parametrize("changes,reden", [
    ({"overlijdensdatum": date(2026, 8, 1)}, SuppressionReason.OVERLEDEN),
    ({"opschorting_reden": "O"}, SuppressionReason.OVERLEDEN),
    ({"opschorting_reden": "E"}, SuppressionReason.GEEMIGREERD),
    ({"opschorting_reden": "R"}, SuppressionReason.RNI),
    ({"gemeentecode": "1999"}, SuppressionReason.RNI),
    ({"opschorting_reden": "F"}, SuppressionReason.OPSCHORTING),
    ({"opschorting_reden": "M"}, SuppressionReason.OPSCHORTING),
    ({"gemeentecode": "0599"}, SuppressionReason.VERHUISD),
    ({"adres": None}, SuppressionReason.GEEN_ADRES),
    ({"adres": Adres(straat="Kerkstraat", huisnummer=12)}, SuppressionReason.GEEN_ADRES),  # no postcode
    ({"adres_in_onderzoek": True}, SuppressionReason.ADRES_IN_ONDERZOEK),
    ({"geheimhouding": 3}, SuppressionReason.GEHEIMHOUDING),
    ({"geboortedatum": None}, SuppressionReason.GEBOORTEDATUM_ONBEKEND),
])
def test_each_reason_suppresses_every_letter_about_the_young_person(changes: dict,
                                                                    reden: SuppressionReason) -> None:
    jongere = kind(**changes)
    assert redenen(jongere, SERVED) == [reden]
    result = plan(jongere, ouders(vader(), moeder()), PEILDATUM, SERVED)
    assert result.brieven == ()
    assert [item.reden for item in result.onderdrukt] == [reden]
    assert result.onderdrukt[0].geadresseerde is None


def test_a_clean_resident_gets_letters_and_no_suppression() -> None:
    assert redenen(kind(), SERVED) == []
    result = plan(kind(), ouders(vader(), moeder()), PEILDATUM, SERVED)
    assert len(result.brieven) == 1 and result.onderdrukt == ()


def test_gemeente_is_not_checked_without_served_codes() -> None:
    assert redenen(kind(gemeentecode="0599")) == []


def test_held_and_final_reasons() -> None:
    assert {reden for reden in SuppressionReason if not reden.aangehouden} == {
        SuppressionReason.OVERLEDEN, SuppressionReason.GEEMIGREERD, SuppressionReason.RNI,
        SuppressionReason.OPSCHORTING, SuppressionReason.VERHUISD, SuppressionReason.GEEN_ADRES}
    assert all(reden.omschrijving for reden in SuppressionReason)


def test_parent_with_geheimhouding_holds_only_that_letter() -> None:
    personen = ouders(vader(adres=DORPSWEG, geheimhouding=1), moeder())
    result = plan(kind(), personen, PEILDATUM, SERVED)
    assert [letter.naamregels for letter in result.brieven] == [("Mevrouw S.M. van der Berg",)]
    assert [(item.reden, item.geadresseerde.naamregels) for item in result.onderdrukt] == [
        (SuppressionReason.GEHEIMHOUDING, ("De heer J. de Vries",))]


def test_parent_address_under_investigation_holds_the_shared_letter() -> None:
    result = plan(kind(), ouders(vader(adres_in_onderzoek=True), moeder()), PEILDATUM, SERVED)
    assert result.brieven == ()
    assert [item.reden for item in result.onderdrukt] == [SuppressionReason.ADRES_IN_ONDERZOEK]


def test_several_reasons_are_all_recorded() -> None:
    jongere = kind(adres_in_onderzoek=True, geheimhouding=2)
    assert [item.reden for item in plan(jongere, {}, PEILDATUM, SERVED).onderdrukt] == [
        SuppressionReason.ADRES_IN_ONDERZOEK, SuppressionReason.GEHEIMHOUDING]
