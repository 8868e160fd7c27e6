"""KPIs on the handling of verzuimmeldingen, per leerplichtambtenaar and team.

Two shares, each of the meldingen received in a period:

1. **In behandeling binnen 5 schooldagen**: the melding was taken in behandeling (or closed
   straight away, e.g. "ter kennisgeving aangenomen") on or before the 5th school day after the
   meldingsdatum. School days are weekdays (Monday–Friday) minus the dates in `vrije_dagen`.
   Holidays: InBeeld knows no calendar of its own; the office lists its non-working days
   (national feestdagen, and the school holidays if it wants the clock to stop in them) in
   `inbeeld.toml` under `[reports.kpi] vrije_dagen`. By default only weekends are skipped,
   because the office works through the school holidays and DUO's handling clock runs on.
2. **Afgesloten binnen N weken** (`[reports.kpi] afsluiten_binnen_weken`, default 12): closed
   on or before the meldingsdatum + N × 7 calendar days.

A melding whose deadline has not passed on the peildatum and that has not yet reached the step
is still undecided: it is left out of that share (it can still be on time). A share is coloured
green at 90 % or more, orange from 80 % to 90 %, red below 80 %.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import pandas as pd

from reports.inputs import dates, frame, stamp, texts
from rules.dates import format_nl

MELDING_COLUMNS = (
    "meldingsnummer", "meldingsdatum", "datum_in_behandeling", "datum_afgesloten", "lpa", "team",
)
DEFAULT_SCHOOL_DAYS = 5
DEFAULT_WEEKS_TO_CLOSE = 12
GREEN_FROM = 0.90
ORANGE_FROM = 0.80
#: Traffic light → fill colour (xlsx RGB, also used as CSS background in the HTML report).
COLOURS = {"groen": "C6EFCE", "oranje": "FFD8A8", "rood": "FFC7CE"}
UNASSIGNED = "(niet toegewezen)"


def traffic_light(share: float | None) -> str | None:
    """`groen` (>= 90 %), `oranje` (80–90 %), `rood` (< 80 %), None when nothing was measured."""
    if share is None or pd.isna(share):
        return None
    if share >= GREEN_FROM:
        return "groen"
    if share >= ORANGE_FROM:
        return "oranje"
    return "rood"


def fill_for(share: Any) -> str | None:
    """The fill colour of a share (for `spreadsheet.Column.fill`)."""
    light = traffic_light(share) if isinstance(share, int | float) else None
    return COLOURS.get(light) if light else None


def add_school_days(start: dt.date, days: int, vrije_dagen: Collection[dt.date] = ()) -> dt.date:
    """The `days`-th school day after `start` (weekdays not in `vrije_dagen`)."""
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in vrije_dagen:
            counted += 1
    return day


def _share(on_time: int, measured: int) -> float | None:
    return on_time / measured if measured else None


def melding_outcomes(meldingen: pd.DataFrame | Iterable[Mapping[str, Any]], peildatum: dt.date,
                     school_days: int = DEFAULT_SCHOOL_DAYS, weeks_to_close: int = DEFAULT_WEEKS_TO_CLOSE,
                     vrije_dagen: Collection[dt.date] = ()) -> pd.DataFrame:
    """Per melding: its deadlines and whether each step was on time (True/False) or undecided (NA)."""
    data = frame(meldingen, MELDING_COLUMNS, "verzuimmeldingen")
    for column in ("meldingsdatum", "datum_in_behandeling", "datum_afgesloten"):
        data[column] = dates(data[column])
    data["lpa"] = texts(data["lpa"]).replace("", UNASSIGNED)
    data["team"] = texts(data["team"]).replace("", UNASSIGNED)
    free = {d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in vrije_dagen}
    today = stamp(peildatum)
    start_due, start_ok, close_due, close_ok = [], [], [], []
    for received, started, closed in zip(data["meldingsdatum"], data["datum_in_behandeling"],
                                         data["datum_afgesloten"], strict=True):
        first = min((d for d in (started, closed) if not pd.isna(d)), default=pd.NaT)
        due = stamp(add_school_days(received.date(), school_days, free))
        start_due.append(due)
        start_ok.append(bool(first <= due) if not pd.isna(first) else (False if due < today else pd.NA))
        due = received + pd.Timedelta(days=7 * weeks_to_close)
        close_due.append(due)
        close_ok.append(bool(closed <= due) if not pd.isna(closed) else (False if due < today else pd.NA))
    data["uiterlijk_in_behandeling"] = start_due
    data["tijdig_in_behandeling"] = pd.array(start_ok, dtype="boolean")
    data["uiterlijk_afgesloten"] = close_due
    data["tijdig_afgesloten"] = pd.array(close_ok, dtype="boolean")
    return data


def _row(level: str, team: str, lpa: str, group: pd.DataFrame) -> dict[str, Any]:
    row: dict[str, Any] = {"niveau": level, "team": team, "lpa": lpa, "meldingen": len(group)}
    for step in ("in_behandeling", "afgesloten"):
        decided = group[f"tijdig_{step}"].dropna()
        on_time = int(decided.sum())
        share = _share(on_time, len(decided))
        row[f"gemeten_{step}"] = len(decided)
        row[f"tijdig_{step}"] = on_time
        row[f"aandeel_{step}"] = share
        row[f"kleur_{step}"] = traffic_light(share)
    return row


def kpi_table(meldingen: pd.DataFrame | Iterable[Mapping[str, Any]], peildatum: dt.date,
              period: tuple[dt.date, dt.date] | None = None, school_days: int = DEFAULT_SCHOOL_DAYS,
              weeks_to_close: int = DEFAULT_WEEKS_TO_CLOSE,
              vrije_dagen: Collection[dt.date] = ()) -> pd.DataFrame:
    """The KPI rows: per LPA within their team, a row per team, and a total row.

    Only meldingen with a meldingsdatum in `period` (both ends included) count.
    Columns: niveau (`medewerker`, `team`, `totaal`), team, lpa, meldingen, and per step
    (`in_behandeling`, `afgesloten`): gemeten_, tijdig_, aandeel_ (fraction or None), kleur_.
    """
    data = melding_outcomes(meldingen, peildatum, school_days, weeks_to_close, vrije_dagen)
    if period is not None:
        data = data[(data["meldingsdatum"] >= stamp(period[0])) & (data["meldingsdatum"] <= stamp(period[1]))]
    rows = []
    for team, team_rows in sorted(data.groupby("team"), key=lambda item: str(item[0])):
        for lpa, lpa_rows in sorted(team_rows.groupby("lpa"), key=lambda item: str(item[0])):
            rows.append(_row("medewerker", str(team), str(lpa), lpa_rows))
        rows.append(_row("team", str(team), "Totaal team", team_rows))
    rows.append(_row("totaal", "Alle teams", "Totaal", data))
    return pd.DataFrame(rows)


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar month holding `day`."""
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return day.replace(day=1), following - dt.timedelta(days=1)


