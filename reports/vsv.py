"""VSV figures: early school leavers per convenantjaar (docs/spec.md §2, docs/formats.md).

Definitions, as computed here:

- **Convenantjaar t** runs from 1 October t to 30 September t+1 (label `t-t+1`).
- **Startset**: every young person younger than the VSV age (`vsv_leeftijd` of rules/law, 23) on 1
  October t with an enrolment valid on that day in funded (`BEKOSTIGD` J) vo, mbo or vavo.
  Praktijkonderwijs is excluded: the enrolment's `ONDERWIJSSOORT` is `PRO`, or a VO enrolment has
  `NIVEAU` `PRO` or elementcode `0090`. A person counts once; with more than one such enrolment the
  one that started last is theirs (ties: the lowest BRIN), and it gives the school, level and
  gemeente.
- **New vsv'er**: in the startset, no enrolment at all (funded or not, docs/spec.md §4.2) valid on
  1 October t+1, no startkwalificatie obtained on or before that day, and still younger than the
  VSV age on it. Someone who reaches it during the year stays in the startset but is not a vsv'er.
- **VSV %** = new vsv'ers / startset.
- A *peildatum* inside the convenantjaar gives the provisional figure on that day (as DUO's A06
  does): "not enrolled on the peildatum" instead of on 1 October t+1.

Age is the age on 1 October t; sex comes from the enrolment of 1 October t. The gemeente is the
person's woongemeente as DUO last delivered it (the optional column `woongemeente`, else the
enrolment's `gemeentecode`): someone who moved away is followed by the new gemeente's RMC and
counts there, and someone who emigrated (RNI, `1999`) is left out, as CBS leaves emigrants out.
So is someone who died before the end date (`overleden`, known from the BRP, not from DUO).
The input is enrolment rows (`ENROLMENT_COLUMNS`), typically the staged DUO deliveries as known
on a date, so a past convenantjaar gives the same answer when recomputed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reports import disclosure
from reports.inputs import ages_on, dates, flags, frame, stamp, texts
from rules.dates import format_nl
from rules.parameters import value as law_value

ENROLMENT_COLUMNS = (
    "persoonsnummer",  # BSN or onderwijsnummer
    "geboortedatum",
    "geslacht",  # M / V / O
    "gemeentecode",  # woongemeente
    "brin",
    "onderwijssoort",  # PO, SO, VO, VSO, PRO, MBO, VAVO, HO
    "niveau",  # VMBO, HAVO, VWO, MBO1..MBO4, PRO, ...
    "datum_inschrijving",
    "datum_uitschrijving",  # last day enrolled; empty while enrolled
    "bekostigd",  # J / N or bool
    "diploma_datum",
    "startkwalificatie",  # J / N or bool: the diploma on this enrolment is a startkwalificatie
)
OPTIONAL_COLUMNS = ("onderwijscode", "woongemeente")
RNI = "1999"
VSV_SECTORS = ("VO", "MBO", "VAVO")
PRAKTIJKONDERWIJS_ELEMENTCODE = "0090"

#: The breakdowns of the figures and their Dutch headings.
DIMENSIONS: dict[str, str] = {
    "brin": "School (BRIN)",
    "niveau": "Niveau",
    "gemeentecode": "Gemeente",
    "leeftijd": "Leeftijd op 1 oktober",
    "geslacht": "Geslacht",
}
LEVEL_ORDER = ("VO", "MBO 1", "MBO 2", "MBO 3", "MBO 4", "MBO onbekend", "VAVO")
SEX_LABELS = {"M": "man", "V": "vrouw", "O": "onbekend"}


@dataclass(frozen=True)
class Convenantjaar:
    """1 October `year` to 30 September `year + 1`."""

    year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 10, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year + 1, 9, 30)

    @property
    def next_start(self) -> dt.date:
        return dt.date(self.year + 1, 10, 1)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.year + 1}"

    @classmethod
    def of(cls, day: dt.date) -> Convenantjaar:
        """The convenantjaar a date falls in."""
        return cls(day.year if day >= dt.date(day.year, 10, 1) else day.year - 1)


def level_of(onderwijssoort: str, niveau: str) -> str:
    """The VSV level of an enrolment: VO, MBO 1–4 or VAVO."""
    soort = onderwijssoort.upper()
    if soort == "MBO":
        digits = "".join(ch for ch in niveau if ch.isdigit())
        return f"MBO {digits}" if digits in {"1", "2", "3", "4"} else "MBO onbekend"
    return soort


def _normalised(enrolments: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    data = frame(enrolments, ENROLMENT_COLUMNS, "enrolments")
    for column in ("geboortedatum", "datum_inschrijving", "datum_uitschrijving", "diploma_datum"):
        data[column] = dates(data[column])
    for column in ("bekostigd", "startkwalificatie"):
        data[column] = flags(data[column])
    for column in ("persoonsnummer", "geslacht", "gemeentecode", "brin", "onderwijssoort", "niveau"):
        data[column] = texts(data[column])
    data["onderwijssoort"] = data["onderwijssoort"].str.upper()
    data["niveau"] = data["niveau"].str.upper()
    data["onderwijscode"] = texts(data["onderwijscode"]) if "onderwijscode" in data else ""
    data["woongemeente"] = texts(data["woongemeente"]) if "woongemeente" in data else data["gemeentecode"]
    return data


def _valid_on(data: pd.DataFrame, day: dt.date) -> pd.Series:
    when = stamp(day)
    return (data["datum_inschrijving"] <= when) & (
        data["datum_uitschrijving"].isna() | (data["datum_uitschrijving"] >= when)
    )


def _counts_for_vsv(data: pd.DataFrame) -> pd.Series:
    praktijk = (data["onderwijssoort"] == "PRO") | (
        (data["onderwijssoort"] == "VO")
        & ((data["niveau"] == "PRO") | (data["onderwijscode"] == PRAKTIJKONDERWIJS_ELEMENTCODE))
    )
    return data["onderwijssoort"].isin(VSV_SECTORS) & data["bekostigd"] & ~praktijk


def startset_and_leavers(enrolments: pd.DataFrame | Iterable[Mapping[str, Any]], year: int,
                         peildatum: dt.date | None = None, max_age: int | None = None,
                         gemeenten: Sequence[str] = (), overleden: Collection[str] = ()) -> pd.DataFrame:
    """One row per person in the startset of convenantjaar `year`, with `vsv` True for the leavers.

    `gemeenten` limits the startset to the woongemeenten served; persons in `overleden` (died
    before the end date) are left out.

    Columns: persoonsnummer, brin, niveau (VSV level), gemeentecode, leeftijd, geslacht,
    startkwalificatie (obtained by the end date), ingeschreven_einde (enrolled on the end date),
    vsv. The end date is 1 October `year + 1`, or `peildatum` for a provisional figure.
    `max_age`: younger than this (default `vsv_leeftijd` of the law on 1 October `year`; on the end
    date that of the end date).
    """
    jaar = Convenantjaar(year)
    end = jaar.next_start if peildatum is None else peildatum
    if not jaar.start < end <= jaar.next_start:
        raise ValueError(f"de peildatum {format_nl(end)} ligt niet in convenantjaar {jaar.label}")
    data = _normalised(enrolments)
    age_start = max_age if max_age is not None else int(law_value("vsv_leeftijd", jaar.start))
    age_end = max_age if max_age is not None else int(law_value("vsv_leeftijd", end))
    ages = ages_on(data["geboortedatum"], jaar.start)
    eligible = data[_valid_on(data, jaar.start) & _counts_for_vsv(data) & (ages < age_start)
                    & (data["woongemeente"] != RNI) & ~data["persoonsnummer"].isin(set(overleden))].copy()
    eligible["gemeentecode"] = eligible["woongemeente"]
    if gemeenten:
        eligible = eligible[eligible["gemeentecode"].isin([str(g).zfill(4) for g in gemeenten])]
    eligible["leeftijd"] = ages[eligible.index].astype(int)
    eligible = eligible.sort_values(
        ["persoonsnummer", "datum_inschrijving", "brin"], ascending=[True, False, True], kind="stable"
    ).drop_duplicates("persoonsnummer")
    eligible["niveau"] = [level_of(s, n) for s, n in zip(eligible["onderwijssoort"], eligible["niveau"],
                                                          strict=True)]

    when = stamp(end)
    enrolled_at_end = set(data.loc[_valid_on(data, end), "persoonsnummer"])
    sk = data["startkwalificatie"] & (data["diploma_datum"].isna() | (data["diploma_datum"] <= when))
    with_sk = set(data.loc[sk, "persoonsnummer"])
    result = eligible[["persoonsnummer", "brin", "niveau", "gemeentecode", "leeftijd", "geslacht",
                       "geboortedatum"]].copy()
    result["startkwalificatie"] = result["persoonsnummer"].isin(with_sk)
    result["ingeschreven_einde"] = result["persoonsnummer"].isin(enrolled_at_end)
    under_age_at_end = ages_on(result["geboortedatum"], end) < age_end
    result["vsv"] = ~result["ingeschreven_einde"] & ~result["startkwalificatie"] & under_age_at_end
    return result.drop(columns=["geboortedatum"]).reset_index(drop=True)


def rate(vsv: int, startset: int) -> float | None:
    """VSV % as a fraction (None for an empty startset)."""
    return vsv / startset if startset else None


def breakdown(population: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Startset, new vsv'ers and VSV % per value of one dimension (see `DIMENSIONS`)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; choose from {', '.join(DIMENSIONS)}")
    grouped = population.groupby(dimension, sort=False).agg(startset=("vsv", "size"), vsv=("vsv", "sum"))
    grouped = grouped.reset_index().rename(columns={dimension: "waarde"})
    grouped["vsv"] = grouped["vsv"].astype(int)
    grouped["percentage"] = [rate(v, s) for v, s in zip(grouped["vsv"], grouped["startset"], strict=True)]
    if dimension == "niveau":
        order = {level: i for i, level in enumerate(LEVEL_ORDER)}
        grouped = grouped.sort_values("waarde", key=lambda s: s.map(lambda v: order.get(v, 99)))
    else:
        grouped = grouped.sort_values("waarde")
    if dimension == "geslacht":
        grouped["waarde"] = grouped["waarde"].map(lambda v: SEX_LABELS.get(v, v or "onbekend"))
    return grouped.reset_index(drop=True)


@dataclass
class VsvFigures:
    """The VSV figures of one convenantjaar: totals and every breakdown."""

    jaar: Convenantjaar
    peildatum: dt.date
    startset: int
    vsv: int
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)
    # DUO's own NRSP/NenR say whether the figure is final (D) or provisional (V); None: computed here,
    # provisional while its peildatum is before the end of the convenantjaar
    definitief: bool | None = None

    @property
    def voorlopig(self) -> bool:
        return not self.definitief if self.definitief is not None else self.peildatum < self.jaar.next_start

    @property
    def percentage(self) -> float | None:
        return rate(self.vsv, self.startset)

    def suppressed(self) -> dict[str, pd.DataFrame]:
        """The breakdowns with small counts hidden (disclosure rules 1–3): for policy."""
        result = {}
        for dimension, table in self.breakdowns.items():
            counts = table.set_index("waarde")[["startset", "vsv"]].T
            hidden = disclosure.suppress_table(counts, row_totals=True, column_totals=False)
            rows = []
            for value in [*table["waarde"], "Totaal"]:
                startset, vsv = hidden.loc["startset", value], hidden.loc["vsv", value]
                raw = (self.startset, self.vsv) if value == "Totaal" else tuple(
                    table.set_index("waarde").loc[value, ["startset", "vsv"]])
                rows.append({"waarde": value, "startset": startset, "vsv": vsv,
                             "percentage": disclosure.suppress_rate(vsv, startset, rate(raw[1], raw[0]))})
            result[dimension] = pd.DataFrame(rows)
        return result


def vsv_figures(enrolments: pd.DataFrame | Iterable[Mapping[str, Any]], year: int,
                peildatum: dt.date | None = None,
                dimensions: Sequence[str] = tuple(DIMENSIONS)) -> VsvFigures:
    """The VSV figures of convenantjaar `year` (final, or provisional on `peildatum`)."""
    return summarise(startset_and_leavers(enrolments, year, peildatum), year, peildatum, dimensions)


def summarise(population: pd.DataFrame, year: int, peildatum: dt.date | None = None,
              dimensions: Sequence[str] = tuple(DIMENSIONS)) -> VsvFigures:
    """The figures of a startset computed by `startset_and_leavers`."""
    jaar = Convenantjaar(year)
    return VsvFigures(
        jaar=jaar,
        peildatum=peildatum or jaar.next_start,
        startset=len(population),
        vsv=int(population["vsv"].sum()),
        breakdowns={dimension: breakdown(population, dimension) for dimension in dimensions},
    )


def vsv_trend(enrolments: pd.DataFrame | Iterable[Mapping[str, Any]], years: Sequence[int],
              peildatum: dt.date | None = None) -> pd.DataFrame:
    """Startset, new vsv'ers and VSV % per convenantjaar (the current one provisional on
    `peildatum` when it falls inside it)."""
    data = _normalised(enrolments)
    rows = []
    for year in sorted(years):
        jaar = Convenantjaar(year)
        end = peildatum if peildatum is not None and jaar.start < peildatum < jaar.next_start else None
        if peildatum is not None and peildatum <= jaar.start:
            continue
        population = startset_and_leavers(data, year, end)
        startset, vsv = len(population), int(population["vsv"].sum())
        rows.append({"convenantjaar": jaar.label, "startset": startset, "vsv": vsv,
                     "percentage": rate(vsv, startset), "voorlopig": end is not None})
    return pd.DataFrame(rows, columns=["convenantjaar", "startset", "vsv", "percentage", "voorlopig"])


def suppress_trend(trend: pd.DataFrame) -> pd.DataFrame:
    """The trend for policy: each year a startset with its vsv'ers (no total across years)."""
    rows = []
    for row in trend.to_dict("records"):
        startset = disclosure.suppress_count(row["startset"])
        vsv = disclosure.suppress_count(row["vsv"])
        rows.append({**row, "startset": startset, "vsv": vsv,
                     "percentage": disclosure.suppress_rate(vsv, startset, row["percentage"])})
    return pd.DataFrame(rows, columns=list(trend.columns))


