"""A household: its children (the young people counted by `--persons`), its parents and its addresses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from synthetic.addresses import Adres
from synthetic.model import Persoon, Verblijf


@dataclass(slots=True)
class Woning:
    """From `datum` the household lives at `adres` in `gemeentecode` (adres None: abroad)."""

    gemeentecode: str
    datum: date
    adres: Adres | None
    land: str = "6030"


@dataclass(slots=True)
class Gezin:
    home: str                                   # the served gemeente the family is drawn in
    kinderen: list[Persoon] = field(default_factory=list)
    ouders: list[Persoon] = field(default_factory=list)
    woningen: list[Woning] = field(default_factory=list)  # the household's address history, in order
    # Persons (parents, adult children) who live elsewhere, with their own history.
    eigen_woningen: dict[int, list[Woning]] = field(default_factory=dict)
    zonder_brp: bool = False                    # a young person known to DUO only

    def move(self, woning: Woning) -> None:
        """The household moves on `woning.datum` (later moves than this one are dropped)."""
        self.woningen = [w for w in self.woningen if w.datum < woning.datum] + [woning]

    def woningen_van(self, person: Persoon) -> list[Woning]:
        return self.eigen_woningen.get(id(person), self.woningen)


def verblijven(woningen: list[Woning], born: date) -> list[Verblijf]:
    """A person's address periods from a household history, starting at birth (or arrival)."""
    current: Woning | None = None
    later: list[Woning] = []
    for woning in woningen:
        if woning.datum <= born:
            current = woning
        else:
            later.append(woning)
    periods: list[Verblijf] = []
    if current is not None:
        periods.append(Verblijf(current.gemeentecode, born, born, current.adres, current.land))
    for woning in later:
        previous = periods[-1] if periods else None
        if previous is not None and previous.gemeentecode == woning.gemeentecode:
            since = previous.datum_inschrijving
        else:
            since = woning.datum
        periods.append(Verblijf(woning.gemeentecode, since, woning.datum, woning.adres, woning.land))
    return periods
