"""VSV figures from staged DUO deliveries: a finished convenantjaar gives the same answer however
late it is recomputed; an unfinished one gives a provisional figure on its newest delivery."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from connectors.staging import Staging
from reports.staging_queries import NoData, vsv_basis, vsv_from_staging, vsv_trend_from_staging
from tests.reports.staging_files import bsn, load, write_c, write_p
from tests.reports.test_vsv import ENROLMENTS

NUMBERS = {f"P{i:02d}": bsn(i) for i in range(1, 14)}


def rows(frame=ENROLMENTS) -> list[dict]:
    result = []
    for row in frame.to_dict("records"):
        row = {k: (None if v != v else v) for k, v in row.items()}  # NaN → None
        row["persoonsnummer"] = NUMBERS[row["persoonsnummer"]]
        result.append(row)
    return result


@pytest.fixture(scope="module")
def staging(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("staging")
    state = rows()
    # 7 October 2024: the state as DUO knew it then: nobody had left yet
    early = [{**r, "datum_uitschrijving": None, "diploma_datum": None, "startkwalificatie": "N"}
             if (r["datum_uitschrijving"] or "9999") > "2024-10-07" else r
             for r in state if r["datum_inschrijving"] <= "2024-10-07"]
    files = [write_c(folder / "duo-C-G0363-20241007.csv", early),
             write_c(folder / "duo-C-G0363-20251006.csv", state)]
    # 17 November 2025, after the vaststellingsdatum of 2024-2025 (1 November 2025): P09 turns out
    # to have been enrolled since 1 September 2025 after all.
    late = {**next(r for r in state if r["persoonsnummer"] == NUMBERS["P09"]), "brin": "70GG",
            "datum_inschrijving": "2025-09-01", "datum_uitschrijving": None}
    files.append(write_p(folder / "duo-P-G0363-20251117.csv", [("T", late, 1)], dt.date(2025, 11, 17)))
    load(folder / "staging.duckdb", files)
    return folder / "staging.duckdb"


def test_final_figure_rests_on_the_delivery_before_the_vaststellingsdatum(staging: Path) -> None:
    with Staging(staging, read_only=True) as st:
        figures, basis = vsv_from_staging(st.con, 2024)
    assert basis.delivery.peildatum == dt.date(2025, 10, 6) and basis.peildatum is None
    assert (figures.startset, figures.vsv) == (7, 3)  # as computed by hand in test_vsv
    assert figures.percentage == pytest.approx(3 / 7)


def test_a_later_delivery_does_not_change_a_finished_year(staging: Path) -> None:
    with Staging(staging, read_only=True) as st:
        newest = st.con.execute(
            "SELECT count(*) FROM duo_inschrijvingen_actueel WHERE brin = '70GG'").fetchone()
        later, _ = vsv_from_staging(st.con, 2024, stand=dt.date(2026, 6, 1))
    assert newest[0] == 1  # the late enrolment is in the newest state ...
    assert (later.startset, later.vsv) == (7, 3)  # ... but not in the figure of 2024-2025


def test_provisional_figure_on_an_earlier_stand(staging: Path) -> None:
    with Staging(staging, read_only=True) as st:
        figures, basis = vsv_from_staging(st.con, 2024, stand=dt.date(2025, 3, 1))
        trend = vsv_trend_from_staging(st.con)
    assert basis.peildatum == dt.date(2024, 10, 7)
    assert (figures.startset, figures.vsv) == (7, 0)
    assert figures.peildatum == dt.date(2024, 10, 7)
    # 2023-2024 from the delivery of 7 October 2024 (before its vaststellingsdatum): as by hand
    assert list(trend["convenantjaar"]) == ["2023-2024", "2024-2025", "2025-2026"]
    assert list(trend["voorlopig"]) == [False, False, True]
    assert list(trend["startset"][:2]) == [7, 7] and list(trend["vsv"][:2]) == [1, 3]


def test_no_delivery_for_the_year_is_a_clear_error(staging: Path) -> None:
    with Staging(staging, read_only=True) as st, pytest.raises(NoData, match="2022-2023"):
        vsv_basis(st.con, 2022)
    with pytest.raises(NoData, match="geen DUO-levering van inschrijvingen"):
        vsv_basis(duckdb.connect(), 2024)


def test_a_year_before_the_first_delivery_is_computed_nagekomen(tmp_path: Path) -> None:
    """InBeeld started in December 2025: 2024-2025 comes from that first C-levering, marked so."""
    load(tmp_path / "staging.duckdb", [write_c(tmp_path / "duo-C-G0363-20251201.csv", rows())])
    with Staging(tmp_path / "staging.duckdb", read_only=True) as st:
        figures, basis = vsv_from_staging(st.con, 2024)
        trend = vsv_trend_from_staging(st.con)
        with pytest.raises(NoData):
            vsv_basis(st.con, 2023)  # two years back: the C-levering no longer covers its startset
    assert basis.nagekomen and basis.peildatum is None
    assert (figures.startset, figures.vsv) == (7, 3)
    assert list(trend["convenantjaar"]) == ["2024-2025", "2025-2026"]
    assert list(trend["nagekomen"]) == [True, False] and list(trend["voorlopig"]) == [False, True]
