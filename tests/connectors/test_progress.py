"""The import progress bar: the file position while Python reads, DuckDB's progress while a
statement runs (DuckDB reads with pread, which moves no file position)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from connectors.progress import _query_progress, bar_value
from connectors.staging import Staging

SIZE = 1000


@pytest.mark.parametrize(("position", "last", "query", "expected"), [
    (400, 300, -1.0, 400),   # Python reads the file: its position
    (400, 300, 50.0, 400),   # a moving position wins over a running statement (StUF-BG: both)
    (400, 400, 25.0, 250),   # the position stands still: the statement's share
    (None, None, 25.0, 250),  # no descriptor open on the file
    (400, 400, -1.0, None),  # nothing moves: the bar stays
    (None, None, -1.0, None),
    (0, 0, 150.0, SIZE),     # never past the end
])
def test_bar_value(position: int | None, last: int | None, query: float, expected: int | None) -> None:
    assert bar_value(position, last, query, SIZE) == expected


def test_a_running_statement_reports_its_progress_to_another_thread(tmp_path: Path) -> None:
    """Staging keeps DuckDB's progress (not printed), so the bar's thread can read it mid-statement."""
    with Staging(tmp_path / "staging.duckdb") as st:
        assert _query_progress(st.con) == -1.0  # no statement running
        seen: list[float] = []
        done = threading.Event()

        def poll() -> None:
            while not done.wait(0.01):
                seen.append(_query_progress(st.con))

        thread = threading.Thread(target=poll)
        thread.start()
        try:
            st.con.execute("SELECT count(*) FROM range(400000000) WHERE hash(range) % 7 = 0").fetchall()
        finally:
            done.set()
            thread.join()
    assert any(0 <= value <= 100 for value in seen)
    assert _query_progress(None) == -1.0
