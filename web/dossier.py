"""The dossier page: the person, the school, the dossier's reasons, the timeline, and what the LPA
does about it (record an action with its verslag and attachments, assign, close, register a
vrijstelling, handle a verzuimmelding). Every change goes through the register's own function; what
it refuses is shown in the page and nothing is saved (the transaction is rolled back). Reading the
dossier is audited (`dossier.read`) under the logged-in user.

The dossier is reached by its id only; the person number stays on the server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from registers.codes import (
    LPA_STEPS,
    REASON_LABELS,
    ActionType,
    CaseStatus,
    CloseReason,
    MeldingStatus,
    RedenAfsluiting,
    VsvUitkomst,
)
from registers.dossiers import assign, holds_rmc_reason, lead_reason, read_dossier, record_action, timeline
from registers.errors import Refused
from registers.meldingen import nederlands
from registers.models import Dossier, Persoon, Verzuimmelding
from registers.verzuim import handle_melding
from registers.vrijstellingen import add_vrijstelling, list_vrijstellingen
from registers.vsv import entries_of, set_outcome
from reports import staging_queries
from reports.gather import display_address
from rules.dates import PartialDate
from rules.vrijstellingen import Vrijstellingsgrond
from web import afspraken, forms, stukken
from web.requests import PaginaFout, Verzoek
from web.stores import staging

HAND_ACTIONS = [a for a in ActionType if not a.is_system and a is not ActionType.GESLOTEN]


def hand_actions(rol: str) -> list[ActionType]:
    """The steps a user of `rol` records by hand: RMC without the leerplichtambtenaar's (LPA_STEPS)."""
    return [a for a in HAND_ACTIONS if rol != "rmc" or a not in LPA_STEPS]


#: The roles that read and register vrijstellingen: leerplicht work, not the RMC's (docs/privacy.md §2:
#: inbeeld_rmc has no grant on `vrijstellingen`). web.routes guards the form's route with it.
VRIJSTELLING_ROLLEN = frozenset({"lpa", "administratie"})
#: The roles that record where a voortijdig schoolverlater went (docs/privacy.md §2: inbeeld_rmc
#: updates the outcome of `vsv_register`, administratie writes it, the LPA only reads it).
VSV_UITKOMST_ROLLEN = frozenset({"rmc", "administratie"})
HAND_CLOSE_REASONS = (CloseReason.HANDMATIG, CloseReason.INSCHRIJVING_GEVONDEN, CloseReason.VERHUISD,
                      CloseReason.VRIJSTELLING, CloseReason.STARTKWALIFICATIE)


def case_of(session: Session, verzoek: Verzoek) -> Dossier:
    """The dossier of the URL, read (and audited) for showing; 404 in Dutch when there is none."""
    dossier_id = verzoek.path_params["dossier_id"]
    try:
        dossier = read_dossier(session, dossier_id)
    except Refused:
        raise PaginaFout(404, "Dossier niet gevonden",
                         f"Dossier {dossier_id} bestaat niet of is vernietigd.") from None
    gebruiker = verzoek.gebruiker
    elsewhere = gebruiker.rol in ("lpa", "rmc") and gebruiker.gemeenten and (
        dossier.gemeentecode not in gebruiker.gemeenten)
    # RMC: only a dossier holding an RMC reason (an RMC signal or a melding of soort RMC), as the
    # database's policies cases_rmc / dossiers_rmc narrow it on PostgreSQL
    not_rmc = gebruiker.rol == "rmc" and not session.scalar(select(holds_rmc_reason(dossier.id)))
    if elsewhere or not_rmc:  # as if it did not exist: no hint that it does
        raise PaginaFout(404, "Dossier niet gevonden", f"Dossier {dossier_id} bestaat niet of is vernietigd.")
    return dossier


