"""The faults a reader can raise, so every caller reports them the same way.

A file-level fault refuses the whole delivery: staging is left exactly as it was and the command
line exits with status 1. The message always names the file, the line (or record) and the field,
because the person fixing the delivery needs to find the spot without our source code.
"""

from __future__ import annotations

from pathlib import Path


class RefusedFile(Exception):
    """A delivery that cannot be loaded at all (wrong header, truncated, bad encoding, not well-formed).

    `line` is the 1-based line in the file (CSV, XML) or the 1-based record number (JSON, where the
    text has no useful lines); None when the fault is about the file as a whole. `reason` is in
    Dutch: beheer reads it on the command line, in the weekly run's `.reden.txt` and in its e-mail.
    """

    def __init__(self, file: str | Path, line: int | None, field: str | None, reason: str) -> None:
        self.file = str(file)
        self.line = line
        self.field = field
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = Path(self.file).name + " geweigerd"
        if self.line is not None:
            where += f", regel {self.line}"
        if self.field:
            where += f", veld {self.field}"
        return f"{where}: {self.reason}"


#: The reasons several readers give, worded once.
GEEN_BESTAND = "het bestand bestaat niet"
LEEG_BESTAND = "het bestand is leeg"
UTF16 = "tekst in UTF-16 wordt niet aanvaard: lever UTF-8 (of cp1252)"
NIETS_VERANDERD = "Er is niets veranderd in staging."


def refusal_lines(exc: Exception) -> str:
    """What the command line says of a refused delivery (after `Fout:`): the fault with file, line and
    field, and that staging is unchanged."""
    return f"Fout: {exc}\n{NIETS_VERANDERD}"


class SuspiciousShrink(RefusedFile):
    """A delivery with suspiciously fewer residents than the previous one: refused unless forced
    (docs/spec.md §6)."""


class StagingLocked(Exception):
    """Another process is writing to the same staging file (one writer per DuckDB file)."""
