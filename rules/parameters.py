"""Values a law can change, each keyed by the date from which it holds (the OpenFisca pattern).

The values live in `rules/law/<layer>/<source>.toml`, one folder per layer of regulation (the
regelrecht pattern, docs/law-layers.md): `wet`, `regeling`, `selectielijst`, `definities` and
`lokaal`. A change in the law is one new dated value there: `value(name, on)` then answers with the
value in force on that day, the rules in `rules.status` evaluate it per day, and `rules.sql` turns
the dated values into CASE expressions, so neither needs a code edit. The loader refuses a value
without a reference, a parameter declared twice, two values from the same day and a file outside the
layers. Values of the `lokaal` layer are local policy: an installation overrides them in
`inbeeld.toml` (`[beleid]`, `with_local_policy`), each gemeente it serves may set its own on top
(`[beleid.gemeente."<code>"]`, kept in `Parameters.per_gemeente`), and the commands use the law with
those overrides (`use`). `value(name, on, gemeente=...)` answers for one gemeente.

    >>> value("leerplicht_startleeftijd", date(2025, 1, 1))
    5
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rules.dates import MaandDag, format_nl

if TYPE_CHECKING:
    from inbeeld.settings import Settings

LAW_DIR = Path(__file__).with_name("law")

#: The layers of regulation, highest first: the folder name and what it holds (docs/law-layers.md).
LAYERS = {
    "wet": "formal law: the Leerplichtwet, the WEB, the Wet politiegegevens, the education acts",
    "regeling": "AMvB's and ministeriële regelingen under those acts",
    "selectielijst": "the archive selectielijst and the archival guidance read with it",
    "definities": "national definitions for counting: CBS/DUO statistics, OCW's thuiszitter definition",
    "lokaal": "local policy of the gemeente; each value can be overridden in inbeeld.toml ([beleid])",
}
LOCAL_LAYER = "lokaal"
#: Local policy that inbeeld.toml cannot override: the database enforces it too (revision 0008).
NOT_OVERRIDABLE = frozenset({"bewaartermijn_audit"})
#: Local policy that holds for the whole installation, never per gemeente: one staging file, one audit trail.
PER_INSTALLATION = frozenset({"bewaartermijn_staging", "bewaartermijn_audit"})

ParameterValue = int | MaandDag | str

UNITS = {"jaar", "schooljaren", "weken", "maanden", "maand-dag", "tekst"}  # tekst: a citation


class ParameterError(LookupError):
    """An unknown parameter, or a date before the first value of a parameter."""

    def __str__(self) -> str:  # LookupError would quote the message like a key
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter: it holds from `since` until the next value's `since`."""

    since: date
    value: ParameterValue
    reference: str
    note: str = ""
    url: str = ""
    local: bool = False  # set by the gemeente in inbeeld.toml, not shipped with InBeeld


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    values: tuple[DatedValue, ...]
    layer: str = ""  # a key of LAYERS ("" for a parameter built in code, e.g. a proposal's)
    source: str = ""  # the file it was read from, relative to rules/law
    source_title: str = ""
    source_url: str = ""

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"parameter {self.name}: onbekende eenheid {self.unit!r} "
                             f"(een van {sorted(UNITS)})")
        if self.layer and self.layer not in LAYERS:
            raise ValueError(f"parameter {self.name}: onbekende laag {self.layer!r} "
                             f"(een van {', '.join(LAYERS)})")
        if not self.values:
            raise ValueError(f"parameter {self.name}: geen waarden")
        for earlier, later in zip(self.values, self.values[1:], strict=False):
            if later.since == earlier.since:
                raise ValueError(f"parameter {self.name}: twee waarden vanaf {later.since.isoformat()} "
                                 "(hun perioden overlappen)")
            if later.since < earlier.since:
                raise ValueError(f"parameter {self.name}: de waarden moeten op oplopende datum staan")
        for item in self.values:
            expected = {"maand-dag": MaandDag, "tekst": str}.get(self.unit, int)
            if not isinstance(item.value, expected) or isinstance(item.value, bool) or item.value == "":
                raise ValueError(f"parameter {self.name}: de waarde {item.value!r} is geen {self.unit}")
            if not item.reference.strip():
                raise ValueError(f"parameter {self.name}: de waarde vanaf {item.since} heeft geen "
                                 "wettelijke bron")

    @property
    def first_date(self) -> date:
        return self.values[0].since

    def at(self, on: date) -> DatedValue:
        """The dated value in force on `on`; ParameterError before the first one."""
        found = None
        for item in self.values:
            if item.since <= on:
                found = item
            else:
                break
        if found is None:
            raise ParameterError(
                f"parameter {self.name!r} heeft geen waarde op {format_nl(on)}: de eerste waarde geldt "
                f"vanaf {format_nl(self.first_date)} (InBeeld kent de wet van vóór die dag niet)"
            )
        return found


