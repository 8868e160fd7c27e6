"""Every list command heads its table and CSV in Dutch words and shows yes/no and a dossier's state in
Dutch (ja/nee, open/gesloten); JSON keeps the keys and the machine values (issue 14 item 9).

Run through the command line on a real SQLite register (and a small BRP delivery for `signals`):
what a user reads, not what the code means to print.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from cli import main
from inbeeld.output import FORMATS, KOPPEN
from registers.audit import AuditTrail, load_key
from registers.case_sync import sync_cases
from registers.codes import ReasonCode
from registers.db import open_registers
from tests.connectors.brp_helpers import lo3_file, valid_bsns
from tests.named_user import add_tester
from tests.registers.factories import BSNS, WEEK1, signal_row

DUO = Path(__file__).resolve().parent / "connectors" / "fixtures" / "duo"
#: Every list command (a `--format table|csv|json`) with the arguments it needs here.
LIST_COMMANDS: dict[str, list[str]] = {
    "cases list": [], "vrijstelling list": [], "verzuim list": [], "agenda list": [],
    "agenda free": ["tester"], "gebruiker list": [], "letters list": [], "quarantine list": [],
    "audit list": ["--persoon", BSNS[0]], "zoek": ["Jansen"], "signals": ["--peildatum", "2026-09-07"],
}


def _list_commands(command: click.Command, path: str) -> set[str]:
    """The paths of the commands that take `--format table|csv|json` (the lazy group imports each)."""
    found = set()
    if any(isinstance(p, click.Option) and "--format" in p.opts and isinstance(p.type, click.Choice)
           and tuple(p.type.choices) == FORMATS for p in command.params):
        found.add(path)
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            found |= _list_commands(command.get_command(ctx, name), f"{path} {name}".strip())
    return found


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register with one closed dossier, and staging with a small BRP delivery and a C-levering."""
    root = tmp_path_factory.mktemp("koppen")
    data = root / "data"
    add_tester(data)
    for delivery in (["brp", str(lo3_file(root / "brp.lo3.csv", valid_bsns(2)))],  # born 2012, not enrolled
                     ["duo", str(DUO / "duo-C-G0363-20260907.csv")]):
        imported = CliRunner().invoke(main, ["--data-dir", str(data), "import", *delivery])
        assert imported.exit_code == 0, imported.output
    factory = open_registers(f"sqlite:///{data / 'registers.sqlite'}",
                             AuditTrail(load_key(data), actor="tester"))
    with factory() as session:
        signal = signal_row(BSNS[0], ReasonCode.ABSOLUUT_VERZUIM, sinds=date(2026, 8, 24))
        sync_cases(session, WEEK1, [signal], {})
        session.commit()
        dossier = session.scalar(text("SELECT id FROM dossiers"))
    factory.kw["bind"].dispose()
    closed = _run(data, "cases", "act", str(dossier), "close", "--reason", "verhuisd", "--date", "2026-09-10")
    assert closed.exit_code == 0, closed.output
    return data


def _run(data: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--data-dir", str(data), "--gemeenten", "0363", "--by", "tester", *args])


def _csv(result: Result) -> list[list[str]]:
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout, newline=""), delimiter=";"))


def test_every_list_command_is_checked_here() -> None:
    assert _list_commands(main, "") == set(LIST_COMMANDS)


@pytest.mark.parametrize("command", sorted(LIST_COMMANDS))
def test_every_header_of_a_list_command_is_a_dutch_label(command: str, data_dir: Path) -> None:
    header = _csv(_run(data_dir, *command.split(), *LIST_COMMANDS[command], "--format", "csv"))[0]
    table = _run(data_dir, *command.split(), *LIST_COMMANDS[command]).stdout
    labels = set(KOPPEN.values())
    assert [h for h in header if h not in labels] == [], f"{command}: a column without a label in KOPPEN"
    assert not [h for h in header if "_" in h], header
    if not table.startswith(("Geen ", "Let op")):  # an empty table says so instead of its header
        assert table.splitlines()[0].startswith(header[0])


def test_labels_are_words_not_keys() -> None:
    assert all("_" not in label and label.strip() == label for label in KOPPEN.values())


def test_a_closed_dossier_reads_gesloten_and_nee_while_json_keeps_the_codes(data_dir: Path) -> None:
    rows = _csv(_run(data_dir, "cases", "list", "--format", "csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["status"], row["thuiszitter"], row["reden van sluiten"]) == (
        "gesloten", "nee", "verhuisd naar een andere gemeente")
    table = _run(data_dir, "cases", "list").stdout
    assert "gesloten" in table and "closed" not in table and "False" not in table
    record = json.loads(_run(data_dir, "cases", "list", "--format", "json").stdout)[0]
    assert (record["status"], record["thuiszitter"], record["close_reason"]) == ("closed", False, "verhuisd")


def test_yes_and_no_read_ja_and_nee(data_dir: Path) -> None:
    users = _csv(_run(data_dir, "gebruiker", "list", "--format", "csv"))
    assert dict(zip(users[0], users[1], strict=True))["actief"] == "ja"
    signals = _csv(_run(data_dir, "signals", "--peildatum", "2026-09-07", "--format", "csv"))
    assert len(signals) > 1
    for row in signals[1:]:
        shown = dict(zip(signals[0], row, strict=True))
        assert shown["adres in onderzoek"] in {"ja", "nee"} and shown["geheimhouding"] in {"ja", "nee"}
    record = json.loads(_run(data_dir, "signals", "--peildatum", "2026-09-07", "--format", "json").stdout)[0]
    assert isinstance(record["adres_in_onderzoek"], bool)
