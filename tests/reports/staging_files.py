"""Small DUO deliveries written in the contract's format (docs/formats.md §2) for the report tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from connectors import deliveries
from connectors.staging import Staging

C_HEADER = ("PERSOONSGEBONDENNUMMER", "BSN", "GEBOORTEDATUM", "GESLACHT", "POSTCODE", "GEMEENTECODE",
            "BRIN_NR", "VESTIGINGSNUMMER", "INSCHRIJVINGSVOLGNUMMER", "ONDERWIJSSOORT", "ONDERWIJSCODE",
            "NIVEAU", "LEERWEG", "DATUM_INSCHRIJVING", "DATUM_UITSCHRIJVING", "BEKOSTIGD", "DIPLOMA_DATUM",
            "INDICATIE_STARTKWALIFICATIE", "INDICATIE_PRO_VSO_GETUIGSCHRIFT")


def bsn(seed: int) -> str:
    """A 9-digit number passing the elfproef (weights 9..2, -1), made from `seed`."""
    for last in range(10):
        body = f"{(20_000_000 + seed * 7919) % 100_000_000:08d}"
        digits = [int(c) for c in body] + [last]
        if sum(d * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True)) % 11 == 0:
            return body + str(last)
    return bsn(seed + 1000)


def _iso_to_duo(value: Any) -> str:
    if value in (None, ""):
        return ""
    day = dt.date.fromisoformat(str(value))
    return f"{day:%d-%m-%Y}"


def c_row(row: Mapping[str, Any], volgnummer: int = 1) -> list[str]:
    return [row["persoonsnummer"], "", _iso_to_duo(row["geboortedatum"]), row.get("geslacht", "M"), "1017",
            row.get("gemeentecode", "0363"), row["brin"], "00", str(volgnummer), row["onderwijssoort"],
            row.get("onderwijscode") or "", row["niveau"], "", _iso_to_duo(row["datum_inschrijving"]),
            _iso_to_duo(row.get("datum_uitschrijving")), row.get("bekostigd", "J"),
            _iso_to_duo(row.get("diploma_datum")), row.get("startkwalificatie", "N"), "N"]


def write_c(path: Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    lines = [";".join(C_HEADER)]
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["persoonsnummer"], row["brin"])
        seen[key] = seen.get(key, 0) + 1
        lines.append(";".join(c_row(row, seen[key])))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def write_p(path: Path, mutations: Iterable[tuple[str, Mapping[str, Any], int]], on: dt.date) -> Path:
    lines = [";".join(("MUTATIESOORT", "MUTATIEDATUM", *C_HEADER))]
    for kind, row, volgnummer in mutations:
        lines.append(";".join([kind, f"{on:%d-%m-%Y}", *c_row(row, volgnummer)]))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def load(staging_path: Path, files: Iterable[Path]) -> None:
    """Import the files in order (C- or P-levering by name)."""
    with Staging(staging_path) as staging:
        for path in files:
            result = deliveries.load(staging, path, "duo_c" if "-C-" in path.name else "duo_p")
            assert result.status == "loaded" and not result.rows_quarantined, (path, staging.quarantine())
