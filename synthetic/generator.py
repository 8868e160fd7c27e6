"""`generate`: write a synthetic municipality (docs/formats.md §5), streamed chunk by chunk.

The population is cut into chunks of households, each drawn from (seed, chunk index) only and
simulated over every week; chunks are rendered in worker processes and written in index order,
so the files are byte-identical whatever the number of workers, and memory stays bounded by a
few chunks whatever the number of persons.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from synthetic import layout
from synthetic.output import Sink, Spools
from synthetic.population import chunk_sizes
from synthetic.render import PERSONS_HEADER, SIGNALS_HEADER, ChunkOutput, render_chunk
from synthetic.schools import SchoolRegistry, build_registry
from synthetic.truth import SIGNALS
from synthetic.window import Window
from synthetic.writers_brp import HAALCENTRAAL_CLOSE, HAALCENTRAAL_OPEN, LO3_HEADER, STUF_CLOSE, STUF_OPEN
from synthetic.writers_duo import (
    A05_HEADER,
    A06_HEADER,
    A_WERKVOORRAAD_HEADER,
    C_HEADER,
    P_HEADER,
    VSV_LISTS,
    format_a06,
    report_weeks,
    vsv_lists,
)
from synthetic.writers_verzuim import VERZUIM_CLOSE, VERZUIM_OPEN, VRIJSTELLINGEN_HEADER

DEFAULT_START = date(2026, 9, 7)
MANIFEST = "manifest.json"
GENERATOR = "inbeeld-synthetic/1"
CRLF = "\r\n"


@dataclass(frozen=True)
class Manifest:
    """What was generated: the parameters, the counts per week and every file with its sha256."""

    out: Path
    seed: int
    gemeenten: tuple[str, ...]
    persons: int
    parents: int
    peildatums: tuple[date, ...]
    weeks: tuple[dict, ...] = field(default_factory=tuple)
    files: tuple[dict, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        return {
            "generator": GENERATOR, "seed": self.seed, "gemeenten": list(self.gemeenten),
            "persons": self.persons, "parents": self.parents,
            "peildatums": [d.isoformat() for d in self.peildatums],
            "weeks": list(self.weeks), "files": list(self.files),
        }

    @classmethod
    def load(cls, out: str | Path) -> Manifest:
        data = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
        return cls(Path(out), data["seed"], tuple(data["gemeenten"]), data["persons"], data["parents"],
                   tuple(date.fromisoformat(d) for d in data["peildatums"]), tuple(data["weeks"]),
                   tuple(data["files"]))


def normalise_gemeenten(codes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Four-digit codes, in the given order, without duplicates; RNI (1999) is not a gemeente to serve."""
    out: list[str] = []
    for code in codes:
        text = str(code).strip()
        if not text.isdigit() or len(text) > 4:
            raise ValueError(f"gemeentecode {code!r} is geen getal van hoogstens 4 cijfers")
        text = text.zfill(4)
        if text == "1999":
            raise ValueError("1999 is de RNI (niet-ingezetenen), geen gemeente om te bedienen")
        if text not in out:
            out.append(text)
    if not out:
        raise ValueError("geef ten minste één gemeente")
    return tuple(out)


# -- worker processes ----------------------------------------------------------------------------

_STATE: tuple[int, Window, SchoolRegistry] | None = None


def _init_worker(seed: int, window: Window, persons: int) -> None:
    global _STATE
    _STATE = (seed, window, build_registry(seed, window.gemeenten, persons))


def _render(job: tuple[int, int]) -> ChunkOutput:
    assert _STATE is not None
    seed, window, registry = _STATE
    return render_chunk(seed, job[0], job[1], window, registry)


