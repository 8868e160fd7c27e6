"""The KPI table as a spreadsheet and an HTML page, with the traffic-light colours in both."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from reports.html import format_date, render
from reports.kpi import COLOURS, GREEN_FROM, ORANGE_FROM, fill_for
from reports.numbers import format_percent
from reports.spreadsheet import Column, Table

LEVELS = {"medewerker": "Medewerker", "team": "Team", "totaal": "Totaal"}


def _legend(school_days: int, weeks_to_close: int) -> tuple[str, ...]:
    return (
        f"In behandeling: binnen {school_days} schooldagen (maandag tot en met vrijdag, zonder de "
        "ingestelde vrije dagen) na de meldingsdatum.",
        f"Afgesloten: binnen {weeks_to_close} weken na de meldingsdatum.",
        "Meldingen waarvan de termijn op de peildatum nog loopt, tellen nog niet mee.",
        f"Groen: {format_percent(GREEN_FROM, 0)} of meer; oranje: {format_percent(ORANGE_FROM, 0)} tot "
        f"{format_percent(GREEN_FROM, 0)}; rood: minder dan {format_percent(ORANGE_FROM, 0)}.",
    )


def kpi_tables(table: pd.DataFrame, period: tuple[dt.date, dt.date], school_days: int,
               weeks_to_close: int, leeg: str | None = None) -> list[Table]:
    """One sheet: a row per LPA, team and the total, the shares coloured; `leeg` says why a period
    without meldingen is empty (`reports.kpi.empty_reason`)."""
    rows = [{**row, "niveau": LEVELS.get(row["niveau"], row["niveau"])} for row in table.to_dict("records")]
    columns = [
        Column("niveau", "Niveau"), Column("team", "Team"), Column("lpa", "Leerplichtambtenaar"),
        Column("meldingen", "Meldingen", "int"),
        Column("gemeten_in_behandeling", "Gemeten (in behandeling)", "int"),
        Column("tijdig_in_behandeling", f"Binnen {school_days} schooldagen in behandeling", "int"),
        Column("aandeel_in_behandeling", "Aandeel tijdig in behandeling", "percent", fill=fill_for),
        Column("gemeten_afgesloten", "Gemeten (afgesloten)", "int"),
        Column("tijdig_afgesloten", f"Binnen {weeks_to_close} weken afgesloten", "int"),
        Column("aandeel_afgesloten", "Aandeel tijdig afgesloten", "percent", fill=fill_for),
    ]
    notes = (*((leeg,) if leeg else ()),
             f"Meldingen van {format_date(period[0])} tot en met {format_date(period[1])}.",
             *_legend(school_days, weeks_to_close))
    return [Table("KPI verzuimmeldingen", columns, rows, notes=notes)]


def kpi_html(table: pd.DataFrame, period: tuple[dt.date, dt.date], peildatum: dt.date, school_days: int,
             weeks_to_close: int, gemaakt_op: dt.date | None = None, leeg: str | None = None) -> str:
    """The KPI page: the same rows, cells coloured green / orange / red."""
    rows = [{**row, "niveau_label": LEVELS.get(row["niveau"], row["niveau"])}
            for row in table.to_dict("records")]
    return render(
        "kpi.html.j2",
        titel="KPI's verzuimmeldingen",
        rijen=rows,
        periode=period,
        peildatum=peildatum,
        schooldagen=school_days,
        weken=weeks_to_close,
        toelichting=_legend(school_days, weeks_to_close),
        leeg=leeg,
        kleurcodes={name: f"#{rgb}" for name, rgb in COLOURS.items()},
        gemaakt_op=gemaakt_op or dt.date.today(),
    )
