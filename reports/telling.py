"""The Leerplichttelling (Leerplichtwet 1969 art. 25): the verzuim figures of one school year.

Every October the leerplichtambtenaar sends DUO the figures of the school year that ended on
31 July (docs/formats.md). This module computes them from the registers, laid out in the
order of DUO's form: absoluut verzuim (count, duration, outcome), relatief verzuim per kind
(16 uur, LRV, luxe, overig) and outcome, vrijstellingen per ground, thuiszitters by duration,
Halt and proces-verbaal.

Counting rules (school year t = 1 August t – 31 July t+1; `einde` = 31 July, or the peildatum
for a year still running):

- *Absoluut verzuim*: the cases of type `ABSOLUUT_VERZUIM` whose verzuim ran on any day of the
  year: from its `begin` (the first day of the verzuim, the signal's `sinds`; the opening day when
  unknown) to closing. Their duration runs from `begin` to closing, or to `einde` while still open;
  "ontstaan in het schooljaar" is a `begin` in the year. The outcome is the closing reason of a case
  closed within the year; a case still open on `einde` is "nog niet afgesloten". The thuiszitter
  register counts an absoluut verzuimer from the same `begin`, so the thuiszitters by absoluut
  verzuim of a year are never more than its absoluut verzuim (counting from the opening day, a
  verzuim found in September was missing from the year before while its thuiszitter was in it).
- *Relatief verzuim*: the verzuimmeldingen with a meldingsdatum in the year, per kind; RMC
  meldingen (18+, not leer- or kwalificatieplichtig) are not part of the telling. The outcome is
  the reden afsluiting of a closed melding, else its status.
- *Vrijstellingen*: the vrijstellingen valid on any day of the year, per ground; "waarvan nieuw"
  those that began in the year.
- *Thuiszitters*: the thuiszitter periods overlapping the year, by duration from their begin
  to their end (or `einde`): up to and including 4 weeks (28 days), up to and including
  3 calendar months, longer.
- *Halt / proces-verbaal*: the case actions of those kinds dated in the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from reports import disclosure
from reports.inputs import dates, frame, stamp, texts
from rules.dates import add_months, format_nl
from rules.parameters import value

CASE_COLUMNS = ("case_id", "soort", "geopend", "gesloten", "reden_sluiting")  # optional: "begin"
MELDING_COLUMNS = ("meldingsnummer", "soort_verzuim", "meldingsdatum", "status", "reden_afsluiting")
VRIJSTELLING_COLUMNS = ("grondslag", "begindatum", "einddatum")
THUISZITTER_COLUMNS = ("bron", "begindatum", "einddatum")
ACTION_COLUMNS = ("soort", "datum")

ABSOLUUT_VERZUIM = "ABSOLUUT_VERZUIM"
HALT = "halt_verwijzing"
PROCES_VERBAAL = "proces_verbaal"

#: The kinds of relatief verzuim on the form, in its order (DUO's codes).
VERZUIM_KINDS = {
    "16U_4W": "16 uur in 4 weken",
    "LRV": "Langdurig relatief verzuim",
    "LUXE": "Luxe verzuim",
    "OVERIG": "Overig verzuim",
}
#: The grounds of docs/spec.md §4.4 in the form's order.
GROUNDS = {
    "LPW_5_A": "Art. 5 onder a: lichamelijk of psychisch ongeschikt",
    "LPW_5_B": "Art. 5 onder b: bedenkingen tegen de richting",
    "LPW_5_C": "Art. 5 onder c: school in het buitenland",
    "LPW_5A": "Art. 5a: trekkend bestaan",
    "LPW_3A": "Art. 3a: vervangende leerplicht",
    "LPW_3B": "Art. 3b: vervangende leerplicht laatste jaar (mbo)",
    "LPW_15": "Art. 15: kwalificatieplicht met ander onderwijs",
}
THUISZITTER_SOURCES = {"lrv": "langdurig relatief verzuim", "absoluut_verzuim": "absoluut verzuim"}
DURATIONS = ("tot en met 4 weken", "4 weken tot en met 3 maanden", "langer dan 3 maanden")
STILL_OPEN = "Nog niet afgesloten"
#: Melding statuses shown as an outcome when the melding has no reden afsluiting.
STATUS_OUTCOMES = {
    "geregistreerd": "Nog niet in behandeling genomen",
    "in_behandeling": "Nog in behandeling",
    "ter_kennisgeving_aangenomen": "Ter kennisgeving aangenomen",
    "ingetrokken": "Ingetrokken door de school",
    "afgesloten": "Afgesloten (reden onbekend)",
}

SECTION_ABSOLUUT = "1. Absoluut verzuim"
SECTION_RELATIEF = "2. Relatief verzuim"
SECTION_VRIJSTELLING = "3. Vrijstellingen"
SECTION_THUISZITTERS = "4. Thuiszitters"
SECTION_HANDHAVING = "5. Halt en proces-verbaal"


@dataclass(frozen=True)
class Schooljaar:
    """1 August `year` to 31 July `year + 1` (the start day is the dated parameter
    `schooljaar_start` of `rules/law/wet/onderwijswetten.toml`)."""

    year: int

    @property
    def start(self) -> dt.date:
        return value("schooljaar_start", dt.date(self.year, 12, 31)).in_jaar(self.year)

    @property
    def end(self) -> dt.date:
        return Schooljaar(self.year + 1).start - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.year + 1}"

    @classmethod
    def of(cls, day: dt.date) -> Schooljaar:
        return cls(day.year if day.month >= 8 else day.year - 1)


@dataclass(frozen=True)
class Regel:
    """One line of the form. The lines of one `groep` add up to the line whose key is `totaal`
    (the durations of absoluut verzuim add up to its count, so do its outcomes)."""

    rubriek: str
    onderdeel: str
    aantal: int
    sleutel: str
    groep: str | None = None
    totaal: str | None = None


@dataclass
class Leerplichttelling:
    """The form of one school year as lines in order."""

    schooljaar: Schooljaar
    einde: dt.date
    regels: list[Regel] = field(default_factory=list)

    def aantal(self, sleutel: str) -> int:
        """The count on the line with this key (for tests and the HTML report)."""
        return next(regel.aantal for regel in self.regels if regel.sleutel == sleutel)

    def rows(self) -> list[dict[str, Any]]:
        return [{"rubriek": r.rubriek, "onderdeel": r.onderdeel, "aantal": r.aantal, "sleutel": r.sleutel}
                for r in self.regels]

    def suppressed_rows(self) -> list[dict[str, Any]]:
        """The lines for policy: small counts hidden, also where a total would give them back."""
        index = {regel.sleutel: i for i, regel in enumerate(self.regels)}
        groups: dict[tuple[str, str], list[int]] = {}
        for i, regel in enumerate(self.regels):
            if regel.groep is not None and regel.totaal is not None:
                groups.setdefault((regel.groep, regel.totaal), []).append(i)
        lines = [(members, index[total]) for (_, total), members in groups.items()]
        shown = disclosure.suppress_lines([r.aantal for r in self.regels], lines)
        return [{**row, "aantal": value} for row, value in zip(self.rows(), shown, strict=True)]


def duration_class(begin: dt.date, end: dt.date) -> str:
    """The form's duration class of a period from `begin` to `end` (both included)."""
    if end <= begin + dt.timedelta(days=28):
        return DURATIONS[0]
    if end <= add_months(begin, 3):
        return DURATIONS[1]
    return DURATIONS[2]


