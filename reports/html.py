"""HTML reports: jinja2 templates in `reports/templates/` with autoescaping on.

One self-contained file per report (styles and charts inline) so that it can be mailed,
archived or printed as it is. Dates are written by `rules.dates.format_nl`, numbers by
`reports.numbers`; the templates never format by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from reports.inputs import to_date
from reports.kpi import COLOURS
from reports.numbers import MISSING, format_count, format_percent
from reports.spreadsheet import Table
from rules.dates import format_nl


def format_date(value: Any) -> str:
    """A date as Dutch text (`2 september 2025`); missing → `–`."""
    day = to_date(value)
    return format_nl(day) if day is not None else MISSING


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["datum"] = format_date
    env.filters["getal"] = format_count
    env.filters["procent"] = format_percent
    env.globals["kleuren"] = {name: f"#{rgb}" for name, rgb in COLOURS.items()}
    return env


ENVIRONMENT = _environment()


def render(template: str, **context: Any) -> str:
    """Render one template of `reports/templates/` with the context."""
    context.setdefault("gemaakt_op", dt.date.today())
    return ENVIRONMENT.get_template(template).render(**context)


def tables_html(titel: str, tables: Sequence[Table], ondertitel: str = "",
                gemaakt_op: dt.date | None = None) -> str:
    """Any spreadsheet tables as one HTML page (for lists that have no page of their own)."""
    shown = [{"titel": table.title, "id": f"tabel-{i}", "kolommen": list(table.columns),
              "rijen": [dict(row) for row in table.rows], "toelichting": list(table.notes)}
             for i, table in enumerate(tables, start=1)]
    return render("tabellen.html.j2", titel=titel, ondertitel=ondertitel, tabellen=shown,
                  gemaakt_op=gemaakt_op or dt.date.today())


def write_html(path: str | Path, text: str) -> Path:
    """Write a rendered report (UTF-8)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