# --- reconciliation with DUO's A01 / A02 / A04 ------------------------------------------------

REPORT_COLUMNS = ("rapport", "maand", "persoonsnummer")


def duo_workload(reports: pd.DataFrame | Iterable[Mapping[str, Any]], jaar: Convenantjaar) -> pd.DataFrame:
    """The persons DUO counts as potential vsv'ers in the convenantjaar, one row each.

    `reports` holds rows of A01, A02 and A04 reports (`rapport`, `maand` as `jjjjmm`,
    `persoonsnummer`, and the report's other columns). A report of month m gives DUO's facts on
    the first day of m, so the months November t up to and including October t+1 belong to
    convenantjaar t. The latest A04 of the convenantjaar is DUO's own workload and is used when
    present; otherwise the A01 and A02 rows are replayed month by month (an A02 in the same month
    as an A01 follows it).
    """
    data = frame(reports, REPORT_COLUMNS, "DUO reports")
    data["rapport"] = texts(data["rapport"]).str.upper()
    data["maand"] = texts(data["maand"])
    data["persoonsnummer"] = texts(data["persoonsnummer"])
    first = f"{jaar.year}11"
    last = f"{jaar.year + 1}10"
    data = data[(data["maand"] >= first) & (data["maand"] <= last)]
    a04 = data[data["rapport"] == "A04"]
    if not a04.empty:
        latest = a04["maand"].max()
        return a04[a04["maand"] == latest].drop_duplicates("persoonsnummer").reset_index(drop=True)
    events = data[data["rapport"].isin(["A01", "A02"])].copy()
    events["order"] = events["rapport"].map({"A01": 0, "A02": 1})
    events = events.sort_values(["maand", "order"], kind="stable")
    last_event = events.drop_duplicates("persoonsnummer", keep="last")
    return last_event[last_event["rapport"] == "A01"].drop(columns=["order"]).reset_index(drop=True)


