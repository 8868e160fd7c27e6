"""The command line's errors reach the user in Dutch (`Fout: …`), with the documented exit status
(docs/running.md: 1 refused input, 2 usage error); `--help` stays as it is (inbeeld/fouten.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from inbeeld.fouten import nederlands


@pytest.mark.parametrize("args,dutch", [
    (["--nope"], "Fout: Onbekende optie '--nope'."),
    (["cases", "lsit"], "Fout: Onbekende opdracht 'lsit'. Bedoelt u 'list'?"),
    (["cases", "list", "--format", "xml"],
     "Fout: Ongeldige waarde voor '--format': 'xml' kan niet: kies uit 'table', 'csv', 'json'."),
    (["cases", "show", "abc"], "Fout: Ongeldige waarde voor 'DOSSIER_ID': 'abc' is geen geheel getal."),
    (["import", "brp"], "Fout: Het argument 'FILE' ontbreekt."),
    (["status"], "Fout: De optie '--geboortedatum' ontbreekt."),
    (["status", "--geboortedatum", "2015-09-02", "extra"], "Fout: Te veel argumenten: extra."),
    (["import", "duo", "--mapping", "geen.toml", "x.csv"],
     "Fout: Ongeldige waarde voor '--mapping': het bestand 'geen.toml' bestaat niet."),
])
def test_a_usage_error_is_dutch_and_exits_2(args: list[str], dutch: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), *args], prog_name="inbeeld")
    assert result.exit_code == 2, result.output
    assert dutch in result.stderr, result.stderr
    assert "Gebruik: inbeeld" in result.stderr and "--help' voor hulp." in result.stderr
    assert "Error" not in result.stderr and "Usage:" not in result.stderr and "Try '" not in result.stderr


def test_an_option_without_its_value_is_dutch_and_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "cases", "list", "--format"])
    assert result.exit_code == 2
    assert result.stderr == "Fout: Bij de optie '--format' hoort een waarde.\n"  # click gives no usage here


def test_an_error_of_our_own_keeps_its_words_under_a_dutch_prefix_and_exits_1(tmp_path: Path) -> None:
    settings = tmp_path / "inbeeld.toml"
    settings.write_text("onbekende_sleutel = 1\n", encoding="utf-8")
    result = CliRunner(env={"INBEELD_CONFIG": str(settings)}).invoke(
        main, ["--data-dir", str(tmp_path), "cases", "list"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Fout: ") and "onbekende_sleutel" in result.stderr, result.stderr
    assert "Gebruik:" not in result.stderr


def test_help_stays_as_it_is() -> None:
    result = CliRunner().invoke(main, ["cases", "--help"], prog_name="inbeeld")
    assert result.exit_code == 0 and result.output.startswith("Usage: inbeeld cases")
    bare = CliRunner().invoke(main, ["cases"], prog_name="inbeeld")  # a group without a command: its help
    assert bare.exit_code == 2 and bare.output.startswith("Usage: inbeeld cases")


def test_a_message_click_words_otherwise_keeps_its_words() -> None:
    assert nederlands("Iets wat click nog niet zei.") == "Iets wat click nog niet zei."
    assert nederlands("Missing option '--maand'. Choose from:\n\tjan,\n\tfeb") == \
        "De optie '--maand' ontbreekt. Kies uit: jan, feb."
