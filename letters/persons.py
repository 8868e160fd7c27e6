"""The BRP facts a letter needs about a person: name, address, parents, gezag and blocking flags.

Plain frozen dataclasses, so addressing and suppression are pure functions that tests can feed
directly; `persoon_from_mapping` reads a row of the staged BRP person view (or any dict with the
same names).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Adres:
    """A Dutch verblijfadres as the BRP holds it."""

    straat: str = ""  # officiële straatnaam
    korte_straat: str = ""  # NEN 5825 short form (at most 24 characters), when delivered
    huisnummer: int | None = None
    huisletter: str = ""
    toevoeging: str = ""
    postcode: str = ""
    woonplaats: str = ""

    @property
    def compleet(self) -> bool:
        """Enough to deliver post: a street, a number and a postcode."""
        return bool((self.straat or self.korte_straat) and self.huisnummer and self.postcode.strip())

    @property
    def sleutel(self) -> tuple[str, int | None, str, str]:
        """Identity of the dwelling: persons with the same key live at the same address."""
        return (self.postcode.replace(" ", "").upper(), self.huisnummer, self.huisletter.strip().upper(),
                self.toevoeging.strip().upper())


@dataclass(frozen=True)
class Persoon:
    """One BRP person (a young person or a parent)."""

    persoonsnummer: str
    voornamen: str = ""
    voorvoegsel: str = ""
    geslachtsnaam: str = ""
    geslacht: str = "O"  # M, V or O (onbekend)
    geboortedatum: date | None = None
    adres: Adres | None = None
    gemeentecode: str = ""
    overlijdensdatum: date | None = None
    opschorting_reden: str = ""  # O overlijden, E emigratie, M ministerieel besluit, R RNI, F fout
    geheimhouding: int = 0  # 07.70.10: 0 none, 1–7 geheimhouding
    adres_in_onderzoek: bool = False
    ouders: tuple[str, ...] = ()  # persoonsnummers of the parents, in BRP order (ouder 1, ouder 2)
    gezag: tuple[str, ...] | None = None  # parents holding gezag; None when the BRP says nothing
    gezag_derde: bool = False  # a third party (voogd) holds gezag
    voorletters: str = ""  # as delivered; derived from voornamen when empty
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return tuple(str(part) for part in value if part)


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def adres_from_mapping(row: Mapping[str, Any]) -> Adres | None:
    """An address from flat keys (`straat`, `huisnummer`, …); None when there is none at all."""
    number = row.get("huisnummer")
    adres = Adres(
        straat=_text(row, "straat"),
        korte_straat=_text(row, "korte_straat"),
        huisnummer=int(number) if number not in (None, "") else None,
        huisletter=_text(row, "huisletter"),
        toevoeging=_text(row, "toevoeging") or _text(row, "huisnummertoevoeging"),
        postcode=_text(row, "postcode"),
        woonplaats=_text(row, "woonplaats"),
    )
    return adres if any((adres.straat, adres.korte_straat, adres.huisnummer, adres.postcode)) else None


def persoon_from_mapping(row: Mapping[str, Any]) -> Persoon:
    """A person from a dict; the address is either nested under `adres` or flat in the row.

    `gezag` may be a list or a comma-separated string of persoonsnummers; absent or None means
    "not known", an empty list means "known: no parent holds gezag".
    """
    nested = row.get("adres")
    adres = adres_from_mapping(nested) if isinstance(nested, Mapping) else adres_from_mapping(row)
    gezag_raw = row.get("gezag")
    geheim = row.get("geheimhouding")
    return Persoon(
        persoonsnummer=_text(row, "persoonsnummer") or _text(row, "bsn"),
        voornamen=_text(row, "voornamen"),
        voorvoegsel=_text(row, "voorvoegsel"),
        geslachtsnaam=_text(row, "geslachtsnaam"),
        geslacht=(_text(row, "geslacht") or "O").upper()[:1],
        geboortedatum=_as_date(row.get("geboortedatum")),
        adres=adres,
        gemeentecode=_text(row, "gemeentecode"),
        overlijdensdatum=_as_date(row.get("overlijdensdatum")),
        opschorting_reden=_text(row, "opschorting_reden").upper(),
        geheimhouding=int(geheim) if geheim not in (None, "", False) else 0,
        adres_in_onderzoek=bool(row.get("adres_in_onderzoek")),
        ouders=_as_tuple(row.get("ouders")),
        gezag=None if gezag_raw is None else _as_tuple(gezag_raw),
        gezag_derde=bool(row.get("gezag_derde")),
        voorletters=_text(row, "voorletters"),
    )
