"""Grounds for vrijstelling and vervangende leerplicht (docs/spec.md §4.4): enumerated, never free text.

Note the trap: in practice "5a" usually means art. 5 *onder a* (physically or psychologically unfit,
code LPW_5_A), while *artikel 5a* is trekkend bestaan (code LPW_5A). The minister corrected exactly
this mix-up in the answers to Kamervragen 2018Z14874 (docs/law.md). Art. 4b is the
kwalificatieplicht's start and end, not trekkend bestaan. Use the codes, never "5a".

`past` says whether the law allows a ground for a person on a day (the begindatum): the obligation
the ground frees from must be the person's on that day, art. 3a asks for 14 years of age and art. 3b
for the last leerplichtige school year (`GRONDEN_TABEL` for a jurist, docs/law.md). `telt_tegen` says
which obligation a vrijstelling that is valid on the peildatum covers. What else makes a vrijstelling
valid (statement at most 3 months old, renewed before 1 July, the season of art. 5a, ...) is for the
register that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from rules.dates import PartialDate, add_months, anniversary, format_nl, schooljaar_einde
from rules.parameters import Parameters, active, value
from rules.status import LPW, Status, StatusCode, bepaal_status, bepaal_status_onzeker

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
        "Per schooljaar toegestaan door B&W; de jongere heeft de leeftijd van 14 jaar bereikt (lid 1).",
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


# -- which ground the law allows for whom ----------------------------------------------------------------

#: Art. 3a lid 1: "een jongere die tenminste de leeftijd van 14 jaar heeft bereikt" (a dated parameter).
VERVANGENDE_LEERPLICHT_LEEFTIJD = "vervangende_leerplicht_leeftijd"

_PLICHT = {LP: "leerplichtig", KP: "kwalificatieplichtig"}

#: The fit rule per ground in words, for docs/law.md and a jurist reading the tests.
GRONDEN_TABEL: dict[Vrijstellingsgrond, str] = {
    Vrijstellingsgrond.LPW_5_A: "leerplichtig of kwalificatieplichtig (art. 5: 'school onderscheidenlijk "
                                "een instelling'; art. 15 lid 1 'in andere gevallen dan genoemd in "
                                "artikel 5')",
    Vrijstellingsgrond.LPW_5_B: "leerplichtig of kwalificatieplichtig (art. 5)",
    Vrijstellingsgrond.LPW_5_C: "leerplichtig of kwalificatieplichtig (art. 5)",
    Vrijstellingsgrond.LPW_5A: "leerplichtig (art. 5a: 'als leerling van een school')",
    Vrijstellingsgrond.LPW_3A: "leerplichtig en ten minste 14 jaar (art. 3a lid 1: 'tenminste de leeftijd "
                               "van 14 jaar heeft bereikt')",
    Vrijstellingsgrond.LPW_3B: "leerplichtig, in het laatste leerplichtige schooljaar (art. 3b lid 1: 'het "
                               "laatste schooljaar, bedoeld in artikel 3, eerste lid, onder a of b')",
    Vrijstellingsgrond.LPW_15: "kwalificatieplichtig (art. 15 lid 1: 'de in artikel 4a opgelegde "
                               "verplichtingen')",
}


@dataclass(frozen=True)
class Toets:
    """Whether a ground fits a person on a day: `past` True, False, or None when a partly unknown birth
    date leaves both possible (then nobody may guess: the birth date must be checked first).
    `reden` says why not, in Dutch, with the article; empty when it fits."""

    grond: Vrijstellingsgrond
    op: date
    past: bool | None
    reden: str = ""


_STATUS_TEKST = {
    StatusCode.NIET_LEERPLICHTIG: "nog niet leerplichtig",
    StatusCode.LEERPLICHTIG: "leerplichtig",
    StatusCode.KWALIFICATIEPLICHTIG: "kwalificatieplichtig",
    StatusCode.RMC_DOELGROEP: "niet meer leer- of kwalificatieplichtig (RMC-doelgroep)",
    StatusCode.GEEN: "niet (meer) leer- of kwalificatieplichtig",
}


def _plicht_tekst(status: StatusCode) -> str:
    return _PLICHT.get(status, status.omschrijving)


def _reden_exact(grond: Vrijstellingsgrond, status: Status, op: date, parameters: Parameters) -> str:
    """Why `grond` does not fit a person with this exact status on `op`; empty when it fits."""
    naam = f"{grond.value} ({grond.artikel})"
    if status.status not in grond.dekt:
        nodig = " of ".join(_plicht_tekst(s) for s in (LP, KP) if s in grond.dekt)
        reden = (f"{naam} geldt alleen voor een jongere die {nodig} is; op {format_nl(op)} is de jongere "
                 f"{_STATUS_TEKST[status.status]}")
        if status.status == StatusCode.NIET_LEERPLICHTIG and status.leerplicht_start is not None:
            reden += f" (de leerplicht begint op {format_nl(status.leerplicht_start)})"
        return reden
    if grond == Vrijstellingsgrond.LPW_3A:
        leeftijd = int(parameters.value(VERVANGENDE_LEERPLICHT_LEEFTIJD, op))
        verjaardag = anniversary(status.geboortedatum, leeftijd)
        if verjaardag > op:
            return (f"{naam} vraagt een jongere die ten minste {leeftijd} jaar is (lid 1); de jongere wordt "
                    f"{leeftijd} op {format_nl(verjaardag)}")
    if grond == Vrijstellingsgrond.LPW_3B:
        laatste = status.leerplicht_einde
        if laatste is not None and schooljaar_einde(op, parameters.value("schooljaar_start", op)) != laatste:
            return (f"{naam} geldt alleen in het laatste leerplichtige schooljaar (lid 1), dat eindigt op "
                    f"{format_nl(laatste)}; {format_nl(op)} ligt daarvoor")
    return ""


def past(grond: Vrijstellingsgrond | str, geboortedatum: PartialDate | date | str, op: date,
         sk_datum: date | None = None, pro_vso_datum: date | None = None, *,
         parameters: Parameters | None = None) -> Toets:
    """Whether the law allows `grond` for a person born on `geboortedatum` on the day `op` (the begindatum).

    The ground must free the person from an obligation they have on `op` (`Vrijstellingsgrond.dekt`:
    art. 5 onder a/b/c leerplicht and kwalificatieplicht, art. 5a, 3a and 3b leerplicht, art. 15
    kwalificatieplicht); art. 3a also asks for 14 years of age, art. 3b the last leerplichtige school
    year. The last school year is that of art. 3 lid 1 onder b (the one in which the young person turns
    16): InBeeld holds no school history for onder a (12 full school years).

    A partly unknown birth date: the set of birth dates a ground fits is one unbroken stretch (each
    condition holds on one), so it fits every possible date when it fits the earliest and the latest;
    it fits none when no possible status is one the ground covers, or the age / school year is out of
    reach for every possible date; otherwise `past` is None. Leerplichtwet 1969 art. 3a, 3b, 5, 5a, 15.
    """
    grond = Vrijstellingsgrond.from_code(grond) if isinstance(grond, str) else grond
    params = parameters or active()
    if isinstance(geboortedatum, str):
        geboortedatum = PartialDate.parse(geboortedatum)
    elif isinstance(geboortedatum, date):
        geboortedatum = PartialDate.from_date(geboortedatum)
    bereik = bepaal_status_onzeker(geboortedatum, op, sk_datum, pro_vso_datum, parameters=params)
    vroegst = _reden_exact(grond, bereik.vroegst, op, params)
    laatst = _reden_exact(grond, bereik.laatst, op, params)
    if not vroegst and not laatst:
        return Toets(grond, op, True)
    if geboortedatum.exact is not None:
        return Toets(grond, op, False, vroegst)
    geen = not (bereik.mogelijke_statussen & grond.dekt)
    if grond == Vrijstellingsgrond.LPW_3A:
        leeftijd = int(params.value(VERVANGENDE_LEERPLICHT_LEEFTIJD, op))
        geen = geen or anniversary(geboortedatum.earliest, leeftijd) > op
    if grond == Vrijstellingsgrond.LPW_3B:
        einde = schooljaar_einde(op, params.value("schooljaar_start", op))
        eerste, laatste = bereik.vroegst.leerplicht_einde, bereik.laatst.leerplicht_einde
        geen = geen or (eerste is not None and laatste is not None and not eerste <= einde <= laatste)
    reden = vroegst or laatst
    if geen:
        return Toets(grond, op, False, reden)
    return Toets(grond, op, None,
                 f"de geboortedatum is niet volledig bekend ({geboortedatum.format_nl()}): niet vast te "
                 f"stellen of {grond.value} ({grond.artikel}) op {format_nl(op)} past; controleer eerst de "
                 "geboortedatum")
