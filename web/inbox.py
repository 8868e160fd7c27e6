"""The inbox: what needs doing today. The user's appointments of today, new dossiers, new
verzuimmeldingen, actions past their term and the user's own dossiers; each person shown is audited
under the user (`inbox.getoond`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload
from starlette.responses import Response

from registers.audit import record_reads
from registers.codes import REASON_LABELS, CaseStatus, MeldingStatus
from registers.dossiers import holds_rmc_reason, lead_reason
from registers.models import Case, Dossier, Verzuimmelding
from reports import staging_queries
from reports.gather import NAME_UNKNOWN, display_name
from web import afspraken
from web.requests import Verzoek
from web.stores import staging

NEW_DAYS = 14
LIMIT = 50


def _scope(query, verzoek: Verzoek):
    """The user's gemeenten and, for RMC, dossiers holding an RMC reason (an RMC signal or a melding of
    soort RMC: registers.dossiers.rmc_reason; the database narrows too, on PostgreSQL)."""
    gebruiker = verzoek.gebruiker
    if gebruiker.rol in ("lpa", "rmc") and gebruiker.gemeenten:
        query = query.where(Dossier.gemeentecode.in_(gebruiker.gemeenten))
    if gebruiker.rol == "rmc":  # on aliases: the query may join cases and meldingen itself (the meldingen do)
        query = query.where(holds_rmc_reason(Dossier.id))
    return query


def _count(session: Session, query, shown: list) -> int:
    """How many rows `query` gives without the LIMIT (the heading counts them all, the list shows
    LIMIT); asked of the database only when the list is full."""
    if len(shown) < LIMIT:
        return len(shown)
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def _dossiers(session: Session, verzoek: Verzoek, *conditions) -> tuple[list[Dossier], int]:
    """The newest LIMIT open dossiers in the user's scope meeting `conditions`, and how many there are."""
    query = _scope(select(Dossier).where(Dossier.status == CaseStatus.OPEN, *conditions), verzoek)
    shown = (query.options(selectinload(Dossier.reasons))
             .order_by(Dossier.opened_on.desc(), Dossier.id.desc()).limit(LIMIT))
    dossiers = list(session.scalars(shown))
    return dossiers, _count(session, query, dossiers)


def _row(dossier: Dossier, people: dict[str, dict[str, Any]]) -> dict[str, Any]:
    person = people.get(dossier.persoonsnummer, {})
    lead = lead_reason(dossier)
    return {"id": dossier.id, "naam": display_name(person),
            "soort": REASON_LABELS.get(lead.signal.value, lead.signal.value)
            + (" · thuiszitter" if dossier.thuiszitter and lead.signal.value != "THUISZITTER" else ""),
            "geopend": dossier.opened_on, "behandelaar": dossier.assigned_to or ""}


def page(verzoek: Verzoek) -> Response:
    today = dt.date.today()
    naam = verzoek.gebruiker.naam
    from web.werklijst import overdue_for

    # before the session: one connection per request
    te_laat, te_laat_totaal = overdue_for(verzoek, today, LIMIT)
    with verzoek.db() as session:
        nieuw, nieuw_totaal = _dossiers(
            session, verzoek, Dossier.opened_on >= today - dt.timedelta(days=NEW_DAYS),
            or_(Dossier.assigned_to.is_(None), Dossier.assigned_to == naam))
        mijn, mijn_totaal = _dossiers(session, verzoek, Dossier.assigned_to == naam)
        # the scope on the joined dossier itself (not `id IN (scoped ids)`, which made SQLite read every
        # dossier first: 17-40 ms for a city, against 4 ms starting from the meldingen)
        nieuwe_meldingen = _scope(
            select(Verzuimmelding).join(Case, Case.verzuimmelding_id == Verzuimmelding.id)
            .join(Dossier, Dossier.id == Case.dossier_id)
            .where(Verzuimmelding.status == MeldingStatus.GEREGISTREERD, Dossier.status == CaseStatus.OPEN),
            verzoek)
        meldingen = list(session.scalars(
            nieuwe_meldingen.order_by(Verzuimmelding.begindatum.desc()).limit(LIMIT)))
        meldingen_totaal = _count(session, nieuwe_meldingen, meldingen)
        melding_cases = dict(session.execute(
            select(Case.verzuimmelding_id, Case.dossier_id)
            .where(Case.verzuimmelding_id.in_([m.id for m in meldingen]))).all())
        melding_cases = {m.persoonsnummer: melding_cases[m.id] for m in meldingen}
        vandaag = afspraken.today_of(session, verzoek.gebruiker.login)
        their = select(Dossier.persoonsnummer, Dossier.id).where(
            Dossier.persoonsnummer.in_({a.persoonsnummer for a in vandaag})).order_by(Dossier.id)
        afspraak_dossiers = dict(session.execute(_scope(their, verzoek)).all())  # the newest dossier
        vandaag = [a for a in vandaag if a.persoonsnummer in afspraak_dossiers]
        numbers = {c.persoonsnummer for c in nieuw + mijn} | {m.persoonsnummer for m in meldingen}
        numbers |= set(afspraak_dossiers)
        with staging(verzoek.web) as store:
            frame = staging_queries.persons(store.con, numbers) if store else pd.DataFrame(
                columns=["persoonsnummer", "naam"])
        people = {row["persoonsnummer"]: row for row in frame.to_dict("records")}
        shown = {(c.id, c.persoonsnummer) for c in nieuw + mijn}
        shown |= {(melding_cases[m.persoonsnummer], m.persoonsnummer) for m in meldingen}
        shown |= {(int(r["dossier_id"]), str(r["persoonsnummer"])) for r in te_laat}
        shown |= {(afspraak_dossiers[a.persoonsnummer], a.persoonsnummer) for a in vandaag}
        record_reads(session, "inbox.getoond", "dossiers", sorted(shown))
        session.commit()
    return verzoek.render(
        "inbox.html.j2", titel="Inbox", vandaag=today,
        totaal={"nieuw": nieuw_totaal, "mijn": mijn_totaal, "meldingen": meldingen_totaal,
                "te_laat": te_laat_totaal},
        nieuw=[_row(c, people) for c in nieuw], mijn=[_row(c, people) for c in mijn],
        meldingen=[{"id": melding_cases[m.persoonsnummer], "nummer": m.meldingsnummer, "soort": m.soort.value,
                    "begindatum": m.begindatum,
                    "naam": display_name(people.get(m.persoonsnummer, {}))}
                   for m in meldingen],
        te_laat=[{**r, "naam": r["naam"] or NAME_UNKNOWN} for r in te_laat],
        afspraken=[{"id": afspraak_dossiers[a.persoonsnummer], "van": a.start, "tot": a.einde,
                    "onderwerp": a.onderwerp or "gesprek", "locatie": a.locatie,
                    "naam": display_name(people.get(a.persoonsnummer, {}))}
                   for a in vandaag])
