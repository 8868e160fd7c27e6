"""The agenda on the work screen: a dossier's appointments, the free slots of the person it is
assigned to (else the team's default agenda), and planning, moving and cancelling through
registers.agenda, which refuses a taken, past or off-grid slot in Dutch and changes nothing.

An appointment is reached by its id, and only through a dossier of the same person the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from inbeeld.settings import Settings
from registers import agenda
from registers.codes import AfspraakStatus
from registers.dossiers import lead_reason
from registers.models import Afspraak, Dossier, Gebruiker
from web import forms
from web.requests import Verzoek

SLOTS_SHOWN = 40  # the first free slots offered in the form (two weeks of a morning or so)
DAYS_AHEAD = 21


def _names(session: Session) -> dict[str, str]:
    """login → naam (only the columns every role may read)."""
    return dict(session.execute(select(Gebruiker.login, Gebruiker.naam)).all())


def agenda_of_dossier(session: Session, settings: Settings, dossier: Dossier) -> agenda.Agenda:
    """The agenda of the dossier's behandelaar (assigned by login or by name), else the team's own."""
    namen = _names(session)
    # assigned_to is free text, a login or a naam: both sides folded alike here, not by login_key
    by_name = {naam.strip().lower(): login for login, naam in namen.items()}
    who = (dossier.assigned_to or "").strip().lower()
    login = who if who in namen else by_name.get(who)
    if login is None:
        login = settings.agenda.standaard_rmc if dossier.team.value == "rmc" else settings.agenda.standaard
    kantoor = settings.letters.kantoor
    return agenda.agenda_of(settings.agenda, login, locatie=kantoor.gesprekslocatie or kantoor.bezoekadres,
                            namen=namen)


def of_dossier(session: Session, dossier: Dossier) -> list[Afspraak]:
    """The person's planned appointments from today on (the dossier page's reading is audited)."""
    today = dt.datetime.combine(dt.date.today(), dt.time())
    return list(session.scalars(select(Afspraak).where(
        Afspraak.persoonsnummer == dossier.persoonsnummer, Afspraak.status == AfspraakStatus.GEPLAND,
        Afspraak.start >= today).order_by(Afspraak.start, Afspraak.id)))


def context(session: Session, settings: Settings, dossier: Dossier) -> dict[str, Any]:
    """What the dossier page shows of the agenda."""
    owner = agenda_of_dossier(session, settings, dossier)
    now = agenda._now()
    vrij = agenda.free_slots(session, owner, now, DAYS_AHEAD)[:SLOTS_SHOWN]
    return {"afspraken": of_dossier(session, dossier), "agenda": owner, "vrije_tijden": vrij,
            "agenda_namen": {**_names(session), owner.medewerker: owner.naam}}


def _tijdstip(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise forms.Invoerfout("Kies een tijdstip uit de lijst.") from None


def _own(session: Session, dossier: Dossier, verzoek: Verzoek) -> Afspraak:
    """The appointment of the URL, when it is this dossier's person's; else as if it did not exist."""
    found = session.get(Afspraak, verzoek.path_params["afspraak_id"])
    if found is None or found.persoonsnummer != dossier.persoonsnummer:
        raise forms.Invoerfout("Deze afspraak hoort niet bij dit dossier.")
    return found


def plan(verzoek: Verzoek) -> Response:
    from web.dossier import apply_change

    def do(session: Session, dossier: Dossier) -> str:
        owner = agenda_of_dossier(session, verzoek.web.settings, dossier)
        start = _tijdstip(verzoek.veld("tijdstip"))
        made = agenda.plan(session, owner, start, dossier.persoonsnummer, case_id=lead_reason(dossier).id,
                           onderwerp=verzoek.veld("onderwerp")[:60] or "gesprek",
                           notitie=verzoek.veld("notitie") or None)
        when = f"{forms.nl(made.start.date())} om {made.start:%H:%M} uur"
        return f"Afspraak gepland op {when} bij {owner.naam}."
    return apply_change(verzoek, do)


def move(verzoek: Verzoek) -> Response:
    from web.dossier import apply_change

    def do(session: Session, dossier: Dossier) -> str:
        afspraak = _own(session, dossier, verzoek)
        owner = agenda_of_dossier(session, verzoek.web.settings, dossier)  # the slots the page offered
        moved = agenda.rebook(session, afspraak.id, owner, _tijdstip(verzoek.veld("tijdstip")))
        return f"Afspraak verzet naar {forms.nl(moved.start.date())} om {moved.start:%H:%M} uur."
    return apply_change(verzoek, do)


def cancel(verzoek: Verzoek) -> Response:
    from web.dossier import apply_change

    def do(session: Session, dossier: Dossier) -> str:
        afspraak = _own(session, dossier, verzoek)
        agenda.cancel(session, afspraak.id, reden=verzoek.veld("reden") or None)
        return f"Afspraak van {forms.nl(afspraak.start.date())} om {afspraak.start:%H:%M} uur geannuleerd."
    return apply_change(verzoek, do)


def today_of(session: Session, login: str) -> list[Afspraak]:
    """The user's own planned appointments of today, for the inbox."""
    start = dt.datetime.combine(dt.date.today(), dt.time())
    return agenda.list_afspraken(session, medewerker=login, van=start, tot=start + dt.timedelta(days=1))
