"""Why a letter must not go out, as an enumerated reason that is recorded on the case.

A letter is never sent to someone who died, left the country or the served municipalities, or
whose address is being investigated; a secret-address person (geheimhouding) is held for a
person to review first. Reasons are checked for the young person the letter is about (then no
letter goes out at all) and for each addressed parent (then only that parent's letter is held).
docs/spec.md §4.2 (residents; address in onderzoek gets the signal but no letter), docs/law.md (local policy).
"""

from __future__ import annotations

from collections.abc import Collection

from letters.persons import Persoon
from registers.codes import SuppressionReason

RNI_GEMEENTE = "1999"


def redenen(persoon: Persoon, gemeenten: Collection[str] = ()) -> list[SuppressionReason]:
    """Every reason that stops letters about `persoon`, most final first.

    `gemeenten` are the municipality codes served; empty means "do not check the gemeente".
    """
    found: list[SuppressionReason] = []
    opschorting = persoon.opschorting_reden.strip().upper()
    if persoon.overlijdensdatum is not None or opschorting == "O":
        found.append(SuppressionReason.OVERLEDEN)
    if opschorting == "E":
        found.append(SuppressionReason.GEEMIGREERD)
    if opschorting == "R" or persoon.gemeentecode == RNI_GEMEENTE:
        found.append(SuppressionReason.RNI)
    if opschorting and opschorting not in ("O", "E", "R"):
        found.append(SuppressionReason.OPSCHORTING)
    served = {code.zfill(4) for code in gemeenten}
    if served and persoon.gemeentecode and persoon.gemeentecode.zfill(4) not in served | {RNI_GEMEENTE}:
        found.append(SuppressionReason.VERHUISD)
    if persoon.adres is None or not persoon.adres.compleet:
        found.append(SuppressionReason.GEEN_ADRES)
    if persoon.adres_in_onderzoek:
        found.append(SuppressionReason.ADRES_IN_ONDERZOEK)
    if persoon.geheimhouding:
        found.append(SuppressionReason.GEHEIMHOUDING)
    if persoon.geboortedatum is None:
        found.append(SuppressionReason.GEBOORTEDATUM_ONBEKEND)
    return found


def adressee_redenen(personen: Collection[Persoon]) -> list[SuppressionReason]:
    """Reasons to hold one letter because of the parent(s) it is addressed to.

    Parents who died, emigrated or have no address are never chosen as addressees (see
    `addressing.bereikbaar`), so only the reasons that hold a letter remain here.
    """
    found: list[SuppressionReason] = []
    if any(persoon.adres_in_onderzoek for persoon in personen):
        found.append(SuppressionReason.ADRES_IN_ONDERZOEK)
    if any(persoon.geheimhouding for persoon in personen):
        found.append(SuppressionReason.GEHEIMHOUDING)
    return found
