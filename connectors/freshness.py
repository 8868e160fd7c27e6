"""How old the staged deliveries are: so nothing computes on old data without saying so.

Two questions, both answered from the `imports` table of staging:
- for a peildatum, is the newest delivery of each kind used more than `max_days` older than it?
  (`stale_for`; `stale_warning` is the one message every command and flow computing for a peildatum
  gives, in Dutch: signals on 6 December from deliveries of 28 September say so, or refuse with
  --strict);
- has a new delivery of each kind arrived in the last weeks? (`not_arrived_since`: the weekly
  flow fails loudly when the BRP or DUO supplier has gone quiet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rules.dates import format_nl

#: The delivery kinds a computation uses, by the name a person knows them by.
SOURCES: dict[str, tuple[str, ...]] = {"BRP": ("brp",), "DUO": ("duo_c", "duo_p")}


class StaleDeliveries(Exception):
    """A computation refused (`--strict`) because a delivery it uses is too old for the peildatum."""


@dataclass(frozen=True)
class Stale:
    source: str
    newest: date | None  # None: never delivered
    days: int | None

    def describe(self, peildatum: date) -> str:
        """In Dutch, as the warning says it: 'de nieuwste BRP-levering is van 28 september 2026, …'."""
        if self.newest is None:
            return f"er is geen {self.source}-levering ingelezen"
        return (f"de nieuwste {self.source}-levering is van {format_nl(self.newest)}, {self.days} dagen "
                f"voor de peildatum {format_nl(peildatum)}")


def newest_deliveries(con: Any, sources: dict[str, tuple[str, ...]] = SOURCES,
                      arrived: bool = False) -> dict[str, date | None]:
    """Per source the date of its newest loaded delivery (its own date, or when it arrived)."""
    column = "CAST(started_at AS DATE)" if arrived else "coalesce(peildatum, CAST(started_at AS DATE))"
    found: dict[str, date | None] = {}
    for source, kinds in sources.items():
        marks = ", ".join("?" for _ in kinds)
        row = con.execute(f"SELECT max({column}) FROM imports WHERE status = 'loaded' AND kind IN ({marks})",
                          list(kinds)).fetchone()
        found[source] = row[0] if row else None
    return found


def stale_for(con: Any, peildatum: date, max_days: int,
              sources: dict[str, tuple[str, ...]] = SOURCES) -> list[Stale]:
    """The sources whose newest delivery is more than `max_days` before `peildatum` (or missing)."""
    result = []
    for source, newest in newest_deliveries(con, sources).items():
        if newest is None:
            result.append(Stale(source, None, None))
        elif (peildatum - newest).days > max_days:
            result.append(Stale(source, newest, (peildatum - newest).days))
    return result


def not_arrived_since(con: Any, today: date, weeks: int,
                      sources: dict[str, tuple[str, ...]] = SOURCES) -> list[Stale]:
    """The sources delivered before but with no new delivery arriving in the last `weeks` weeks."""
    limit = today - timedelta(weeks=weeks)
    return [Stale(source, newest, (today - newest).days)
            for source, newest in newest_deliveries(con, sources, arrived=True).items()
            if newest is not None and newest < limit]


def stale_warning(con: Any, peildatum: date, max_days: int, *, strict: bool = False,
                  what: str = "de cijfers", sources: dict[str, tuple[str, ...]] = SOURCES) -> str | None:
    """The warning for a computation on `peildatum` over staging `con` (None: the deliveries are fresh,
    or there is no staging); `strict` raises StaleDeliveries with it instead. `what` names, in Dutch
    and in the plural, what rests on the old data ("de signalen", "de werklijsten")."""
    if con is None:
        return None
    stale = stale_for(con, peildatum, max_days, sources)
    if not stale:
        return None
    problem = "; ".join(s.describe(peildatum) for s in stale)
    if strict:
        raise StaleDeliveries(f"de leveringen zijn te oud: {problem} (--strict: {what} zijn niet gemaakt)")
    return f"Waarschuwing: {problem}; {what} berusten op oude gegevens."
