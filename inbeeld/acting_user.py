"""The one `--by LOGIN` option (the named user acting) and the one rule for which user a command acts as.

Every action and reading is recorded under a named user (docs/spec.md §7): `inbeeld --by LOGIN` or
INBEELD_GEBRUIKER names it for the whole invocation, a command's own `--by` for that command. Both are
declared here (`by_option`), so the option reads the same everywhere; `act_as` is the rule "the
command's --by, else the global one". Below the command line (layer 0), so `cli.py` and every command
module take it from here and no command module imports another (tests/test_layers.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import click

from inbeeld.settings import Settings, login_key

F = TypeVar("F", bound=Callable[..., Any])


def by_option(who: str, *, everywhere: bool = False) -> Callable[[F], F]:
    """`--by LOGIN` (parameter `by`); `who` finishes "The named user …" in its help ("who sends it").
    `everywhere`: the global `inbeeld --by`, which INBEELD_GEBRUIKER can give instead."""
    help_ = (f"The named user {who}. Env: INBEELD_GEBRUIKER." if everywhere
             else f"The named user {who} (default: inbeeld --by / INBEELD_GEBRUIKER).")
    return click.option("--by", default=None, metavar="LOGIN", help=help_)


def act_as(ctx: click.Context, by: str | None) -> Settings:
    """The command's own `--by` names the acting user for this command, else the global one stays
    (checked when the register opens). Sets `ctx.obj` and returns those settings."""
    if by:
        ctx.obj = replace(ctx.obj, gebruiker=login_key(by))
    return ctx.obj
