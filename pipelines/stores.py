"""Opening the two stores for a flow step: the registers (audited session) and staging (read-only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from inbeeld.settings import Settings
from pipelines.run_settings import run_catalog


def register_sessions(settings: Settings) -> Any:
    """The register's session factory, migrated to the newest schema, reads of personal data audited
    in the name of `systeem`: the flows run on schedule, not for a person."""
    from registers.audit import SYSTEEM
    from registers.db import registers_of

    return registers_of(settings, as_user=SYSTEEM)


@contextmanager
def registers(settings: Settings) -> Iterator[Any]:
    """One register session (see `register_sessions`)."""
    with register_sessions(settings)() as session:
        yield session


@contextmanager
def staging_read_only(settings: Settings) -> Iterator[Any]:
    """The staging DuckDB connection, read-only; None before the first import."""
    from connectors.staging import Staging

    path = run_catalog(settings).staging
    if not path.is_file():
        yield None
        return
    with Staging(path, read_only=True) as staging:
        yield staging.con


#: What a flow computes from staging for its peildatum, as the stale-delivery warning names it.
COMPUTES = {"weekly": "de signalen, dossiers en brieven", "monthly": "de werklijsten en VSV-cijfers"}


def stale_deliveries(settings: Settings, day: Any, *, strict: bool = False, what: str = "de cijfers"
                     ) -> str | None:
    """The warning when a staged BRP or DUO delivery is more than [freshness] max_days older than `day`
    (connectors.freshness.stale_warning); `strict` raises StaleDeliveries instead. None: fresh."""
    from connectors.freshness import stale_warning

    with staging_read_only(settings) as con:
        return stale_warning(con, day, settings.freshness.max_days, strict=strict, what=what)
