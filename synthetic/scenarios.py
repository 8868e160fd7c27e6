"""The planted cases: each kind of situation the signals must find (or must leave alone).

A kind either shapes one child (`KIND`: its birth date and career), a whole household (`GEZIN`:
moves, emigration, a parent elsewhere) or a young person the BRP does not deliver (`LOS`). Every
chunk of families plants each kind once and more at realistic rates, so even a small run has them
all while at scale they stay a few percent. What a kind does is recorded in the person's
`geplant` list and shows in `truth/persons-*.csv`; the signals follow from the facts alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from rules.dates import add_months, anniversary
from rules.status import leerplicht_start
from synthetic.addresses import RNI, AddressBook
from synthetic.careers import Career, between, cut_at, strip_diplomas
from synthetic.family import Gezin, Woning
from synthetic.model import Inschrijving, Persoon, Verzuimmelding, Vrijstelling
from synthetic.schools import HO, MBO, PO, PRO, SO, VAVO, VO, VSO, SchoolRegistry
from synthetic.window import Window

KIND, GEZIN, LOS = "kind", "gezin", "los"
DAY = timedelta(days=1)


@dataclass
class PlantContext:
    rng: random.Random
    window: Window
    registry: SchoolRegistry
    addresses: AddressBook
    chunk: int
    other_gemeenten: tuple[str, ...]
    melding_seq: int = 0

    def meldingsnummer(self, on: date) -> str:
        self.melding_seq += 1
        return f"VM{on.year}-{self.chunk:05d}{self.melding_seq:03d}"

    def in_window(self, *, before: int = 0) -> date:
        """A day in (first - before days, last]: an event the weekly deliveries will show."""
        w = self.window
        return between(self.rng, w.first - timedelta(days=before - 1 if before else 0), w.last)

    def after_first(self) -> date:
        """A day after the first peildatum (or just before it with one week only), so the change shows."""
        w = self.window
        if len(w.peildatums) == 1:
            return between(self.rng, w.first - timedelta(days=6), w.first)
        return between(self.rng, w.first + DAY, w.last)


BirthRule = Callable[[random.Random, Window], date]
Apply = Callable[[PlantContext, Gezin, Persoon | None], None]


@dataclass(frozen=True)
class Plant:
    name: str
    scope: str
    birth: BirthRule | None
    apply: Apply
    rate: float  # extra occurrences per young person, beyond the one per chunk


# -- birth dates ---------------------------------------------------------------------------------

def aged(lo: int, hi: int) -> BirthRule:
    """Born so that the age on the first peildatum is in [lo, hi) years."""
    def draw(rng: random.Random, w: Window) -> date:
        first = max(anniversary(w.first, -hi) + DAY, w.oldest_birth)
        return between(rng, first, anniversary(w.first, -lo))
    return draw


def kwalificatieplicht_age(rng: random.Random, w: Window) -> date:
    """Leerplicht ended before this school year, 18th birthday after the last peildatum."""
    first = anniversary(w.last, -18) + DAY
    last = anniversary(w.schooljaar_start, -16) - DAY
    return between(rng, first, max(first, last))


def leerplicht_starting(months_from_first: int) -> BirthRule:
    """Born so that leerplicht starts on the first of the month `months_from_first` after the
    month of the first peildatum (art. 3 lid 1: the month after the 5th birthday)."""
    def draw(rng: random.Random, w: Window) -> date:
        start = add_months(date(w.first.year, w.first.month, 1), months_from_first)
        birthday_month = add_months(start, -1)
        first = date(birthday_month.year - 5, birthday_month.month, 1)
        last = add_months(first, 1) - DAY
        return between(rng, first, last)
    return draw


# -- helpers on careers --------------------------------------------------------------------------

def _enrol(ctx: PlantContext, p: Persoon, soort: str, niveau: str, begin: date, einde: date | None = None,
           **kwargs: object) -> Inschrijving | None:
    career = Career(ctx.rng, ctx.registry, p.geboortedatum, ctx.window.last)
    career.items = p.inschrijvingen
    return career.enrol(soort, niveau, begin, einde, **kwargs)  # type: ignore[arg-type]


def _kind_for(p: Persoon, on: date) -> tuple[str, str, str]:
    age = (on - p.geboortedatum).days // 365
    if age < 12:
        return PO, "PO", ""
    if age < 16:
        return VO, "HAVO", ""
    return MBO, "MBO2", "BOL"


def ensure_enrolled(ctx: PlantContext, p: Persoon, since: date) -> Inschrijving:
    """An enrolment valid from `since` through the last peildatum (a new one if the career has none)."""
    for item in p.inschrijvingen:
        if item.geldig(since) and item.einde is None and item.zichtbaar(since):
            return item
    start = date(since.year if since.month >= 8 else since.year - 1, 8, 1)
    p.inschrijvingen = cut_at(p.inschrijvingen, start - DAY)
    soort, niveau, leerweg = _kind_for(p, since)
    item = _enrol(ctx, p, soort, niveau, start, leerweg=leerweg)
    assert item is not None
    return item


def _leave(p: Persoon, at: date) -> None:
    p.inschrijvingen = cut_at(p.inschrijvingen, at)


# -- person kinds --------------------------------------------------------------------------------

def av_nooit(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    assert p
    p.inschrijvingen = []


def av_uitgeschreven(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    assert p
    _leave(p, ctx.window.first - timedelta(days=ctx.rng.randint(10, 120)))


def av_uitgeschreven_in_periode(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    assert p
    ensure_enrolled(ctx, p, ctx.window.schooljaar_start)
    _leave(p, ctx.after_first() - DAY)


def av_herinschrijving(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    assert p
    left = ctx.window.first - timedelta(days=ctx.rng.randint(30, 60))
    _leave(p, left)
    soort, niveau, leerweg = _kind_for(p, ctx.window.first)
    _enrol(ctx, p, soort, niveau, ctx.after_first(), leerweg=leerweg)


def av_onderzoek(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    assert p
    p.inschrijvingen = []
    p.onderzoek = ("080000", ctx.window.first - timedelta(days=ctx.rng.randint(20, 200)))


def not_enrolled(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """Not enrolled anywhere (a child just (about to be) leerplichtig whose parents did nothing)."""
    assert p
    p.inschrijvingen = []


def vsv(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """In funded MBO on 1 October of the convenantjaar, left without a diploma since."""
    assert p
    teldatum = ctx.window.teldatum
    begin = date(teldatum.year, 8, 1)
    _leave(p, begin - DAY)
    strip_diplomas(p.inschrijvingen)
    left = between(ctx.rng, teldatum + timedelta(days=20), ctx.window.first - timedelta(days=7))
    _enrol(ctx, p, MBO, "MBO2", begin, left, leerweg="BOL")


def rmc_geen_inschrijving(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """18-22, left school without a startkwalificatie more than a year ago."""
    assert p
    first = anniversary(p.geboortedatum, 16)
    last = ctx.window.teldatum - timedelta(days=60)
    _leave(p, between(ctx.rng, first, max(first, last)))
    strip_diplomas(p.inschrijvingen)


def sk_niet_ingeschreven(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """18-22 with an MBO 3 diploma (a startkwalificatie), working: no signal."""
    assert p
    end = date(ctx.window.schooljaar_start.year - 1, 7, 10)
    begin = date(end.year - 3, 8, 1)
    _leave(p, begin - DAY)
    _enrol(ctx, p, MBO, "MBO3", begin, end, leerweg="BOL", diploma=end, sk=True)


def certificaat(soort: str) -> Apply:
    """16-17 with a PrO / VSO certificate since July: no kwalificatieplicht (art. 4a lid 2)."""
    def apply(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
        assert p
        end = ctx.window.schooljaar_start - DAY
        begin = date(end.year - 4, 8, 1)
        _leave(p, begin - DAY)
        strip_diplomas(p.inschrijvingen)
        _enrol(ctx, p, soort, soort, begin, end, diploma=end - timedelta(days=20), pro_vso=True)
    return apply


def vrijstelling(grond: str) -> Apply:
    """A vrijstelling on `grond`, with the situation that goes with it; each begins on a day the law
    allows the ground for the child (rules.vrijstellingen.past: art. 5 once leerplicht has begun,
    art. 3a from the 14th birthday, art. 3b in the school year in which the child turns 16)."""
    def apply(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
        assert p
        w = ctx.window
        sy = w.schooljaar_start
        end_of_year = date(sy.year + 1, 7, 31)
        lp_start = leerplicht_start(p.geboortedatum) or sy
        if grond == "LPW_5_A":
            p.inschrijvingen = []
            last_year = max(date(sy.year - 1, 8, 1), lp_start)
            if last_year < sy:
                p.vrijstellingen.append(Vrijstelling(grond, last_year, sy - DAY,
                                                     "verklaring jeugdarts, jaarlijks verlengd"))
            never_fit = ctx.rng.random() < 0.5
            p.vrijstellingen.append(Vrijstelling(grond, max(sy, lp_start), None if never_fit else end_of_year,
                                                 "nooit geschikt" if never_fit else "verklaring jeugdarts"))
        elif grond == "LPW_5_B":
            p.inschrijvingen = []
            p.vrijstellingen.append(Vrijstelling(grond, max(sy, lp_start), end_of_year, "richtingbezwaar"))
        elif grond == "LPW_5_C":
            _leave(p, sy - DAY)
            p.vrijstellingen.append(Vrijstelling(grond, sy, end_of_year,
                                                 "ingeschreven bij school in het buitenland (Antwerpen)"))
        elif grond == "LPW_5A":
            p.inschrijvingen = []
            year = w.first.year if w.first.month <= 10 else w.first.year + 1
            p.vrijstellingen.append(Vrijstelling(grond, date(year, 3, 1), date(year, 10, 31),
                                                 "kermisexploitant, reizend maart-oktober"))
        elif grond == "LPW_3A":
            ensure_enrolled(ctx, p, sy)
            begin = max(sy, anniversary(p.geboortedatum, 14))
            p.vrijstellingen.append(Vrijstelling(grond, begin, end_of_year,
                                                 "vervangende leerplicht, praktijk"))
        elif grond == "LPW_3B":
            _leave(p, sy - DAY)
            strip_diplomas(p.inschrijvingen)
            _enrol(ctx, p, MBO, "MBO2", sy, leerweg="BBL")
            p.vrijstellingen.append(Vrijstelling(grond, sy, end_of_year, "laatste leerplichtjaar op mbo"))
        elif grond == "LPW_15":
            # Left school before the teldatum (so no vsv'er of this convenantjaar); in-company
            # training since, a vrijstelling art. 15 once leerplicht ended.
            _leave(p, w.teldatum - timedelta(days=30))
            strip_diplomas(p.inschrijvingen)
            p.vrijstellingen.append(Vrijstelling(grond, sy, None,
                                                 "voldoende ander onderwijs (bedrijfsopleiding)"))
    return apply


def vrijstelling_nieuw(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """Absoluut verzuim until a vrijstelling art. 5 onder a is registered during the period."""
    assert p
    _leave(p, ctx.window.first - timedelta(days=40))
    w = ctx.window
    # in the second week when there is one (the vrijstellingen file of that week has ISO dates)
    begin = between(ctx.rng, w.first + DAY, w.peildatums[1]) if len(w.peildatums) > 1 else ctx.after_first()
    p.vrijstellingen.append(Vrijstelling("LPW_5_A", begin, None, "verklaring jeugdarts"))


def vrijstelling_verlopen(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """A vrijstelling that ended on 31 July and was not renewed: absoluut verzuim from 1 August."""
    assert p
    sy = ctx.window.schooljaar_start
    _leave(p, sy - timedelta(days=400))
    last_year = date(sy.year - 1, 8, 1)
    p.vrijstellingen.append(Vrijstelling("LPW_5_A", last_year, sy - DAY, "verklaring jeugdarts"))


_REDENEN = {
    "16U_4W": ("ongeoorloofd afwezig", "spijbelen", "te laat komen, herhaaldelijk"),
    "LRV": ("schoolweigering", "psychische klachten", "thuissituatie", "conflict met school"),
    "LUXE": ("vakantie buiten de schoolvakanties", "extra vrije dagen rond feestdag"),
    "RMC": ("werkt naast opleiding", "onbekend", "motivatieproblemen"),
    "OVERIG": ("zorgwekkend ziekteverzuim", "vermoedelijk ongeoorloofd ziek", "ziekte"),
}


def verzuim(soort: str, variant: str = "") -> Apply:
    """A verzuimmelding of `soort`, sent within the period so the weekly files carry it."""
    def apply(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
        assert p
        rng = ctx.rng
        w = ctx.window
        reden = rng.choice(_REDENEN[soort])
        if variant == "thuiszitter":   # LRV since before the summer, still open
            sy = w.schooljaar_start
            begin = between(rng, sy - timedelta(days=60), sy - timedelta(days=40))
            meldingsdatum, einde, gemeld = begin + timedelta(days=7), None, None
        elif variant == "nieuw":       # LRV that turns into a thuiszitter during the period
            begin = w.first - timedelta(days=20)
            meldingsdatum, einde, gemeld = w.first - timedelta(days=rng.randint(1, 6)), None, None
        else:
            meldingsdatum = ctx.in_window(before=7)
            if soort == "LRV":         # reported open, closed later with its einddatum
                begin = meldingsdatum - timedelta(days=rng.randint(5, 10))
                einde = meldingsdatum + timedelta(days=rng.randint(5, 20))
                gemeld = einde + timedelta(days=2)
            else:
                begin = meldingsdatum - timedelta(days=rng.randint(8, 20))
                einde = meldingsdatum - timedelta(days=rng.randint(0, 3))
                gemeld = meldingsdatum
        enrolment = ensure_enrolled(ctx, p, min(begin, w.schooljaar_start))
        dagen = rng.randint(3, 8) if soort in ("16U_4W", "LUXE", "OVERIG") else None
        uren = (dagen or 0) * rng.randint(4, 6) if dagen else None
        if soort == "16U_4W":
            uren = max(16, uren or 16)
        toelichting = rng.choice(("", "ouders gebeld, geen reactie", "leerling & ouders uitgenodigd",
                                  "zorgmelding gedaan", "afspraak met mentor gemaakt"))
        p.meldingen.append(Verzuimmelding(
            meldingsnummer=ctx.meldingsnummer(meldingsdatum), soort=soort, inschrijving=enrolment,
            meldingsdatum=meldingsdatum, begin=begin, einde=einde, einde_gemeld_op=gemeld, reden=reden,
            toelichting=toelichting, dagen=dagen, uren=uren,
        ))
    return apply


def partial_birth(precision: str) -> Apply:
    """The BRP holds the birth date partly unknown (the schools know the real one)."""
    def apply(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
        assert p
        b = p.geboortedatum
        p.geboortedatum_brp = {"dag": f"{b.year:04d}{b.month:02d}00", "maand": f"{b.year:04d}0000",
                               "onbekend": "00000000"}[precision]
        # Haal Centraal: the plain kinds as Datum objects (JaarMaandDatum, JaarDatum,
        # DatumOnbekend), the CONTROLE kinds as GBA strings, so every run has both.
        p.hc_gba_datums = "CONTROLE" in p.geplant[-1]
        if precision != "onbekend" and "CONTROLE" not in p.geplant[-1]:
            ensure_enrolled(ctx, p, ctx.window.schooljaar_start)
    return apply


def born_month_of(years: int) -> BirthRule:
    """Born in the month of the first peildatum, `years` earlier (a birthday inside the period)."""
    def draw(rng: random.Random, w: Window) -> date:
        first = date(w.first.year - years, w.first.month, 1)
        return between(rng, max(first, w.oldest_birth), add_months(first, 1) - DAY)
    return draw


def born_year_of(years: int) -> BirthRule:
    def draw(rng: random.Random, w: Window) -> date:
        return between(rng, date(w.first.year - years, 1, 1), date(w.first.year - years, 12, 31))
    return draw


def overleden(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    assert p
    day = ctx.in_window(before=6)
    p.overlijden = day
    p.opschorting = ("O", day)
    _leave(p, day)


def geheim(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    assert p
    p.geheim = ctx.rng.randint(1, 7)


def onderzoek(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    assert p
    since = ctx.window.first - timedelta(days=ctx.rng.randint(5, 90))
    p.onderzoek = (ctx.rng.choice(("081100", "089999")), since)


def koppeling(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """DUO knows the pupil by onderwijsnummer and also has the BSN (the koppeling)."""
    assert p
    ensure_enrolled(ctx, p, ctx.window.schooljaar_start)
    p.onderwijsnummer = "pending"  # drawn with the chunk's numbers


def inschrijving_fout(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """A school enrols the pupil by mistake and deletes the enrolment a week later (T, then V)."""
    assert p
    ensure_enrolled(ctx, p, ctx.window.schooljaar_start)
    w = ctx.window
    if len(w.peildatums) >= 3:
        day = between(ctx.rng, w.peildatums[0] + DAY, w.peildatums[1])
        deleted = between(ctx.rng, w.peildatums[1] + DAY, w.peildatums[2])
    else:
        day = w.first - timedelta(days=3)
        deleted = w.last + timedelta(days=3)
    soort, niveau, leerweg = _kind_for(p, day)
    item = _enrol(ctx, p, soort, niveau, day, leerweg=leerweg)
    if item is not None:
        item.gemeld_op = day
        item.verwijderd_op = deleted


def niet_bekostigd(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """Enrolled at a b3/b4 school (international, private): it counts as enrolled."""
    assert p
    sy = ctx.window.schooljaar_start
    _leave(p, sy - DAY)
    soort, niveau, leerweg = _kind_for(p, sy)
    soort, niveau = (PO, "PO") if soort == PO else (VO, "VWO")
    _enrol(ctx, p, soort, niveau, sy, bekostigd=False)


def school(soort: str) -> Apply:
    """Make sure the run holds enrolments of the rarer kinds (SO, VSO, PrO, VAVO, HO)."""
    def apply(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
        assert p
        sy = ctx.window.schooljaar_start
        if soort in (SO, VSO, PRO):
            begin = anniversary(p.geboortedatum, 4) if soort == SO else date(sy.year - 1, 8, 1)
            _leave(p, begin - DAY)
            _enrol(ctx, p, soort, soort, begin)
        elif soort == VAVO:
            _leave(p, sy - DAY)
            strip_diplomas(p.inschrijvingen)
            _enrol(ctx, p, VAVO, "HAVO", sy)
        else:
            _leave(p, sy - DAY)
            _enrol(ctx, p, HO, "HBO", date(sy.year, 9, 1))
    return apply


# -- household kinds -----------------------------------------------------------------------------

def _abroad(day: date) -> Woning:
    return Woning(RNI, day, None, "5010")


def verhuisd_van(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """The family moves in from another gemeente; its children keep their schools."""
    elsewhere = ctx.rng.choice(ctx.other_gemeenten)
    day = ctx.in_window(before=25)
    first = g.woningen[0].datum
    g.woningen = [Woning(elsewhere, first, ctx.addresses.draw(elsewhere)),
                  Woning(g.home, day, ctx.addresses.draw(g.home))]


def immigratie_zonder_school(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    """Arrived from abroad two or three weeks ago; the child is not at school yet (grace, then signal)."""
    assert p
    day = ctx.window.first - timedelta(days=ctx.rng.randint(8, 16))
    g.woningen = [Woning(g.home, day, ctx.addresses.draw(g.home))]
    for child in g.kinderen:
        child.geboorteplaats = "buitenland"
        child.inschrijvingen = []
        if child is not p and (day - child.geboortedatum).days >= 4 * 365:
            soort, niveau, leerweg = _kind_for(child, day)
            _enrol(ctx, child, soort, niveau, day + timedelta(days=ctx.rng.randint(3, 10)), leerweg=leerweg)


def verhuisd_naar(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    elsewhere = ctx.rng.choice(ctx.other_gemeenten)
    g.move(Woning(elsewhere, ctx.after_first(), ctx.addresses.draw(elsewhere)))


def verhuisd_binnen(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    g.move(Woning(g.home, ctx.in_window(before=6), ctx.addresses.draw(g.home)))


def emigratie(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
    day = ctx.after_first()
    g.move(_abroad(day))
    for person in g.kinderen + g.ouders:
        if id(person) in g.eigen_woningen:
            continue
        person.opschorting = ("E", day)
        person.inschrijvingen = cut_at(person.inschrijvingen, day - DAY)


def ouder_elders(where: str) -> Apply:
    """The second parent lives at another address: here, in another gemeente, or abroad (RNI)."""
    def apply(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
        if len(g.ouders) < 2:
            return
        parent = g.ouders[1]
        since = g.woningen[-1].datum - timedelta(days=ctx.rng.randint(30, 2000))
        if where == "buitenland":
            g.eigen_woningen[id(parent)] = [_abroad(since)]
            parent.opschorting = ("E", since)
        else:
            code = g.home if where == "hier" else ctx.rng.choice(ctx.other_gemeenten)
            g.eigen_woningen[id(parent)] = [Woning(code, since, ctx.addresses.draw(code))]
        parent.geplant.append(f"OUDER_{where.upper()}")
    return apply


def zonder_brp(kind: str) -> Apply:
    """Known to DUO only: by onderwijsnummer (no BSN), or with a BSN but registered elsewhere."""
    def apply(ctx: PlantContext, g: Gezin, p: Persoon | None) -> None:
        assert p
        ensure_enrolled(ctx, p, ctx.window.schooljaar_start)
        p.in_brp = False
        if kind == "onderwijsnummer":
            p.onderwijsnummer = "pending"
            p.bsn = None
        else:
            p.duo_gemeente_anders = g.home
            elsewhere = ctx.rng.choice(ctx.other_gemeenten)
            g.woningen = [Woning(elsewhere, g.woningen[0].datum, ctx.addresses.draw(elsewhere))]
    return apply


P = Plant
PLANTS: tuple[Plant, ...] = (
    P("AV_NOOIT_INGESCHREVEN", KIND, aged(6, 15), av_nooit, 0.0005),
    P("AV_UITGESCHREVEN", KIND, aged(7, 15), av_uitgeschreven, 0.0008),
    P("AV_UITGESCHREVEN_IN_PERIODE", KIND, aged(7, 15), av_uitgeschreven_in_periode, 0.0004),
    P("AV_HERINSCHRIJVING", KIND, aged(7, 14), av_herinschrijving, 0.0004),
    P("AV_ADRES_IN_ONDERZOEK", KIND, aged(6, 15), av_onderzoek, 0.0002),
    P("AV_NIEUW_LEERPLICHTIG", KIND, leerplicht_starting(-1), not_enrolled, 0.0003),
    P("AV_MARGE_LEERPLICHTIG", KIND, leerplicht_starting(0), not_enrolled, 0.0003),
    P("BIJNA_LEERPLICHTIG", KIND, leerplicht_starting(1), not_enrolled, 0.0005),
    P("BIJNA_LEERPLICHTIG_2", KIND, leerplicht_starting(2), not_enrolled, 0.0002),
    P("AV_IMMIGRATIE_ZONDER_SCHOOL", GEZIN, aged(6, 15), immigratie_zonder_school, 0.0002),
    P("VSV_KWALIFICATIEPLICHTIG", KIND, kwalificatieplicht_age, vsv, 0.0008),
    P("VSV_18_23", KIND, aged(18, 22), vsv, 0.0015),
    P("RMC_GEEN_INSCHRIJVING", KIND, aged(19, 23), rmc_geen_inschrijving, 0.002),
    P("SK_NIET_INGESCHREVEN", KIND, aged(19, 23), sk_niet_ingeschreven, 0.001),
    P("PRO_CERTIFICAAT", KIND, kwalificatieplicht_age, certificaat(PRO), 0.0002),
    P("VSO_CERTIFICAAT", KIND, kwalificatieplicht_age, certificaat(VSO), 0.0002),
    P("VRIJSTELLING_LPW_5_A", KIND, aged(6, 15), vrijstelling("LPW_5_A"), 0.0015),
    P("VRIJSTELLING_LPW_5_B", KIND, aged(5, 11), vrijstelling("LPW_5_B"), 0.0004),
    P("VRIJSTELLING_LPW_5_C", KIND, aged(6, 15), vrijstelling("LPW_5_C"), 0.0004),
    P("VRIJSTELLING_LPW_5A", KIND, aged(6, 12), vrijstelling("LPW_5A"), 0.0002),
    P("VRIJSTELLING_LPW_3A", KIND, aged(14, 15), vrijstelling("LPW_3A"), 0.0002),
    P("VRIJSTELLING_LPW_3B", KIND, born_month_of(16), vrijstelling("LPW_3B"), 0.0002),  # the last year
    P("VRIJSTELLING_LPW_15", KIND, kwalificatieplicht_age, vrijstelling("LPW_15"), 0.0002),
    P("VRIJSTELLING_NIEUW", KIND, aged(6, 15), vrijstelling_nieuw, 0.0002),
    P("VRIJSTELLING_VERLOPEN", KIND, aged(6, 15), vrijstelling_verlopen, 0.0002),
    P("VERZUIM_16U_4W", KIND, aged(12, 16), verzuim("16U_4W"), 0.004),
    P("VERZUIM_LRV", KIND, aged(12, 16), verzuim("LRV"), 0.0008),
    P("VERZUIM_LRV_THUISZITTER", KIND, aged(12, 16), verzuim("LRV", "thuiszitter"), 0.0005),
    P("VERZUIM_LRV_NIEUW", KIND, aged(12, 16), verzuim("LRV", "nieuw"), 0.0003),
    P("VERZUIM_LUXE", KIND, aged(6, 14), verzuim("LUXE"), 0.001),
    P("VERZUIM_RMC", KIND, aged(18, 21), verzuim("RMC"), 0.0008),
    P("VERZUIM_OVERIG", KIND, aged(6, 17), verzuim("OVERIG"), 0.001),
    P("GEBOORTEDATUM_DAG_ONBEKEND", KIND, aged(8, 11), partial_birth("dag"), 0.0003),
    P("GEBOORTEDATUM_MAAND_ONBEKEND", KIND, aged(8, 11), partial_birth("maand"), 0.0002),
    P("GEBOORTEDATUM_ONBEKEND", KIND, aged(8, 11), partial_birth("onbekend"), 0.0001),
    P("GEBOORTEDATUM_DAG_ONBEKEND_CONTROLE", KIND, born_month_of(18), partial_birth("dag"), 0.0001),
    P("GEBOORTEDATUM_MAAND_ONBEKEND_CONTROLE", KIND, born_year_of(5), partial_birth("maand"), 0.0001),
    P("OVERLEDEN", KIND, aged(0, 23), overleden, 0.0001),
    P("EMIGRATIE", GEZIN, aged(2, 16), emigratie, 0.0008),
    P("VERHUISD_NAAR_ANDERE_GEMEENTE", GEZIN, aged(2, 18), verhuisd_naar, 0.002),
    P("VERHUISD_VAN_ANDERE_GEMEENTE", GEZIN, aged(2, 18), verhuisd_van, 0.002),
    P("VERHUISD_BINNEN_GEMEENTE", GEZIN, aged(0, 18), verhuisd_binnen, 0.003),
    P("GEHEIMHOUDING", KIND, aged(0, 23), geheim, 0.003),
    P("ADRES_IN_ONDERZOEK", KIND, aged(5, 17), onderzoek, 0.001),
    P("ONDERWIJSNUMMER_ZONDER_BSN", LOS, aged(12, 18), zonder_brp("onderwijsnummer"), 0.0008),
    P("ONDERWIJSNUMMER_MET_BSN", KIND, aged(12, 18), koppeling, 0.0005),
    P("BSN_NIET_IN_BRP", LOS, aged(12, 18), zonder_brp("bsn"), 0.0003),
    P("INSCHRIJVING_VERWIJDERD", KIND, aged(6, 16), inschrijving_fout, 0.0002),
    P("NIET_BEKOSTIGDE_SCHOOL", KIND, aged(6, 16), niet_bekostigd, 0.002),
    P("OUDER_ANDER_ADRES", GEZIN, aged(2, 16), ouder_elders("hier"), 0.02),
    P("OUDER_ANDERE_GEMEENTE", GEZIN, aged(2, 16), ouder_elders("elders"), 0.015),
    P("OUDER_BUITENLAND", GEZIN, aged(2, 16), ouder_elders("buitenland"), 0.002),
    P("SCHOOL_SO", KIND, aged(6, 11), school(SO), 0.0),
    P("SCHOOL_VSO", KIND, aged(13, 16), school(VSO), 0.0),
    P("SCHOOL_PRO", KIND, aged(13, 16), school(PRO), 0.0),
    P("SCHOOL_VAVO", KIND, aged(18, 20), school(VAVO), 0.001),
    P("SCHOOL_HO", KIND, aged(19, 22), school(HO), 0.0),
)
PLANTS_BY_NAME = {plant.name: plant for plant in PLANTS}
