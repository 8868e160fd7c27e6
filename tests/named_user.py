"""A named user for command-line tests: every register command acts under a login (docs/spec.md §7)."""

from __future__ import annotations

from pathlib import Path

from inbeeld.settings import load_settings
from registers.audit import AuditTrail, load_key
from registers.db import open_registers
from registers.gebruikers import add_user, get_user

TESTER = "tester"
PASSWORD = "correct horse battery"


def add_tester(data_dir: Path | str, db_url: str | None = None, login: str = TESTER,
               rol: str = "beheer") -> list[str]:
    """Make sure `login` exists in the register of `data_dir` / `db_url`; returns `["--by", login]`."""
    settings = load_settings(data_dir=data_dir, db_url=db_url, environ={})
    settings.ensure_data_dir()
    factory = open_registers(settings.register_url, AuditTrail(load_key(settings.data_dir), actor=login))
    try:
        with factory() as session:
            if get_user(session, login) is None:
                add_user(session, login, "Tess Tester", rol, PASSWORD)
                session.commit()
    finally:
        factory.kw["bind"].dispose()
    return ["--by", login]
