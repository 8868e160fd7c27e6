"""Benchmark: PostgreSQL's row-level security as an LPA meets it, at a given revision.

    python bench/bench_policies.py --db-url postgresql+psycopg://…/EMPTY_DB [--revision 0014]
                                   [--dossiers 20000] [--other 5000]

Fills an empty database once (plain SQL, so in seconds): --dossiers persons of gemeente 0363 and
--other of 0599, each in `personen` with an open dossier and its case, two steps per case, and a
verzuimmelding for every fourth, an appointment for every tenth, a vrijstelling for every twentieth
person. The database's own login is given gemeente 0363 (`gemeente_toegang`). Then migrates to
--revision (up or down) and times, under `SET ROLE inbeeld_lpa`, with EXPLAIN ANALYZE (median of 5):
the open dossiers, one dossier, one dossier's steps, the verzuimmeldingen, 500 dossiers' steps (one
of the chunks the work lists read), and the register part of the work lists
(registers.dossiers.open_dossiers, wall time, median of 3).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Connection  # noqa: E402

GEMEENTE, OTHER = "0363", "0599"


def fill(connection: Connection, dossiers: int, other: int) -> None:
    """Persons 1..dossiers of GEMEENTE, then `other` of OTHER; every record of theirs (see above)."""
    total = dossiers + other
    person = "'9' || lpad(i::text, 8, '0')"
    gemeente = f"CASE WHEN i <= {dossiers} THEN '{GEMEENTE}' ELSE '{OTHER}' END"
    series = f"FROM generate_series(1, {total}) AS i"
    for statement in (
        f"INSERT INTO personen (persoonsnummer, gemeentecode, bijgewerkt_op) SELECT {person}, {gemeente}, "
        f"DATE '2026-09-07' {series}",
        f"INSERT INTO dossiers (id, persoonsnummer, gemeentecode, status, team, thuiszitter, opened_on, "
        f"legal_hold) SELECT i, {person}, {gemeente}, 'open', 'lpa', false, DATE '2026-06-01', false {series}",
        f"INSERT INTO cases (id, persoonsnummer, gemeentecode, signal, status, opened_on, last_seen, dossier_id) "
        f"SELECT i, {person}, {gemeente}, 'ABSOLUUT_VERZUIM', 'open', DATE '2026-06-01', DATE '2026-09-07', i "
        f"{series}",
        f"INSERT INTO case_actions (case_id, action, on_date, by, recorded_at) SELECT i, a, DATE '2026-06-01', "
        f"'systeem', TIMESTAMP '2026-06-01 08:00' {series}, unnest(ARRAY['geopend', 'brief_verstuurd']) AS a",
        f"INSERT INTO verzuimmeldingen (meldingsnummer, brin, persoonsnummer, soort, begindatum, status, "
        f"status_datum) SELECT 'M' || i, '00AA', {person}, 'LRV', DATE '2026-09-01', 'geregistreerd', "
        f"DATE '2026-09-01' {series} WHERE i % 4 = 0",
        f"INSERT INTO afspraken (medewerker, start, einde, locatie, status, persoonsnummer, by, recorded_at) "
        f"SELECT 'lpa' || i, TIMESTAMP '2026-09-08 09:00', TIMESTAMP '2026-09-08 09:30', 'Stadhuis', "
        f"'gepland', {person}, 'lpa', TIMESTAMP '2026-09-07 08:00' {series} WHERE i % 10 = 0",
        f"INSERT INTO vrijstellingen (persoonsnummer, grond, begindatum, nooit_geschikt) "
        f"SELECT {person}, 'LPW_5_C', DATE '2026-01-01', false {series} WHERE i % 20 = 0",
        "SELECT setval(pg_get_serial_sequence('dossiers', 'id'), (SELECT max(id) FROM dossiers))",
        "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))",
        f"INSERT INTO gemeente_toegang (login, gemeentecode) VALUES (session_user, '{GEMEENTE}') "
        "ON CONFLICT DO NOTHING",
    ):
        connection.execute(text(statement))
    connection.execute(text("ANALYZE"))


QUERIES = {
    "open dossiers": "SELECT id, persoonsnummer FROM dossiers WHERE status = 'open'",
    "one dossier": "SELECT * FROM dossiers WHERE id = 17",
    "one dossier's steps": "SELECT * FROM case_actions WHERE case_id IN (SELECT id FROM cases WHERE dossier_id = 17)",
    "verzuimmeldingen": "SELECT id, persoonsnummer FROM verzuimmeldingen",
    # one of the ~40 chunks in which open_dossiers reads the steps
    "500 dossiers' steps": "SELECT c.dossier_id, a.on_date, a.id, a.action FROM case_actions a "
                           "JOIN cases c ON c.id = a.case_id WHERE c.dossier_id IN ("
                           + ", ".join(str(i) for i in range(1001, 1501)) + ")",
}


def _as_lpa(connection: Connection) -> None:
    connection.execute(text("SET LOCAL ROLE inbeeld_lpa"))


def measure(url: str) -> dict[str, float]:
    """Milliseconds per query (EXPLAIN ANALYZE's planning + execution time, median of 5) and for the
    lists (median of 3)."""
    from registers.db import make_engine
    from registers.dossiers import open_dossiers

    engine = make_engine(url)
    figures: dict[str, float] = {}
    try:
        for name, query in QUERIES.items():
            times = []
            for _ in range(5):
                with engine.begin() as connection:
                    _as_lpa(connection)
                    plan = connection.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}")).scalar_one()
                    times.append(plan[0]["Planning Time"] + plan[0]["Execution Time"])
            figures[name] = statistics.median(times)
        from sqlalchemy.orm import Session

        times = []
        for _ in range(3):
            with Session(engine) as session:
                _as_lpa(session.connection())
                started = time.perf_counter()
                rows = open_dossiers(session)
                times.append((time.perf_counter() - started) * 1000)
                session.rollback()
        figures[f"open_dossiers ({len(rows)} rows)"] = statistics.median(times)
    finally:
        engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-url", required=True, help="an empty PostgreSQL database (filled once)")
    parser.add_argument("--revision", default="head")
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--other", type=int, default=5_000)
    args = parser.parse_args()
    from alembic import command

    from registers.db import _alembic_config, current_revision, head_revision, make_engine, upgrade

    engine = make_engine(args.db_url)
    try:
        revision = current_revision(engine)
        if revision is None:
            upgrade(args.db_url, "0014")
            with engine.begin() as connection:
                fill(connection, args.dossiers, args.other)
        target = head_revision() if args.revision == "head" else args.revision
        if current_revision(engine) < target:
            upgrade(args.db_url, target)
        elif current_revision(engine) > target:
            config = _alembic_config()
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.downgrade(config, target)
        print(f"revision {current_revision(engine)}")
    finally:
        engine.dispose()
    for name, ms in measure(args.db_url).items():
        print(f"{name:32s} {ms:10.1f} ms")


if __name__ == "__main__":
    main()
