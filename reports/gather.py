"""Gathering each report's inputs from the two stores (staging DuckDB and the registers) and
handing them to the pure report functions.

Kept apart from `reports.commands` so that a Prefect flow can make the same reports without the
command line, and apart from the query modules so that those stay one store each.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy.orm import Session

from inbeeld.settings import Kpi, ReportSettings
from registers.audit import AuditEvent, trail
from registers.dossiers import assign, open_dossiers
from registers.zoeken import adres_van
from reports import follow_up, register_queries, staging_queries
from reports.kpi import DEFAULT_SCHOOL_DAYS, DEFAULT_WEEKS_TO_CLOSE
from reports.retention_figures import TELLING
from reports.telling import Leerplichttelling, Regel, Schooljaar, leerplichttelling, with_destroyed
from reports.vsv import Convenantjaar, Reconciliation, duo_workload, reconcile
from reports.worklist import UNASSIGNED, Toewijzingen, worklists


def telling(session: Session, year: int, peildatum: dt.date | None = None) -> Leerplichttelling:
    """The Leerplichttelling of school year `year` from the registers, with the counts the retention
    kept of records it destroyed."""
    jaar = Schooljaar(year)
    einde = min(jaar.end, peildatum) if peildatum else jaar.end
    result = leerplichttelling(
        year,
        cases=register_queries.cases(session),
        meldingen=register_queries.meldingen_on(session, einde),
        vrijstellingen=register_queries.vrijstellingen(session),
        thuiszitters=register_queries.thuiszitters(session),
        acties=register_queries.actions(session),
        peildatum=peildatum,
        close_reason_labels=register_queries.CLOSE_REASON_LABELS,
        melding_reason_labels=register_queries.MELDING_REASON_LABELS,
    )
    destroyed = register_queries.retention_lines(session, TELLING, year)
    return with_destroyed(result, [Regel(line.rubriek, line.onderdeel, line.aantal, line.sleutel, line.groep,
                                         line.totaal) for line in destroyed])


def kpi_settings(kpi: Kpi) -> tuple[int, int, set[dt.date]]:
    """School days to take a melding in behandeling, weeks to close it, and the days off."""
    school_days = kpi.in_behandeling_binnen_schooldagen
    weeks = kpi.afsluiten_binnen_weken
    return (DEFAULT_SCHOOL_DAYS if school_days is None else school_days,
            DEFAULT_WEEKS_TO_CLOSE if weeks is None else weeks, set(kpi.vrije_dagen))


def kpi_input(session: Session, config: ReportSettings) -> pd.DataFrame:
    """The verzuimmeldingen for the KPIs, with each LPA's team from the work-list rules."""
    return register_queries.kpi_meldingen(session, Toewijzingen.from_settings(config.werklijst).teams())


NOT_IN_BRP = "(niet in de BRP)"  # the name shown for an enrolment DUO has and the BRP does not
NAME_UNKNOWN = "(naam onbekend)"


def display_name(person: Mapping[str, Any], unknown: str = NAME_UNKNOWN) -> str:
    """A `staging_queries.persons` row's name as lists and screens show it: the BRP's, else why
    there is none (`unknown`: a spreadsheet leaves the cell empty)."""
    return person.get("naam") or (NOT_IN_BRP if person.get("bron") == "DUO" else unknown)


def display_address(person: Mapping[str, Any]) -> str:
    """Where to find the young person of a `staging_queries.persons` row: the whole address as the
    search page writes it, or, for someone only DUO has, DUO's postcode as the lead."""
    fields = {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in person.items()}
    if fields.get("bron") != "DUO":
        return adres_van(fields)
    if not fields.get("postcode"):
        return "niet in de BRP-levering"
    return f"niet in de BRP-levering; volgens DUO postcode {adres_van({'postcode': fields['postcode']})}"


