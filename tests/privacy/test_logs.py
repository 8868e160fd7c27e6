"""No BSN, onderwijsnummer or name in any log line at INFO or above (SPEC §6), over the weekly
processing of a generated municipality: imports (also a refused one), verzuimmeldingen into the
register, signals, the case sync, a work list and the retention run.

`pipelines.weekly` is not on main yet: the weekly steps run here as their plain functions and
commands, in the order the flow runs them.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from connectors.staging import Staging
from registers.audit import AuditTrail, load_key
from registers.case_sync import sync_cases
from registers.db import open_registers
from registers.verzuim import register_from_staging
from registers.vrijstellingen import close_reasons
from rules.signals import signals_as_list
from settings import load_settings
from synthetic import generate

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
def test_the_weekly_processing_logs_no_person_at_info(tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "gemeente"
    generate(out, 600, 11, (GEMEENTE,), weeks=2, workers=1)
    numbers, names = _population(out)
    assert len(numbers) > 500 and len(names) > 100

    for name in LOGGERS:
        caplog.set_level(logging.INFO, logger=name)
    data_dir = tmp_path / "data"
    settings = load_settings(data_dir=data_dir, gemeenten=GEMEENTE, environ={})
    cli = ["--data-dir", str(data_dir), "--gemeenten", GEMEENTE]
    runner = CliRunner()

    broken = tmp_path / "brp-G0363-20260906.lo3.csv"  # a persoonslijst twice: refused, and logged
    lines = next(out.glob("2026-09-07/brp/*.lo3.csv")).read_text(encoding="utf-8-sig").splitlines()
    broken.write_text("\n".join([*lines[:3], lines[1]]) + "\n", encoding="utf-8")
    assert runner.invoke(main, [*cli, "import", "brp", str(broken)]).exit_code == 1

    for week in sorted(p for p in out.iterdir() if p.is_dir() and p.name[0].isdigit()):
        peildatum = date.fromisoformat(week.name)
        commands = [["import", "brp", str(next(week.glob("brp/*.lo3.csv")))]]
        commands += [["import", "duo", str(path)] for path in sorted(week.glob("duo/*.csv"))]
        commands += [["import", "verzuim", str(path)] for path in sorted(week.glob("verzuim/*.xml"))]
        commands += [["vrijstelling", "import", str(path)]
                     for path in sorted(week.glob("vrijstellingen/*.csv"))]
        for command in commands:
            result = runner.invoke(main, [*cli, *command])
            assert result.exit_code == 0, (command, result.output)

        factory = open_registers(settings.register_url, AuditTrail(load_key(data_dir)))
        with factory() as session:
            register_from_staging(session, settings.staging_path, today=peildatum)
            with Staging(settings.staging_path, read_only=True) as staging:
                signals = signals_as_list(staging.con, peildatum, settings.gemeenten)
            numbers_now = {s.persoonsnummer for s in signals}
            summary = sync_cases(session, peildatum, [asdict(s) for s in signals],
                                 close_reasons(session, peildatum, numbers_now), gemeenten=settings.gemeenten)
            session.commit()
        factory.kw["bind"].dispose()
        assert summary.opened or summary.unchanged or summary.updated

    worklist = runner.invoke(main, [*cli, "report", "worklist", "--peildatum", "2026-09-14"])
    assert worklist.exit_code == 0, worklist.output
    retention = runner.invoke(main, [*cli, "retention", "run", "--today", "2045-01-01"])
    assert retention.exit_code == 0, retention.output

    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert any("Case sync" in r.getMessage() for r in records)
    assert any("refused" in r.getMessage() for r in records)
    assert any(r.name.startswith("pipelines") or "Retention" in r.getMessage() for r in records)
    leaks = []
    name_pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")\b")
    for record in records:
        text = record.getMessage() + (record.exc_text or "")
        found = {n for n in re.findall(r"\d{9}", text) if n in numbers} | set(name_pattern.findall(text))
        if found:
            leaks.append(f"{record.name} {record.levelname}: {text[:200]} -> {sorted(found)[:5]}")
    assert leaks == [], "\n".join(leaks)
