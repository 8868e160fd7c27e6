"""Which DUO file is this? `--kind auto` decides by file name and header.

Why both: DUO's names (`duo-C-G0363-20260907.csv`, `202211A04G0363.csv`) are the quickest sign,
but files get renamed on the way from Mijn DUO to the inbox, so the header decides when the name
does not, and a name that contradicts the header refuses the file rather than loading it into the
wrong table. A01, A02 and A04 share one header: only the name (or `--kind`) tells them apart.
"""

from __future__ import annotations

import re
from pathlib import Path

from connectors.delimited import read_header
from connectors.duo_reports import REPORTS, parse_report_name
from connectors.errors import RefusedFile
from connectors.field_mapping import load_mapping
from connectors.textfile import check_text

KINDS = ("c", "p", *REPORTS)
_ENROLMENT_NAME = re.compile(r"(?i)^duo[-_]([CP])[-_]")
A0X = "a01/a02/a04"

# the column that marks each kind's header, by mapping and field (so aliases count too)
_SIGNATURES = (
    ("p", "duo_plevering", "mutatiesoort"),
    ("c", "duo_clevering", "volgnummer"),
    ("a06", "duo_a06", "convenantjaar"),
    ("a05", "duo_a05", "teldatum"),
    (A0X, "duo_a01", "datum_uitschrijving"),
)


def describe(kind: str) -> str:
    """'a C-levering', 'report A05' — for messages."""
    return f"a {kind.upper()}-levering" if kind in {"c", "p"} else f"report {kind.upper()}"


def kind_from_name(path: str | Path) -> str | None:
    """'c', 'p', 'a01' … from a DUO-style file name, else None."""
    name = Path(path).name
    if match := _ENROLMENT_NAME.match(name):
        return match[1].lower()
    report = parse_report_name(name)
    return report.report if report else None


def kind_from_header(header: list[str]) -> str | None:
    """'c', 'p', 'a05', 'a06', or 'a01/a02/a04' from the column names, else None."""
    names = {column.upper() for column in header}
    for kind, mapping, field in _SIGNATURES:
        if names & set(load_mapping(mapping).field(field).spellings):
            return kind
    return None


def detect_kind(path: str | Path, encoding: str | None = None) -> str:
    """The kind of DUO file at `path`, or `RefusedFile` when it cannot be told or name and header disagree."""
    path = Path(path)
    if not path.is_file():
        raise RefusedFile(path, None, None, "no such file")
    if path.stat().st_size == 0:
        raise RefusedFile(path, None, None, "empty file")
    by_name = kind_from_name(path)
    header = read_header(path, check_text(path, encoding))
    by_header = kind_from_header(header)
    if by_name and by_header:
        if by_name == by_header or (by_header == A0X and by_name in A0X.split("/")):
            return by_name
        raise RefusedFile(path, 1, None, f"the file name says {describe(by_name)} but the header is that "
                                         f"of {describe(by_header)}")
    if by_name:
        return by_name
    if by_header == A0X:
        raise RefusedFile(path, 1, None, "A01, A02 and A04 share this header: name the report with --kind "
                                         "or keep DUO's file name (jjjjmmA0xG0000.csv)")
    if by_header:
        return by_header
    raise RefusedFile(path, 1, None, "not a DUO delivery or report: neither the file name nor the header "
                                     "says C-levering, P-levering or A01-A06")
