"""One chunk of the population: households drawn from (seed, chunk index) alone.

A chunk holds a fixed number of young people (0 up to the RMC age: 0-27 since 2026) in households
with their parents. It is
built from its own `random.Random`, so chunks can be made in any order or in parallel and the
output stays byte-identical; its person numbers come from its own block, increasing with the
chunk index (see `synthetic.persoonsnummers`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from rules.dates import anniversary
from synthetic import names
from synthetic.addresses import AddressBook, other_gemeenten
from synthetic.careers import Career, between
from synthetic.family import Gezin, Woning, verblijven
from synthetic.model import KIND, OUDER, Persoon
from synthetic.persoonsnummers import (
    BSN_FIRST,
    BSN_LAST,
    ONDERWIJSNUMMER_FIRST,
    ONDERWIJSNUMMER_LAST,
    anummer_for,
    draw_block,
)
from synthetic.scenarios import GEZIN, LOS, PLANTS, Plant, PlantContext
from synthetic.schools import SchoolRegistry
from synthetic.window import Window

CHUNK_SIZE = 2000          # young people per chunk (part of the output's definition: do not tune)
BSN_BLOCK = 10_000         # BSN prefixes per chunk
ONDERWIJSNUMMER_BLOCK = 120
MAX_CHUNKS = min((BSN_LAST - BSN_FIRST) // BSN_BLOCK,
                 (ONDERWIJSNUMMER_LAST - ONDERWIJSNUMMER_FIRST) // ONDERWIJSNUMMER_BLOCK)
YEAR = timedelta(days=365)


class ChunkRandom(random.Random):
    """A `random.Random` whose `choice`, `randint` and `randrange(n)` use one `random()` call each.

    The standard ones draw bits in a Python loop, which was a tenth of the generator's time; a
    53-bit float gives the same uniformity for the small ranges drawn here, and stays seeded.
    """

    def choice(self, seq):  # type: ignore[no-untyped-def,override]
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start, stop=None, step=1):  # type: ignore[no-untyped-def,override]
        if stop is None and step == 1:
            return int(self.random() * start)
        return super().randrange(start, stop, step)


def chunk_sizes(persons: int) -> list[int]:
    """Young people per chunk: as even as possible, at most CHUNK_SIZE each."""
    if persons < 1:
        raise ValueError("het aantal personen moet ten minste 1 zijn")
    count = math.ceil(persons / CHUNK_SIZE)
    if count > MAX_CHUNKS:
        raise ValueError(f"hoogstens {MAX_CHUNKS * CHUNK_SIZE} personen: de nummerblokken zijn vol")
    base, extra = divmod(persons, count)
    return [base + (i < extra) for i in range(count)]


@dataclass
class Chunk:
    index: int
    gezinnen: list[Gezin]

    @property
    def jongeren(self) -> list[Persoon]:
        return [child for gezin in self.gezinnen for child in gezin.kinderen]


def _planted(rng: random.Random, size: int) -> list[Plant]:
    """Each kind once, plus its rate times the chunk size (the fraction by a draw)."""
    chosen: list[Plant] = []
    for plant in PLANTS:
        expected = plant.rate * size
        count = 1 + int(expected) + (rng.random() < expected - int(expected))
        chosen.extend([plant] * count)
    rng.shuffle(chosen)
    return chosen


def build_chunk(seed: int, index: int, size: int, window: Window, registry: SchoolRegistry) -> Chunk:
    """The households of chunk `index` holding exactly `size` young people."""
    rng = ChunkRandom(f"inbeeld-chunk:{seed}:{index}")
    addresses = AddressBook(rng)
    ctx = PlantContext(rng=rng, window=window, registry=registry, addresses=addresses, chunk=index,
                       other_gemeenten=other_gemeenten(window.gemeenten))
    queue = _planted(rng, size)
    gezinnen: list[Gezin] = []
    count = 0
    while count < size:
        remaining = size - count
        plant = None
        if queue and (len(queue) >= remaining or rng.random() < len(queue) / max(1.0, remaining / 1.9)):
            plant = queue.pop()
        room = remaining - len(queue)
        if plant is None and room <= 0:
            room = remaining
        gezin = _build_gezin(ctx, plant, max(1, room))
        gezinnen.append(gezin)
        count += len(gezin.kinderen)
    _assign_numbers(rng, index, gezinnen)
    return Chunk(index, gezinnen)


def _natural_birth(rng: random.Random, window: Window) -> date:
    return between(rng, window.oldest_birth, window.first)


def _sibling_births(rng: random.Random, window: Window, primary: date, count: int) -> list[date]:
    births = [primary]
    for _ in range(count):
        for _attempt in range(4):
            offset = timedelta(days=rng.randint(420, 2300))
            b = primary + offset if rng.random() < 0.5 else primary - offset
            if window.oldest_birth <= b <= window.first and all(abs((b - o).days) > 300 for o in births):
                births.append(b)
                break
    return births


def _person(rng: random.Random, rol: str, birth: date, geslacht: str, surname: names.Achternaam,
            birthplace: str) -> Persoon:
    return Persoon(
        bsn="pending", anummer="", rol=rol, voornamen=names.draw_voornamen(rng, geslacht),
        voorvoegsel=surname.voorvoegsel, geslachtsnaam=surname.geslachtsnaam, geslacht=geslacht,
        geboortedatum=birth, geboortedatum_brp=f"{birth.year:04d}{birth.month:02d}{birth.day:02d}",
        geboorteplaats=birthplace, hc_gba_datums=rng.random() < 0.3, hc_straat_oud=rng.random() < 0.3,
    )


def _build_gezin(ctx: PlantContext, plant: Plant | None, room: int) -> Gezin:
    rng, window = ctx.rng, ctx.window
    home = window.gemeenten[0] if len(window.gemeenten) == 1 else rng.choice(window.gemeenten)
    gezin = Gezin(home=home)
    primary = plant.birth(rng, window) if plant and plant.birth else _natural_birth(rng, window)
    roll = rng.random()
    children = 1 if roll < 0.33 else 2 if roll < 0.75 else 3 if roll < 0.93 else 4
    if plant is not None and plant.scope == LOS:
        children = 1
    births = _sibling_births(rng, window, primary, min(children, room) - 1)

    father_name = names.draw_surname(rng)
    mother_name = names.draw_surname(rng)
    child_name = father_name if rng.random() < 0.8 else mother_name
    for b in births:
        roll = rng.random()
        geslacht = "O" if roll < 0.0005 else "M" if roll < 0.5 else "V"
        child = _person(rng, KIND, b, geslacht, child_name, home)
        child.inschrijvingen = Career(rng, ctx.registry, b, window.last).natural()
        gezin.kinderen.append(child)

    eldest = min(births)
    since = between(rng, eldest - 3 * YEAR, window.first - timedelta(days=30))
    current = Woning(home, since, ctx.addresses.draw(home))
    roll = rng.random()
    if roll < 0.35:
        gezin.woningen = [Woning(home, since - rng.randint(1, 10) * YEAR, ctx.addresses.draw(home)), current]
    elif roll < 0.5:
        elsewhere = rng.choice(ctx.other_gemeenten)
        gezin.woningen = [Woning(elsewhere, since - rng.randint(1, 10) * YEAR, ctx.addresses.draw(elsewhere)),
                          current]
        for child in gezin.kinderen:
            if child.geboortedatum < since:
                child.geboorteplaats = elsewhere
    else:
        gezin.woningen = [current]
    first = gezin.woningen[0]
    if first.datum > eldest:
        gezin.woningen[0] = Woning(first.gemeentecode, eldest - YEAR, first.adres, first.land)

    if plant is None or plant.scope != LOS:
        latest_birth = window.latest_parent_birth
        mother_birth = min(eldest - timedelta(days=rng.randint(22 * 365, 40 * 365)), latest_birth)
        father_birth = min(mother_birth - timedelta(days=rng.randint(-3 * 365, 7 * 365)), latest_birth)
        birthplace = rng.choice((home, home, *ctx.other_gemeenten[:6]))
        gezin.ouders.append(_person(rng, OUDER, father_birth, "M", father_name, birthplace))
        if rng.random() < 0.96:
            gezin.ouders.append(_person(rng, OUDER, mother_birth, "V", mother_name, birthplace))
        else:
            gezin.ouders[0] = _person(rng, OUDER, mother_birth, "V", mother_name, birthplace)
        if rng.random() < 0.5 and len(gezin.ouders) == 2:
            gezin.ouders.reverse()  # ouder 1 is not always the father

    planted_person = gezin.kinderen[0]
    if plant is not None:
        planted_person.geplant.append(plant.name)
        plant.apply(ctx, gezin, planted_person)
        if plant.scope == GEZIN:
            for child in gezin.kinderen:
                if plant.name not in child.geplant:
                    child.geplant.append(plant.name)
        gezin.zonder_brp = plant.scope == LOS

    for child in gezin.kinderen:
        age = (window.first - child.geboortedatum).days // 365
        if age >= 19 and not child.geplant and rng.random() < 0.3:
            moved = between(rng, anniversary(child.geboortedatum, 18), window.first - timedelta(days=30))
            own = [w for w in gezin.woningen if w.datum < moved]
            own.append(Woning(home, moved, ctx.addresses.draw(home)))
            gezin.eigen_woningen[id(child)] = own
        child.ouders = list(gezin.ouders)
        child.gezag = ("12" if len(gezin.ouders) == 2 else "1") if age < 18 and gezin.ouders else ""
    for person in gezin.kinderen + gezin.ouders:
        person.verblijven = verblijven(gezin.woningen_van(person), person.geboortedatum)
    return gezin


def _assign_numbers(rng: random.Random, index: int, gezinnen: list[Gezin]) -> None:
    """BSNs (and onderwijsnummers) from the chunk's blocks, dealt out in random order."""
    needs_bsn = [p for g in gezinnen for p in g.kinderen + g.ouders if p.bsn == "pending"]
    needs_own = [p for g in gezinnen for p in g.kinderen if p.onderwijsnummer == "pending"]
    bsns = draw_block(rng, BSN_FIRST + index * BSN_BLOCK, BSN_BLOCK, len(needs_bsn), "bsn")
    owns = draw_block(rng, ONDERWIJSNUMMER_FIRST + index * ONDERWIJSNUMMER_BLOCK, ONDERWIJSNUMMER_BLOCK,
                      len(needs_own), "onderwijsnummer")
    rng.shuffle(bsns)
    rng.shuffle(owns)
    for person, number in zip(needs_bsn, bsns, strict=True):
        person.bsn = number
        person.anummer = anummer_for(number)
    for person, number in zip(needs_own, owns, strict=True):
        person.onderwijsnummer = number
    for g in gezinnen:
        for child in g.kinderen:
            if child.onderwijsnummer:
                child.duo_nummer = child.onderwijsnummer
                child.duo_bsn = child.bsn or ""
            else:
                child.duo_nummer = child.bsn
