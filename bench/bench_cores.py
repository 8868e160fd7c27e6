"""Benchmark: how much faster two processes finish than one on this machine.

    python -m bench.bench_cores [--mb 512] [--rounds 3]

Why: every speed target of the imports assumes two cores. Where two busy processes share caches
and memory bandwidth, each runs slower than it does alone, and no parallel reader gains more than
this factor. Two jobs: hashing one block over and over (compute only, it stays in the cache), and
what an import does to memory (parse 64 MB of person records in parts of 256 KB and read every
element in Python, as the StUF-BG workers do). The figure printed is (2 x one job's time alone) /
(the time of two side by side): 2.0 for two cores that do not hinder each other, 1.0 for one core.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from concurrent.futures import ProcessPoolExecutor

from lxml import etree

PERSON = ("<p><bsn>{n:09d}</bsn><naam>Jansen</naam><voornamen>Kim Maria</voornamen><geboren>20150902"
          "</geboren><adres><straat>Kerkstraat</straat><nummer>{n}</nummer><postcode>1017GC</postcode>"
          "</adres><ouder><bsn>{n:09d}</bsn><naam>Jansen</naam></ouder><leeg/></p>\n")


def hash_job(mb: int) -> float:
    """sha256 of one 1 MB block, `mb` times; its own wall time."""
    block = os.urandom(1 << 20)
    start = time.perf_counter()
    digest = hashlib.sha256()
    for _ in range(mb):
        digest.update(block)
    return time.perf_counter() - start


def xml_job(mb: int) -> float:
    """Parse `mb` MB of person records in 256 KB parts and read every element; its own wall time."""
    per_part = (256 << 10) // len(PERSON.format(n=0))
    parts = [("<r>" + "".join(PERSON.format(n=i * per_part + j) for j in range(per_part)) + "</r>").encode()
             for i in range(mb * 4)]
    start = time.perf_counter()
    for part in parts:
        for element in etree.fromstring(part).iter():
            element.tag, element.text  # noqa: B018 - the reading is the work measured
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=64, help="XML per job (the hash job does 16x as much)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with ProcessPoolExecutor(2) as pool:
        for name, job, mb in (("hash", hash_job, 16 * args.mb), ("xml ", xml_job, args.mb)):
            pool.submit(job, 1).result()  # start-up out of the measurement
            for _ in range(args.rounds):
                alone = pool.submit(job, mb).result()
                both = max(future.result() for future in [pool.submit(job, mb) for _ in range(2)])
                print(f"{name}: one job alone {alone:5.2f} s, two side by side {both:5.2f} s: "
                      f"two cores give {2 * alone / both:.2f}x one", flush=True)
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
