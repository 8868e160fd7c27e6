"""Dates as the BRP and the law use them: partial birth dates, birthdays, school years, Dutch text.

This module is the single place for Dutch month names and for the date arithmetic the rules rely
on, so that the Python rules and the generated SQL (`rules.sql`) have one definition to agree with.

Birthdays on 29 February: in a year without 29 February the birthday falls on 1 March. This is the
BRP's own rule for computing `leeftijd` (BRP-API/Haal-Centraal-BRP-bevragen,
`features/LeeftijdBepaling.feature`, scenario "Geboren op 29 februari in een schrikkeljaar": born
29 February 1996 → 20 on 28 February 2017, 21 on 1 March 2017), and the reading of Dutch law given
in the press ("Juridisch gezien ben je als schrikkelkind pas op 1 maart een jaar ouder", de
Volkskrant, 29 February 2020, https://www.volkskrant.nl/nieuws-achtergrond/op-schrikkeldag-jarig-taart-met-korting-en-veel-mensen-op-je-feestje~b1730e8b/).
The text of the Wet berekening leeftijden itself was not found in InBeeld's sources: check it
before relying on this for a contested case.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple

from inbeeld.datums import MAANDEN, format_nl  # the one place (rules.dates names it for the law)

Precisie = Literal["dag", "maand", "jaar", "onbekend"]

# A fully unknown BRP birth date (`00000000`) could be any date. InBeeld represents it by this
# documented wide range rather than by date.min/date.max: wide enough to hold every person the BRP
# can deliver, so a status computed over it always spans every status and is always flagged for
# review (never guessed).
ONBEKEND_VROEGST = date(1900, 1, 1)
ONBEKEND_LAATST = date(2099, 12, 31)


class MaandDag(NamedTuple):
    """A day of the year without a year (the start of the school year: 1 August)."""

    maand: int
    dag: int

    def in_jaar(self, jaar: int) -> date:
        return date(jaar, self.maand, self.dag)

    def __str__(self) -> str:
        return f"{self.dag} {MAANDEN[self.maand - 1]}"


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DUTCH = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


def parse_date(value: str) -> date:
    """A complete date from `jjjj-mm-dd`, `jjjjmmdd` or `dd-mm-jjjj` (the formats of BRP and DUO files).

    Raises ValueError naming the value and the accepted formats; partial dates are refused here
    (use `PartialDate.parse` for birth dates).
    """
    text = str(value).strip()
    for pattern, order in ((_ISO, "ymd"), (_COMPACT, "ymd"), (_DUTCH, "dmy")):
        match = pattern.match(text)
        if match:
            parts = [int(p) for p in match.groups()]
            y, m, d = parts if order == "ymd" else parts[::-1]
            try:
                return date(y, m, d)
            except ValueError:
                raise ValueError(f"{value!r} is geen bestaande datum") from None
    raise ValueError(f"{value!r} is geen datum: gebruik jjjj-mm-dd, jjjjmmdd of dd-mm-jjjj")


def anniversary(birth: date, years: int) -> date:
    """The day a person born on `birth` reaches the age `years`.

    Born on 29 February: 1 March in a year without 29 February (see the module docstring).
    """
    year = birth.year + years
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return birth.replace(year=year)


def first_of_next_month(d: date) -> date:
    """The first day of the month after the month of `d` (art. 3 lid 1: "de maand volgende op ...")."""
    return date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)


def add_months(d: date, months: int) -> date:
    """`d` plus whole months, clamped to the end of a shorter month (31 January + 1 → 28/29 February)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def schooljaar_einde(d: date, start: MaandDag) -> date:
    """The last day of the school year that contains `d`; a school year starts on `start` (1 August)."""
    begin = start.in_jaar(d.year)
    if d >= begin:
        begin = start.in_jaar(d.year + 1)
    return begin - timedelta(days=1)


