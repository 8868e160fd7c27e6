"""The register session every register command opens: one transaction in the settings' user's name,
a refusal as a clear message and exit status 1. Shared by the command modules of registers/ (which
import no other command module, tests/test_layers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from registers.db import register_session as db_session
from registers.errors import Refused
from registers.meldingen import nederlands


@contextmanager
def register_session(ctx: click.Context, *, write: bool = True) -> Iterator[Session]:
    """One transaction on the settings' register database, in the name of the settings' user (refused
    without one: every change and every reading is recorded under a login); a refusal rolls back and
    exits with 1. A writing command waits for the register's writer lock (registers.db.writer_connection).
    """
    try:
        with db_session(ctx.obj, write=write) as session:
            yield session
    except (Refused, ValueError) as exc:
        raise click.ClickException(nederlands(exc)) from None