def worklist_cases(session: Session, con: duckdb.DuckDBPyConnection | None, peildatum: dt.date,
                   config: ReportSettings, audit: bool = True,
                   ids: Collection[int] | None = None) -> pd.DataFrame:
    """Every open dossier (or those of `ids`) with the person, school status and next action
    (reports.worklist columns).

    Making a list shows personal data, so each dossier on it is written to the audit trail (`audit`
    False: the caller audits the part it shows, as the work screen does)."""
    plan = follow_up.schedule(config.werklijst.vervolg)
    wijken = config.werklijst.wijken
    dossiers = open_dossiers(session, ids)
    numbers = [dossier["persoonsnummer"] for dossier in dossiers]
    people = staging_queries.persons(con, numbers) if con is not None else pd.DataFrame(
        columns=["persoonsnummer", "naam", "geslachtsnaam", "geboortedatum", "adres", "postcode",
                 "woonplaats"])
    status = staging_queries.school_status(con, numbers, peildatum) if con is not None else {}
    people = people.drop_duplicates("persoonsnummer").set_index("persoonsnummer")
    rows = []
    for dossier in dossiers:
        number = dossier["persoonsnummer"]
        person = people.loc[number].to_dict() if number in people.index else {}
        action, due = follow_up.next_action(
            dossier["soort"], dossier["stap"], dossier["stap_datum"], plan=plan,
            adres_in_onderzoek=dossier["adres_in_onderzoek"], controle_nodig=dossier["controle_nodig"],
            held_back=dossier["tegengehouden"], held_on=dossier["tegengehouden_datum"])
        postcode = person.get("postcode") or ""
        rows.append({
            "dossier_id": dossier["dossier_id"], "soort": dossier["soort"], "redenen": dossier["redenen"],
            "team": dossier["team"], "thuiszitter": dossier["thuiszitter"], "persoonsnummer": number,
            "naam": display_name(person, unknown=""),
            "geslachtsnaam": person.get("geslachtsnaam") or "",
            "geboortedatum": person.get("geboortedatum"), "gemeentecode": dossier["gemeentecode"],
            "geboortedatum_gba": person.get("geboortedatum_gba") or "",
            "wijk": staging_queries.wijk_of(postcode, wijken), "postcode": postcode,
            "adres": person.get("adres") or "", "woonplaats": person.get("woonplaats") or "",
            "geopend": dossier["geopend"], "schoolstatus": status.get(number, ""),
            "laatste_actie": register_queries.ACTION_LABELS.get(dossier["laatste_actie"],
                                                                dossier["laatste_actie"]),
            "laatste_actie_datum": dossier["laatste_actie_datum"],
            "volgende_actie": action, "volgende_actie_datum": due, "behandelaar": dossier["behandelaar"],
        })
    if audit:
        trail(session).record_many(session, [AuditEvent("werklijst.gemaakt", row["persoonsnummer"],
                                                        "dossiers", int(row["dossier_id"])) for row in rows])
        session.commit()
    columns = ["dossier_id", "soort", "redenen", "team", "thuiszitter", "persoonsnummer", "naam",
               "geslachtsnaam", "geboortedatum", "geboortedatum_gba", "gemeentecode", "wijk", "adres",
               "postcode", "woonplaats", "geopend", "schoolstatus", "laatste_actie", "laatste_actie_datum",
               "volgende_actie", "volgende_actie_datum", "behandelaar"]
    return pd.DataFrame(rows, columns=columns)


def assign_by_rules(session: Session, con: duckdb.DuckDBPyConnection | None, config: ReportSettings) -> int:
    """Give each open dossier nobody handles yet to the person the work-list rules name
    (`[[reports.werklijst.toewijzing]]`), so that its letters name who the family deals with and
    `inbeeld cases list --assigned` finds it. A dossier already assigned keeps its behandelaar; returns
    how many were assigned now."""
    rules = Toewijzingen.from_settings(config.werklijst)
    if not rules.regels:
        return 0
    dossiers = [d for d in open_dossiers(session) if not str(d["behandelaar"] or "").strip()]
    if not dossiers:
        return 0
    wijken = config.werklijst.wijken
    numbers = [dossier["persoonsnummer"] for dossier in dossiers]
    people = staging_queries.persons(con, numbers) if con is not None else pd.DataFrame(
        columns=["persoonsnummer", "geslachtsnaam", "postcode"])
    people = people.drop_duplicates("persoonsnummer").set_index("persoonsnummer")
    assigned = 0
    for dossier in dossiers:
        number = dossier["persoonsnummer"]
        person = people.loc[number].to_dict() if number in people.index else {}
        postcode = person.get("postcode") or ""
        name = rules.assign({"soort": dossier["soort"], "team": dossier["team"],
                             "gemeentecode": dossier["gemeentecode"],
                             "postcode": postcode, "wijk": staging_queries.wijk_of(postcode, wijken),
                             "geslachtsnaam": person.get("geslachtsnaam") or ""})
        if name != UNASSIGNED:
            assign(session, int(dossier["dossier_id"]), name)
            assigned += 1
    session.commit()
    return assigned


