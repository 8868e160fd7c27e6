"""The Leerplichttelling as a spreadsheet (the form's lines) and as an HTML page.

With `beleid=False` the exact counts, as DUO's form asks for them; with `beleid=True` (the
default for anything leaving the office for policy) the disclosure rules hide small counts.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from reports import charts, disclosure
from reports.html import format_date, render
from reports.spreadsheet import Column, Table
from reports.telling import SECTION_RELATIEF, VERZUIM_KINDS, Leerplichttelling

COLUMNS = (Column("rubriek", "Rubriek"), Column("onderdeel", "Onderdeel"), Column("aantal", "Aantal", "int"))


def _rows(telling: Leerplichttelling, beleid: bool) -> list[dict[str, Any]]:
    return telling.suppressed_rows() if beleid else telling.rows()


def _notes(telling: Leerplichttelling, beleid: bool) -> tuple[str, ...]:
    notes = (
        f"Schooljaar {telling.schooljaar.label}, geteld tot en met {format_date(telling.einde)}.",
        "Leerplichtwet 1969 art. 25; indeling volgens het formulier Leerplichttelling van DUO.",
    )
    return notes + ((disclosure.LEGEND,) if beleid else ())


def telling_tables(telling: Leerplichttelling, beleid: bool = True) -> list[Table]:
    """One sheet with the form's lines in order."""
    rows = [{k: v for k, v in row.items() if k != "sleutel"} for row in _rows(telling, beleid)]
    return [Table(f"Leerplichttelling {telling.schooljaar.label}", COLUMNS, rows,
                  notes=_notes(telling, beleid))]


def telling_html(telling: Leerplichttelling, beleid: bool = True, gemaakt_op: dt.date | None = None) -> str:
    """The form as an HTML page, one table per section, with a chart of the meldingen per kind."""
    rows = _rows(telling, beleid)
    sections = [{"rubriek": rubriek, "regels": list(lines)}
                for rubriek, lines in groupby(rows, key=lambda row: row["rubriek"])]
    per_kind = {row["sleutel"]: row["aantal"] for row in rows}
    labels = list(VERZUIM_KINDS.values())
    values = [per_kind[f"rv.{kind}.totaal"] for kind in VERZUIM_KINDS]
    title = "Meldingen relatief verzuim per soort"
    figuren, weggelaten = [], []
    if charts.mostly_hidden(values):
        weggelaten.append(f"{title}: geen grafiek, want de meeste aantallen zijn afgeschermd (<5 of x); "
                          f"zie de tabel {SECTION_RELATIEF} hierboven.")
    else:
        figuren.append(charts.bar_chart(title, labels, values, "Aantal meldingen"))
    return render(
        "telling.html.j2",
        titel=f"Leerplichttelling {telling.schooljaar.label}",
        telling=telling,
        secties=sections,
        figuren=figuren,
        weggelaten=weggelaten,
        sectie_relatief=SECTION_RELATIEF,
        legenda=disclosure.LEGEND if beleid else None,
        gemaakt_op=gemaakt_op or dt.date.today(),
    )
