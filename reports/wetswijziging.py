"""What a change in the law does to the young people of the served gemeenten: `inbeeld report wetswijziging`.

Two laws are applied to the same deliveries on the same peildatum: the law as it stood on one day
(`Parameters.as_of`) or a proposed parameters file (a what-if: the law files are not touched). Every
person whose status or signals differ is listed, with the team that gets them, and counted per
gemeente, age and signal. The rules are those of `rules.signals` (the weekly run's own SQL), run
once under each law, so the figures are what the weekly run would give.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from rules.dates import format_nl
from rules.parameters import Parameters, active, parameters_from_mapping
from rules.signal_codes import RMC_SIGNALS
from rules.signals import compute_signals, person_state_query
from rules.sql import install_macros
from rules.status import StatusCode

TEAM_RMC, TEAM_LEERPLICHT = "RMC / Doorstroompunt", "Leerplicht"


class ProposalError(ValueError):
    """A proposed parameters file that cannot be read; the message names the file and the parameter."""


@dataclass(frozen=True)
class Law:
    """One side of the comparison: a label for people and the parameters."""

    label: str
    parameters: Parameters


def law_on(day: date, parameters: Parameters | None = None) -> Law:
    """The law as it stood on `day`: every value of that day, later changes unknown."""
    return Law(f"de wet van {format_nl(day)}", (parameters or active()).as_of(day))


def law_in_force(peildatum: date, parameters: Parameters | None = None) -> Law:
    """The law as InBeeld ships it (every dated value), applied on the peildatum."""
    return Law(f"de geldende wet op {format_nl(peildatum)}", parameters or active())


def proposal(path: Path, base: Parameters | None = None) -> Law:
    """A proposal: a TOML file in the form of a file of `rules/law/` holding only the parameters it
    changes; each one given replaces the shipped one entirely (its dated values included)."""
    base = base or active()
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ProposalError(f"{path}: niet te lezen ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProposalError(f"{path}: geen geldige TOML ({exc})") from None
    if not data:
        raise ProposalError(f"{path}: er staan geen parameters in")
    data.pop("source", None)  # a law file's [source] table names the text, it is no parameter
    unknown = sorted(set(data) - set(base.names()))
    if unknown:
        raise ProposalError(f"{path}: onbekende parameter {unknown[0]!r}; bekend: {', '.join(base.names())}")
    changed: dict[str, Any] = {}
    for name, spec in data.items():
        if not isinstance(spec, Mapping):
            raise ProposalError(f"{path}: parameter {name!r} moet een tabel zijn met [[{name}.values]]")
        shipped = base.parameter(name)
        changed[name] = {"description": spec.get("description", shipped.description),
                         "unit": spec.get("unit", shipped.unit), "values": spec.get("values", [])}
    try:
        parsed = parameters_from_mapping(changed)
    except ValueError as exc:
        raise ProposalError(f"{path}: {exc}") from None
    # the gemeenten's own local policy stays (a proposal changes the law the installation starts from)
    return Law(f"het voorstel {path.name}", Parameters({**base.by_name, **parsed.by_name}, base.per_gemeente))


@dataclass(frozen=True)
class Change:
    """One young person whose status or signals differ between the two laws."""

    persoonsnummer: str
    gemeentecode: str
    geboortedatum: date | None
    leeftijd: int | None
    status_voor: str | None
    status_na: str | None
    signalen_voor: frozenset[str]
    signalen_na: frozenset[str]

    @property
    def erbij(self) -> frozenset[str]:
        return self.signalen_na - self.signalen_voor

    @property
    def eraf(self) -> frozenset[str]:
        return self.signalen_voor - self.signalen_na

    @property
    def team(self) -> str:
        """Who gets the person: the RMC when a new or lost signal is an RMC one, else leerplicht."""
        touched = self.erbij | self.eraf or self.signalen_na | self.signalen_voor
        rmc = touched & RMC_SIGNALS or self.status_na == StatusCode.RMC_DOELGROEP
        return TEAM_RMC if rmc else TEAM_LEERPLICHT


@dataclass(frozen=True)
class Comparison:
    peildatum: date
    gemeenten: tuple[str, ...]
    voor: Law
    na: Law
    changes: tuple[Change, ...]
    people: int  # persons looked at (every person of the BRP delivery on the peildatum)
    signalen_voor: Counter[str] = field(default_factory=Counter)
    signalen_na: Counter[str] = field(default_factory=Counter)


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _run(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Sequence[str],
         law: Law) -> tuple[dict[str, dict[str, Any]], dict[str, set[str]], Counter[str]]:
    """Status of every BRP person and the signals, under one law."""
    signals: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for row in compute_signals(con, peildatum, gemeenten, law.parameters).fetchall():
        signals.setdefault(row[1], set()).add(row[0])
        counts[row[0]] += 1
    install_macros(con, law.parameters)
    rel = con.sql(person_state_query(con, peildatum, gemeenten, law.parameters))
    columns = rel.columns
    states = {row[0]: dict(zip(columns, row, strict=True)) for row in rel.fetchall()}
    return states, signals, counts


def compare(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str], voor: Law,
            na: Law) -> Comparison:
    """Apply `voor` and `na` to the deliveries staged on `peildatum` and keep who differs."""
    served = tuple(gemeenten)
    states_voor, signals_voor, counts_voor = _run(con, peildatum, served, voor)
    states_na, signals_na, counts_na = _run(con, peildatum, served, na)
    changes = []
    for number in sorted(set(states_voor) | set(states_na) | set(signals_voor) | set(signals_na)):
        a, b = states_voor.get(number, {}), states_na.get(number, {})
        sig_a, sig_b = frozenset(signals_voor.get(number, ())), frozenset(signals_na.get(number, ()))
        status_a, status_b = a.get("status"), b.get("status")
        resident = a.get("resident") or b.get("resident") or sig_a or sig_b
        if not resident or (status_a == status_b and sig_a == sig_b):
            continue
        born = b.get("geboortedatum_vroegst") or a.get("geboortedatum_vroegst")
        exact = born if born == (b.get("geboortedatum_laatst") or a.get("geboortedatum_laatst")) else None
        changes.append(Change(number, b.get("gemeentecode") or a.get("gemeentecode") or "", exact,
                              _age(exact, peildatum), status_a, status_b, sig_a, sig_b))
    return Comparison(peildatum, served, voor, na, tuple(changes), len(set(states_voor) | set(states_na)),
                      counts_voor, counts_na)


# -- the figures -------------------------------------------------------------------------------------------


def _status_text(status: str | None) -> str:
    if status is None:
        return "onzeker (controle geboortedatum)"
    return StatusCode(status).omschrijving


def per_gemeente(comparison: Comparison) -> list[dict[str, Any]]:
    counts = Counter((c.gemeentecode, _status_text(c.status_voor), _status_text(c.status_na))
                     for c in comparison.changes)
    return [{"gemeente": g, "status_voor": a, "status_na": b, "aantal": n}
            for (g, a, b), n in sorted(counts.items())]


def per_leeftijd(comparison: Comparison) -> list[dict[str, Any]]:
    counts: Counter[tuple[Any, str, str]] = Counter()
    for c in comparison.changes:
        age = c.leeftijd if c.leeftijd is not None else "onbekend"
        for signal in c.erbij:
            counts[(age, signal, "erbij")] += 1
        for signal in c.eraf:
            counts[(age, signal, "eraf")] += 1
        if not c.erbij and not c.eraf:
            counts[(age, "(geen signaal)", "alleen status")] += 1
    ordered = sorted(counts.items(), key=lambda item: (str(item[0][0]).zfill(3), item[0][1:]))
    return [{"leeftijd": age, "signaal": s, "verandering": v, "aantal": n} for (age, s, v), n in ordered]


def per_signaal(comparison: Comparison) -> list[dict[str, Any]]:
    names = sorted(set(comparison.signalen_voor) | set(comparison.signalen_na))
    rows = []
    for name in names:
        erbij = sum(1 for c in comparison.changes if name in c.erbij)
        eraf = sum(1 for c in comparison.changes if name in c.eraf)
        rows.append({"signaal": name, "voor": comparison.signalen_voor[name],
                     "na": comparison.signalen_na[name], "erbij": erbij, "eraf": eraf})
    return rows


def change_rows(comparison: Comparison, people: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The list for the teams, with name and address from the BRP delivery."""
    rows = []
    for c in comparison.changes:
        person = people.get(c.persoonsnummer, {})
        rows.append({
            "team": c.team, "persoonsnummer": c.persoonsnummer, "naam": person.get("naam", ""),
            "geboortedatum": c.geboortedatum, "leeftijd": c.leeftijd, "gemeente": c.gemeentecode,
            "adres": person.get("adres", ""), "status_voor": _status_text(c.status_voor),
            "status_na": _status_text(c.status_na), "erbij": ", ".join(sorted(c.erbij)),
            "eraf": ", ".join(sorted(c.eraf)),
        })
    rows.sort(key=lambda r: (r["team"], r["gemeente"], r["erbij"] == "", r["persoonsnummer"]))
    return rows


