"""The pool of StUF-BG worker processes (`connectors/stufbg_worker.py`) that parse and read the
middle parts of a large file, and give back their rows in file order.

Why processes, not threads: libxml2 parses without the GIL, but reading the elements into rows is
Python, so parse threads used only about 1.2 of 2 cores. The pool hands out parts in turn, several
per worker so that none waits while the pool waits on another; each worker answers in the order
asked, so reading the answers in turn gives file order.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path

from connectors.stufbg_worker import Setup
from connectors.xml_safety import NotWellFormed

DEPTH = 4  # parts asked of each worker at a time
PIPE_SIZE = 1 << 20  # a worker's answer pipe: room for a few parts' rows
# glibc malloc keeps freed memory instead of giving it back after every part: without this, each
# part's tree is faulted in anew, which cost a worker about 4 of its 30 CPU µs per person
MALLOC = {"MALLOC_TRIM_THRESHOLD_": str(256 << 20), "MALLOC_TOP_PAD_": str(16 << 20)}
F_SETPIPE_SZ = 1031  # Linux


class WorkerFailed(RuntimeError):
    """A worker process ended without answering (its error output says why)."""


class _Worker:
    def __init__(self, setup: Setup) -> None:
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker, closed in close()
        root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ, **MALLOC,
                   PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "connectors.stufbg_worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._errors, env=env, close_fds=True)
        with suppress(OSError):  # a smaller pipe only costs waiting
            fcntl.fcntl(self.process.stdout.fileno(), F_SETPIPE_SZ, PIPE_SIZE)
        self.send(setup)

    def send(self, message: object) -> None:
        try:
            pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
        except BrokenPipeError as exc:
            raise self._failed() from exc

    def receive(self) -> tuple:
        try:
            return pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError) as exc:
            raise self._failed() from exc

    def _failed(self) -> WorkerFailed:
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # alive, yet its pipe is gone: it cannot answer any more
            self.process.kill()
            self.process.wait()
        self._errors.seek(0)
        said = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        return WorkerFailed(f"StUF-BG worker ended with exit code {self.process.returncode}"
                            + (f": {said[-1]}" if said else ""))

    def close(self) -> None:
        """End the worker: its pipes close (it stops at its next read or write), else kill it."""
        for pipe in (self.process.stdin, self.process.stdout):
            with suppress(BrokenPipeError):
                pipe.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._errors.close()


class Workers:
    """`count` worker processes reading parts of one file; `rows(parts)` yields each part's
    `(text, count, longest)` in the order of `parts`; `NotWellFormed` if one does not parse."""

    def __init__(self, count: int, setup: Setup) -> None:
        self._workers: list[_Worker] = []
        try:
            for _ in range(max(1, count)):
                self._workers.append(_Worker(setup))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def rows(self, parts: Iterable[tuple[int, int, int]]) -> Iterator[tuple[bytes, int, int]]:
        """`parts`: (file offset, length, first line) of each part."""
        pending: deque[_Worker] = deque()
        count = len(self._workers)
        for number, part in enumerate(parts):
            worker = self._workers[number % count]
            worker.send(part)
            pending.append(worker)
            if len(pending) >= count * DEPTH:
                yield self._answer(pending.popleft())
        while pending:
            yield self._answer(pending.popleft())

    @staticmethod
    def _answer(worker: _Worker) -> tuple[bytes, int, int]:
        kind, *rest = worker.receive()
        if kind == "not-well-formed":
            raise NotWellFormed(rest[0])
        return tuple(rest)

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
        self._workers = []
