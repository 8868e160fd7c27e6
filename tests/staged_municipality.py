"""A generated municipality staged week by week: shared by the matching tests of rules/ and registers/."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from connectors.brp import import_brp
from connectors.duo_enrolments import read_c_levering, read_p_levering
from connectors.staging import Staging
from connectors.verzuim_xml import read_verzuim
from connectors.vrijstellingen_csv import read_vrijstellingen
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
        import_brp(st, path)
    for path in sorted((week / "duo").glob("duo-*.csv")):
        full = "-C-" in path.name
        st.import_file("duo_c" if full else "duo_p", path, read_c_levering if full else read_p_levering)
    for path in sorted((week / "verzuim").glob("*.xml")):
        st.import_file("verzuim", path, read_verzuim)
    for path in sorted((week / "vrijstellingen").glob("*.csv")):
        st.import_file("vrijstellingen", path, read_vrijstellingen)


def stage(root: Path, persons: int, seed: int, weeks: int = 4) -> StagedMunicipality:
    """Generate a municipality under `root` and import all its weeks (each BRP format in turn)."""
    manifest = generate(root / "data", persons=persons, seed=seed, gemeenten=[GEMEENTE], weeks=weeks)
    staging_path = root / "staging.duckdb"
    with Staging(staging_path, gemeenten=(GEMEENTE,)) as st:
        for index, peildatum in enumerate(manifest.peildatums):
            import_week(st, root / "data" / peildatum.isoformat(), BRP_FORMATS[index % len(BRP_FORMATS)])
    return StagedMunicipality(root / "data", staging_path, tuple(manifest.peildatums))
