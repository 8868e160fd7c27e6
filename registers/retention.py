"""Retention in the registers: every record's destruction date, and the purge of what has expired.

docs/spec.md §6 and docs/privacy.md: each record type is destroyed after its own term (the dated values of
`rules/law/`, applied by `rules.bewaartermijnen`); a legal hold keeps a person's records;
figures of old years must still add up; the audit trail has a term of its own. docs/privacy.md has
the table of terms with their sources.

Which term a record follows (`update_dates` stores it in `vernietigen_op`):

| record | term | the days it is about |
|---|---|---|
| case of an RMC signal (GEEN_INSCHRIJVING_RMC, VSV) | dossier, default RMC | sinds .. closed (or today) |
| any other case | dossier, default leerplicht | the same |
| proces-verbaal / Halt action | Wpg: 5 years after its date | |
| other actions, letters (and files), thuiszitter entries | follow their case, vrijstelling, melding | |
| vrijstelling | dossier, default leerplicht (LPW_15: kwalificatieplicht) | begin .. end (open: today) |
| verzuimmelding, with its status history | dossier, default leerplicht (soort RMC: RMC) | begin .. end |
| VSV register entry | dossier, default RMC | 1 October .. outcome (none: today) |

"dossier" is `rules.bewaartermijnen.dossier`: the longest term among the obligations the record's
days overlap. Without a known birth date (`personen`) a record has no date and is kept (counted in
the summary, to be looked into).

`purge_registers` removes, in one transaction of the caller: every record whose date has come,
except the records of a person with a legal hold on any case, open cases and meldingen still in
handling (work in progress: counted, never removed). Before anything is removed the aggregators
(`reports.retention_figures`) turn the leaving records into counts without persons
(`retention_aggregates`), and one audit entry per person says what was destroyed. The audit trail
itself is trimmed only by `purge_audit`, the privileged path through the append-only trigger.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, exists, insert, or_, select, text, update
from sqlalchemy.orm import Session

from registers.audit import AuditEvent, trail
from registers.codes import ActionType, CaseStatus, MeldingStatus, ReasonCode, VerzuimSoort
from registers.db import writer_connection
from registers.models import (
    AuditEntry,
    AuditPurgeWindow,
    Case,
    CaseAction,
    Dossier,
    Letter,
    Persoon,
    RetentionAggregate,
    Thuiszitter,
    Verzuimmelding,
    VerzuimStatusChange,
    Vrijstelling,
    VsvEntry,
)
from registers.personen import remove_without_records
from rules import bewaartermijnen
from rules.bewaartermijnen import Termijn
from rules.parameters import Parameters, active
from rules.vrijstellingen import Vrijstellingsgrond

log = logging.getLogger(__name__)

RMC_SIGNALS = (ReasonCode.GEEN_INSCHRIJVING_RMC, ReasonCode.VSV)
WPG_ACTIONS = (ActionType.HALT_VERWIJZING, ActionType.PROCES_VERBAAL)
MELDING_IN_HANDLING = (MeldingStatus.GEREGISTREERD, MeldingStatus.IN_BEHANDELING)
#: The record types of the purge summary, in the order they are reported.
RECORD_TYPES = ("cases", "case_actions", "vrijstellingen", "verzuimmeldingen", "verzuim_status_changes",
                "thuiszitters", "vsv_register", "letters")
CHUNK = 500
#: The audit trail's own floor on SQLite (PostgreSQL: its purge refuses a term under a year): rows
#: younger than this are never removed, whatever the parameter or the clock says.
AUDIT_FLOOR = timedelta(days=365)


@dataclass(frozen=True)
class AggregateCount:
    """One line of a figure, as far as the destroyed records made it up (no person, no number)."""

    figuur: str
    periode: int
    sleutel: str
    rubriek: str
    onderdeel: str
    aantal: int
    groep: str | None = None
    totaal: str | None = None


@dataclass
class Expired:
    """The ids of the records to destroy on `today`, per table, and per person what goes (for the
    audit trail)."""

    today: date
    cases: list[int] = field(default_factory=list)
    case_actions: list[int] = field(default_factory=list)
    vrijstellingen: list[int] = field(default_factory=list)
    verzuimmeldingen: list[int] = field(default_factory=list)
    verzuim_status_changes: list[int] = field(default_factory=list)
    thuiszitters: list[int] = field(default_factory=list)
    vsv_register: list[int] = field(default_factory=list)
    letters: list[int] = field(default_factory=list)
    letter_files: list[tuple[str, str]] = field(default_factory=list)  # (run folder, file) of the letters
    persons: dict[str, Counter[str]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in RECORD_TYPES}

    def _note(self, persoonsnummer: str, record_type: str) -> None:
        self.persons.setdefault(persoonsnummer, Counter())[record_type] += 1


#: Turns the records about to be destroyed into counts (reports.retention_figures.telling_counts).
Aggregator = Callable[[Session, Expired], Iterable[AggregateCount]]


@dataclass
class RegisterPurge:
    """What the purge of the registers did (or, in a dry run, would do): counts only."""

    purged: dict[str, int]
    kept_legal_hold: dict[str, int]
    kept_in_progress: dict[str, int]
    without_date: dict[str, int]
    persons: int
    aggregate_lines: int
    personen_removed: int
    letter_files: list[tuple[str, str]] = field(default_factory=list)  # (run folder, file) to remove


# -- destruction dates ---------------------------------------------------------------------------


def _dossier(person: tuple[date | None, date | None] | None, van: date, tot: date, standaard: Termijn,
             today: date, parameters: Parameters) -> date | None:
    if person is None or person[0] is None:
        return None
    geboortedatum, sk_datum = person
    return bewaartermijnen.dossier(geboortedatum, sk_datum, van, max(van, tot), standaard, today,
                                   parameters).op


def _store(session: Session, model: type, dates: dict[int, date | None],
           current: dict[int, date | None]) -> None:
    changes = [{"id": key, "vernietigen_op": value}
               for key, value in dates.items() if current.get(key) != value]
    for start in range(0, len(changes), CHUNK * 10):
        session.execute(update(model), changes[start:start + CHUNK * 10])


def update_dates(session: Session, today: date, parameters: Parameters | None = None) -> dict[str, int]:
    """Compute every record's destruction date and store it in `vernietigen_op` (only where it
    changed); return per record type how many have none (no birth date known)."""
    params = parameters or active()
    persons = {n: (b, s) for n, b, s in session.execute(
        select(Persoon.persoonsnummer, Persoon.geboortedatum, Persoon.sk_datum))}
    without: Counter[str] = Counter()

    dates: dict[int, date | None] = {}
    current: dict[int, date | None] = {}
    for row in session.execute(select(Case.id, Case.persoonsnummer, Case.signal, Case.sinds, Case.opened_on,
                                      Case.closed_on, Case.vernietigen_op)):
        van = min(row.sinds or row.opened_on, row.opened_on)
        standaard = Termijn.RMC if row.signal in RMC_SIGNALS else Termijn.LEERPLICHT
        dates[row.id] = _dossier(persons.get(row.persoonsnummer), van, row.closed_on or today, standaard,
                                 today, params)
        current[row.id] = row.vernietigen_op
    without["cases"] = sum(1 for value in dates.values() if value is None)
    _store(session, Case, dates, current)

    dates, current = {}, {}
    for row in session.execute(select(CaseAction.id, CaseAction.action, CaseAction.on_date,
                                      CaseAction.vernietigen_op)):
        dates[row.id] = (bewaartermijnen.wpg(row.on_date, today, params).op if row.action in WPG_ACTIONS
                         else None)
        current[row.id] = row.vernietigen_op
    _store(session, CaseAction, dates, current)

    dates, current = {}, {}
    for row in session.execute(select(Vrijstelling.id, Vrijstelling.persoonsnummer, Vrijstelling.grond,
                                      Vrijstelling.begindatum, Vrijstelling.einddatum,
                                      Vrijstelling.vernietigen_op)):
        standaard = (Termijn.KWALIFICATIEPLICHT if row.grond == Vrijstellingsgrond.LPW_15
                     else Termijn.LEERPLICHT)
        dates[row.id] = _dossier(persons.get(row.persoonsnummer), row.begindatum, row.einddatum or today,
                                 standaard, today, params)
        current[row.id] = row.vernietigen_op
    without["vrijstellingen"] = sum(1 for value in dates.values() if value is None)
    _store(session, Vrijstelling, dates, current)

    dates, current = {}, {}
    for row in session.execute(select(Verzuimmelding.id, Verzuimmelding.persoonsnummer, Verzuimmelding.soort,
                                      Verzuimmelding.begindatum, Verzuimmelding.einddatum,
                                      Verzuimmelding.status_datum, Verzuimmelding.vernietigen_op)):
        standaard = Termijn.RMC if row.soort == VerzuimSoort.RMC else Termijn.LEERPLICHT
        tot = row.einddatum or max(row.begindatum, row.status_datum)
        dates[row.id] = _dossier(persons.get(row.persoonsnummer), row.begindatum, tot, standaard, today,
                                 params)
        current[row.id] = row.vernietigen_op
    without["verzuimmeldingen"] = sum(1 for value in dates.values() if value is None)
    _store(session, Verzuimmelding, dates, current)

    dates, current = {}, {}
    for row in session.execute(select(VsvEntry.id, VsvEntry.persoonsnummer, VsvEntry.startset_datum,
                                      VsvEntry.uitkomst_datum, VsvEntry.vernietigen_op)):
        dates[row.id] = _dossier(persons.get(row.persoonsnummer), row.startset_datum,
                                 row.uitkomst_datum or today, Termijn.RMC, today, params)
        current[row.id] = row.vernietigen_op
    without["vsv_register"] = sum(1 for value in dates.values() if value is None)
    _store(session, VsvEntry, dates, current)
    session.flush()
    session.expire_all()  # a bulk update by primary key leaves loaded objects as they were
    return {name: count for name, count in without.items() if count}


# -- what has expired ----------------------------------------------------------------------------


def held_persons(session: Session) -> set[str]:
    """Persons with a legal hold on any case: none of their records is destroyed."""
    return set(session.scalars(select(Case.persoonsnummer).where(Case.legal_hold.is_(True))))


def find_expired(session: Session, today: date) -> tuple[Expired, Counter[str], Counter[str]]:
    """The records whose `vernietigen_op` has come (`<= today`), with the dependants that go with
    them; and, per record type, how many are kept by a legal hold and how many as work in progress."""
    held = held_persons(session)
    expired, hold, in_progress = Expired(today), Counter[str](), Counter[str]()
    due = Case.vernietigen_op <= today
    for case_id, number, status in session.execute(
            select(Case.id, Case.persoonsnummer, Case.status).where(due).order_by(Case.id)):
        if number in held:
            hold["cases"] += 1
        elif status == CaseStatus.OPEN:
            in_progress["cases"] += 1
        else:
            expired.cases.append(case_id)
            expired._note(number, "cases")
    gone_cases = set(expired.cases)
    for action_id, case_id, number, action_due in session.execute(
            select(CaseAction.id, CaseAction.case_id, Case.persoonsnummer, CaseAction.vernietigen_op <= today)
            .join(Case, Case.id == CaseAction.case_id)
            .where(or_(CaseAction.case_id.in_(gone_cases), CaseAction.vernietigen_op <= today))
            .order_by(CaseAction.id)):
        if case_id in gone_cases:
            expired.case_actions.append(action_id)
        elif number in held:
            hold["case_actions"] += 1
        elif action_due:
            expired.case_actions.append(action_id)
            expired._note(number, "case_actions")
    for entry_id, number in session.execute(
            select(Vrijstelling.id, Vrijstelling.persoonsnummer)
            .where(Vrijstelling.vernietigen_op <= today).order_by(Vrijstelling.id)):
        if number in held:
            hold["vrijstellingen"] += 1
        else:
            expired.vrijstellingen.append(entry_id)
            expired._note(number, "vrijstellingen")
    for melding_id, number, status in session.execute(
            select(Verzuimmelding.id, Verzuimmelding.persoonsnummer, Verzuimmelding.status)
            .where(Verzuimmelding.vernietigen_op <= today).order_by(Verzuimmelding.id)):
        if number in held:
            hold["verzuimmeldingen"] += 1
        elif status in MELDING_IN_HANDLING:
            in_progress["verzuimmeldingen"] += 1
        else:
            expired.verzuimmeldingen.append(melding_id)
            expired._note(number, "verzuimmeldingen")
    gone_meldingen = set(expired.verzuimmeldingen)
    if gone_meldingen:
        expired.verzuim_status_changes = list(session.scalars(
            select(VerzuimStatusChange.id).where(VerzuimStatusChange.melding_id.in_(gone_meldingen))
            .order_by(VerzuimStatusChange.id)))
    if gone_cases or gone_meldingen:
        expired.thuiszitters = list(session.scalars(
            select(Thuiszitter.id).where(or_(Thuiszitter.case_id.in_(gone_cases),
                                             Thuiszitter.verzuimmelding_id.in_(gone_meldingen)))
            .order_by(Thuiszitter.id)))
    for entry_id, number in session.execute(select(VsvEntry.id, VsvEntry.persoonsnummer)
                                            .where(VsvEntry.vernietigen_op <= today).order_by(VsvEntry.id)):
        if number in held:
            hold["vsv_register"] += 1
        else:
            expired.vsv_register.append(entry_id)
            expired._note(number, "vsv_register")
    gone_vrijstellingen = set(expired.vrijstellingen)
    for letter_id, run, bestand in session.execute(
            select(Letter.id, Letter.run, Letter.bestand).where(or_(
                Letter.case_id.in_(gone_cases), Letter.vrijstelling_id.in_(gone_vrijstellingen),
                Letter.verzuimmelding_id.in_(gone_meldingen))).order_by(Letter.id)):
        expired.letters.append(letter_id)
        if run and bestand:
            expired.letter_files.append((run, bestand))
    return expired, hold, in_progress


# -- the purge -----------------------------------------------------------------------------------


def _secure_delete(session: Session) -> None:
    """SQLite: overwrite what is deleted (otherwise it stays readable in free pages of the file)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))


