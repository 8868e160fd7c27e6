"""A tiny flow for the serve test: it only leaves a mark that it ran."""

from __future__ import annotations

from pathlib import Path

from prefect import flow


@flow(name="tiny", persist_result=False)
def tiny(marker: str) -> int:
    path = Path(marker)
    path.write_text(path.read_text() + "ran\n" if path.exists() else "ran\n")
    return 1