def _overlaps(begin: pd.Series, end: pd.Series, start: dt.date, stop: dt.date) -> pd.Series:
    return (begin <= stamp(stop)) & (end.isna() | (end >= stamp(start)))


def _afloop(label: str) -> str:
    """A row of outcomes reads as one sentence: "Afloop: nog in behandeling", whatever the label's case."""
    acronym = label[1:2].isupper()  # "BRP-gegevens", "RMC-leeftijd" stay as they are
    return f"Afloop: {label if acronym else label[:1].lower() + label[1:]}"


def _label(value: str, labels: Mapping[str, str]) -> str:
    return labels.get(value, value.replace("_", " ") if value else "onbekend")


def leerplichttelling(
    year: int,
    cases: pd.DataFrame | Iterable[Mapping[str, Any]],
    meldingen: pd.DataFrame | Iterable[Mapping[str, Any]],
    vrijstellingen: pd.DataFrame | Iterable[Mapping[str, Any]],
    thuiszitters: pd.DataFrame | Iterable[Mapping[str, Any]],
    acties: pd.DataFrame | Iterable[Mapping[str, Any]],
    peildatum: dt.date | None = None,
    close_reason_labels: Mapping[str, str] | None = None,
    melding_reason_labels: Mapping[str, str] | None = None,
) -> Leerplichttelling:
    """Compute the Leerplichttelling of school year `year` (see the module docstring).

    Inputs (columns): `cases` CASE_COLUMNS; `meldingen` MELDING_COLUMNS; `vrijstellingen`
    VRIJSTELLING_COLUMNS; `thuiszitters` THUISZITTER_COLUMNS; `acties` ACTION_COLUMNS.
    The label mappings turn the registers' codes into the form's Dutch wording.
    """
    jaar = Schooljaar(year)
    einde = min(jaar.end, peildatum) if peildatum else jaar.end
    if einde < jaar.start:
        raise ValueError(f"de peildatum {format_nl(peildatum)} ligt vóór schooljaar {jaar.label}")
    telling = Leerplichttelling(jaar, einde)
    regels = telling.regels
    close_labels = dict(close_reason_labels or {})
    reason_labels = dict(melding_reason_labels or {})

    # 1. absoluut verzuim
    data = frame(cases, CASE_COLUMNS, "cases")
    data["soort"] = texts(data["soort"]).str.upper()
    data["geopend"], data["gesloten"] = dates(data["geopend"]), dates(data["gesloten"])
    data["begin"] = dates(data["begin"]).fillna(data["geopend"]) if "begin" in data else data["geopend"]
    data["reden_sluiting"] = texts(data["reden_sluiting"])
    open_in_year = _overlaps(data["begin"], data["gesloten"], jaar.start, einde)
    av = data[(data["soort"] == ABSOLUUT_VERZUIM) & open_in_year]
    regels.append(Regel(SECTION_ABSOLUUT, "Aantal gevallen van absoluut verzuim", len(av), "av.totaal"))
    new = int((av["begin"] >= stamp(jaar.start)).sum())
    regels.append(Regel(SECTION_ABSOLUUT, "waarvan ontstaan in het schooljaar", new, "av.nieuw"))
    counts = {label: 0 for label in DURATIONS}
    for begin, closed in zip(av["begin"], av["gesloten"], strict=True):
        stop = einde if pd.isna(closed) or closed.date() > einde else closed.date()
        counts[duration_class(begin.date(), stop)] += 1
    for i, label in enumerate(DURATIONS):
        regels.append(Regel(SECTION_ABSOLUUT, f"Duur {label}", counts[label], f"av.duur.{i}",
                            "av.duur", "av.totaal"))
    closed_in_year = av["gesloten"].notna() & (av["gesloten"] <= stamp(einde))
    outcomes = av.loc[closed_in_year, "reden_sluiting"].value_counts()
    for reason, count in sorted(outcomes.items(), key=lambda item: (-item[1], item[0])):
        regels.append(Regel(SECTION_ABSOLUUT, _afloop(_label(reason, close_labels)), int(count),
                            f"av.afloop.{reason}", "av.afloop", "av.totaal"))
    regels.append(Regel(SECTION_ABSOLUUT, _afloop(STILL_OPEN), int((~closed_in_year).sum()),
                        "av.afloop.open", "av.afloop", "av.totaal"))

    # 2. relatief verzuim
    m = frame(meldingen, MELDING_COLUMNS, "verzuimmeldingen")
    m["soort_verzuim"] = texts(m["soort_verzuim"]).str.upper()
    m["meldingsdatum"] = dates(m["meldingsdatum"])
    m["status"] = texts(m["status"]).str.lower()
    m["reden_afsluiting"] = texts(m["reden_afsluiting"])
    in_year = (m["meldingsdatum"] >= stamp(jaar.start)) & (m["meldingsdatum"] <= stamp(einde))
    m = m[in_year]
    for kind, kind_label in VERZUIM_KINDS.items():
        rubriek = f"{SECTION_RELATIEF}: {kind_label}"
        of_kind = m[m["soort_verzuim"] == kind]
        total_key = f"rv.{kind}.totaal"
        regels.append(Regel(rubriek, "Aantal meldingen", len(of_kind), total_key))
        outcome = [
            _label(reason, reason_labels) if reason else STATUS_OUTCOMES.get(status, status or "onbekend")
            for reason, status in zip(of_kind["reden_afsluiting"], of_kind["status"], strict=True)
        ]
        for label, count in sorted(pd.Series(outcome, dtype=object).value_counts().items(),
                                   key=lambda item: (-item[1], item[0])):
            regels.append(Regel(rubriek, _afloop(label), int(count), f"rv.{kind}.afloop.{label}",
                                f"rv.{kind}.afloop", total_key))

    # 3. vrijstellingen
    v = frame(vrijstellingen, VRIJSTELLING_COLUMNS, "vrijstellingen")
    v["grondslag"] = texts(v["grondslag"]).str.upper()
    v["begindatum"], v["einddatum"] = dates(v["begindatum"]), dates(v["einddatum"])
    v = v[_overlaps(v["begindatum"], v["einddatum"], jaar.start, einde)]
    regels.append(Regel(SECTION_VRIJSTELLING, "Aantal vrijstellingen", len(v), "vr.totaal"))
    for ground, ground_label in GROUNDS.items():
        of_ground = v[v["grondslag"] == ground]
        regels.append(Regel(SECTION_VRIJSTELLING, ground_label, len(of_ground), f"vr.{ground}",
                            "vr.grond", "vr.totaal"))
        new = int((of_ground["begindatum"] >= stamp(jaar.start)).sum())
        regels.append(Regel(SECTION_VRIJSTELLING, f"{ground_label}, waarvan nieuw", new,
                            f"vr.{ground}.nieuw"))

    # 4. thuiszitters
    t = frame(thuiszitters, THUISZITTER_COLUMNS, "thuiszitters")
    t["bron"] = texts(t["bron"]).str.lower()
    t["begindatum"], t["einddatum"] = dates(t["begindatum"]), dates(t["einddatum"])
    t = t[_overlaps(t["begindatum"], t["einddatum"], jaar.start, einde)]
    regels.append(Regel(SECTION_THUISZITTERS, "Aantal thuiszitters", len(t), "tz.totaal"))
    for source, source_label in THUISZITTER_SOURCES.items():
        regels.append(Regel(SECTION_THUISZITTERS, f"waarvan door {source_label}",
                            int((t["bron"] == source).sum()), f"tz.bron.{source}", "tz.bron", "tz.totaal"))
    counts = {label: 0 for label in DURATIONS}
    for begin, end in zip(t["begindatum"], t["einddatum"], strict=True):
        stop = einde if pd.isna(end) or end.date() > einde else end.date()
        counts[duration_class(begin.date(), stop)] += 1
    for i, label in enumerate(DURATIONS):
        regels.append(Regel(SECTION_THUISZITTERS, f"Duur {label}", counts[label], f"tz.duur.{i}",
                            "tz.duur", "tz.totaal"))

    # 5. Halt and proces-verbaal
    a = frame(acties, ACTION_COLUMNS, "case actions")
    a["soort"] = texts(a["soort"]).str.lower()
    a["datum"] = dates(a["datum"])
    a = a[(a["datum"] >= stamp(jaar.start)) & (a["datum"] <= stamp(einde))]
    halt, pv = int((a["soort"] == HALT).sum()), int((a["soort"] == PROCES_VERBAAL).sum())
    regels.append(Regel(SECTION_HANDHAVING, "Halt-verwijzingen", halt, "halt"))
    regels.append(Regel(SECTION_HANDHAVING, "Processen-verbaal", pv, "pv"))
    return telling


