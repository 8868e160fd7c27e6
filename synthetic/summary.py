"""A readable summary of a generated municipality, in Dutch, from its manifest and truth files."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

from inbeeld.getallen import getal
from rules.dates import format_nl
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
    """The summary `inbeeld demo generate` prints, in Dutch (the signals by their codes)."""
    first, last = manifest.weeks[0], manifest.weeks[-1]
    megabytes = f"{_megabytes(manifest):.1f}".replace(".", ",")
    lines = [
        f"Synthetische gemeente in {manifest.out} (seed {manifest.seed}, gemeente "
        f"{', '.join(manifest.gemeenten)}, {len(manifest.peildatums)} wekelijkse peildatums "
        f"{format_nl(manifest.peildatums[0])} t/m {format_nl(manifest.peildatums[-1])})",
        f"  bestanden:        {getal(len(manifest.files))} ({megabytes} MB)",
        f"  personen:         {getal(manifest.persons)} jongeren (0 tot de RMC-leeftijd) en "
        f"{getal(manifest.parents)} ouders",
        f"  ingezetenen:      {getal(first['ingezetenen'])} jonge ingezetenen op "
        f"{format_nl(date.fromisoformat(first['peildatum']))}, {getal(last['ingezetenen'])} op "
        f"{format_nl(date.fromisoformat(last['peildatum']))}",
        f"  inschrijvingen:   {getal(first['inschrijvingen'])} regels in de C-levering; mutaties daarna: "
        + (", ".join(f"{k} {getal(v)}" for k, v in _total(manifest, "mutaties").items()) or "geen"),
        "  vrijstellingen:   " + _joined(_total(manifest, "vrijstellingen")),
        "  verzuimmeldingen: " + _joined(_total(manifest, "verzuimmeldingen")),
        "",
        "Verwachte signalen per week (truth/signals-*.csv):",
    ]
    weeks = signals_per_week(manifest)
    lines.append("  " + "signaal".ljust(24) + "".join(peildatum.rjust(12) for peildatum, _ in weeks))
    for signal in SIGNALS:
        lines.append("  " + signal.ljust(24)
                     + "".join(getal(counts[signal]).rjust(12) for _, counts in weeks))
    return "\n".join(lines)


def _megabytes(manifest: Manifest) -> float:
    return sum(int(f["bytes"]) for f in manifest.files) / 1e6


def _total(manifest: Manifest, key: str) -> Counter:
    total: Counter = Counter()
    for week in manifest.weeks:
        total.update(week[key])
    return Counter(dict(sorted(total.items())))


def _joined(counts: Counter) -> str:
    return ", ".join(f"{k} {getal(v)}" for k, v in counts.items()) or "geen"