@dataclass(frozen=True)
class Segment:
    """A stretch of days [start, end) on which every parameter of a rule keeps one value (end None: open)."""

    start: date
    end: date | None
    values: Mapping[str, ParameterValue]


@dataclass(frozen=True, eq=False)
class Parameters:
    """An immutable set of parameters; `with_value` gives a changed copy (for a bill, or a test).

    `per_gemeente` holds the local-policy parameters a served gemeente sets itself (by gemeentecode,
    then name); any other parameter, and any gemeente not in it, takes `by_name`. Compared and hashed
    by identity, so a set can key a cache."""

    by_name: Mapping[str, Parameter]
    per_gemeente: Mapping[str, Mapping[str, Parameter]] = field(default_factory=dict)
    _segments: dict[tuple[str, ...], tuple[Segment, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _as_of: dict[date, Parameters] = field(default_factory=dict, compare=False, repr=False)

    def parameter(self, name: str, gemeente: str | None = None) -> Parameter:
        """`name` as it holds in `gemeente` (its own local policy), or for the installation (None)."""
        own = self.per_gemeente.get(gemeente, {}) if gemeente is not None else {}
        if name in own:
            return own[name]
        try:
            return self.by_name[name]
        except KeyError:
            raise ParameterError(
                f"onbekende parameter {name!r}; bekend: {', '.join(sorted(self.by_name))}"
            ) from None

    def names(self) -> list[str]:
        return sorted(self.by_name)

    def value(self, name: str, on: date, gemeente: str | None = None) -> ParameterValue:
        """The value of `name` in force on `on` (in `gemeente`, when it sets its own)."""
        return self.parameter(name, gemeente).at(on).value

    def reference(self, name: str, on: date, gemeente: str | None = None) -> str:
        """The legal reference of the value of `name` in force on `on` (in `gemeente`)."""
        return self.parameter(name, gemeente).at(on).reference

    def with_value(
        self, name: str, since: date, value: ParameterValue, reference: str, note: str = ""
    ) -> Parameters:
        """A copy in which `name` takes `value` from `since` on (replacing a value of the same date)."""
        old = self.parameter(name)
        kept = [item for item in old.values if item.since != since]
        values = sorted([*kept, DatedValue(since, value, reference, note)], key=lambda item: item.since)
        return Parameters({**self.by_name, name: replace(old, values=tuple(values))}, self.per_gemeente)

    def with_local_policy(self, overrides: Mapping[str, LocalValue],
                          gemeente: str | None = None) -> Parameters:
        """A copy with the installation's own values for local policy (`[beleid]` in inbeeld.toml), or
        with `gemeente`'s (`[beleid.gemeente."<code>"]`) on top of the installation's.

        Only parameters of the `lokaal` layer can be overridden, and per gemeente not those of
        `PER_INSTALLATION`. A value without `since` holds on every day the installation's did (it
        replaces them); with `since`, it holds from that day on. Apply the installation's overrides
        before a gemeente's: a gemeente's value before its `since` is the installation's."""
        result = self
        for name, local in overrides.items():
            parameter = self.parameter(name)
            key = f"beleid.{name}" if gemeente is None else f"beleid.gemeente.{gemeente}.{name}"
            if parameter.layer != LOCAL_LAYER or name in NOT_OVERRIDABLE:
                raise ParameterError(f"parameter {name!r} is geen lokaal beleid (laag "
                                     f"{parameter.layer or 'geen'}): inbeeld.toml kan hem niet wijzigen")
            if gemeente is not None and name in PER_INSTALLATION:
                raise ParameterError(f"inbeeld.toml: {key}: {name} geldt voor de hele installatie (één "
                                     "staging-bestand, één audittrail) en kan niet per gemeente verschillen")
            if not local.reference.strip():
                raise ParameterError(f"inbeeld.toml: {key} heeft geen besluit (het lokale besluit "
                                     "dat de waarde vaststelt)")
            reference = f"Lokaal beleid (inbeeld.toml, {key}): {local.reference}"
            item = DatedValue(local.since or parameter.first_date, local.value, reference, local=True)
            kept = [] if local.since is None else [v for v in parameter.values if v.since < local.since]
            changed = replace(parameter, values=(*kept, item))
            if gemeente is None:
                result = Parameters({**result.by_name, name: changed}, result.per_gemeente)
            else:
                own = {**result.per_gemeente.get(gemeente, {}), name: changed}
                result = Parameters(result.by_name, {**result.per_gemeente, gemeente: own})
        return result

    def as_of(self, on: date) -> Parameters:
        """The law as it stood on `on`: every parameter keeps its value of that day from its first date on
        (later and earlier values are not known on `on`). Parameters without a value on `on` are kept as
        they are, so asking for them still fails. docs/spec.md §4.1: the dates of a status are those of the
        law in force on its peildatum."""
        if on in self._as_of:
            return self._as_of[on]

        def frozen(parameters: Mapping[str, Parameter]) -> dict[str, Parameter]:
            return {name: parameter if on < parameter.first_date else
                    replace(parameter, values=(replace(parameter.at(on), since=parameter.first_date),))
                    for name, parameter in parameters.items()}

        self._as_of[on] = Parameters(frozen(self.by_name),
                                     {code: frozen(own) for code, own in self.per_gemeente.items()})
        return self._as_of[on]

    def segments(self, names: Iterable[str]) -> tuple[Segment, ...]:
        """The stretches of days on which all of `names` keep their values, from the day all have one.

        Days before that have no segment: a rule that needs one of these parameters is not in force.
        """
        key = tuple(sorted(set(names)))
        if key not in self._segments:
            params = [self.parameter(name) for name in key]
            first = max(p.first_date for p in params)
            cuts = sorted({first} | {v.since for p in params for v in p.values if v.since > first})
            segments = []
            for i, start in enumerate(cuts):
                end = cuts[i + 1] if i + 1 < len(cuts) else None
                segments.append(Segment(start, end, {p.name: p.at(start).value for p in params}))
            self._segments[key] = tuple(segments)
        return self._segments[key]


def _parse_value(name: str, unit: str, raw: Any) -> ParameterValue:
    if unit == "maand-dag":
        try:
            month, day = (int(part) for part in str(raw).split("-"))
            date(2000, month, day)  # a leap year, so 02-29 is accepted
        except ValueError:
            raise ValueError(f"parameter {name}: {raw!r} is geen dag van het jaar (MM-DD)") from None
        return MaandDag(month, day)
    return raw


def _parameter(name: str, spec: Any, layer: str = "", source: str = "",
               header: Mapping[str, Any] | None = None) -> Parameter:
    if not isinstance(spec, Mapping):
        raise ValueError(f"parameter {name}: moet een tabel zijn met [[{name}.values]]")
    unit = spec.get("unit", "")
    header = header or {}
    values = []
    for raw in spec.get("values", []):
        since = raw.get("since")
        if not isinstance(since, date):
            raise ValueError(f"parameter {name}: `since` moet een TOML-datum zijn, niet {since!r}")
        values.append(DatedValue(
            since=since,
            value=_parse_value(name, unit, raw.get("value")),
            reference=str(raw.get("reference", "")),
            note=str(raw.get("note", "")),
            url=str(raw.get("url", "")),
        ))
    return Parameter(name, str(spec.get("description", "")), unit, tuple(values), layer, source,
                     str(header.get("title", "")), str(header.get("url", "")))


def parameters_from_mapping(data: Mapping[str, Any], layer: str = "", source: str = "") -> Parameters:
    """Build parameters from the structure of a law file (one table per parameter; `[source]` names
    the regulation the file holds)."""
    header = data.get("source", {})
    return Parameters({name: _parameter(name, spec, layer, source, header)
                       for name, spec in data.items() if name != "source"})


def law_files(root: Path = LAW_DIR) -> list[Path]:
    """Every parameter file under `root`, in a fixed order."""
    return sorted(root.rglob("*.toml"))


def load_law(root: str | Path = LAW_DIR) -> Parameters:
    """Read every layer file under `root` (default: `rules/law`); ValueError names the file and the
    fault (a value without reference, a parameter in two files, a file outside the layers)."""
    root = Path(root)
    found: dict[str, Parameter] = {}
    for path in law_files(root):
        relative = path.relative_to(root).as_posix()
        layer = relative.split("/")[0] if "/" in relative else ""
        if layer not in LAYERS:
            raise ValueError(f"{relative}: staat niet in de map van een laag ({', '.join(LAYERS)})")
        try:
            with path.open("rb") as handle:
                parsed = parameters_from_mapping(tomllib.load(handle), layer, relative)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"rules/law/{relative}: {exc}") from None
        for name, parameter in parsed.by_name.items():
            if name in found:
                raise ValueError(f"rules/law/{relative}: parameter {name} staat al in "
                                 f"rules/law/{found[name].source} (één parameter, één bestand)")
            found[name] = parameter
    return Parameters(found)


def load_parameters(path: str | Path | None = None) -> Parameters:
    """Read one parameter file (a proposal, a test), or with no path the shipped law (`load_law`)."""
    if path is None:
        return load_law()
    with Path(path).open("rb") as handle:
        return parameters_from_mapping(tomllib.load(handle))


@dataclass(frozen=True)
class LocalValue:
    """A gemeente's own value for a local-policy parameter (`[beleid.<name>]` in inbeeld.toml)."""

    value: int
    reference: str  # the local decision: a collegebesluit, a beleidsregel
    since: date | None = None


#: The law as InBeeld ships it, without any gemeente's local policy.
PARAMETERS: Parameters = load_law()
_active: list[Parameters] = [PARAMETERS]


def active() -> Parameters:
    """The law the rules apply when no other is given: the shipped law with the local policy of the
    gemeente's inbeeld.toml (set by `use` when the command line or a flow loads its settings)."""
    return _active[0]


def use(overrides: Mapping[str, LocalValue],
        per_gemeente: Mapping[str, Mapping[str, LocalValue]] | None = None) -> Parameters:
    """Make the shipped law with these local-policy overrides the active one: the installation's, then
    each gemeente's own on top (none: the shipped law)."""
    law = PARAMETERS.with_local_policy(overrides) if overrides else PARAMETERS
    for gemeente, own in (per_gemeente or {}).items():
        law = law.with_local_policy(own, gemeente)
    _active[0] = law
    return law


def value(name: str, on: date, parameters: Parameters | None = None,
          gemeente: str | None = None) -> ParameterValue:
    """The value of `name` in force on `on`, in `gemeente` when given (ParameterError if unknown or
    before its first value)."""
    return (parameters or active()).value(name, on, gemeente)


def reference(name: str, on: date, parameters: Parameters | None = None, gemeente: str | None = None) -> str:
    """The legal reference of the value of `name` in force on `on` (in `gemeente`)."""
    return (parameters or active()).reference(name, on, gemeente)


def use_settings(settings: Settings) -> Parameters:
    """`use` the local policy of `settings` (`[beleid]` of inbeeld.toml, and per gemeente
    `[beleid.gemeente."<code>"]`): called where a command or a flow run loads its settings, so every
    rule of that process applies the installation's and each gemeente's own values."""
    def local(overrides: Mapping[str, Any]) -> dict[str, LocalValue]:
        return {name: LocalValue(v.waarde, v.besluit, v.sinds) for name, v in overrides.items()}

    return use(local(settings.beleid.overrides()),
               {code: local(own.overrides()) for code, own in settings.beleid.gemeente.items()})
