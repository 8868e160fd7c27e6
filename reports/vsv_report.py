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

from connectors.gemeenten import gemeentenamen
from reports import charts, disclosure
from reports.html import render
from reports.spreadsheet import Column, Table
from reports.vsv import DIMENSIONS, Convenantjaar, VsvFigures, suppress_trend
from rules.parameters import value

SHEET_TITLES = {
    "brin": "Per school",
    "niveau": "Per niveau",
    "gemeentecode": "Per gemeente",
    "leeftijd": "Per leeftijd",
    "geslacht": "Per geslacht",
}
def definitions(jaar: Convenantjaar) -> tuple[str, ...]:
    """The definitions printed with the figures of `jaar`, with the VSV age of the law on its 1 October
    and on the next (the dated parameter `vsv_leeftijd`, rules/law/definities/cbs_duo.toml)."""
    start, end = int(value("vsv_leeftijd", jaar.start)), int(value("vsv_leeftijd", jaar.next_start))
    return (
        "Convenantjaar: 1 oktober t tot en met 30 september t+1.",
        f"Startset: jongeren jonger dan {start} jaar die op 1 oktober t ingeschreven stonden in bekostigd "
        "vo (zonder praktijkonderwijs), mbo of vavo.",
        "Nieuwe vsv'er: uit de startset, op 1 oktober t+1 nergens ingeschreven, zonder startkwalificatie "
        f"en nog geen {end} jaar.",
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
            "voorlopig": figures.voorlopig,
            "startset": startset, "vsv": vsv, "percentage": percentage}


#: Breakdowns whose values are codes with a name beside them: the code column's and the name's header.
NAMED = {"brin": ("BRIN", "School"), "gemeentecode": ("Gemeentecode", "Gemeente")}
CHART_TITLES = {"niveau": "VSV-percentage per niveau", "brin": "VSV-percentage per school",
                "gemeentecode": "VSV-percentage per gemeente"}


def _naam(dimension: str, waarde: Any, schoolnamen: Mapping[str, str]) -> str:
    """The name of a school (from DUO's data, by BRIN) or gemeente (CBS table); "" when unknown."""
    code = str(waarde)
    if dimension == "gemeentecode":
        return gemeentenamen().get(code.zfill(4), "") if code.isdigit() else ""
    if dimension == "brin":
        return schoolnamen.get(code, "")
    return ""


def _title(dimension: str) -> str:
    return NAMED[dimension][1] if dimension in NAMED else DIMENSIONS[dimension]


def _label(dimension: str, row: Mapping[str, Any]) -> str:
    """How a breakdown row is named in a chart or the HTML table: the name, the code beside it."""
    naam, waarde = row.get("aanduiding") or "", str(row["waarde"])
    return f"{naam} ({waarde})" if naam and dimension == "brin" else naam or waarde


