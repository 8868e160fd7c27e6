"""Read the persons a letter run needs from the staged BRP (`brp_personen_actueel` in DuckDB).

The letter run asks for a few thousand persons at most (the young people with a letter due and
their parents), so this is a keyed lookup that returns `Persoon` objects, not a bulk job. Parents
come from the same delivery: a BRP delivery carries the parents' own persoonslijsten
(docs/formats.md §1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import duckdb

from connectors.brp_fields import parse_gezag
from letters.persons import Adres, Persoon

VIEW = "brp_personen_actueel"
COLUMNS = (
    "bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geslacht", "geboortedatum_vroegst",
    "geboortedatum_precisie", "gemeente_inschrijving", "verblijfplaats_type", "straat", "huisnummer",
    "huisletter", "huisnummertoevoeging", "postcode", "woonplaats", "adres_in_onderzoek", "overleden",
    "datum_overlijden", "opschorting_reden", "geheimhouding", "rni", "ouder1_bsn", "ouder2_bsn", "gezag",
)
NO_ADDRESS_TYPES = {"verblijfplaatsbuitenland", "verblijfplaatsonbekend", "locatie"}


def persoon_from_staging(row: Mapping[str, Any]) -> Persoon:
    """One staged BRP row as a `Persoon`; a partly unknown birth date stays unknown (None)."""
    kind = (row.get("verblijfplaats_type") or "").strip().lower()
    adres = None
    if kind not in NO_ADDRESS_TYPES and (row.get("straat") or row.get("postcode")):
        adres = Adres(straat=row.get("straat") or "", huisnummer=row.get("huisnummer"),
                      huisletter=row.get("huisletter") or "",
                      toevoeging=row.get("huisnummertoevoeging") or "",
                      postcode=row.get("postcode") or "", woonplaats=row.get("woonplaats") or "")
    gezag, derde = parse_gezag(row.get("gezag"), row.get("ouder1_bsn"), row.get("ouder2_bsn"))
    opschorting = (row.get("opschorting_reden") or "").strip().upper()
    if row.get("overleden") and not row.get("datum_overlijden") and not opschorting:
        opschorting = "O"
    return Persoon(
        persoonsnummer=row["bsn"],
        voornamen=row.get("voornamen") or "",
        voorvoegsel=row.get("voorvoegsel") or "",
        geslachtsnaam=row.get("geslachtsnaam") or "",
        geslacht=(row.get("geslacht") or "O").upper()[:1],
        geboortedatum=(row.get("geboortedatum_vroegst")
                       if row.get("geboortedatum_precisie") == "dag" else None),
        adres=adres,
        gemeentecode="1999" if row.get("rni") else (row.get("gemeente_inschrijving") or ""),
        overlijdensdatum=row.get("datum_overlijden"),
        opschorting_reden=opschorting,
        geheimhouding=int(row.get("geheimhouding") or 0),
        adres_in_onderzoek=bool(row.get("adres_in_onderzoek")),
        ouders=tuple(number for number in (row.get("ouder1_bsn"), row.get("ouder2_bsn")) if number),
        gezag=gezag,
        gezag_derde=derde,
    )


def _fetch(con: duckdb.DuckDBPyConnection, numbers: set[str]) -> dict[str, Persoon]:
    if not numbers:
        return {}
    rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM {VIEW} WHERE list_contains(?, bsn)",
                       [sorted(numbers)]).fetchall()
    return {row[0]: persoon_from_staging(dict(zip(COLUMNS, row, strict=True))) for row in rows}


def lees_personen(con: duckdb.DuckDBPyConnection, persoonsnummers: Iterable[str]) -> dict[str, Persoon]:
    """The young people asked for and their parents, from the latest loaded BRP delivery."""
    personen = _fetch(con, set(persoonsnummers))
    ouders = {number for persoon in personen.values() for number in persoon.ouders} - set(personen)
    personen.update(_fetch(con, ouders))
    return personen
