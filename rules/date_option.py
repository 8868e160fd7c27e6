"""The one date option type of every `inbeeld` command (`DATUM`), in its own module so that every
command module takes it from here and no command module imports another (tests/test_layers.py)."""

from __future__ import annotations

from datetime import date

import click

from rules.dates import parse_date


class Datum(click.ParamType):
    """A date on the command line: `jjjj-mm-dd`, `dd-mm-jjjj` or `jjjjmmdd` (rules.dates.parse_date).

    The one date option type of every `inbeeld` command."""

    name = "datum"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATUM = Datum()