def report_month(meldingen: pd.DataFrame | Iterable[Mapping[str, Any]],
                 peildatum: dt.date) -> tuple[dt.date, dt.date]:
    """The month a monthly KPI report is about: the newest month that ended before `peildatum` and
    has meldingen; the month just ended when none has (its report then says why it is empty)."""
    just_ended = month_of(peildatum.replace(day=1) - dt.timedelta(days=1))
    data = frame(meldingen, ["meldingsdatum"], "verzuimmeldingen")
    received = [day for day in dates(data["meldingsdatum"]).dropna().dt.date if day <= just_ended[1]]
    return month_of(max(received)) if received else just_ended


def empty_reason(meldingen: pd.DataFrame | Iterable[Mapping[str, Any]],
                 period: tuple[dt.date, dt.date]) -> str | None:
    """Why a KPI report over `period` has no meldingen (None when it has some), in Dutch."""
    data = frame(meldingen, ["meldingsdatum"], "verzuimmeldingen")
    received = sorted(dates(data["meldingsdatum"]).dropna().dt.date)
    if any(period[0] <= day <= period[1] for day in received):
        return None
    what = (f"Geen verzuimmeldingen met een meldingsdatum van {format_nl(period[0])} tot en met "
            f"{format_nl(period[1])}")
    if not received:
        return f"{what}: het register bevat nog geen verzuimmeldingen."
    before = [day for day in received if day < period[0]]
    after = [day for day in received if day > period[1]]
    parts = []
    if before:
        parts.append(f"de laatste melding ervoor is van {format_nl(before[-1])}")
    if after:
        parts.append(f"de eerste melding erna is van {format_nl(after[0])}")
    return f"{what}; " + " en ".join(parts) + "."
