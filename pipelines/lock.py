"""The run lock: two runs never work on the same data directory or register database at once.

The file lock is an exclusive `flock` on a file in the data directory. The kernel drops it when the
holding process ends, however it ends, so a lock left behind by a crash (SIGKILL, power loss of the
process) is free again and the next run takes it over, saying whose it was. The file carries who
holds it (pid, host, since, what) for the message the second run prints.

A register in PostgreSQL is shared by hosts that do not share a data directory, so the lock also
takes a PostgreSQL session advisory lock there (released by the server when the connection goes);
a SQLite register outside the data directory gets a lock file beside it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import socket
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger(__name__)

# pg_try_advisory_lock(int4, int4): (application key, lock key). Shows in pg_locks as classid/objid.
PG_LOCK_CLASS = 4212
PG_LOCK_RUN = 1


class RunLockHeld(RuntimeError):
    """Another run holds the lock; the message names it (pid, host, since)."""

    def __init__(self, target: str, holder: LockHolder | None) -> None:
        self.target = target
        self.holder = holder
        who = holder.describe() if holder else "een ander proces (zonder gegevens)"
        super().__init__(  # in Dutch: `inbeeld run` shows it as it is (docs/running.md)
            f"er werkt al een andere InBeeld-run aan {target}: {who}. "
            "Wacht tot die klaar is; het slot van een vastgelopen run wordt vanzelf overgenomen."
        )


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or held) a lock."""

    pid: int
    host: str
    since: str
    purpose: str = "run"

    @classmethod
    def me(cls, purpose: str) -> LockHolder:
        since = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(os.getpid(), socket.gethostname(), since, purpose)

    def describe(self) -> str:
        return f"{self.purpose!r}, pid {self.pid} op host {self.host}, sinds {self.since}"

    def compact(self) -> str:
        """A one-word-per-field form that fits PostgreSQL's 63-character application_name."""
        purpose = self.purpose.replace(" ", "-")
        return f"inbeeld {self.pid} {self.since} {purpose} {self.host}"[:63]

    @classmethod
    def parse_compact(cls, text: str) -> LockHolder | None:
        parts = text.split(" ", 4)
        if len(parts) != 5 or parts[0] != "inbeeld" or not parts[1].isdigit():
            return None
        return cls(int(parts[1]), parts[4], parts[2], parts[3])

    @classmethod
    def parse(cls, text: str) -> LockHolder | None:
        try:
            data = json.loads(text)
            purpose = str(data.get("purpose", "run"))
            return cls(int(data["pid"]), str(data["host"]), str(data["since"]), purpose)
        except (ValueError, KeyError, TypeError):
            return None


def _still_linked(fd: int, path: Path) -> bool:
    """True when `path` still names the file open as `fd` (a released lock file is removed)."""
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


class FileLock:
    """An exclusive, non-blocking `flock` on one file, with the holder written into it."""

    def __init__(self, path: Path, purpose: str = "run") -> None:
        self.path = Path(path)
        self.purpose = purpose
        self.taken_over: LockHolder | None = None
        self._fd: int | None = None

    def acquire(self) -> FileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = LockHolder.parse(_read_fd(fd))
                os.close(fd)
                if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise RunLockHeld(str(self.path.parent), holder) from None
                raise
            if _still_linked(fd, self.path):
                break
            os.close(fd)  # the holder released (and removed) it between our open and our lock: again
        previous = LockHolder.parse(_read_fd(fd))
        if previous is not None:
            # The file still names a holder but the kernel lock was free: that run ended without
            # releasing (crash, SIGKILL). Its own recovery is the rerun this process is about to do.
            self.taken_over = previous
            log.warning("Waarschuwing: het slot van een run die eindigde zonder het vrij te geven wordt "
                        "overgenomen: %s", previous.describe())
        me = LockHolder.me(self.purpose)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(asdict(me)).encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            # gone = released cleanly (nothing left in the data directory); a file naming its holder
            # is a run that crashed
            os.ftruncate(self._fd, 0)
            self.path.unlink(missing_ok=True)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


class PostgresLock:
    """A session-level advisory lock in the register database (PostgreSQL only)."""

    def __init__(self, url: str, purpose: str = "run") -> None:
        self.url = url
        self.purpose = purpose
        self._connection: Any = None
        self._engine: Any = None

    def acquire(self) -> PostgresLock:
        from sqlalchemy import create_engine, text

        me = LockHolder.me(self.purpose)
        self._engine = create_engine(self.url, poolclass=_null_pool(),
                                     connect_args={"application_name": me.compact()})
        connection = self._engine.connect()
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:c, :k)"), {"c": PG_LOCK_CLASS, "k": PG_LOCK_RUN}
        ).scalar_one()
        connection.commit()
        if not got:
            holder_name = connection.execute(text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.classid = :c AND l.objid = :k AND l.granted"
            ), {"c": PG_LOCK_CLASS, "k": PG_LOCK_RUN}).scalar()
            connection.close()
            self._engine.dispose()
            raise RunLockHeld(_safe_url(self.url), LockHolder.parse_compact(holder_name or ""))
        self._connection = connection
        return self

    def release(self) -> None:
        if self._connection is None:
            return
        from sqlalchemy import text

        try:
            self._connection.execute(text("SELECT pg_advisory_unlock(:c, :k)"),
                                     {"c": PG_LOCK_CLASS, "k": PG_LOCK_RUN})
            self._connection.commit()
        finally:
            self._connection.close()
            self._engine.dispose()
            self._connection = None


@dataclass
class RunLock:
    """The lock of one run: the data directory, plus the register database when it lives elsewhere.

    Use as a context manager; raises `RunLockHeld` when another run holds any part.
    """

    data_dir: Path
    register_url: str | None = None
    purpose: str = "run"
    lock_file: Path | None = None
    _parts: list[FileLock | PostgresLock] = field(default_factory=list, init=False, repr=False)

    def _targets(self) -> list[FileLock | PostgresLock]:
        data_dir = Path(self.data_dir).resolve()
        targets: list[FileLock | PostgresLock] = [
            FileLock(self.lock_file or data_dir / "inbeeld.lock", self.purpose)
        ]
        url = self.register_url or ""
        if url.startswith("postgresql"):
            targets.append(PostgresLock(url, self.purpose))
        elif url.startswith("sqlite") and "///" in url:
            db_file = Path(url.split("///", 1)[1].split("?", 1)[0]).resolve()
            if db_file.parent != data_dir and str(db_file) != ":memory:":
                targets.append(FileLock(db_file.with_name(db_file.name + ".lock"), self.purpose))
        return targets

    def acquire(self) -> RunLock:
        for part in self._targets():
            try:
                self._parts.append(part.acquire())
            except BaseException:
                self.release()
                raise
        return self

    def release(self) -> None:
        while self._parts:
            part = self._parts.pop()
            with contextlib.suppress(Exception):
                part.release()

    @property
    def taken_over(self) -> LockHolder | None:
        """The crashed run whose lock this run took over, if any."""
        for part in self._parts:
            if isinstance(part, FileLock) and part.taken_over:
                return part.taken_over
        return None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _read_fd(fd: int) -> str:
    try:
        return os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        return ""


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


def _safe_url(url: str) -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
