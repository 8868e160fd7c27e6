"""Every route of the work screen with the roles that may reach it: the one table the server checks
on each request (tests/web/test_roles.py asks every route with every role)."""

from __future__ import annotations

from dataclasses import dataclass

from web import afspraken, beheer, beleid, dossier, flow_runs, inbox, login, stukken, werklijst, zoeken
from web.database import ROLLEN
from web.requests import PUBLIEK, Handler

IEDEREEN = frozenset(ROLLEN)
WERK = frozenset({"lpa", "rmc", "administratie"})  # the roles that work with dossiers
CIJFERS = frozenset({"beleid", "beheer"})  # aggregates only
BEHEER = frozenset({"beheer"})
VRIJSTELLINGEN = dossier.VRIJSTELLING_ROLLEN  # leerplicht work: not rmc (docs/privacy.md §2)
VSV_UITKOMST = dossier.VSV_UITKOMST_ROLLEN  # the RMC's record: not the LPA's (docs/privacy.md §2)


@dataclass(frozen=True)
class Pagina:
    pad: str
    handler: Handler
    rollen: frozenset[str]
    methods: tuple[str, ...] = ("GET",)


PAGINAS: tuple[Pagina, ...] = (
    Pagina("/login", login.login_form, PUBLIEK),
    Pagina("/login", login.login_submit, PUBLIEK, ("POST",)),
    Pagina("/uitloggen", login.logout, IEDEREEN, ("POST",)),
    Pagina("/", login.start, IEDEREEN),
    Pagina("/inbox", inbox.page, WERK),
    Pagina("/zoeken", zoeken.form, WERK),
    Pagina("/zoeken", zoeken.search, WERK, ("POST",)),
    Pagina("/werklijst", werklijst.page, WERK),
    Pagina("/werklijst.xlsx", werklijst.xlsx, WERK),
    Pagina("/dossier/{dossier_id:int}", dossier.page, WERK),
    Pagina("/dossier/{dossier_id:int}/actie", dossier.record, WERK, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/toewijzen", dossier.assign_case, WERK, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/sluiten", dossier.close, WERK, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/vrijstelling", dossier.vrijstelling, VRIJSTELLINGEN, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/melding", dossier.melding, WERK, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/vsv-uitkomst", dossier.vsv_uitkomst, VSV_UITKOMST, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/bijlage/{bijlage_id:int}", stukken.bijlage, WERK),
    Pagina("/dossier/{dossier_id:int}/brief", stukken.write, WERK, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/brief/{brief_id:int}", stukken.brief, WERK),
    Pagina("/dossier/{dossier_id:int}/concept", stukken.concept, WERK, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/concept/{kenmerk:str}", stukken.concept_download, WERK),
    Pagina("/dossier/{dossier_id:int}/concept/{kenmerk:str}/opslaan", stukken.concept_store, WERK, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/afspraak", afspraken.plan, WERK, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/afspraak/{afspraak_id:int}/verzetten", afspraken.move, WERK, ("POST",)),
    Pagina("/dossier/{dossier_id:int}/afspraak/{afspraak_id:int}/annuleren", afspraken.cancel, WERK,
           ("POST",)),
    Pagina("/beleid", beleid.overzicht, CIJFERS),
    Pagina("/beleid/vsv", beleid.vsv, CIJFERS),
    Pagina("/beleid/telling", beleid.telling, CIJFERS),
    Pagina("/beleid/kpi", beleid.kpi, CIJFERS),
    Pagina("/beheer", beheer.overzicht, BEHEER),
    Pagina("/beheer/gebruikers", beheer.users, BEHEER),
    Pagina("/beheer/leveringen", beheer.imports, BEHEER),
    Pagina("/beheer/leveringen/{import_id:int}", beheer.quarantine, BEHEER),
    Pagina("/beheer/runs", flow_runs.page, BEHEER),
    Pagina("/beheer/audit", beheer.audit_form, BEHEER),
    Pagina("/beheer/audit", beheer.audit_lookup, BEHEER, ("POST",)),
)
