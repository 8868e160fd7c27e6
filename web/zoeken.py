"""Search: a person by name, BSN / onderwijsnummer, a letter's kenmerk or postcode + huisnummer, to
their dossier. A POST: what is searched for (a name, a BSN) stays out of URLs, proxy logs and
browser histories; the results link to dossier ids only. Each dossier listed is audited.

The query runs over the newest BRP delivery in staging and the register's cases and letters; the
register's own search (registers.zoeken, from the dossier work) replaces it when it lands."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from starlette.responses import Response

from connectors.persoonsnummer import is_persoonsnummer
from connectors.staging import Staging
from registers.audit import record_reads
from registers.codes import REASON_LABELS
from registers.dossiers import lead_reason
from registers.models import Case, Dossier, Letter
from reports import staging_queries
from web.inbox import _scope
from web.requests import Verzoek
from web.stores import staging

LIMIT = 50
POSTCODE_HUISNUMMER = re.compile(r"^(\d{4})\s?([A-Za-z]{2})\s+(\d{1,5})\b")
KENMERK = re.compile(r"^[A-Z0-9][A-Z0-9/-]{3,19}$")


def form(verzoek: Verzoek) -> Response:
    return verzoek.render("zoeken.html.j2", titel="Zoeken", q="", resultaten=None, fout=None)


def _numbers_from_staging(store: Staging | None, q: str) -> list[str]:
    """Person numbers in the newest BRP delivery by postcode + huisnummer, else by (sur)name."""
    if store is None or not staging_queries.has_table(store.con, "brp_personen"):
        return []
    newest = "(SELECT max(import_id) FROM imports WHERE kind = 'brp' AND status = 'loaded')"
    match = POSTCODE_HUISNUMMER.match(q)
    if match:
        sql = (f"SELECT DISTINCT bsn FROM brp_personen WHERE import_id = {newest} "
               "AND upper(replace(postcode, ' ', '')) = ? AND huisnummer = ? LIMIT 500")
        params: list[Any] = [f"{match[1]}{match[2].upper()}", int(match[3])]
    else:
        sql = (f"SELECT DISTINCT bsn FROM brp_personen WHERE import_id = {newest} AND ("
               "geslachtsnaam ILIKE ? OR concat_ws(' ', voornamen, voorvoegsel, geslachtsnaam) ILIKE ?) "
               "LIMIT 500")
        params = [f"{q}%", f"%{q}%"]
    return [row[0] for row in store.con.execute(sql, params).fetchall() if row[0]]


def _cases(session: Session, verzoek: Verzoek, store: Staging | None, q: str) -> list[Dossier]:
    query = select(Dossier).options(selectinload(Dossier.reasons))
    if is_persoonsnummer(q):
        query = query.where(Dossier.persoonsnummer == q)
    elif KENMERK.match(q.upper()) and any(c.isdigit() for c in q):
        letter = session.scalars(select(Letter).where(Letter.kenmerk == q.upper())).first()
        if letter is None or letter.case_id is None:
            return []
        query = query.where(Dossier.id == select(Case.dossier_id).where(Case.id == letter.case_id)
                            .scalar_subquery())
    else:
        numbers = _numbers_from_staging(store, q)
        if not numbers:
            return []
        query = query.where(Dossier.persoonsnummer.in_(numbers))
    query = _scope(query, verzoek).order_by(Dossier.status.desc(), Dossier.opened_on.desc()).limit(LIMIT)
    return list(session.scalars(query))


def search(verzoek: Verzoek) -> Response:
    q = " ".join(verzoek.veld("q").split())
    if len(q) < 2:
        return verzoek.render("zoeken.html.j2", status=400, titel="Zoeken", q=q, resultaten=None,
                              fout="Typ ten minste twee tekens: een naam, BSN, kenmerk of postcode en "
                                   "huisnummer.")
    with verzoek.db() as session, staging(verzoek.web.settings) as store:  # staging opened once
        cases = _cases(session, verzoek, store, q)
        people = staging_queries.persons(store.con, [c.persoonsnummer for c in cases]) if (
            store and cases) else None
        names = {} if people is None else {row["persoonsnummer"]: row for row in people.to_dict("records")}
        record_reads(session, "zoeken.gevonden", "dossiers", [(c.id, c.persoonsnummer) for c in cases])
        session.commit()
    results = [{"id": c.id, "naam": names.get(c.persoonsnummer, {}).get("naam") or "(naam onbekend)",
                "geboortedatum": names.get(c.persoonsnummer, {}).get("geboortedatum"),
                "soort": REASON_LABELS.get(lead_reason(c).signal.value, lead_reason(c).signal.value),
                "status": "open" if c.status.value == "open" else "gesloten", "geopend": c.opened_on}
               for c in cases]
    return verzoek.render("zoeken.html.j2", titel="Zoeken", q=q, resultaten=results, fout=None)
