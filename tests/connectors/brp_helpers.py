"""Small helpers for the BRP tests: import into a fresh staging file, and write LO3 CSVs."""

from __future__ import annotations

from pathlib import Path

from connectors.brp import import_brp
from connectors.persoonsnummer import is_bsn
from connectors.staging import ImportResult, Staging

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "brp"
HEADER = ";01.01.20;01.02.10;01.02.40;01.03.10;08.09.10;08.11.10;08.11.20;08.11.60;08.11.70"


def valid_bsns(count: int, start: int = 999_910_000) -> list[str]:
    """`count` BSNs passing the elfproef, in the 9999… test range."""
    out = []
    n = start
    while len(out) < count:
        if is_bsn(str(n)):
            out.append(str(n))
        n += 1
    return out


def lo3_file(path: Path, bsns: list[str], *, street: dict[str, str] | None = None,
             gemeente: str = "0363") -> Path:
    """A minimal LO3 selectie: one persoonslijst per BSN, born 2012-01-01, living in `gemeente`."""
    street = street or {}
    lines = [HEADER] + [
        f"Lg01_{i};{b};Kim;Jansen;20120101;{gemeente};{street.get(b, 'Kerkstraat')};{int(b[-3:]) + 1};"
        "1017GC;Amsterdam"
        for i, b in enumerate(bsns, start=1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(staging_path: Path, file: Path, **options) -> ImportResult:
    with Staging(staging_path) as st:
        return import_brp(st, file, **options)
