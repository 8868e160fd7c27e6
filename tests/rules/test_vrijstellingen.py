"""Vrijstellingsgronden: which obligation a vrijstelling valid on the peildatum covers."""

from datetime import date

import pytest

from rules.status import StatusCode
from rules.vrijstellingen import Vrijstellingsgrond, telt_tegen

D = date.fromisoformat
G = Vrijstellingsgrond
NIET, LP, KP, RMC, GEEN = (StatusCode.NIET_LEERPLICHTIG, StatusCode.LEERPLICHTIG,
                           StatusCode.KWALIFICATIEPLICHTIG, StatusCode.RMC_DOELGROEP, StatusCode.GEEN)


def test_the_codes_of_spec_4_4() -> None:
    assert [g.value for g in G] == ["LPW_5_A", "LPW_5_B", "LPW_5_C", "LPW_5A", "LPW_3A", "LPW_3B", "LPW_15"]


@pytest.mark.parametrize("grond,artikel", [
    (G.LPW_5_A, "art. 5 onder a"), (G.LPW_5_B, "art. 5 onder b"), (G.LPW_5_C, "art. 5 onder c"),
    (G.LPW_5A, "art. 5a"), (G.LPW_3A, "art. 3a"), (G.LPW_3B, "art. 3b"), (G.LPW_15, "art. 15"),
])
def test_each_ground_names_its_article(grond: Vrijstellingsgrond, artikel: str) -> None:
    assert grond.artikel == f"Leerplichtwet 1969 (BWBR0002628) {artikel}"
    assert grond.omschrijving and grond.toelichting


def test_the_5a_trap_two_different_grounds() -> None:
    assert "ongeschikt" in G.LPW_5_A.omschrijving or "niet geschikt" in G.LPW_5_A.omschrijving
    assert "trekkend bestaan" in G.LPW_5A.omschrijving
    assert G.LPW_5_A.artikel.endswith("art. 5 onder a") and G.LPW_5A.artikel.endswith("art. 5a")


@pytest.mark.parametrize("grond,status,expected", [
    (G.LPW_5_A, LP, True), (G.LPW_5_A, KP, True), (G.LPW_5_A, RMC, False),
    (G.LPW_5_B, LP, True), (G.LPW_5_B, KP, True),
    (G.LPW_5_C, LP, True), (G.LPW_5_C, KP, True), (G.LPW_5_C, GEEN, False),
    (G.LPW_5A, LP, True), (G.LPW_5A, KP, False),
    (G.LPW_3A, LP, True), (G.LPW_3A, KP, False),
    (G.LPW_3B, LP, True), (G.LPW_3B, KP, False),
    (G.LPW_15, LP, False), (G.LPW_15, KP, True), (G.LPW_15, RMC, False),
    (G.LPW_5_A, NIET, False),
])
def test_telt_tegen(grond: Vrijstellingsgrond, status: StatusCode, expected: bool) -> None:
    assert telt_tegen(grond, status, D("2025-06-15")) is expected


@pytest.mark.parametrize("peil,expected", [
    ("2025-02-28", False), ("2025-03-01", True), ("2025-07-15", True), ("2025-10-31", True),
    ("2025-11-01", False), ("2025-12-24", False), ("2026-01-15", False),
])
def test_trekkend_bestaan_only_march_to_october(peil: str, expected: bool) -> None:
    assert telt_tegen(G.LPW_5A, LP, D(peil)) is expected
    assert telt_tegen(G.LPW_5_A, LP, D(peil)) is True  # art. 5 onder a knows no season


def test_codes_and_status_strings_are_accepted() -> None:
    assert telt_tegen("lpw_15", "kwalificatieplichtig", D("2025-01-01")) is True
    assert G.from_code(" LPW_5_A ") is G.LPW_5_A


def test_unknown_code_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown vrijstellingsgrond '5a'; use one of LPW_5_A"):
        G.from_code("5a")
