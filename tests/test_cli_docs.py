"""Every `inbeeld` command has help text and is documented in the README (as sqlite-utils does)."""

import inspect
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _walk(command: click.Command, prefix: str) -> list[tuple[str, click.Command]]:
    found = [(prefix, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):  # the lazy top group imports each module here
            found.extend(_walk(command.get_command(ctx, name), f"{prefix} {name}"))
    return found


COMMANDS = _walk(main, "inbeeld")


@pytest.mark.parametrize("path,command", COMMANDS[1:], ids=[p for p, _ in COMMANDS[1:]])
def test_command_is_documented_in_readme(path: str, command: click.Command) -> None:
    assert f"`{path}" in README, f"{path} is not documented in README.md"


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_help(path: str, command: click.Command) -> None:
    args = path.split()[1:] + ["--help"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert (command.help or "").strip(), f"{path} has no help text"


BY = [(path, option) for path, command in COMMANDS for option in command.params if "--by" in option.opts]


@pytest.mark.parametrize("path,option", BY, ids=[p for p, _ in BY])
def test_every_by_is_the_one_declaration(path: str, option: click.Parameter) -> None:
    """`--by LOGIN` is declared once (inbeeld.acting_user.by_option): each reads the same."""
    assert option.name == "by" and option.metavar == "LOGIN" and option.default is None
    assert option.help.startswith("The named user ")
    ends = "Env: INBEELD_GEBRUIKER." if path == "inbeeld" else "(default: inbeeld --by / INBEELD_GEBRUIKER)."
    assert option.help.endswith(ends), option.help


#: A command module that opens the registers, which it does in the acting user's name (refused without
#: one): what the module's source says when it does.
OPENS_REGISTERS = ("register_session", "registers_of", "open_registers_as")
#: Commands of such a module that act as no user, and why. Keep it short: a command that opens the
#: registers takes its own --by.
ACTS_AS_NO_USER = {
    "inbeeld import brp": "loads staging, which records no user (its module opens the registers for "
                          "`quarantine list`)",
    "inbeeld report vsv": "figures from staging only; the registers are not opened",
}
LEAVES = [(path, command) for path, command in COMMANDS
          if not isinstance(command, click.Group) and command.callback is not None]


def _opens_registers(command: click.Command) -> bool:
    source = inspect.getsource(sys.modules[command.callback.__module__])
    return any(name in source for name in OPENS_REGISTERS)


def _has_by(command: click.Command) -> bool:
    return any(param.name == "by" for param in command.params)


@pytest.mark.parametrize("path,command", LEAVES, ids=[p for p, _ in LEAVES])
def test_a_command_that_opens_the_registers_takes_its_own_by(path: str, command: click.Command) -> None:
    """`inbeeld cases list --by X` works as `inbeeld cases act --by X` does: one rule for every command
    acting as a named user, not only for those that change something."""
    if path in ACTS_AS_NO_USER:
        assert not _has_by(command), f"{path} takes --by: take it out of ACTS_AS_NO_USER"
    elif _opens_registers(command):
        assert _has_by(command), f"{path} opens the registers as a user but has no --by (by_option)"


def test_the_exceptions_are_commands() -> None:
    assert set(ACTS_AS_NO_USER) <= {path for path, _ in LEAVES}


OWN_BY = [path for path, _ in BY if path != "inbeeld"]


@pytest.mark.parametrize("path", OWN_BY)
def test_a_commands_by_is_used(path: str) -> None:
    """A --by that changed nothing would record the reading under another login than the one typed."""
    command = dict(COMMANDS)[path]
    assert "act_as(ctx, by)" in inspect.getsource(command.callback), f"{path}: --by without act_as"
