"""Import one delivery from the inbox: the readers' dispatch is `connectors.deliveries`; the
vrijstellingen, which also enter their register, are imported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors.deliveries import ImportOutcome


def import_vrijstellingen(session: Any, staging_path: Path, path: Path,
                          gemeenten: tuple[str, ...] = ()) -> ImportOutcome:
    """A vrijstellingen CSV into staging and then the register (which adds the legal checks); the
    register's own import, so the weekly flow and `inbeeld vrijstelling import` are the same."""
    from registers.errors import RefusedDelivery
    from registers.vrijstellingen import import_vrijstellingen_file

    try:
        summary = import_vrijstellingen_file(session, staging_path, path, gemeenten=gemeenten)
    except RefusedDelivery as exc:  # the file is refused, not the run: no retry (pipelines.weekly)
        raise exc.delivery from None
    return ImportOutcome("vrijstellingen", "duplicate" if summary.duplicate else "loaded",
                         summary.new + summary.updated, len(summary.quarantined))
