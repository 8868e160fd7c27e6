"""The monthly work list of each leerplichtambtenaar (LPA) and RMC trajectbegeleider.

Every open case goes to one person, by the office's own assignment rules (docs/spec.md §1): by gemeente,
wijk, postcode range or the first letter of the surname. The rules live in `inbeeld.toml`:

```toml
[[reports.werklijst.toewijzing]]
naam = "A. de Boer"        # the LPA / counsellor; the list is named after them
rol = "LPA"                # LPA: dossiers of the leerplicht team; RMC: of the RMC team (VSV, no
                           # enrolment in the RMC ages, a school's RMC verzuimmelding)
gemeenten = ["0363"]       # optional: woongemeente codes
wijken = ["Noord"]         # optional: wijk names (case-insensitive)
postcodes = ["1000-1049"]  # optional: ranges of the 4 digits (a single "1050" is a range of one)
letters = "A-K"            # optional: first letter of the surname, voorvoegsel ignored
soorten = ["VSV"]          # optional: case types; default by rol
team = "Noord"             # optional: the team, for the KPIs per team
```

The first rule (in file order) whose every given criterion matches a case gets it; a case with
a `behandelaar` already set stays with them; the rest land on the list "(niet toegewezen)". The
weekly run writes the rule's choice onto each new case (`reports.gather.assign_by_rules`), so its
letters name the person; a later change of the rules moves no case already assigned (reassign by
hand with `inbeeld cases assign`).
Each list has every open case with age, school status, days open, the last action, the next
action and its due date; overdue cases first (most overdue at the top), then by due date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from connectors.gemeenten import gemeentenaam
from inbeeld.settings import Werklijst
from registers.codes import REASON_LABELS, RMC_SIGNALS
from reports.inputs import ages_on, dates, frame, stamp, texts
from rules.dates import PartialDate

CASE_COLUMNS = (
    "dossier_id", "soort", "persoonsnummer", "naam", "geslachtsnaam", "geboortedatum", "gemeentecode",
    "wijk", "postcode", "geopend", "schoolstatus", "laatste_actie", "laatste_actie_datum",
    "volgende_actie", "volgende_actie_datum",
)
OPTIONAL_COLUMNS = ("behandelaar", "adres", "woonplaats", "redenen", "geboortedatum_gba")
UNASSIGNED = "(niet toegewezen)"
RMC_CASE_TYPES = RMC_SIGNALS
ROLES = ("LPA", "RMC")
SURNAME_PREFIXES = frozenset({"van", "de", "der", "den", "het", "ten", "ter", "te", "in", "op", "'t", "d'",
                              "la", "le", "du"})
_RANGE = re.compile(r"^\s*(\w+)\s*(?:-\s*(\w+)\s*)?$")


def _range(text: str, what: str) -> tuple[str, str]:
    match = _RANGE.match(text)
    if not match:
        raise ValueError(f"werklijst: {what} {text!r} is geen waarde of bereik zoals 1000-1099")
    low, high = match.group(1), match.group(2) or match.group(1)
    return low.upper(), high.upper()


def surname_letter(geslachtsnaam: str) -> str:
    """The first letter a surname is filed under (the BRP keeps the voorvoegsel apart; strip any
    that came along, as in "van der Berg" → B), without its accent (Özdemir → O, Şahin → S)."""
    words = geslachtsnaam.strip().split()
    while len(words) > 1 and words[0].lower() in SURNAME_PREFIXES:
        words = words[1:]
    name = "".join(words)
    if not name:
        return ""
    return unicodedata.normalize("NFKD", name[:1])[:1].upper()


@dataclass(frozen=True)
class Toewijzing:
    """One assignment rule (see the module docstring)."""

    naam: str
    rol: str = "LPA"
    gemeenten: tuple[str, ...] = ()
    wijken: tuple[str, ...] = ()
    postcodes: tuple[tuple[str, str], ...] = ()
    letters: tuple[str, str] | None = None
    soorten: tuple[str, ...] = ()
    team: str = ""

    @classmethod
    def from_config(cls, entry: Mapping[str, Any]) -> Toewijzing:
        """A rule from one `[[reports.werklijst.toewijzing]]` table; a clear error when malformed."""
        known = {"naam", "rol", "gemeenten", "wijken", "postcodes", "letters", "soorten", "team"}
        unknown = set(entry) - known
        if unknown:
            raise ValueError(f"werklijst: onbekende sleutel(s) {', '.join(sorted(unknown))} in een "
                             "toewijzing")
        if not str(entry.get("naam", "")).strip():
            raise ValueError("werklijst: elke toewijzing heeft een naam nodig")
        rol = str(entry.get("rol", "LPA")).upper()
        if rol not in ROLES:
            raise ValueError(f"werklijst: rol {rol!r} kan niet; kies uit {', '.join(ROLES)}")

        def listed(key: str) -> list[str]:
            value = entry.get(key, [])
            return [value] if isinstance(value, str) else [str(v) for v in value]

        letters = entry.get("letters")
        return cls(
            naam=str(entry["naam"]).strip(),
            rol=rol,
            gemeenten=tuple(g.strip().zfill(4) for g in listed("gemeenten")),
            wijken=tuple(w.strip().lower() for w in listed("wijken")),
            postcodes=tuple(_range(p, "postcodebereik") for p in listed("postcodes")),
            letters=_range(str(letters), "letterbereik") if letters else None,
            soorten=tuple(s.strip().upper() for s in listed("soorten")),
            team=str(entry.get("team", "")).strip(),
        )

    def handles(self, soort: str, team: str = "") -> bool:
        """Whether the rule takes a case of this type: its `soorten`, else by rol: the dossier's team
        (`lpa` / `rmc`, what the dossier screen shows) when given, else the team of the reason."""
        if self.soorten:
            return soort in self.soorten
        rmc = team == "rmc" if team in ("lpa", "rmc") else soort in RMC_CASE_TYPES
        return rmc == (self.rol == "RMC")

    def matches(self, case: Mapping[str, Any]) -> bool:
        """True when every criterion this rule gives holds for the case."""
        if not self.handles(str(case.get("soort", "")).upper(), str(case.get("team") or "").lower()):
            return False
        if self.gemeenten and str(case.get("gemeentecode", "")).zfill(4) not in self.gemeenten:
            return False
        if self.wijken and str(case.get("wijk", "")).strip().lower() not in self.wijken:
            return False
        if self.postcodes:
            digits = str(case.get("postcode", ""))[:4]
            if not digits.isdigit() or not any(low <= digits <= high for low, high in self.postcodes):
                return False
        if self.letters:
            letter = surname_letter(str(case.get("geslachtsnaam", "")))
            if not letter or not self.letters[0] <= letter <= self.letters[1]:
                return False
        return True


@dataclass
class Toewijzingen:
    """The ordered assignment rules of the office."""

    regels: list[Toewijzing] = field(default_factory=list)

    @classmethod
    def from_settings(cls, werklijst: Werklijst) -> Toewijzingen:
        """Rules from the `[reports.werklijst]` part of the settings."""
        return cls([Toewijzing.from_config(vars(entry)) for entry in werklijst.toewijzing])

    def teams(self) -> dict[str, str]:
        """Person → team, for the KPIs."""
        return {rule.naam: rule.team for rule in self.regels if rule.team}

    def assign(self, case: Mapping[str, Any]) -> str:
        behandelaar = str(case.get("behandelaar") or "").strip()
        if behandelaar:
            return behandelaar
        return next((rule.naam for rule in self.regels if rule.matches(case)), UNASSIGNED)


def worklists(cases: pd.DataFrame | Iterable[Mapping[str, Any]], rules: Toewijzingen,
              peildatum: dt.date) -> dict[str, pd.DataFrame]:
    """The open cases split per assignee and ordered (overdue first), with computed columns:
    leeftijd, dagen_open, te_laat (bool), dagen_te_laat, soort_label, gemeente (the name)."""
    data = frame(cases, CASE_COLUMNS, "open cases")
    for column in ("geboortedatum", "geopend", "laatste_actie_datum", "volgende_actie_datum"):
        data[column] = dates(data[column])
    for column in ("soort", "persoonsnummer", "naam", "geslachtsnaam", "gemeentecode", "wijk", "postcode",
                   "schoolstatus", "laatste_actie", "volgende_actie"):
        data[column] = texts(data[column])
    for column in OPTIONAL_COLUMNS:
        data[column] = texts(data[column]) if column in data else ""
    data["gemeente"] = data["gemeentecode"].map(gemeentenaam)
    today = stamp(peildatum)
    data["soort"] = data["soort"].str.upper()
    data["soort_label"] = data["soort"].map(_label)
    data["redenen"] = data["redenen"].map(  # "VERZUIMMELDING, THUISZITTER" -> the words a person reads
        lambda codes: ", ".join(_label(code.strip().upper()) for code in codes.split(",") if code.strip()))
    data["leeftijd"] = ages_on(data["geboortedatum"], peildatum).astype("Int64")
    _known_in_part(data, peildatum)
    data["dagen_open"] = (today - data["geopend"]).dt.days.astype("Int64")
    overdue_days = (today - data["volgende_actie_datum"]).dt.days
    data["te_laat"] = (overdue_days > 0).fillna(False).astype(bool)
    data["dagen_te_laat"] = overdue_days.where(data["te_laat"]).astype("Int64")
    data["toegewezen_aan"] = [rules.assign(row) for row in data.to_dict("records")]
    return {name: _ordered(group) for name, group in data.groupby("toegewezen_aan", sort=True)}


def _known_in_part(data: pd.DataFrame, peildatum: dt.date) -> None:
    """A birth date the BRP knows in part (GBA `20080900`): what it knows (`september 2008`) and
    the ages it allows (`17 of 18`), instead of blanks on the very rows that ask to check it."""
    partial = data["geboortedatum"].isna() & (data["geboortedatum_gba"] != "")
    if not partial.any():
        return
    data["geboortedatum"] = data["geboortedatum"].astype(object)
    data["leeftijd"] = data["leeftijd"].astype(object)
    for index in data.index[partial]:
        try:
            birth = PartialDate.parse(data.at[index, "geboortedatum_gba"])
        except ValueError:  # not a date: the check will say so; nothing to show
            continue
        data.at[index, "geboortedatum"] = birth.format_nl()
        if birth.year is None:
            continue
        young, old = ages_on(dates(pd.Series([birth.latest, birth.earliest])), peildatum)
        data.at[index, "leeftijd"] = young if young == old else f"{young} of {old}"


def _label(code: str) -> str:
    return REASON_LABELS.get(code, code.replace("_", " ").capitalize())


def _ordered(rows: pd.DataFrame) -> pd.DataFrame:
    """Overdue first, then by the next action's date, the longest open, the dossier id."""
    return rows.sort_values(["te_laat", "volgende_actie_datum", "dagen_open", "dossier_id"],
                            ascending=[False, True, False, True], na_position="last",
                            kind="stable").reset_index(drop=True)


