"""The fields a template is filled with, built from BRP persons, the case and the office.

One function builds the context for every kind of letter, so every template sees the same field
names (documented in `letters/README.md`); fields that do not apply to a kind are None, and the
renderer's StrictUndefined turns a misspelt field in an edited template into an error instead of
an empty spot in a printed letter. Dates are written the Dutch way by `rules.dates.format_nl`.
No persoonsnummer (BSN) ever enters a context.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from inbeeld.settings import Afzender, Kantoor
from letters.addressing import MEERDERJARIG, Geadresseerde, korte_naam, leeftijd, roepnaam, volledige_naam
from letters.persons import Persoon
from registers.codes import LetterKind
from rules.dates import format_nl
from rules.parameters import value
from rules.vrijstellingen import kennisgeving_uiterlijk


@dataclass(frozen=True)
class Melding:
    """The verzuimmelding an invitation or a warning is about (no persoonsnummer)."""

    school: str
    datum: date
    soort: str  # DUO code: 16U_4W, LRV, LUXE, RMC, OVERIG


@dataclass(frozen=True)
class Gesprek:
    datum: date
    tijd: str  # "10:30 uur"
    locatie: str


@dataclass(frozen=True)
class VrijstellingInfo:
    grond: str  # docs/spec.md §4.4 code: LPW_5_A, LPW_5_B, LPW_5_C
    schooljaar: str  # the school year the renewal is for: "2027-2028"


VERZUIM_OMSCHRIJVING = {
    "16U_4W": "16 uur of meer ongeoorloofd verzuim in 4 lesweken",
    "LRV": "langdurig verzuim",
    "LUXE": "verzuim zonder toestemming rond een vakantie",
    "RMC": "verzuim van een jongere zonder startkwalificatie",
    "OVERIG": "zorgelijk verzuim",
}

# Grounds whose beroep op vrijstelling must be renewed every year before 1 July (art. 6, lid 2 en 3).
VRIJSTELLING_TEKST: dict[str, tuple[str, str, str]] = {
    "LPW_5_A": ("lichamelijke of psychische ongeschiktheid voor het onderwijs", "artikel 5, onder a",
                "een verklaring van een door het college aangewezen arts, psycholoog of pedagoog, niet "
                "ouder dan drie maanden (artikel 7)"),
    "LPW_5_B": ("overwegende bedenkingen tegen de richting van het onderwijs op alle scholen binnen "
                "redelijke afstand", "artikel 5, onder b",
                "een verklaring van uw bedenkingen tegen de richting van het onderwijs (artikel 8)"),
    "LPW_5_C": ("inschrijving op een school in het buitenland", "artikel 5, onder c",
                "een verklaring van het hoofd van de school in het buitenland dat uw kind daar staat "
                "ingeschreven en de school geregeld bezoekt (artikel 9)"),
}


def wet(datum: date) -> dict[str, str]:
    """The WEB citations of a Doorstroompunt letter as the law stood on the letter's date: the dated
    values of rules/law/wet/web.toml (titel 8.3 and art. 8.3.2 before 2026, titel 9.2 and art. 9.2.5
    from 1 January 2026; docs/law.md), so a letter dated in 2025 keeps the old numbering."""
    return {"doorstroompunt": str(value("web_doorstroompunt", datum)),
            "doorstroompunt_taken": str(value("web_doorstroompunt_taken", datum)),
            "melding_verzuim": str(value("web_melding_verzuim", datum))}


def _jongere(persoon: Persoon, op: date, plicht: str | None) -> dict[str, Any]:
    if persoon.geboortedatum is None:
        raise ValueError("no letter about a person whose geboortedatum is unknown")
    return {
        "naam": volledige_naam(persoon),
        "korte_naam": korte_naam(persoon),
        "voornaam": roepnaam(persoon),
        "geboortedatum": format_nl(persoon.geboortedatum),
        "leeftijd": leeftijd(persoon.geboortedatum, op),
        "plicht": plicht,
    }


def build_context(
    soort: LetterKind,
    *,
    kantoor: Kantoor,
    afzender: Afzender,
    geadresseerde: Geadresseerde,
    jongere: Persoon,
    datum: date,
    kenmerk: str,
    antwoord_voor: date | None = None,
    eerdere_brief: date | None = None,
    plicht: str | None = None,
    vsv: bool = False,
    melding: Melding | None = None,
    gesprek: Gesprek | None = None,
    vrijstelling: VrijstellingInfo | None = None,
    leerplicht_start: date | None = None,
) -> dict[str, Any]:
    """Every field of every template, for one letter of kind `soort`.

    `eerdere_brief` (the date of the first letter) makes this letter a reminder. Raises
    ValueError when a field the kind needs is missing.
    """
    needed = {
        LetterKind.ABSOLUUT_VERZUIM: {"plicht": plicht},
        LetterKind.UITNODIGING_VERZUIMGESPREK: {"melding": melding, "gesprek": gesprek},
        LetterKind.WAARSCHUWING_VERZUIM: {"melding": melding, "plicht": plicht},
        LetterKind.HERINNERING_VRIJSTELLING: {"vrijstelling": vrijstelling},
        LetterKind.INFORMATIE_LEERPLICHT: {"leerplicht_start": leerplicht_start},
    }.get(soort, {})
    missing = [name for name, value in needed.items() if value is None]
    if missing:
        raise ValueError(f"{soort}: missing {', '.join(missing)}")
    antwoord = antwoord_voor or datum + soort.antwoordtermijn
    gemeente = asdict(kantoor)
    gemeente["naam"] = gemeente.pop("gemeente")
    vrijstelling_velden = None
    if vrijstelling is not None:
        if vrijstelling.grond not in VRIJSTELLING_TEKST:
            raise ValueError(f"no renewal letter for vrijstelling ground {vrijstelling.grond}")
        omschrijving, artikel, bewijs = VRIJSTELLING_TEKST[vrijstelling.grond]
        vrijstelling_velden = {"grond": vrijstelling.grond, "omschrijving": omschrijving, "artikel": artikel,
                               "bewijs": bewijs, "schooljaar": vrijstelling.schooljaar}
    uiterlijk = kennisgeving_uiterlijk(leerplicht_start) if leerplicht_start else None
    return {
        "soort": soort.value,
        "gemeente": gemeente,
        "afzender": asdict(afzender),
        "datum": format_nl(datum),
        "kenmerk": kenmerk,
        "adresregels": list(geadresseerde.adresregels),
        "aanhef": geadresseerde.aanhef,
        "aan_jongere": geadresseerde.aan_jongere,
        # 18 or older on the letter date: no Leerplichtwet any more, the Doorstroompunt (WEB, `wet`)
        "meerderjarig": (jongere.geboortedatum is not None
                         and leeftijd(jongere.geboortedatum, datum) >= MEERDERJARIG),
        "antwoord_voor": format_nl(antwoord),
        "herinnering": eerdere_brief is not None,
        "eerdere_brief_datum": format_nl(eerdere_brief) if eerdere_brief else None,
        "jongere": _jongere(jongere, datum, plicht),
        "vsv": vsv,
        "rmc_leeftijd": int(value("rmc_leeftijd", datum)),  # the law of the letter's date (27 since 2026)
        "wet": wet(datum),
        "melding": None if melding is None else {
            "school": melding.school, "datum": format_nl(melding.datum), "soort": melding.soort,
            "omschrijving": VERZUIM_OMSCHRIJVING.get(melding.soort, VERZUIM_OMSCHRIJVING["OVERIG"])},
        "gesprek": None if gesprek is None else {
            "datum": format_nl(gesprek.datum), "tijd": gesprek.tijd, "locatie": gesprek.locatie},
        "vrijstelling": vrijstelling_velden,
        "leerplicht_start": format_nl(leerplicht_start) if leerplicht_start else None,
        "vrijstelling_uiterlijk": format_nl(uiterlijk) if uiterlijk else None,
        "vrijstelling_termijn_voorbij": uiterlijk is not None and datum > uiterlijk,
    }
