"""Small-count suppression: primary `<5`, secondary `x`, hidden rates, no person data."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import (
    SECONDARY,
    SUPPRESSED,
    check_aggregate,
    suppress_breakdown,
    suppress_count,
    suppress_rate,
    suppress_table,
)


def test_counts_one_to_four_are_shown_as_less_than_five() -> None:
    assert [suppress_count(n) for n in (0, 1, 4, 5, 12)] == [0, SUPPRESSED, SUPPRESSED, 5, 12]


def test_a_total_would_reveal_a_single_hidden_cell_so_the_smallest_other_is_hidden_too() -> None:
    # A=3 is hidden; with the total 33 shown, A = 33 - 0 - 10 - 20. B=0 is no protection
    # (x means 0 or >= 5), so the next smallest non-zero cell C=10 is hidden as well.
    shown = suppress_breakdown({"A": 3, "B": 0, "C": 10, "D": 20})
    assert shown == {"A": SUPPRESSED, "B": 0, "C": SECONDARY, "D": 20, "Totaal": 33}


def test_two_small_cells_protect_each_other() -> None:
    assert suppress_breakdown({"A": 2, "B": 3, "C": 10}) == {"A": SUPPRESSED, "B": SUPPRESSED, "C": 10,
                                                              "Totaal": 15}


def test_a_small_total_is_hidden_and_its_only_cell_too() -> None:
    assert suppress_breakdown({"A": 3}) == {"A": SUPPRESSED, "Totaal": SUPPRESSED}
    assert suppress_breakdown({"A": 3, "B": 0}) == {"A": SUPPRESSED, "B": 0, "Totaal": SUPPRESSED}


def test_a_total_is_hidden_when_only_zeros_are_left_beside_a_hidden_cell() -> None:
    table = pd.DataFrame([[3, 10], [0, 20]], index=["r1", "r2"], columns=["c1", "c2"])
    shown = suppress_table(table)
    # r1: 3 -> <5, so 10 -> x; column c2 then hides 20; row r2 has only a 0 left: its total goes.
    assert shown.loc["r2", "c2"] == SECONDARY
    assert shown.loc["r2", "c1"] == 0
    assert shown.loc["r2", "Totaal"] == SECONDARY


def test_a_two_way_table_hides_the_four_cells_of_a_rectangle() -> None:
    table = pd.DataFrame([[3, 10], [12, 20]], index=["r1", "r2"], columns=["c1", "c2"])
    shown = suppress_table(table)
    assert shown.loc["r1", "c1"] == SUPPRESSED
    assert shown.loc["r1", "c2"] == SECONDARY  # row r1 total 13 would give c1 back
    assert shown.loc["r2", "c1"] == SECONDARY  # column c1 total 15 would give c1 back
    assert shown.loc["r2", "c2"] == SECONDARY  # then row r2 and column c2 each had one hidden
    assert list(shown["Totaal"]) == [13, 32, 45]
    assert list(shown.loc["Totaal"]) == [15, 30, 45]


def test_a_rate_is_hidden_with_its_numerator_or_denominator() -> None:
    assert suppress_rate(SUPPRESSED, 120, 0.025) == SECONDARY
    assert suppress_rate(SECONDARY, 120, 0.1) == SECONDARY
    assert suppress_rate(12, 120, 0.1) == 0.1


def test_figures_for_policy_carry_no_person_data() -> None:
    with pytest.raises(ValueError, match="person columns"):
        check_aggregate([{"persoonsnummer": "123456782", "aantal": 5}])
    with pytest.raises(ValueError, match="person numbers"):
        check_aggregate(pd.DataFrame({"waarde": ["999993653"], "aantal": [7]}))
    check_aggregate([{"waarde": "12AB", "aantal": 7}])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=4), min_size=1, max_size=4)
       .filter(lambda rows: len({len(r) for r in rows}) == 1))
def test_no_line_is_left_with_exactly_one_hidden_member(rows: list[list[int]]) -> None:
    table = pd.DataFrame(rows)
    shown = suppress_table(table, total_label="T")
    hidden = shown.isin([SUPPRESSED, SECONDARY])
    for _, line in hidden.iterrows():
        assert line.sum() != 1
    for _, line in hidden.items():
        assert line.sum() != 1
    # every small published count is hidden, and no hidden count is shown as a number
    full = table.copy()
    full["T"] = table.sum(axis=1)
    full.loc["T"] = full.sum(axis=0)
    for r in full.index:
        for c in full.columns:
            value = int(full.loc[r, c])
            if 0 < value < 5:
                assert shown.loc[r, c] == SUPPRESSED
            elif not hidden.loc[r, c]:
                assert shown.loc[r, c] == value
