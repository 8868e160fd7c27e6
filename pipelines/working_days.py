"""Dutch working days: the monthly flow runs on the first working day of the month.

A cron cannot say "first working day", so the monthly schedule fires on days 1–7 and the flow's
guard asks `is_first_working_day`. Holidays are the national public holidays a municipal office is
closed on (Algemene termijnenwet art. 3, plus Koningsdag and Bevrijdingsdag in lustrum years, as the
CAO Gemeenten has it); a municipality adds its own closing days through `extra`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> dict[date, str]:
    """The public holidays of `year` on which a Dutch municipal office is closed."""
    easter = easter_sunday(year)
    koningsdag = date(year, 4, 27)
    if koningsdag.weekday() == 6:  # on a Sunday it moves to Saturday the 26th
        koningsdag = date(year, 4, 26)
    days = {
        date(year, 1, 1): "Nieuwjaarsdag",
        easter: "Eerste Paasdag",
        easter + timedelta(days=1): "Tweede Paasdag",
        koningsdag: "Koningsdag",
        easter + timedelta(days=39): "Hemelvaartsdag",
        easter + timedelta(days=49): "Eerste Pinksterdag",
        easter + timedelta(days=50): "Tweede Pinksterdag",
        date(year, 12, 25): "Eerste Kerstdag",
        date(year, 12, 26): "Tweede Kerstdag",
    }
    if year % 5 == 0:
        days[date(year, 5, 5)] = "Bevrijdingsdag"
    return days


def is_working_day(day: date, extra: Iterable[date] = ()) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year) and day not in set(extra)


def first_working_day(year: int, month: int, extra: Iterable[date] = ()) -> date:
    closed = set(extra)
    day = date(year, month, 1)
    while not is_working_day(day, closed):
        day += timedelta(days=1)
    return day


def is_first_working_day(day: date, extra: Iterable[date] = ()) -> bool:
    return day == first_working_day(day.year, day.month, extra)
