"""A readable summary of a generated municipality, from its manifest and truth files."""

from __future__ import annotations

import csv
from collections import Counter

from synthetic import layout
from synthetic.generator import Manifest
from synthetic.truth import SIGNALS


def signals_per_week(manifest: Manifest) -> list[tuple[str, Counter]]:
    """The expected signals per type, counted from each week's truth file."""
    out = []
    for d in manifest.peildatums:
        with (manifest.out / layout.signals(d)).open(encoding="utf-8", newline="") as handle:
            counts = Counter(row["SIGNAL"] for row in csv.DictReader(handle, delimiter=";"))
        out.append((d.isoformat(), counts))
    return out


def summarise(manifest: Manifest) -> str:
    first, last = manifest.weeks[0], manifest.weeks[-1]
    lines = [
        f"Synthetic municipality in {manifest.out} (seed {manifest.seed}, gemeente "
        f"{', '.join(manifest.gemeenten)}, {len(manifest.peildatums)} weekly peildatums "
        f"{manifest.peildatums[0].isoformat()} .. {manifest.peildatums[-1].isoformat()})",
        f"  files:            {len(manifest.files)} ({_megabytes(manifest):.1f} MB)",
        f"  persons:          {manifest.persons} young people (0 up to the RMC age) and "
        f"{manifest.parents} parents",
        f"  residents:        {first['ingezetenen']} young residents on {first['peildatum']}, "
        f"{last['ingezetenen']} on {last['peildatum']}",
        f"  enrolments:       {first['inschrijvingen']} rows in the C-levering; mutations after it: "
        + (", ".join(f"{k} {v}" for k, v in _total(manifest, "mutaties").items()) or "none"),
        "  vrijstellingen:   " + _joined(_total(manifest, "vrijstellingen")),
        "  verzuimmeldingen: " + _joined(_total(manifest, "verzuimmeldingen")),
        "",
        "Expected signals per week (truth/signals-*.csv):",
    ]
    weeks = signals_per_week(manifest)
    lines.append("  " + "signal".ljust(24) + "".join(peildatum.rjust(12) for peildatum, _ in weeks))
    for signal in SIGNALS:
        lines.append("  " + signal.ljust(24) + "".join(str(counts[signal]).rjust(12) for _, counts in weeks))
    return "\n".join(lines)


def _megabytes(manifest: Manifest) -> float:
    return sum(int(f["bytes"]) for f in manifest.files) / 1e6


def _total(manifest: Manifest, key: str) -> Counter:
    total: Counter = Counter()
    for week in manifest.weeks:
        total.update(week[key])
    return Counter(dict(sorted(total.items())))


def _joined(counts: Counter) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"
