"""The retention run: destroy what has passed its term in the registers and in staging, keep the
counts, trim the audit trail, and write a purge report (docs/spec.md §6, §7 `inbeeld retention run`).

`run_retention(settings, today)` is the plain function the daily flow calls (and the command line):

1. staging is opened as the writer (a running import makes the run wait for the next day:
   `StagingLocked`), and what it knows of the registers' persons is kept in `personen`;
2. the registers, in one transaction: every record's destruction date, the purge
   (`registers.retention.purge_registers`, with the Leerplichttelling counts of
   `reports.retention_figures`), then the audit trail's own term (`purge_audit`); a dry run rolls
   the transaction back;
3. staging, in one DuckDB transaction: the deliveries past `bewaartermijn_staging`;
4. the purge report, `retention/retention-<today>[-proef].json` and `.csv` in the data directory:
   counts per record type and per delivery kind, never a name or a number of a person.

It lives in `pipelines/` because it spans the stores and the report layer; each step is a plain
function of its own package, tested there.
"""

from __future__ import annotations

import json
import logging
import re
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from connectors.output_names import UnsafeOutputName, inside, unused
from connectors.person_facts import person_facts
from connectors.staging import Staging
from connectors.staging_retention import PurgedDelivery, purge_deliveries
from inbeeld.settings import Settings
from letters.run import PRINT_FILE
from pipelines.run_settings import run_catalog
from registers import bijlagen
from registers.audit import AuditTrail, load_key
from registers.db import open_registers
from registers.personen import RefreshSummary, record_numbers, refresh_personen
from registers.retention import RECORD_TYPES, RegisterPurge, held_persons, purge_audit, purge_registers
from reports.retention_figures import telling_counts
from reports.spreadsheet import Column, Table, write_csv
from rules.bewaartermijnen import staging_grens
from rules.parameters import Parameters

log = logging.getLogger(__name__)

REPORT_FOLDER = "retention"


@dataclass
class RetentionReport:
    """What one run did (or, in a dry run, would do): counts only, safe to log and to keep."""

    today: date
    dry_run: bool
    registers: RegisterPurge
    personen: RefreshSummary
    audit_rows: int
    staging: list[PurgedDelivery] = field(default_factory=list)
    removed_files: FilePurge = field(default_factory=lambda: FilePurge())
    files: list[Path] = field(default_factory=list)

    def staging_per_kind(self) -> dict[str, dict[str, int]]:
        per_kind: dict[str, dict[str, int]] = {}
        for delivery in self.staging:
            entry = per_kind.setdefault(delivery.kind, {"leveringen": 0, "rijen": 0})
            entry["leveringen"] += 1
            entry["rijen"] += delivery.rows
        return per_kind

    def as_dict(self) -> dict[str, Any]:
        return {
            "datum": self.today.isoformat(),
            "proef": self.dry_run,
            "registers": {
                "vernietigd": self.registers.purged,
                "personen_met_vernietigde_gegevens": self.registers.persons,
                "bewaard_juridische_bewaarplicht": self.registers.kept_legal_hold,
                "bewaard_nog_in_behandeling": self.registers.kept_in_progress,
                "zonder_vernietigingsdatum": self.registers.without_date,
                "telling_regels_bewaard": self.registers.aggregate_lines,
            },
            "personen": asdict(self.personen),
            "audit_rijen_verwijderd": self.audit_rows,
            "staging": self.staging_per_kind(),
            "bestanden": asdict(self.removed_files),
        }

    def table(self) -> Table:
        rows = [{"soort": "register", "onderdeel": name, "aantal": self.registers.purged.get(name, 0)}
                for name in RECORD_TYPES]
        rows += [{"soort": "bewaard (legal hold)", "onderdeel": k, "aantal": v}
                 for k, v in self.registers.kept_legal_hold.items()]
        rows += [{"soort": "bewaard (in behandeling)", "onderdeel": k, "aantal": v}
                 for k, v in self.registers.kept_in_progress.items()]
        rows += [{"soort": "zonder datum (geboortedatum onbekend)", "onderdeel": k, "aantal": v}
                 for k, v in self.registers.without_date.items()]
        rows += [{"soort": "audit", "onderdeel": "audit_log", "aantal": self.audit_rows}]
        rows += [{"soort": "bestanden", "onderdeel": name, "aantal": count}
                 for name, count in asdict(self.removed_files).items()]
        rows += [{"soort": "staging", "onderdeel": f"{kind} ({entry['leveringen']} leveringen)",
                  "aantal": entry["rijen"]} for kind, entry in sorted(self.staging_per_kind().items())]
        return Table(f"Vernietiging {self.today.isoformat()}",
                     [Column("soort", "Soort"), Column("onderdeel", "Onderdeel"),
                      Column("aantal", "Aantal", "int")],
                     rows, notes=("Aantallen; geen namen of nummers van personen.",))


RUN_FOLDER = re.compile(r"(\d{6})-\d+(?:\.afgebroken)?")  # letters/run.py: yymmdd-N


