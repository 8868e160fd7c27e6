"""The VSV figures as spreadsheet tables and as the HTML policy report with charts.

`beleid=True` (the default) applies the disclosure rules: what leaves the office for policy
shows no count from 1 to 4 and no person. `beleid=False` gives the exact figures for the
office itself and for DUO.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from reports import charts, disclosure
from reports.html import render
from reports.spreadsheet import Column, Table
from reports.vsv import DIMENSIONS, VsvFigures, suppress_trend

SHEET_TITLES = {
    "brin": "Per school",
    "niveau": "Per niveau",
    "gemeentecode": "Per gemeente",
    "leeftijd": "Per leeftijd",
    "geslacht": "Per geslacht",
}
DEFINITIONS = (
    "Convenantjaar: 1 oktober t tot en met 30 september t+1.",
    "Startset: jongeren jonger dan 23 jaar die op 1 oktober t ingeschreven stonden in bekostigd vo "
    "(zonder praktijkonderwijs), mbo of vavo.",
    "Nieuwe vsv'er: uit de startset, op 1 oktober t+1 nergens ingeschreven, zonder startkwalificatie "
    "en nog geen 23 jaar.",
    "VSV-percentage: nieuwe vsv'ers gedeeld door de startset.",
    "Een voorlopig cijfer telt wie op de peildatum niet (meer) ingeschreven is.",
    "Een nagekomen cijfer is berekend op de eerste DUO-levering van het convenantjaar erna; wie "
    "vóór die levering verhuisde, ontbreekt erin.",
)


def _breakdowns(figures: VsvFigures, beleid: bool) -> dict[str, pd.DataFrame]:
    if beleid:
        return figures.suppressed()
    result = {}
    for dimension, table in figures.breakdowns.items():
        total = pd.DataFrame([{"waarde": "Totaal", "startset": figures.startset, "vsv": figures.vsv,
                               "percentage": figures.percentage}])
        result[dimension] = pd.concat([table, total], ignore_index=True)
    return result


def _totals(figures: VsvFigures, beleid: bool) -> dict[str, Any]:
    startset, vsv = figures.startset, figures.vsv
    percentage: Any = figures.percentage
    if beleid:
        startset, vsv = disclosure.suppress_count(startset), disclosure.suppress_count(vsv)
        percentage = disclosure.suppress_rate(vsv, startset, percentage)
    return {"convenantjaar": figures.jaar.label, "peildatum": figures.peildatum,
            "voorlopig": figures.peildatum < figures.jaar.next_start,
            "startset": startset, "vsv": vsv, "percentage": percentage}


def vsv_tables(figures: VsvFigures, trend: pd.DataFrame | None = None, beleid: bool = True,
               gemeentenamen: Mapping[str, str] | None = None) -> list[Table]:
    """The sheets of the VSV workbook: key figures, trend and one sheet per breakdown."""
    names = dict(gemeentenamen or {})
    totals = _totals(figures, beleid)
    tables = [Table("Kerncijfers", [
        Column("convenantjaar", "Convenantjaar"), Column("peildatum", "Peildatum", "date"),
        Column("voorlopig", "Voorlopig"), Column("startset", "Startset", "int"),
        Column("vsv", "Nieuwe vsv'ers", "int"), Column("percentage", "VSV-percentage", "percent"),
    ], [totals], notes=DEFINITIONS + ((disclosure.LEGEND,) if beleid else ()))]
    if trend is not None and not trend.empty:
        shown = suppress_trend(trend) if beleid else trend
        tables.append(Table("Trend", [
            Column("convenantjaar", "Convenantjaar"), Column("startset", "Startset", "int"),
            Column("vsv", "Nieuwe vsv'ers", "int"), Column("percentage", "VSV-percentage", "percent"),
            Column("voorlopig", "Voorlopig"), Column("nagekomen", "Nagekomen"),
        ], shown.to_dict("records")))
    for dimension, table in _breakdowns(figures, beleid).items():
        rows = table.to_dict("records")
        if dimension == "gemeentecode":
            for row in rows:
                row["gemeentenaam"] = names.get(str(row["waarde"]), "")
        columns = [Column("waarde", DIMENSIONS[dimension])]
        if dimension == "gemeentecode":
            columns.append(Column("gemeentenaam", "Gemeentenaam"))
        columns += [Column("startset", "Startset", "int"), Column("vsv", "Nieuwe vsv'ers", "int"),
                    Column("percentage", "VSV-percentage", "percent")]
        tables.append(Table(SHEET_TITLES[dimension], columns, rows))
    if beleid:
        for table in tables:
            disclosure.check_aggregate(table.rows)
    return tables


def _bar(title: str, table: pd.DataFrame) -> charts.Chart:
    body = table[table["waarde"] != "Totaal"]
    return charts.bar_chart(title, [str(v) for v in body["waarde"]], list(body["percentage"]),
                            "VSV-percentage", percent=True)


def vsv_html(figures: VsvFigures, trend: pd.DataFrame | None = None, beleid: bool = True,
             gemeentenamen: Mapping[str, str] | None = None, titel: str | None = None,
             gemaakt_op: dt.date | None = None) -> str:
    """The policy report on early school leaving: key figures, trend, breakdowns, charts."""
    breakdowns = _breakdowns(figures, beleid)
    if beleid:
        for table in breakdowns.values():
            disclosure.check_aggregate(table)
    shown_trend = None
    figuren = []
    if trend is not None and not trend.empty:
        shown_trend = suppress_trend(trend) if beleid else trend
        figuren.append(charts.line_chart(
            "VSV-percentage per convenantjaar", list(shown_trend["convenantjaar"]),
            {"VSV-percentage": list(shown_trend["percentage"])}, "VSV-percentage", percent=True))
    chart_titles = {"niveau": "VSV-percentage per niveau", "brin": "VSV-percentage per school",
                    "gemeentecode": "VSV-percentage per gemeente"}
    for dimension, title in chart_titles.items():
        if dimension in breakdowns:
            figuren.append(_bar(title, breakdowns[dimension]))
    sections = [
        {"id": f"vsv-{dimension}", "titel": DIMENSIONS[dimension], "dimensie": dimension,
         "rijen": breakdowns[dimension].to_dict("records")}
        for dimension in DIMENSIONS if dimension in breakdowns
    ]
    return render(
        "vsv.html.j2",
        titel=titel or f"Voortijdig schoolverlaten {figures.jaar.label}",
        totalen=_totals(figures, beleid),
        jaar=figures.jaar,
        trend=shown_trend.to_dict("records") if shown_trend is not None else [],
        secties=sections,
        figuren=figuren,
        gemeentenamen=dict(gemeentenamen or {}),
        definities=DEFINITIONS,
        legenda=disclosure.LEGEND if beleid else None,
        gemaakt_op=gemaakt_op or dt.date.today(),
    )
