"""`inbeeld signals`: the docs/spec.md §7 contract (JSON field names), the type filter and the refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main
from synthetic import generate
from tests.named_user import add_tester


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("signals-cli")
    generate(root / "data", persons=600, seed=8, gemeenten=["0363"], weeks=1)
    week = root / "data" / "2026-09-07"
    runner = CliRunner()
    for args in (["import", "brp", str(next((week / "brp").glob("*.lo3.csv")))],
                 ["import", "duo", str(next((week / "duo").glob("duo-C-*.csv")))]):
        result = runner.invoke(main, ["--data-dir", str(root / "d"), *args])
        assert result.exit_code == 0, result.output
    add_tester(root / "d")
    return root / "d"


def _signals(data_dir: Path, args: list[str]) -> Result:
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), "--gemeenten", "0363", "--by", "tester",
                                     "signals", *args])


def test_signals_json_has_the_contract_fields(data_dir: Path) -> None:
    result = _signals(data_dir, ["--peildatum", "2026-09-07", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows, "a generated municipality has signals"
    for row in rows:
        assert {"signal", "persoonsnummer", "gemeentecode", "peildatum", "sinds"} <= set(row)
        assert row["peildatum"] == "2026-09-07" and row["gemeentecode"] == "0363"


def test_signals_type_filter_and_csv(data_dir: Path) -> None:
    result = _signals(data_dir, ["--peildatum", "2026-09-07", "--type", "ABSOLUUT_VERZUIM",
                               "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("signaal;persoonsnummer;gemeentecode;peildatum;sinds")
    assert len(lines) > 1 and all(line.startswith("ABSOLUUT_VERZUIM;") for line in lines[1:])


def test_signals_table_writes_the_dates_in_words(data_dir: Path) -> None:
    result = _signals(data_dir, ["--peildatum", "2026-09-07"])
    assert result.exit_code == 0, result.output
    assert "7 september 2026" in result.output and "2026-09-07" not in result.output


def test_signals_without_staging_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "--gemeenten", "0363", "signals"])
    assert result.exit_code == 1
    assert "er is nog niets ingelezen" in result.output


def test_signals_on_staging_without_a_brp_delivery_is_refused(tmp_path: Path) -> None:
    """A staging file with only a DUO delivery (or none): a clear message, not DuckDB's missing table."""
    from connectors.staging import Staging

    with Staging(tmp_path / "staging.duckdb", gemeenten=("0363",)):
        pass
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "--gemeenten", "0363", "signals"])
    assert result.exit_code == 1
    assert "er is nog geen BRP-levering ingelezen" in result.output
    assert "Traceback" not in result.output and "brp_personen" not in result.output


def test_signals_without_served_gemeenten_is_refused(data_dir: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "signals"], env={"INBEELD_GEMEENTEN": ""})
    assert result.exit_code == 1
    assert "INBEELD_GEMEENTEN" in result.output


def test_unknown_signal_type_is_a_usage_error(data_dir: Path) -> None:
    result = _signals(data_dir, ["--type", "ONZIN"])
    assert result.exit_code == 2


def test_signals_on_old_deliveries_say_so_and_strict_refuses(data_dir: Path) -> None:
    result = _signals(data_dir, ["--peildatum", "2026-09-20", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert ("Waarschuwing: de nieuwste BRP-levering is van 7 september 2026, 13 dagen voor de peildatum "
            "20 september 2026") in result.stderr
    assert json.loads(result.stdout)  # the list itself stays clean for scripts
    strict = _signals(data_dir, ["--peildatum", "2026-09-20", "--strict"])
    assert strict.exit_code == 1 and "Fout: de leveringen zijn te oud" in strict.output
    assert _signals(data_dir, ["--peildatum", "2026-09-14", "--strict"]).exit_code == 0  # 7 days: fresh
