"""Read-only staging connections kept open between uses, for a process that reads staging all day
(the work screen).

Why: opening the staging file costs a request 20–80 ms (DuckDB reads the catalog, staging creates
its macros on the connection) and closing it more; a page reads staging once or twice. Kept open,
the same connections serve request after request.

A DuckDB file has one writer or any number of readers, never both: a writer cannot open it while a
reader keeps it open. Every writer takes the file's lock (`connectors.staging.writer_lock`, its pid
in it) before it opens the file and waits up to `READERS_LET_GO_SECONDS` for readers to close. The
kept connections let go as soon as that lock file exists: an idle one at once (a watcher looks every
`WATCH_SECONDS`), one in use when its request ends. While the writer's process runs no new
connection is opened either (StagingLocked: the page says the deliveries are being read in), so a
busy screen cannot keep it out. A lock file left by a crashed writer (its pid gone) only stops the
keeping: each use opens and closes its own connection as before, so it costs speed, never a page.

While kept connections are open no writer can have changed the file, so what they read is the
newest staged state."""

from __future__ import annotations

import atexit
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from connectors.errors import StagingLocked
from connectors.staging import Staging, writer_lock

KEPT = 8  # at most this many idle connections (the work screen runs 8 worker threads)
IDLE_SECONDS = 300.0  # an idle connection is closed after this long unused
WATCH_SECONDS = 0.2


_OPEN: weakref.WeakSet[KeptReaders] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Connections still kept when the interpreter exits (an app never shut down) are closed first:
    DuckDB's binding reports them as leaks otherwise."""
    for readers in list(_OPEN):
        readers.close()


class KeptReaders:
    """Read-only `Staging` connections to `path`, each used by one thread at a time."""

    def __init__(self, path: Path, *, kept: int = KEPT, idle_seconds: float = IDLE_SECONDS) -> None:
        self.path = path
        self.kept = kept
        self.idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._idle: list[tuple[float, Staging]] = []  # (last used, connection)
        self._watcher: threading.Thread | None = None
        self._closed = False
        _OPEN.add(self)

    def writer_waiting(self) -> bool:
        """The lock file exists: keep nothing (it may be a crashed writer's, see `writer_at_work`)."""
        return writer_lock(self.path).exists()

    def writer_at_work(self) -> bool:
        """A writer holds the lock: the pid in the lock file runs, or is not written yet. A file left
        by a crashed writer names a pid that no longer runs."""
        try:
            holder = writer_lock(self.path).read_text(encoding="ascii").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return False
        if not holder.isdigit():
            return True  # taken a moment ago, the pid not yet written
        try:
            os.kill(int(holder), 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # runs, under another account
            return True
        return True

    @contextmanager
    def open(self) -> Iterator[Staging]:
        """A read-only connection: a kept one, else a new one. StagingLocked while a writer has or
        waits for the file (a reader opening now could keep it out), duckdb.IOException when the
        file is held otherwise. It is kept afterwards unless a writer waits or the use failed."""
        store = None
        if self.writer_at_work():
            raise StagingLocked(f"het stagingbestand {self.path} wordt geschreven door een ander proces")
        if not self.writer_waiting():
            with self._lock:
                if self._idle:
                    store = self._idle.pop()[1]
        if store is None:
            store = Staging(self.path, read_only=True).__enter__()
        ok = False
        try:
            yield store
            ok = True
        finally:
            if not (ok and not self.writer_waiting() and self._keep(store)):
                store.__exit__(None, None, None)

    def _keep(self, store: Staging) -> bool:
        with self._lock:
            if self._closed or len(self._idle) >= self.kept:
                return False
            self._idle.append((time.monotonic(), store))
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch, name="staging-lezers", daemon=True)
                self._watcher.start()
            return True

    def _watch(self) -> None:
        """Close idle connections when a writer waits or they were unused for `idle_seconds`; ends
        when none is left (the next kept one starts it again)."""
        while True:
            time.sleep(WATCH_SECONDS)
            waiting = self.writer_waiting()
            now = time.monotonic()
            with self._lock:
                stale = [item for item in self._idle if waiting or now - item[0] >= self.idle_seconds]
                self._idle = [item for item in self._idle if item not in stale]
                done = not self._idle
                if done:
                    self._watcher = None
            for _used, store in stale:
                store.__exit__(None, None, None)
            if done:
                return

    def close(self) -> None:
        """Close every idle connection and keep no more (the server stops)."""
        with self._lock:
            self._closed = True
            closing, self._idle = [s for _used, s in self._idle], []
            watcher = self._watcher
        for store in closing:
            store.__exit__(None, None, None)
        if watcher is not None:  # it ends at its next look, finding nothing kept
            watcher.join()
