"""No BSN, onderwijsnummer or name in any log line at INFO or above (docs/spec.md §6), over the weekly
processing of a generated municipality: the weekly flow's steps (`pipelines.weekly`, through `.fn()`:
inbox scan, imports and archiving, verzuimmeldingen into the register, matching and case sync, the
letter run), a refused delivery, `inbeeld signals`, a work list and the daily flow's retention.
Every logger is captured, Prefect's included.
"""

from __future__ import annotations

import csv
import logging
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from pipelines import inbox as inbox_folder
from pipelines.daily import retention
from pipelines.weekly import (
    archive_delivery,
    import_inbox_delivery,
    match_and_sync_cases,
    register_verzuimmeldingen,
    write_letters,
)
from synthetic import generate
from tests.named_user import add_tester
from tests.office import OFFICE_TEXT

GEMEENTE = "0363"
NAME_COLUMNS = ("01.02.10", "01.02.40", "02.02.10", "02.02.40", "03.02.10", "03.02.40")
NUMBER_COLUMNS = ("01.01.20", "02.01.20", "03.01.20")
LOGGERS = ("", "prefect", "connectors", "registers", "rules", "reports", "pipelines", "synthetic", "alembic")


def _population(out: Path) -> tuple[set[str], set[str]]:
    """Every person number and every name part the generated deliveries hold (children and parents)."""
    numbers: set[str] = set()
    names: set[str] = set()
    for path in out.glob("*/brp/*.lo3.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                numbers |= {row[c] for c in NUMBER_COLUMNS if row.get(c)}
                names |= {part for c in NAME_COLUMNS for part in (row.get(c) or "").split() if len(part) > 2}
    for path in out.glob("*/truth/persons-*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                numbers |= {row[c] for c in ("PERSOONSNUMMER", "BSN", "ONDERWIJSNUMMER") if row.get(c)}
    return numbers, names


@pytest.mark.slow
def test_the_weekly_processing_logs_no_person_at_info(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "gemeente"
    generate(out, 600, 11, (GEMEENTE,), weeks=2, workers=1)
    numbers, names = _population(out)
    assert len(numbers) > 500 and len(names) > 100

    for name in LOGGERS:
        caplog.set_level(logging.INFO, logger=name)
    data_dir = tmp_path / "data"
    config = tmp_path / "inbeeld.toml"
    config.write_text(f'gemeenten = ["{GEMEENTE}"]\nletters_pdf = false\n\n{OFFICE_TEXT}', encoding="utf-8")
    monkeypatch.setenv("INBEELD_CONFIG", str(config))
    cli = ["--data-dir", str(data_dir), *add_tester(data_dir)]
    runner = CliRunner()

    broken = tmp_path / "brp-G0363-20260906.lo3.csv"  # a persoonslijst twice: refused, and logged
    lines = next(out.glob("2026-09-07/brp/*.lo3.csv")).read_text(encoding="utf-8-sig").splitlines()
    broken.write_text("\n".join([*lines[:3], lines[1]]) + "\n", encoding="utf-8")
    assert runner.invoke(main, [*cli, "import", "brp", str(broken)]).exit_code == 1

    inbox, archive = data_dir / "inbox", data_dir / "archive"
    for week in sorted(p for p in out.iterdir() if p.is_dir() and p.name[0].isdigit()):
        day = date.fromisoformat(week.name)
        for path in [next(week.glob("brp/*.lo3.csv")), *week.glob("duo/*.csv"), *week.glob("verzuim/*.xml"),
                     *week.glob("vrijstellingen/*.csv")]:
            (inbox / path.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, inbox / path.parent.name / path.name)
        scan = inbox_folder.scan(inbox)
        assert scan.deliveries and not scan.unrecognised
        for delivery in scan.deliveries:  # the weekly flow's steps, in its order
            import_inbox_delivery.fn(str(delivery.path), delivery.kind, str(data_dir), None)
            archive_delivery.fn(str(delivery.path), str(inbox), str(archive), day)
        register_verzuimmeldingen.fn(str(data_dir), None, day)
        counts = match_and_sync_cases.fn(str(data_dir), None, day)
        assert counts["cases_opened"] or counts["cases_updated"]
        assert write_letters.fn(str(data_dir), None, day)["letters"] > 0 or day.day != 7

    signals = runner.invoke(main, [*cli, "signals", "--peildatum", "2026-09-14"])
    assert signals.exit_code == 0, signals.output
    worklist = runner.invoke(main, [*cli, "report", "worklist", "--peildatum", "2026-09-14"])
    assert worklist.exit_code == 0, worklist.output
    assert retention.fn(str(data_dir), None, date(2045, 1, 1))["retention_records"] > 0

    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert any("Case sync" in r.getMessage() for r in records)
    assert any("refused" in r.getMessage() for r in records)
    assert any("Retention" in r.getMessage() for r in records)
    leaks = []
    name_pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")\b")
    for record in records:
        text = record.getMessage() + (record.exc_text or "")
        found = {n for n in re.findall(r"\d{9}", text) if n in numbers} | set(name_pattern.findall(text))
        if found:
            leaks.append(f"{record.name} {record.levelname}: {text[:200]} -> {sorted(found)[:5]}")
    assert leaks == [], "\n".join(leaks)
