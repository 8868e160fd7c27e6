"""The child process of the crash tests: the real weekly flow, paused at one named point to be killed.

`python -m tests.pipelines.crash_child DATA_DIR` runs `weekly_flow` exactly as the scheduler would.
The point comes from the environment (`INBEELD_CRASH_POINT`, `INBEELD_CRASH_MARKER`,
`INBEELD_CRASH_AT`), and `crash_site/sitecustomize.py` installs its pause hook in every Python
process of the run at start-up: in this one, and in the letter run's pool workers, which start
fresh. When a process reaches the point, the hook writes the marker (JSON: its pid and what it saw,
e.g. counts inside the open transaction) and sleeps; test_crash.py waits for the marker, checks
that the run really is half-way and sends SIGKILL. The hooks only wrap real calls (the first
archive move, one SQL statement, the rename of the N-th letter file): nothing the test is about is
replaced, the code is stopped where it stands.

Points:
  after_import   after the first delivery was imported and archived (three more wait in the inbox);
  case_sync      inside the case sync's transaction, right after the INSERT of the new cases and
                 before their timeline, audit, thuiszitters and personen rows;
  letter_files   during the letter run: the process writing letters (a pool worker, or the run
                 itself with one CPU) has renamed N-1 letter files and written the N-th under its
                 temporary name; the log rows are `gepland`;
  letter_record  inside the letter run's final transaction, right after the rows were flipped to
                 `aangemaakt` and before the case actions, audit and commit.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

PEILDATUM = date(2026, 9, 7)
GEMEENTE = "0363"
PAUSE_SECONDS = 300  # the parent kills long before; an orphan still ends on its own
NOT_KILLED = 3  # exit code when nobody killed us: the test then sees no SIGKILL and fails

POINTS = ("after_import", "case_sync", "letter_files", "letter_record")


def pause(marker: Path, facts: dict[str, Any]) -> NoReturn:
    """Tell the parent where we are (atomically: it never reads half a marker), then wait to be killed."""
    partial = marker.with_name(marker.name + ".part")
    partial.write_text(json.dumps({"pid": os.getpid(), **facts}), encoding="utf-8")
    os.replace(partial, marker)
    time.sleep(PAUSE_SECONDS)
    os._exit(NOT_KILLED)


def _after_first_archive(marker: Path) -> None:
    import pipelines.inbox as inbox

    original = inbox.archive

    def archive(*args: Any, **kwargs: Any) -> Path:
        target = original(*args, **kwargs)
        pause(marker, {"archived": target.name})

    inbox.archive = archive  # weekly.py calls `inbox_folder.archive` at run time


def _after_statement(marker: Path, prefix: str, probes: dict[str, str]) -> None:
    """Pause right after the first SQL statement that starts with `prefix`, still in its transaction;
    `probes` are counted on the same connection, so they see what the transaction wrote so far."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def after_cursor_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not " ".join(statement.split()).upper().startswith(prefix):
            return
        probe = conn.connection.dbapi_connection.cursor()
        facts = {}
        for name, sql in probes.items():
            probe.execute(sql)
            facts[name] = probe.fetchone()[0]
        probe.close()
        pause(marker, {"in_transaction": facts})

    event.listen(Engine, "after_cursor_execute", after_cursor_execute)


class _PausingOs:
    """`letters.render`'s view of `os`: the N-th `os.replace` (the rename of the N-th letter from its
    temporary name) pauses first; everything else is the real `os`."""

    def __init__(self, marker: Path, at: int) -> None:
        self.marker, self.at, self.calls = marker, at, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def replace(self, source: Any, target: Any) -> None:
        self.calls += 1
        if self.calls == self.at:
            pause(self.marker, {"letters_renamed": self.calls - 1, "unrenamed": Path(source).name})
        os.replace(source, target)


POINT, MARKER, AT = "INBEELD_CRASH_POINT", "INBEELD_CRASH_MARKER", "INBEELD_CRASH_AT"


def install(point: str, marker: Path, n: int) -> None:
    if point == "after_import":
        _after_first_archive(marker)
    elif point == "case_sync":
        _after_statement(marker, "INSERT INTO CASES ", {
            "cases": "SELECT count(*) FROM cases", "case_actions": "SELECT count(*) FROM case_actions"})
    elif point == "letter_files":
        import letters.render as render

        render.os = _PausingOs(marker, n)  # type: ignore[assignment]
    elif point == "letter_record":
        _after_statement(marker, "UPDATE LETTERS SET STATUS", {
            "aangemaakt": "SELECT count(*) FROM letters WHERE status = 'aangemaakt'",
            "gepland": "SELECT count(*) FROM letters WHERE status = 'gepland'",
            "case_actions": "SELECT count(*) FROM case_actions WHERE action = 'brief_verstuurd'"})
    else:
        raise SystemExit(f"unknown point {point!r}; known: {', '.join(POINTS)}")


def install_from_environment() -> None:
    """The hook named by the environment (called by crash_site/sitecustomize.py in every process)."""
    install(os.environ[POINT], Path(os.environ[MARKER]), int(os.environ.get(AT, "0")))


def main(argv: list[str]) -> None:
    if POINT not in os.environ:
        raise SystemExit(f"{POINT} is not set: run me through test_crash.py")
    from pipelines.weekly import weekly_flow

    weekly_flow(peildatum=PEILDATUM, data_dir=argv[0], gemeente=GEMEENTE)
    os._exit(NOT_KILLED)  # the run finished: the point was never reached


if __name__ == "__main__":
    main(sys.argv[1:])
