"""Benchmark: import a large BRP delivery in each format into typed staging, against what a plain
load of the same file takes in the same run; prints each target with meets / misses.

    python -m bench.bench_import_brp [--n 1000000] [--dir /tmp/inbeeld-bench] [--formats lo3csv,...]
                                     [--repeat 3] [--reuse]

The targets (#17 item 10) are ratios, so a busy shared machine slows both sides alike:
- LO3 CSV and Haal Centraal JSON: the typed import takes at most 1.5x a plain DuckDB load of the
  same file (LO3: every column as text into a table; Haal Centraal: each person line as a JSON
  value into a table; nothing extracted, typed or checked), and less time than pandas `read_csv`
  of it (LO3: every column as text; Haal Centraal: each line as one text value);
- StUF-BG: at least 45,000 persons/s, the process tree under 200 MB.
The verdicts take the median of `--repeat` rounds (default 3), each round running the import and
its peers one after the other: on a two-core virtual machine one run's wall time varies by up to a
third (the plain DuckDB load of LO3 took 4.4 to 7.5 s in one quarter of an hour, 2026-12-07).
Each import runs in its own process (a fresh staging file), so RSS is that import's alone. The
files come from `bench.brp_bulk_files` (fast, volume only); `--reuse` keeps files written by an
earlier run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

IMPORT = """
import json, sys, time
from pathlib import Path
from connectors.deliveries import load
from connectors.staging import Staging
path, fmt, staging, memory = sys.argv[1:5]
start = time.perf_counter()
with Staging(Path(staging), memory_limit=memory) as st:
    result = load(st, Path(path), "brp", fmt=fmt, force=True)
print(json.dumps({"seconds": time.perf_counter() - start, "read": result.rows_read,
                  "loaded": result.rows_loaded, "quarantined": result.rows_quarantined}))
"""

PANDAS = """
import json, sys, time
import pandas as pd
start = time.perf_counter()
frame = pd.read_csv(sys.argv[1], sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
print(json.dumps({"seconds": time.perf_counter() - start, "read": len(frame)}))
"""

PANDAS_LINES = """
import csv, json, sys, time
import pandas as pd
start = time.perf_counter()
frame = pd.read_csv(sys.argv[1], sep="\\x01", header=None, dtype=str, keep_default_na=False,
                    quoting=csv.QUOTE_NONE, encoding="utf-8-sig")
print(json.dumps({"seconds": time.perf_counter() - start, "read": len(frame)}))
"""

PLAIN = """
import json, sys, time
import duckdb
path, target, fmt = sys.argv[1:4]
con = duckdb.connect(target)
con.execute("SET memory_limit = '1200MB'")
start = time.perf_counter()
con.execute("BEGIN")
if fmt == "lo3csv":
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, delim = ';', header = true, all_varchar = true)",
                [path])
else:  # one person per line: each line a JSON value (parsed, nothing extracted)
    con.execute("CREATE TABLE t AS SELECT CAST(v AS JSON) AS person FROM (SELECT rtrim(ltrim(line, ' ' || chr(9)), "
                "',') AS v FROM read_csv(?, columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', "
                "escape = '', header = false)) WHERE v LIKE '{%}'", [path])
