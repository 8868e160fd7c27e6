"""Every `inbeeld` command has help text and is documented in the README (as sqlite-utils does)."""

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
