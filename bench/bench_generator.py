"""Time and peak memory of the synthetic municipality generator.

Runs `inbeeld demo generate` in a child process (so its peak memory is measured alone, workers
included) and prints wall time, CPU time, persons per second, peak RSS and the output size.

    python bench/bench_generator.py --persons 250000 --weeks 1 [--out DIR] [--workers N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(persons: int, weeks: int, seed: int, gemeenten: list[str], out: Path, workers: int | None) -> dict:
    command = [sys.executable, str(ROOT / "cli.py"), "demo", "generate", "--out", str(out),
               "--persons", str(persons), "--seed", str(seed), "--weeks", str(weeks)]
    for code in gemeenten:
        command += ["--gemeente", code]
    if workers:
        command += ["--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    size = sum(int(f["bytes"]) for f in manifest["files"])
    return {
        "persons": persons, "parents": manifest["parents"], "weeks": weeks, "wall_s": round(wall, 1),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
        "persons_per_s": round(persons / wall), "peak_rss_mb": round(after.ru_maxrss / 1024),
        "output_gb": round(size / 1e9, 2), "files": len(manifest["files"]),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=250_000)
    parser.add_argument("--weeks", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gemeente", action="append", default=None)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="default: a temporary folder, removed after")
    parser.add_argument("--keep", action="store_true", help="keep the output")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="inbeeld-bench-")) / "out"
    try:
        result = run(args.persons, args.weeks, args.seed, args.gemeente or ["0363"], out, args.workers)
    finally:
        if not args.keep:
            shutil.rmtree(out.parent if args.out is None else out, ignore_errors=True)
    print(json.dumps(result))
    print(f"{result['persons']:,} persons x {result['weeks']} week(s): {result['wall_s']} s wall, "
          f"{result['cpu_s']} s CPU, {result['persons_per_s']:,} persons/s, "
          f"peak RSS {result['peak_rss_mb']} MB (largest process), "
          f"{result['output_gb']} GB in {result['files']} files")


if __name__ == "__main__":
    main()
