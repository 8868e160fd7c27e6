"""Beheer: the imports with their quarantine, the last flow runs and the audit lookup.

The audit lookup is a POST: the person number travels in the form body, never in a URL (proxies
and browser histories keep URLs). The question itself is audited, as `inbeeld audit list` does."""

from __future__ import annotations

from starlette.responses import Response

from connectors.persoonsnummer import is_persoonsnummer
from registers.audit import AuditEvent, trail
from web import forms
from web.requests import PaginaFout, Verzoek
from web.stores import staging

KIND_LABELS = {"brp": "BRP", "duo_c": "DUO C-levering", "duo_p": "DUO P-levering",
               "verzuim": "Verzuimmeldingen", "vrijstellingen": "Vrijstellingen"}


def overzicht(verzoek: Verzoek) -> Response:
    return verzoek.render("beheer.html.j2", titel="Beheer")


def users(verzoek: Verzoek) -> Response:
    """The named users (added and disabled with `inbeeld gebruiker`; no password is ever shown)."""
    from registers.gebruikers import list_users

    with verzoek.db() as session:
        rows = [{"login": u.login, "naam": u.naam, "rol": getattr(u.rol, "value", u.rol),
                 "gemeenten": ", ".join(u.gemeenten or []) or "alle", "actief": u.actief,
                 "geblokkeerd_tot": u.geblokkeerd_tot} for u in list_users(session)]
    return verzoek.render("gebruikers.html.j2", titel="Gebruikers", gebruikers=rows)


def imports(verzoek: Verzoek) -> Response:
    with staging(verzoek.web) as store:
        rows = list(reversed(store.imports())) if store is not None else []
        faulty = store.quarantined_lines() if store is not None else {}
    for row in rows:
        row["soort"] = KIND_LABELS.get(row["kind"], row["kind"])
        row["veld_leeg"] = _loaded_with_a_field_empty(row, faulty.get(row["import_id"], 0))
    return verzoek.render("imports.html.j2", titel="Leveringen", imports=rows)


def quarantine(verzoek: Verzoek) -> Response:
    import_id = verzoek.path_params["import_id"]
    with staging(verzoek.web) as store:
        found = [row for row in (store.imports() if store else []) if row["import_id"] == import_id]
        if not found:
            raise PaginaFout(404, "Niet gevonden", f"Levering {import_id} bestaat niet.")
        rows = store.quarantine(import_id) if store else []
    levering = found[0]
    return verzoek.render("quarantaine.html.j2", titel=f"Quarantaine van levering {import_id}",
                          levering=levering, rijen=rows,
                          niet_ingelezen=int(levering.get("rows_quarantined") or 0),
                          veld_leeg=_loaded_with_a_field_empty(levering, len({row["line"] for row in rows})))


def _loaded_with_a_field_empty(levering: dict, fault_lines: int) -> int:
    """Of a delivery's `fault_lines` (lines in quarantine), those loaded all the same: a BRP
    persoonslijst with a fault in a field is often loaded with that field empty (docs/spec.md §6),
    so only `rows_quarantined` of its lines were not loaded."""
    return max(fault_lines - int(levering.get("rows_quarantined") or 0), 0)


def audit_form(verzoek: Verzoek) -> Response:
    return verzoek.render("audit.html.j2", titel="Audit opzoeken", fout=None, rijen=None, nummer="", sinds="")


def audit_lookup(verzoek: Verzoek) -> Response:
    nummer, sinds_text = verzoek.veld("persoonsnummer"), verzoek.veld("sinds")
    try:
        if not is_persoonsnummer(nummer):
            raise forms.Invoerfout(f"'{nummer}' is geen BSN of onderwijsnummer (de elfproef klopt niet).")
        sinds = forms.datum(sinds_text, "datum vanaf", verplicht=False)
    except forms.Invoerfout as fout:
        return verzoek.render("audit.html.j2", status=400, titel="Audit opzoeken", fout=str(fout), rijen=None,
                              nummer=nummer, sinds=sinds_text)
    with verzoek.db() as session:
        entries = trail(session).entries_for(session, nummer, sinds)
        rows = [{"at": e.at, "actor": e.actor, "action": e.action, "entity": e.entity,
                 "entity_id": e.entity_id, "detail": e.detail} for e in entries]
        trail(session).record(session, AuditEvent("audit.read", nummer, "audit_log", None,
                                                  f"entries={len(rows)}"))
        session.commit()
    return verzoek.render("audit.html.j2", titel="Audit opzoeken", fout=None, rijen=rows, nummer=nummer,
                          sinds=sinds_text)
