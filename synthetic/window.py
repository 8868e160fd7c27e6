"""The simulated period: the weekly peildatums and the dates the planted cases are placed around."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rules.dates import anniversary
from rules.parameters import value
from synthetic.schools import schooljaar
from synthetic.vsv import convenantjaar_start


@dataclass(frozen=True)
class Window:
    """The served gemeenten and the peildatums (Mondays, one week apart)."""

    gemeenten: tuple[str, ...]
    peildatums: tuple[date, ...]

    @classmethod
    def of(cls, gemeenten: tuple[str, ...], start: date, weeks: int) -> Window:
        if start.weekday() != 0:
            raise ValueError(f"de start {start.isoformat()} is geen maandag")
        if weeks < 1:
            raise ValueError("het aantal weken moet ten minste 1 zijn")
        return cls(tuple(gemeenten), tuple(start + timedelta(days=7 * w) for w in range(weeks)))

    @property
    def served(self) -> frozenset[str]:
        return frozenset(self.gemeenten)

    @property
    def first(self) -> date:
        return self.peildatums[0]

    @property
    def last(self) -> date:
        return self.peildatums[-1]

    @property
    def schooljaar_start(self) -> date:
        """1 August of the school year of the first peildatum."""
        return date(schooljaar(self.first), 8, 1)

    @property
    def teldatum(self) -> date:
        """1 October that opened the convenantjaar of the first peildatum (1 October - 30 September)."""
        return convenantjaar_start(self.first)

    @property
    def rmc_leeftijd(self) -> int:
        """The RMC age of the law on the last peildatum (23; 27 from 1 January 2026)."""
        return int(value("rmc_leeftijd", self.last))

    @property
    def oldest_birth(self) -> date:
        """The young people run from 0 to the RMC age (0-23 before 2026, 0-27 since): nobody passes the
        RMC age by more than a year before the last peildatum, so the selection keeps everyone it starts
        with and the oldest are just past the RMC doelgroep."""
        return anniversary(self.last, -(self.rmc_leeftijd + 1)) + timedelta(days=1)

    @property
    def latest_parent_birth(self) -> date:
        """Parents are at least two years past the RMC age: no parent is in the RMC doelgroep (the
        generator gives parents no school history)."""
        return anniversary(self.first, -(self.rmc_leeftijd + 2))