def summary_lines(comparison: Comparison) -> list[str]:
    """The summary a person reads on the command line (and the first sheet's notes)."""
    teams = Counter(c.team for c in comparison.changes)
    lines = [
        f"Wetswijziging op peildatum {format_nl(comparison.peildatum)} "
        f"(gemeente{'n' if len(comparison.gemeenten) > 1 else ''} {', '.join(comparison.gemeenten)}):",
        f"  voor: {comparison.voor.label}",
        f"  na:   {comparison.na.label}",
        f"  {comparison.people} personen in de BRP-levering bekeken; "
        f"{len(comparison.changes)} veranderen van status of signaal.",
    ]
    for row in per_signaal(comparison):
        if row["erbij"] or row["eraf"]:
            lines.append(f"  {row['signaal']}: {row['voor']} -> {row['na']} "
                         f"(+{row['erbij']}, -{row['eraf']})")
    for team, n in sorted(teams.items()):
        lines.append(f"  voor het team {team}: {n}")
    return lines


def people(con: duckdb.DuckDBPyConnection, peildatum: date,
           numbers: Iterable[str]) -> dict[str, dict[str, str]]:
    """Name and address of `numbers` in the newest BRP delivery on or before the peildatum."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    rows = con.execute("""
        SELECT bsn,
               concat_ws(' ', nullif(voornamen, ''), nullif(voorvoegsel, ''), nullif(geslachtsnaam, '')),
               concat_ws(' ', nullif(straat, ''), concat(CAST(huisnummer AS VARCHAR), huisletter,
                         CASE WHEN coalesce(huisnummertoevoeging, '') <> ''
                              THEN '-' || huisnummertoevoeging END)),
               concat_ws('  ', nullif(postcode, ''), nullif(woonplaats, ''))
        FROM brp_personen
        WHERE import_id = (SELECT max(import_id) FROM imports WHERE status = 'loaded' AND kind = 'brp'
                           AND coalesce(peildatum, finished_at::DATE) <= ?)
          AND bsn IN (SELECT unnest(?::VARCHAR[]))
    """, [peildatum, wanted]).fetchall()
    return {bsn: {"naam": naam or "", "adres": ", ".join(part for part in (straat, plaats) if part)}
            for bsn, naam, straat, plaats in rows}
