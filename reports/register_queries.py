"""What the reports read from the registers (SQLAlchemy): the inputs of the Leerplichttelling,
the KPIs and the work lists, and the VSV register for the reconciliation with DUO.

Each function returns plain DataFrames in the columns the pure report functions document, so
the figures are computed the same way in the tests and in production. Figures for a past
period use the registers' history (status changes, action dates), not today's state: the
Leerplichttelling of a school year gives the same counts when made again later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registers.codes import (
    ActionType,
    CaseStatus,
    CloseReason,
    MeldingStatus,
    ReasonCode,
    RedenAfsluiting,
    VsvUitkomst,
    labels,
)
from registers.models import (
    Case,
    CaseAction,
    Dossier,
    RetentionAggregate,
    Thuiszitter,
    Verzuimmelding,
    VerzuimStatusChange,
    Vrijstelling,
    VsvEntry,
)
from registers.thuiszitters import verzuim_start

CLOSE_REASON_LABELS = labels(CloseReason)
MELDING_REASON_LABELS = labels(RedenAfsluiting)
ACTION_LABELS = labels(ActionType)
VSV_OUTCOME_LABELS = labels(VsvUitkomst)
FINAL_STATUSES = (MeldingStatus.AFGESLOTEN.value, MeldingStatus.TER_KENNISGEVING_AANGENOMEN.value)


def _value(item: object) -> str | None:
    return None if item is None else str(getattr(item, "value", item))


def _only(query: Select, column: Any, ids: Collection[int] | None) -> Select:
    """The query limited to the rows with these ids (None: every row); for the retention's counts."""
    return query if ids is None else query.where(column.in_(list(ids)))


def cases(session: Session, ids: Collection[int] | None = None) -> pd.DataFrame:
    """Every case (or those of `ids`): `case_id, soort, geopend, gesloten, reden_sluiting, begin`
    (reports.telling); `begin` is the first day of the verzuim (`registers.thuiszitters.verzuim_start`),
    the day the thuiszitter register counts from too."""
    rows = session.execute(_only(
        select(Case.id, Case.signal, Case.opened_on, Case.closed_on, Case.close_reason, verzuim_start()),
        Case.id, ids)).all()
    return pd.DataFrame(
        [{"case_id": r[0], "soort": _value(r[1]), "geopend": r[2], "gesloten": r[3],
          "reden_sluiting": _value(r[4]), "begin": r[5]} for r in rows],
        columns=["case_id", "soort", "geopend", "gesloten", "reden_sluiting", "begin"],
    )


def _status_history(session: Session, ids: Collection[int] | None = None,
                    ) -> dict[int, list[tuple[dt.date, int, str, str | None, str]]]:
    history: dict[int, list[tuple[dt.date, int, str, str | None, str]]] = {}
    query = _only(select(VerzuimStatusChange.melding_id, VerzuimStatusChange.on_date, VerzuimStatusChange.id,
                         VerzuimStatusChange.status, VerzuimStatusChange.reden_afsluiting,
                         VerzuimStatusChange.by), VerzuimStatusChange.melding_id, ids)
    for melding_id, on_date, change_id, status, reason, by in session.execute(query):
        history.setdefault(melding_id, []).append((on_date, change_id, _value(status), _value(reason), by))
    for changes in history.values():
        changes.sort()
    return history


def meldingen_on(session: Session, einde: dt.date, ids: Collection[int] | None = None) -> pd.DataFrame:
    """Every verzuimmelding (or those of `ids`) with its status and reden afsluiting as they stood on
    `einde` (the last status change on or before it; `geregistreerd` before any change)."""
    history = _status_history(session, ids)
    rows = []
    query = _only(select(Verzuimmelding.id, Verzuimmelding.meldingsnummer, Verzuimmelding.soort,
                         Verzuimmelding.meldingsdatum, Verzuimmelding.begindatum), Verzuimmelding.id, ids)
    for melding_id, nummer, soort, meldingsdatum, begindatum in session.execute(query):
        changes = [c for c in history.get(melding_id, []) if c[0] <= einde]
        status, reason = (changes[-1][2], changes[-1][3]) if changes else (
            MeldingStatus.GEREGISTREERD.value, None)
        first = history.get(melding_id, [(None,)])[0][0]
        rows.append({"meldingsnummer": nummer, "soort_verzuim": _value(soort),
                     "meldingsdatum": meldingsdatum or first or begindatum, "status": status,
                     "reden_afsluiting": reason if status == MeldingStatus.AFGESLOTEN.value else None})
    return pd.DataFrame(rows, columns=["meldingsnummer", "soort_verzuim", "meldingsdatum", "status",
                                       "reden_afsluiting"])