def _person(verzoek: Verzoek, number: str) -> dict[str, Any]:
    with staging(verzoek.web) as store:
        if store is None:
            return {}
        people = staging_queries.persons(store.con, [number])
        status = staging_queries.school_status(store.con, [number], dt.date.today())
    person = people.iloc[0].to_dict() if len(people) else {}
    if person:
        person["adres_tekst"] = display_address(person)
    person["schoolstatus"] = status.get(number, "")
    if person.get("geboortedatum_gba"):  # as far as the BRP knows it: `september 2008`, `2008`
        with suppress(ValueError):
            person["geboortedatum_tekst"] = PartialDate.parse(person["geboortedatum_gba"]).format_nl()
    return person


def render_dossier(verzoek: Verzoek, session: Session, case: Dossier, status: int = 200,
                   fout: str | None = None, invoer: dict[str, str] | None = None) -> Response:
    meldingen = list(session.scalars(select(Verzuimmelding).where(
        Verzuimmelding.persoonsnummer == case.persoonsnummer).order_by(Verzuimmelding.begindatum)))
    vrijstellingen = verzoek.gebruiker.rol in VRIJSTELLING_ROLLEN
    return verzoek.render(
        "dossier.html.j2", status=status, titel=f"Dossier {case.id}", dossier=case,
        aanleidingen=case.reasons, open_aanleidingen=[r for r in case.reasons if r.status == CaseStatus.OPEN],
        labels=REASON_LABELS, persoon=_person(verzoek, case.persoonsnummer),
        acties=list(reversed(timeline(case))),
        vrijstellingen=list_vrijstellingen(session, persoonsnummer=case.persoonsnummer) if vrijstellingen
        else None, meldingen=meldingen,
        open=case.status == CaseStatus.OPEN, fout=fout, invoer=invoer or {}, vandaag=dt.date.today(),
        hand_acties=hand_actions(verzoek.gebruiker.rol), sluitredenen=HAND_CLOSE_REASONS,
        gronden=list(Vrijstellingsgrond),
        melding_statussen=(MeldingStatus.IN_BEHANDELING, MeldingStatus.AFGESLOTEN,
                           MeldingStatus.TER_KENNISGEVING_AANGENOMEN),
        redenen=list(RedenAfsluiting),
        brieven=stukken.letters_of(session, case),
        brief_keuzes=stukken.choices(case, session.get(Persoon, case.persoonsnummer)),
        concepten=stukken.concepts_of(verzoek, case),
        vsv=entries_of(session, case.persoonsnummer), uitkomsten=list(VsvUitkomst),
        vsv_uitkomst=verzoek.gebruiker.rol in VSV_UITKOMST_ROLLEN,
        lead=lead_reason(case), **afspraken.context(session, verzoek.web.settings, case))


def page(verzoek: Verzoek) -> Response:
    with verzoek.db() as session:
        case = case_of(session, verzoek)
        response = render_dossier(verzoek, session, case)
        session.commit()  # the audit entry of the reading
    return response


def apply_change(verzoek: Verzoek, change: Callable[[Session, Dossier], str]) -> Response:
    """Do one change in one transaction: saved and back to the page with a message, or refused with
    the reason and nothing saved."""
    with verzoek.db(schrijven=True) as session:
        case = case_of(session, verzoek)
        try:
            message = change(session, case)
        except (Refused, forms.Invoerfout, ValueError) as exc:
            session.rollback()
            case = case_of(session, verzoek)
            typed = {k: v for k, v in (verzoek.form or {}).items() if isinstance(v, str)}
            response = render_dossier(verzoek, session, case, status=400,
                                      fout=f"Niet opgeslagen: {nederlands(exc)}", invoer=typed)
            session.commit()
            return response
        session.commit()
    from web.werklijst import cache

    cache(verzoek).changed(case.id)
    return verzoek.redirect(f"/dossier/{case.id}", message)


def _reason_id(verzoek: Verzoek) -> int | None:
    value = verzoek.veld("reden_id")
    if not value:
        return None
    if not value.isdigit():
        raise forms.Invoerfout("Kies de aanleiding waar de actie over gaat.")
    return int(value)


