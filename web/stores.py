"""The staging store (DuckDB) as the pages read it: read-only, one connection per request.

DuckDB lets no reader in while an import writes; the page then says so instead of failing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from connectors.errors import StagingLocked
from connectors.staging import Staging
from inbeeld.settings import Settings
from web.requests import PaginaFout


@contextmanager
def staging(settings: Settings) -> Iterator[Staging | None]:
    """The staging store, or None when nothing was imported yet."""
    if not settings.staging_path.is_file():
        yield None
        return
    try:
        store = Staging(settings.staging_path, read_only=True).__enter__()
    except (duckdb.IOException, StagingLocked):
        raise PaginaFout(503, "Even niet beschikbaar", "De leveringen worden op dit moment ingelezen. "
                         "Probeer het over een paar minuten opnieuw.") from None
    try:
        yield store
    finally:
        store.__exit__(None, None, None)
