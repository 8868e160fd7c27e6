"""Dates as Dutch readers write them: `2 september 2025`.

The one place for it: letters and HTML reports (through `rules.dates`, which takes these), the
command line's messages and the table of every list command (`inbeeld.output`). Machine formats
(JSON, CSV for Excel, file names) keep ISO dates.
"""

from __future__ import annotations

from datetime import date, datetime

MAANDEN: tuple[str, ...] = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


def format_nl(d: date) -> str:
    """`2 september 2025`: the date as letters and lists for Dutch readers write it."""
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


def tijdstip_nl(moment: datetime) -> str:
    """`2 september 2025 14:05`: a moment (the audit trail's) as a person reads it."""
    return f"{format_nl(moment)} {moment:%H:%M}"
