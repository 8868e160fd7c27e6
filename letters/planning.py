"""Which letters one case turns into, and which are suppressed and why: addressing + suppression."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from letters.addressing import Geadresseerde, geadresseerden
from letters.persons import Persoon
from letters.suppression import adressee_redenen, redenen
from registers.codes import SuppressionReason


@dataclass(frozen=True)
class Onderdrukt:
    """A suppressed letter: for one addressee, or (geadresseerde None) for the whole case."""

    reden: SuppressionReason
    geadresseerde: Geadresseerde | None = None


@dataclass(frozen=True)
class Plan:
    brieven: tuple[Geadresseerde, ...]
    onderdrukt: tuple[Onderdrukt, ...]


def plan(jongere: Persoon, personen: Mapping[str, Persoon], op: date,
         gemeenten: Collection[str] = (), ook_jongere: bool = False) -> Plan:
    """The letters about `jongere` on date `op`: one per address, minus the suppressed ones.

    When a reason applies to the young person no letter goes out at all (one entry per reason);
    when it applies to an addressed parent only that letter is held.
    """
    about = redenen(jongere, gemeenten)
    if about:
        return Plan((), tuple(Onderdrukt(reden) for reden in about))
    brieven: list[Geadresseerde] = []
    onderdrukt: list[Onderdrukt] = []
    for geadresseerde in geadresseerden(jongere, personen, op, ook_jongere):
        held = adressee_redenen(geadresseerde.personen) if not geadresseerde.aan_jongere else []
        if held:
            onderdrukt.extend(Onderdrukt(reden, geadresseerde) for reden in held)
        else:
            brieven.append(geadresseerde)
    return Plan(tuple(brieven), tuple(onderdrukt))
