"""Values a law can change, each keyed by the date from which it holds (the OpenFisca pattern).

The values live in `parameters.toml` beside this module. A change in the law is one new dated value
there: `value(name, on)` then answers with the value in force on that day, the rules in
`rules.status` evaluate it per day, and `rules.sql` turns the dated values into CASE expressions,
so neither needs a code edit.

    >>> value("leerplicht_startleeftijd", date(2025, 1, 1))
    5
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rules.dates import MaandDag, format_nl

PARAMETERS_FILE = Path(__file__).with_name("parameters.toml")

ParameterValue = int | MaandDag

UNITS = {"jaar", "schooljaren", "weken", "maanden", "maand-dag"}


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


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    values: tuple[DatedValue, ...]

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"parameter {self.name}: unknown unit {self.unit!r} (one of {sorted(UNITS)})")
        if not self.values:
            raise ValueError(f"parameter {self.name}: no values")
        for earlier, later in zip(self.values, self.values[1:], strict=False):
            if later.since <= earlier.since:
                raise ValueError(f"parameter {self.name}: values must be in increasing date order")
        for item in self.values:
            expected = MaandDag if self.unit == "maand-dag" else int
            if not isinstance(item.value, expected) or isinstance(item.value, bool):
                raise ValueError(f"parameter {self.name}: value {item.value!r} is not a {self.unit}")
            if not item.reference.strip():
                raise ValueError(f"parameter {self.name}: the value from {item.since} has no legal reference")

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
                f"parameter {self.name!r} has no value on {on.isoformat()}: its first value holds from "
                f"{format_nl(self.first_date)} (InBeeld does not encode the law before that day)"
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

    Compared and hashed by identity, so a set can key a cache."""

    by_name: Mapping[str, Parameter]
    _segments: dict[tuple[str, ...], tuple[Segment, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _as_of: dict[date, Parameters] = field(default_factory=dict, compare=False, repr=False)

    def parameter(self, name: str) -> Parameter:
        try:
            return self.by_name[name]
        except KeyError:
            raise ParameterError(
                f"unknown parameter {name!r}; known: {', '.join(sorted(self.by_name))}"
            ) from None

    def names(self) -> list[str]:
        return sorted(self.by_name)

    def value(self, name: str, on: date) -> ParameterValue:
        """The value of `name` in force on `on`."""
        return self.parameter(name).at(on).value

    def reference(self, name: str, on: date) -> str:
        """The legal reference of the value of `name` in force on `on`."""
        return self.parameter(name).at(on).reference

    def with_value(
        self, name: str, since: date, value: ParameterValue, reference: str, note: str = ""
    ) -> Parameters:
        """A copy in which `name` takes `value` from `since` on (replacing a value of the same date)."""
        old = self.parameter(name)
        kept = [item for item in old.values if item.since != since]
        values = sorted([*kept, DatedValue(since, value, reference, note)], key=lambda item: item.since)
        new = Parameter(old.name, old.description, old.unit, tuple(values))
        return Parameters({**self.by_name, name: new})

    def as_of(self, on: date) -> Parameters:
        """The law as it stood on `on`: every parameter keeps its value of that day from its first date on
        (later and earlier values are not known on `on`). Parameters without a value on `on` are kept as
        they are, so asking for them still fails. docs/spec.md §4.1: the dates of a status are those of the
        law in force on its peildatum."""
        if on in self._as_of:
            return self._as_of[on]
        frozen: dict[str, Parameter] = {}
        for name, parameter in self.by_name.items():
            if on < parameter.first_date:
                frozen[name] = parameter
                continue
            current = parameter.at(on)
            frozen[name] = Parameter(name, parameter.description, parameter.unit,
                                     (DatedValue(parameter.first_date, current.value, current.reference,
                                                 current.note),))
        self._as_of[on] = Parameters(frozen)
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
            raise ValueError(f"parameter {name}: {raw!r} is not a day of the year (MM-DD)") from None
        return MaandDag(month, day)
    return raw


def parameters_from_mapping(data: Mapping[str, Any]) -> Parameters:
    """Build parameters from the structure of `parameters.toml` (one table per parameter)."""
    result: dict[str, Parameter] = {}
    for name, spec in data.items():
        unit = spec.get("unit", "")
        values = []
        for raw in spec.get("values", []):
            since = raw.get("since")
            if not isinstance(since, date):
                raise ValueError(f"parameter {name}: `since` must be a TOML date, got {since!r}")
            values.append(DatedValue(
                since=since,
                value=_parse_value(name, unit, raw.get("value")),
                reference=str(raw.get("reference", "")),
                note=str(raw.get("note", "")),
            ))
        result[name] = Parameter(name, str(spec.get("description", "")), unit, tuple(values))
    return Parameters(result)


def load_parameters(path: str | Path | None = None) -> Parameters:
    """Read a parameters file (default: the `parameters.toml` shipped with InBeeld)."""
    with Path(path or PARAMETERS_FILE).open("rb") as handle:
        return parameters_from_mapping(tomllib.load(handle))


PARAMETERS: Parameters = load_parameters()


def value(name: str, on: date, parameters: Parameters | None = None) -> ParameterValue:
    """The value of `name` in force on `on` (ParameterError if unknown or before its first value)."""
    return (parameters or PARAMETERS).value(name, on)


def reference(name: str, on: date, parameters: Parameters | None = None) -> str:
    """The legal reference of the value of `name` in force on `on`."""
    return (parameters or PARAMETERS).reference(name, on)
