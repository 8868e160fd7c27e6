"""Retention in staging: whole deliveries older than the staging period leave in one transaction; the
newest delivery of a kind and the DUO mutations the current state rests on always stay."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from connectors.staging import ReaderResult, Staging
from connectors.staging_retention import expired_deliveries, purge_deliveries
from rules.bewaartermijnen import staging_grens

D = date.fromisoformat
DAY = timedelta(days=1)


def read_lines(path: Path, con: duckdb.DuckDBPyConnection, import_id: int) -> ReaderResult:
    """A minimal reader: one value per line; a line `?` is quarantined (its value kept in quarantine)."""
    con.execute("CREATE TABLE IF NOT EXISTS lines (import_id BIGINT, line BIGINT, value VARCHAR)")
    texts = path.read_text(encoding="utf-8").splitlines()
    for line, text in enumerate(texts, start=1):
        if text == "?":
            con.execute("INSERT INTO quarantine_pending VALUES (?, 'value', '999993653', 'unknown')", [line])
        else:
            con.execute("INSERT INTO lines VALUES (?, ?, ?)", [import_id, line, text])
    return ReaderResult(rows_read=len(texts), rows_loaded=sum(1 for t in texts if t != "?"))


DELIVERIES = [  # (kind, delivery date); the date is in the file name, as in a real delivery
    ("brp", "2025-01-06"), ("duo_c", "2025-01-06"), ("duo_p", "2025-01-13"), ("brp", "2025-03-03"),
    ("verzuim", "2025-03-10"), ("duo_c", "2025-06-02"), ("duo_p", "2025-06-09"), ("brp", "2026-06-01"),
]


def _stage(st: Staging, folder: Path) -> dict[tuple[str, str], int]:
    ids = {}
    for number, (kind, day) in enumerate(DELIVERIES):
        path = folder / f"{kind}-{day.replace('-', '')}.txt"
        path.write_text(f"{kind} {number}\nsecond line\n?\n", encoding="utf-8")
        ids[(kind, day)] = st.import_file(kind, path, read_lines).import_id
    return ids


def _import_ids(st: Staging) -> list[int]:
    return [row["import_id"] for row in st.imports()]


def _rows_of(st: Staging, import_id: int) -> tuple[int, int]:
    return (st.con.execute("SELECT count(*) FROM lines WHERE import_id = ?", [import_id]).fetchone()[0],
            st.con.execute("SELECT count(*) FROM quarantine WHERE import_id = ?", [import_id]).fetchone()[0])


def test_old_deliveries_leave_whole_but_the_newest_and_the_state_s_mutations_stay(tmp_path: Path) -> None:
    with Staging(tmp_path / "s.duckdb") as st:
        ids = _stage(st, tmp_path)
        purged = purge_deliveries(st, D("2026-01-01"), D("2026-01-01"))

        gone = {ids[("brp", "2025-01-06")], ids[("duo_c", "2025-01-06")], ids[("duo_p", "2025-01-13")],
                ids[("brp", "2025-03-03")]}
        assert {p.import_id for p in purged} == gone
        assert all(p.rows == 3 for p in purged)  # two typed rows and one quarantined value each
        assert set(_import_ids(st)) == set(ids.values()) - gone
        for import_id in gone:
            assert _rows_of(st, import_id) == (0, 0)
        # the newest of its kind, however old; the P-levering after the newest C-levering
        for kept in (("verzuim", "2025-03-10"), ("duo_c", "2025-06-02"), ("duo_p", "2025-06-09")):
            assert _rows_of(st, ids[kept]) == (2, 1), kept
        book = st.con.execute("SELECT kind, peildatum, rows_loaded, purged_on FROM purged_imports "
                              "ORDER BY import_id").fetchall()
        assert book[0] == ("brp", D("2025-01-06"), 2, D("2026-01-01"))
        assert "brp 0" not in str(st.con.execute("SELECT * FROM purged_imports").fetchall())


@pytest.mark.parametrize("kind,day", [("brp", "2025-01-06"), ("duo_c", "2025-01-06"), ("duo_p", "2025-01-13"),
                                      ("brp", "2025-03-03")])
def test_a_delivery_is_kept_the_day_before_the_staging_period_ends_and_removed_on_the_day(
        tmp_path: Path, kind: str, day: str) -> None:
    expiry = D(day) + timedelta(weeks=60)  # bewaartermijn_staging
    with Staging(tmp_path / "s.duckdb") as st:
        import_id = _stage(st, tmp_path)[(kind, day)]
        purge_deliveries(st, staging_grens(expiry - DAY), expiry - DAY)
        assert import_id in _import_ids(st)
        purge_deliveries(st, staging_grens(expiry), expiry)
        assert import_id not in _import_ids(st)


def test_a_purged_delivery_delivered_again_stays_out(tmp_path: Path) -> None:
    with Staging(tmp_path / "s.duckdb") as st:
        ids = _stage(st, tmp_path)
        purge_deliveries(st, D("2026-01-01"), D("2026-01-01"))
        again = st.import_file("brp", tmp_path / "brp-20250106.txt", read_lines)
        assert again.status == "duplicate" and again.duplicate_of == ids[("brp", "2025-01-06")]
        assert again.details["purged_on"] == D("2026-01-01")
        assert st.latest_import_id("brp") == ids[("brp", "2026-06-01")]


def test_a_dry_run_counts_and_changes_nothing(tmp_path: Path) -> None:
    with Staging(tmp_path / "s.duckdb") as st:
        ids = _stage(st, tmp_path)
        purged = purge_deliveries(st, D("2026-01-01"), D("2026-01-01"), dry_run=True)
        assert len(purged) == 4
        assert set(_import_ids(st)) == set(ids.values())
        assert st.con.execute("SELECT count(*) FROM purged_imports").fetchone()[0] == 0
        assert expired_deliveries(st, D("2026-01-01")) == [(p.import_id, p.kind, p.peildatum) for p in purged]


def test_a_failure_halfway_removes_nothing(tmp_path: Path) -> None:
    with Staging(tmp_path / "s.duckdb") as st:
        ids = _stage(st, tmp_path)
        # a table the purge cannot empty: its rows are referenced by a table without an import id
        st.con.execute("CREATE TABLE z_parent (id BIGINT PRIMARY KEY, import_id BIGINT)")
        st.con.execute("CREATE TABLE z_child (parent BIGINT REFERENCES z_parent (id))")
        st.con.execute("INSERT INTO z_parent VALUES (1, ?)", [ids[("brp", "2025-03-03")]])
        st.con.execute("INSERT INTO z_child VALUES (1)")
        before = st.con.execute("SELECT count(*) FROM lines").fetchone()[0]

        with pytest.raises(duckdb.Error):
            purge_deliveries(st, D("2026-01-01"), D("2026-01-01"))

        assert st.con.execute("SELECT count(*) FROM lines").fetchone()[0] == before
        assert set(_import_ids(st)) == set(ids.values())
        assert st.con.execute("SELECT count(*) FROM purged_imports").fetchone()[0] == 0
