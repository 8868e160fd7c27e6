"""Benchmark: the weekly case sync with N new signals (default 20,000), on PostgreSQL or SQLite.

    python bench/bench_case_sync.py [--url URL] [--cases N]

Without --url it uses INBEELD_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test)
in a scratch schema that is dropped afterwards. Prints the time of four syncs: N new cases (the
target: ≤ 10 s on PostgreSQL), the same week again (no change), the next week (all updated) and a
week in which every signal is gone (all closed), each including its commit. Every signal is an
ABSOLUUT_VERZUIM older than 4 weeks, so each sync also keeps N thuiszitter entries in step.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from connectors.persoonsnummer import is_bsn  # noqa: E402
from registers.audit import AuditTrail  # noqa: E402
from registers.case_sync import sync_cases  # noqa: E402
from registers.codes import CloseReason, ReasonCode  # noqa: E402
from registers.db import make_engine, session_factory, upgrade  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def bsns(count: int) -> list[str]:
    found, candidate = [], 100_000_000
    while len(found) < count:
        if is_bsn(f"{candidate:09d}"):
            found.append(f"{candidate:09d}")
        candidate += 1
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="register database URL (default: a scratch PG schema)")
    parser.add_argument("--cases", type=int, default=20_000)
    args = parser.parse_args()

    schema = None
    url = args.url
    if url is None:
        base = make_url(os.environ.get("INBEELD_TEST_PG_URL", DEFAULT_PG))
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    try:
        upgrade(url)
        engine = make_engine(url)
        factory = session_factory(engine, AuditTrail(b"benchmark-audit-key-000000", actor="bench"))
        numbers = bsns(args.cases)
        week1, week2, week3 = date(2026, 9, 7), date(2026, 9, 14), date(2026, 9, 21)

        def rows(peildatum: date) -> list[dict]:
            return [{"persoonsnummer": pn, "gemeentecode": "0363", "signal": ReasonCode.ABSOLUUT_VERZUIM,
                     "sinds": week1 - timedelta(days=40), "peildatum": peildatum} for pn in numbers]

        print(f"{make_url(url).get_backend_name()}, {args.cases:,} signals")
        for label, peildatum, signals, gone in (
            ("new cases", week1, rows(week1), {}),
            ("same week again", week1, rows(week1), {}),
            ("next week", week2, rows(week2), {}),
            ("all signals gone", week3, [], dict.fromkeys(numbers, CloseReason.INSCHRIJVING_GEVONDEN)),
        ):
            with factory() as session:
                started = time.perf_counter()
                summary = sync_cases(session, peildatum, signals, gone)
                session.commit()
                elapsed = time.perf_counter() - started
            print(f"  {label:18s} {elapsed:6.2f} s  opened={summary.opened} updated={summary.updated} "
                  f"closed={summary.closed} unchanged={summary.unchanged}")
        engine.dispose()
    finally:
        if schema is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
