"""Dutch first names and surnames, split into voorvoegsel and geslachtsnaam.

The pools are built once from Faker's nl_NL provider data (its tuples only: no Faker instance,
no global random state) and drawn with the chunk's own `random.Random`, which is fast and
deterministic. A few names carry diacritics outside cp1252 (Yılmaz, Şahin) or inside it (Çelik,
Özdemir, Zoë), so that readers are tested on real UTF-8.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from faker.providers.address.nl_NL import Provider as _AddressProvider
from faker.providers.person.nl_NL import Provider as _PersonProvider

# Longest first, so that "van der" wins over "van".
VOORVOEGSELS = (
    "van den", "van der", "van de", "van het", "van 't", "in 't", "op de", "uit de", "uit den",
    "de", "den", "der", "het", "'t", "te", "ter", "ten", "van", "in",
)

# Names of families with roots elsewhere, as common in Dutch cities (Faker's list has few).
_EXTRA_SURNAMES = (
    "Çelik", "Özdemir", "Yılmaz", "Şahin", "Demir", "Kaya", "Aydın", "El Amrani", "Bouzid",
    "Benali", "El Idrissi", "Ramdin", "Sewdien", "Nguyen", "Kowalski", "Nowak", "Pereira",
)
_EXTRA_MALE = ("Mohamed", "Yusuf", "Emre", "Mehmet", "Ayoub", "Rayan", "Çağan", "Jaïr", "Noël")
_EXTRA_FEMALE = ("Fatima", "Ayşe", "Zoë", "Yasmina", "Elif", "Şeyma", "Noëlle", "Inés", "Chloë")


@dataclass(frozen=True, slots=True)
class Achternaam:
    voorvoegsel: str
    geslachtsnaam: str


def split_surname(name: str) -> Achternaam | None:
    """Split "van der Meer" into ("van der", "Meer"); None for names that are not one family name."""
    if "," in name or "-" in name[:1]:
        return None
    for prefix in VOORVOEGSELS:
        if name.startswith(prefix + " "):
            rest = name[len(prefix) + 1:]
            if rest and " " not in rest and rest[0].isupper():
                return Achternaam(prefix, rest)
            return None
    if " " in name or not name[:1].isupper():
        return None
    return Achternaam("", name)


@dataclass(frozen=True)
class NamePools:
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[Achternaam, ...]
    # Surnames of the extra list are drawn with this probability (a realistic minority).
    extra_surnames: tuple[Achternaam, ...]


@cache
def pools() -> NamePools:
    """The name pools, built once per process from Faker's provider tuples (sorted, deduplicated)."""
    surnames = sorted({s for s in (split_surname(n) for n in _PersonProvider.last_names) if s},
                      key=lambda a: (a.geslachtsnaam, a.voorvoegsel))
    extra = [a for a in (split_surname(n) for n in _EXTRA_SURNAMES) if a]
    extra += [Achternaam("", "El Amrani"), Achternaam("", "El Idrissi")]
    extra = sorted(set(extra), key=lambda a: (a.geslachtsnaam, a.voorvoegsel))
    male = tuple(sorted(set(_PersonProvider.first_names_male) | set(_EXTRA_MALE)))
    female = tuple(sorted(set(_PersonProvider.first_names_female) | set(_EXTRA_FEMALE)))
    every = [*male, *female, *(a.geslachtsnaam for a in surnames + extra)]
    _check_plain(every)
    return NamePools(male, female, tuple(surnames), tuple(extra))


def _check_plain(values: list[str]) -> None:
    """The CSV writers join without quoting: no value may hold a separator, quote or line end."""
    bad = [v for v in values if any(ch in v for ch in ';"\r\n')]
    if bad:
        raise ValueError(f"names unusable in a semicolon CSV: {bad[:5]}")


def draw_surname(rng: random.Random) -> Achternaam:
    p = pools()
    if rng.random() < 0.12:
        return rng.choice(p.extra_surnames)
    return rng.choice(p.surnames)


def draw_voornamen(rng: random.Random, geslacht: str) -> str:
    """One to three first names; the first is the roepnaam."""
    p = pools()
    pool = p.male if geslacht == "M" else p.female if geslacht == "V" else p.male + p.female
    count = 1 + (rng.random() < 0.45) + (rng.random() < 0.12)
    names = [rng.choice(pool) for _ in range(count)]
    return " ".join(dict.fromkeys(names))


def voorletters(voornamen: str) -> str:
    return "".join(part[0] + "." for part in voornamen.split())


def draw_melder(rng: random.Random) -> str:
    """A school staff member's name as a melder signs: initial and surname."""
    surname = draw_surname(rng)
    first = rng.choice(pools().female + pools().male)
    full = f"{surname.voorvoegsel} {surname.geslachtsnaam}".strip()
    return f"{first[0]}. {full}"


@cache
def street_pool() -> tuple[str, ...]:
    """Street names: the classic Dutch ones, and first name + suffix as Faker builds them."""
    classic = (
        "Kerkstraat", "Dorpsstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Nieuwstraat",
        "Julianalaan", "Beatrixstraat", "Wilhelminastraat", "Kastanjelaan", "Eikenlaan",
        "Lindelaan", "Parallelweg", "Industrieweg", "Marktplein", "Havenstraat", "Prinsengracht",
        "Burgemeester de Withstraat", "Van der Helstplein", "Tweede Jan Steenstraat",
        "Graaf Florislaan", "Sint Jansstraat", "Oranje-Nassaulaan", "Kerk & Zandpad",
        "Rijn & Schiekade", "Zoë Borgerstraat", "Çiçekstraat",
    )
    p = pools()
    firsts = sorted(set(p.male[::3] + p.female[::3]))
    built = [f"{name}{suffix}" for name in firsts for suffix in _AddressProvider.street_suffixes[::4]]
    streets = tuple(classic) + tuple(built)
    _check_plain(list(streets))
    return streets


def korte_straatnaam(straat: str) -> str:
    """The NEN 5825 short name (at most 24 characters), as BAG keeps it."""
    short = straat.replace("straat", "str").replace("laan", "ln").replace("Burgemeester", "Burg")
    return short[:24]
