"""First working day of the month: weekends, Dutch public holidays, the municipality's own days."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.working_days import easter_sunday, first_working_day, is_first_working_day, public_holidays


@pytest.mark.parametrize("year,easter", [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
                                         (2026, date(2026, 4, 5)), (2038, date(2038, 4, 25))])
def test_easter(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


@pytest.mark.parametrize("year,month,first", [
    (2026, 1, date(2026, 1, 2)),   # Nieuwjaarsdag on Thursday
    (2027, 1, date(2027, 1, 4)),   # Nieuwjaarsdag on Friday, then the weekend
    (2024, 4, date(2024, 4, 2)),   # Tweede Paasdag on 1 April
    (2025, 6, date(2025, 6, 2)),   # 1 June is a Sunday
    (2025, 5, date(2025, 5, 1)),
    (2027, 5, date(2027, 5, 3)),   # Saturday 1 May
    (2020, 6, date(2020, 6, 2)),   # Tweede Pinksterdag on 1 June 2020
    (2026, 12, date(2026, 12, 1)),
])
def test_first_working_day(year: int, month: int, first: date) -> None:
    assert first_working_day(year, month) == first
    assert is_first_working_day(first)
    assert not is_first_working_day(date(year, month, 8))


def test_own_closing_days_and_koningsdag() -> None:
    assert first_working_day(2026, 9, extra=[date(2026, 9, 1)]) == date(2026, 9, 2)
    assert public_holidays(2025)[date(2025, 4, 26)] == "Koningsdag"  # 27 April 2025 is a Sunday
    assert date(2025, 5, 5) in public_holidays(2025) and date(2026, 5, 5) not in public_holidays(2026)
