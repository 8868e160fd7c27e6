"""`inbeeld status` through click, as scripts and people call it (docs/spec.md §7)."""

import json
from datetime import date

import pytest
from click.testing import CliRunner

from cli import main
from rules.status import bepaal_status


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["status", *args])
    return result.exit_code, result.output


def test_spec_example_json() -> None:
    code, out = run("--geboortedatum", "2015-09-02", "--peildatum", "2020-10-01", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["status"] == "leerplichtig"
    assert data["leerplicht_start"] == "2020-10-01"
    assert data["leerplicht_einde"] == "2032-07-31"
    assert data["kwalificatieplicht_einde"] == "2033-09-01"
    assert data["rmc_einde"] == "2038-09-01"  # the law of the peildatum (2020): 23
    assert data["grondslag"] == "Leerplichtwet 1969 (BWBR0002628) art. 3 lid 1"
    assert data["controle_nodig"] is False and data["geboortedatum_precisie"] == "dag"


def test_json_nulls_where_an_obligation_does_not_apply() -> None:
    code, out = run("--geboortedatum", "2008-09-15", "--peildatum", "2025-08-01", "--sk-datum", "20-06-2025",
                    "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "geen"
    assert data["kwalificatieplicht_einde"] is None and data["rmc_einde"] is None
    assert "art. 4b" in data["grondslag"]


def test_readable_dutch_summary() -> None:
    code, out = run("--geboortedatum", "2015-09-02", "--peildatum", "2020-10-01")
    assert code == 0
    assert "Status:              leerplichtig" in out
    assert "Leerplicht:          1 oktober 2020 t/m 31 juli 2032" in out
    assert "Kwalificatieplicht:  1 augustus 2032 t/m 1 september 2033" in out
    assert "Leerplichtwet 1969 (BWBR0002628) art. 3 lid 1" in out
    assert "2020-10-01" not in out


def test_partial_birth_date_json_flags_review() -> None:
    code, out = run("--geboortedatum", "20070800", "--peildatum", "2025-08-15", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["status"] is None
    assert data["controle_nodig"] is True
    assert (data["status_vroegst"], data["status_laatst"]) == ("rmc_doelgroep", "kwalificatieplichtig")
    assert data["geboortedatum_precisie"] == "maand"
    assert data["rmc_einde"] is None


def test_partial_birth_date_summary_says_a_person_must_check() -> None:
    code, out = run("--geboortedatum", "2009", "--peildatum", "2025-08-15")
    assert code == 0
    assert "onvolledig in de BRP: tussen 1 januari 2009 en 31 december 2009" in out
    assert "Controle nodig:      ja" in out
    assert "leerplichtig; kwalificatieplichtig" in out


def test_partial_birth_date_that_does_not_matter() -> None:
    code, out = run("--geboortedatum", "20100800", "--peildatum", "2026-10-01", "--json")
    data = json.loads(out)
    assert data["status"] == "leerplichtig" and data["controle_nodig"] is False


def test_peildatum_defaults_to_today() -> None:
    code, out = run("--geboortedatum", "2015-09-02", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["peildatum"] == date.today().isoformat()
    assert data["status"] == bepaal_status(date(2015, 9, 2), date.today()).status


@pytest.mark.parametrize("args,message", [
    (["--geboortedatum", "2015-02-30"], "Ongeldige waarde voor '--geboortedatum'"),
    (["--geboortedatum", "gisteren"], "is geen geboortedatum"),
    (["--geboortedatum", "2015-09-02", "--peildatum", "2020-13-01"], "Ongeldige waarde voor '--peildatum'"),
    (["--geboortedatum", "2015-09-02", "--sk-datum", "2020"], "Ongeldige waarde voor '--sk-datum'"),
    (["--geboortedatum", "2015-09-02", "--peildatum", "2001-01-01"], "geen waarde op 1 januari 2001"),
    ([], "De optie '--geboortedatum' ontbreekt"),
])
def test_bad_input_exits_2_with_a_clear_message(args: list[str], message: str) -> None:
    code, out = run(*args)
    assert code == 2
    assert message in out


def test_help_is_in_english_and_documents_the_options() -> None:
    code, out = run("--help")
    assert code == 0
    for option in ("--geboortedatum", "--peildatum", "--sk-datum", "--json"):
        assert option in out


def _readme_examples() -> list[tuple[list[str], str]]:
    """(arguments, printed output) of each `$ inbeeld status ...` example in the README."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `inbeeld status`", 1)[1].split("\n## ", 1)[0]
    examples = []
    for block in section.split("```sh\n")[1:]:
        body = block.split("```", 1)[0]
        for chunk in body.split("$ inbeeld status ")[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((command.split(), output.rstrip("\n")))
    return examples


@pytest.mark.parametrize("args,expected", _readme_examples())
def test_readme_examples_are_real_output(args: list[str], expected: str) -> None:
    code, out = run(*args)
    assert code == 0
    assert out.rstrip("\n") == expected.rstrip("\n")


def test_readme_has_the_spec_example() -> None:
    assert ["--geboortedatum", "2015-09-02", "--peildatum", "2020-10-01", "--json"] in [
        args for args, _ in _readme_examples()]
