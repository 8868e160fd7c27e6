"""School careers: which schools a child attends from 4 until the end of the simulated period.

A plain walk through the Dutch system with rough national proportions: PO (or SO) from the 4th
birthday, VO from the school year the child is about 12 (VMBO, HAVO, VWO, PrO, VSO), then MBO, HO,
VAVO or nothing; some repeat a year, some drop out, some come back. Planted cases change a career
afterwards with `cut_at`, `strip_diplomas` and `enrol`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from rules.dates import anniversary
from synthetic.model import Inschrijving
from synthetic.schools import CREBO, CROHO, HO, MBO, PO, PRO, SO, VAVO, VO, VSO, SchoolRegistry, schooljaar

_DAY = timedelta(days=1)


def between(rng: random.Random, first: date, last: date) -> date:
    """A uniformly drawn day in [first, last] (first when the range is empty)."""
    span = (last - first).days
    return first if span <= 0 else first + timedelta(days=rng.randint(0, span))


class Career:
    """Builds one person's enrolments up to `horizon` (what happens later is not decided)."""

    def __init__(self, rng: random.Random, registry: SchoolRegistry, birth: date, horizon: date) -> None:
        self.rng = rng
        self.registry = registry
        self.birth = birth
        self.horizon = horizon
        self.items: list[Inschrijving] = []

    # -- building blocks -------------------------------------------------------------------
    def enrol(self, soort: str, niveau: str, begin: date, einde: date | None, *, leerweg: str = "",
              diploma: date | None = None, sk: bool = False, pro_vso: bool = False,
              bekostigd: bool = True) -> Inschrijving | None:
        """Add an enrolment; what starts after the horizon is dropped, what ends after it stays open."""
        if begin > self.horizon:
            return None
        if einde is not None and einde > self.horizon:
            einde, diploma, sk, pro_vso = None, None, False, False
        if diploma is not None and diploma > self.horizon:
            diploma, sk, pro_vso = None, False, False
        school = self.registry.pick(self.rng, soort, niveau, bekostigd)
        code = ""
        if soort == MBO:
            code = self.rng.choice(CREBO[niveau])
        elif soort == HO:
            code = self.rng.choice(CROHO[niveau])
        volgnummer = 1 + sum(1 for e in self.items if e.school.brin == school.brin)
        item = Inschrijving(school=school, volgnummer=volgnummer, soort=soort, niveau=niveau,
                            leerweg=leerweg, code=code, begin=begin, einde=einde, diploma=diploma,
                            sk=sk, pro_vso=pro_vso, bekostigd=school.bekostigd)
        self.items.append(item)
        return item

    def age_on(self, d: date) -> int:
        years = d.year - self.birth.year
        return years - 1 if (d.month, d.day) < (self.birth.month, self.birth.day) else years

    # -- the walk --------------------------------------------------------------------------
    def natural(self) -> list[Inschrijving]:
        rng = self.rng
        b = self.birth
        po_begin = anniversary(b, 4)
        y_vo = b.year + 12 if b.month < 10 else b.year + 13
        roll = rng.random()
        if roll < 0.08:
            y_vo += 1  # stayed a year longer in PO
        elif roll < 0.10:
            y_vo -= 1
        so = rng.random() < 0.02
        self.enrol(SO if so else PO, "SO" if so else "PO", po_begin, date(y_vo, 7, 31))
        start = date(y_vo, 8, 1)
        if start > self.horizon:
            return self.items
        roll = rng.random()
        if so:
            track = VSO if roll < 0.75 else PRO
        elif roll < 0.03:
            track = PRO
        elif roll < 0.04:
            track = VSO
        else:
            track = "VO"
        if track == PRO:
            self._pro_or_vso(PRO, start)
        elif track == VSO:
            self._pro_or_vso(VSO, start)
        else:
            self._vo(start)
        return self.items

    def _vo(self, start: date) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.10:
            niveau, leerweg = "VMBO", "BL"
        elif roll < 0.22:
            niveau, leerweg = "VMBO", "KL"
        elif roll < 0.27:
            niveau, leerweg = "VMBO", "GL"
        elif roll < 0.50:
            niveau, leerweg = "VMBO", "TL"
        elif roll < 0.76:
            niveau, leerweg = "HAVO", ""
        else:
            niveau, leerweg = "VWO", ""
        years = {"VMBO": 4, "HAVO": 5, "VWO": 6}[niveau] + (rng.random() < 0.15)
        self._vo_stay(start, niveau, leerweg, years)

    def _vo_stay(self, start: date, niveau: str, leerweg: str, years: int) -> None:
        rng = self.rng
        final = date(start.year + years, 7, 31)
        roll = rng.random()
        if roll < 0.015:  # leaves VO early
            leave = between(rng, start + timedelta(days=400), final - timedelta(days=60))
            self.enrol(VO, niveau, start, leave, leerweg=leerweg)
            self._after_dropout(leave + _DAY, allow_mbo=True)
            return
        if roll < 0.085:  # fails the final exam
            self.enrol(VO, niveau, start, final, leerweg=leerweg)
            nxt = final + _DAY
            if niveau == "VMBO":
                if rng.random() < 0.8:
                    self._mbo(nxt, "MBO2" if leerweg in ("GL", "TL") else "MBO1")
            else:
                roll = rng.random()
                if roll < 0.3:
                    self._vavo(nxt, niveau)
                elif roll < 0.8:
                    self._mbo(nxt, "MBO4")
            return
        diploma = date(final.year, 7, rng.randint(1, 15))
        self.enrol(VO, niveau, start, final, leerweg=leerweg, diploma=diploma, sk=niveau != "VMBO")
        nxt = final + _DAY
        roll = rng.random()
        if niveau == "VMBO":
            if leerweg == "BL":
                self._mbo(nxt, "MBO2")
            elif leerweg == "KL":
                self._mbo(nxt, "MBO2" if roll < 0.4 else "MBO3")
            elif roll < 0.10:
                self._vo_stay(nxt, "HAVO", "", 2)
            else:
                self._mbo(nxt, "MBO3" if roll < 0.5 else "MBO4")
        elif niveau == "HAVO":
            if roll < 0.70:
                self._ho(date(final.year, 9, 1), "HBO")
            elif roll < 0.85:
                self._mbo(nxt, "MBO4")
        elif roll < 0.80:
            self._ho(date(final.year, 9, 1), "WO")
        elif roll < 0.88:
            self._ho(date(final.year, 9, 1), "HBO")

    def _pro_or_vso(self, soort: str, start: date) -> None:
        rng = self.rng
        eighteen = anniversary(self.birth, 18)
        final = date(schooljaar(eighteen) + 1 + rng.randint(0, 1 if soort == VSO else 0), 7, 31)
        roll = rng.random()
        niveau = soort
        if roll < 0.5:
            diploma = date(final.year, 7, rng.randint(1, 15))
            self.enrol(soort, niveau, start, final, diploma=diploma, pro_vso=True)
        elif roll < 0.8:
            switch = date(schooljaar(anniversary(self.birth, 16)) + 1, 7, 31)
            switch = max(switch, start + timedelta(days=730))
            self.enrol(soort, niveau, start, switch)
            self._mbo(switch + _DAY, "MBO1" if rng.random() < 0.6 else "MBO2")
        else:
            self.enrol(soort, niveau, start, final)

    def _mbo(self, begin: date, niveau: str) -> None:
        rng = self.rng
        if begin > self.horizon:
            return
        years = {"MBO1": 1, "MBO2": 2, "MBO3": 3, "MBO4": 3 + (rng.random() < 0.4)}[niveau]
        leerweg = "BBL" if rng.random() < 0.15 else "BOL"
        planned = date(begin.year + years, 7, 15) if begin.month >= 8 else date(begin.year + years - 1, 7, 15)
        minor = self.age_on(begin) < 18
        if rng.random() < (0.08 if minor else 0.15):  # drops out
            leave = between(rng, begin + timedelta(days=30), planned - timedelta(days=30))
            self.enrol(MBO, niveau, begin, leave, leerweg=leerweg)
            self._after_dropout(leave + _DAY, allow_mbo=True, level=niveau)
            return
        diploma = planned - timedelta(days=rng.randint(0, 40))
        self.enrol(MBO, niveau, begin, diploma, leerweg=leerweg, diploma=diploma, sk=niveau != "MBO1")
        roll = rng.random()
        nxt = date(diploma.year, 8, 1)
        if niveau == "MBO1" and roll < 0.6:
            self._mbo(nxt, "MBO2")
        elif niveau in ("MBO2", "MBO3") and roll < 0.25:
            self._mbo(nxt, "MBO3" if niveau == "MBO2" else "MBO4")
        elif niveau == "MBO4" and roll < 0.3:
            self._ho(date(diploma.year, 9, 1), "HBO")

    def _after_dropout(self, since: date, *, allow_mbo: bool, level: str = "MBO2") -> None:
        rng = self.rng
        minor = self.age_on(since) < 18
        if allow_mbo and rng.random() < (0.7 if minor else 0.45):
            again = since + timedelta(days=rng.randint(20, 270))
            lower = {"MBO4": "MBO3", "MBO3": "MBO2", "MBO2": "MBO2", "MBO1": "MBO1"}.get(level, "MBO2")
            self._mbo(again, lower)

    def _ho(self, begin: date, niveau: str) -> None:
        rng = self.rng
        years = 4 if niveau == "HBO" else 5
        for year in range(years):
            if rng.random() < 0.12:
                year_start = begin + timedelta(days=365 * year)
                leave = between(rng, year_start + timedelta(days=60), year_start + timedelta(days=300))
                self.enrol(HO, niveau, begin, leave)
                return
        end = date(begin.year + years, 8, 31)
        self.enrol(HO, niveau, begin, end, diploma=date(end.year, 7, rng.randint(1, 20)))

    def _vavo(self, begin: date, niveau: str) -> None:
        rng = self.rng
        end = date(begin.year + 1, 7, 31)
        if rng.random() < 0.6:
            self.enrol(VAVO, niveau, begin, end, diploma=date(end.year, 7, rng.randint(1, 15)), sk=True)
        else:
            self.enrol(VAVO, niveau, begin, end)


# -- changes for planted cases ---------------------------------------------------------------

def cut_at(items: list[Inschrijving], at: date) -> list[Inschrijving]:
    """The career as if the person left school on `at`: later enrolments vanish, diplomas after it too."""
    kept: list[Inschrijving] = []
    for item in items:
        if item.begin > at:
            continue
        if item.einde is None or item.einde > at:
            item.einde = at
        if item.diploma is not None and item.diploma > at:
            item.diploma, item.sk, item.pro_vso = None, False, False
        kept.append(item)
    return kept


def strip_diplomas(items: list[Inschrijving]) -> None:
    """No startkwalificatie and no PrO/VSO certificate on any enrolment."""
    for item in items:
        if item.sk or item.pro_vso:
            item.diploma, item.sk, item.pro_vso = None, False, False
