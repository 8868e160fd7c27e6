"""One small generated municipality shared by the synthetic tests (two gemeenten, five weeks)."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from synthetic import Manifest, generate

SEED = int(os.environ.get("INBEELD_SYNTHETIC_TEST_SEED", "7"))  # another seed: the same tests must hold
PERSONS = 1500
GEMEENTEN = ("0363", "0599")
WEEKS = 5  # the fifth peildatum (5 October) brings the monthly reports of October


@dataclass
class Generated:
    out: Path
    manifest: Manifest

    def paths(self, pattern: str) -> list[Path]:
        return sorted(self.out.glob(pattern))

    def rows(self, pattern: str) -> list[dict[str, str]]:
        """Every row of the CSV files matching `pattern` (header per file)."""
        result: list[dict[str, str]] = []
        for path in self.paths(pattern):
            with path.open(encoding="utf-8-sig", newline="") as handle:
                result += list(csv.DictReader(handle, delimiter=";"))
        return result

    def persons(self, d: date) -> list[dict[str, str]]:
        return self.rows(f"{d.isoformat()}/truth/persons-*.csv")

    def signals(self, d: date) -> list[dict[str, str]]:
        return self.rows(f"{d.isoformat()}/truth/signals-*.csv")


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("municipality")
    manifest = generate(out, PERSONS, SEED, GEMEENTEN, weeks=WEEKS, workers=1)
    return Generated(out, manifest)
