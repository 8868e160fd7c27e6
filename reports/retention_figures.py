"""The figures kept when the retention destroys records: the Leerplichttelling lines they made up.

Why: the Leerplichttelling of a school year (Leerplichtwet art. 25) counts cases, meldingen,
vrijstellingen, thuiszitters and Halt / proces-verbaal actions from the registers. When the
retention destroys such records, the form of an old year would silently shrink. Every line of the
form is a count of records, so the lines of the records about to go can be computed apart and
kept (`registers.retention.store_aggregates` into `retention_aggregates`): no person, no number,
only the line and its count. `reports.gather.telling` adds them back (`reports.telling.with_destroyed`),
so the form of every year adds up as before the purge.

The lines are computed for every school year the records touch, up to the one running on the day of
the purge; a year still running counts them as at its end (they no longer change).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
from sqlalchemy.orm import Session

from registers.retention import AggregateCount, Expired
from reports import register_queries
from reports.telling import Schooljaar, leerplichttelling

TELLING = "leerplichttelling"


def _first_day(frames: list[tuple[pd.DataFrame, str]]) -> dt.date | None:
    days = [pd.to_datetime(frame[column]).min() for frame, column in frames if len(frame)]
    days = [day for day in days if not pd.isna(day)]
    return min(days).date() if days else None


def telling_counts(session: Session, expired: Expired) -> Iterator[AggregateCount]:
    """The Leerplichttelling lines of the records in `expired`, per school year (an Aggregator for
    `registers.retention.purge_registers`)."""
    cases = register_queries.cases(session, expired.cases)
    vrijstellingen = register_queries.vrijstellingen(session, expired.vrijstellingen)
    thuiszitters = register_queries.thuiszitters(session, expired.thuiszitters)
    acties = register_queries.actions(session, expired.case_actions)
    meldingen_ids = expired.verzuimmeldingen
    meldingen_now = register_queries.meldingen_on(session, expired.today, meldingen_ids)
    first = _first_day([(cases, "geopend"), (vrijstellingen, "begindatum"), (thuiszitters, "begindatum"),
                        (acties, "datum"), (meldingen_now, "meldingsdatum")])
    if first is None:
        return
    for year in range(Schooljaar.of(first).year, Schooljaar.of(expired.today).year + 1):
        meldingen = register_queries.meldingen_on(session, Schooljaar(year).end, meldingen_ids)
        form = leerplichttelling(year, cases, meldingen, vrijstellingen, thuiszitters, acties,
                                 close_reason_labels=register_queries.CLOSE_REASON_LABELS,
                                 melding_reason_labels=register_queries.MELDING_REASON_LABELS)
        for regel in form.regels:
            if regel.aantal:
                yield AggregateCount(TELLING, year, regel.sleutel, regel.rubriek, regel.onderdeel,
                                     regel.aantal, regel.groep, regel.totaal)
