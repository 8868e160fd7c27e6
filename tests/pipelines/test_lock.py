"""The run lock, between real processes: a second run is refused with who holds the lock; a lock
left by a killed run is taken over."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.lock import LockHolder, RunLock, RunLockHeld

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, time
from pipelines.lock import RunLock
lock = RunLock(sys.argv[1], sys.argv[2] or None, purpose="weekly").acquire()
print("locked", flush=True)
sys.stdin.read()   # hold until the test closes stdin (or kills us)
lock.release()
print("released", flush=True)
"""


def _hold(data_dir: Path, register_url: str = "") -> subprocess.Popen[str]:
    command = [sys.executable, "-c", HOLDER, str(data_dir), register_url]
    process = subprocess.Popen(command, cwd=ROOT, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "locked", process.stderr.read() if process.stderr else ""
    return process


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    process = _hold(tmp_path)
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(10)


def test_a_second_process_is_refused_and_told_who_holds_the_lock(tmp_path: Path,
                                                                  holder: subprocess.Popen[str]) -> None:
    with pytest.raises(RunLockHeld) as refused:
        RunLock(tmp_path).acquire()
    message = str(refused.value)
    assert f"pid {holder.pid}" in message
    assert socket.gethostname() in message
    assert "'weekly'" in message and "sinds 20" in message
    assert refused.value.holder == LockHolder.parse((tmp_path / "inbeeld.lock").read_text())


def test_the_lock_is_free_again_after_a_clean_release(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.close()
    assert holder.stdout.readline().strip() == "released"
    holder.wait(10)
    with RunLock(tmp_path) as lock:
        assert lock.taken_over is None  # a clean release leaves no holder behind
        assert json.loads((tmp_path / "inbeeld.lock").read_text())["pid"] == os.getpid()
    assert not (tmp_path / "inbeeld.lock").exists()  # released cleanly: nothing left behind


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path: Path, holder: subprocess.Popen[str],
                                                   caplog: pytest.LogCaptureFixture) -> None:
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    assert json.loads((tmp_path / "inbeeld.lock").read_text())["pid"] == holder.pid  # left behind
    with RunLock(tmp_path, purpose="weekly") as lock:
        assert lock.taken_over is not None and lock.taken_over.pid == holder.pid
        with pytest.raises(RunLockHeld):  # and it is ours now: a third run is refused
            RunLock(tmp_path).acquire()
    assert f"pid {holder.pid}" in caplog.text


def test_a_sqlite_register_outside_the_data_directory_is_locked_too(tmp_path: Path) -> None:
    register = tmp_path / "elsewhere" / "registers.sqlite"
    url = f"sqlite:///{register}"
    process = _hold(tmp_path / "data-a", url)
    try:
        with pytest.raises(RunLockHeld):
            RunLock(tmp_path / "data-b", url).acquire()  # another data directory, the same register
        assert not (tmp_path / "data-b" / "inbeeld.lock").exists()  # released what it had taken
        with RunLock(tmp_path / "data-b"):  # without that register it does not conflict
            pass
    finally:
        process.kill()
        process.wait(10)


@pytest.mark.postgres
def test_a_postgresql_register_is_locked_across_data_directories(tmp_path: Path) -> None:
    url = os.environ.get("INBEELD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    try:
        with create_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {url}: {exc.__class__.__name__}")
    process = _hold(tmp_path / "host-a", url)
    try:
        with pytest.raises(RunLockHeld) as refused:
            RunLock(tmp_path / "host-b", url).acquire()
        assert f"pid {process.pid}" in str(refused.value)
        assert "postgres" in str(refused.value)
        process.kill()  # the server drops the advisory lock with the connection
        process.wait(10)
        for _ in range(50):
            try:
                with RunLock(tmp_path / "host-b", url):
                    break
            except RunLockHeld:
                import time

                time.sleep(0.1)
        else:
            pytest.fail("the advisory lock of a killed process was not released")
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
