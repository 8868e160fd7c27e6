"""The VSV definitions the truth and DUO's A-reports share (docs/spec.md §2; docs/formats.md).

A voortijdig schoolverlater is younger than 23, was enrolled in funded VO, MBO or VAVO on 1 October
(the teldatum opening the convenantjaar, 1 October - 30 September), is no longer enrolled and has no
startkwalificatie. The age 23 is the CBS/DUO definition of the VSV figure, not the RMC age of
`rules.parameters` (a bill may move the two apart).
"""

from __future__ import annotations

from datetime import date

from rules.dates import anniversary
from synthetic.model import Inschrijving
from synthetic.schools import VSV_SOORTEN

VSV_LEEFTIJD = 23          # younger than this on the peildatum (CBS, "12 tot 23 jaar")
A01_LEEFTIJD_VAN = 13      # A01 lists uitschrijvingen of persons 13 up to 23 (DUO rapportages)


def convenantjaar_start(d: date) -> date:
    """1 October opening the convenantjaar that contains `d`."""
    return date(d.year, 10, 1) if d >= date(d.year, 10, 1) else date(d.year - 1, 10, 1)


def convenantjaar_label(teldatum: date) -> str:
    return f"{teldatum.year}-{teldatum.year + 1}"


def telt_voor_startset(item: Inschrijving) -> bool:
    """A funded VO/MBO/VAVO enrolment: the kind that is counted on the teldatum."""
    return item.bekostigd and item.soort in VSV_SOORTEN


def jonger_dan_vsv_leeftijd(geboortedatum: date, d: date) -> bool:
    return d < anniversary(geboortedatum, VSV_LEEFTIJD)