def _place(regels: list[Regel], regel: Regel) -> int:
    """Where a line that only destroyed records had goes: in its group (before "nog niet
    afgesloten"), else at the end of its section, else at the end."""
    for attribute, wanted in (("groep", regel.groep), ("rubriek", regel.rubriek)):
        if wanted is None:
            continue
        spots = [i for i, other in enumerate(regels) if getattr(other, attribute) == wanted]
        if spots:
            last = spots[-1]
            return last if regels[last].sleutel == "av.afloop.open" else last + 1
    return len(regels)


def with_destroyed(telling: Leerplichttelling, lines: Iterable[Regel]) -> Leerplichttelling:
    """The telling with the counts of records the retention destroyed added in (kept per line in
    `retention_aggregates`, see reports.retention_figures): the form of an old year still adds up.

    Every line is a count of records, so the counts add per key; the outcome lines are then ordered
    as `leerplichttelling` orders them (most first, then by key; "nog niet afgesloten" last)."""
    regels = list(telling.regels)
    for line in lines:
        index = next((i for i, regel in enumerate(regels) if regel.sleutel == line.sleutel), None)
        if index is None:
            regels.insert(_place(regels, line), line)
        else:
            regels[index] = replace(regels[index], aantal=regels[index].aantal + line.aantal)
    for groep in {r.groep for r in regels if r.groep and r.groep.endswith(".afloop")}:
        spots = [i for i, regel in enumerate(regels)
                 if regel.groep == groep and regel.sleutel != "av.afloop.open"]
        ordered = sorted((regels[i] for i in spots), key=lambda regel: (-regel.aantal, regel.sleutel))
        for i, regel in zip(spots, ordered, strict=True):
            regels[i] = regel
    return Leerplichttelling(telling.schooljaar, telling.einde, regels)