con.execute("COMMIT")
read = con.execute("SELECT count(*) FROM t").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - start, "read": read}))
"""

WRITE = """
import json, sys
from pathlib import Path
from bench.brp_bulk_files import write_all
n, data, formats = sys.argv[1:4]
paths = write_all(int(n), Path(data), formats=tuple(formats.split(",")))
marker = Path(data) / "done.json"
done = json.loads(marker.read_text()) if marker.exists() else {}
marker.write_text(json.dumps(done | {k: str(v) for k, v in paths.items()}))
print("{}")
"""

# DuckDB's limit in the import child. StUF-BG's is small, to hold its 200 MB target for the process
# tree, but not below what its work needs: a 50-column row group per loading thread before it is
# written (about 30 MB each), and until 2026-12-07 the sort of the search index. At 64 and 72 MB
# the import stopped with DuckDB out of memory (in a row file's load or the index), at 80 and 96
# MB it ran. While its worker processes run, the reader lowers a limit this small by what they hold
# (brp_stufbg._duckdb_threads). A municipality sets the same with Staging(path, memory_limit="80MB").
MEMORY = {"lo3csv": "1200MB", "haalcentraal": "1200MB", "stufbg": "80MB"}
PLAIN_RATIO = 1.5  # typed import / plain DuckDB load of the same file, at most
STUFBG_RATE, STUFBG_MB = 45_000, 200


def verdict(ok: bool) -> str:
    return "meets" if ok else "misses"


def _tree_rss_kb(root: int) -> int:
    """Summed VmRSS (kB) of `root` and its descendants now (worker processes count too)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(parents.get(pid, ()))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def _watch_rss(pid: int, peak: list[int], done: threading.Event) -> None:
    while not done.wait(0.05):
        peak[0] = max(peak[0], _tree_rss_kb(pid))


def run_child(code: str, *args: str) -> dict:
    """Run `code` in a child process: its JSON line plus wall, CPU (user + sys) and peak RSS (MB).

    Peak RSS is the larger of the child's ru_maxrss (max over it and its reaped children; it includes
    this process's RSS at fork, which is why this process never loads data itself) and the polled
    sum over the child's process tree (parallel workers are alive at the same time)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    peak, done = [0], threading.Event()
    watcher = threading.Thread(target=_watch_rss, args=(child.pid, peak, done), daemon=True)
    watcher.start()
    out, err = _communicate(child)
    _, status, usage = os.wait4(child.pid, 0)
    done.set()
    watcher.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode:
        raise RuntimeError(f"child failed: {err.decode()[-2000:]}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result.update(wall=wall, cpu=usage.ru_utime + usage.ru_stime,
                  rss_mb=max(usage.ru_maxrss, peak[0]) / 1024)
    return result


def _communicate(child: subprocess.Popen) -> tuple[bytes, bytes]:
    """Both pipes read to the end without waiting for the child (so wait4 gets its rusage)."""
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(child.stderr.read()), daemon=True)
    reader.start()
    out = child.stdout.read()
    reader.join()
    return out, err[0]


def _median(results: list[dict]) -> dict:
    """The median wall time and CPU of a measurement's rounds (peak RSS: the highest; rows: the first)."""
    return {**results[0], "wall": statistics.median(r["wall"] for r in results),
            "cpu": statistics.median(r["cpu"] for r in results), "rss_mb": max(r["rss_mb"] for r in results)}


def _import(fmt: str, path: Path, data: Path) -> dict:
    staging = data / f"staging-{fmt}.duckdb"
    for p in (staging, Path(f"{staging}.wal"), Path(f"{staging}.lock")):
        p.unlink(missing_ok=True)
    result = run_child(IMPORT, str(path), fmt, str(staging), MEMORY[fmt])
    size = path.stat().st_size / 1e9
    print(f"import {fmt:13s} {size:5.2f} GB  wall {result['wall']:6.1f} s  cpu {result['cpu']:6.1f} s  "
          f"peak RSS {result['rss_mb']:6.0f} MB  {result['read'] / result['wall']:9,.0f} persons/s  "
          f"(read {result['read']:,}, loaded {result['loaded']:,})", flush=True)
    return result


def _pandas(fmt: str, path: Path) -> dict:
    result = run_child(PANDAS if fmt == "lo3csv" else PANDAS_LINES, str(path))
    what = "every column as text" if fmt == "lo3csv" else "each line as one text value"
    print(f"pandas read_csv {fmt:12s} wall {result['wall']:6.1f} s  cpu {result['cpu']:6.1f} s  "
          f"peak RSS {result['rss_mb']:6.0f} MB  ({result['read']:,} rows, {what})", flush=True)
    return result


