"""Fuzzing every reader with hostile bytes: random bytes and mutated valid deliveries.

Each reader must end in one of two ways: a clean refusal (`RefusedFile`, with staging exactly as it
was: every table's row count unchanged) or a load (rows it cannot use quarantined). Any other
exception is a bug hypothesis shrinks to a small example; a reader that hangs is interrupted by a
watchdog and fails the test. Bounded for CI: `INBEELD_FUZZ_EXAMPLES` examples per reader (default 60),
no deadline (the machine is shared).
"""

from __future__ import annotations

import faulthandler
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.deliveries import load
from connectors.errors import RefusedFile
from connectors.staging import ImportResult, Staging

FIXTURES = Path(__file__).resolve().parents[1] / "connectors" / "fixtures"
EXAMPLES = int(os.environ.get("INBEELD_FUZZ_EXAMPLES", "60"))
HANG_SECONDS = 30  # one small file; far more than any reader needs on a loaded machine

Importer = Callable[[Staging, Path], ImportResult]


def _duo(kind: str) -> Importer:
    def run(staging: Staging, path: Path) -> ImportResult:
        return load(staging, path, f"duo_{kind}")
    return run


@dataclass(frozen=True)
class Target:
    seed: Path  # a valid delivery to mutate; its name is the name every example gets
    importer: Importer
    share: float = 1.0  # of EXAMPLES: a reader whose every load is slow gets fewer


TARGETS = {
    "brp-lo3csv": Target(FIXTURES / "brp" / "gemeente.lo3.csv",
                         lambda s, p: load(s, p, "brp", fmt="lo3csv")),
    # a Haal Centraal load costs ~1.8 s whatever its size (DuckDB scans the array through a FIFO)
    "brp-haalcentraal": Target(FIXTURES / "brp" / "gemeente.haalcentraal.json",
                               lambda s, p: load(s, p, "brp", fmt="haalcentraal"), share=1 / 3),
    "brp-stufbg": Target(FIXTURES / "brp" / "gemeente.stufbg.xml",
                         lambda s, p: load(s, p, "brp", fmt="stufbg")),
    "duo-c": Target(FIXTURES / "duo" / "duo-C-G0363-20260907.csv", _duo("c")),
    "duo-p": Target(FIXTURES / "duo" / "duo-P-G0363-20260914.csv", _duo("p")),
    "duo-a04": Target(FIXTURES / "duo" / "202611A04G0363.csv", _duo("a04")),
    "verzuim": Target(FIXTURES / "verzuim" / "verzuim-G0363-20260914.xml",
                      lambda s, p: load(s, p, "verzuim")),
    "vrijstellingen": Target(FIXTURES / "vrijstellingen" / "vrijstellingen-G0363-20260907.csv",
                             lambda s, p: load(s, p, "vrijstellingen")),
}

TOKENS = [
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", b"&e;", b"<!ENTITY", b"]]>", b"<", b">",
    b";", b'"', b"'", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xe9", b"\n", b"\r\n", b"\r", b"\t",
    b"=cmd|'/C calc'!A0", b"99999999999999999999", b"-1", b"00000000", b"20100800", b"31-02-2026",
    b"{", b"}", b"[", b"]", b",", b":", b"null", b'"personen":', b"999993653", b"123456789", b"A" * 3000,
]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with one to four edits: bytes flipped, cut, repeated, replaced by tokens, truncated."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        size = len(data)
        at = draw(st.integers(0, max(size - 1, 0)))
        span = draw(st.integers(1, 64))
        edit = draw(st.sampled_from(["flip", "cut", "repeat", "token", "truncate", "random"]))
        if edit == "flip" and size:
            data[at] ^= draw(st.integers(1, 255))
        elif edit == "cut":
            del data[at:at + span]
        elif edit == "repeat":
            data[at:at] = data[at:at + span] * draw(st.integers(1, 50))
        elif edit == "token":
            data[at:at + draw(st.integers(0, 8))] = draw(st.sampled_from(TOKENS))
        elif edit == "truncate":
            del data[at:]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


def _counts(staging: Staging) -> dict[str, int]:
    tables = [name for (name,) in staging.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name").fetchall()]
    return {name: staging.con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] for name in tables}


class Watchdog:
    """Interrupts DuckDB after HANG_SECONDS; a hang in Python code ends the worker with a traceback."""

    def __init__(self, staging: Staging) -> None:
        self.staging = staging
        self.fired = False
        self._timer = threading.Timer(HANG_SECONDS, self._fire)

    def _fire(self) -> None:
        self.fired = True
        self.staging.con.interrupt()

    def __enter__(self) -> Watchdog:
        faulthandler.dump_traceback_later(HANG_SECONDS * 3, exit=True)
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        faulthandler.cancel_dump_traceback_later()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_hostile_bytes_are_refused_cleanly_or_loaded(name: str, tmp_path: Path) -> None:
    target = TARGETS[name]
    seed = target.seed.read_bytes()
    path = tmp_path / target.seed.name
    outcomes = {"refused": 0, "loaded": 0}

    with Staging(tmp_path / "staging.duckdb", gemeenten=("0363",)) as staging:

        @settings(max_examples=max(int(EXAMPLES * target.share), 10), deadline=None, database=None,
                  derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(st.one_of(st.binary(max_size=2048), mutated(seed)))
        def check(content: bytes) -> None:
            path.write_bytes(content)
            before = _counts(staging)
            with Watchdog(staging) as watchdog:
                try:
                    result = target.importer(staging, path)
                except RefusedFile as refusal:
                    assert not watchdog.fired, f"{name} hung and was interrupted"
                    assert Path(refusal.file).name == path.name and refusal.reason
                    assert _counts(staging) == before, f"{name}: a refused file changed staging"
                    outcomes["refused"] += 1
                    return
            assert not watchdog.fired, f"{name} hung and was interrupted"
            assert result.status in {"loaded", "duplicate"}
            outcomes["loaded"] += result.status == "loaded"

        check()

    assert outcomes["refused"] > 0, f"{name}: no hostile input was refused at all"
