"""Where each file of the synthetic municipality goes (docs/formats.md §5)."""

from __future__ import annotations

from datetime import date


def _ymd(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def brp(d: date, gemeente: str, kind: str) -> str:
    """kind: haalcentraal.json, lo3.csv or stufbg.xml."""
    return f"{d.isoformat()}/brp/brp-G{gemeente}-{_ymd(d)}.{kind}"


def duo(d: date, gemeente: str, week: int) -> str:
    return f"{d.isoformat()}/duo/duo-{'C' if week == 0 else 'P'}-G{gemeente}-{_ymd(d)}.csv"


def report(d: date, ref: date, kind: str, gemeente: str) -> str:
    return f"{d.isoformat()}/duo/{ref.year:04d}{ref.month:02d}{kind}G{gemeente}.csv"


def vsv_list(d: date, kind: str, year: int, definitief: bool, gemeente: str) -> str:
    """DUO's VSV list of convenantjaar `year`: kind NRSP or NenR, D(efinitief) or V(oorlopig)
    (`NRSP2024DG0363.csv`)."""
    return f"{d.isoformat()}/duo/{kind}{year:04d}{'D' if definitief else 'V'}G{gemeente}.csv"


def verzuim(d: date, gemeente: str) -> str:
    return f"{d.isoformat()}/verzuim/verzuim-G{gemeente}-{_ymd(d)}.xml"


def vrijstellingen(d: date, gemeente: str) -> str:
    return f"{d.isoformat()}/vrijstellingen/vrijstellingen-G{gemeente}-{_ymd(d)}.csv"


def signals(d: date) -> str:
    return f"{d.isoformat()}/truth/signals-{_ymd(d)}.csv"


def persons(d: date) -> str:
    return f"{d.isoformat()}/truth/persons-{_ymd(d)}.csv"


REPORTS = ("A01", "A02", "A04", "A05", "A06")
