"""Importing a DUO file: the one call the CLI, the tests and the weekly flow use (as `connectors.brp`).

`import_duo` takes an open `Staging` (a flow imports several files under one lock), picks the reader
for the kind (`auto`: by file name and header, `connectors.duo_kinds`) and its change summary. A
DUO file's name says what its content does not — a report's month and area, a levering's area and
date — so a file counts as already loaded only when both its content and its name match
(`same_name`): October's unchanged A04 is not September's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from connectors.duo_enrolments import enrolment_changes, read_c_levering, read_p_levering
from connectors.duo_kinds import describe, detect_kind
from connectors.duo_reports import read_report, report_changes
from connectors.staging import ImportResult, Reader, Staging


def duo_reader(path: Path, kind: str, encoding: str | None = None,
               mapping: Path | None = None) -> tuple[str, Reader, Callable, str]:
    """(staging kind, reader, summarize, label) for a DUO file of `kind` ('auto', 'c', 'p', 'a01' …)."""
    if kind == "auto":
        kind = detect_kind(path, encoding)
    options = {"encoding": encoding, "mapping": mapping}
    if kind == "c":
        return "duo_c", partial(read_c_levering, **options), enrolment_changes, "C-levering"
    if kind == "p":
        return "duo_p", partial(read_p_levering, **options), enrolment_changes, "P-levering"
    return f"duo_{kind}", partial(read_report, kind, **options), report_changes(kind), describe(kind)


def import_duo(staging: Staging, path: str | Path, kind: str = "auto", *, encoding: str | None = None,
               mapping: Path | None = None) -> ImportResult:
    """Load one DUO C-levering, P-levering or monthly report into staging (or refuse it whole)."""
    path = Path(path)
    staging_kind, reader, summarize, _label = duo_reader(path, kind, encoding, mapping)
    return staging.import_file(staging_kind, path, reader, summarize=summarize, same_name=True)
