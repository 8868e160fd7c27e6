"""The work list on screen and as .xlsx: the monthly list of `inbeeld report worklist`, filtered by
medewerker, soort and overdue. Every case shown (or written to the file) is audited under the user."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from connectors.output_names import safe_name
from registers.audit import record_reads
from registers.codes import REASON_LABELS, CaseStatus
from registers.dossiers import rmc_reason
from registers.models import Case
from reports import gather
from reports.spreadsheet import write_xlsx
from reports.worklist import WORKLIST_COLUMNS, with_changes
from reports.worklist_report import file_stem, worklist_table
from web.requests import Verzoek
from web.stores import staging

PAGE_SIZE = 100
log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# on screen the columns that decide the day's work; the .xlsx has every column
ON_SCREEN = ("dagen_te_laat", "volgende_actie", "volgende_actie_datum", "soort_label", "naam", "leeftijd",
             "schoolstatus", "dagen_open", "laatste_actie")
SHOWN = [c for key in ON_SCREEN for c in WORKLIST_COLUMNS if c[0] == key]


# What decides which dossiers the database lets into the lists: the role and, on PostgreSQL, the
# gemeenten row-level security narrows the user to (web.database.Registers.gemeenten).
Scope = tuple[str, tuple[str, ...] | None]


@dataclass
class _Made:
    """The lists of one scope as made at `at`, with the dossiers changed on the screen since."""

    at: float
    peildatum: dt.date
    lists: dict[str, pd.DataFrame]
    changed: set[int] = field(default_factory=set)
    refreshing: set[int] | None = None  # while new lists are made: the dossiers changed meanwhile


class ListCache:
    """The work lists of the day, made once and then refreshed every REFRESH_SECONDS.

    Making the lists reads every open case and its person from staging (seconds for a city, more
    on a busy machine); the page then only filters. Only the first page of the day waits for that.
    A change made on the screen marks its dossier, and the next page that asks puts that dossier's
    rows afresh into the lists (reports.worklist.with_changes), so the user sees the change at once;
    changes by the weekly flow show after the refresh, which is made in the background while the
    pages go on with the lists they have.

    The lists are kept per scope, never per role alone: on PostgreSQL they are made under the asking
    user's session, so they hold only what row-level security lets that user see, and a user of the
    same role with other gemeenten must get lists of their own. There the scope is asked of the
    database on every page, so a change of a user's gemeenten counts at once, not at their next login
    (the screen's own `Ingelogd.gemeenten` are those of the login)."""

    REFRESH_SECONDS = 300

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: dict[Scope, _Made] = {}
        self.refresher: threading.Thread | None = None

    def get(self, verzoek: Verzoek, peildatum: dt.date) -> dict[str, pd.DataFrame]:
        scope = _scope(verzoek)
        with self._lock:
            made = self._made.get(scope)
            if made is None or made.peildatum != peildatum:
                made = self._new(verzoek, peildatum)
            if made.changed:
                ids = sorted(made.changed)
                changed_scope, rows = _make(verzoek, peildatum, ids)
                if changed_scope != scope:  # the user's gemeenten changed meanwhile: lists of the new scope
                    return self._new(verzoek, peildatum).lists
                made.lists = with_changes(made.lists, rows, ids)
                made.changed = set()
            if time.monotonic() - made.at >= self.REFRESH_SECONDS and made.refreshing is None:
                made.refreshing = set()
                self.refresher = threading.Thread(target=self._refresh, args=(verzoek, scope, peildatum),
                                                  name="werklijst-verversen", daemon=True)
                self.refresher.start()
            return made.lists

    def _new(self, verzoek: Verzoek, peildatum: dt.date) -> _Made:
        """New lists, kept under the scope they were made in (asked in the same session); called
        holding the lock."""
        scope, lists = _make(verzoek, peildatum)
        made = self._made[scope] = _Made(time.monotonic(), peildatum, lists)
        return made

    def _refresh(self, verzoek: Verzoek, scope: Scope, peildatum: dt.date) -> None:
        try:
            made_in, lists = _make(verzoek, peildatum)
        except Exception:  # noqa: BLE001  (the lists in use stay; the next page tries again)
            log.exception("refreshing the work lists failed")
            made_in, lists = None, None
        with self._lock:
            made = self._made.get(scope)
            if made is None or made.peildatum != peildatum or made.refreshing is None:
                return
            if lists is None or made_in != scope:  # failed, or made for another scope: not kept here
                made.refreshing = None
                return
            self._made[scope] = _Made(time.monotonic(), peildatum, lists, changed=made.refreshing)

    def changed(self, dossier_id: int) -> None:
        """A dossier changed on the screen: its rows are made again when a list is next asked for
        (in every scope: whoever may see the dossier sees the change)."""
        with self._lock:
            for made in self._made.values():
                made.changed.add(dossier_id)
                if made.refreshing is not None:
                    made.refreshing.add(dossier_id)

    def clear(self) -> None:
        with self._lock:
            self._made.clear()


def _scope_in(verzoek: Verzoek, session: Session) -> Scope:
    rol = verzoek.gebruiker.rol
    return rol, verzoek.web.registers.gemeenten(session, rol)


def _scope(verzoek: Verzoek) -> Scope:
    """The user's scope, in a short session of its own (it queries only on PostgreSQL, for lpa and
    rmc), so that no page waits for the lock holding a connection."""
    with verzoek.db() as session:
        return _scope_in(verzoek, session)


def _make(verzoek: Verzoek, peildatum: dt.date,
          ids: list[int] | None = None) -> tuple[Scope, dict[str, pd.DataFrame]]:
    """The work lists (of every open dossier, or of `ids` only) under the user's session, with the
    scope that session had; for RMC only the RMC doelgroep's rows (`_rmc_rows`)."""
    with verzoek.db() as session, staging(verzoek.web) as store:
        scope = _scope_in(verzoek, session)
        lists = gather.worklists_for(session, store.con if store else None, peildatum,
                                     verzoek.web.settings.reports, audit=False, ids=ids)
        if verzoek.gebruiker.rol == "rmc":
            lists = _rmc_rows(session, lists, ids)
        return scope, lists


def _rmc_rows(session: Session, lists: dict[str, pd.DataFrame],
              ids: list[int] | None) -> dict[str, pd.DataFrame]:
    """The rows whose reason (`soort`: the open reason the next step is about) is RMC work
    (registers.dossiers.rmc_reason: an RMC signal, or a melding of soort RMC). On PostgreSQL the
    database gave the RMC user only such reasons anyway; on SQLite the lists hold every dossier."""
    query = select(Case.dossier_id, Case.signal).where(Case.status == CaseStatus.OPEN, rmc_reason(Case))
    if ids is not None:
        query = query.where(Case.dossier_id.in_(ids))
    rmc = {(int(dossier_id), str(getattr(signal, "value", signal)))
           for dossier_id, signal in session.execute(query)}

    def kept(frame: pd.DataFrame) -> pd.DataFrame:
        keys = zip(frame["dossier_id"].astype(int), frame["soort"].astype(str), strict=True)
        return frame[pd.Series([key in rmc for key in keys], index=frame.index, dtype=bool)]

    return {name: kept(frame) for name, frame in lists.items()}


def cache(verzoek: Verzoek) -> ListCache:
    """The process's list cache (one per app: tests run several apps side by side)."""
    return verzoek.web.cache.setdefault("werklijst", ListCache())


def _lists(verzoek: Verzoek, peildatum: dt.date) -> dict[str, pd.DataFrame]:
    return cache(verzoek).get(verzoek, peildatum)


def overdue_for(verzoek: Verzoek, peildatum: dt.date, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The first `limit` rows of the user's own list (or of every list) whose next action is past its
    term, most overdue first, and how many such rows there are."""
    lists = _lists(verzoek, peildatum)
    own = [frame for naam, frame in lists.items() if naam == verzoek.gebruiker.naam]
    frames = own or list(lists.values())
    if not frames:
        return [], 0
    rows = _visible(verzoek, pd.concat(frames, ignore_index=True))
    if not len(rows):
        return [], 0
    rows = rows[rows["te_laat"].astype(bool)]
    return rows.nlargest(limit, "dagen_te_laat").to_dict("records"), len(rows)


def _visible(verzoek: Verzoek, rows: pd.DataFrame) -> pd.DataFrame:
    """Only the user's gemeenten (for RMC the lists hold only the RMC doelgroep: `_rmc_rows`)."""
    gebruiker = verzoek.gebruiker
    if gebruiker.rol in ("lpa", "rmc") and gebruiker.gemeenten and len(rows):
        rows = rows[rows["gemeentecode"].isin(gebruiker.gemeenten)]
    return rows


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
    rows = _visible(verzoek, rows)
    if soort in REASON_LABELS:
        rows = rows[rows["soort"] == soort]
    else:
        soort = ""
    if te_laat and len(rows):
        rows = rows[rows["te_laat"].astype(bool)]
    filters = {"medewerker": medewerker, "soort": soort, "te_laat": te_laat,
               "medewerkers": sorted(keys.items(), key=lambda item: item[1]),
               "soorten": sorted(REASON_LABELS.items(), key=lambda item: item[1])}
    return filters, title, rows


def _audit(verzoek: Verzoek, action: str, rows: pd.DataFrame) -> None:
    with verzoek.db() as session:
        shown = zip(rows["dossier_id"], rows["persoonsnummer"], strict=True)
        record_reads(session, action, "dossiers", [(int(d), str(number)) for d, number in shown])
        session.commit()


def page(verzoek: Verzoek) -> Response:
    """One page of PAGE_SIZE rows of the filtered list (only those are shown, so only those audited)."""
    peildatum = dt.date.today()
    filters, title, rows = _filtered(verzoek, _lists(verzoek, peildatum))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    number = verzoek.query("pagina")
    current = min(int(number), pages) if number.isdigit() and int(number) >= 1 else 1
    shown = rows.iloc[(current - 1) * PAGE_SIZE:current * PAGE_SIZE]
    _audit(verzoek, "werklijst.getoond", shown)
    chosen = (("medewerker", filters["medewerker"]), ("soort", filters["soort"]),
              ("te_laat", "1" if filters["te_laat"] else ""))
    query = "&".join(f"{k}={v}" for k, v in chosen if v)
    return verzoek.render("werklijst.html.j2", titel="Werklijst", lijst=title, filters=filters,
                          kolommen=SHOWN, rijen=shown.to_dict("records"), totaal=len(rows),
                          peildatum=peildatum,
                          te_laat=int(rows["te_laat"].astype(bool).sum()) if len(rows) else 0,
                          download=f"/werklijst.xlsx?{query}", pagina=current, paginas=pages,
                          pagina_link=f"/werklijst?{query}&pagina=" if query else "/werklijst?pagina=")


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