def _plain(fmt: str, path: Path, data: Path) -> dict:
    plain_db = data / "plain-duckdb.duckdb"
    for p in (plain_db, Path(f"{plain_db}.wal")):
        p.unlink(missing_ok=True)
    result = run_child(PLAIN, str(path), str(plain_db), fmt)
    for p in (plain_db, Path(f"{plain_db}.wal")):
        p.unlink(missing_ok=True)
    what = "into a table, all text" if fmt == "lo3csv" else "each person a JSON value in a table"
    print(f"plain DuckDB {fmt:15s} wall {result['wall']:6.1f} s  cpu {result['cpu']:6.1f} s  "
          f"peak RSS {result['rss_mb']:6.0f} MB  ({result['read']:,} rows {what}, nothing checked)", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/inbeeld-bench"))
    parser.add_argument("--formats", default="lo3csv,haalcentraal,stufbg")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of the import and its peers; the verdicts take the medians (default 3)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the files of the same size from runs before (write only those missing)")
    args = parser.parse_args()
    formats = tuple(args.formats.split(","))
    data = args.dir / f"n{args.n}"
    marker = data / "done.json"
    if not args.reuse:
        shutil.rmtree(data, ignore_errors=True)
    done = json.loads(marker.read_text()) if marker.exists() else {}
    missing = [f for f in formats if f not in done or not Path(done[f]).is_file()]
    if missing:
        start = time.perf_counter()
        # in a child: this process must stay small, as a child inherits its RSS at fork (see run_child)
        run_child(WRITE, str(args.n), str(data), ",".join(missing))
        print(f"wrote {args.n:,} persons per format in {time.perf_counter() - start:.1f} s", flush=True)
    paths = {k: Path(v) for k, v in json.loads(marker.read_text()).items()}

    runs: dict[str, list[dict]] = {}  # "import lo3csv", "pandas lo3csv", "plain lo3csv", ... -> one per round
    for round_ in range(1, args.repeat + 1):
        if args.repeat > 1:
            print(f"-- round {round_} of {args.repeat}", flush=True)
        for fmt in formats:
            runs.setdefault(f"import {fmt}", []).append(_import(fmt, paths[fmt], data))
            if fmt in ("lo3csv", "haalcentraal"):
                runs.setdefault(f"pandas {fmt}", []).append(_pandas(fmt, paths[fmt]))
                runs.setdefault(f"plain {fmt}", []).append(_plain(fmt, paths[fmt], data))
    if args.repeat > 1:
        print(f"-- the verdicts on the median of {args.repeat} rounds (each round runs the import and its peers "
              "one after the other, so a slower minute of the machine slows all three)")
    for fmt in ("lo3csv", "haalcentraal"):
        if fmt not in formats:
            continue
        ours, pandas, plain = (_median(runs[f"{who} {fmt}"]) for who in ("import", "pandas", "plain"))
        to_plain, to_pandas = ours["wall"] / plain["wall"], ours["wall"] / pandas["wall"]
        print(f"  {fmt}: import / plain DuckDB load {to_plain:.2f} (cpu {ours['cpu'] / plain['cpu']:.2f}), "
              f"target <= {PLAIN_RATIO}: {verdict(to_plain <= PLAIN_RATIO)}")
        print(f"  {fmt}: import / pandas read_csv {to_pandas:.2f} (cpu {ours['cpu'] / pandas['cpu']:.2f}), "
              f"target < 1: {verdict(to_pandas < 1)}")
    if "stufbg" in formats:
        ours = _median(runs["import stufbg"])
        rate = ours["read"] / ours["wall"]
        print(f"  stufbg: {rate:,.0f} persons/s, peak RSS {ours['rss_mb']:.0f} MB; target >= {STUFBG_RATE:,}/s "
              f"under {STUFBG_MB} MB: {verdict(rate >= STUFBG_RATE and ours['rss_mb'] < STUFBG_MB)}")
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
