"""Gemeenten, woonplaatsen, postcodes and addresses of the synthetic municipality."""

from __future__ import annotations

import random
from dataclasses import dataclass

from synthetic.names import street_pool

RNI = "1999"


@dataclass(frozen=True, slots=True)
class Gemeente:
    code: str
    naam: str
    woonplaatsen: tuple[str, ...]
    postcode_van: int
    postcode_tot: int


# A handful of real gemeentecodes with plausible postcode ranges; served codes that are not
# listed get a generic entry (see `gemeente`).
GEMEENTEN: dict[str, Gemeente] = {g.code: g for g in (
    Gemeente("0363", "Amsterdam", ("Amsterdam",), 1011, 1109),
    Gemeente("0599", "Rotterdam", ("Rotterdam", "Hoek van Holland"), 3011, 3089),
    Gemeente("0518", "'s-Gravenhage", ("'s-Gravenhage",), 2491, 2597),
    Gemeente("0344", "Utrecht", ("Utrecht", "De Meern"), 3511, 3585),
    Gemeente("0014", "Groningen", ("Groningen", "Haren"), 9711, 9747),
    Gemeente("0772", "Eindhoven", ("Eindhoven",), 5611, 5658),
    Gemeente("0153", "Enschede", ("Enschede",), 7511, 7548),
    Gemeente("0080", "Leeuwarden", ("Leeuwarden",), 8911, 8941),
    Gemeente("0193", "Zwolle", ("Zwolle",), 8011, 8043),
    Gemeente("0202", "Arnhem", ("Arnhem",), 6811, 6846),
    Gemeente("0268", "Nijmegen", ("Nijmegen",), 6511, 6546),
    Gemeente("0394", "Haarlemmermeer", ("Hoofddorp", "Nieuw-Vennep", "Badhoevedorp"), 2131, 2153),
    Gemeente("0392", "Haarlem", ("Haarlem",), 2011, 2037),
    Gemeente("0362", "Amstelveen", ("Amstelveen",), 1181, 1189),
    Gemeente("0384", "Diemen", ("Diemen",), 1111, 1113),
    Gemeente("0479", "Zaanstad", ("Zaandam", "Wormerveer", "Krommenie"), 1501, 1567),
    Gemeente("0855", "Tilburg", ("Tilburg", "Berkel-Enschot"), 5011, 5059),
    Gemeente("0758", "Breda", ("Breda",), 4811, 4839),
    Gemeente("0935", "Maastricht", ("Maastricht",), 6211, 6229),
    Gemeente("0307", "Amersfoort", ("Amersfoort",), 3811, 3829),
)}


def gemeente(code: str) -> Gemeente:
    """The gemeente of a code; an unlisted code gets a generic name and a postcode range."""
    if code in GEMEENTEN:
        return GEMEENTEN[code]
    number = int(code)
    start = 1000 + (number * 37) % 8900
    return Gemeente(code, f"Gemeente {code}", (f"Plaats {code}",), start, start + 40)


def other_gemeenten(served: tuple[str, ...]) -> tuple[str, ...]:
    """Gemeenten outside the served set: where people move to, come from, and parents live
    (generic codes when a region serves every listed gemeente)."""
    listed = tuple(code for code in sorted(GEMEENTEN) if code not in served)
    generic = tuple(f"{n:04d}" for n in range(1900, 1990) if f"{n:04d}" not in served)[:3]
    return listed or generic


@dataclass(frozen=True, slots=True)
class Adres:
    gemeentecode: str
    straat: str
    huisnummer: int
    huisletter: str
    toevoeging: str
    postcode: str
    woonplaats: str
    nummeraanduiding: str  # BAG id, 16 digits: gemeentecode + "20" + 10 digits
    verblijfsobject: str   # BAG id, 16 digits: gemeentecode + "01" + 10 digits

    @property
    def postcode_cijfers(self) -> str:
        return self.postcode[:4]


_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"


class AddressBook:
    """Draws addresses in a gemeente: a street pool per gemeente, postcodes from its range."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._streets = street_pool()
        # One address in a hundred is on a street with "&" in its name, so that every run has
        # some (readers must escape it in XML); the others draw from the whole pool.
        self._ampersand = [i for i, street in enumerate(self._streets) if "&" in street]

    def draw(self, code: str) -> Adres:
        rng = self.rng
        g = gemeente(code)
        if rng.random() < 0.01:
            street_index = self._ampersand[rng.randrange(len(self._ampersand))]
        else:
            street_index = rng.randrange(len(self._streets))
        straat = self._streets[street_index]
        # A street keeps its postcode digits, so that neighbours share them.
        digits = g.postcode_van + (street_index * 7919 + int(code)) % (g.postcode_tot - g.postcode_van + 1)
        letters = rng.choice(_LETTERS) + rng.choice(_LETTERS)
        if letters in ("SS", "SD", "SA"):
            letters = "AB"
        roll = rng.random()
        huisletter = rng.choice("ABC") if roll < 0.08 else ""
        toevoeging = rng.choice(("1", "2", "3", "H", "bis")) if 0.08 <= roll < 0.2 else ""
        woonplaats = g.woonplaatsen[0] if rng.random() < 0.85 else rng.choice(g.woonplaatsen)
        object_number = rng.randrange(10_000_000_000)
        return Adres(
            gemeentecode=code, straat=straat, huisnummer=rng.randint(1, 250), huisletter=huisletter,
            toevoeging=toevoeging, postcode=f"{digits}{letters}", woonplaats=woonplaats,
            nummeraanduiding=f"{code}20{object_number:010d}", verblijfsobject=f"{code}01{object_number:010d}",
        )
