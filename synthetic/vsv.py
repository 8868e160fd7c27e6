"""The VSV definitions the truth and DUO's A-reports share (docs/spec.md §2; docs/formats.md).

A voortijdig schoolverlater is younger than 23, was enrolled in funded VO, MBO or VAVO on 1 October
(the teldatum opening the convenantjaar, 1 October - 30 September), is no longer enrolled and has no
startkwalificatie. The age is `vsv_leeftijd` of `rules.parameters` (23: the CBS/DUO definition of the
VSV figure), not the RMC age (27 since 1 January 2026).
"""

from __future__ import annotations

from datetime import date

from rules.dates import anniversary
from rules.parameters import value
from synthetic.model import Inschrijving
from synthetic.schools import VSV_SOORTEN

A01_LEEFTIJD_VAN = 13      # A01 lists uitschrijvingen of persons 13 up to the VSV age (DUO rapportages)


def vsv_leeftijd(d: date) -> int:
    """A vsv'er is younger than this on `d`: the dated parameter `vsv_leeftijd` (CBS/DUO, 23)."""
    return int(value("vsv_leeftijd", d))


def convenantjaar_start(d: date) -> date:
    """1 October opening the convenantjaar that contains `d`."""
    return date(d.year, 10, 1) if d >= date(d.year, 10, 1) else date(d.year - 1, 10, 1)


def convenantjaar_label(teldatum: date) -> str:
    return f"{teldatum.year}-{teldatum.year + 1}"


def telt_voor_startset(item: Inschrijving) -> bool:
    """A funded VO/MBO/VAVO enrolment: the kind that is counted on the teldatum."""
    return item.bekostigd and item.soort in VSV_SOORTEN


def jonger_dan_vsv_leeftijd(geboortedatum: date, d: date) -> bool:
    return d < anniversary(geboortedatum, vsv_leeftijd(d))
