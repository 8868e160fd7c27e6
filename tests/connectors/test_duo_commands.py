"""`inbeeld import duo | verzuim | vrijstellingen`: summaries, exit status, no person numbers printed."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from click.testing import CliRunner

from cli import main

FIXTURES = Path(__file__).parent / "fixtures"
DUO = FIXTURES / "duo"


def run(tmp_path: Path, *args: str):
    return CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "import", *args])


def test_duo_c_then_p_prints_what_changed(tmp_path: Path) -> None:
    first = run(tmp_path, "duo", str(DUO / "duo-C-G0363-20260907.csv"))
    assert first.exit_code == 0, first.output
    assert "C-levering loaded as import 1: 5 rows read, 5 loaded, 0 quarantined" in first.output
    second = run(tmp_path, "duo", str(DUO / "duo-P-G0363-20260914.csv"))
    assert second.exit_code == 0, second.output
    assert "P-levering loaded as import 2: 6 rows read, 3 loaded, 3 quarantined" in second.output
    assert "1 added, 1 removed, 1 changed, mutations T 1, W 1, V 1; now 5 enrolments" in second.output
    assert "toevoeging van een inschrijving die al bestaat" in second.output
    assert "999990" not in first.output + second.output and "100000004" not in second.output
    again = run(tmp_path, "duo", str(DUO / "duo-P-G0363-20260914.csv"))
    assert again.exit_code == 0
    assert "same content as import 2, already loaded; nothing changed" in again.output


def test_kind_can_be_named_for_a_renamed_report(tmp_path: Path) -> None:
    renamed = tmp_path / "werkvoorraad.csv"
    shutil.copy(DUO / "202611A04G0363.csv", renamed)
    refused = run(tmp_path, "duo", str(renamed))
    assert refused.exit_code == 1 and "A01, A02, A04 en A14 hebben dezelfde kopregel" in refused.output
    loaded = run(tmp_path, "duo", "--kind", "a04", str(renamed))
    assert loaded.exit_code == 0, loaded.output
    assert "rapport A04 loaded as import 1: 3 rows read, 3 loaded" in loaded.output


def test_refused_file_exits_1_and_changes_nothing(tmp_path: Path) -> None:
    run(tmp_path, "duo", str(DUO / "duo-C-G0363-20260907.csv"))
    broken = tmp_path / "duo-C-G0363-20261005.csv"
    text = DUO.joinpath("duo-C-G0363-20260907.csv").read_text(encoding="utf-8")
    broken.write_text(text[:-40], encoding="utf-8")
    result = run(tmp_path, "duo", str(broken))
    assert result.exit_code == 1
    assert "Fout: duo-C-G0363-20261005.csv geweigerd, regel 6" in result.output
    assert "Er is niets veranderd in staging." in result.output
    con = duckdb.connect(str(tmp_path / "data" / "staging.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
    con.close()


def test_verzuim_folder_imports_each_file_and_reports_a_refused_one(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(FIXTURES / "verzuim", inbox)
    (inbox / "verzuim-G0363-20260915.xml").write_text("<verzuimmeldingen>", encoding="utf-8")
    result = run(tmp_path, "verzuim", str(inbox))
    assert result.exit_code == 1
    assert "verzuim-G0363-20260914.xml: verzuimmeldingen loaded as import 1: 3 rows read" in result.output
    assert "verzuim-G0363-20260921.xml: verzuimmeldingen loaded as import 2: 2 rows read" in result.output
    assert "1 added, 1 updated" in result.output
    assert "Fout: verzuim-G0363-20260915.xml geweigerd" in result.output


def test_vrijstellingen(tmp_path: Path) -> None:
    path = FIXTURES / "vrijstellingen" / "vrijstellingen-G0363-20260907.csv"
    result = run(tmp_path, "vrijstellingen", str(path))
    assert result.exit_code == 0, result.output
    assert "vrijstellingen loaded as import 1: 4 rows read, 4 loaded, 0 quarantined" in result.output
