"""The Leerplichtwet 1969 (BWBR0002628) status of a person on a peildatum, as pure functions of dates.

How dated parameters are applied: a rule holds on a day when its condition holds under the parameter
values in force on that day. The status on a peildatum therefore uses the values of that day, and a
`*_start`/`*_einde` date is the first/last day on which the rule holds, found per stretch of days
with constant values (`Parameters.segments`). With today's values each rule holds on one unbroken
stretch of days; after a change such as raising the RMC age, someone may leave a status and come
back into it (a 24-year-old on the day the age becomes 27), and the status, not the dates, says
what holds on the peildatum.

Every status is one of five life phases of the person on the peildatum (`Fase`), mapped to a
status by the startkwalificatie (SK) and the praktijkonderwijs/VSO certificate. The phase only
ever decreases as the birth date moves later, which is what makes `bepaal_status_onzeker` exact
without trying every possible birth date. `rules.sql` implements the same definitions in SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum, StrEnum
from typing import Literal

from rules.dates import MaandDag, PartialDate, anniversary, first_of_next_month, schooljaar_einde
from rules.parameters import PARAMETERS, Parameters, ParameterValue, active

LPW = "Leerplichtwet 1969 (BWBR0002628)"
# On this day the Wet van school naar duurzaam werk (Kamerstuk 36 667) replaced WEB titel 8.3 by
# hoofdstuk 9 titel 9.2 (the Doorstroompuntfunctie): a grondslag names the articles of the text in force.
# The date is the dated value of `web_doorstroompunt` (rules/law/wet/web.toml), which the letters cite too.
WEB_TITEL_9_2 = next(item.since for item in PARAMETERS.parameter("web_doorstroompunt").values
                     if "titel 9.2" in str(item.value))
DAG = timedelta(days=1)

# The parameters each rule reads (their segments bound the days on which the rule can hold).
LEERPLICHT_PARAMETERS = ("leerplicht_startleeftijd", "leerplicht_eindleeftijd", "schooljaar_start")
KWALIFICATIEPLICHT_PARAMETERS = (*LEERPLICHT_PARAMETERS, "kwalificatieplicht_leeftijd")
RMC_PARAMETERS = (*KWALIFICATIEPLICHT_PARAMETERS, "rmc_leeftijd")
STATUS_PARAMETERS = RMC_PARAMETERS


class StatusCode(StrEnum):
    """The status of a person on a peildatum (docs/spec.md §4.1, §7)."""

    NIET_LEERPLICHTIG = "niet_leerplichtig"  # not yet obliged: before leerplicht starts
    LEERPLICHTIG = "leerplichtig"
    KWALIFICATIEPLICHTIG = "kwalificatieplichtig"
    RMC_DOELGROEP = "rmc_doelgroep"
    GEEN = "geen"  # past every obligation or the RMC age, or SK / PrO-VSO certificate obtained

    @property
    def omschrijving(self) -> str:
        """A Dutch phrase for readers of lists and the command line."""
        return {
            StatusCode.NIET_LEERPLICHTIG: "nog niet leerplichtig",
            StatusCode.LEERPLICHTIG: "leerplichtig",
            StatusCode.KWALIFICATIEPLICHTIG: "kwalificatieplichtig",
            StatusCode.RMC_DOELGROEP: "RMC-doelgroep (zonder startkwalificatie)",
            StatusCode.GEEN: "geen leerplicht, kwalificatieplicht of RMC-doelgroep",
        }[self]


class Fase(IntEnum):
    """Where a person is in life on a peildatum, before SK or certificates are taken into account."""

    VOOR_LEERPLICHT = 0
    LEERPLICHT = 1
    TOT_KWALIFICATIEPLICHT_LEEFTIJD = 2  # leerplicht over, younger than 18
    TOT_RMC_LEEFTIJD = 3  # 18 up to 23
    NA_RMC_LEEFTIJD = 4


# -- boundaries of one birth date under one set of parameter values --------------------------------


@dataclass(frozen=True)
class _Grenzen:
    leerplicht_start: date  # first day of leerplicht
    leerplicht_einde: date  # last day of leerplicht
    kwalificatieplicht_leeftijd: date | None  # the 18th birthday: first day past the kwalificatieplicht age
    rmc_leeftijd: date | None  # the birthday of the RMC age: first day past it (None: not asked for)


def _grenzen(geboortedatum: date, values: Mapping[str, ParameterValue], twaalf: date | None) -> _Grenzen:
    start_age = values["leerplicht_startleeftijd"]
    end_age = values["leerplicht_eindleeftijd"]
    school_year = values["schooljaar_start"]
    assert isinstance(start_age, int) and isinstance(end_age, int) and isinstance(school_year, MaandDag)
    einde = schooljaar_einde(anniversary(geboortedatum, end_age), school_year)
    if twaalf is not None:
        einde = min(einde, twaalf)
    kp_age, rmc_age = values.get("kwalificatieplicht_leeftijd"), values.get("rmc_leeftijd")
    return _Grenzen(
        leerplicht_start=first_of_next_month(anniversary(geboortedatum, start_age)),
        leerplicht_einde=einde,
        kwalificatieplicht_leeftijd=None if kp_age is None else anniversary(geboortedatum, int(kp_age)),
        rmc_leeftijd=None if rmc_age is None else anniversary(geboortedatum, int(rmc_age)),
    )


def _fase(peildatum: date, g: _Grenzen) -> Fase:
    assert g.kwalificatieplicht_leeftijd is not None and g.rmc_leeftijd is not None
    if peildatum < g.leerplicht_start:
        return Fase.VOOR_LEERPLICHT
    if peildatum <= g.leerplicht_einde:
        return Fase.LEERPLICHT
    if peildatum < g.kwalificatieplicht_leeftijd:
        return Fase.TOT_KWALIFICATIEPLICHT_LEEFTIJD
    if peildatum < g.rmc_leeftijd:
        return Fase.TOT_RMC_LEEFTIJD
    return Fase.NA_RMC_LEEFTIJD


def _voor(peildatum: date, datum: date | None) -> bool:
    """True when `datum` (an SK or certificate date) is unknown or still after the peildatum."""
    return datum is None or peildatum < datum


def status_uit_fase(fase: Fase, peildatum: date, sk_datum: date | None = None,
                    pro_vso_datum: date | None = None) -> StatusCode:
    """The status for a phase: an SK ends kwalificatieplicht and RMC (art. 4b), a PrO/VSO certificate
    ends kwalificatieplicht (art. 4a lid 2); leerplicht itself is not ended by a diploma (art. 3).

    A 16- or 17-year-old whose kwalificatieplicht a PrO/VSO certificate ended, without SK, is in the RMC
    doelgroep: the Leerplichtwet no longer applies to them (WEB art. 8.1.8 lid 1 onder a) and they are
    a voortijdig schoolverlater unless they work (art. 8.3.1 lid 2; since 1 January 2026 WEB titel 9.2),
    which InBeeld cannot know."""
    if fase == Fase.VOOR_LEERPLICHT:
        return StatusCode.NIET_LEERPLICHTIG
    if fase == Fase.LEERPLICHT:
        return StatusCode.LEERPLICHTIG
    if fase == Fase.TOT_KWALIFICATIEPLICHT_LEEFTIJD:
        if not _voor(peildatum, sk_datum):
            return StatusCode.GEEN
        if not _voor(peildatum, pro_vso_datum):
            return StatusCode.RMC_DOELGROEP
        return StatusCode.KWALIFICATIEPLICHTIG
    if fase == Fase.TOT_RMC_LEEFTIJD:
        return StatusCode.RMC_DOELGROEP if _voor(peildatum, sk_datum) else StatusCode.GEEN
    return StatusCode.GEEN


def _values_on(names: tuple[str, ...], on: date, parameters: Parameters) -> dict[str, ParameterValue]:
    return {name: parameters.value(name, on) for name in names}


def bepaal_fase(geboortedatum: date, peildatum: date, twaalf_schooljaren_einde: date | None = None,
                parameters: Parameters | None = None) -> Fase:
    """The life phase on the peildatum, under the parameter values in force on the peildatum."""
    params = parameters or active()
    values = _values_on(STATUS_PARAMETERS, peildatum, params)
    return _fase(peildatum, _grenzen(geboortedatum, values, twaalf_schooljaren_einde))


# -- first and last day of each rule ------------------------------------------------------------------


def _min(*dates: date | None) -> date | None:
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def _max(*dates: date | None) -> date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def _min_dag(d: date | None) -> date | None:
    return None if d is None else d - DAG


@dataclass(frozen=True)
class Periode:
    """First and last day on which a rule holds (None: never)."""

    start: date | None
    einde: date | None


Soort = Literal["leerplicht", "kwalificatieplicht", "rmc"]


def _periode(soort: Soort, geboortedatum: date, sk_datum: date | None, pro_vso_datum: date | None,
             twaalf: date | None, parameters: Parameters) -> Periode:
    """First and last day on which `soort` holds, over all stretches of constant parameter values.

    In a stretch [s, t) the rule holds from max(s, lower bound) to min(t - 1, upper bound); the
    bounds are those of `_fase` and `status_uit_fase`, so these dates agree with the per-day status.
    """
    names = {"leerplicht": LEERPLICHT_PARAMETERS, "kwalificatieplicht": KWALIFICATIEPLICHT_PARAMETERS,
             "rmc": RMC_PARAMETERS}[soort]
    starts: list[date] = []
    eindes: list[date] = []
    for segment in parameters.segments(names):
        g = _grenzen(geboortedatum, segment.values, twaalf)
        if soort == "leerplicht":
            lower = _max(segment.start, g.leerplicht_start)
            upper = _min(g.leerplicht_einde, _min_dag(segment.end))
        elif soort == "kwalificatieplicht":
            lower = _max(segment.start, g.leerplicht_start, g.leerplicht_einde + DAG)
            upper = _min(_min_dag(g.kwalificatieplicht_leeftijd), _min_dag(segment.end),
                         _min_dag(sk_datum), _min_dag(pro_vso_datum))
        else:
            lower = _max(segment.start, g.leerplicht_start, g.leerplicht_einde + DAG,
                         _min(g.kwalificatieplicht_leeftijd, pro_vso_datum))
            upper = _min(_min_dag(g.rmc_leeftijd), _min_dag(segment.end), _min_dag(sk_datum))
        assert lower is not None and upper is not None
        if lower <= upper:
            starts.append(lower)
            eindes.append(upper)
    return Periode(_min(*starts), _max(*eindes))


def leerplicht_start(geboortedatum: date, *, parameters: Parameters | None = None) -> date | None:
    """First day of leerplicht: the first day of the month after the month in which the child turns 5.

    Leerplichtwet 1969 (BWBR0002628) art. 3 lid 1 ("de eerste schooldag van de maand volgende op die
    waarin de jongere de leeftijd van vijf jaar bereikt"). The first calendar day stands in for the
    first school day; the grace period `marge_leerplicht_start` covers the difference.
    """
    return _periode("leerplicht", geboortedatum, None, None, None, parameters or active()).start


def leerplicht_einde(geboortedatum: date, twaalf_schooljaren_einde: date | None = None, *,
                     parameters: Parameters | None = None) -> date | None:
    """Last day of leerplicht: the end of the school year (1 August - 31 July) in which the young
    person turns 16, or earlier the end of the school year after 12 full school years when known.

    Leerplichtwet 1969 (BWBR0002628) art. 3 lid 1 onder a en b, lid 2.
    """
    params = parameters or active()
    return _periode("leerplicht", geboortedatum, None, None, twaalf_schooljaren_einde, params).einde


def einde_na_schooljaren(eerste_volledige_schooljaar: int, *, parameters: Parameters | None = None) -> date:
    """The end of the school year after which 12 full school years were attended, counting from the
    school year that starts on 1 August of `eerste_volledige_schooljaar`.

    Leerplichtwet 1969 (BWBR0002628) art. 3 lid 1 onder a; art. 3 lid 2 (basisschool in fewer than
    8 years counts as 8) is for the caller to apply when counting.
    """
    params = parameters or active()
    start = params.value("schooljaar_start", date(eerste_volledige_schooljaar, 12, 31))
    assert isinstance(start, MaandDag)
    jaren = int(params.value("leerplicht_schooljaren", start.in_jaar(eerste_volledige_schooljaar)))
    return start.in_jaar(eerste_volledige_schooljaar + jaren) - DAG


def kwalificatieplicht_start(geboortedatum: date, sk_datum: date | None = None,
                             pro_vso_datum: date | None = None,
                             twaalf_schooljaren_einde: date | None = None, *,
                             parameters: Parameters | None = None) -> date | None:
    """First day of kwalificatieplicht: the day after leerplicht ends; None when it never applies.

    Leerplichtwet 1969 (BWBR0002628) art. 4b ("vangt aan direct na het einde van de leerplicht").
    """
    return _periode("kwalificatieplicht", geboortedatum, sk_datum, pro_vso_datum,
                    twaalf_schooljaren_einde, parameters or active()).start


def kwalificatieplicht_einde(geboortedatum: date, sk_datum: date | None = None,
                             pro_vso_datum: date | None = None,
                             twaalf_schooljaren_einde: date | None = None, *,
                             parameters: Parameters | None = None) -> date | None:
    """Last day of kwalificatieplicht: the day before the 18th birthday or before the startkwalificatie
    is obtained, whichever is first. None when an SK or a praktijkonderwijs / VSO arbeidsmarkt-
    dagbesteding certificate came before kwalificatieplicht would start.

    Leerplichtwet 1969 (BWBR0002628) art. 4a lid 1 en 2, art. 4b.
    """
    return _periode("kwalificatieplicht", geboortedatum, sk_datum, pro_vso_datum,
                    twaalf_schooljaren_einde, parameters or active()).einde


def rmc_start(geboortedatum: date, sk_datum: date | None = None,
              twaalf_schooljaren_einde: date | None = None, *, pro_vso_datum: date | None = None,
              parameters: Parameters | None = None) -> date | None:
    """First day in the RMC doelgroep: the 18th birthday, without SK; None when SK came first. With a
    PrO/VSO certificate after leerplicht, the day of the certificate (the kwalificatieplicht ends).

    Wet educatie en beroepsonderwijs (BWBR0007625) titel 8.3, art. 8.1.8 lid 1 onder a (since 1 January
    2026 hoofdstuk 9 titel 9.2); the lower bound
    is the end of the kwalificatieplicht (Leerplichtwet 1969 art. 4a lid 2, art. 4b).
    """
    return _periode("rmc", geboortedatum, sk_datum, pro_vso_datum, twaalf_schooljaren_einde,
                    parameters or active()).start


def rmc_einde(geboortedatum: date, sk_datum: date | None = None,
              twaalf_schooljaren_einde: date | None = None, *, pro_vso_datum: date | None = None,
              parameters: Parameters | None = None) -> date | None:
    """Last day in the RMC doelgroep: the day before the birthday of the RMC age (a dated parameter:
    23, 27 from 1 January 2026; every dated value counts here, `bepaal_status` gives the date under the
    law of its peildatum), or the day before an SK obtained after 18; None when the SK came first.

    Wet educatie en beroepsonderwijs (BWBR0007625) titel 8.3; since 1 January 2026 hoofdstuk 9 titel 9.2
    (Doorstroompuntfunctie, formerly RMC).
    """
    return _periode("rmc", geboortedatum, sk_datum, pro_vso_datum, twaalf_schooljaren_einde,
                    parameters or active()).einde


# -- the status ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """The status on a peildatum with the first and last day of each obligation (None: does not apply)."""

    status: StatusCode
    geboortedatum: date
    peildatum: date
    leerplicht_start: date | None
    leerplicht_einde: date | None
    kwalificatieplicht_start: date | None
    kwalificatieplicht_einde: date | None
    rmc_start: date | None
    rmc_einde: date | None
    grondslag: str
    fase: Fase

    def as_dict(self) -> dict[str, str | None]:
        """JSON-ready: ISO dates, None for what does not apply (the contract of `inbeeld status --json`)."""
        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "status": str(self.status),
            "geboortedatum": iso(self.geboortedatum),
            "peildatum": iso(self.peildatum),
            "leerplicht_start": iso(self.leerplicht_start),
            "leerplicht_einde": iso(self.leerplicht_einde),
            "kwalificatieplicht_start": iso(self.kwalificatieplicht_start),
            "kwalificatieplicht_einde": iso(self.kwalificatieplicht_einde),
            "rmc_start": iso(self.rmc_start),
            "rmc_einde": iso(self.rmc_einde),
            "grondslag": self.grondslag,
        }


def _grondslag(status: StatusCode, fase: Fase, peildatum: date, sk_datum: date | None,
               parameters: Parameters) -> str:
    if status in (StatusCode.NIET_LEERPLICHTIG, StatusCode.LEERPLICHTIG):
        return parameters.reference("leerplicht_startleeftijd", peildatum)
    if status == StatusCode.KWALIFICATIEPLICHTIG:
        return parameters.reference("kwalificatieplicht_leeftijd", peildatum)
    if status == StatusCode.RMC_DOELGROEP and fase == Fase.TOT_KWALIFICATIEPLICHT_LEEFTIJD:
        artikelen = ("art. 8.1.8 lid 1 onder a en art. 8.3.1" if peildatum < WEB_TITEL_9_2
                     else "voortijdig schoolverlater in de zin van titel 9.2")
        return (f"{parameters.reference('rmc_leeftijd', peildatum)}; {artikelen} "
                f"(getuigschrift praktijkonderwijs of VSO: {LPW} art. 4a lid 2)")
    if status == StatusCode.RMC_DOELGROEP:
        return parameters.reference("rmc_leeftijd", peildatum)
    if fase == Fase.NA_RMC_LEEFTIJD:
        return (f"{parameters.reference('kwalificatieplicht_leeftijd', peildatum)}; "
                f"{parameters.reference('rmc_leeftijd', peildatum)}")
    if not _voor(peildatum, sk_datum):
        return f"{LPW} art. 4b (startkwalificatie behaald)"
    return f"{LPW} art. 4a lid 2 (getuigschrift praktijkonderwijs of VSO)"


def bepaal_status(geboortedatum: date, peildatum: date, sk_datum: date | None = None,
                  pro_vso_datum: date | None = None, twaalf_schooljaren_einde: date | None = None,
                  *, parameters: Parameters | None = None) -> Status:
    """The status of a person on `peildatum` (docs/spec.md §4.1), with the article it rests on.

    Leerplichtwet 1969 (BWBR0002628) art. 3 lid 1 (leerplicht), art. 4a en 4b (kwalificatieplicht);
    Wet educatie en beroepsonderwijs titel 8.3, since 1 January 2026 titel 9.2 (RMC doelgroep). Raises
    ParameterError for a peildatum before the law InBeeld encodes (1 August 2007).

    The first and last days are those of the law in force on the peildatum (docs/spec.md §4.1): on
    31 December 2025 `rmc_einde` is the day before the 23rd birthday, on 1 January 2026 the day
    before the 27th. The functions `rmc_einde` etc. without a peildatum use every dated value.
    """
    params = parameters or active()
    fase = bepaal_fase(geboortedatum, peildatum, twaalf_schooljaren_einde, params)
    status = status_uit_fase(fase, peildatum, sk_datum, pro_vso_datum)
    in_force = params.as_of(peildatum)
    lp = _periode("leerplicht", geboortedatum, sk_datum, pro_vso_datum, twaalf_schooljaren_einde, in_force)
    kp = _periode("kwalificatieplicht", geboortedatum, sk_datum, pro_vso_datum, twaalf_schooljaren_einde,
                  in_force)
    rmc = _periode("rmc", geboortedatum, sk_datum, pro_vso_datum, twaalf_schooljaren_einde, in_force)
    return Status(
        status=status,
        geboortedatum=geboortedatum,
        peildatum=peildatum,
        leerplicht_start=lp.start,
        leerplicht_einde=lp.einde,
        kwalificatieplicht_start=kp.start,
        kwalificatieplicht_einde=kp.einde,
        rmc_start=rmc.start,
        rmc_einde=rmc.einde,
        grondslag=_grondslag(status, fase, peildatum, sk_datum, params),
        fase=fase,
    )


# -- partly unknown birth dates -----------------------------------------------------------------------


@dataclass(frozen=True)
class StatusBereik:
    """The statuses a person with a partly unknown birth date may have on the peildatum.

    `vroegst`/`laatst` are the statuses for the earliest and latest possible birth date;
    `mogelijke_statussen` is every status some possible birth date gives. When more than one is
    possible, `controle_nodig` is True and `status` is None: a person must check, InBeeld never guesses.
    """

    geboortedatum: PartialDate
    peildatum: date
    vroegst: Status
    laatst: Status
    mogelijke_statussen: frozenset[StatusCode]

    @property
    def controle_nodig(self) -> bool:
        return len(self.mogelijke_statussen) > 1

    @property
    def status(self) -> StatusCode | None:
        return None if self.controle_nodig else self.vroegst.status

    @property
    def status_vroegst(self) -> StatusCode:
        return self.vroegst.status

    @property
    def status_laatst(self) -> StatusCode:
        return self.laatst.status

    def as_dict(self) -> dict[str, object]:
        """JSON-ready. A date or grondslag is given only where both ends agree, else None: no guesses."""
        vroegst, laatst = self.vroegst.as_dict(), self.laatst.as_dict()
        agreed = {key: (vroegst[key] if vroegst[key] == laatst[key] else None) for key in vroegst}
        exact = self.geboortedatum.exact
        return {
            "status": None if self.status is None else str(self.status),
            "geboortedatum": exact.isoformat() if exact else None,
            "geboortedatum_precisie": self.geboortedatum.precision,
            "peildatum": self.peildatum.isoformat(),
            **{key: agreed[key] for key in vroegst if key.endswith(("_start", "_einde"))},
            "grondslag": None if self.controle_nodig else agreed["grondslag"],
            "controle_nodig": self.controle_nodig,
            "status_vroegst": str(self.status_vroegst),
            "status_laatst": str(self.status_laatst),
            "mogelijke_statussen": sorted(str(s) for s in self.mogelijke_statussen),
            "geboortedatum_gba": self.geboortedatum.gba,
            "geboortedatum_vroegst": self.vroegst.geboortedatum.isoformat(),
            "geboortedatum_laatst": self.laatst.geboortedatum.isoformat(),
        }


def bepaal_status_onzeker(geboortedatum: PartialDate | date | str, peildatum: date,
                          sk_datum: date | None = None, pro_vso_datum: date | None = None,
                          twaalf_schooljaren_einde: date | None = None, *,
                          parameters: Parameters | None = None) -> StatusBereik:
    """The possible statuses on `peildatum` for a birth date that may be only partly known.

    For a fixed peildatum the life phase (`Fase`) never increases as the birth date moves later, and
    with InBeeld's parameters no phase can be skipped between two consecutive birth dates (each phase
    lasts longer than any jump of its bounds), so the possible phases are exactly those between the
    phases of the latest and the earliest birth date. For an exact date this equals `bepaal_status`
    with `controle_nodig` False. Leerplichtwet 1969 (BWBR0002628) art. 3, 4a, 4b; docs/spec.md §4.1.
    """
    params = parameters or active()
    if isinstance(geboortedatum, str):
        geboortedatum = PartialDate.parse(geboortedatum)
    elif isinstance(geboortedatum, date):
        geboortedatum = PartialDate.from_date(geboortedatum)
    extra = (sk_datum, pro_vso_datum, twaalf_schooljaren_einde)
    vroegst = bepaal_status(geboortedatum.earliest, peildatum, *extra, parameters=params)
    if geboortedatum.exact is not None:
        laatst = vroegst
    else:
        laatst = bepaal_status(geboortedatum.latest, peildatum, *extra, parameters=params)
    mogelijk = frozenset(
        status_uit_fase(Fase(f), peildatum, sk_datum, pro_vso_datum)
        for f in range(laatst.fase, vroegst.fase + 1)
    )
    return StatusBereik(geboortedatum, peildatum, vroegst, laatst, mogelijk)
