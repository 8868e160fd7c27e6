"""Which reader takes which delivery: one file of a known kind into staging.

This module only chooses a reader per file and hands it to `connectors.staging.Staging.import_file`
with the shrink guard (BRP) and the change summary, so an inbox import of the weekly flow is the
same import as `inbeeld import …`: one transaction, a content-hash no-op for a file seen before, a
refused file leaving staging as it was. (Vrijstellingen also enter their register:
`pipelines.imports.import_vrijstellingen`.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from connectors.errors import RefusedFile


class ReaderNotAvailable(RefusedFile):
    """No reader for this kind of file (the file stays in the inbox)."""


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


def plan(path: Path, kind: str) -> ImportPlan:
    """The import plan of a file of inbox kind `kind` (see `pipelines.inbox.KINDS`), BRP excepted."""
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
    if kind == "verzuim":
        from connectors.verzuim_xml import KIND, read_verzuim, verzuim_changes

        return ImportPlan(KIND, read_verzuim, summarize=verzuim_changes)
    raise ReaderNotAvailable(path, None, None, f"unknown delivery kind {kind!r}")


def import_delivery(staging_path: Path, path: Path, kind: str, gemeenten: tuple[str, ...] = (),
                    force: bool = False) -> ImportOutcome:
    """Import `path` into the staging file; refused files raise `RefusedFile` and change nothing.

    Vrijstellingen go through `import_vrijstellingen` (they also enter the register)."""
    from connectors.brp import import_brp
    from connectors.staging import Staging

    chosen = None if kind == "brp" else plan(path, kind)
    with Staging(staging_path, gemeenten=gemeenten) as staging:
        if chosen is None:  # the BRP's own import: format detection and the shrink guard
            result = import_brp(staging, path, force=force)
        else:
            result = staging.import_file(chosen.staging_kind, path, chosen.reader, force=force,
                                         population=chosen.population, summarize=chosen.summarize)
    return ImportOutcome(result.kind, result.status, result.rows_loaded, result.rows_quarantined)