@dataclass
class FilePurge:
    """Files removed (or, in a dry run, that would be): counts only."""

    letter_files: int = 0
    print_files: int = 0
    archive_files: int = 0
    attachment_files: int = 0


def _remove(path: Path, dry_run: bool) -> int:
    if not path.is_file() and not path.is_symlink():
        return 0
    if not dry_run:
        path.unlink()
    return 1


def _prune(folder: Path) -> None:
    """Remove folders left empty, bottom up (never `folder` itself)."""
    folders = sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True)
    for path in folders:
        if not any(path.iterdir()):
            path.rmdir()


def purge_files(letters: Path, archive: Path, letter_files: list[tuple[str, str]], before: date, *,
                dry_run: bool = False) -> FilePurge:
    """The files that hold what the registers and staging no longer may:

    - the .docx (and .pdf) of every destroyed letter, in its run folder;
    - the merged print files (`drukwerk*`) of letter runs dated before `before`: copies for the
      printer only, holding letters of many persons, so they go with the staging period;
    - the delivery files the weekly flow archived (`archive/<jjjj-mm-dd>/…`) before `before`: the
      raw deliveries, whose staged rows went at the same age.
    """
    result = FilePurge()
    for run, name in letter_files:
        try:
            docx = inside(inside(letters, run), name)
        except UnsafeOutputName:
            log.warning("Waarschuwing: een regel van het brievenlog noemt geen gewoon bestand; blijft staan "
                        "voor beheer")
            continue
        result.letter_files += _remove(docx, dry_run) + _remove(docx.with_suffix(".pdf"), dry_run)
    for folder in (p for p in letters.iterdir() if p.is_dir()) if letters.is_dir() else ():
        match = RUN_FOLDER.fullmatch(folder.name)
        if match and date(2000 + int(match[1][:2]), int(match[1][2:4]), int(match[1][4:])) < before:
            result.print_files += sum(_remove(path, dry_run) for path in sorted(folder.glob(f"{PRINT_FILE}*"))
                                      if path.suffix in {".docx", ".pdf"})
    for folder in (p for p in archive.iterdir() if p.is_dir()) if archive.is_dir() else ():
        try:
            day = date.fromisoformat(folder.name)
        except ValueError:
            continue
        if day < before:
            result.archive_files += sum(_remove(path, dry_run) for path in sorted(folder.rglob("*")))
    if not dry_run:
        for folder in (letters, archive):
            if folder.is_dir():
                _prune(folder)
    return result


def write_report(folder: Path, report: RetentionReport) -> list[Path]:
    """The purge report as JSON and CSV, under names that never overwrite an earlier run's."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"retention-{report.today.isoformat()}" + ("-proef" if report.dry_run else "")
    json_path = unused(folder, stem, ".json")
    json_path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    csv_path = write_csv(json_path.with_suffix(".csv"), report.table())
    return [json_path, csv_path]


def run_retention(settings: Settings, today: date, *, dry_run: bool = False,
                  parameters: Parameters | None = None, audit: AuditTrail | None = None) -> RetentionReport:
    """One retention run on `today` (see the module docstring). Raises StagingLocked while an import
    writes to staging: nothing has changed then."""
    settings.ensure_data_dir()
    catalog = run_catalog(settings)
    audit = audit or AuditTrail(load_key(settings.data_dir))
    factory = open_registers(catalog.register_url, audit)
    try:
        with ExitStack() as stack:
            staging = (stack.enter_context(Staging(catalog.staging, gemeenten=settings.gemeenten))
                       if catalog.staging.is_file() else None)
            with factory() as session:
                numbers = session.scalars(record_numbers(session)).all()
                facts = person_facts(staging.con, numbers) if staging is not None else {}
                personen = refresh_personen(session, facts, today)
                registers = purge_registers(session, today, aggregators=[telling_counts],
                                            parameters=parameters)
                audit_rows = purge_audit(session, today, keep=held_persons(session), parameters=parameters)
                unnamed = bijlagen.unused_files(session, settings.data_dir)  # after the purge's deletes
                if dry_run:
                    session.rollback()
                else:
                    session.commit()
            before = staging_grens(today, parameters)
            purged = purge_deliveries(staging, before, today, dry_run=dry_run) if staging is not None else []
    finally:
        factory.kw["bind"].dispose()
    files = purge_files(catalog.letters, catalog.archive, registers.letter_files, before, dry_run=dry_run)
    files.attachment_files = sum(_remove(path, dry_run) for path in unnamed)
    report = RetentionReport(today, dry_run, registers, personen, audit_rows, purged, files)
    report.files = write_report(settings.data_dir / REPORT_FOLDER, report)
    log.info("Retention %s%s: registers %s; staging %d deliveries; audit rows %d", today.isoformat(),
             " (dry run)" if dry_run else "", sum(registers.purged.values()), len(purged), audit_rows)
    return report