def _named_rows(dimension: str, table: pd.DataFrame, schoolnamen: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = table.to_dict("records")
    if dimension in NAMED:
        for row in rows:
            total = row["waarde"] == "Totaal"
            row["aanduiding"] = "" if total else _naam(dimension, row["waarde"], schoolnamen)
            row["label"] = _label(dimension, row)
    return rows


def vsv_tables(figures: VsvFigures, trend: pd.DataFrame | None = None, beleid: bool = True,
               schoolnamen: Mapping[str, str] | None = None) -> list[Table]:
    """The sheets of the VSV workbook: key figures, trend and one sheet per breakdown; schools and
    gemeenten with their names beside the code (`schoolnamen`: BRIN → name from DUO's data)."""
    totals = _totals(figures, beleid)
    tables = [Table("Kerncijfers", [
        Column("convenantjaar", "Convenantjaar"), Column("peildatum", "Peildatum", "date"),
        Column("voorlopig", "Voorlopig"), Column("startset", "Startset", "int"),
        Column("vsv", "Nieuwe vsv'ers", "int"), Column("percentage", "VSV-percentage", "percent"),
    ], [totals], notes=definitions(figures.jaar) + ((disclosure.LEGEND,) if beleid else ()))]
    if trend is not None and not trend.empty:
        shown = suppress_trend(trend) if beleid else trend
        tables.append(Table("Trend", [
            Column("convenantjaar", "Convenantjaar"), Column("startset", "Startset", "int"),
            Column("vsv", "Nieuwe vsv'ers", "int"), Column("percentage", "VSV-percentage", "percent"),
            Column("voorlopig", "Voorlopig"), Column("nagekomen", "Nagekomen"),
        ], shown.to_dict("records")))
    for dimension, table in _breakdowns(figures, beleid).items():
        rows = _named_rows(dimension, table, schoolnamen or {})
        if dimension in NAMED:
            code, name = NAMED[dimension]
            columns = [Column("waarde", code), Column("aanduiding", name)]
        else:
            columns = [Column("waarde", DIMENSIONS[dimension])]
        columns += [Column("startset", "Startset", "int"), Column("vsv", "Nieuwe vsv'ers", "int"),
                    Column("percentage", "VSV-percentage", "percent")]
        tables.append(Table(SHEET_TITLES[dimension], columns, rows))
    if beleid:
        for table in tables:
            disclosure.check_aggregate(table.rows)
    return tables


def _bar(title: str, dimension: str, rows: list[dict[str, Any]]) -> charts.Chart | None:
    """The bar chart of one breakdown, or None when most of its figures are hidden (the table says it)
    or it would have a single bar (one gemeente: the key figures say it all)."""
    body = [row for row in rows if row["waarde"] != "Totaal"]
    values = [row["percentage"] for row in body]
    if len(body) < 2 or charts.mostly_hidden(values):
        return None
    return charts.bar_chart(title, [row.get("label") or str(row["waarde"]) for row in body], values,
                            "VSV-percentage", percent=True)


def vsv_html(figures: VsvFigures, trend: pd.DataFrame | None = None, beleid: bool = True,
             schoolnamen: Mapping[str, str] | None = None, titel: str | None = None,
             gemaakt_op: dt.date | None = None) -> str:
    """The policy report on early school leaving: key figures, trend, breakdowns, charts.

    A provisional year is marked in the trend chart; a breakdown whose figures are mostly hidden
    gets no chart (a note points to its table instead)."""
    breakdowns = _breakdowns(figures, beleid)
    if beleid:
        for table in breakdowns.values():
            disclosure.check_aggregate(table)
    rows = {dimension: _named_rows(dimension, table, schoolnamen or {})
            for dimension, table in breakdowns.items()}
    shown_trend = None
    figuren, weggelaten = [], []
    if trend is not None and not trend.empty:
        shown_trend = suppress_trend(trend) if beleid else trend
        figuren.append(charts.line_chart(
            "VSV-percentage per convenantjaar", list(shown_trend["convenantjaar"]),
            {"VSV-percentage": list(shown_trend["percentage"])}, "VSV-percentage", percent=True,
            voorlopig=[bool(flag) for flag in shown_trend["voorlopig"]]))
    for dimension, title in CHART_TITLES.items():
        if dimension in rows:
            chart = _bar(title, dimension, rows[dimension])
            if chart is not None:
                figuren.append(chart)
            elif len(rows[dimension]) > 2:  # more than one value besides the total: a chart was due
                weggelaten.append(f"{title}: geen grafiek, want de meeste cijfers zijn afgeschermd "
                                  f"(<5 of x); zie de tabel {_title(dimension)} hieronder.")
    sections = [
        {"id": f"vsv-{dimension}", "titel": _title(dimension), "dimensie": dimension,
         "rijen": rows[dimension]}
        for dimension in DIMENSIONS if dimension in rows
    ]
    return render(
        "vsv.html.j2",
        titel=titel or f"Voortijdig schoolverlaten {figures.jaar.label}",
        totalen=_totals(figures, beleid),
        jaar=figures.jaar,
        trend=shown_trend.to_dict("records") if shown_trend is not None else [],
        secties=sections,
        figuren=figuren,
        weggelaten=weggelaten,
        definities=definitions(figures.jaar),
        legenda=disclosure.LEGEND if beleid else None,
        gemaakt_op=gemaakt_op or dt.date.today(),
    )