@dataclass(frozen=True)
class PartialDate:
    """A BRP birth date whose day, month or year may be unknown (GBA `00`).

    `earliest`/`latest` give the range of real dates it may stand for; the rules evaluate both ends
    and flag the person for review when the outcome differs, instead of guessing.
    """

    year: int | None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        y, m, d = self.year, self.month, self.day
        if y is None and (m is not None or d is not None):
            raise ValueError("bij een onbekend jaar kunnen maand en dag niet bekend zijn")
        if m is None and d is not None:
            raise ValueError("bij een onbekende maand kan de dag niet bekend zijn")
        if y is not None and not 1 <= y <= 9999:
            raise ValueError(f"jaar {y} bestaat niet")
        if m is not None and not 1 <= m <= 12:
            raise ValueError(f"maand {m} bestaat niet")
        if d is not None:
            last = calendar.monthrange(y, m)[1]  # type: ignore[arg-type]
            if not 1 <= d <= last:
                raise ValueError(f"{y:04d}-{m:02d} heeft geen dag {d}")

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_parts(cls, year: int | None, month: int | None = None, day: int | None = None) -> PartialDate:
        """From year/month/day numbers as Haal Centraal and StUF deliver them; None or 0 is unknown."""
        return cls(year or None, month or None, day or None)

    @classmethod
    def from_date(cls, d: date) -> PartialDate:
        return cls(d.year, d.month, d.day)

    @classmethod
    def parse(cls, value: str) -> PartialDate:
        """Parse `20150902`, `2015-09-02`, `02-09-2015`, `20100800`, `20100000`, `2010`,
        `2010-08`, `2010-00-00`, `00000000` or `0000-00-00` (GBA `00` = unknown)."""
        text = str(value).strip()
        parts: list[str]
        if re.fullmatch(r"\d{8}", text):
            parts = [text[:4], text[4:6], text[6:]]
        elif re.fullmatch(r"\d{4}(-\d{2}){0,2}", text):
            parts = text.split("-")
        elif re.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}", text):
            parts = text.split("-")[::-1]
        else:
            raise ValueError(
                f"{value!r} is geen geboortedatum: gebruik jjjjmmdd, jjjj-mm-dd, dd-mm-jjjj of jjjj, "
                "met 00 voor een onbekende dag, maand of jaar"
            )
        numbers = [int(p) for p in parts] + [0] * (3 - len(parts))
        try:
            return cls.from_parts(*numbers)
        except ValueError as exc:
            raise ValueError(f"{value!r} is geen geldige geboortedatum: {exc}") from None

    @classmethod
    def from_haal_centraal(cls, datum: Mapping[str, Any] | str) -> PartialDate:
        """From a Haal Centraal BRP `datum` object (`Datum`, `JaarMaandDatum`, `JaarDatum`,
        `DatumOnbekend`) or a GBA-style string such as `"20100800"`."""
        if isinstance(datum, str):
            return cls.parse(datum)
        kind = datum.get("type")
        if kind == "Datum":
            return cls.parse(str(datum["datum"]))
        if kind == "JaarMaandDatum":
            return cls.from_parts(int(datum["jaar"]), int(datum["maand"]))
        if kind == "JaarDatum":
            return cls.from_parts(int(datum["jaar"]))
        if kind == "DatumOnbekend":
            return cls(None)
        raise ValueError(f"unknown Haal Centraal date type {kind!r}")

    # -- what it says -------------------------------------------------------------------------

    @property
    def precision(self) -> Precisie:
        if self.year is None:
            return "onbekend"
        if self.month is None:
            return "jaar"
        if self.day is None:
            return "maand"
        return "dag"

    @property
    def exact(self) -> date | None:
        return date(self.year, self.month, self.day) if self.precision == "dag" else None  # type: ignore[arg-type]

    @property
    def earliest(self) -> date:
        """The earliest real date it may stand for (ONBEKEND_VROEGST when fully unknown)."""
        if self.year is None:
            return ONBEKEND_VROEGST
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> date:
        """The latest real date it may stand for (ONBEKEND_LAATST when fully unknown)."""
        if self.year is None:
            return ONBEKEND_LAATST
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    @property
    def controle_nodig(self) -> bool:
        """True unless the day is known: anything derived from it must be checked by a person."""
        return self.precision != "dag"

    @property
    def gba(self) -> str:
        """The GBA form, `jjjjmmdd` with `00` for unknown parts."""
        return f"{self.year or 0:04d}{self.month or 0:02d}{self.day or 0:02d}"

    def format_nl(self) -> str:
        """`2 september 2015`, `augustus 2010`, `2010` or `onbekend`."""
        if self.year is None:
            return "onbekend"
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MAANDEN[self.month - 1]} {self.year}"
        return format_nl(self.exact)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.gba
