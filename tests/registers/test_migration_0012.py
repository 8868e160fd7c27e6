"""Revision 0012 on a copy of a demo database: the cases of an `inbeeld demo` made with revision 0009
(1,500 young people, four weeks and the week of 5 October; `fixtures/demo-0009.sqlite`) become
dossiers with their timelines intact, on SQLite and on PostgreSQL (the same rows copied over)."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, insert, select, text

from registers.db import make_engine, upgrade

FIXTURE = Path(__file__).parent / "fixtures" / "demo-0009.sqlite"
# Parents before children; the audit trail stays behind (PostgreSQL writes its own time and login).
TABLES = ("personen", "gebruikers", "gemeente_toegang", "verzuimmeldingen", "verzuim_status_changes", "cases",
          "case_actions", "vrijstellingen", "thuiszitters", "vsv_register", "letters", "retention_aggregates")


def _snapshot(connection) -> dict:
    q = lambda sql: connection.execute(text(sql)).all()  # noqa: E731
    return {
        "cases": q("SELECT id, persoonsnummer, signal, status, opened_on, closed_on FROM cases ORDER BY id"),
        "actions": q("SELECT id, case_id, action, on_date, by, note FROM case_actions ORDER BY id"),
        "letters": q("SELECT id, case_id, soort, kenmerk FROM letters ORDER BY id"),
    }


@pytest.fixture
def demo_url(backend: str, fresh_db_url: str, tmp_path: Path) -> str:
    """The demo database at revision 0009, as a file (SQLite) or copied row by row (PostgreSQL)."""
    if backend == "sqlite":
        copy = tmp_path / "demo.sqlite"
        shutil.copy(FIXTURE, copy)
        return f"sqlite:///{copy}"
    upgrade(fresh_db_url, "0009")
    source = create_engine(f"sqlite:///{FIXTURE}")
    target = make_engine(fresh_db_url)
    meta = MetaData()
    meta.reflect(target, only=TABLES)
    with source.connect() as read, target.begin() as write:
        for name in TABLES:
            table = meta.tables[name]
            rows = [dict(row._mapping) for row in read.execute(text(f"SELECT * FROM {name}"))]
            for row in rows:
                for column in table.columns:
                    if str(column.type) == "BOOLEAN" and row.get(column.name) is not None:
                        row[column.name] = bool(row[column.name])
            if rows:
                write.execute(insert(table), rows)
    source.dispose()
    target.dispose()
    return fresh_db_url


def test_the_demo_cases_become_dossiers_with_their_timelines_intact(demo_url: str) -> None:
    engine = make_engine(demo_url)
    try:
        with engine.connect() as connection:
            before = _snapshot(connection)
            open_by_person = Counter(c.persoonsnummer for c in before["cases"] if c.status == "open")
        assert len(before["cases"]) > 90 and len(before["actions"]) > 150
        assert sum(1 for n in open_by_person.values() if n > 1) >= 10  # the situation the issue found

        upgrade(demo_url)

        with engine.connect() as connection:
            after = _snapshot(connection)
            dossiers = connection.execute(text(
                "SELECT id, persoonsnummer, status, team, thuiszitter, opened_on, closed_on, close_reason "
                "FROM dossiers")).all()
            reasons = connection.execute(text(
                "SELECT id, dossier_id, persoonsnummer, signal, status FROM cases")).all()
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()

    assert version >= "0016"  # upgraded to the head, past the dossiers and the letter kind's new name
    old_kind = [letter for letter in before["letters"] if letter.soort == "rmc_18_23"]
    assert old_kind, "the demo has letters of the Doorstroompunt's kind under its old name"
    before["letters"] = [(i, case, "doorstroompunt" if soort == "rmc_18_23" else soort, kenmerk)
                         for i, case, soort, kenmerk in before["letters"]]  # renamed by revision 0016
    assert [tuple(letter) for letter in after["letters"]] == before.pop("letters")
    after.pop("letters")
    assert after == before  # every case, step and letter as it was
    by_id = {d.id: d for d in dossiers}
    assert all(r.dossier_id in by_id for r in reasons)
    assert all(by_id[r.dossier_id].persoonsnummer == r.persoonsnummer for r in reasons)
    open_dossiers = Counter(d.persoonsnummer for d in dossiers if d.status == "open")
    assert set(open_dossiers.values()) == {1}, "at most one open dossier per person"
    assert set(open_dossiers) == set(open_by_person), "every person with an open case has an open dossier"
    for reason in reasons:
        if reason.status == "open":
            assert by_id[reason.dossier_id].status == "open"
    for person, count in open_by_person.items():
        (dossier,) = [d for d in dossiers if d.persoonsnummer == person and d.status == "open"]
        assert sum(1 for r in reasons if r.dossier_id == dossier.id and r.status == "open") == count
    signals_of = {d.id: {r.signal for r in reasons if r.dossier_id == d.id and r.status == "open"}
                  for d in dossiers}
    for d in dossiers:
        if d.status == "open":
            assert bool(d.thuiszitter) == ("THUISZITTER" in signals_of[d.id])
            if signals_of[d.id] and signals_of[d.id] <= {"VSV", "GEEN_INSCHRIJVING_RMC"}:
                assert d.team == "rmc"
            if signals_of[d.id] & {"ABSOLUUT_VERZUIM", "BIJNA_LEERPLICHTIG"}:
                assert d.team == "lpa"
        else:
            assert d.closed_on is not None and d.close_reason is not None


def test_after_0010_a_new_dossier_gets_the_next_id(demo_url: str) -> None:
    upgrade(demo_url)
    engine = make_engine(demo_url)
    try:
        with engine.begin() as connection:
            highest = connection.execute(select(text("max(id)")).select_from(text("dossiers"))).scalar_one()
            new = connection.execute(text(
                "INSERT INTO dossiers (persoonsnummer, gemeentecode, status, team, thuiszitter, opened_on, "
                "legal_hold) VALUES ('999990007', '0363', 'open', 'lpa', false, '2026-10-12', false) "
                "RETURNING id")).scalar_one()
    finally:
        engine.dispose()
    assert new == highest + 1
