"""One small generated municipality shared by the synthetic tests (two gemeenten, five weeks)."""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
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
    _rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def paths(self, pattern: str) -> list[Path]:
        return sorted(self.out.glob(pattern))

    def rows(self, pattern: str) -> list[dict[str, str]]:
        """Every row of the CSV files matching `pattern` (header per file); read once, do not modify."""
        if pattern not in self._rows:
            result: list[dict[str, str]] = []
            for path in self.paths(pattern):
                with path.open(encoding="utf-8-sig", newline="") as handle:
                    result += list(csv.DictReader(handle, delimiter=";"))
            self._rows[pattern] = result
        return self._rows[pattern]

    def personen(self, d: date) -> list[dict]:
        """The Haal Centraal `personen` of every served gemeente on `d`; read once, do not modify."""
        key = f"hc:{d.isoformat()}"
        if key not in self._rows:
            self._rows[key] = [p for path in self.paths(f"{d.isoformat()}/brp/*.haalcentraal.json")
                               for p in json.loads(path.read_text(encoding="utf-8"))["personen"]]
        return self._rows[key]

    def persons(self, d: date) -> list[dict[str, str]]:
        return self.rows(f"{d.isoformat()}/truth/persons-*.csv")

    def signals(self, d: date) -> list[dict[str, str]]:
        return self.rows(f"{d.isoformat()}/truth/signals-*.csv")


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("municipality")
    manifest = generate(out, PERSONS, SEED, GEMEENTEN, weeks=WEEKS, workers=1)
    return Generated(out, manifest)
