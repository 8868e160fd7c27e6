"""The staging core with a small real reader: one transaction per file, no-op on the same content,
quarantine, the shrink guard, and one writer per file."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from connectors.errors import RefusedFile, StagingLocked, SuspiciousShrink
from connectors.staging import QuarantineRow, ReaderResult, Staging, date_in_file_name


def read_numbers(path: Path, con: duckdb.DuckDBPyConnection, import_id: int) -> ReaderResult:
    """A minimal reader: one `bsn;gemeente` per line; a bad BSN is quarantined, `STOP` refuses."""
    con.execute("CREATE TABLE IF NOT EXISTS numbers "
                "(import_id BIGINT, line BIGINT, bsn VARCHAR, gemeente VARCHAR)")
    rows = path.read_text(encoding="utf-8").splitlines()
    quarantine = []
    loaded = 0
    for line, text in enumerate(rows, start=1):
        if text == "STOP":
            raise RefusedFile(path, line, "bsn", "stop marker")
        bsn, gemeente = text.split(";")
        con.execute("INSERT INTO numbers VALUES (?, ?, ?, ?)", [import_id, line, bsn, gemeente])
        loaded += 1
    con.execute(
        "INSERT INTO quarantine_pending SELECT line, 'bsn', bsn, 'voldoet niet aan de elfproef' FROM numbers "
        "WHERE import_id = ? AND NOT is_bsn(bsn)", [import_id])
    con.execute("DELETE FROM numbers WHERE import_id = ? AND NOT is_bsn(bsn)", [import_id])
    bad = con.execute("SELECT count(*) FROM quarantine_pending").fetchone()[0]
    if gemeente == "9999":
        quarantine.append(QuarantineRow(None, "gemeente", "9999", "unknown gemeente"))
    return ReaderResult(rows_read=len(rows), rows_loaded=loaded - bad, quarantine=quarantine)


def residents(con: duckdb.DuckDBPyConnection, import_id: int, gemeenten: tuple[str, ...]) -> int:
    return con.execute("SELECT count(*) FROM numbers WHERE import_id = ?", [import_id]).fetchone()[0]


BSNS = ["999993653", "999990639", "999991425", "999994803", "999993239", "999994736", "999994773",
        "999995807", "999996733", "999997166", "999998109"]


def _write(path: Path, bsns: list[str], extra: str = "") -> Path:
    path.write_text("".join(f"{b};0363\n" for b in bsns) + extra, encoding="utf-8")
    return path


def _count(st: Staging) -> int:
    return st.con.execute("SELECT count(*) FROM numbers").fetchone()[0]


def test_load_quarantine_and_same_content_is_a_noop(tmp_path: Path) -> None:
    file = _write(tmp_path / "n-20260907.csv", BSNS[:5] + ["123456789"])
    with Staging(tmp_path / "s.duckdb") as st:
        first = st.import_file("numbers", file, read_numbers)
        counts = (first.status, first.rows_read, first.rows_loaded, first.rows_quarantined)
        assert counts == ("loaded", 6, 5, 1)
        again = st.import_file("numbers", file, read_numbers)
        assert again.status == "duplicate" and again.duplicate_of == first.import_id
        assert _count(st) == 5
        [q] = st.quarantine(first.import_id)
        assert (q["file"], q["line"], q["field"], q["value"]) == ("n-20260907.csv", 6, "bsn", "123456789")
        [imp] = st.imports("numbers")
        assert imp["peildatum"].isoformat() == "2026-09-07" and imp["status"] == "loaded"


def test_the_hash_is_the_files_sha256_whether_it_was_awaited_or_not(tmp_path: Path) -> None:
    """A file of a size not seen before is read while it is hashed; one of a size seen before waits
    for its hash (it may be the same content). Either way the import keeps the file's SHA-256 and
    its size, and the same content is recognised."""
    first = _write(tmp_path / "a.csv", BSNS[:3])
    same_size = _write(tmp_path / "b.csv", [BSNS[3], BSNS[1], BSNS[2]])  # other content, same bytes
    with Staging(tmp_path / "s.duckdb") as st:
        loaded = [st.import_file("numbers", path, read_numbers, force=True) for path in (first, same_size)]
        assert [r.status for r in loaded] == ["loaded", "loaded"]
        kept = [(i["sha256"], i["file_bytes"]) for i in st.imports("numbers")]
        assert kept == [(hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size)
                        for p in (first, same_size)]
        assert [r.sha256 for r in loaded] == [k[0] for k in kept]
        # a staging file from before sizes were kept: every earlier import may be the same content
        st.con.execute("UPDATE imports SET file_bytes = NULL")
        again = st.import_file("numbers", _write(tmp_path / "c.csv", BSNS[:3]), read_numbers)
        assert (again.status, again.duplicate_of) == ("duplicate", loaded[0].import_id)


def test_refused_file_leaves_staging_untouched(tmp_path: Path) -> None:
    good = _write(tmp_path / "a.csv", BSNS[:3])
    bad = _write(tmp_path / "b.csv", BSNS[3:6], extra="STOP\n")
    with Staging(tmp_path / "s.duckdb") as st:
        st.import_file("numbers", good, read_numbers)
        with pytest.raises(RefusedFile) as err:
            st.import_file("numbers", bad, read_numbers)
        assert "b.csv geweigerd, regel 4, veld bsn" in str(err.value)
        assert _count(st) == 3
        assert len(st.imports()) == 1 and st.quarantine() == []


def test_shrink_guard_refuses_unless_forced(tmp_path: Path) -> None:
    full = _write(tmp_path / "full.csv", BSNS[:10])
    shrunk = _write(tmp_path / "shrunk.csv", BSNS[:8])  # 20 % fewer
    slightly = _write(tmp_path / "slightly.csv", BSNS[:9])  # 10 % fewer: allowed
    with Staging(tmp_path / "s.duckdb") as st:
        st.import_file("numbers", full, read_numbers, population=residents)
        with pytest.raises(SuspiciousShrink) as err:
            st.import_file("numbers", shrunk, read_numbers, population=residents)
        assert "8 inwoners" in str(err.value) and "10 in de vorige" in str(err.value)
        assert len(st.imports()) == 1
        ok = st.import_file("numbers", slightly, read_numbers, population=residents)
        assert ok.status == "loaded" and ok.population == 9 and ok.previous_population == 10
        forced = st.import_file("numbers", shrunk, read_numbers, population=residents, force=True)
        assert forced.forced and st.imports()[-1]["forced"] is True


def test_python_quarantine_rows_are_stored(tmp_path: Path) -> None:
    file = tmp_path / "c.csv"
    file.write_text("999993653;9999\n", encoding="utf-8")
    with Staging(tmp_path / "s.duckdb") as st:
        result = st.import_file("numbers", file, read_numbers)
        assert [q["reason"] for q in st.quarantine(result.import_id)] == ["unknown gemeente"]


def test_empty_and_missing_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with Staging(tmp_path / "s.duckdb") as st:
        with pytest.raises(RefusedFile, match="het bestand is leeg"):
            st.import_file("numbers", tmp_path / "empty.csv", read_numbers)
        with pytest.raises(RefusedFile, match="het bestand bestaat niet"):
            st.import_file("numbers", tmp_path / "absent.csv", read_numbers)


def test_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; sys.path.insert(0, '.');"
         "from connectors.staging import Staging\n"
         f"with Staging({str(path)!r}):\n    print('ready', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StagingLocked, match="ander proces"), Staging(path):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_date_in_file_name() -> None:
    assert date_in_file_name("brp-G0363-20260907.lo3.csv").isoformat() == "2026-09-07"
    assert date_in_file_name("202211A04G0363.csv") is None
    assert date_in_file_name("x-20261399.csv") is None
