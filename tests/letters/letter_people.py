"""Synthetic BRP persons and complete letter contexts shared by the letter tests (no real data)."""

from __future__ import annotations

from datetime import date

from letters.context import Afzender, Gesprek, Kantoor, Melding, VrijstellingInfo, build_context
from letters.kinds import Soort
from letters.persons import Adres, Persoon

# Synthetic BSNs that pass the elfproef; none of them is a real person.
KIND_BSN, VADER_BSN, MOEDER_BSN = "999993653", "999990639", "999991425"
PEILDATUM = date(2026, 9, 7)

KERKSTRAAT = Adres(straat="Kerkstraat", huisnummer=12, huisletter="A", toevoeging="2", postcode="1017GC",
                   woonplaats="Amsterdam")
DORPSWEG = Adres(straat="Dorpsweg", huisnummer=3, postcode="1234 ab", woonplaats="Voorbeeldstad")


def kind(**changes) -> Persoon:
    base = dict(persoonsnummer=KIND_BSN, voornamen="Sanne Maria", voorvoegsel="de", geslachtsnaam="Vries",
                geslacht="V", geboortedatum=date(2015, 9, 2), adres=KERKSTRAAT, gemeentecode="0363",
                ouders=(VADER_BSN, MOEDER_BSN))
    base.update(changes)
    return Persoon(**base)


def vader(**changes) -> Persoon:
    base = dict(persoonsnummer=VADER_BSN, voornamen="Johannes", voorvoegsel="de", geslachtsnaam="Vries",
                geslacht="M", geboortedatum=date(1984, 2, 11), adres=KERKSTRAAT, gemeentecode="0363")
    base.update(changes)
    return Persoon(**base)


def moeder(**changes) -> Persoon:
    base = dict(persoonsnummer=MOEDER_BSN, voornamen="Sophie Marleen", voorvoegsel="van der",
                geslachtsnaam="Berg", geslacht="V", geboortedatum=date(1986, 5, 30), adres=KERKSTRAAT,
                gemeentecode="0363")
    base.update(changes)
    return Persoon(**base)


def ouders(*persons: Persoon) -> dict[str, Persoon]:
    return {person.persoonsnummer: person for person in persons}


KANTOOR = Kantoor(gemeente="Amsterdam", afdeling="Leerplicht & RMC")
AFZENDER = Afzender(naam="A. Jansen", functie="leerplichtambtenaar", telefoon="020 123 4567",
                    email="leerplicht@voorbeeldstad.nl")

SPECIFICS = {
    Soort.ABSOLUUT_VERZUIM: dict(plicht="leerplichtig"),
    Soort.RMC_18_23: dict(vsv=True),
    Soort.UITNODIGING_VERZUIMGESPREK: dict(
        melding=Melding(school="Het Baken", datum=date(2026, 9, 1), soort="16U_4W"),
        gesprek=Gesprek(datum=date(2026, 9, 21), tijd="10:00 uur", locatie="Stadhuis")),
    Soort.HERINNERING_VRIJSTELLING: dict(
        vrijstelling=VrijstellingInfo(grond="LPW_5_A", schooljaar="2027-2028"),
        antwoord_voor=date(2027, 7, 1)),
    Soort.INFORMATIE_LEERPLICHT: dict(leerplicht_start=date(2026, 10, 1)),
}


def context_for(soort: Soort, jongere: Persoon | None = None, personen: dict | None = None, **extra) -> dict:
    """A full context for `soort`, addressed by the real addressing code to the first addressee."""
    from letters.addressing import geadresseerden

    jongere = jongere or kind()
    personen = ouders(vader(), moeder()) if personen is None else personen
    geadresseerde = geadresseerden(jongere, personen, PEILDATUM)[0]
    arguments = dict(kantoor=KANTOOR, afzender=AFZENDER, geadresseerde=geadresseerde, jongere=jongere,
                     datum=PEILDATUM, kenmerk="LP-000042-01")
    arguments.update(SPECIFICS[soort])
    arguments.update(extra)
    return build_context(soort, **arguments)
