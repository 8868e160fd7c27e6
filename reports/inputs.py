"""Checking and normalising the plain tables the report functions take.

The report computations are pure functions over pandas DataFrames with documented columns, so
that the queries (staging, registers) and the tests feed them the same way. These helpers make
a missing column a clear error and accept the spellings the sources use (`J`/`N`, ISO or
Dutch dates, Python dates or timestamps).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

_TRUE = {"j", "ja", "y", "yes", "true", "1", "t"}


def frame(rows: pd.DataFrame | Iterable[Mapping[str, Any]], columns: Sequence[str],
          what: str) -> pd.DataFrame:
    """A copy of the rows as a DataFrame, refusing it when a required column is missing."""
    data = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if data.empty and not len(data.columns):
        data = pd.DataFrame(columns=list(columns))
    missing = [column for column in columns if column not in data.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")
    return data.reset_index(drop=True)


def dates(series: pd.Series) -> pd.Series:
    """Dates as midnight timestamps (NaT when empty); accepts dates, ISO and d-m-jjjj text."""
    def one(value: Any) -> Any:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
            return pd.NaT
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return pd.NaT
            if len(text) == 8 and text.isdigit():
                return pd.Timestamp(dt.datetime.strptime(text, "%Y%m%d"))
            if "-" in text and len(text.split("-")[0]) <= 2:
                return pd.Timestamp(dt.datetime.strptime(text, "%d-%m-%Y"))
            return pd.Timestamp(text)
        return pd.Timestamp(value)

    return pd.to_datetime(series.map(one)).dt.normalize()


def flags(series: pd.Series) -> pd.Series:
    """Booleans from `J`/`N`, `ja`/`nee`, True/False; empty is False."""
    def one(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return False
        return str(value).strip().lower() in _TRUE

    return series.map(one).astype(bool)


def texts(series: pd.Series) -> pd.Series:
    """Trimmed text, empty string for missing values."""
    return series.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v).strip())


def stamp(day: dt.date) -> pd.Timestamp:
    """A date as the timestamp the normalised columns are compared with."""
    return pd.Timestamp(day).normalize()


def ages_on(birth_dates: pd.Series, day: dt.date) -> pd.Series:
    """Completed years on `day` for each (normalised) birth date; NaN where unknown."""
    not_yet = (birth_dates.dt.month > day.month) | (
        (birth_dates.dt.month == day.month) & (birth_dates.dt.day > day.day)
    )
    return day.year - birth_dates.dt.year - not_yet.astype(int)


def to_date(value: Any) -> dt.date | None:
    """A scalar as a Python date (None when missing)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dates(pd.Series([value])).iloc[0].date()
