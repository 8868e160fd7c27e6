"""What the command line says when something is wrong or odd is Dutch (#14 item 9): a handful of
refused, warning and broken-off commands, each fast (no Prefect, no register unless needed), checked
for their Dutch words and for English that crept back (`ENGLISH`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

#: Words of an English message: click's prefixes and the prose our messages used to have.
ENGLISH = re.compile(r"\b(Error|Warning|Aborted|Usage|the|is not|must be|unknown|not both|give|"
                     r"delivery|import deliveries|rows|loaded|failed|What to do)\b")


def _said(tmp_path: Path, *args: str, config: str = "", input: str | None = None,
          **env: str) -> tuple[int, str]:
    (tmp_path / "inbeeld.toml").write_text(config, encoding="utf-8")
    environment = {"INBEELD_CONFIG": str(tmp_path / "inbeeld.toml"), "INBEELD_GEMEENTEN": "0363",
                   "INBEELD_GEBRUIKER": "", "INBEELD_WACHTWOORD": "", "PREFECT_API_URL": "", **env}
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), *args], env=environment,
                                input=input)
    return result.exit_code, result.stderr + result.stdout  # stderr first: the message, then the output


@pytest.mark.parametrize("args,code,dutch", [
    (["report", "kpi", "--maand", "2026-09", "--jaar", "2025"], 2,
     "Fout: geef --maand of --jaar, niet allebei"),
    (["report", "kpi", "--maand", "2026-13"], 2, "'2026-13' is geen maand: gebruik jjjj-mm"),
    (["report", "wetswijziging"], 2, "Fout: niets om te vergelijken: geef --voor DATUM"),
    (["report", "vsv"], 1, "Fout: er is nog niets ingelezen ("),
    (["status", "--geboortedatum", "2015-09-02", "--peildatum", "morgen"], 2,
     "'morgen' is geen datum: gebruik jjjj-mm-dd, jjjjmmdd of dd-mm-jjjj"),
    (["status", "--geboortedatum", "gisteren"], 2, "'gisteren' is geen geboortedatum"),
    (["status", "--geboortedatum", "2015-09-02", "--peildatum", "1800-01-01"], 2,
     "heeft geen waarde op 1 januari 1800"),
    (["signals"], 1, "Fout: er is nog niets ingelezen ("),
    (["letters", "run"], 1, "Fout: er is nog niets ingelezen ("),
    (["run", "daily", "--strict"], 2, "Fout: --strict geldt alleen voor de flows weekly en monthly"),
    (["run", "monthly", "--inbox", "x"], 2, "Fout: --inbox geldt alleen voor de flow weekly"),
    (["demo", "generate", "--out", "x", "--persons", "5", "--seed", "1", "--start", "2026-09-08"], 2,
     "8 september 2026 is geen maandag; peildatums zijn maandagen"),
])
def test_a_refused_command_says_why_in_dutch(tmp_path: Path, args: list[str], code: int, dutch: str) -> None:
    status, said = _said(tmp_path, *args)
    assert status == code, said
    assert dutch in said, said
    assert not ENGLISH.search(said.replace(str(tmp_path), "")), said


def test_a_faulty_inbeeld_toml_is_named_in_dutch(tmp_path: Path) -> None:
    status, said = _said(tmp_path, "cases", "list",
                         config="[reports.kpi]\nafsluiten_binnen_weken = 'twaalf'\n")
    assert status == 1
    assert "Fout: " in said and "afsluiten_binnen_weken moet een geheel getal zijn, niet 'twaalf'" in said
    assert not ENGLISH.search(said.replace(str(tmp_path), "")), said


def test_the_doctor_speaks_dutch(tmp_path: Path) -> None:
    status, said = _said(tmp_path, "doctor", config="onbekend = 1\n")
    assert status == 1
    lines = said.splitlines()
    assert lines[0].startswith("fout          instellingen  ") and "onbekende sleutel" in lines[0]
    assert {line.split()[0] for line in lines} <= {"ok", "waarschuwing", "fout"}
    assert not ENGLISH.search(said.replace(str(tmp_path), "")), said


def test_a_demo_into_a_folder_in_use_is_refused_in_dutch(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "iets").write_text("x")
    status, said = _said(tmp_path, "demo", "--out", str(tmp_path / "demo"))
    assert status == 2 and "is niet leeg: kies een andere --out of verwijder de map" in said


def test_a_password_typed_twice_differently_and_then_broken_off(tmp_path: Path) -> None:
    """click's own confirmation says its mismatch in English, and `Aborted!`: both are Dutch here."""
    status, said = _said(tmp_path, "gebruiker", "add", "beheer1", "--naam", "B. Heer", "--rol", "beheer",
                         input="geheim-een\ngeheim-twee\n")
    assert status == 1
    assert "Fout: de twee wachtwoorden zijn niet gelijk; probeer het opnieuw." in said
    assert "\nAfgebroken.\n" in said
    assert not ENGLISH.search(said.replace(str(tmp_path), "")), said
