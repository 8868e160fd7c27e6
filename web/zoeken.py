"""Search: a person by name, BSN / onderwijsnummer, a letter's kenmerk or postcode + huisnummer, to
their dossier. A POST: what is searched for (a name, a BSN) stays out of URLs, proxy logs and
browser histories; the results link to dossier ids only. Each dossier listed is audited.

The finding is the register's own search (`registers.zoeken`, the same as `inbeeld zoek`); this page
shows the dossiers of the persons found, narrowed to the user's scope (gemeenten, RMC doelgroep)."""

from __future__ import annotations

from starlette.responses import Response

from registers.audit import record_reads
from registers.codes import REASON_LABELS
from registers.dossiers import lead_reason
from registers.errors import Refused
from registers.meldingen import nederlands
from registers.zoeken import zoek
from reports.gather import NAME_UNKNOWN
from web.inbox import _scope
from web.requests import Verzoek
from web.stores import staging

LIMIT = 50


def form(verzoek: Verzoek) -> Response:
    return verzoek.render("zoeken.html.j2", titel="Zoeken", q="", resultaten=None, fout=None)


def search(verzoek: Verzoek) -> Response:
    q = " ".join(verzoek.veld("q").split())
    gebruiker = verzoek.gebruiker
    scoped = gebruiker.rol in ("lpa", "rmc") and gebruiker.gemeenten
    gemeenten = tuple(gebruiker.gemeenten) if scoped else None
    with verzoek.db() as session, staging(verzoek.web) as store:  # staging opened once
        try:
            found = zoek(session, store.con if store else None, q, gemeenten=gemeenten,
                         case_filter=lambda query: _scope(query, verzoek), limit=LIMIT, audit=False)
        except Refused as exc:
            return verzoek.render("zoeken.html.j2", status=400, titel="Zoeken", q=q, resultaten=None,
                                  fout=nederlands(exc))
        shown = [(person, case) for person in found.gevonden for case in person.zaken][:LIMIT]
        record_reads(session, "zoeken.gevonden", "dossiers", [(c.id, c.persoonsnummer) for _p, c in shown])
        session.commit()
    results = [{"id": c.id, "naam": person.naam or NAME_UNKNOWN,
                "geboortedatum": person.geboortedatum.format_nl() if person.geboortedatum else None,
                "soort": REASON_LABELS.get(lead_reason(c).signal.value, lead_reason(c).signal.value),
                "status": "open" if c.status.value == "open" else "gesloten", "geopend": c.opened_on}
               for person, c in shown]
    return verzoek.render("zoeken.html.j2", titel="Zoeken", q=q, resultaten=results, fout=None)