def _delete(session: Session, model: Any, ids: Sequence[int]) -> None:
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(model).where(model.id.in_(ids[start:start + CHUNK]))
                        .execution_options(synchronize_session=False))


def store_aggregates(session: Session, lines: Iterable[AggregateCount]) -> int:
    """Add the counts to `retention_aggregates` (a line seen before grows); return the lines touched."""
    total: dict[tuple[str, int, str], AggregateCount] = {}
    for line in lines:
        key = (line.figuur, line.periode, line.sleutel)
        known = total.get(key)
        total[key] = line if known is None else AggregateCount(
            line.figuur, line.periode, line.sleutel, line.rubriek, line.onderdeel, known.aantal + line.aantal,
            line.groep, line.totaal)
    for (figuur, periode, sleutel), line in total.items():
        if not line.aantal:
            continue
        existing = session.scalars(select(RetentionAggregate).where(
            RetentionAggregate.figuur == figuur, RetentionAggregate.periode == periode,
            RetentionAggregate.sleutel == sleutel)).first()
        if existing is None:
            session.execute(insert(RetentionAggregate).values(
                figuur=figuur, periode=periode, sleutel=sleutel, rubriek=line.rubriek,
                onderdeel=line.onderdeel, groep=line.groep, totaal=line.totaal, aantal=line.aantal))
        else:
            existing.aantal += line.aantal
    session.flush()
    return sum(1 for line in total.values() if line.aantal)


