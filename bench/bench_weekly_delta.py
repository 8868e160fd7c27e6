"""Benchmark: the weekly delta. A first weekly run loads a full BRP delivery and a DUO C-levering
and computes the signals; a second run a week later gets the same BRP delivery and a P-levering of
1 % mutations. Target (#17 item 10): the second run takes at most 20 % of the first.

    python -m bench.bench_weekly_delta [--n 1000000] [--dir /tmp/inbeeld-bench-weekly] [--repeat 3]

Both runs are what the weekly flow does with staging, each in a fresh child process on the same
staging file (`inbeeld import brp`, `inbeeld import duo`, then the signals of the peildatum):
the same BRP file again is recognised by its content hash and not loaded twice. The case sync and
the letters after the signals are left out: on bulk files, whose enrolments do not belong to the
BRP persons, nearly every child would get a case, which no real week does. The files come from
`bench.brp_bulk_files` (LO3 CSV, `n` persons) and `bench.duo_bulk_files` (`n` enrolments).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from bench.bench_import_brp import run_child

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.20
EVERY = 300  # of every 300 enrolments: one uitschrijving, one removal, one new enrolment (1 %)

WEEK = """
import json, sys, time
from datetime import date
from pathlib import Path
from connectors.brp import import_brp
from connectors.duo_enrolments import enrolment_changes, read_c_levering, read_p_levering
from connectors.staging import Staging
from rules.signals import compute_signals
staging, brp, duo, kind, peildatum = sys.argv[1:6]
stages, start = {}, time.perf_counter()
with Staging(Path(staging), gemeenten=("0363", "0599")) as st:
    brp_result = import_brp(st, Path(brp), force=True)
    stages["brp"] = time.perf_counter() - start
    reader = read_c_levering if kind == "c" else read_p_levering
    duo_result = st.import_file("duo_c" if kind == "c" else "duo_p", Path(duo), reader,
                                summarize=enrolment_changes)
    stages["duo"] = time.perf_counter() - start
    signals = compute_signals(st.con, date.fromisoformat(peildatum), ("0363", "0599")).aggregate(
        "count(*)").fetchall()[0][0]
    stages["signals"] = time.perf_counter() - start
print(json.dumps({"seconds": time.perf_counter() - start, "brp": brp_result.status, "read": duo_result.rows_read,
                  "signals": signals, "stages": stages}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="BRP persons, and DUO enrolments")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/inbeeld-bench-weekly"))
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds, each a fresh staging file with both runs; the verdict takes the median")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.brp_bulk_files import write_all
    from bench.duo_bulk_files import write_c_levering, write_p_levering

    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    start = time.perf_counter()
    brp = write_all(args.n, args.dir / "brp", formats=("lo3csv",))["lo3csv"]
    c_levering = write_c_levering(args.dir / "duo-C-G0363-20260907.csv", args.n)
    p_levering = write_p_levering(args.dir / "duo-P-G0363-20260914.csv", c_levering, every=EVERY)
    print(f"wrote the files in {time.perf_counter() - start:.1f} s", flush=True)
    ratios, cpu_ratios = [], []
    for round_ in range(1, args.repeat + 1):
        if args.repeat > 1:
            print(f"-- round {round_} of {args.repeat}", flush=True)
        staging = args.dir / f"staging-{round_}.duckdb"
        first = run_child(WEEK, str(staging), str(brp), str(c_levering), "c", "2026-09-07")
        second = run_child(WEEK, str(staging), str(brp), str(p_levering), "p", "2026-09-14")
        for name, run in (("first (full) ", first), ("second (delta)", second)):
            stages = ", ".join(f"{k} at {v:.1f} s" for k, v in run["stages"].items())
            print(f"{name} wall {run['wall']:6.1f} s  cpu {run['cpu']:6.1f} s  peak RSS {run['rss_mb']:5.0f} MB  "
                  f"BRP {run['brp']}, DUO rows {run['read']:,}, signals {run['signals']:,}  ({stages})", flush=True)
        ratios.append(second["wall"] / first["wall"])
        cpu_ratios.append(second["cpu"] / first["cpu"])
        print(f"second / first run: {ratios[-1]:.3f} (cpu {cpu_ratios[-1]:.3f})", flush=True)
    ratio = statistics.median(ratios)
    verdict = "meets" if ratio <= TARGET else "misses"
    print(f"median of {args.repeat} rounds, second / first run: {ratio:.3f} "
          f"(cpu {statistics.median(cpu_ratios):.3f}), target <= {TARGET}: {verdict}")
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