@dataclass
class Reconciliation:
    """Who is on DUO's list only, in our register only, or in both."""

    alleen_duo: pd.DataFrame
    alleen_inbeeld: pd.DataFrame
    beide: pd.DataFrame


def reconcile(duo: pd.DataFrame | Iterable[Mapping[str, Any]],
              ours: pd.DataFrame | Iterable[Mapping[str, Any]],
              koppeling: Mapping[str, str] | None = None) -> Reconciliation:
    """Compare DUO's workload with our VSV register by person number.

    `koppeling` maps an onderwijsnummer to the BSN DUO paired it with, so that a person
    known to DUO by one number and to us by the other is matched.
    """
    pairs = dict(koppeling or {})
    duo_rows = frame(duo, ["persoonsnummer"], "DUO workload")
    our_rows = frame(ours, ["persoonsnummer"], "VSV register")

    def key(number: Any) -> str:
        text = str(number).strip()
        return pairs.get(text, text)

    duo_rows["_key"] = duo_rows["persoonsnummer"].map(key)
    our_rows["_key"] = our_rows["persoonsnummer"].map(key)
    if "bsn" in our_rows:
        our_rows["_key"] = [key(b) if isinstance(b, str) and b.strip() else k
                            for b, k in zip(our_rows["bsn"], our_rows["_key"], strict=True)]
    duo_keys, our_keys = set(duo_rows["_key"]), set(our_rows["_key"])
    return Reconciliation(
        alleen_duo=duo_rows[~duo_rows["_key"].isin(our_keys)].drop(columns="_key").reset_index(drop=True),
        alleen_inbeeld=our_rows[~our_rows["_key"].isin(duo_keys)].drop(columns="_key").reset_index(drop=True),
        beide=duo_rows[duo_rows["_key"].isin(our_keys)].drop(columns="_key").reset_index(drop=True),
    )
