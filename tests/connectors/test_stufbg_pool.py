"""The StUF-BG worker processes (connectors/stufbg_pool.py, connectors/stufbg_worker.py): real
processes reading real parts of the hand-written npsLa01 fixture, their answers in file order and
equal to reading in this process; a part that does not parse and a worker that dies are reported,
never skipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from connectors import xml_chunks
from connectors.mappings import load_mapping
from connectors.stufbg_objects import Layout
from connectors.stufbg_pool import WorkerFailed, Workers
from connectors.stufbg_worker import Setup, part_rows
from connectors.xml_safety import NotWellFormed

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "brp" / "gemeente.stufbg.xml"


def split(path: Path, size: int) -> tuple[Setup, list[tuple[int, int, int]]]:
    """The fixture's middle parts as (offset, length, first line), cut as the reader cuts them."""
    pattern = xml_chunks.end_tag("object")
    with path.open("rb") as handle:
        first, last = xml_chunks.first_end(handle, pattern), xml_chunks.last_end(handle, pattern)
        handle.seek(0)
        head = xml_chunks.read_head(handle.read(first), "object", None, "utf-8")
        places, offset, line = [], first, head.lines + 1
        for part in xml_chunks.parts(handle, first, last, size, pattern, "object"):
            places.append((offset, len(part), line))
            offset += len(part)
            line += part.count(b"\n")
    return Setup(str(path), load_mapping("brp_stufbg"), head.wrapper, "utf-8"), places


def test_answers_come_in_file_order_and_equal_reading_here() -> None:
    setup, places = split(FIXTURE, 1)
    assert len(places) >= 3  # more parts than workers: the turns wrap around
    layout = Layout(setup.mapping)
    data = FIXTURE.read_bytes()
    here = [part_rows(data[offset:offset + length], line, setup, layout) for offset, length, line in places]
    with Workers(2, setup) as pool:
        there = list(pool.rows(places))
    assert there == here
    lines = [int(row.split(b"\x1f", 1)[0]) for text, _, _ in there for row in text.splitlines()]
    assert lines == sorted(lines) and len(lines) == sum(count for _, count, _ in there)


def test_a_part_that_does_not_parse_is_not_well_formed(tmp_path: Path) -> None:
    setup, places = split(FIXTURE, 1)
    offset, length, line = places[1]
    broken = (offset, length - 3, line)  # cut inside the person's end tag
    with Workers(2, setup) as pool, pytest.raises(NotWellFormed):
        list(pool.rows([places[0], broken, places[2]]))


def test_a_worker_that_dies_is_reported() -> None:
    setup, places = split(FIXTURE, 1)
    with Workers(1, setup) as pool:
        pool._workers[0].process.kill()
        with pytest.raises(WorkerFailed, match="exit code -9"):
            list(pool.rows(places))


def test_workers_end_with_the_pool() -> None:
    setup, places = split(FIXTURE, 1)
    with Workers(2, setup) as pool:
        processes = [worker.process for worker in pool._workers]
        next(iter(pool.rows(places)))  # requests still queued when the pool closes
    assert all(process.poll() is not None for process in processes)


def test_a_worker_loads_neither_duckdb_nor_the_cli() -> None:
    """What keeps a worker at about 20 MB: only lxml and the light reading modules."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, connectors.stufbg_worker; "
         "print(sorted(m for m in ('duckdb', 'pandas', 'prefect', 'cli', 'connectors.brp_schema') "
         "if m in sys.modules))"],
        capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