def _chunks(seed: int, window: Window, persons: int, workers: int) -> Iterator[ChunkOutput]:
    """Rendered chunks in index order, at most 2 x workers in flight."""
    jobs = list(enumerate(chunk_sizes(persons)))
    if workers <= 1 or len(jobs) == 1:
        _init_worker(seed, window, persons)
        for job in jobs:
            yield _render(job)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with context.Pool(workers, initializer=_init_worker, initargs=(seed, window, persons)) as pool:
        pending: deque = deque()
        queue = iter(jobs)
        for job in queue:
            pending.append(pool.apply_async(_render, (job,)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            result = pending.popleft().get()
            for job in queue:
                pending.append(pool.apply_async(_render, (job,)))
                break
            yield result


# -- the run -------------------------------------------------------------------------------------

def _prepare(out: Path) -> None:
    """Clear what an earlier run wrote here; refuse a non-empty folder that is not such a run."""
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).is_file():
            raise FileExistsError(f"{out} is niet leeg en bevat geen {MANIFEST}: daar wordt niet in "
                                  "geschreven")
        for entry in out.iterdir():
            if entry.is_dir() and len(entry.name) == 10 and entry.name[4] == "-":
                shutil.rmtree(entry)
        (out / MANIFEST).unlink()
    out.mkdir(parents=True, exist_ok=True)


def generate(out: str | Path, persons: int, seed: int, gemeenten: tuple[str, ...] | list[str],
             weeks: int = 4, start: date = DEFAULT_START, workers: int | None = None) -> Manifest:
    """Write the synthetic municipality into `out` and return its manifest.

    Same arguments, same bytes (the number of worker processes does not matter).
    """
    out = Path(out)
    codes = normalise_gemeenten(gemeenten)
    window = Window.of(codes, start, weeks)
    chunk_sizes(persons)  # validates the size before anything is written
    _prepare(out)
    sink = Sink(out)
    spools = Spools(out / ".spool")
    reports = report_weeks(window)
    for week, d in enumerate(window.peildatums):
        for g in codes:
            sink.create(layout.brp(d, g, "haalcentraal.json"), HAALCENTRAAL_OPEN, ",\n")
            sink.create(layout.brp(d, g, "lo3.csv"), LO3_HEADER + "\n")
            sink.create(layout.brp(d, g, "stufbg.xml"), STUF_OPEN)
            sink.create(layout.duo(d, g, week), (C_HEADER if week == 0 else P_HEADER) + CRLF)
            sink.create(layout.verzuim(d, g), VERZUIM_OPEN)
            sink.create(layout.vrijstellingen(d, g), VRIJSTELLINGEN_HEADER + "\n")
        sink.create(layout.persons(d), PERSONS_HEADER + "\n")
    for week, ref in reports:
        d = window.peildatums[week]
        for g in codes:
            for kind in ("A01", "A02", "A04"):
                sink.create(layout.report(d, ref, kind, g), A_WERKVOORRAAD_HEADER + CRLF)
            sink.create(layout.report(d, ref, "A05", g), A05_HEADER + CRLF)
            for year, definitief in vsv_lists(ref):
                for kind, header in VSV_LISTS.items():
                    sink.create(layout.vsv_list(d, kind, year, definitief, g), header + CRLF)

    stats: Counter = Counter()
    a06: dict[str, dict[tuple[str, str, str, str, str], list[int]]] = {}
    worker_count = workers if workers is not None else min(4, os.cpu_count() or 1)
    for chunk in _chunks(seed, window, persons, worker_count):
        for rel, data in chunk.data.items():
            sink.append(rel, data)
        for key in sorted(chunk.signals):
            spools.append(key, chunk.signals[key])
        for rel, cells in chunk.a06.items():
            target = a06.setdefault(rel, {})
            for key, (startset, vsv) in cells.items():
                counts = target.setdefault(key, [0, 0])
                counts[0] += startset
                counts[1] += vsv
        stats.update(chunk.stats)
    spools.close()

    for week, d in enumerate(window.peildatums):
        for g in codes:
            sink.finish(layout.brp(d, g, "haalcentraal.json"), HAALCENTRAAL_CLOSE)
            sink.finish(layout.brp(d, g, "lo3.csv"))
            sink.finish(layout.brp(d, g, "stufbg.xml"), STUF_CLOSE)
            sink.finish(layout.duo(d, g, week))
            sink.finish(layout.verzuim(d, g), VERZUIM_CLOSE)
            sink.finish(layout.vrijstellingen(d, g))
        sink.finish(layout.persons(d))
        rel = layout.signals(d)
        sink.create(rel, SIGNALS_HEADER + "\n")
        for signal in SIGNALS:
            for group in (0, 1):
                path = spools.path((week, signal, group))
                if path.exists():
                    sink.copy_from(rel, path)
        sink.finish(rel)
    for week, ref in reports:
        d = window.peildatums[week]
        for g in codes:
            for kind in ("A01", "A02", "A04", "A05"):
                sink.finish(layout.report(d, ref, kind, g))
            for year, definitief in vsv_lists(ref):
                for kind in VSV_LISTS:
                    sink.finish(layout.vsv_list(d, kind, year, definitief, g))
            rel = layout.report(d, ref, "A06", g)
            rows = format_a06(a06.get(rel, {}))
            sink.create(rel, A06_HEADER + CRLF)
            sink.append(rel, "".join(row + CRLF for row in rows).encode("utf-8"))
            sink.finish(rel)
    sink.close()
    spools.remove()

    manifest = Manifest(out=out, seed=seed, gemeenten=codes, persons=persons, parents=stats[(0, "ouders")],
                        peildatums=window.peildatums, weeks=tuple(_week_stats(stats, window)),
                        files=tuple(sink.files()))
    (out / MANIFEST).write_text(json.dumps(manifest.as_dict(), ensure_ascii=False, indent=1) + "\n",
                                encoding="utf-8")
    return manifest


def _week_stats(stats: Counter, window: Window) -> Iterator[dict]:
    for week, d in enumerate(window.peildatums):
        def group(prefix: str, week: int = week) -> dict[str, int]:
            return {name[len(prefix):]: stats[(w, name)] for (w, name) in sorted(stats)
                    if w == week and name.startswith(prefix)}
        yield {
            "peildatum": d.isoformat(),
            "jongeren": stats[(week, "jongeren")],
            "ingezetenen": stats[(week, "ingezetenen")],
            "persoonslijsten": stats[(week, "persoonslijsten")],
            "inschrijvingen": stats[(week, "inschrijvingen")],
            "mutaties": group("mutaties_"),
            "vrijstellingen": group("vrijstelling_"),
            "verzuimmeldingen": group("verzuim_"),
            "signalen": {signal: stats[(week, f"signal_{signal}")] for signal in SIGNALS},
        }
