"""Benchmark the letters: separate .docx letters per second, the merged print file, PDF pages per second.

Run from the repository root: `python bench/bench_letters.py [--letters 5000] [--merged 5000] [--pdf 300]`.
Targets on a 2-core machine: >= 200 letters/s, 5,000 merged <= 5 s, >= 50 PDF pages/s. Wall-clock
figures depend on what else the machine runs; the CPU time per letter does not.
For comparison, a plain `DocxTemplate(...).render(); save()` per letter takes ~38 ms here.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from letters.addressing import geadresseerden  # noqa: E402
from letters.context import Afzender, Kantoor, build_context  # noqa: E402
from letters.pdf import page_count, soffice_path, to_pdf  # noqa: E402
from letters.persons import Adres, Persoon  # noqa: E402
from letters.render import (  # noqa: E402
    LetterJob,
    default_workers,
    load,
    merge_files,
    render_files,
    render_merged,
)
from registers.codes import LetterKind  # noqa: E402

VOORNAMEN = ["Sanne", "Daan", "Emma", "Noah", "Julia", "Liam", "Mila", "Sem", "Tess", "Lucas"]
ACHTERNAMEN = [("de", "Vries"), ("", "Jansen"), ("van den", "Berg"), ("", "Bakker"), ("van", "Dijk")]
PEILDATUM = date(2026, 9, 7)


def contexts(count: int) -> list[dict]:
    """Synthetic absoluut-verzuim letters to two parents at one address."""
    kantoor, afzender = Kantoor(), Afzender(naam="A. Jansen", telefoon="020 123 4567")
    out = []
    for number in range(count):
        voorvoegsel, naam = ACHTERNAMEN[number % len(ACHTERNAMEN)]
        adres = Adres(straat="Kerkstraat", huisnummer=number % 300 + 1, postcode="1017GC",
                      woonplaats="Amsterdam")
        jongere = Persoon(f"K{number}", f"{VOORNAMEN[number % 10]} Maria", voorvoegsel, naam, "V",
                          date(2012, 1, 1) + timedelta(days=number % 1500), adres, "0363",
                          ouders=(f"V{number}", f"M{number}"))
        ouders = {
            f"V{number}": Persoon(f"V{number}", "Johannes", voorvoegsel, naam, "M", date(1980, 1, 1), adres),
            f"M{number}": Persoon(f"M{number}", "Anna", "", "Smit", "V", date(1982, 1, 1), adres),
        }
        geadresseerde = geadresseerden(jongere, ouders, PEILDATUM)[0]
        out.append(build_context(LetterKind.ABSOLUUT_VERZUIM, kantoor=kantoor, afzender=afzender,
                                 geadresseerde=geadresseerde, jongere=jongere, datum=PEILDATUM,
                                 kenmerk=f"LP-{number:06d}-01", plicht="leerplichtig"))
    return out


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children: a figure the machine's load does not bend."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=5000)
    parser.add_argument("--merged", type=int, default=5000)
    parser.add_argument("--pdf", type=int, default=300, help="letters in the PDF file (2 pages each)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-letters-"))
    try:
        data = contexts(max(args.letters, args.merged, args.pdf))
        template = load("absoluut_verzuim")

        cpu_start = _cpu_seconds()
        start = time.perf_counter()
        jobs = [LetterJob("absoluut_verzuim", context, work / f"brief-{n:06d}.docx")
                for n, context in enumerate(data[: args.letters])]
        render_files(jobs, workers=default_workers(), chunk_size=100)
        elapsed = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu_start
        size = sum(job.path.stat().st_size for job in jobs) / len(jobs)
        print(f"separate .docx: {args.letters} letters in {elapsed:.2f} s = "
              f"{args.letters / elapsed:,.0f} letters/s "
              f"({default_workers()} processes, {size / 1024:.0f} KiB each; "
              f"{cpu / args.letters * 1000:.2f} ms CPU per letter, so {args.letters / cpu * 2:,.0f}/s "
              "on two idle cores)")

        start = time.perf_counter()
        from_files = merge_files([job.path for job in jobs])
        elapsed = time.perf_counter() - start
        print(f"print file from the {len(jobs)} letter files (as the letter run does): {elapsed:.2f} s "
              f"({len(from_files) / 2**20:.1f} MiB)")

        start = time.perf_counter()
        merged = work / "drukwerk.docx"
        merged.write_bytes(render_merged([(template, context) for context in data[: args.merged]]))
        elapsed = time.perf_counter() - start
        print(f"merged .docx rendered from contexts: {args.merged} letters in {elapsed:.2f} s "
              f"({merged.stat().st_size / 2**20:.1f} MiB)")

        if soffice_path() is None:
            print("PDF:            skipped, LibreOffice (soffice) is not installed")
            return
        pdf_source = work / "pdf" / "drukwerk.docx"
        pdf_source.parent.mkdir()
        pdf_source.write_bytes(render_merged([(template, context) for context in data[: args.pdf]]))
        start = time.perf_counter()
        pages = page_count(to_pdf(pdf_source))
        elapsed = time.perf_counter() - start
        print(f"PDF:            {pages} pages in {elapsed:.2f} s = {pages / elapsed:,.0f} pages/s "
              "(one soffice call)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
