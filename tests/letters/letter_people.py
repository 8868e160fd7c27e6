"""Synthetic BRP persons and complete letter contexts shared by the letter tests (no real data)."""

from __future__ import annotations

from datetime import date

from letters.context import Afzender, Gesprek, Kantoor, Melding, VrijstellingInfo, build_context
from letters.persons import Adres, Persoon
from registers.codes import LetterKind

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


KANTOOR = Kantoor(gemeente="Amsterdam", afdeling="Leerplicht & RMC", bezoekadres="Testplein 1, Amsterdam",
                  retouradres="Postbus 1, 0000 AA  AMSTERDAM",
                  antwoordadres="Antwoordnummer 1, 0000 AB  AMSTERDAM",
                  telefoon="000 000 0000", website="www.amsterdam.invalid",
                  privacy_url="www.amsterdam.invalid/privacy", regio="Testregio",
                  gesprekslocatie="Stadskantoor, Testplein 1")
AFZENDER = Afzender(naam="A. Jansen", functie="leerplichtambtenaar", telefoon="020 123 4567",
                    email="leerplicht@voorbeeldstad.nl")

SPECIFICS = {
    LetterKind.ABSOLUUT_VERZUIM: dict(plicht="leerplichtig"),
    LetterKind.DOORSTROOMPUNT: dict(vsv=True),
    LetterKind.UITNODIGING_VERZUIMGESPREK: dict(
        melding=Melding(school="Het Baken", datum=date(2026, 9, 1), soort="16U_4W"),
        gesprek=Gesprek(datum=date(2026, 9, 21), tijd="10:00 uur", locatie="Stadhuis")),
    LetterKind.HERINNERING_VRIJSTELLING: dict(
        vrijstelling=VrijstellingInfo(grond="LPW_5_A", schooljaar="2027-2028"),
        antwoord_voor=date(2027, 7, 1)),
    LetterKind.INFORMATIE_LEERPLICHT: dict(leerplicht_start=date(2026, 10, 1)),
    LetterKind.WAARSCHUWING_VERZUIM: dict(
        melding=Melding(school="Het Baken", datum=date(2026, 9, 1), soort="16U_4W"), plicht="leerplichtig"),
}


def context_for(soort: LetterKind, jongere: Persoon | None = None, personen: dict | None = None,
                **extra) -> dict:
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


# -- the same persons as an LO3-element CSV BRP delivery (docs/formats.md §1.2) ----------------------

LO3_COLUMNS = {
    "bsn": "01.01.20", "voornamen": "01.02.10", "voorvoegsel": "01.02.30", "geslachtsnaam": "01.02.40",
    "geboortedatum": "01.03.10", "geslacht": "01.04.10", "ouder1_bsn": "02.01.20", "ouder2_bsn": "03.01.20",
    "datum_overlijden": "06.08.10", "opschorting_reden": "07.67.20", "geheimhouding": "07.70.10",
    "gemeente": "08.09.10", "straat": "08.11.10", "huisnummer": "08.11.20", "huisletter": "08.11.30",
    "toevoeging": "08.11.40", "postcode": "08.11.60", "woonplaats": "08.11.70", "onderzoek": "08.83.10",
    "gezag": "11.32.10",
}


def lo3_row(persoon: Persoon, gezag: str = "", geboortedatum: str | None = None) -> dict[str, str]:
    adres = persoon.adres or Adres()
    return {
        "bsn": persoon.persoonsnummer, "voornamen": persoon.voornamen, "voorvoegsel": persoon.voorvoegsel,
        "geslachtsnaam": persoon.geslachtsnaam, "geslacht": persoon.geslacht,
        "geboortedatum": geboortedatum or (persoon.geboortedatum.strftime("%Y%m%d") if persoon.geboortedatum
                                           else "00000000"),
        "ouder1_bsn": persoon.ouders[0] if persoon.ouders else "",
        "ouder2_bsn": persoon.ouders[1] if len(persoon.ouders) > 1 else "",
        "datum_overlijden": persoon.overlijdensdatum.strftime("%Y%m%d") if persoon.overlijdensdatum else "",
        "opschorting_reden": persoon.opschorting_reden, "geheimhouding": str(persoon.geheimhouding),
        "gemeente": persoon.gemeentecode, "straat": adres.straat,
        "huisnummer": str(adres.huisnummer or ""), "huisletter": adres.huisletter,
        "toevoeging": adres.toevoeging,
        "postcode": adres.postcode.replace(" ", "").upper(), "woonplaats": adres.woonplaats,
        "onderzoek": "081100" if persoon.adres_in_onderzoek else "", "gezag": gezag,
    }


def write_lo3(path, rows: list[dict[str, str]]) -> None:
    """A BRP delivery in the LO3-element CSV format, one labelled row per persoonslijst."""
    fields = list(LO3_COLUMNS)
    lines = [";" + ";".join(LO3_COLUMNS[field] for field in fields)]
    for number, row in enumerate(rows, start=1):
        lines.append(f"Lg01_{number};" + ";".join(row.get(field, "") for field in fields))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_brp(staging_path, delivery_path, rows: list[dict[str, str]]) -> None:
    """Write and import a BRP delivery into a staging file with the real connector."""
    from connectors.brp_lo3csv import read_lo3csv
    from connectors.staging import Staging

    write_lo3(delivery_path, rows)
    with Staging(staging_path) as staging:
        staging.import_file("brp", delivery_path, reader=read_lo3csv)
