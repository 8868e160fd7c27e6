"""The Jinja2 environment of the work screen: autoescaped HTML, Dutch dates and numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from inbeeld.getallen import aantal
from inbeeld.getallen import getal as getal_nl
from registers.codes import mid_sentence
from reports.numbers import format_percent
from rules.dates import format_nl

TEMPLATES = Path(__file__).resolve().parent / "templates"


def datum(value: Any) -> str:
    """`2 september 2025`; empty for nothing."""
    if value is None or value == "":
        return ""
    if _missing(value):
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return format_nl(value.date())
        return f"{format_nl(value.date())} {value:%H:%M}"
    if isinstance(value, dt.date):
        return format_nl(value)
    return str(value)


def _missing(value: Any) -> bool:
    """NaN, NaT, pd.NA: what pandas leaves in an empty cell."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def getal(value: Any) -> str:
    """Dutch number formatting: 12.345 and 4,5."""
    if value is None or _missing(value):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return getal_nl(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(value)


def cel(value: Any, kind: str = "text") -> str:
    """A table cell of a report Table by its column kind."""
    if kind in ("date", "datetime"):
        return datum(value)
    if kind == "percent" and isinstance(value, int | float) and value == value:
        return format_percent(value)
    if kind in ("int", "number"):
        return getal(value)
    if value is None or _missing(value):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(datum=datum, getal=getal, cel=cel, aantal=aantal, midden=mid_sentence)
    return env
