"""`inbeeld demo`: the README's main job, end to end on a small municipality (real flows)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from cli import main
from letters.pdf import soffice_path

pytestmark = pytest.mark.slow


def test_demo_generates_runs_the_weeks_and_leaves_letters_lists_and_report(
        prefect_harness: str, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--persons", "400"])
    assert result.exit_code == 0, result.output
    data = out / "inbeeld-data"
    assert "Wekelijkse runs:" in result.output and str(data / "letters") in result.output
    assert len(re.findall(r"Week van \d\d? september 2026: wekelijkse run", result.output)) == 4
    letters = sorted(data.glob("letters/*/*.docx"))
    assert any(p.name != "drukwerk.docx" for p in letters)
    first = Document(str(next(p for p in letters if p.name != "drukwerk.docx")))
    assert "Leerplichtwet" in "\n".join(par.text for par in first.paragraphs) + "".join(
        cell.text for table in first.tables for row in table.rows for cell in row.cells)
    # no placeholder office in any letter: the demo's own, plainly fictional office (pipelines/demo.py)
    for path in letters:
        document = Document(str(path))
        text = "\n".join(par.text for par in document.paragraphs)
        assert "Voorbeeld" not in text and "Team Leerplicht, " not in text, path.name
        assert "Gemeente Demostad" in text, path.name
    if soffice_path() is not None:  # the weekly flow's print file as PDF (the flow tests turn it off)
        assert len(list(data.glob("letters/*/drukwerk.pdf"))) == 4
    reports = {p.suffix for p in (data / "reports").rglob("*") if p.is_file()}
    assert {".xlsx", ".html"} <= reports
    assert not any((data / "inbox").rglob("*.csv")), "every delivery was imported and archived"
    # it ends with how to open the work screen, and the demo user logs in with the printed password
    opening = re.search(r"log in als demo-lpa, demo-rmc, demo-beleid of demo-beheer met het wachtwoord (\S+)",
                        result.output)
    assert opening and "inbeeld web" in result.output
    # with the demo's settings (its gemeente, teams and assignment rules), as the line before it
    assert f"INBEELD_CONFIG={out / 'inbeeld.toml'} INBEELD_DATA_DIR={data} inbeeld web" in result.output
    from inbeeld.settings import load_settings
    from registers.audit import AuditTrail, load_key
    from registers.db import open_registers
    from registers.gebruikers import verify_password

    settings = load_settings(data_dir=data, environ={})
    factory = open_registers(settings.register_url, AuditTrail(load_key(data), actor="test"))
    with factory() as session:
        user = verify_password(session, "demo-lpa", opening.group(1))
        assert user is not None and user.naam == "Demo Leerplichtambtenaar"
    factory.kw["bind"].dispose()
    # the demo's settings serve its gemeente, so the commands it suggests (signals, reports) run
    demo_settings = load_settings(environ={"INBEELD_CONFIG": str(out / "inbeeld.toml"),
                                           "INBEELD_DATA_DIR": str(data)})
    assert demo_settings.gemeenten == ("0363",)


def test_demo_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "something").write_text("x")
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 2
    assert "is niet leeg" in result.output


def test_the_demo_says_how_to_open_the_work_screen_with_its_settings_and_an_rmc_user(tmp_path: Path) -> None:
    """Started as the demo said ('INBEELD_DATA_DIR=… inbeeld web'), the work screen had no inbeeld.toml:
    every letter was refused for the missing office ([letters.kantoor]). And the RMC team had no user to
    look with: demo-rmc is R. Haddou, whom the demo's rules give the RMC dossiers."""
    from pipelines.demo import DEMO_CONFIG, DEMO_USERS, DemoResult, describe

    result = DemoResult(out=tmp_path / "demo", data_dir=tmp_path / "demo" / "inbeeld-data", web_password="pw")
    text = describe(result)
    web = next(line for line in text.splitlines() if line.endswith("inbeeld web"))
    assert f"INBEELD_CONFIG={tmp_path / 'demo' / 'inbeeld.toml'}" in web
    assert "log in als demo-lpa, demo-rmc, demo-beleid of demo-beheer met het wachtwoord pw" in text
    naam = next(naam for login, naam, rol in DEMO_USERS if login == "demo-rmc" and rol == "rmc")
    assert f'naam = "{naam}"\nrol = "RMC"' in DEMO_CONFIG
