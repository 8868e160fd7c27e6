"""The report commands computing for a peildatum from staged deliveries say when those are old
(#18 item 3): a warning on stderr, `--strict` refuses before a file is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main
from synthetic import generate
from tests.named_user import add_tester

OLD = "de nieuwste BRP-levering is van 7 september 2026, 13 dagen voor de peildatum 20 september 2026"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One week of a small generated gemeente staged (BRP and DUO of 7 September 2026)."""
    root = tmp_path_factory.mktemp("stale-reports")
    generate(root / "data", persons=300, seed=8, gemeenten=["0363"], weeks=1)
    week = root / "data" / "2026-09-07"
    for args in (["import", "brp", str(next((week / "brp").glob("*.lo3.csv")))],
                 ["import", "duo", str(next((week / "duo").glob("duo-C-*.csv")))]):
        result = CliRunner().invoke(main, ["--data-dir", str(root / "d"), *args])
        assert result.exit_code == 0, result.output
    add_tester(root / "d")
    return root / "d"


def _report(data_dir: Path, out: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), "--gemeenten", "0363", "--by", "tester",
                                     "report", *args, "--out", str(out)])


@pytest.mark.parametrize("args", [["worklist", "--format", "csv"],
                                  ["wetswijziging", "--voor", "2025-12-31", "--format", "csv"]])
def test_a_report_on_old_deliveries_warns_and_strict_refuses(data_dir: Path, tmp_path: Path,
                                                             args: list[str]) -> None:
    warned = _report(data_dir, tmp_path / "warned", *args, "--peildatum", "2026-09-20")
    assert warned.exit_code == 0, warned.output
    assert OLD in warned.stderr and "berusten op oude gegevens" in warned.stderr
    assert OLD not in warned.stdout  # the file names on stdout stay clean for scripts
    refused = _report(data_dir, tmp_path / "refused", *args, "--peildatum", "2026-09-20", "--strict")
    assert refused.exit_code == 1 and "de leveringen zijn te oud: " + OLD in refused.output
    assert not any((tmp_path / "refused").glob("*.*")), "nothing is written when --strict refuses"
    fresh = _report(data_dir, tmp_path / "fresh", *args, "--peildatum", "2026-09-14", "--strict")
    assert fresh.exit_code == 0, fresh.output
    assert "Waarschuwing" not in fresh.stderr


def test_provisional_vsv_figures_on_an_old_duo_delivery_warn_and_strict_refuses(data_dir: Path,
                                                                                tmp_path: Path) -> None:
    old = "de nieuwste DUO-levering is van 7 september 2026, 13 dagen voor de peildatum 20 september 2026"
    warned = _report(data_dir, tmp_path, "vsv", "--format", "csv", "--stand", "2026-09-20")
    assert warned.exit_code == 0, warned.output
    assert old + "; de voorlopige VSV-cijfers berusten op oude gegevens." in warned.stderr
    assert "BRP" not in warned.stderr  # VSV figures use DUO's deliveries only
    refused = _report(data_dir, tmp_path / "refused", "vsv", "--format", "csv", "--stand", "2026-09-20",
                      "--strict")
    assert refused.exit_code == 1 and old in refused.output
