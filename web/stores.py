"""The staging store (DuckDB) as the pages read it: read-only, on a connection the process keeps
between requests (connectors.staging_readers: an import's writer makes them let go).

DuckDB lets no reader in while an import writes; the page then says so instead of failing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

import duckdb

from connectors.errors import StagingLocked
from connectors.staging import Staging
from web.requests import PaginaFout

if TYPE_CHECKING:
    from web.requests import WebApp


@contextmanager
def staging(web: WebApp) -> Iterator[Staging | None]:
    """The staging store, or None when nothing was imported yet."""
    if not web.settings.staging_path.is_file():
        yield None
        return
    with ExitStack() as stack:
        try:
            store = stack.enter_context(web.readers.open())
        except (duckdb.IOException, StagingLocked):
            raise PaginaFout(503, "Even niet beschikbaar", "De leveringen worden op dit moment ingelezen. "
                             "Probeer het over een paar minuten opnieuw.") from None
        yield store
