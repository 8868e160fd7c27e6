"""The work list on screen and as .xlsx: the monthly list of `inbeeld report worklist`, filtered by
medewerker, soort and overdue. Every case shown (or written to the file) is audited under the user."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from starlette.responses import Response

from connectors.output_names import safe_name
from registers.audit import record_reads
from reports import gather
from reports.spreadsheet import write_xlsx
from reports.worklist import CASE_TYPE_LABELS, RMC_CASE_TYPES, WORKLIST_COLUMNS
from reports.worklist_report import file_stem, worklist_table
from web.requests import Verzoek
from web.stores import staging

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# on screen the columns that decide the day's work; the .xlsx has every column
ON_SCREEN = ("dagen_te_laat", "volgende_actie", "volgende_actie_datum", "soort_label", "naam", "leeftijd",
             "schoolstatus", "dagen_open", "laatste_actie")
SHOWN = [c for key in ON_SCREEN for c in WORKLIST_COLUMNS if c[0] == key]


def _lists(verzoek: Verzoek, peildatum: dt.date) -> dict[str, pd.DataFrame]:
    with verzoek.db() as session, staging(verzoek.web.settings) as store:
        return gather.worklists_for(session, store.con if store else None, peildatum,
                                    verzoek.web.settings.reports, audit=False)


def _filtered(verzoek: Verzoek, lists: dict[str, pd.DataFrame]) -> tuple[dict[str, Any], str, pd.DataFrame]:
    """The chosen filters (by slug: no name in the URL), the list's title and its rows."""
    keys = {safe_name(naam): naam for naam in lists}
    eigen = safe_name(verzoek.gebruiker.naam)
    medewerker = verzoek.query("medewerker") or (eigen if eigen in keys else "")
    soort, te_laat = verzoek.query("soort"), verzoek.query("te_laat") == "1"
    if medewerker in keys:
        title, rows = keys[medewerker], lists[keys[medewerker]]
    else:
        medewerker = "alle"
        title = "Alle medewerkers"
        frames = [frame.assign(medewerker=naam) for naam, frame in lists.items()]
        rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=[c[0] for c in WORKLIST_COLUMNS])
    gebruiker = verzoek.gebruiker
    if gebruiker.rol in ("lpa", "rmc") and gebruiker.gemeenten and len(rows):
        rows = rows[rows["gemeentecode"].isin(gebruiker.gemeenten)]
    if gebruiker.rol == "rmc" and len(rows):
        rows = rows[rows["soort"].isin(RMC_CASE_TYPES)]
    if soort in CASE_TYPE_LABELS:
        rows = rows[rows["soort"] == soort]
    else:
        soort = ""
    if te_laat and len(rows):
        rows = rows[rows["te_laat"].astype(bool)]
    filters = {"medewerker": medewerker, "soort": soort, "te_laat": te_laat,
               "medewerkers": sorted(keys.items(), key=lambda item: item[1]),
               "soorten": sorted(CASE_TYPE_LABELS.items(), key=lambda item: item[1])}
    return filters, title, rows


def _audit(verzoek: Verzoek, action: str, rows: pd.DataFrame) -> None:
    with verzoek.db() as session:
        record_reads(session, action, "cases", [(int(case_id), str(number)) for case_id, number
                                               in zip(rows["case_id"], rows["persoonsnummer"], strict=True)])
        session.commit()


def page(verzoek: Verzoek) -> Response:
    peildatum = dt.date.today()
    filters, title, rows = _filtered(verzoek, _lists(verzoek, peildatum))
    _audit(verzoek, "werklijst.getoond", rows)
    chosen = (("medewerker", filters["medewerker"]), ("soort", filters["soort"]),
              ("te_laat", "1" if filters["te_laat"] else ""))
    query = "&".join(f"{k}={v}" for k, v in chosen if v)
    return verzoek.render("werklijst.html.j2", titel="Werklijst", lijst=title, filters=filters,
                          kolommen=SHOWN, rijen=rows.to_dict("records"), peildatum=peildatum,
                          te_laat=int(rows["te_laat"].astype(bool).sum()) if len(rows) else 0,
                          download=f"/werklijst.xlsx?{query}")


def xlsx(verzoek: Verzoek) -> Response:
    peildatum = dt.date.today()
    _filters, title, rows = _filtered(verzoek, _lists(verzoek, peildatum))
    _audit(verzoek, "werklijst.gemaakt", rows)
    stem = file_stem(title, f"{peildatum:%Y-%m}")
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder) / f"{stem}.xlsx", [worklist_table(title, rows, peildatum)])
        content = path.read_bytes()
    return Response(content, media_type=XLSX,
                    headers={"content-disposition": f'attachment; filename="{stem}.xlsx"'})
