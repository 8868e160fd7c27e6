"""Retention terms (bewaartermijnen) as pure functions of dates: the day a record must be destroyed.

Why here: like the Leerplichtwet rules, a retention term is law (the Selectielijst gemeenten 2020,
the Wet politiegegevens) with a dated value in `rules/law/`; `registers.retention` applies these
functions to the records. Every function returns a `Vernietiging`: the first day on which the
record is destroyed (`op`; the day before, it is still kept), the term it follows and its reference.

The terms (values in `rules/law/`, evaluated on the day of the run, `on`):

- leerplicht dossier: `bewaartermijn_leerplicht` (19) years after the birth date (Selectielijst
  12.1.3): destroyed on the 19th birthday;
- kwalificatieplicht dossier: `bewaartermijn_kwalificatieplicht` (2) years after the
  kwalificatieplicht ends (Selectielijst 12.1.4): the day after its last day, plus 2 years;
- RMC dossier: `bewaartermijn_rmc` (2) years after the RMC doelgroep ends (startkwalificatie or the
  birthday of the RMC age, 23 or 27 since 1 January 2026, `rules.status.rmc_einde`): the day after
  its last day, plus 2 years;
- proces-verbaal and Halt items: `bewaartermijn_wpg` (5) years after they were recorded (Wpg art. 8
  lid 6; see docs/law.md).

A dossier about several obligations (a case open while the child went from leerplicht to
kwalificatieplicht) follows the longest of their terms: `dossier` takes every obligation whose
period overlaps the dossier's own period. A birth date known only in part is given as its latest
possible day by the caller, so a term is never cut short by a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from rules.dates import anniversary
from rules.parameters import Parameters, active
from rules.status import (
    Periode,
    kwalificatieplicht_einde,
    kwalificatieplicht_start,
    leerplicht_einde,
    leerplicht_start,
    rmc_einde,
    rmc_start,
)

DAG = timedelta(days=1)


class Termijn(StrEnum):
    """The retention terms a register record can follow."""

    LEERPLICHT = "leerplicht"
    KWALIFICATIEPLICHT = "kwalificatieplicht"
    RMC = "rmc"
    WPG = "wpg"

    @property
    def parameter(self) -> str:
        return f"bewaartermijn_{self.value}"


@dataclass(frozen=True)
class Vernietiging:
    """When a record is destroyed: on `op` (kept up to and including the day before)."""

    op: date
    termijn: Termijn
    grondslag: str


def _jaren(termijn: Termijn, on: date, parameters: Parameters) -> tuple[int, str]:
    years = parameters.value(termijn.parameter, on)
    assert isinstance(years, int)
    return years, parameters.reference(termijn.parameter, on)


def _na(termijn: Termijn, start: date, on: date, parameters: Parameters) -> Vernietiging:
    years, reference = _jaren(termijn, on, parameters)
    return Vernietiging(anniversary(start, years), termijn, reference)


def leerplicht(geboortedatum: date, on: date, parameters: Parameters | None = None) -> Vernietiging:
    """A leerplicht dossier: destroyed 19 years after the birth date (on the 19th birthday)."""
    return _na(Termijn.LEERPLICHT, geboortedatum, on, parameters or active())


def kwalificatieplicht(geboortedatum: date, sk_datum: date | None, on: date,
                       parameters: Parameters | None = None) -> Vernietiging | None:
    """A kwalificatieplicht dossier: 2 years after the kwalificatieplicht ended (the day after its last
    day); None when it never applied (a startkwalificatie before it would start)."""
    params = parameters or active()
    einde = kwalificatieplicht_einde(geboortedatum, sk_datum, parameters=params)
    return None if einde is None else _na(Termijn.KWALIFICATIEPLICHT, einde + DAG, on, params)


def rmc(geboortedatum: date, sk_datum: date | None, on: date,
        parameters: Parameters | None = None) -> Vernietiging | None:
    """An RMC dossier: 2 years after the RMC doelgroep ended (startkwalificatie or the RMC age);
    None when the young person was never in it (a startkwalificatie before 18)."""
    params = parameters or active()
    einde = rmc_einde(geboortedatum, sk_datum, parameters=params)
    return None if einde is None else _na(Termijn.RMC, einde + DAG, on, params)


def wpg(verwerkt_op: date, on: date, parameters: Parameters | None = None) -> Vernietiging:
    """A proces-verbaal or Halt item: 5 years after it was first recorded (Wpg art. 8 lid 6)."""
    return _na(Termijn.WPG, verwerkt_op, on, parameters or active())


def _periode(termijn: Termijn, geboortedatum: date, sk_datum: date | None, params: Parameters) -> Periode:
    if termijn is Termijn.LEERPLICHT:
        return Periode(leerplicht_start(geboortedatum, parameters=params),
                       leerplicht_einde(geboortedatum, parameters=params))
    if termijn is Termijn.KWALIFICATIEPLICHT:
        return Periode(kwalificatieplicht_start(geboortedatum, sk_datum, parameters=params),
                       kwalificatieplicht_einde(geboortedatum, sk_datum, parameters=params))
    return Periode(rmc_start(geboortedatum, sk_datum, parameters=params),
                   rmc_einde(geboortedatum, sk_datum, parameters=params))


def _term(termijn: Termijn, geboortedatum: date, sk_datum: date | None, on: date,
          params: Parameters) -> Vernietiging | None:
    if termijn is Termijn.LEERPLICHT:
        return leerplicht(geboortedatum, on, params)
    if termijn is Termijn.KWALIFICATIEPLICHT:
        return kwalificatieplicht(geboortedatum, sk_datum, on, params)
    return rmc(geboortedatum, sk_datum, on, params)


DOSSIER_TERMS = (Termijn.LEERPLICHT, Termijn.KWALIFICATIEPLICHT, Termijn.RMC)


@lru_cache(maxsize=1 << 16)
def _termen(geboortedatum: date, sk_datum: date | None, on: date,
            params: Parameters) -> tuple[tuple[Periode, Vernietiging | None], ...]:
    """Per dossier term: the obligation's period and the term's destruction date (one person's, cached:
    the retention run asks this for every record of the person)."""
    return tuple((_periode(t, geboortedatum, sk_datum, params), _term(t, geboortedatum, sk_datum, on, params))
                 for t in DOSSIER_TERMS)


def dossier(geboortedatum: date, sk_datum: date | None, van: date, tot: date, standaard: Termijn, on: date,
            parameters: Parameters | None = None) -> Vernietiging:
    """The destruction date of a dossier about the days `van`..`tot` (both included).

    It follows the longest term among the obligations (leerplicht, kwalificatieplicht, RMC
    doelgroep) whose period overlaps those days. When none does (a letter before leerplicht starts,
    a dossier after the RMC age), it follows `standaard`, the term of the dossier's kind; where that
    never applied to the person, the kwalificatieplicht and then the leerplicht term.
    """
    if standaard not in DOSSIER_TERMS:
        raise ValueError(f"{standaard} is not a dossier term")
    termen = dict(zip(DOSSIER_TERMS, _termen(geboortedatum, sk_datum, on, parameters or active()),
                      strict=True))
    found = [term for periode, term in termen.values()
             if term is not None and periode.start is not None and periode.einde is not None
             and periode.start <= tot and van <= periode.einde]
    if found:
        return max(found, key=lambda item: item.op)
    for termijn in (standaard, Termijn.KWALIFICATIEPLICHT, Termijn.LEERPLICHT):
        term = termen[termijn][1]
        if term is not None:
            return term
    raise AssertionError("the leerplicht term always applies")  # pragma: no cover


def staging_grens(today: date, parameters: Parameters | None = None) -> date:
    """Deliveries dated before this day have passed the staging period (`bewaartermijn_staging` weeks):
    a delivery of day P is removed on P + the period, kept the day before."""
    weeks = (parameters or active()).value("bewaartermijn_staging", today)
    assert isinstance(weeks, int)
    return today - timedelta(weeks=weeks) + DAG


def audit_grens(today: date, parameters: Parameters | None = None) -> date:
    """Audit rows written before this day have passed `bewaartermijn_audit` years: a row of day W is
    removed on W + the period, kept the day before."""
    years = (parameters or active()).value("bewaartermijn_audit", today)
    assert isinstance(years, int)
    return anniversary(today, -years) + DAG
