"""Who gets a letter and how it is addressed: names, salutation and the window-envelope block.

The rules follow the BRP's own *adressering* (Haal Centraal BRP Personen: aanschrijfwijze, aanhef
and NEN 5825 adresregels; BRP-API/Haal-Centraal-BRP-bevragen `features/adressering/…`):

- initials from the voornamen (`S.M.`); the voorvoegsel stays lower case after initials
  (`mevrouw S.M. van der Berg`) and gets a capital when it opens the name (`Geachte mevrouw
  Van der Berg`); with geslacht onbekend the initials stay (`Geachte S.M. van der Berg`);
- adresregel 1: street, number, then huisletter after a space, a toevoeging after a space when it
  starts with a letter and after a hyphen when it starts with a digit (`Kerkstraat 9-2`,
  `Borgesiusstraat 103 c`, `Cronus 555 B73c`);
- adresregel 2: `1017 GC` + two spaces + WOONPLAATS in capitals (PostNL).

Addressees (Leerplichtwet 1969 art. 1b and 2): a minor's letters go to the parents with gezag
(or all parents in the BRP when gezag is not known), one letter per address, both names when two
live at one address; when none of them lives with the young person, or gezag lies with a third
party, the young person's own address also gets a letter "aan de ouder(s)/verzorger(s) van …"
(the feitelijke verzorger of art. 2). From 18 the young person is addressed (art. 1b; after 18 the
Leerplichtwet no longer applies and the Doorstroompunt writes under the WEB: titel 8.3, since 2026
9.2). At 16 and 17, the kwalificatieplicht age, letters about the young person's own obligation
(`ook_jongere`) also go to the young person: they are themselves bound to attend (art. 2 lid 3,
art. 4c) and the leerplichtambtenaar hears them (art. 22 lid 3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from letters.persons import Adres, Persoon
from rules.dates import anniversary

MEERDERJARIG = 18
KWALIFICATIEPLICHT_LEEFTIJD = 16  # from here the young person gets their own letter (`ook_jongere`)
NAME_LINE_WIDTH = 45  # characters that fit the envelope window at 10 pt; longer pairs get two lines
NEN_STRAAT = 24  # NEN 5825: the longest street name written in full
OUDERS_VERZORGERS = "ouder(s)/verzorger(s)"


# -- names -----------------------------------------------------------------------------------------

def voorletters(voornamen: str) -> str:
    """`Sanne Maria` → `S.M.`; `Jan-Willem` → `J.W.`."""
    parts = [part for part in re.split(r"[\s\-]+", voornamen.strip()) if part]
    return "".join(f"{part[0].upper()}." for part in parts)


def _initials(persoon: Persoon) -> str:
    return persoon.voorletters.strip() or voorletters(persoon.voornamen)


def achternaam(persoon: Persoon, capital: bool = False) -> str:
    """Voorvoegsel and geslachtsnaam; `capital` when it opens the name (`Van der Berg`)."""
    prefix = persoon.voorvoegsel.strip()
    if prefix and capital:
        prefix = prefix[0].upper() + prefix[1:]
    return f"{prefix} {persoon.geslachtsnaam.strip()}".strip()


def roepnaam(persoon: Persoon) -> str:
    """The first voornaam (the BRP has no roepnaam); the initials or surname when there is none."""
    names = persoon.voornamen.split()
    return names[0] if names else (_initials(persoon) or achternaam(persoon, capital=True))


def volledige_naam(persoon: Persoon) -> str:
    """Voornamen and achternaam, as a letter names the young person: `Sanne Maria de Vries`."""
    return f"{persoon.voornamen.strip()} {achternaam(persoon)}".strip()


def korte_naam(persoon: Persoon) -> str:
    """First voornaam and achternaam: `Sanne de Vries`."""
    first = persoon.voornamen.split()[0] if persoon.voornamen.split() else ""
    return f"{first} {achternaam(persoon)}".strip()


def _titel(persoon: Persoon) -> str:
    return {"M": "de heer", "V": "mevrouw"}.get(persoon.geslacht.upper(), "")


def aanschrijfnaam(persoon: Persoon) -> str:
    """`de heer J. de Vries`, `mevrouw S.M. van der Berg`, or `R.M. van Puffelen` (geslacht O)."""
    name = f"{_initials(persoon)} {achternaam(persoon)}".strip()
    titel = _titel(persoon)
    return f"{titel} {name}" if titel else name


def _aanspreek(persoon: Persoon) -> str:
    titel = {"M": "heer", "V": "mevrouw"}.get(persoon.geslacht.upper())
    if titel:
        return f"{titel} {achternaam(persoon, capital=True)}"
    return f"{_initials(persoon)} {achternaam(persoon)}".strip()


def aanhef(personen: tuple[Persoon, ...] | list[Persoon]) -> str:
    """`Geachte heer De Vries`, `Geachte heer De Vries en mevrouw Van der Berg`, or, without
    known persons, `Geachte ouder(s)/verzorger(s)` (no comma: the template adds it)."""
    if not personen:
        return f"Geachte {OUDERS_VERZORGERS}"
    return "Geachte " + " en ".join(_aanspreek(persoon) for persoon in personen)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def naamregels(personen: tuple[Persoon, ...] | list[Persoon], namens: Persoon | None = None
               ) -> tuple[str, ...]:
    """The name line(s) of the address block: one name, two names on one line when they fit,
    else one per line; with nobody known, `Aan de ouder(s)/verzorger(s) van` + the young person."""
    if not personen:
        if namens is None:
            raise ValueError("an address block needs a person or the young person it is about")
        return (f"Aan de {OUDERS_VERZORGERS} van", korte_naam(namens))
    names = [aanschrijfnaam(persoon) for persoon in personen]
    joined = _capitalise(" en ".join(names))
    if len(names) == 1 or len(joined) <= NAME_LINE_WIDTH:
        return (joined,)
    return (_capitalise(names[0]), *(f"en {name}" for name in names[1:]))


# -- address lines (NEN 5825) ----------------------------------------------------------------------

def huisnummer_aanduiding(adres: Adres) -> str:
    number = "" if adres.huisnummer is None else str(adres.huisnummer)
    letter, toevoeging = adres.huisletter.strip(), adres.toevoeging.strip()
    if letter:
        return f"{number} {letter}{toevoeging}"
    if toevoeging:
        return f"{number}-{toevoeging}" if toevoeging[0].isdigit() else f"{number} {toevoeging}"
    return number


def postcode(value: str) -> str:
    """`1017gc` → `1017 GC`."""
    compact = value.replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else compact


def adresregel1(adres: Adres) -> str:
    street = adres.straat.strip()
    if len(street) > NEN_STRAAT and adres.korte_straat.strip() or not street:
        street = adres.korte_straat.strip()
    return f"{street} {huisnummer_aanduiding(adres)}".strip()


def adresregel2(adres: Adres) -> str:
    return f"{postcode(adres.postcode)}  {adres.woonplaats.strip().upper()}".strip()


# -- addressees ------------------------------------------------------------------------------------

def leeftijd(geboortedatum: date, op: date) -> int:
    """Age in whole years on `op`, with the BRP's birthday rule for 29 February."""
    years = op.year - geboortedatum.year
    return years if anniversary(geboortedatum, years) <= op else years - 1


