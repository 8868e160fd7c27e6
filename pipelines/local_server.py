"""A local Prefect server that `inbeeld serve` starts, watches and stops.

Schedules need a real server (an ephemeral one never fires them). When `PREFECT_API_URL` is not
set, `inbeeld serve` runs `prefect server start` as a child process with its home in the data
directory (SQLite there by default; PostgreSQL through `PREFECT_API_DATABASE_CONNECTION_URL =
postgresql+asyncpg://…`, which needs the `pg_trgm` extension), waits until `/api/health` answers,
restarts it if it dies (a few times), and stops it with the serve process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)


class ServerStartError(RuntimeError):
    """The local Prefect server did not become healthy in time; the message points at its log."""


def tidy_database(home: Path) -> None:
    """Fold the Prefect server's SQLite write-ahead log back into `home`/prefect.db once the server has
    stopped. SQLite removes prefect.db-wal and -shm when the last connection closes after a checkpoint,
    which a server stopped by a signal never does: 5 MB of WAL stayed in the data directory after every
    run. Harmless while a server still runs (then this is not the last connection)."""
    database = Path(home) / "prefect.db"
    if not Path(f"{database}-wal").exists():
        return
    try:
        connection = sqlite3.connect(database, timeout=1)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except sqlite3.Error as exc:  # busy or damaged: the WAL stays, Prefect reads it next time
        log.debug("prefect.db kept its WAL: %s", exc)


def stop_prefect_threads(timeout: float = 5.0) -> None:
    """Stop the background threads Prefect leaves running at exit (its global and run-sync event loops,
    the events and log workers). They are daemon threads: alive while the interpreter shuts down, they
    kept DuckDB's bindings from being torn down in order, and DuckDB's nanobind printed a "leaked
    instances / types / functions" report on every `inbeeld demo`. Prefect's own exit handlers only
    ask them to stop; this waits (at most `timeout` per thread). Uses Prefect internals, so a Prefect
    that moved them is left alone."""
    if "prefect" not in sys.modules:
        return
    try:
        from prefect._internal.concurrency import threads
        from prefect._internal.concurrency.services import QueueService
    except ImportError:
        return
    with contextlib.suppress(Exception):  # a service that cannot drain: stop the loops anyway
        QueueService.drain_all(timeout=timeout)
    for name in ("_global_loop", "_run_sync_loop"):
        loop = getattr(threads, name, None)
        if loop is not None and loop.thread.is_alive():
            loop.shutdown()
            loop.thread.join(timeout)


def at_exit(home: Path) -> None:
    """What a command that ran flows does last (registered before Prefect's own exit handlers, so it
    runs after them, once Prefect's temporary server has stopped): stop Prefect's threads, then fold
    the server's write-ahead log into prefect.db."""
    stop_prefect_threads()
    tidy_database(home)


def scheduler_problem(sqlalchemy_version: str) -> str | None:
    """Why a Prefect server with this SQLAlchemy would never schedule a run, or None.

    Measured with Prefect 3.8.8: under SQLAlchemy 2.1 its scheduler service fails on every loop
    ("Can't evaluate bulk DML statement; please supply a bulk_dml decorated function"), the server
    stays healthy and no scheduled run is ever created. constraints.txt locks SQLAlchemy 2.0.
    """
    major, minor = (int(part) for part in sqlalchemy_version.split(".")[:2])
    if (major, minor) >= (2, 1):
        return (f"SQLAlchemy {sqlalchemy_version} breekt de planner van de Prefect-server (er zou nooit een "
                "geplande run komen); installeer de vastgelegde versies: pip install -c constraints.txt -e .")
    return None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class LocalPrefectServer:
    """`prefect server start` as a supervised child process."""

    def __init__(
        self,
        home: Path,
        host: str = "127.0.0.1",
        port: int | None = None,
        database_url: str | None = None,
        startup_timeout: float = 120.0,
        max_restarts: int = 3,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.home = Path(home).resolve()
        self.host = host
        self.port = port or free_port(host)
        self.database_url = database_url or f"sqlite+aiosqlite:///{self.home / 'prefect.db'}"
        self.startup_timeout = startup_timeout
        self.max_restarts = max_restarts
        self.extra_env = extra_env or {}
        self.log_path = self.home / "server.log"
        self.pid_path = self.home / "server.pid"
        self.restarts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watchdog: threading.Thread | None = None

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}/api"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
        env.update({
            "PREFECT_HOME": str(self.home),
            "PREFECT_API_DATABASE_CONNECTION_URL": self.database_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_API_HOST": self.host,
            "PREFECT_SERVER_API_PORT": str(self.port),
        })
        env.update(self.extra_env)
        return env

    def start(self) -> str:
        """Start the server and wait until it is healthy; returns the API URL."""
        self.home.mkdir(parents=True, exist_ok=True)
        probe = subprocess.run([sys.executable, "-c", "import sqlalchemy; print(sqlalchemy.__version__)"],
                               env=self.environment(), capture_output=True, text=True, check=True)
        problem = scheduler_problem(probe.stdout.strip())
        if problem:
            raise ServerStartError(problem)
        self._spawn()
        self._wait_healthy()
        self._watchdog = threading.Thread(target=self._watch, name="prefect-server-watchdog", daemon=True)
        self._watchdog.start()
        log.info("local Prefect server ready at %s (home %s)", self.api_url, self.home)
        return self.api_url

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as answer:
                return answer.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and everything it started (it runs in its own process group)."""
        self._stopping.set()
        process, self._process = self._process, None
        self.pid_path.unlink(missing_ok=True)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        tidy_database(self.home)

    def __enter__(self) -> LocalPrefectServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _spawn(self) -> None:
        command = [sys.executable, "-m", "prefect", "server", "start",
                   "--host", self.host, "--port", str(self.port)]
        with self.log_path.open("ab") as server_log:
            self._process = subprocess.Popen(
                command, env=self.environment(), stdout=server_log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        self.pid_path.write_text(f"{self._process.pid}\n")

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise ServerStartError(f"de Prefect-server stopte tijdens het starten; zie {self.log_path}")
            if self.healthy():
                return
            time.sleep(0.5)
        self.stop()
        raise ServerStartError(
            f"de Prefect-server was na {self.startup_timeout:.0f} s nog niet gezond; zie {self.log_path}"
        )

    def _watch(self) -> None:
        """Restart a server that died; after `max_restarts`, stop this process (systemd restarts it)."""
        while not self._stopping.wait(2.0):
            process = self._process
            if process is None or process.poll() is None:
                continue
            if self.restarts >= self.max_restarts:
                log.error("the local Prefect server keeps dying (see %s); stopping serve", self.log_path)
                os.kill(os.getpid(), signal.SIGTERM)
                return
            self.restarts += 1
            log.warning("the local Prefect server exited (code %s); restart %d of %d",
                        process.returncode, self.restarts, self.max_restarts)
            try:
                self._spawn()
                self._wait_healthy()
            except ServerStartError as exc:
                log.error("%s; stopping serve", exc)
                os.kill(os.getpid(), signal.SIGTERM)
                return
