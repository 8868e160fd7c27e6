"""Why a letter must not go out, as an enumerated reason that is recorded on the case.

A letter is never sent to someone who died, left the country or the served municipalities, or
whose address is being investigated; a secret-address person (geheimhouding) is held for a
person to review first. Reasons are checked for the young person the letter is about (then no
letter goes out at all) and for each addressed parent (then only that parent's letter is held).
docs/spec.md §4.2 (residents; address in onderzoek gets the signal but no letter), docs/law.md (local policy).
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from letters.persons import Persoon

RNI_GEMEENTE = "1999"


class Reden(StrEnum):
    """A suppression reason. The value is what the letter log and the case record."""

    OVERLEDEN = "overleden"
    GEEMIGREERD = "geemigreerd"
    RNI = "rni"
    OPSCHORTING = "opschorting"  # bijhouding opgeschort for another reason (M, F)
    VERHUISD = "verhuisd"  # moved out of the served gemeenten
    GEEN_ADRES = "geen_adres"  # no complete Dutch address to write to
    ADRES_IN_ONDERZOEK = "adres_in_onderzoek"
    GEHEIMHOUDING = "geheimhouding"
    NIET_IN_BRP = "niet_in_brp"  # the person is not in the latest BRP delivery
    GEBOORTEDATUM_ONBEKEND = "geboortedatum_onbekend"  # partly unknown: never a letter on a guess

    @property
    def aangehouden(self) -> bool:
        """Held, not dropped: the letter can go once the reason is gone (or a person approved it)."""
        return self in (Reden.ADRES_IN_ONDERZOEK, Reden.GEHEIMHOUDING, Reden.NIET_IN_BRP,
                        Reden.GEBOORTEDATUM_ONBEKEND)

    @property
    def omschrijving(self) -> str:
        """Dutch text for the case file."""
        return _OMSCHRIJVING[self]


_OMSCHRIJVING = {
    Reden.OVERLEDEN: "overleden volgens de BRP",
    Reden.GEEMIGREERD: "geëmigreerd (bijhouding opgeschort)",
    Reden.RNI: "ingeschreven in de RNI (niet-ingezetene)",
    Reden.OPSCHORTING: "bijhouding in de BRP opgeschort",
    Reden.VERHUISD: "verhuisd naar een gemeente buiten ons werkgebied",
    Reden.GEEN_ADRES: "geen volledig adres in de BRP",
    Reden.ADRES_IN_ONDERZOEK: "adres in onderzoek bij de BRP; brief aangehouden tot het onderzoek klaar is",
    Reden.GEHEIMHOUDING: "geheimhouding persoonsgegevens; brief aangehouden voor beoordeling",
    Reden.NIET_IN_BRP: "niet gevonden in de laatste BRP-levering",
    Reden.GEBOORTEDATUM_ONBEKEND: "geboortedatum (deels) onbekend; eerst handmatig controleren",
}


def redenen(persoon: Persoon, gemeenten: Collection[str] = ()) -> list[Reden]:
    """Every reason that stops letters about `persoon`, most final first.

    `gemeenten` are the municipality codes served; empty means "do not check the gemeente".
    """
    found: list[Reden] = []
    opschorting = persoon.opschorting_reden.strip().upper()
    if persoon.overlijdensdatum is not None or opschorting == "O":
        found.append(Reden.OVERLEDEN)
    if opschorting == "E":
        found.append(Reden.GEEMIGREERD)
    if opschorting == "R" or persoon.gemeentecode == RNI_GEMEENTE:
        found.append(Reden.RNI)
    if opschorting and opschorting not in ("O", "E", "R"):
        found.append(Reden.OPSCHORTING)
    served = {code.zfill(4) for code in gemeenten}
    if served and persoon.gemeentecode and persoon.gemeentecode.zfill(4) not in served | {RNI_GEMEENTE}:
        found.append(Reden.VERHUISD)
    if persoon.adres is None or not persoon.adres.compleet:
        found.append(Reden.GEEN_ADRES)
    if persoon.adres_in_onderzoek:
        found.append(Reden.ADRES_IN_ONDERZOEK)
    if persoon.geheimhouding:
        found.append(Reden.GEHEIMHOUDING)
    if persoon.geboortedatum is None:
        found.append(Reden.GEBOORTEDATUM_ONBEKEND)
    return found


def adressee_redenen(personen: Collection[Persoon]) -> list[Reden]:
    """Reasons to hold one letter because of the parent(s) it is addressed to.

    Parents who died, emigrated or have no address are never chosen as addressees (see
    `addressing.bereikbaar`), so only the reasons that hold a letter remain here.
    """
    found: list[Reden] = []
    if any(persoon.adres_in_onderzoek for persoon in personen):
        found.append(Reden.ADRES_IN_ONDERZOEK)
    if any(persoon.geheimhouding for persoon in personen):
        found.append(Reden.GEHEIMHOUDING)
    return found
