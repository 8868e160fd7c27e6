"""The import registry: every kind of delivery InBeeld reads, and the one way each is loaded.

Why one table: `inbeeld import …`, the weekly inbox, the tests and the benches must decide and load
a file the same way. Each `DeliveryKind` holds what is known about one kind — its file-name rule,
the mapping whose header marks it, its reader, its change summary — and `load` is the only call
that puts a file into staging (the BRP's own import, with its format detection and shrink guard,
is plugged in as that kind's loader). The order of `KINDS` is the inbox's import order.

Deciding the kind (`detect`, `kind="auto"`): the file name first (DUO's names, the inbox's
names), checked against the header for the DUO kinds, since files get renamed between Mijn DUO and
the inbox; a name that contradicts the header refuses the file. Without a telling name the header
decides: the kind whose required columns are all there, the most specific one (a P-levering has
every C-levering column and MUTATIESOORT).

Delivery identity: a file is already loaded when an earlier import of its kind had the same
content (sha256) *and* the same `DeliveryName.identity` — what its name says it is: a report's
report, area and month (`A04 G0363 2026-11`), a levering's kind, area and date. October's A04
with September's bytes (nobody came or went) is October's report and is loaded; a file whose
name says nothing is known by its content alone. BRP, verzuim and vrijstellingen files are known
by content: their content carries its own dates and keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from connectors.brp import import_brp
from connectors.delimited import read_header
from connectors.duo_enrolments import area_in_file_name, enrolment_changes, read_c_levering, read_p_levering
from connectors.duo_reports import REPORTS, parse_report_name, read_report, report_changes
from connectors.errors import GEEN_BESTAND, LEEG_BESTAND, RefusedFile
from connectors.mappings import load_declared
from connectors.staging import ImportResult, Staging, date_in_file_name
from connectors.textfile import check_text
from connectors.verzuim_xml import read_verzuim, verzuim_changes
from connectors.vrijstellingen_csv import read_vrijstellingen, vrijstellingen_changes


class ReaderNotAvailable(RefusedFile):
    """No reader for this kind of file (the file stays in the inbox)."""


@dataclass(frozen=True)
class DeliveryName:
    """What a file name says: the kind, the delivery date for the inbox order, the identity."""

    kind: str
    delivered: str         # yyyymmdd or yyyymm, '' when the name has none
    identity: str | None   # 'A04 G0363 2026-11', 'C G0363 2026-09-07'; None when the name does not say


NameRule = Callable[[str], DeliveryName | None]
_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d(?:0[1-9]|1[0-2])(?:[0-3]\d)?)(?!\d)")


def _delivered(name: str) -> str:
    found = _DATE.search(name.split(".")[0])
    return found.group(1) if found else ""


def _pattern_rule(kind: str, pattern: str) -> NameRule:
    """A name matching `pattern` is of `kind`; its content alone makes its identity."""
    compiled = re.compile(pattern, re.IGNORECASE)

    def rule(name: str) -> DeliveryName | None:
        return DeliveryName(kind, _delivered(name), None) if compiled.search(name) else None

    return rule


def _levering_rule(letter: str) -> NameRule:
    """`duo-C-G0363-20260907.csv`: a C- or P-levering, known by its area and date too."""
    compiled = re.compile(rf"^duo[-_]{letter}[-_].*\.csv$", re.IGNORECASE)

    def rule(name: str) -> DeliveryName | None:
        if not compiled.match(name):
            return None
        area, day = area_in_file_name(name), date_in_file_name(name)
        identity = f"{letter} {area[0]}{area[1]} {day.isoformat()}" if area and day else None
        return DeliveryName(f"duo_{letter.lower()}", _delivered(name), identity)

    return rule


def _report_rule(report: str) -> NameRule:
    """`202211A04G0363.csv`, `NRSP2023DI27GZ.csv`: a report, known by its report, area and month
    (or convenantjaar and status) too."""

    def rule(name: str) -> DeliveryName | None:
        parsed = parse_report_name(name)
        if parsed is None or parsed.report != report:
            return None
        delivered = f"{parsed.month:%Y%m}" if parsed.month else f"{parsed.year + 1}10"
        return DeliveryName(f"duo_{report}", delivered, parsed.identity)

    return rule


@dataclass(frozen=True)
class DeliveryKind:
    """One kind of delivery: how it is recognised, read and summarised."""

    name: str                  # the staging kind: 'brp', 'duo_c', 'duo_a04', 'verzuim', ...
    label: str                 # for messages (Dutch): 'C-levering', 'rapport A04'
    family: str                # the `inbeeld import` command that takes it: brp, duo, verzuim, vrijstellingen
    rank: int                  # inbox order: kinds of one rank are imported by delivery date
    name_rule: NameRule
    reader: Callable[..., Any] | None = None   # reader(path, con, import_id, *, encoding, mapping)
    summarize: Callable[..., dict] | None = None
    mapping: str | None = None  # the declared mapping whose required columns mark its header
    loader: Callable[..., ImportResult] | None = None  # a connector's own import (BRP)

    @property
    def code(self) -> str:
        """'c', 'p', 'a04' — the `--kind` of `inbeeld import duo`."""
        return self.name.removeprefix("duo_")

    def describe(self) -> str:
        return f"een {self.label}" if self.label.endswith("levering") else self.label

    def load(self, staging: Staging, path: Path, *, encoding: str | None = None,
             mapping: str | Path | None = None, force: bool = False, **options: Any) -> ImportResult:
        """Load `path` as this kind (all or nothing; the same delivery twice is a no-op)."""
        if self.loader is not None:
            return self.loader(staging, path, encoding=encoding, mapping=mapping, force=force, **options)
        said = self.name_rule(path.name)
        reader = partial(self.reader, encoding=encoding, mapping=mapping, **options)
        return staging.import_file(self.name, path, reader, force=force, summarize=self.summarize,
                                   delivery=said.identity if said else None)


_REPORT_LABELS = {report: f"rapport {report.upper()}" for report in REPORTS} | {"nrsp": "NRSP-lijst",
                                                                               "nenr": "NenR-lijst"}
KINDS: dict[str, DeliveryKind] = {kind.name: kind for kind in (
    DeliveryKind("brp", "BRP-levering", "brp", 0,
                 _pattern_rule("brp", r"\.(haalcentraal\.json|lo3\.csv|stufbg\.xml)$"), loader=import_brp),
    DeliveryKind("duo_c", "C-levering", "duo", 1, _levering_rule("C"), read_c_levering, enrolment_changes,
                 "duo_clevering"),
    DeliveryKind("duo_p", "P-levering", "duo", 2, _levering_rule("P"), read_p_levering, enrolment_changes,
                 "duo_plevering"),
    *(DeliveryKind(f"duo_{report}", _REPORT_LABELS[report], "duo", 3, _report_rule(report),
                   partial(read_report, report), report_changes(report), f"duo_{report}")
      for report in REPORTS),
    DeliveryKind("verzuim", "verzuimmeldingen", "verzuim", 4, _pattern_rule("verzuim", r"^verzuim.*\.xml$"),
                 read_verzuim, verzuim_changes),
    DeliveryKind("vrijstellingen", "vrijstellingen", "vrijstellingen", 5,
                 _pattern_rule("vrijstellingen", r"^vrijstellingen.*\.csv$"), read_vrijstellingen,
                 vrijstellingen_changes),
)}
DUO_CODES = tuple(kind.code for kind in KINDS.values() if kind.family == "duo")


def read_name(path: str | Path) -> DeliveryName | None:
    """What the file name says (kind, delivery date, identity), or None for a name of no known kind."""
    name = Path(path).name
    for kind in KINDS.values():
        if said := kind.name_rule(name):
            return said
    return None


def _required_columns(mapping: str) -> dict[str, frozenset[str]]:
    """Per required column of `mapping` as the readers use it (the municipality's copy when there
    is one), by field name: the header spellings that satisfy it."""
    return {f.name: frozenset(f.spellings) for f in load_declared(mapping).fields if f.required_column}


def _contradicts(named: DeliveryKind, fitting: list[DeliveryKind]) -> bool:
    """The header is another kind's: it fits kinds that need a column `named` does not have.

    A header that fits only kinds asking less than `named` (a C-levering with a column missing
    fits A01's three) is `named`'s with a fault, which its reader names.
    """
    if not fitting or named in fitting or named.mapping is None:
        return False
    own = set(_required_columns(named.mapping))
    return any(not set(_required_columns(kind.mapping)) <= own for kind in fitting if kind.mapping)


def kinds_by_header(header: list[str], family: str = "duo") -> list[DeliveryKind]:
    """The kinds of `family` whose required columns are all in `header`, the most specific only.

    Several when they share a header (A01, A02 and A04): then only the name tells them apart.
    """
    names = {column.upper().lstrip("#") for column in header}
    fits = []
    for kind in KINDS.values():
        if kind.family == family and kind.mapping:
            required = _required_columns(kind.mapping)
            if all(names & spellings for spellings in required.values()):
                fits.append((len(required), kind))
    most = max((n for n, _ in fits), default=0)
    return [kind for n, kind in fits if n == most]


def _names(kinds: list[DeliveryKind]) -> str:
    labels = [kind.label.removeprefix("rapport ") for kind in kinds]
    return ", ".join(labels[:-1]) + " en " + labels[-1] if len(labels) > 1 else labels[0]


def detect(path: str | Path, kind: str = "auto", *, family: str | None = None,
           encoding: str | None = None) -> DeliveryKind:
    """The kind of the file at `path`: `kind` when named, else by file name and header (see above).

    `family` limits the choice (`inbeeld import duo` takes DUO files only). A file that cannot be
    told, or whose name and header disagree, is refused (`RefusedFile`) before staging is touched.
    """
    path = Path(path)
    if kind != "auto":
        if kind not in KINDS or (family and KINDS[kind].family != family):
            raise ReaderNotAvailable(path, None, None, f"onbekende soort levering {kind!r}")
        return KINDS[kind]
    said = read_name(path)
    by_name = KINDS[said.kind] if said else None
    if by_name and family and by_name.family != family:
        raise RefusedFile(path, None, None,
                          f"de bestandsnaam zegt {by_name.describe()}, geen {family}-levering")
    if by_name and by_name.family != "duo":
        return by_name
    if not path.is_file():
        raise RefusedFile(path, None, None, GEEN_BESTAND)
    if path.stat().st_size == 0:
        raise RefusedFile(path, None, None, LEEG_BESTAND)
    by_header = kinds_by_header(read_header(path, check_text(path, encoding)))
    if by_name:
        if not _contradicts(by_name, by_header):
            return by_name  # a fault in the header is for the reader to name
        raise RefusedFile(path, 1, None, f"de bestandsnaam zegt {by_name.describe()}, maar de kopregel "
                                         f"is die van {by_header[0].describe()}")
    if len(by_header) > 1:
        raise RefusedFile(path, 1, None, f"{_names(by_header)} hebben dezelfde kopregel: noem het rapport "
                                         "met --kind of houd de bestandsnaam van DUO aan "
                                         "(202211A04G0363.csv)")
    if by_header:
        return by_header[0]
    raise RefusedFile(path, 1, None, "geen levering of rapport van DUO: bestandsnaam noch kopregel zegt "
                                     "C-levering, P-levering of een DUO-rapport (A01-A14, NRSP, NenR)")


def load(staging: Staging, path: str | Path, kind: str = "auto", *, family: str | None = None,
         encoding: str | None = None, mapping: str | Path | None = None, force: bool = False,
         **options: Any) -> ImportResult:
    """Decide the kind of `path` (`detect`) and load it into the open `staging`: the one way in."""
    path = Path(path)
    chosen = detect(path, kind, family=family, encoding=encoding)
    return chosen.load(staging, path, encoding=encoding, mapping=mapping, force=force, **options)


@dataclass(frozen=True)
class ImportOutcome:
    """Counts only (an import id is a number of ours, not personal data)."""

    staging_kind: str
    status: str  # "loaded" | "duplicate"
    rows_loaded: int
    rows_quarantined: int

    def as_counts(self) -> dict[str, int]:
        loaded = self.status == "loaded"
        return {
            "files_imported": int(loaded),
            "files_already_imported": int(not loaded),
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
        }


def stage_delivery(staging_path: Path, path: Path, kind: str = "auto", gemeenten: tuple[str, ...] = (),
                   force: bool = False) -> ImportOutcome:
    """Open the staging file and `load` one file (the weekly flow's import); counts only.

    Vrijstellingen that must also enter their register go through `pipelines.imports`."""
    with Staging(staging_path, gemeenten=gemeenten) as staging:
        result = load(staging, path, kind, force=force)
    return ImportOutcome(result.kind, result.status, result.rows_loaded, result.rows_quarantined)