def worklists_for(session: Session, con: duckdb.DuckDBPyConnection | None, peildatum: dt.date,
                  config: ReportSettings, only: Sequence[str] = (),
                  audit: bool = True, ids: Collection[int] | None = None) -> dict[str, pd.DataFrame]:
    """The work list of each LPA / counsellor (or only of the names in `only`; only the dossiers of
    `ids`: reports.worklist.with_changes puts them into lists made before)."""
    cases = worklist_cases(session, con, peildatum, config, audit, ids)
    lists = worklists(cases, Toewijzingen.from_settings(config.werklijst), peildatum)
    return {name: rows for name, rows in lists.items() if not only or name in only}


def vsv_reconciliation(session: Session, con: duckdb.DuckDBPyConnection, year: int) -> Reconciliation:
    """DUO's workload (A04, else A01 − A02) against our VSV register of convenantjaar `year`.

    A register entry made from a signal knows no school or level: those come from the enrolment
    DUO says the person left (staging), and an entry without an outcome says whether its dossier
    is still open. The result lists persons, so every person on it is written to the audit trail."""
    workload = duo_workload(staging_queries.duo_report_rows(con), Convenantjaar(year))
    result = reconcile(workload, register_queries.vsv_register(session, year), staging_queries.koppeling(con))
    ours = result.alleen_inbeeld
    if len(ours):
        left = staging_queries.left_enrolments(con, ours["persoonsnummer"], Convenantjaar(year).end)
        for column in ("brin", "niveau", "datum_uitschrijving"):
            ours[column] = [value if value is not None and value == value and value != ""
                            else left.get(str(number), {}).get(column)
                            for number, value in zip(ours["persoonsnummer"], ours[column], strict=True)]
        ours["uitkomst"] = [register_queries.VSV_OUTCOME_LABELS.get(uitkomst, uitkomst) if uitkomst
                            else "nog geen (dossier open)" if open_dossier else "niet vastgelegd"
                            for uitkomst, open_dossier in zip(ours["uitkomst"], ours["open_dossier"],
                                                              strict=True)]
    shown = sorted({str(number) for frame in (result.alleen_duo, result.alleen_inbeeld, result.beide)
                    for number in frame["persoonsnummer"] if number})
    trail(session).record_many(session, [AuditEvent("vsv.afstemming", number, "vsv_register", None,
                                                    f"convenantjaar={year}") for number in shown])
    session.commit()
    return result


def vrijstellingen_for_duo(session: Session, peildatum: dt.date) -> list[dict[str, Any]]:
    """The register's vrijstellingen DUO must hold on `peildatum` (reports.vrijstellingen_duo.to_register),
    as rows `persoonsnummer, grondslag, begindatum, einddatum`. A list of persons: each row is written
    to the audit trail (`vrijstellingen.duo_lijst`)."""
    from registers.vrijstellingen import list_vrijstellingen
    from reports.vrijstellingen_duo import to_register

    rows = to_register([{"persoonsnummer": v.persoonsnummer, "grondslag": str(v.grond), "id": v.id,
                         "begindatum": v.begindatum, "einddatum": v.einddatum}
                        for v in list_vrijstellingen(session)], peildatum)
    trail(session).record_many(session, [AuditEvent("vrijstellingen.duo_lijst", row["persoonsnummer"],
                                                    "vrijstellingen", row["id"]) for row in rows])
    session.commit()
    return rows

