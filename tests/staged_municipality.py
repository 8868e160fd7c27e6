"""A generated municipality staged week by week: shared by the matching tests of rules/ and registers/."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from connectors.deliveries import load
from connectors.staging import Staging
from synthetic import generate

GEMEENTE = "0363"
BRP_FORMATS = ("lo3.csv", "haalcentraal.json", "stufbg.xml")


@dataclass(frozen=True)
class StagedMunicipality:
    data: Path
    staging_path: Path
    peildatums: tuple[date, ...]

    def truth(self, peildatum: date) -> set[tuple[str, str, str, str]]:
        """(signal, persoonsnummer, gemeentecode, sinds) the generator expects on `peildatum`."""
        folder = self.data / peildatum.isoformat() / "truth"
        with next(folder.glob("signals-*.csv")).open(newline="", encoding="utf-8") as handle:
            return {(r["SIGNAL"], r["PERSOONSNUMMER"], r["GEMEENTECODE"], r["SINDS"])
                    for r in csv.DictReader(handle, delimiter=";")}


def import_week(st: Staging, week: Path, brp_format: str) -> None:
    """Every delivery of one generated week, in the order the weekly job takes them."""
    for path in sorted((week / "brp").glob(f"*.{brp_format}")):
        load(st, path, "brp")
    for path in sorted((week / "duo").glob("duo-*.csv")):
        load(st, path)
    for path in sorted((week / "verzuim").glob("*.xml")):
        load(st, path, "verzuim")
    for path in sorted((week / "vrijstellingen").glob("*.csv")):
        load(st, path, "vrijstellingen")


def stage(root: Path, persons: int, seed: int, weeks: int = 4) -> StagedMunicipality:
    """Generate a municipality under `root` and import all its weeks (each BRP format in turn)."""
    manifest = generate(root / "data", persons=persons, seed=seed, gemeenten=[GEMEENTE], weeks=weeks)
    staging_path = root / "staging.duckdb"
    with Staging(staging_path, gemeenten=(GEMEENTE,)) as st:
        for index, peildatum in enumerate(manifest.peildatums):
            import_week(st, root / "data" / peildatum.isoformat(), BRP_FORMATS[index % len(BRP_FORMATS)])
    return StagedMunicipality(root / "data", staging_path, tuple(manifest.peildatums))
