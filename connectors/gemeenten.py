"""Gemeente names by CBS gemeentecode, for everything that shows a gemeente to a person.

The table is CBS's *Gemeentelijke indeling op 1 januari 2026* (source and update steps in
`connectors/reference/README.md`). Codes are the four digits of the BRP and DUO (`0363`); a
code the table does not know (a gemeente merged away, a typo) is shown as the code itself, so a
figure is never hidden for want of a name.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "reference" / "gemeenten-2026.csv"


@cache
def gemeentenamen() -> dict[str, str]:
    """Code (four digits) → CBS name, from the vendored table."""
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter=";")
        return {row["Gemeentecode"].zfill(4): row["Gemeentenaam"] for row in rows}


def gemeentenaam(code: object) -> str:
    """The name of gemeente `code` (`"363"`, `"0363"`, `"GM0363"` or 363), or the code when unknown."""
    text = str(code or "").strip()
    digits = text[2:] if text.upper().startswith("GM") else text
    if not digits.isdigit():
        return text
    return gemeentenamen().get(digits.zfill(4), digits.zfill(4))


def gemeente_label(code: object) -> str:
    """`Amsterdam (0363)`: the name with the code beside it, for a screen where both are looked for;
    the code alone when the table does not know it."""
    naam = gemeentenaam(code)
    text = str(code or "").strip()
    digits = text[2:] if text.upper().startswith("GM") else text
    return f"{naam} ({digits.zfill(4)})" if digits.isdigit() and naam != digits.zfill(4) else naam