def purge_registers(session: Session, today: date, *, aggregators: Sequence[Aggregator] = (),
                    parameters: Parameters | None = None) -> RegisterPurge:
    """Destroy what has expired on `today` (see the module docstring). Does not commit: the caller
    commits, or rolls back for a dry run. Run `registers.personen.refresh_personen` first."""
    writer_connection(session)
    without = update_dates(session, today, parameters)
    expired, hold, in_progress = find_expired(session, today)
    lines = [line for aggregate in aggregators for line in aggregate(session, expired)]
    aggregate_lines = store_aggregates(session, lines)
    audit = trail(session)
    audit.record_many(session, [
        AuditEvent("retention.purged", number, None, None,
                   " ".join(f"{name}={count}" for name, count in sorted(counts.items())))
        for number, counts in sorted(expired.persons.items())])
    _secure_delete(session)
    _delete(session, Letter, expired.letters)
    _delete(session, Thuiszitter, expired.thuiszitters)
    _delete(session, VerzuimStatusChange, expired.verzuim_status_changes)
    _delete(session, CaseAction, expired.case_actions)
    _delete(session, Case, expired.cases)
    # A melding's reason goes with the melding (its steps, letters and attachments cascade).
    if expired.verzuimmeldingen:
        _delete(session, Case, list(session.scalars(select(Case.id).where(
            Case.verzuimmelding_id.in_(expired.verzuimmeldingen)))))
    _delete(session, Verzuimmelding, expired.verzuimmeldingen)
    _delete(session, Vrijstelling, expired.vrijstellingen)
    _delete(session, VsvEntry, expired.vsv_register)
    session.execute(delete(Dossier).where(~exists().where(Case.dossier_id == Dossier.id)))  # no reason left
    session.flush()
    removed = remove_without_records(session)
    session.expire_all()
    purged = expired.counts()
    log.info("Retention %s: %s destroyed, %d persons; kept by legal hold %s, in progress %s",
             today.isoformat(), _describe(purged), len(expired.persons), _describe(hold),
             _describe(in_progress))
    return RegisterPurge(purged, dict(hold), dict(in_progress), without, len(expired.persons),
                         aggregate_lines, removed, expired.letter_files)


