"""`inbeeld --help` answers without loading the heavy libraries, `cases show` loads only what it uses;
the command list says what each does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import click
import click.testing
import pytest

import cli
from registers.audit import AuditTrail, load_key
from registers.case_sync import sync_cases
from registers.codes import ReasonCode
from registers.db import open_registers
from tests.named_user import add_tester
from tests.registers.factories import BSNS, WEEK1, signal_row

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("duckdb", "pandas", "prefect", "sqlalchemy", "openpyxl", "numpy")
PROBE = """
import json, sys
sys.argv = ["inbeeld", *json.loads(sys.argv[1])]
import cli
try:
    cli.main(standalone_mode=False)
except SystemExit:
    pass
print("\\nLOADED=" + json.dumps(sorted(sys.modules)))
"""


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def _loaded(*args: str) -> tuple[str, set[str]]:
    """What `inbeeld ARGS` printed, and the modules (full names) it had loaded by the end."""
    env = {**os.environ, "INBEELD_CONFIG": os.devnull}
    env.pop("INBEELD_CONFIG")
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    text, _, modules = done.stdout.rpartition("\nLOADED=")
    return text, set(json.loads(modules))


@pytest.mark.parametrize("args", [["--help"], ["status", "--help"],
                                  ["status", "--geboortedatum", "2015-09-02", "--peildatum", "2020-10-01"]])
def test_help_and_status_load_no_heavy_library(args: list[str]) -> None:
    text, modules = _loaded(*args)
    modules = _top(modules)
    assert "Usage:" in text or "Status:" in text
    assert not modules & set(HEAVY), f"inbeeld {' '.join(args)} imported {sorted(modules & set(HEAVY))}"


def test_cases_show_loads_only_what_it_uses(tmp_path: Path) -> None:
    """Showing one dossier reads the registers only (#18 item 6): no staging, no data frames, no flows,
    no XML, no password hashing, no migrations (the register is at head), and of SQLAlchemy's
    dialects only the one of the register."""
    data_dir, url = tmp_path / "data", f"sqlite:///{tmp_path / 'registers.sqlite'}"
    by = add_tester(data_dir, url)
    factory = open_registers(url, AuditTrail(load_key(data_dir), actor="tester"))
    with factory() as session:
        row = signal_row(BSNS[0], ReasonCode.ABSOLUUT_VERZUIM, sinds=date(2026, 8, 24))
        sync_cases(session, WEEK1, [row], {})
        session.commit()
    factory.kw["bind"].dispose()
    text, modules = _loaded("--data-dir", str(data_dir), "--db-url", url, *by, "cases", "show", "1")
    assert "Dossier 1 · open · leerplicht" in text and "Volgende actie:   eerste brief versturen" in text
    unused = _top(modules) & {"duckdb", "pandas", "pyarrow", "prefect", "numpy", "lxml", "argon2", "alembic"}
    assert not unused, f"inbeeld cases show imported {sorted(unused)}"
    assert "sqlalchemy.dialects.sqlite" in modules  # the probe sees a dialect: the next line can fail
    assert "sqlalchemy.dialects.postgresql" not in modules, "cases show on SQLite loaded PostgreSQL's dialect"


def test_the_console_script_keeps_the_collector_off_only_while_the_command_loads() -> None:
    """`inbeeld` is cli.run: the garbage collector is off while a command's modules load, then those are
    frozen and it is on again for the command itself, however long that runs (web, serve)."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["inbeeld"] == "cli:run"
    probe = ("import gc, json, sys\nsys.argv = ['inbeeld', *json.loads(sys.argv[1])]\nimport cli\n"
             "try:\n    cli.run()\nexcept SystemExit:\n    pass\n"
             "print('\\nGC=' + json.dumps([gc.isenabled(), gc.get_freeze_count()]))")
    args = ["status", "--geboortedatum", "2015-09-02", "--peildatum", "2020-10-01"]
    env = {name: value for name, value in os.environ.items() if name != "INBEELD_CONFIG"}
    done = subprocess.run([sys.executable, "-c", probe, json.dumps(args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    text, _, state = done.stdout.rpartition("\nGC=")
    enabled, frozen = json.loads(state)
    assert "Status:" in text and enabled and frozen > 0


def test_a_command_that_loads_duckdb_exits_without_a_leak_report(tmp_path: Path) -> None:
    """Frozen objects are not collected at exit; DuckDB's must be, or its binding (nanobind) prints a
    report of 'leaked' instances on stderr after every such command run from the console script."""
    from connectors.staging import Staging

    with Staging(tmp_path / "staging.duckdb"):
        pass
    probe = ("import sys\nsys.argv = ['inbeeld', 'quarantine', 'list']\nimport cli\n"
             "try:\n    cli.run()\nfinally:\n    print('\\nDUCKDB=' + str('duckdb' in sys.modules))")
    env = {name: value for name, value in os.environ.items() if name != "INBEELD_CONFIG"}
    env["INBEELD_DATA_DIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.stdout.endswith("DUCKDB=True\n"), (done.stdout, done.stderr)  # the command really loaded it
    assert "nanobind" not in done.stderr and "leaked" not in done.stderr, done.stderr


def test_the_probe_sees_a_heavy_import() -> None:
    """The guard above can fail: a command that needs DuckDB does load it."""
    _, modules = _loaded("quarantine", "--help")
    assert "duckdb" in _top(modules)


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_listed_help_is_the_commands_own(name: str) -> None:
    command = cli.load_command(name)
    own = " ".join((command.help or "").split())
    listed = cli.COMMANDS[name][1]
    assert own.startswith(listed.rstrip(".")), f"COMMANDS[{name!r}]: {listed!r}; the command: {own[:99]!r}"
    assert command.name == name


def test_every_command_is_listed_in_help() -> None:
    result = click.testing.CliRunner().invoke(cli.main, ["--help"])
    for name in cli.COMMANDS:
        assert f"  {name}  " in result.output
