"""Import one delivery from the inbox into staging, with the reader its kind and format call for.

The readers live in `connectors/`; this module only chooses one per file and hands it to
`connectors.staging.Staging.import_file` with the shrink guard (BRP) and the change summary, so an
inbox import is the same import as `inbeeld import …`: one transaction, a content-hash no-op for a
file seen before, a refused file leaving staging as it was.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from connectors.errors import RefusedFile


class ReaderNotAvailable(RefusedFile):
    """No reader for this kind or format is installed (the file stays in the inbox)."""


@dataclass(frozen=True)
class ImportPlan:
    """How one file is imported: the staging kind, the reader and the hooks."""

    staging_kind: str
    reader: Callable[..., Any]
    population: Callable[..., int] | None = None
    summarize: Callable[..., dict] | None = None


@dataclass(frozen=True)
class ImportOutcome:
    """Counts only (an import id is a number of ours, not personal data)."""

    staging_kind: str
    status: str  # "loaded" | "duplicate"
    rows_loaded: int
    rows_quarantined: int

    def as_counts(self) -> dict[str, int]:
        loaded = self.status == "loaded"
        return {
            "files_imported": int(loaded),
            "files_already_imported": int(not loaded),
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
        }


# BRP format by file name suffix -> (module, reader function)
BRP_READERS = {
    ".lo3.csv": ("connectors.brp_lo3csv", "read_lo3csv"),
    ".haalcentraal.json": ("connectors.brp_haalcentraal", "read_haalcentraal"),
    ".stufbg.xml": ("connectors.brp_stufbg", "read_stufbg"),
}
# Inbox kinds whose readers live in one module each -> (staging kind, module, reader function)
SIMPLE_READERS = {
    "verzuim": ("verzuim", "connectors.verzuim", "read_verzuimmeldingen"),
    "vrijstellingen": ("vrijstellingen", "connectors.vrijstellingen", "read_vrijstellingen"),
}


def _load(module: str, function: str, path: Path, what: str) -> Callable[..., Any]:
    try:
        return getattr(importlib.import_module(module), function)
    except (ModuleNotFoundError, AttributeError):
        reason = f"no reader for {what} is installed ({module}.{function})"
        raise ReaderNotAvailable(path, None, None, reason) from None


def plan(path: Path, kind: str, gemeenten: tuple[str, ...]) -> ImportPlan:
    """The import plan of a file of inbox kind `kind` (see `pipelines.inbox.KINDS`)."""
    name = path.name.lower()
    if kind == "brp":
        suffix = next((s for s in BRP_READERS if name.endswith(s)), None)
        if suffix is None:
            raise ReaderNotAvailable(path, None, None, "unknown BRP format")
        reader = _load(*BRP_READERS[suffix], path, f"BRP {suffix}")
        from connectors.brp_schema import change_summary, count_residents

        return ImportPlan("brp", reader, population=count_residents, summarize=change_summary(gemeenten))
    if kind in ("duo_c", "duo_p"):
        from connectors.duo_enrolments import enrolment_changes, read_c_levering, read_p_levering

        reader = read_c_levering if kind == "duo_c" else read_p_levering
        return ImportPlan(kind, reader, summarize=enrolment_changes)
    if kind == "duo_report":
        from connectors.duo_reports import parse_report_name, read_report, report_changes

        report = parse_report_name(path)
        if report is None:
            raise ReaderNotAvailable(path, None, None, "not a DUO report file name")
        return ImportPlan(f"duo_{report.report}", partial(read_report, report.report),
                          summarize=report_changes(report.report))
    if kind in SIMPLE_READERS:
        staging_kind, module, function = SIMPLE_READERS[kind]
        return ImportPlan(staging_kind, _load(module, function, path, kind))
    raise ReaderNotAvailable(path, None, None, f"unknown delivery kind {kind!r}")


def import_delivery(staging_path: Path, path: Path, kind: str, gemeenten: tuple[str, ...] = (),
                    force: bool = False) -> ImportOutcome:
    """Import `path` into the staging file; refused files raise `RefusedFile` and change nothing."""
    from connectors.staging import Staging

    chosen = plan(path, kind, gemeenten)
    with Staging(staging_path, gemeenten=gemeenten) as staging:
        result = staging.import_file(chosen.staging_kind, path, chosen.reader, force=force,
                                     population=chosen.population, summarize=chosen.summarize)
    return ImportOutcome(chosen.staging_kind, result.status, result.rows_loaded, result.rows_quarantined)
