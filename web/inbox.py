"""The inbox: what needs doing today. New dossiers, new verzuimmeldingen, actions past their term and
the user's own dossiers; each person shown is audited under the user (`inbox.getoond`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from registers.audit import record_reads
from registers.codes import CaseStatus, MeldingStatus
from registers.models import Case, Verzuimmelding
from reports import staging_queries
from reports.worklist import CASE_TYPE_LABELS, RMC_CASE_TYPES
from web.requests import Verzoek
from web.stores import staging

NEW_DAYS = 14
LIMIT = 50


def _scope(query, verzoek: Verzoek):
    """The user's gemeenten and, for RMC, the RMC doelgroep (the database narrows too, on PostgreSQL)."""
    gebruiker = verzoek.gebruiker
    if gebruiker.rol in ("lpa", "rmc") and gebruiker.gemeenten:
        query = query.where(Case.gemeentecode.in_(gebruiker.gemeenten))
    if gebruiker.rol == "rmc":
        query = query.where(Case.signal.in_(sorted(RMC_CASE_TYPES)))
    return query


def _cases(session: Session, verzoek: Verzoek, *conditions) -> list[Case]:
    query = select(Case).where(Case.status == CaseStatus.OPEN, *conditions).order_by(Case.opened_on.desc(),
                                                                                      Case.id.desc())
    return list(session.scalars(_scope(query, verzoek).limit(LIMIT)))


def _row(case: Case, people: dict[str, dict[str, Any]]) -> dict[str, Any]:
    person = people.get(case.persoonsnummer, {})
    return {"id": case.id, "naam": person.get("naam") or "(naam onbekend)",
            "soort": CASE_TYPE_LABELS.get(case.signal.value, case.signal.value), "geopend": case.opened_on,
            "behandelaar": case.assigned_to or ""}


def page(verzoek: Verzoek) -> Response:
    today = dt.date.today()
    naam = verzoek.gebruiker.naam
    from web.werklijst import overdue_for

    te_laat = overdue_for(verzoek, today, LIMIT)  # before the session: one connection per request
    with verzoek.db() as session:
        nieuw = _cases(session, verzoek, Case.opened_on >= today - dt.timedelta(days=NEW_DAYS),
                       or_(Case.assigned_to.is_(None), Case.assigned_to == naam))
        mijn = _cases(session, verzoek, Case.assigned_to == naam)
        meldingen = list(session.scalars(select(Verzuimmelding).where(
            Verzuimmelding.status == MeldingStatus.GEREGISTREERD).order_by(Verzuimmelding.begindatum.desc())
            .limit(LIMIT)))
        melding_cases = {case.persoonsnummer: case.id for case in session.scalars(_scope(select(Case).where(
            Case.status == CaseStatus.OPEN,
            Case.persoonsnummer.in_([m.persoonsnummer for m in meldingen])), verzoek))}
        meldingen = [m for m in meldingen if m.persoonsnummer in melding_cases]
        numbers = {c.persoonsnummer for c in nieuw + mijn} | {m.persoonsnummer for m in meldingen}
        with staging(verzoek.web.settings) as store:
            frame = staging_queries.persons(store.con, numbers) if store else pd.DataFrame(
                columns=["persoonsnummer", "naam"])
        people = {row["persoonsnummer"]: row for row in frame.to_dict("records")}
        shown = {(c.id, c.persoonsnummer) for c in nieuw + mijn}
        shown |= {(melding_cases[m.persoonsnummer], m.persoonsnummer) for m in meldingen}
        shown |= {(int(r["dossier_id"]), str(r["persoonsnummer"])) for r in te_laat}
        record_reads(session, "inbox.getoond", "cases", sorted(shown))
        session.commit()
    return verzoek.render(
        "inbox.html.j2", titel="Inbox", vandaag=today,
        nieuw=[_row(c, people) for c in nieuw], mijn=[_row(c, people) for c in mijn],
        meldingen=[{"id": melding_cases[m.persoonsnummer], "nummer": m.meldingsnummer, "soort": m.soort.value,
                    "begindatum": m.begindatum,
                    "naam": people.get(m.persoonsnummer, {}).get("naam") or "(naam onbekend)"}
                   for m in meldingen],
        te_laat=te_laat)
