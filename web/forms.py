"""Reading what a user typed: Dutch messages for what cannot be read, never a half-read value."""

from __future__ import annotations

import datetime as dt

from rules.dates import format_nl, parse_date


class Invoerfout(ValueError):
    """A field the user filled in wrongly; the message names the field in Dutch."""


def datum(value: str, veld: str, *, verplicht: bool = True) -> dt.date | None:
    """A date as typed (`2-9-2026`, `2026-09-02`) or from a date field."""
    if not value:
        if verplicht:
            raise Invoerfout(f"Vul de {veld} in.")
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise Invoerfout(f"De {veld} '{value}' is geen datum. Schrijf bijvoorbeeld 2-9-2026.") from None


def jaar(value: str, standaard: int) -> int:
    if not value:
        return standaard
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise Invoerfout(f"'{value}' is geen jaar. Kies een jaar als 2025.")
    return int(value)


def nl(value: dt.date) -> str:
    """`2 september 2026`, for messages."""
    return format_nl(value)
