"""Numbers written the Dutch way for the HTML reports and chart labels.

Dutch readers expect a decimal comma and a point between thousands (`1.234`, `12,5%`).
A hidden figure (`<5`, `x`) is text and passes through unchanged; a missing one is a dash.
(Dates are written by `rules.dates.format_nl`, the project's one place for Dutch dates.)
"""

from __future__ import annotations

from typing import Any

from inbeeld.getallen import getal

MISSING = "–"


def format_count(value: Any) -> str:
    """`1234` → `1.234`; text (a hidden count) as is; None → `–`."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value != value:  # NaN
        return MISSING
    return getal(value)


def format_percent(value: Any, decimals: int = 1) -> str:
    """A fraction as a Dutch percentage: `0.125` → `12,5%`; text as is; None → `–`."""
    if value is None:
        return MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value != value:
        return MISSING
    text = f"{float(value) * 100:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + "%"
