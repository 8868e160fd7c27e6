"""The generator writes DUO's provisional VSV lists (NRSP, NenR) in DUO's layout, and they agree
with DUO's own overview (A06) of the same month: loaded through the import registry, the VSV
figure taken from the lists equals the A06 counts (docs/formats.md §2.2, §5)."""

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


def test_every_report_month_brings_both_lists_with_duo_s_header(generated: Generated) -> None:
    lists = generated.paths("*/duo/N*.csv")
    assert {p.name for p in lists} == {f"{kind}2025VG{g}.csv" for kind in ("NRSP", "NenR") for g in GEMEENTEN}
    assert len(lists) == 2 * 2 * len(GEMEENTEN)  # the September and the October report weeks
    for path in lists:
        header = path.read_bytes().decode("utf-8").split("\r\n", 1)[0]
        assert header == (NRSP_HEADER if path.name.startswith("NRSP") else NENR_HEADER)
        assert detect(path).name == ("duo_nrsp" if path.name.startswith("NRSP") else "duo_nenr")


def test_the_lists_carry_duo_s_habits_and_the_startset_of_a06(generated: Generated) -> None:
    for d in generated.manifest.peildatums:
        for g in GEMEENTEN:
            nrsp_path = generated.out / layout.vsv_list(d, "NRSP", 2025, g)
            if not nrsp_path.exists():
                continue
            nrsp = _rows(nrsp_path)
            nenr = _rows(generated.out / layout.vsv_list(d, "NenR", 2025, g))
            [a06] = (generated.out / d.isoformat() / "duo").glob(f"*A06G{g}.csv")
            assert (len(nrsp), len(nenr)) == _a06_totals(a06)
            assert nenr and len(nrsp) > 5 * len(nenr)
            key = [(r["BURGERSERVICENUMMER"], r["ONDERWIJSNUMMER"]) for r in nrsp]
            assert len(set(key)) == len(key)  # one row per person
            assert {(r["BURGERSERVICENUMMER"], r["ONDERWIJSNUMMER"]) for r in nenr} <= set(key)
            assert {r["GEMCODE"] for r in nrsp} == {str(int(g))}  # without leading zeros
            assert all(r["BURGERSERVICENUMMER"] == "0" or r["BURGERSERVICENUMMER"].endswith(".0")
                       for r in nrsp)
    known_by_onderwijsnummer = [r for path in generated.paths("*/duo/NRSP*.csv") for r in _rows(path)
                                if r["BURGERSERVICENUMMER"] == "0"]
    assert known_by_onderwijsnummer and all(r["ONDERWIJSNUMMER"].startswith("10")
                                            for r in known_by_onderwijsnummer)


@pytest.mark.parametrize("gemeente", GEMEENTEN)
def test_vsv_figure_from_the_loaded_lists_equals_duo_s_a06(generated: Generated, tmp_path: Path,
                                                            gemeente: str) -> None:
    weeks = [d for d in generated.manifest.peildatums
             if (generated.out / layout.vsv_list(d, "NRSP", 2025, gemeente)).exists()]
    with Staging(tmp_path / "staging.duckdb", gemeenten=GEMEENTEN) as staging:
        for d in weeks:
            for kind in ("NRSP", "NenR"):
                # a month whose list has last month's bytes is the same delivery again (no-op)
                assert load(staging, generated.out / layout.vsv_list(d, kind, 2025, gemeente)).status in (
                    "loaded", "duplicate")
            assert staging.quarantine() == []
            [a06] = (generated.out / d.isoformat() / "duo").glob(f"*A06G{gemeente}.csv")
            startset, vsv = _a06_totals(a06)
            found = duo_lists(staging.con, 2025)
            assert found is not None and found[2] is False  # voorlopig
            figures, basis = vsv_from_staging(staging.con, 2025, gemeenten=(gemeente,))
            assert basis.duo_lijsten
            assert (figures.startset, figures.vsv) == (startset, vsv), d