def with_changes(lists: Mapping[str, pd.DataFrame], changed: Mapping[str, pd.DataFrame],
                 ids: Collection[int]) -> dict[str, pd.DataFrame]:
    """The work lists `lists` with the rows of the dossiers `ids` replaced by `changed` (the work
    lists made of those dossiers alone; one not in it was closed): the lists as `worklists` would
    make them afresh, for the price of the changed dossiers only."""
    gone = {int(i) for i in ids}
    result: dict[str, pd.DataFrame] = {}
    for name in sorted(set(lists) | set(changed)):
        kept = lists.get(name)
        if kept is not None and len(kept):
            kept = kept[~kept["dossier_id"].astype(int).isin(gone)]
        parts = [frame for frame in (kept, changed.get(name)) if frame is not None and len(frame)]
        if parts:
            result[name] = _ordered(pd.concat(parts, ignore_index=True)) if len(parts) > 1 else (
                parts[0].reset_index(drop=True))
    return result


#: The columns of a work list as shown: key, Dutch header, kind (see reports.spreadsheet.Column).
WORKLIST_COLUMNS: Sequence[tuple[str, str, str]] = (
    ("te_laat", "Te laat", "text"),
    ("dagen_te_laat", "Dagen te laat", "int"),
    ("volgende_actie", "Volgende actie", "text"),
    ("volgende_actie_datum", "Uiterste datum", "date"),
    ("soort_label", "Soort", "text"),
    ("naam", "Naam", "text"),
    ("persoonsnummer", "Persoonsnummer", "text"),
    ("geboortedatum", "Geboortedatum", "date"),
    ("leeftijd", "Leeftijd", "int"),
    ("schoolstatus", "Schoolstatus", "text"),
    ("geopend", "Geopend op", "date"),
    ("dagen_open", "Dagen open", "int"),
    ("laatste_actie", "Laatste actie", "text"),
    ("laatste_actie_datum", "Datum laatste actie", "date"),
    ("adres", "Adres", "text"),
    ("postcode", "Postcode", "text"),
    ("woonplaats", "Woonplaats", "text"),
    ("gemeente", "Gemeente", "text"),
    ("wijk", "Wijk", "text"),
    ("redenen", "Aanleidingen", "text"),
    ("dossier_id", "Dossier", "text"),
)
