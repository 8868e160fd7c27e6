"""Grounds for vrijstelling and vervangende leerplicht (docs/spec.md §4.4): enumerated, never free text.

Note the trap: in practice "5a" usually means art. 5 *onder a* (physically or psychologically unfit,
code LPW_5_A), while *artikel 5a* is trekkend bestaan (code LPW_5A). The minister corrected exactly
this mix-up in the answers to Kamervragen 2018Z14874 (docs/law.md). Art. 4b is the
kwalificatieplicht's start and end, not trekkend bestaan. Use the codes, never "5a".

`telt_tegen` says which obligation a vrijstelling that is valid on the peildatum covers; whether the
vrijstelling itself is valid (statement at most 3 months old, renewed before 1 July, age 14 for
art. 3a, ...) is for the register that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from rules.dates import add_months, schooljaar_einde
from rules.parameters import value
from rules.status import LPW, StatusCode, bepaal_status

LP = StatusCode.LEERPLICHTIG
KP = StatusCode.KWALIFICATIEPLICHTIG


@dataclass(frozen=True)
class _Grond:
    artikel: str
    omschrijving: str
    dekt: frozenset[StatusCode]
    toelichting: str


class Vrijstellingsgrond(StrEnum):
    """The legal ground of a vrijstelling, by its InBeeld code (as in the vrijstellingen CSV)."""

    LPW_5_A = "LPW_5_A"
    LPW_5_B = "LPW_5_B"
    LPW_5_C = "LPW_5_C"
    LPW_5A = "LPW_5A"
    LPW_3A = "LPW_3A"
    LPW_3B = "LPW_3B"
    LPW_15 = "LPW_15"

    @classmethod
    def from_code(cls, code: str) -> Vrijstellingsgrond:
        """The ground for a code from a file or the command line; a clear error for anything else."""
        try:
            return cls(code.strip().upper())
        except ValueError:
            known = ", ".join(g.value for g in cls)
            raise ValueError(f"unknown vrijstellingsgrond {code!r}; use one of {known}") from None

    @property
    def artikel(self) -> str:
        return _GRONDEN[self].artikel

    @property
    def omschrijving(self) -> str:
        return _GRONDEN[self].omschrijving

    @property
    def toelichting(self) -> str:
        return _GRONDEN[self].toelichting

    @property
    def dekt(self) -> frozenset[StatusCode]:
        """The obligations this ground can cover (before the season rule of art. 5a)."""
        return _GRONDEN[self].dekt


_GRONDEN: dict[Vrijstellingsgrond, _Grond] = {
    Vrijstellingsgrond.LPW_5_A: _Grond(
        f"{LPW} art. 5 onder a",
        "lichamelijk of psychisch niet geschikt om tot een school of instelling te worden toegelaten",
        frozenset({LP, KP}),
        "Verklaring van een door B&W aangewezen arts, pedagoog of psycholoog, niet ouder dan 3 maanden "
        "(art. 7); elk jaar voor 1 juli opnieuw, tenzij nooit geschikt (art. 6 lid 3).",
    ),
    Vrijstellingsgrond.LPW_5_B: _Grond(
        f"{LPW} art. 5 onder b",
        "overwegende bedenkingen tegen de richting van alle scholen binnen redelijke afstand",
        frozenset({LP, KP}),
        "Ongeldig als de jongere het jaar ervoor op een school van die richting stond ingeschreven (art. 8).",
    ),
    Vrijstellingsgrond.LPW_5_C: _Grond(
        f"{LPW} art. 5 onder c",
        "ingeschreven bij en geregeld bezoek van een school buiten Nederland",
        frozenset({LP, KP}),
        "Verklaring van het hoofd van de buitenlandse school (art. 9).",
    ),
    Vrijstellingsgrond.LPW_5A: _Grond(
        f"{LPW} art. 5a",
        "trekkend bestaan (kermis, circus) waarbij de jongere de ouders vergezelt",
        frozenset({LP}),
        "Alleen maart tot en met oktober, als kermisexploitant of circusmedewerker, niet als een rijdende "
        "school binnen 5 km bereikbaar is (Besluit vrijstelling leerplicht trekkende bevolking, "
        "BWBR0003830). Art. 5a spreekt alleen van inschrijving op een school: leerplicht.",
    ),
    Vrijstellingsgrond.LPW_3A: _Grond(
        f"{LPW} art. 3a",
        "vervangende leerplicht vanaf 14 jaar (programma met praktijktijd)",
        frozenset({LP}),
        "Per schooljaar toegestaan door B&W; de jongere is 14 of ouder.",
    ),
    Vrijstellingsgrond.LPW_3B: _Grond(
        f"{LPW} art. 3b",
        "vervangende leerplicht in het laatste schooljaar, ingeschreven bij een mbo-instelling",
        frozenset({LP}),
        "Vervangt de inschrijving op een school in het laatste leerplichtige schooljaar.",
    ),
    Vrijstellingsgrond.LPW_15: _Grond(
        f"{LPW} art. 15",
        "vrijstelling van de kwalificatieplicht: voldoende ander onderwijs",
        frozenset({KP}),
        "Alleen tegen de kwalificatieplicht (docs/spec.md §4.2).",
    ),
}

TREKKEND_SEIZOEN = range(3, 11)  # March up to and including October (BWBR0003830)


def telt_tegen(grond: Vrijstellingsgrond | str, status: StatusCode | str, peildatum: date) -> bool:
    """Whether a vrijstelling on `grond`, valid on `peildatum`, covers the obligation of `status`.

    Art. 5 (a, b, c) covers leerplicht and kwalificatieplicht ("school onderscheidenlijk een
    instelling"); art. 5a, 3a and 3b only leerplicht, art. 5a only from March to October; art. 15 only
    kwalificatieplicht. RMC doelgroep and the other statuses are no obligation: nothing to cover.
    Beware the trap: LPW_5_A is art. 5 onder a, LPW_5A is artikel 5a (trekkend bestaan).
    """
    grond = Vrijstellingsgrond.from_code(grond) if isinstance(grond, str) else grond
    status = StatusCode(status)
    if status not in grond.dekt:
        return False
    return not (grond == Vrijstellingsgrond.LPW_5A and peildatum.month not in TREKKEND_SEIZOEN)


def kennisgeving_uiterlijk(leerplicht_start: date) -> date:
    """The last day to give notice of a beroep op vrijstelling for a child who becomes leerplichtig
    on `leerplicht_start`: one month before (Leerplichtwet 1969 art. 6 lid 2 onder a)."""
    return add_months(leerplicht_start, -1)


def verlenging_telt(grond: Vrijstellingsgrond | str, geboortedatum: date, verlengen_voor: date) -> bool:
    """Whether a yearly renewal due before `verlengen_voor` (1 July, art. 6 lid 2 onder b) still
    matters: the renewal is for the school year that starts after that date, so it matters only when
    on that school year's first day the young person still has an obligation the vrijstelling
    covers (leerplicht or kwalificatieplicht; `telt_tegen`). An 18-year-old, or a 17-year-old who
    turns 18 before that first day, needs no renewal and gets no reminder."""
    start = schooljaar_einde(verlengen_voor, value("schooljaar_start", verlengen_voor)) + timedelta(days=1)
    return telt_tegen(grond, bepaal_status(geboortedatum, start).status, start)
