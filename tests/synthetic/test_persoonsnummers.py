import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synthetic.persoonsnummers import (
    anummer_for,
    bsn_from_prefix,
    draw_block,
    is_bsn,
    is_onderwijsnummer,
    onderwijsnummer_from_prefix,
)


@pytest.mark.parametrize("number,ok", [
    ("999993653", True),   # from the public GBA-V test set
    ("111222333", True),   # the textbook example: 9+8+7+12+10+8+9+6-3 = 66 = 6 x 11
    ("123456789", False),
    ("999993654", False),
    ("12345678", False),
    ("00000000a", False),
])
def test_elfproef_on_known_numbers(number: str, ok: bool) -> None:
    assert is_bsn(number) is ok


def test_onderwijsnummer_check() -> None:
    number = onderwijsnummer_from_prefix(10_000_025)
    assert number is not None and is_onderwijsnummer(number) and not is_bsn(number)
    assert not is_onderwijsnummer("999993653")
    # same weights, remainder 5, but not starting with 10
    assert not is_onderwijsnummer("200000005")


@given(st.integers(min_value=10_000_000, max_value=99_999_999))
def test_every_made_bsn_passes_the_elfproef(prefix: int) -> None:
    number = bsn_from_prefix(prefix)
    assert number is None or (is_bsn(number) and number.startswith(f"{prefix:08d}"))


@given(st.integers(min_value=10_000_000, max_value=10_999_999))
def test_every_made_onderwijsnummer_passes_its_check(prefix: int) -> None:
    number = onderwijsnummer_from_prefix(prefix)
    assert number is None or is_onderwijsnummer(number)


def test_blocks_are_sorted_distinct_and_inside_their_range() -> None:
    numbers = draw_block(random.Random(1), 20_010_000, 10_000, 5000, "bsn")
    assert numbers == sorted(set(numbers)) and len(numbers) == 5000
    assert all(20_010_000 <= int(n[:8]) < 20_020_000 and is_bsn(n) for n in numbers)
    with pytest.raises(ValueError):
        draw_block(random.Random(1), 20_000_000, 10, 11, "bsn")


def test_anummers_are_ten_digits_and_distinct() -> None:
    numbers = draw_block(random.Random(2), 30_000_000, 10_000, 3000, "bsn")
    anummers = {anummer_for(n) for n in numbers}
    assert len(anummers) == 3000 and all(len(a) == 10 and a[0] != "0" for a in anummers)