def record(verzoek: Verzoek) -> Response:
    def change(session: Session, case: Dossier) -> str:
        soort = verzoek.veld("soort")
        if soort not in {a.value for a in HAND_ACTIONS}:
            raise forms.Invoerfout("Kies wat u heeft gedaan.")
        if soort not in {a.value for a in hand_actions(verzoek.gebruiker.rol)}:
            raise forms.Invoerfout(f"Een {ActionType(soort).label} is aan de leerplichtambtenaar, niet aan "
                                   "RMC / het Doorstroompunt.")
        on = forms.datum(verzoek.veld("datum"), "datum")
        files = [(upload.filename or "bijlage", upload.file.read())
                 for upload in verzoek.bestanden("bijlage")]
        tegen = (verzoek.veld("tegen") or None) if soort == ActionType.PROCES_VERBAAL.value else None
        action = record_action(session, case.id, soort, reason_id=_reason_id(verzoek), on=on,
                               note=verzoek.veld("verslag") or None, attachments=files,
                               attachment_dir=verzoek.web.settings.ensure_data_dir() if files else None,
                               tegen=tegen)
        extra = f" met {len(files)} bijlage{'n' if len(files) != 1 else ''}" if files else ""
        return f"Vastgelegd: {action.action.label} op {forms.nl(on)}{extra}."
    return apply_change(verzoek, change)


def assign_case(verzoek: Verzoek) -> Response:
    def change(session: Session, case: Dossier) -> str:
        naam = verzoek.veld("behandelaar")
        assign(session, case.id, naam or None)
        return f"Dossier toegewezen aan {naam}." if naam else "Dossier is niet meer toegewezen."
    return apply_change(verzoek, change)


def close(verzoek: Verzoek) -> Response:
    def change(session: Session, case: Dossier) -> str:
        reden = verzoek.veld("reden")
        if reden not in {r.value for r in HAND_CLOSE_REASONS}:
            raise forms.Invoerfout("Kies de reden van het sluiten.")
        on = forms.datum(verzoek.veld("datum"), "datum")
        record_action(session, case.id, ActionType.GESLOTEN, on=on,
                      note=verzoek.veld("toelichting") or None, close_reason=reden,
                      reden_afsluiting=verzoek.veld("reden_afsluiting") or None)
        return f"Dossier gesloten op {forms.nl(on)} ({CloseReason(reden).label})."
    return apply_change(verzoek, change)


def vrijstelling(verzoek: Verzoek) -> Response:
    def change(session: Session, case: Dossier) -> str:
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
            toelichting=verzoek.veld("toelichting") or None,
            staging_path=verzoek.web.settings.staging_path)  # the birth date the ground is checked on
        return f"Vrijstelling {entry.grond.artikel} geregistreerd vanaf {forms.nl(begin)}."
    return apply_change(verzoek, change)


def melding(verzoek: Verzoek) -> Response:
    def change(session: Session, case: Dossier) -> str:
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
    return apply_change(verzoek, change)


def vsv_uitkomst(verzoek: Verzoek) -> Response:
    """Where a voortijdig schoolverlater went (werk, terug naar school, niet bereikt, …): the RMC's
    record in the VSV register, which the case sync fills only for the reasons it can see."""
    def change(session: Session, case: Dossier) -> str:
        entry = next((e for e in entries_of(session, case.persoonsnummer)
                      if str(e.id) == verzoek.veld("vsv_id")), None)
        if entry is None:
            raise forms.Invoerfout("Deze inschrijving in het VSV-register hoort niet bij dit dossier.")
        uitkomst = verzoek.veld("uitkomst")
        if uitkomst not in {u.value for u in VsvUitkomst}:
            raise forms.Invoerfout("Kies waar de jongere naartoe is.")
        on = forms.datum(verzoek.veld("datum"), "datum")
        set_outcome(session, entry.id, uitkomst, on, toelichting=verzoek.veld("toelichting") or None)
        return f"VSV-uitkomst vastgelegd: {VsvUitkomst(uitkomst).label} op {forms.nl(on)}."
    return apply_change(verzoek, change)
