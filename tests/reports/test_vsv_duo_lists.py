"""VSV figures from DUO's own NRSP and NenR lists when they are staged: DUO's count is the figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.deliveries import load
from connectors.staging import Staging
from reports.staging_queries import NoData, vsv_from_staging

DUO = Path(__file__).resolve().parents[1] / "connectors" / "fixtures" / "duo"
NRSP, NENR = DUO / "NRSP2025DG0363.csv", DUO / "NenR2025DG0363.csv"


def _persons(path: Path) -> set[str]:
    """DUO's own count: the distinct persons on a list (BSN, or the onderwijsnummer when it is 0)."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {(bsn if bsn != "0" else onr) for bsn, onr, *_ in (line.split(";") for line in lines)}


def test_the_vsv_figure_equals_duos_own_counts(tmp_path: Path) -> None:
    with Staging(tmp_path / "staging.duckdb") as st:
        with pytest.raises(NoData):  # neither lists nor enrolments yet
            vsv_from_staging(st.con, 2025)
        load(st, NRSP)
        with pytest.raises(NoData):  # the startset alone is not a figure
            vsv_from_staging(st.con, 2025)
        load(st, NENR)
        figures, basis = vsv_from_staging(st.con, 2025)
        assert (figures.startset, figures.vsv) == (len(_persons(NRSP)), len(_persons(NENR))) == (4, 2)
        assert basis.duo_lijsten and basis.peildatum is None  # D: definitief
        levels = dict(zip(figures.breakdowns["niveau"]["waarde"], figures.breakdowns["niveau"]["vsv"],
                          strict=True))
        assert levels == {"MBO 1": 0, "MBO 2": 1, "MBO 3": 1, "MBO 4": 0}
        assert vsv_from_staging(st.con, 2025, gemeenten=("0344",))[0].startset == 0