@dataclass(frozen=True)
class Geadresseerde:
    """One letter's addressee(s) at one address."""

    personen: tuple[Persoon, ...]  # empty: "aan de ouder(s)/verzorger(s) van" the young person
    adres: Adres
    naamregels: tuple[str, ...]
    aanhef: str
    aan_jongere: bool  # the young person is the addressee (from 18; at 16–17 their own letter)
    rol: str  # who, relative to the young person: jongere, ouder1, ouder2, ouder1+ouder2, verzorgers

    @property
    def adresregels(self) -> tuple[str, ...]:
        """The whole window-envelope block, name line(s) first."""
        return (*self.naamregels, adresregel1(self.adres), adresregel2(self.adres))


def _rol(jongere: Persoon, group: list[Persoon]) -> str:
    """A stable name for the addressees that holds no BSN: their place among the BRP parents."""
    names = []
    for persoon in group:
        if persoon.persoonsnummer in jongere.ouders:
            names.append(f"ouder{jongere.ouders.index(persoon.persoonsnummer) + 1}")
        else:
            names.append("gezaghouder")
    return "+".join(sorted(names))


def bereikbaar(persoon: Persoon) -> bool:
    """A parent who can be written to at a Dutch address: alive, not opgeschort, not in the RNI."""
    return (persoon.overlijdensdatum is None and not persoon.opschorting_reden
            and persoon.gemeentecode != "1999" and persoon.adres is not None and persoon.adres.compleet)


def _gezagsdragers(jongere: Persoon, personen: Mapping[str, Persoon]) -> list[Persoon]:
    """Parents with gezag; all parents when the BRP says nothing; none when only a third party has it."""
    if jongere.gezag:
        numbers = jongere.gezag
    elif jongere.gezag_derde:
        numbers = ()
    else:
        numbers = jongere.ouders
    found = [personen[number] for number in numbers if number in personen]
    return [persoon for persoon in found if bereikbaar(persoon)]


def geadresseerden(jongere: Persoon, personen: Mapping[str, Persoon], op: date,
                   ook_jongere: bool = False) -> list[Geadresseerde]:
    """The letters one letter-worthy fact about `jongere` turns into, one per address.

    `personen` maps persoonsnummers to the BRP persons available (the parents). With `ook_jongere`
    a young person of 16 or 17 gets a letter of their own besides the parents' (rol `jongere`). Raises
    ValueError when the young person's birth date is unknown (such persons never get a letter on
    a guess) or when there is no address to write to.
    """
    if jongere.geboortedatum is None:
        raise ValueError("geboortedatum unknown: the addressee cannot be determined")
    if jongere.adres is None or not jongere.adres.compleet:
        raise ValueError("the young person has no complete address")
    zelf = Geadresseerde((jongere,), jongere.adres, naamregels([jongere]), aanhef([jongere]), True, "jongere")
    age = leeftijd(jongere.geboortedatum, op)
    if age >= MEERDERJARIG:
        return [zelf]
    by_address: dict[tuple, tuple[Adres, list[Persoon]]] = {}
    for ouder in _gezagsdragers(jongere, personen):
        if ouder.adres is not None:
            by_address.setdefault(ouder.adres.sleutel, (ouder.adres, []))[1].append(ouder)
    letters = [Geadresseerde(tuple(group), adres, naamregels(group), aanhef(group), False,
                             _rol(jongere, group))
               for adres, group in by_address.values()]
    if jongere.adres.sleutel not in by_address:
        letters.append(Geadresseerde((), jongere.adres, naamregels([], namens=jongere), aanhef([]), False,
                                     "verzorgers"))
    if ook_jongere and age >= KWALIFICATIEPLICHT_LEEFTIJD:
        letters.append(zelf)
    return letters
