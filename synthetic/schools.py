"""The schools of the synthetic municipality: BRIN codes, kinds, levels and the codes DUO uses.

One registry per run, drawn from (seed, gemeenten, size) before any chunk, so every chunk sees
the same schools. Pupils attend schools of their kind and level; the woongemeente in DUO rows is
the pupil's, never the school's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from synthetic.addresses import gemeente

# Onderwijssoorten as DUO delivers them (docs/formats.md §2.1).
PO, SO, VO, VSO, PRO, MBO, VAVO, HO = "PO", "SO", "VO", "VSO", "PRO", "MBO", "VAVO", "HO"
# Kinds whose funded enrolments count for the VSV startset (docs/spec.md §2, docs/formats.md §5.1).
VSV_SOORTEN = frozenset({VO, MBO, VAVO})


@dataclass(frozen=True, slots=True)
class School:
    brin: str
    vestiging: str
    naam: str
    soort: str
    niveaus: tuple[str, ...]
    bekostigd: bool
    gemeentecode: str
    melder: str
    melder_functie: str
    telefoon: str
    email: str


# Elementcodes (VO) per level and phase, CREBO codes (MBO) per level, CROHO codes (HO):
# plausible values in the shape DUO uses; the readers only carry them.
VO_CODES = {
    ("VMBO", "BL", False): "2731", ("VMBO", "BL", True): "2741",
    ("VMBO", "KL", False): "2831", ("VMBO", "KL", True): "2841",
    ("VMBO", "GL", False): "2931", ("VMBO", "GL", True): "2941",
    ("VMBO", "TL", False): "0400", ("VMBO", "TL", True): "0430",
    ("HAVO", "", False): "0300", ("HAVO", "", True): "0373",
    ("VWO", "", False): "0100", ("VWO", "", True): "0173",
}
PRO_CODE = "0090"
VSO_CODE = "0950"
CREBO = {
    "MBO1": ("25998", "25997"),
    "MBO2": ("25250", "25255", "25407", "25496", "25602"),
    "MBO3": ("25180", "25409", "25476", "25693", "25141"),
    "MBO4": ("25604", "25187", "25480", "25655", "25591", "25196"),
}
CROHO = {"HBO": ("34402", "34139", "39206", "34035"), "WO": ("56952", "50206", "56828", "66827")}

_PO_NAMES = ("De Regenboog", "Het Anker", "De Wegwijzer", "De Springplank", "De Vlinder",
             "Het Kompas", "De Klimop", "De Zonnewijzer", "Het Palet", "De Tweemaster",
             "Montessorischool Oost", "De Vuurtoren", "Het Mozaïek", "De Piramide", "Het Baken")
_PO_PREFIX = ("OBS", "CBS", "RKBS", "PCBS", "Basisschool", "IKC")
_VO_NAMES = ("Het Baken", "Lyceum aan de Stroom", "Stedelijk Gymnasium", "SG Kunst & Cultuur",
             "College De Brug", "Het Nieuwe Lyceum", "Vakcollege Noord", "Montessori College",
             "Christelijk Lyceum", "Scholengemeenschap Zuid", "Het Atrium", "Mavo Centrum")
_MBO_NAMES = ("ROC van de Stad", "Mediacollege", "Zorgcollege", "ROC Techniek & Vakmanschap",
              "Horizon College", "Regio College")
_FUNCTIES = ("verzuimcoördinator", "intern begeleider", "teamleider", "zorgcoördinator",
             "leerlingadministratie", "mentor")


@dataclass(frozen=True)
class SchoolRegistry:
    schools: tuple[School, ...]
    # (soort, niveau, bekostigd) -> schools offering it; niveau "" for kinds without levels.
    by_kind: dict[tuple[str, str, bool], tuple[School, ...]]

    def pick(self, rng: random.Random, soort: str, niveau: str = "", bekostigd: bool = True) -> School:
        """A school of this kind and level (funded unless asked otherwise, and when there is one)."""
        key = (soort, niveau if soort in (VO, MBO, VAVO, HO) else "", bekostigd)
        options = self.by_kind.get(key) or self.by_kind[(key[0], key[1], not bekostigd)]
        return options[rng.randrange(len(options))]


def _brin_codes(rng: random.Random, count: int) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    space = 100 * 26 * 26
    picked = rng.sample(range(space), count)
    return [f"{n // 676:02d}{letters[(n // 26) % 26]}{letters[n % 26]}" for n in picked]


def _slug(naam: str) -> str:
    keep = "".join(ch.lower() if ch.isalnum() else "-" for ch in naam if ch.isascii())
    return "-".join(part for part in keep.split("-") if part)[:30] or "school"


def build_registry(seed: int, gemeenten: tuple[str, ...], persons: int) -> SchoolRegistry:
    """Schools in proportion to the population (a few PO schools per 1,000 children), capped."""
    from synthetic.names import draw_melder  # names are only needed here, once

    rng = random.Random(f"inbeeld-schools:{seed}:{','.join(gemeenten)}:{persons}")
    per_gemeente = max(1, persons // max(1, len(gemeenten)))
    plan: list[tuple[str, tuple[str, ...], bool, str]] = []
    for code in gemeenten:
        n_po = max(3, min(1500, per_gemeente // 350))
        n_vo = max(3, min(600, per_gemeente // 2500))
        plan += [(PO, ("PO",), True, code)] * n_po
        plan += [(SO, ("SO",), True, code)] * max(1, per_gemeente // 8000)
        plan += [(VSO, ("VSO",), True, code)] * max(1, per_gemeente // 8000)
        plan += [(PRO, ("PRO",), True, code)] * max(1, per_gemeente // 10000)
        for i in range(n_vo):
            niveaus = (("VMBO", "HAVO", "VWO"), ("HAVO", "VWO"), ("VMBO",), ("VWO",), ("VMBO", "HAVO"))[i % 5]
            plan.append((VO, niveaus, True, code))
        # b3/b4 schools (particulier, internationaal) report to DUO since 1 August 2023.
        plan.append((PO, ("PO",), False, code))
        plan.append((VO, ("HAVO", "VWO"), False, code))
    first = gemeenten[0]
    n_mbo = max(2, min(200, persons // 15000))
    plan += [(MBO, ("MBO1", "MBO2", "MBO3", "MBO4"), True, first)] * n_mbo
    plan.append((MBO, ("MBO2", "MBO3", "MBO4"), False, first))
    plan += [(VAVO, ("VMBO", "HAVO", "VWO"), True, first)] * max(1, n_mbo // 3)
    plan += [(HO, ("HBO",), True, first), (HO, ("HBO",), True, first), (HO, ("WO",), True, first)]

    brins = _brin_codes(rng, len(plan))
    schools: list[School] = []
    for (soort, niveaus, bekostigd, code), brin in zip(plan, brins, strict=True):
        if soort in (PO, SO):
            naam = f"{rng.choice(_PO_PREFIX)} {rng.choice(_PO_NAMES)}"
        elif soort in (VO, VSO, PRO):
            base = rng.choice(_VO_NAMES)
            naam = {VSO: f"VSO {base}", PRO: f"Praktijkschool {base}"}.get(soort, base)
        elif soort == MBO:
            naam = rng.choice(_MBO_NAMES)
        elif soort == VAVO:
            naam = "VAVO Lyceum"
        else:
            naam = "Hogeschool van de Stad" if niveaus == ("HBO",) else "Universiteit van de Stad"
        if not bekostigd:
            naam = (f"International School {gemeente(code).naam}" if soort != MBO
                    else "Particulier Opleidingsinstituut")
        schools.append(School(
            brin=brin, vestiging="00" if rng.random() < 0.8 else f"{rng.randint(1, 5):02d}", naam=naam,
            soort=soort, niveaus=niveaus, bekostigd=bekostigd, gemeentecode=code,
            melder=draw_melder(rng), melder_functie=rng.choice(_FUNCTIES),
            telefoon=f"0{rng.randint(10, 79)}-{rng.randint(1000000, 9999999)}",
            email=f"verzuim@{_slug(naam)}-{brin.lower()}.nl",
        ))
    by_kind: dict[tuple[str, str, bool], list[School]] = {}
    for school in schools:
        for niveau in school.niveaus:
            key = (school.soort, niveau if school.soort in (VO, MBO, VAVO, HO) else "", school.bekostigd)
            by_kind.setdefault(key, []).append(school)
    return SchoolRegistry(tuple(schools), {k: tuple(v) for k, v in by_kind.items()})


def schooljaar(d: date) -> int:
    """The calendar year in which the school year of `d` began (school years start 1 August)."""
    return d.year if d.month >= 8 else d.year - 1


def onderwijscode(soort: str, niveau: str, leerweg: str, leerjaar: int, vaste_code: str) -> str:
    """The elementcode of a VO enrolment in this leerjaar (onderbouw/bovenbouw), else the fixed code."""
    if soort in (VO, VAVO):
        bovenbouw = leerjaar >= 3 if niveau == "VMBO" else leerjaar >= 4
        if soort == VAVO:
            bovenbouw = True
        return VO_CODES[(niveau, (leerweg or "TL") if niveau == "VMBO" else "", bovenbouw)]
    if soort == PRO:
        return PRO_CODE
    if soort == VSO:
        return VSO_CODE
    return vaste_code
