"""Beleid: VSV figures, the Leerplichttelling and the KPIs. Aggregates only, with small counts
shown as `<5`: no dossier, no person number, no name on any of these pages.

The figures come from the same report functions as `inbeeld report`. On PostgreSQL the beleid role
may not read person rows at all, so the register part of these figures is counted under the
administratie role, inside this module, and only the counts leave it (docs/running.md)."""

from __future__ import annotations

import datetime as dt

from starlette.responses import Response

from connectors.schools import school_names
from reports import gather, staging_queries
from reports.kpi import kpi_table
from reports.kpi_report import kpi_tables
from reports.telling import Schooljaar
from reports.telling_report import telling_tables
from reports.vsv import Convenantjaar
from reports.vsv_report import vsv_tables
from web import forms
from web.requests import Verzoek
from web.stores import staging

FIGURES_ROLE = "administratie"


def overzicht(verzoek: Verzoek) -> Response:
    return verzoek.render("beleid.html.j2", titel="Beleidsinformatie")


def _jaar(verzoek: Verzoek, standaard: int) -> tuple[int, str | None]:
    try:
        return forms.jaar(verzoek.query("jaar"), standaard), None
    except forms.Invoerfout as fout:
        return standaard, str(fout)


def vsv(verzoek: Verzoek) -> Response:
    """The convenantjaar asked for; without a choice the current one, or the one before it while the
    current one has no DUO delivery yet (October)."""
    current = Convenantjaar.of(dt.date.today()).year
    year, fout = _jaar(verzoek, current)
    gemeenten = verzoek.web.settings.gemeenten
    tables, leeg = [], None
    with staging(verzoek.web) as store:
        if store is None:
            leeg = "Er zijn nog geen DUO-leveringen ingelezen."
        else:
            candidates = [year] if verzoek.query("jaar") and not fout else [year, year - 1]
            for candidate in candidates:
                try:
                    figures, _basis = staging_queries.vsv_from_staging(store.con, candidate, None, gemeenten)
                except staging_queries.NoData:
                    continue
                year = candidate
                trend = staging_queries.vsv_trend_from_staging(store.con, gemeenten=gemeenten)
                tables = vsv_tables(figures, trend, beleid=True, schoolnamen=school_names(store.con))
                break
            else:
                leeg = (f"Nog geen VSV-cijfers voor convenantjaar {Convenantjaar(year).label}: er is geen "
                        "DUO-levering uit dat jaar ingelezen.")
    label = Convenantjaar(year).label
    return verzoek.render("cijfers.html.j2", titel=f"VSV-cijfers {label}", tabellen=tables, leeg=leeg,
                          fout=fout, jaar=year, jaarlabel="Convenantjaar (jaar van 1 oktober)")


def telling(verzoek: Verzoek) -> Response:
    year, fout = _jaar(verzoek, Schooljaar.of(dt.date.today()).year - 1)
    with verzoek.web.registers.session(verzoek.gebruiker.login, FIGURES_ROLE) as session:
        result = gather.telling(session, year)
        tables = telling_tables(result, beleid=True)
    return verzoek.render("cijfers.html.j2", titel=f"Leerplichttelling {result.schooljaar.label}",
                          tabellen=tables, leeg=None, fout=fout, jaar=year,
                          jaarlabel="Schooljaar (jaar van 1 augustus)")


def kpi(verzoek: Verzoek) -> Response:
    peildatum = dt.date.today()
    year, fout = _jaar(verzoek, Schooljaar.of(peildatum).year)
    school_year = Schooljaar(year)
    period = (school_year.start, school_year.end)
    reports = verzoek.web.settings.reports
    school_days, weeks, days_off = gather.kpi_settings(reports.kpi)
    with verzoek.web.registers.session(verzoek.gebruiker.login, FIGURES_ROLE) as session:
        meldingen = gather.kpi_input(session, reports)
    table = kpi_table(meldingen, peildatum, period, school_days, weeks, days_off)
    return verzoek.render("cijfers.html.j2", titel=f"KPI's verzuimmeldingen {school_year.label}",
                          tabellen=kpi_tables(table, period, school_days, weeks), leeg=None, fout=fout,
                          jaar=year, jaarlabel="Schooljaar (jaar van 1 augustus)")
