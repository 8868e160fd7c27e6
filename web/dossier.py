"""The dossier page: the person, the school, the reason, the timeline, and what the LPA does about
it (record an action with its verslag, assign, close, register a vrijstelling, handle a
verzuimmelding). Every change goes through the register's own function; what it refuses is shown
in the page and nothing is saved (the transaction is rolled back). Reading the dossier is audited
(`case.read`) under the logged-in user.

The dossier is reached by its id only; the person number stays on the server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from registers.cases import assign, read_case, record_action
from registers.codes import ActionType, CaseStatus, CloseReason, MeldingStatus, RedenAfsluiting
from registers.errors import Refused
from registers.models import Case, Verzuimmelding
from registers.verzuim import handle_melding
from registers.vrijstellingen import add_vrijstelling, list_vrijstellingen
from reports import staging_queries
from reports.worklist import CASE_TYPE_LABELS, RMC_CASE_TYPES
from rules.vrijstellingen import Vrijstellingsgrond
from web import forms
from web.requests import PaginaFout, Verzoek
from web.stores import staging

HAND_ACTIONS = [a for a in ActionType if not a.is_system and a is not ActionType.GESLOTEN]
HAND_CLOSE_REASONS = (CloseReason.HANDMATIG, CloseReason.INSCHRIJVING_GEVONDEN, CloseReason.VERHUISD,
                      CloseReason.VRIJSTELLING, CloseReason.STARTKWALIFICATIE)


def _case(session: Session, verzoek: Verzoek) -> Case:
    """The dossier of the URL, read (and audited) for showing; 404 in Dutch when there is none."""
    case_id = verzoek.path_params["dossier_id"]
    try:
        case = read_case(session, case_id)
    except Refused:
        raise PaginaFout(404, "Dossier niet gevonden",
                         f"Dossier {case_id} bestaat niet of is vernietigd.") from None
    gebruiker = verzoek.gebruiker
    elsewhere = gebruiker.rol in ("lpa", "rmc") and gebruiker.gemeenten and (
        case.gemeentecode not in gebruiker.gemeenten)
    not_rmc = gebruiker.rol == "rmc" and case.signal.value not in RMC_CASE_TYPES
    if elsewhere or not_rmc:  # as if it did not exist: no hint that it does
        raise PaginaFout(404, "Dossier niet gevonden", f"Dossier {case_id} bestaat niet of is vernietigd.")
    return case


def _person(verzoek: Verzoek, number: str) -> dict[str, Any]:
    with staging(verzoek.web.settings) as store:
        if store is None:
            return {}
        people = staging_queries.persons(store.con, [number])
        status = staging_queries.school_status(store.con, [number], dt.date.today())
    person = people.iloc[0].to_dict() if len(people) else {}
    person["schoolstatus"] = status.get(number, "")
    return person


def _render(verzoek: Verzoek, session: Session, case: Case, status: int = 200, fout: str | None = None,
            invoer: dict[str, str] | None = None) -> Response:
    meldingen = list(session.scalars(select(Verzuimmelding).where(
        Verzuimmelding.persoonsnummer == case.persoonsnummer).order_by(Verzuimmelding.begindatum)))
    return verzoek.render(
        "dossier.html.j2", status=status, titel=f"Dossier {case.id}", dossier=case,
        soort=CASE_TYPE_LABELS.get(case.signal.value, case.signal.value),
        persoon=_person(verzoek, case.persoonsnummer),
        acties=sorted(case.actions, key=lambda a: (a.on_date, a.id), reverse=True),
        vrijstellingen=list_vrijstellingen(session, persoonsnummer=case.persoonsnummer), meldingen=meldingen,
        open=case.status == CaseStatus.OPEN, fout=fout, invoer=invoer or {}, vandaag=dt.date.today(),
        hand_acties=HAND_ACTIONS, sluitredenen=HAND_CLOSE_REASONS, gronden=list(Vrijstellingsgrond),
        melding_statussen=(MeldingStatus.IN_BEHANDELING, MeldingStatus.AFGESLOTEN,
                           MeldingStatus.TER_KENNISGEVING_AANGENOMEN),
        redenen=list(RedenAfsluiting))


def page(verzoek: Verzoek) -> Response:
    with verzoek.db() as session:
        case = _case(session, verzoek)
        response = _render(verzoek, session, case)
        session.commit()  # the audit entry of the reading
    return response


def _change(verzoek: Verzoek, change: Callable[[Session, Case], str]) -> Response:
    """Do one change in one transaction: saved and back to the page with a message, or refused with
    the reason and nothing saved."""
    with verzoek.db() as session:
        case = _case(session, verzoek)
        try:
            message = change(session, case)
        except (Refused, forms.Invoerfout, ValueError) as exc:
            session.rollback()
            case = _case(session, verzoek)
            response = _render(verzoek, session, case, status=400, fout=f"Niet opgeslagen: {exc}",
                               invoer={k: v for k, v in (verzoek.form or {}).items() if isinstance(v, str)})
            session.commit()
            return response
        session.commit()
    from web.werklijst import cache

    cache(verzoek).clear()
    return verzoek.redirect(f"/dossier/{case.id}", message)


def record(verzoek: Verzoek) -> Response:
    def change(session: Session, case: Case) -> str:
        soort = verzoek.veld("soort")
        if soort not in {a.value for a in HAND_ACTIONS}:
            raise forms.Invoerfout("Kies wat u heeft gedaan.")
        on = forms.datum(verzoek.veld("datum"), "datum")
        action = record_action(session, case.id, soort, on=on,
                               note=verzoek.veld("verslag") or None)
        return f"Vastgelegd: {action.action.label} op {forms.nl(on)}."
    return _change(verzoek, change)


def assign_case(verzoek: Verzoek) -> Response:
    def change(session: Session, case: Case) -> str:
        naam = verzoek.veld("behandelaar")
        assign(session, case.id, naam or None)
        return f"Dossier toegewezen aan {naam}." if naam else "Dossier is niet meer toegewezen."
    return _change(verzoek, change)


def close(verzoek: Verzoek) -> Response:
    def change(session: Session, case: Case) -> str:
        reden = verzoek.veld("reden")
        if reden not in {r.value for r in HAND_CLOSE_REASONS}:
            raise forms.Invoerfout("Kies de reden van het sluiten.")
        on = forms.datum(verzoek.veld("datum"), "datum")
        record_action(session, case.id, ActionType.GESLOTEN, on=on,
                      note=verzoek.veld("toelichting") or None, reason=reden)
        return f"Dossier gesloten op {forms.nl(on)} ({CloseReason(reden).label})."
    return _change(verzoek, change)


def vrijstelling(verzoek: Verzoek) -> Response:
    def change(session: Session, case: Case) -> str:
        grond = verzoek.veld("grond")
        if grond not in {g.value for g in Vrijstellingsgrond}:
            raise forms.Invoerfout("Kies de grond van de vrijstelling.")
        begin = forms.datum(verzoek.veld("begin"), "begindatum")
        entry = add_vrijstelling(
            session, case.persoonsnummer, grond, begin,
            einddatum=forms.datum(verzoek.veld("eind"), "einddatum", verplicht=False),
            verklaring_datum=forms.datum(verzoek.veld("verklaring"), "datum van de verklaring",
                                         verplicht=False),
            nooit_geschikt=verzoek.veld("nooit_geschikt") == "1",
            toelichting=verzoek.veld("toelichting") or None)
        return f"Vrijstelling {entry.grond.artikel} geregistreerd vanaf {forms.nl(begin)}."
    return _change(verzoek, change)


def melding(verzoek: Verzoek) -> Response:
    def change(session: Session, case: Case) -> str:
        nummer = verzoek.veld("meldingsnummer")
        found = session.scalars(select(Verzuimmelding).where(
            Verzuimmelding.meldingsnummer == nummer,
            Verzuimmelding.persoonsnummer == case.persoonsnummer)).first()
        if found is None:
            raise forms.Invoerfout("Deze verzuimmelding hoort niet bij dit dossier.")
        status = verzoek.veld("status")
        if status not in {s.value for s in MeldingStatus}:
            raise forms.Invoerfout("Kies de nieuwe status van de melding.")
        on = forms.datum(verzoek.veld("datum"), "datum")
        # the name, not the login: it goes to DUO as the gemeente's contactpersoon
        handle_melding(session, nummer, status, on=on, by=verzoek.gebruiker.naam,
                       reden=verzoek.veld("reden") or None)
        return f"Verzuimmelding {nummer}: {MeldingStatus(status).label}."
    return _change(verzoek, change)
