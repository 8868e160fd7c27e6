"""On the generator's synthetic municipality, the VSV figures equal what its truth file says.

The truth file lists, per weekly peildatum, every resident who is a vsv'er of the running
convenantjaar on that day (docs/formats.md §5.1). The provisional VSV figure on each delivery's
date must find exactly those persons. One documented difference: a resident whose BRP birth date
is partly unknown gets only CONTROLE_GEBOORTEDATUM in the truth (no letter on a guess), while the
figure counts them by DUO's full birth date; they are left out of the comparison.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from connectors.deliveries import load
from connectors.duo_reports import parse_report_name
from connectors.staging import Staging
from reports.staging_queries import duo_report_rows, vsv_from_staging, vsv_population
from reports.vsv import Convenantjaar, duo_workload, reconcile
from synthetic import generate

pytestmark = pytest.mark.slow
GEMEENTE = "0363"


@pytest.fixture(scope="module")
def municipality(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("gemeente")
    generate(out, persons=1500, seed=3, gemeenten=[GEMEENTE], weeks=3, workers=1)
    staging_path = tmp_path_factory.mktemp("staging") / "staging.duckdb"
    with Staging(staging_path, gemeenten=(GEMEENTE,)) as staging:
        for week in sorted(p for p in out.iterdir() if p.is_dir()):
            for path in sorted((week / "duo").glob("duo-*.csv")):
                assert load(staging, path).status == "loaded"
            for path in sorted((week / "brp").glob("*.lo3.csv")):
                assert load(staging, path, "brp", force=True).status == "loaded"
            for path in sorted((week / "duo").glob("[0-9]*A0[124]G*.csv")):
                assert load(staging, path).status == "loaded"
    return out, staging_path


def _truth(week: Path, signal: str) -> set[str]:
    [path] = (week / "truth").glob("signals-*.csv")
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter=";")
        return {row["PERSOONSNUMMER"] for row in rows if row["SIGNAL"] == signal}


def test_provisional_vsv_figure_finds_exactly_the_truth_s_vsv_ers(municipality) -> None:
    out, staging_path = municipality
    weeks = sorted(p for p in out.iterdir() if p.is_dir())
    assert len(weeks) == 3
    with Staging(staging_path, read_only=True) as staging:
        for week in weeks:
            day = dt.date.fromisoformat(week.name)
            expected = _truth(week, "VSV")
            assert expected, f"the generator planted no vsv'er on {day}: the test would prove nothing"
            year = Convenantjaar.of(day).year
            population, basis = vsv_population(staging.con, year, stand=day, gemeenten=(GEMEENTE,))
            assert basis.peildatum == day
            found = set(population.loc[population["vsv"], "persoonsnummer"])
            unsure = _truth(week, "CONTROLE_GEBOORTEDATUM")
            assert found - unsure == expected, day
            figures, _ = vsv_from_staging(staging.con, year, stand=day, gemeenten=(GEMEENTE,))
            assert figures.vsv == len(found) and figures.startset == len(population)
            assert figures.startset > 10 * figures.vsv  # a plausible startset, not a stray subset


def test_duo_workload_from_the_staged_a_reports(municipality) -> None:
    """DUO's A04 of the newest month is its workload; the reconciliation splits it against ours."""
    out, staging_path = municipality
    [a04] = sorted(out.glob("*/duo/*A04G*.csv"))[-1:]
    with a04.open(encoding="utf-8") as handle:
        on_file = {row["PERSOONSGEBONDENNUMMER"] for row in csv.DictReader(handle, delimiter=";")}
    month = parse_report_name(a04).month
    jaar = Convenantjaar.of(month - dt.timedelta(days=1))  # a report gives the facts of its month's 1st
    with Staging(staging_path, read_only=True) as staging:
        workload = duo_workload(duo_report_rows(staging.con), jaar)
        delivered = dt.date.fromisoformat(a04.parent.parent.name)  # the week the report came with
        population, _ = vsv_population(staging.con, jaar.year, stand=delivered, gemeenten=(GEMEENTE,))
    assert on_file and set(workload["persoonsnummer"]) == on_file
    ours = population[population["vsv"]][["persoonsnummer"]]
    result = reconcile(workload, ours)
    assert set(result.alleen_duo["persoonsnummer"]) | set(result.beide["persoonsnummer"]) == on_file
    assert set(result.beide["persoonsnummer"]) | set(result.alleen_inbeeld["persoonsnummer"]) == set(
        ours["persoonsnummer"])
    assert result.beide.shape[0] > 0  # DUO and InBeeld agree on most leavers