def vrijstellingen(session: Session, ids: Collection[int] | None = None) -> pd.DataFrame:
    """`grondslag, begindatum, einddatum` of every vrijstelling (or those of `ids`)."""
    rows = session.execute(_only(select(Vrijstelling.grond, Vrijstelling.begindatum, Vrijstelling.einddatum),
                                 Vrijstelling.id, ids)).all()
    return pd.DataFrame([{"grondslag": _value(g), "begindatum": b, "einddatum": e} for g, b, e in rows],
                        columns=["grondslag", "begindatum", "einddatum"])


def thuiszitters(session: Session, ids: Collection[int] | None = None) -> pd.DataFrame:
    """`bron, begindatum, einddatum` of every thuiszitter register entry (or those of `ids`)."""
    rows = session.execute(_only(select(Thuiszitter.bron, Thuiszitter.startdatum, Thuiszitter.einddatum),
                                 Thuiszitter.id, ids)).all()
    return pd.DataFrame([{"bron": _value(s), "begindatum": b, "einddatum": e} for s, b, e in rows],
                        columns=["bron", "begindatum", "einddatum"])


def actions(session: Session, ids: Collection[int] | None = None) -> pd.DataFrame:
    """`case_id, soort, datum` of every action on every case (or of the actions of `ids`)."""
    rows = session.execute(_only(select(CaseAction.case_id, CaseAction.action, CaseAction.on_date),
                                 CaseAction.id, ids)).all()
    return pd.DataFrame([{"case_id": c, "soort": _value(a), "datum": d} for c, a, d in rows],
                        columns=["case_id", "soort", "datum"])


def kpi_meldingen(session: Session, teams: dict[str, str] | None = None) -> pd.DataFrame:
    """Per verzuimmelding: `meldingsnummer, meldingsdatum, datum_in_behandeling, datum_afgesloten,
    lpa, team` (reports.kpi). Meldingen the school withdrew (`ingetrokken`) are left out: there was
    nothing to handle.

    The LPA is who took the melding in behandeling (else who closed it, else the behandelaar of the
    dossier the melding is a reason of, else the gemeentelijke contactpersoon): a melding nobody has
    taken up counts against whoever holds its dossier, not against "(niet toegewezen)". The team
    comes from `teams` (LPA name → team, from the work-list rules).
    """
    teams = teams or {}
    history = _status_history(session)
    rows = []
    query = (select(Verzuimmelding.id, Verzuimmelding.meldingsnummer, Verzuimmelding.meldingsdatum,
                    Verzuimmelding.begindatum, Verzuimmelding.status, Verzuimmelding.contact_naam,
                    Dossier.assigned_to)
             .outerjoin(Case, Case.verzuimmelding_id == Verzuimmelding.id)
             .outerjoin(Dossier, Dossier.id == Case.dossier_id))
    for melding_id, nummer, meldingsdatum, begindatum, status, contact, holder in session.execute(query):
        if _value(status) == MeldingStatus.INGETROKKEN.value:
            continue
        changes = history.get(melding_id, [])
        started = [c for c in changes if c[2] == MeldingStatus.IN_BEHANDELING.value]
        closed = [c for c in changes if c[2] in FINAL_STATUSES]
        lpa = (started[0][4] if started else closed[0][4] if closed else holder or contact) or ""
        rows.append({
            "meldingsnummer": nummer,
            "meldingsdatum": meldingsdatum or (changes[0][0] if changes else begindatum),
            "datum_in_behandeling": started[0][0] if started else None,
            "datum_afgesloten": closed[0][0] if closed else None,
            "lpa": lpa,
            "team": teams.get(lpa, ""),
        })
    return pd.DataFrame(rows, columns=["meldingsnummer", "meldingsdatum", "datum_in_behandeling",
                                       "datum_afgesloten", "lpa", "team"])


def vsv_register(session: Session, year: int) -> pd.DataFrame:
    """The VSV register of convenantjaar `year`: persoonsnummer, brin, niveau, datum_uitschrijving,
    uitkomst, and whether the person still has an open VSV case."""
    entries = session.execute(
        select(VsvEntry.persoonsnummer, VsvEntry.brin, VsvEntry.niveau, VsvEntry.datum_uitschrijving,
               VsvEntry.uitkomst).where(VsvEntry.convenantjaar == year)
    ).all()
    open_vsv = set(session.scalars(select(Case.persoonsnummer).where(
        Case.status == CaseStatus.OPEN, Case.signal == ReasonCode.VSV)))
    return pd.DataFrame(
        [{"persoonsnummer": n, "brin": b, "niveau": lvl, "datum_uitschrijving": d, "uitkomst": _value(u),
          "open_dossier": n in open_vsv} for n, b, lvl, d, u in entries],
        columns=["persoonsnummer", "brin", "niveau", "datum_uitschrijving", "uitkomst", "open_dossier"],
    )


def retention_lines(session: Session, figuur: str, periode: int) -> list[RetentionAggregate]:
    """The counts of destroyed records kept for one figure and period (registers.retention)."""
    return list(session.scalars(select(RetentionAggregate).where(
        RetentionAggregate.figuur == figuur, RetentionAggregate.periode == periode)
        .order_by(RetentionAggregate.id)))
