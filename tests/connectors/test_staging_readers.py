"""Kept read-only staging connections: reused between uses, and let go for a writer (another
process's import gets in and its rows are read afterwards); none opened while a writer holds the
lock, none kept beside a crashed writer's lock file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.errors import StagingLocked
from connectors.staging import Staging, writer_lock
from connectors.staging_readers import KeptReaders

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    path = tmp_path / "staging.duckdb"
    with Staging(path) as st:
        st.con.execute("CREATE TABLE rows_in (n INTEGER); INSERT INTO rows_in VALUES (1)")
    return path


def _count(readers: KeptReaders) -> int:
    with readers.open() as store:
        return store.con.execute("SELECT count(*) FROM rows_in").fetchone()[0]


def test_a_connection_is_kept_and_used_again(staged: Path) -> None:
    readers = KeptReaders(staged)
    try:
        with readers.open() as first:
            pass
        with readers.open() as second:
            assert second is first
            assert second.con.execute("SELECT count(*) FROM rows_in").fetchone()[0] == 1
    finally:
        readers.close()


def test_a_failed_use_closes_its_connection(staged: Path) -> None:
    readers = KeptReaders(staged)
    try:
        with pytest.raises(ZeroDivisionError), readers.open() as first:
            1 / 0  # noqa: B018
        assert first._con is None
        with readers.open() as second:
            assert second is not first
    finally:
        readers.close()


def test_a_writer_in_another_process_gets_in_while_connections_are_kept(staged: Path) -> None:
    readers = KeptReaders(staged)
    try:
        assert _count(readers) == 1  # kept open now: without letting go the writer could not open
        writer = subprocess.run(
            [sys.executable, "-c",
             "import sys; sys.path.insert(0, '.');"
             "from connectors.staging import Staging\n"
             f"with Staging({str(staged)!r}) as st:\n"
             "    st.con.execute('INSERT INTO rows_in VALUES (2)')"],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert writer.returncode == 0, writer.stderr
        assert _count(readers) == 2
    finally:
        readers.close()


def test_no_reader_opens_while_a_writer_holds_the_lock(staged: Path) -> None:
    """A writer waiting for readers to let go must not be kept out by new ones: the page says so."""
    writer_lock(staged).write_text(str(os.getpid()))  # a running process holds it
    readers = KeptReaders(staged)
    try:
        with pytest.raises(StagingLocked), readers.open():
            pass
    finally:
        readers.close()


def test_nothing_is_kept_while_a_crashed_writers_lock_file_exists(staged: Path) -> None:
    """A lock file left by a crashed writer: every use opens its own connection, and reads."""
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    writer_lock(staged).write_text(gone)
    readers = KeptReaders(staged)
    try:
        with readers.open() as first:
            pass
        assert first._con is None
        assert _count(readers) == 1
    finally:
        readers.close()
