"""The generator writes DUO's VSV lists (NRSP, NenR) in DUO's layout, about a closed convenantjaar:
the definitive (D) lists of the newest year vastgesteld with every month's reports, the provisional
(V) lists of the year just closed with October's. Loaded through the import registry, the figure
from the V lists equals DUO's own overview (A06) of October (docs/formats.md §2.2, §5)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from connectors.deliveries import detect, load
from connectors.staging import Staging
from reports.staging_queries import duo_lists, vsv_from_staging
from synthetic import layout
from synthetic.writers_duo import NENR_HEADER, NRSP_HEADER
from tests.synthetic.conftest import GEMEENTEN, Generated


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read().lstrip("#")
    return list(csv.DictReader(text.splitlines(), delimiter=";"))


def _a06_totals(path: Path) -> tuple[int, int]:
    rows = _rows(path)
    return sum(int(r["STARTSET"]) for r in rows), sum(int(r["AANTAL_VSV"]) for r in rows)


def _october(generated: Generated):
    [d] = [d for d in generated.manifest.peildatums if d.month == 10 and d.day <= 7]
    return d


def test_which_lists_come_with_which_month(generated: Generated) -> None:
    names = {(p.parent.parent.name, p.name) for p in generated.paths("*/duo/N*.csv")}
    expected = set()
    for d in generated.manifest.peildatums:
        if d.day > 7:
            continue  # no monthly reports that week
        lists = [("2024", "D")] + ([("2025", "V")] if d.month == 10 else [])
        expected |= {(d.isoformat(), f"{kind}{year}{status}G{g}.csv") for year, status in lists
                     for kind in ("NRSP", "NenR") for g in GEMEENTEN}
    assert names == expected
    for path in generated.paths("*/duo/N*.csv"):
        header = path.read_bytes().decode("utf-8").split("\r\n", 1)[0]
        assert header == (NRSP_HEADER if path.name.startswith("NRSP") else NENR_HEADER)
        assert detect(path).name == ("duo_nrsp" if path.name.startswith("NRSP") else "duo_nenr")


def test_the_lists_carry_duo_s_habits_and_october_s_a06(generated: Generated) -> None:
    october = _october(generated)
    vsv_ers = 0
    for g in GEMEENTEN:
        for year, definitief in ((2024, True), (2025, False)):
            nrsp = _rows(generated.out / layout.vsv_list(october, "NRSP", year, definitief, g))
            nenr = _rows(generated.out / layout.vsv_list(october, "NenR", year, definitief, g))
            assert len(nrsp) > 5 * len(nenr)
            vsv_ers += len(nenr)
            key = [(r["BURGERSERVICENUMMER"], r["ONDERWIJSNUMMER"]) for r in nrsp]
            assert len(set(key)) == len(key)  # one row per person
            assert {(r["BURGERSERVICENUMMER"], r["ONDERWIJSNUMMER"]) for r in nenr} <= set(key)
            assert {r["GEMCODE"] for r in nrsp} == {str(int(g))}  # without leading zeros
            assert all(r["BURGERSERVICENUMMER"] == "0" or r["BURGERSERVICENUMMER"].endswith(".0")
                       for r in nrsp)
            if not definitief:  # the year just closed: the count of October's A06
                [a06] = (generated.out / october.isoformat() / "duo").glob(f"*A06G{g}.csv")
                assert (len(nrsp), len(nenr)) == _a06_totals(a06)
    assert vsv_ers, "no vsv'er on any list: the test would prove little"
    known_by_onderwijsnummer = [r for path in generated.paths("*/duo/NRSP*.csv") for r in _rows(path)
                                if r["BURGERSERVICENUMMER"] == "0"]
    assert known_by_onderwijsnummer and all(r["ONDERWIJSNUMMER"].startswith("10")
                                            for r in known_by_onderwijsnummer)


@pytest.mark.parametrize("gemeente", GEMEENTEN)
def test_vsv_figures_from_the_loaded_lists(generated: Generated, tmp_path: Path, gemeente: str) -> None:
    """D lists are the final figure of their year; October's V lists equal that month's A06."""
    with Staging(tmp_path / "staging.duckdb", gemeenten=GEMEENTEN) as staging:
        for path in generated.paths(f"*/duo/N*G{gemeente}.csv"):
            # the D lists come again every month with the same bytes: the same delivery, a no-op
            assert load(staging, path).status in ("loaded", "duplicate")
        assert staging.quarantine() == []
        kinds = dict(staging.con.execute("SELECT kind, count(*) FROM imports GROUP BY ALL").fetchall())
        assert kinds == {"duo_nrsp": 2, "duo_nenr": 2}

        assert duo_lists(staging.con, 2024)[2] is True
        figures, basis = vsv_from_staging(staging.con, 2024, gemeenten=(gemeente,))
        assert basis.duo_lijsten and basis.peildatum is None and figures.definitief
        d_list = _rows(generated.out / layout.vsv_list(_october(generated), "NenR", 2024, True, gemeente))
        assert figures.vsv == len(d_list)

        [a06] = (generated.out / _october(generated).isoformat() / "duo").glob(f"*A06G{gemeente}.csv")
        figures, basis = vsv_from_staging(staging.con, 2025, gemeenten=(gemeente,))
        assert basis.duo_lijsten and basis.peildatum is not None and figures.definitief is False
        assert (figures.startset, figures.vsv) == _a06_totals(a06)


def test_the_lists_of_every_gemeente_count_together(generated: Generated, tmp_path: Path) -> None:
    """DUO puts a list ready per gemeente: with several staged, each area's newest pair counts (a
    NenR without a vsv'er too), and the figure per gemeente is that gemeente's own list."""
    october = _october(generated)
    with Staging(tmp_path / "staging.duckdb", gemeenten=GEMEENTEN) as staging:
        for path in generated.paths("*/duo/N*.csv"):
            load(staging, path)
        nrsp, nenr, definitief, _day = duo_lists(staging.con, 2025)
        assert (len(nrsp), len(nenr), definitief) == (len(GEMEENTEN), len(GEMEENTEN), False)
        total, _ = vsv_from_staging(staging.con, 2025)
        per_gemeente = [vsv_from_staging(staging.con, 2025, gemeenten=(g,))[0] for g in GEMEENTEN]
        assert total.startset == sum(f.startset for f in per_gemeente)
        assert total.vsv == sum(f.vsv for f in per_gemeente)
        for g, figures in zip(GEMEENTEN, per_gemeente, strict=True):
            [a06] = (generated.out / october.isoformat() / "duo").glob(f"*A06G{g}.csv")
            assert (figures.startset, figures.vsv) == _a06_totals(a06)
