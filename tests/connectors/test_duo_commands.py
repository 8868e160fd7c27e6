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
    assert ("C-levering ingelezen als import 1; regels: 5 gelezen, 5 ingelezen, 0 in quarantaine"
            in first.output)
    second = run(tmp_path, "duo", str(DUO / "duo-P-G0363-20260914.csv"))
    assert second.exit_code == 0, second.output
    assert ("P-levering ingelezen als import 2; regels: 6 gelezen, 3 ingelezen, 3 in quarantaine"
            in second.output)
    assert ("sinds de vorige levering: nieuw 1, vervallen 1, gewijzigd 1, mutaties T 1, W 1, V 1; "
            "totaal: inschrijvingen 5") in second.output
    assert "toevoeging van een inschrijving die al bestaat" in second.output
    assert "999990" not in first.output + second.output and "100000004" not in second.output
    again = run(tmp_path, "duo", str(DUO / "duo-P-G0363-20260914.csv"))
    assert again.exit_code == 0
    assert "dezelfde inhoud als import 2, al ingelezen; er is niets veranderd" in again.output


def test_kind_can_be_named_for_a_renamed_report(tmp_path: Path) -> None:
    renamed = tmp_path / "werkvoorraad.csv"
    shutil.copy(DUO / "202611A04G0363.csv", renamed)
    refused = run(tmp_path, "duo", str(renamed))
    assert refused.exit_code == 1 and "A01, A02, A04 en A14 hebben dezelfde kopregel" in refused.output
    loaded = run(tmp_path, "duo", "--kind", "a04", str(renamed))
    assert loaded.exit_code == 0, loaded.output
    assert "rapport A04 ingelezen als import 1; regels: 3 gelezen, 3 ingelezen" in loaded.output


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
    assert "verzuim-G0363-20260914.xml: verzuimmeldingen ingelezen als import 1; regels: 3 gelezen" \
        in result.output
    assert "verzuim-G0363-20260921.xml: verzuimmeldingen ingelezen als import 2; regels: 2 gelezen" \
        in result.output
    assert "nieuw 1, bijgewerkt 1" in result.output
    assert "Fout: verzuim-G0363-20260915.xml geweigerd" in result.output


def test_vrijstellingen(tmp_path: Path) -> None:
    path = FIXTURES / "vrijstellingen" / "vrijstellingen-G0363-20260907.csv"
    result = run(tmp_path, "vrijstellingen", str(path))
    assert result.exit_code == 0, result.output
    assert "vrijstellingen ingelezen als import 1; regels: 4 gelezen, 4 ingelezen, 0 in quarantaine" \
        in result.output


def test_the_summary_writes_counts_the_dutch_way() -> None:
    """Thousands with a point, the summary's English keys in Dutch words (staging keeps the keys)."""
    from connectors.duo_commands import _describe_changes

    summary = {"added": 12873, "removed": 1500, "changed": 3, "enrolments": 1234567,
               "mutations": {"T": 1001, "W": 0, "V": 2}, "previous_import_id": 4}
    assert _describe_changes(summary) == ("; sinds de vorige levering: nieuw 12.873, vervallen 1.500, "
                                          "gewijzigd 3, mutaties T 1.001, W 0, V 2; "
                                          "totaal: inschrijvingen 1.234.567")
