"""The bad-input corpus (tests/connectors/bad_inputs/expected.toml): each file has one exact outcome.

A refused file names its line (or record) and field and leaves staging untouched, also through the
command line (exit 1); a file with row-level faults loads the rest and quarantines exactly the
listed rows. Other readers register their importer in IMPORTERS.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from connectors.deliveries import load
from connectors.errors import RefusedFile
from connectors.staging import ImportResult, Staging

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))

IMPORTERS: dict[str, Callable[[Staging, Path], ImportResult]] = {
    "brp": lambda staging, path: load(staging, path, "brp"),
    "duo": lambda staging, path: load(staging, path, family="duo"),
    "verzuim": lambda staging, path: load(staging, path, "verzuim"),
    "vrijstellingen": lambda staging, path: load(staging, path, "vrijstellingen"),
}
CLI = {"brp": ["import", "brp"], "duo": ["import", "duo"], "verzuim": ["import", "verzuim"],
       "vrijstellingen": ["import", "vrijstellingen"]}


def test_every_file_has_an_expected_outcome() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.toml"}
    assert files == set(EXPECTED)
    assert sum(1 for e in EXPECTED.values() if e["kind"] == "brp") >= 15
    assert sum(1 for e in EXPECTED.values() if e["kind"] in OURS) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_outcome(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    importer = IMPORTERS.get(expected["kind"])
    if importer is None:
        pytest.skip(f"no importer registered for kind {expected['kind']!r}")
    with Staging(tmp_path / "staging.duckdb") as staging:
        if expected["outcome"] == "refused":
            with pytest.raises(RefusedFile) as refused:
                importer(staging, CORPUS / name)
            exc = refused.value
            assert (exc.line, exc.field) == (expected.get("line"), expected.get("field")), str(exc)
            assert expected["reason"] in exc.reason, str(exc)
            assert Path(exc.file).name == name
            assert staging.imports() == [] and staging.quarantine() == []
        else:
            result = importer(staging, CORPUS / name)
            assert (result.rows_read, result.rows_loaded) == (expected["read"], expected["loaded"])
            got = [[q["line"], q["field"]] for q in staging.quarantine(result.import_id)]
            assert got == expected["quarantine"]
            assert all(q["file"] == name and q["reason"] for q in staging.quarantine(result.import_id))


def _first_refused(kinds: set[str], count: int) -> list[str]:
    return sorted(n for n, e in EXPECTED.items() if e["outcome"] == "refused" and e["kind"] in kinds)[:count]


OURS = {"duo", "verzuim", "vrijstellingen"}


@pytest.mark.parametrize("name", _first_refused({"brp"}, 6) + _first_refused(OURS, 8))
def test_refused_through_the_command_line(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    if expected["kind"] not in CLI:
        pytest.skip("no command registered")
    args = ["--data-dir", str(tmp_path), *CLI[expected["kind"]], str(CORPUS / name)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    named = (("line", "regel"), ("field", "veld"))
    where = f"Fout: {name} geweigerd" + "".join(
        f", {label} {expected[key]}" for key, label in named if key in expected)
    assert f"{where}: " in result.output, result.output  # file, line and field, in Dutch
    assert "Er is niets veranderd in staging." in result.output