def _describe(counts: dict[str, int] | Counter[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items() if count) or "nothing"


# -- the audit trail's own term ------------------------------------------------------------------


def purge_audit(session: Session, today: date, *, keep: Iterable[str] = (),
                parameters: Parameters | None = None, now: datetime | None = None) -> int:
    """Remove audit rows older than `bewaartermijn_audit`, except those about persons on a legal hold:
    the only way past the append-only trigger.

    PostgreSQL: the SECURITY DEFINER function `inbeeld_purge_audit()` (EXECUTE for inbeeld_beheer
    only) takes nothing from us: the term (`audit_bewaartermijn`), the clock and the held persons
    (cases with `legal_hold`) are the database's own, so `today`, `keep`, `parameters` and `now`
    do not apply. SQLite (one user: whoever can read the file): a purge window opened and closed in
    this transaction, by `today`'s term, keeping `keep`; rows younger than a year by the real clock
    (`now`) are never removed."""
    audit = trail(session)
    if session.get_bind().dialect.name == "postgresql":
        removed = int(session.execute(text("SELECT inbeeld_purge_audit()")).scalar_one())
        if removed:
            audit.record(session, AuditEvent("audit.purged", None, "audit_log", None, f"rows={removed}"))
        return removed
    before = datetime.combine(bewaartermijnen.audit_grens(today, parameters), time())
    clock = now or datetime.now(UTC).replace(tzinfo=None)
    if before > clock - AUDIT_FLOOR:
        log.warning("Waarschuwing: de audit-regels blijven staan: hun grens %s ligt niet een jaar of meer "
                    "vóór vandaag (%s)", before.date().isoformat(), clock.date().isoformat())
        return 0
    keep_hashes = sorted({audit.person_hash(number) for number in keep})
    _secure_delete(session)
    session.execute(insert(AuditPurgeWindow).values(removed_before=before))
    condition = AuditEntry.at < before
    if keep_hashes:
        condition &= AuditEntry.person_hash.is_(None) | AuditEntry.person_hash.not_in(keep_hashes)
    removed = session.execute(delete(AuditEntry).where(condition)
                              .execution_options(synchronize_session=False)).rowcount or 0
    session.execute(delete(AuditPurgeWindow))
    if removed:
        audit.record(session, AuditEvent("audit.purged", None, "audit_log", None,
                                         f"rows={removed} before={before.date().isoformat()}"))
    return int(removed)
