"""The vrijstellingen register: exemptions with their legal ground (docs/spec.md §4.4), and what makes
one valid.

The grounds and their articles are `rules.vrijstellingen.Vrijstellingsgrond`; what this module adds
is what the register must check before it holds one (the rules module leaves that here):

- the einddatum is not before the begindatum; the ground is one of the seven codes;
- LPW_5_A (art. 5 onder a): the statement of the designated doctor or psychologist is at most
  3 months old at the begindatum (art. 7); "never fit" exists only for this ground and spares the
  yearly renewal (art. 6 lid 3);
- LPW_5A (art. 5a, trekkend bestaan): only March to October (Besluit vrijstelling leerplicht
  trekkende bevolking), so it needs an einddatum within the season of its begindatum;
- LPW_3A (art. 3a): granted per school year, so it ends at the latest on the last day of the
  school year it starts in;
- a statement date (`verklaring_datum`) only for the grounds that ask for one: LPW_5_A (art. 7)
  and LPW_5_C (art. 9, the foreign school's statement);
- no two vrijstellingen of one person on one ground overlap;
- the ground fits the person on the begindatum (`rules.vrijstellingen.past`: the obligation it frees
  from is theirs that day, art. 3a from 14, art. 3b in the last school year, art. 15 only
  kwalificatieplicht), from the birth date the BRP gives (`connectors.person_facts.birth_facts`).
  A partly unknown birth date that leaves it open is refused: nobody guesses. A person neither the
  BRP nor the registers know cannot be checked; the entry is kept, and the signals count it only
  when it fits the person they see (`rules.sql` `lpw_vrijstelling_past`). An imported row that
  fails is quarantined in staging (file, line, field, reason) and taken out of
  `vrijstellingen_import`, so it never reaches the signals.

Art. 5 (a, b, c) kennisgevingen are renewed every year before 1 July (art. 6 lid 2 onder b):
`renewal_due` says by when. Art. 8 (5 onder b is void if the child went to a school of that
direction the year before) needs enrolment history the register does not hold: the LPA checks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from connectors.errors import RefusedFile, StagingLocked
from connectors.person_facts import BirthFacts, birth_facts
from connectors.persoonsnummer import is_persoonsnummer
from registers.audit import AuditEvent, trail
from registers.errors import Refused, RefusedDelivery
from registers.meldingen import NL, nederlands
from registers.models import Persoon, Vrijstelling
from rules.dates import MaandDag, add_months, format_nl, parse_date, schooljaar_einde
from rules.parameters import value
from rules.vrijstellingen import TREKKEND_SEIZOEN, Vrijstellingsgrond, past

G = Vrijstellingsgrond
STATEMENT_MAX_AGE_MONTHS = 3  # art. 7: "niet ouder dan drie maanden"
NEEDS_STATEMENT = {G.LPW_5_A: "verklaring van arts of psycholoog (art. 7)",
                   G.LPW_5_C: "verklaring van de buitenlandse school (art. 9)"}
YEARLY_RENEWAL = (G.LPW_5_A, G.LPW_5_B, G.LPW_5_C)  # art. 6 lid 2 onder b
RENEWAL_BEFORE = MaandDag(7, 1)  # "telkens vóór 1 juli"


def parse_grond(code: str | Vrijstellingsgrond) -> Vrijstellingsgrond:
    try:
        return code if isinstance(code, Vrijstellingsgrond) else Vrijstellingsgrond.from_code(code)
    except ValueError as exc:
        raise Refused(str(exc), code="onbekende_grond", waarde=code,
                      keuzes=", ".join(g.value for g in Vrijstellingsgrond)) from None


def check(grond: Vrijstellingsgrond, begindatum: date, einddatum: date | None, *,
          verklaring_datum: date | None = None, nooit_geschikt: bool = False) -> None:
    """Refuse a vrijstelling the law does not allow (see the module docstring); pure, no database."""
    if einddatum is not None and einddatum < begindatum:
        raise Refused(f"the einddatum {format_nl(einddatum)} lies before the begindatum "
                      f"{format_nl(begindatum)}", code="eind_voor_begin", eind=einddatum, begin=begindatum)
    if nooit_geschikt and grond != G.LPW_5_A:
        raise Refused(f"'nooit geschikt' belongs to LPW_5_A (art. 5 onder a), not to {grond.value}",
                      code="nooit_geschikt_grond", artikel=grond.artikel)
    if verklaring_datum is not None:
        if grond not in NEEDS_STATEMENT:
            raise Refused(f"{grond.value} ({grond.artikel}) asks for no statement: leave the verklaring out",
                          code="geen_verklaring", artikel=grond.artikel)
        if verklaring_datum > begindatum:
            raise Refused(f"the statement of {format_nl(verklaring_datum)} is dated after the begindatum "
                          f"{format_nl(begindatum)}", code="verklaring_na_begin", verklaring=verklaring_datum,
                          begin=begindatum)
        oldest = add_months(begindatum, -STATEMENT_MAX_AGE_MONTHS)
        if grond == G.LPW_5_A and verklaring_datum < oldest:
            raise Refused(f"the statement of {format_nl(verklaring_datum)} is more than 3 months old at the "
                          f"begindatum {format_nl(begindatum)} (art. 7: at the earliest {format_nl(oldest)})",
                          code="verklaring_te_oud", verklaring=verklaring_datum, vroegst=oldest)
    if grond == G.LPW_5A:
        first = date(begindatum.year, TREKKEND_SEIZOEN.start, 1)
        last = date(begindatum.year, TREKKEND_SEIZOEN.stop, 1) - timedelta(days=1)
        if begindatum.month not in TREKKEND_SEIZOEN:
            raise Refused(f"LPW_5A (art. 5a, trekkend bestaan) holds only March to October: "
                          f"{format_nl(begindatum)} is outside the season", code="buiten_seizoen",
                          begin=begindatum)
        if einddatum is None or einddatum > last:
            raise Refused(f"LPW_5A (art. 5a, trekkend bestaan) holds only March to October: give an "
                          f"einddatum within {format_nl(first)} – {format_nl(last)}", code="seizoen_einde",
                          eerste=first, laatste=last)
    if grond == G.LPW_3A:
        last = schooljaar_einde(begindatum, value("schooljaar_start", begindatum))
        if einddatum is None or einddatum > last:
            raise Refused(f"LPW_3A (art. 3a) is granted per school year: give an einddatum on or before "
                          f"{format_nl(last)}", code="per_schooljaar", laatste=last)


def check_fits(grond: Vrijstellingsgrond, begindatum: date, persoon: BirthFacts | None) -> None:
    """Refuse a ground the law does not allow for this person on the begindatum (Dutch, with the
    article); pure. `persoon` None: neither the BRP nor the registers know the person, so there is
    nothing to check it against; the signals then count it only once it fits (`lpw_vrijstelling_past`)."""
    if persoon is None:
        return
    toets = past(grond, persoon.geboortedatum, begindatum, persoon.sk_datum, persoon.pro_vso_datum)
    if toets.past is not True:
        raise Refused(f"niet toegestaan: {toets.reden}", code="niet_toegestaan", reden=toets.reden)


def facts_of(session: Session, persoonsnummer: str, staging_path: Path | None = None) -> BirthFacts | None:
    """What the law needs about the person: from staging when there is one (the BRP as delivered),
    else the birth date the registers keep (`personen`, refreshed weekly from staging)."""
    from connectors.staging import Staging  # DuckDB only when staging is read

    if staging_path is not None and Path(staging_path).is_file():
        try:
            with Staging(staging_path, read_only=True) as staging:
                found = birth_facts(staging.con, [persoonsnummer]).get(persoonsnummer)
        except StagingLocked as exc:
            raise Refused(str(exc), code="staging_bezet", fout=exc) from None
        if found is not None:
            return found
    persoon = session.get(Persoon, persoonsnummer)
    if persoon is None or persoon.geboortedatum is None:
        return None
    return BirthFacts(persoonsnummer, persoon.geboortedatum.strftime("%Y%m%d"), persoon.sk_datum)


def _check_overlap(session: Session, persoonsnummer: str, grond: Vrijstellingsgrond, begindatum: date,
                   einddatum: date | None, exclude_id: int | None = None) -> None:
    query = select(Vrijstelling).where(
        Vrijstelling.persoonsnummer == persoonsnummer, Vrijstelling.grond == grond,
        or_(Vrijstelling.einddatum.is_(None), Vrijstelling.einddatum >= begindatum))
    if einddatum is not None:
        query = query.where(Vrijstelling.begindatum <= einddatum)
    if exclude_id is not None:
        query = query.where(Vrijstelling.id != exclude_id)
    other = session.scalars(query).first()
    if other is not None:
        until = format_nl(other.einddatum) if other.einddatum else "open end"
        raise Refused(f"it overlaps vrijstelling {other.id} ({grond.value}, {format_nl(other.begindatum)} – "
                      f"{until}) of the same person", code="overlapt", id=other.id, begin=other.begindatum)


def add_vrijstelling(
    session: Session,
    persoonsnummer: str,
    grond: Vrijstellingsgrond | str,
    begindatum: date,
    *,
    einddatum: date | None = None,
    verklaring_datum: date | None = None,
    nooit_geschikt: bool = False,
    toelichting: str | None = None,
    persoon: BirthFacts | None = None,
    staging_path: Path | None = None,
) -> Vrijstelling:
    """Register a vrijstelling after the checks of the module docstring. The next case sync closes the
    person's absoluut-verzuim case with reason `vrijstelling` once the matching sees it.

    `persoon`: the person's birth facts; else they are looked up (`facts_of`, staging first)."""
    persoonsnummer = persoonsnummer.strip()
    if not is_persoonsnummer(persoonsnummer):
        raise Refused("the persoonsnummer fails the elfproef (not a BSN or onderwijsnummer)", code="elfproef")
    grond = parse_grond(grond)
    check(grond, begindatum, einddatum, verklaring_datum=verklaring_datum, nooit_geschikt=nooit_geschikt)
    check_fits(grond, begindatum, persoon or facts_of(session, persoonsnummer, staging_path))
    _check_overlap(session, persoonsnummer, grond, begindatum, einddatum)
    entry = Vrijstelling(persoonsnummer=persoonsnummer, grond=grond, begindatum=begindatum,
                         einddatum=einddatum,
                         verklaring_datum=verklaring_datum, nooit_geschikt=nooit_geschikt,
                         toelichting=(toelichting or "").strip() or None)
    session.add(entry)
    session.flush()
    trail(session).record(session, AuditEvent("vrijstelling.added", persoonsnummer, "vrijstellingen",
                                              entry.id, f"grond={grond.value}"))
    return entry


def end_vrijstelling(session: Session, vrijstelling_id: int, einddatum: date) -> Vrijstelling:
    """Give an open vrijstelling its einddatum (the child goes back to school, moves abroad, ...)."""
    entry = session.get(Vrijstelling, vrijstelling_id)
    if entry is None:
        raise Refused(f"there is no vrijstelling {vrijstelling_id}",
                      code="geen_vrijstelling", id=vrijstelling_id)
    if entry.einddatum is not None:
        raise Refused(f"vrijstelling {entry.id} already ends on {format_nl(entry.einddatum)}",
                      code="vrijstelling_al_geeindigd", id=entry.id, eind=entry.einddatum)
    check(entry.grond, entry.begindatum, einddatum)
    entry.einddatum = einddatum
    session.flush()
    trail(session).record(session, AuditEvent("vrijstelling.ended", entry.persoonsnummer, "vrijstellingen",
                                              entry.id))
    return entry


def end_on_emigration(session: Session, persoonsnummers: Iterable[str], on: date) -> list[Vrijstelling]:
    """End the vrijstellingen still running on `on` of persons whose dossier closed because they
    emigrated: leerplicht needs residence in the Netherlands (art. 2), so nothing is left to be free
    of, and no yearly renewal (art. 6) is asked of them. Returns the entries ended."""
    wanted = sorted(set(persoonsnummers))
    if not wanted:
        return []
    running = session.scalars(select(Vrijstelling).where(
        Vrijstelling.persoonsnummer.in_(wanted), Vrijstelling.begindatum <= on,
        or_(Vrijstelling.einddatum.is_(None), Vrijstelling.einddatum > on)))
    ended = []
    for entry in running:
        entry.einddatum = on
        ended.append(entry)
    session.flush()
    trail(session).record_many(session, [
        AuditEvent("vrijstelling.ended", entry.persoonsnummer, "vrijstellingen", entry.id,
                   "reason=geemigreerd")
        for entry in ended])
    return ended


def is_valid_on(entry: Vrijstelling, d: date) -> bool:
    """docs/formats.md §4: valid when begindatum <= d <= einddatum (an empty einddatum is open-ended)."""
    return entry.begindatum <= d and (entry.einddatum is None or d <= entry.einddatum)


def renewal_due(entry: Vrijstelling, on: date) -> date | None:
    """The 1 July before which the next yearly kennisgeving is due (art. 6 lid 2 onder b), or None when
    none is: not an art. 5 ground, "never fit", or ending before the next school year starts."""
    if entry.grond not in YEARLY_RENEWAL or entry.nooit_geschikt:
        return None
    reference = max(on, entry.begindatum)
    deadline = RENEWAL_BEFORE.in_jaar(reference.year)
    if reference >= deadline:
        deadline = RENEWAL_BEFORE.in_jaar(reference.year + 1)
    school_year_end = schooljaar_einde(deadline, value("schooljaar_start", deadline))
    if entry.einddatum is not None and entry.einddatum <= school_year_end:
        return None
    return deadline


def list_vrijstellingen(session: Session, *, persoonsnummer: str | None = None,
                        geldig_op: date | None = None) -> list[Vrijstelling]:
    query = select(Vrijstelling).order_by(Vrijstelling.begindatum, Vrijstelling.id)
    if persoonsnummer is not None:
        query = query.where(Vrijstelling.persoonsnummer == persoonsnummer)
    if geldig_op is not None:
        query = query.where(Vrijstelling.begindatum <= geldig_op,
                            or_(Vrijstelling.einddatum.is_(None), Vrijstelling.einddatum >= geldig_op))
    return list(session.scalars(query))


@dataclass(frozen=True)
class Quarantined:
    line: int | None
    field: str | None
    reason: str
    value: str | None = None
    file: str | None = None


@dataclass(frozen=True)
class ImportSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: tuple[Quarantined, ...] = field(default_factory=tuple)
    import_id: int | None = None
    duplicate: bool = False


STAGED_COLUMNS = ("line", "persoonsnummer", "grondslag", "begindatum", "einddatum", "toelichting")


def import_vrijstellingen_file(session: Session, staging_path: Path, path: Path, *,
                               gemeenten: tuple[str, ...] = (), encoding: str | None = None) -> ImportSummary:
    """Load a vrijstellingen CSV (docs/formats.md §4) into staging, then its rows into the register.

    Staging's reader (`connectors.vrijstellingen_csv`) refuses a broken file whole and quarantines
    rows with a bad number, ground or date; this register adds the legal checks of `check`. The same
    file twice is a no-op in staging, and applying its rows again changes nothing here either, so a
    run that stopped between the two stores is completed by running it again.
    """
    from connectors import vrijstellingen_csv  # the readers and DuckDB only when a file is imported
    from connectors.deliveries import load
    from connectors.staging import QuarantineRow, Staging

    try:
        with Staging(staging_path, gemeenten=gemeenten) as staging:
            result = load(staging, path, vrijstellingen_csv.KIND, encoding=encoding)
            import_id = result.import_id if result.import_id is not None else result.duplicate_of
            cursor = staging.con.execute(
                f"SELECT {', '.join(STAGED_COLUMNS)} FROM vrijstellingen_import "
                "WHERE import_id = ? ORDER BY line", [import_id])
            rows = [dict(zip(STAGED_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
            persons = birth_facts(staging.con, [str(row["persoonsnummer"] or "") for row in rows])
            summary = import_vrijstellingen(session, rows, persons=persons)
            # a row the law does not allow leaves staging too (the signals read it there)
            staging.quarantine_rows("vrijstellingen_import", import_id, [
                QuarantineRow(q.line, q.field, q.value, q.reason) for q in summary.quarantined])
            staged_faults = tuple(Quarantined(q["line"], q["field"], q["reason"], q["value"], q["file"])
                                  for q in staging.quarantine(import_id))
    except RefusedFile as exc:
        raise RefusedDelivery(exc) from None
    except StagingLocked as exc:
        raise Refused(str(exc), code="staging_bezet", fout=exc) from None
    return replace(summary, quarantined=staged_faults, import_id=import_id,
                   duplicate=result.status == "duplicate")


def import_vrijstellingen(session: Session, rows: Iterable[Mapping[str, Any]],
                          persons: Mapping[str, BirthFacts] | None = None) -> ImportSummary:
    """Take in staged vrijstellingen (`vrijstellingen_import` rows): new ones added, known ones (same
    person, ground and begindatum) given the delivered einddatum / toelichting; rows the law does not
    allow quarantined with their reason. Applying the same rows twice changes nothing.

    `persons`: the birth facts of the rows' persons (staging's); one not in it is looked up in the
    registers (`facts_of`)."""
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    quarantined: list[Quarantined] = []
    for row in rows:
        try:
            counts[_import_row(session, row, persons or {})] += 1
        except _RowFault as fault:
            quarantined.append(Quarantined(row.get("line"), fault.field, fault.reason, fault.value))
    return ImportSummary(**counts, quarantined=tuple(quarantined))


class _RowFault(Exception):
    def __init__(self, field_name: str, reason: str, value: object = None) -> None:
        super().__init__(reason)
        self.field, self.reason = field_name, reason
        self.value = None if value is None else str(value)


def _as_date(row: Mapping[str, Any], name: str) -> date | None:
    value = row.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return parse_date(str(value))
    except ValueError:
        raise _RowFault(name, f"geen geldige datum: {value!r}") from None


def _import_row(session: Session, row: Mapping[str, Any], persons: Mapping[str, BirthFacts]) -> str:
    persoonsnummer = str(row.get("persoonsnummer") or "")
    if not is_persoonsnummer(persoonsnummer):
        raise _RowFault("persoonsnummer", NL["elfproef"].rstrip("."))
    try:
        grond = parse_grond(str(row.get("grondslag") or ""))
    except Refused as exc:
        raise _RowFault("grondslag", nederlands(exc)) from None
    begindatum = _as_date(row, "begindatum")
    if begindatum is None:
        raise _RowFault("begindatum", "verplicht")
    einddatum = _as_date(row, "einddatum")
    toelichting = str(row.get("toelichting") or "").strip() or None
    known = session.scalars(select(Vrijstelling).where(
        Vrijstelling.persoonsnummer == persoonsnummer, Vrijstelling.grond == grond,
        Vrijstelling.begindatum == begindatum)).first()
    if known is not None and (known.einddatum, known.toelichting) == (einddatum, toelichting):
        return "unchanged"
    try:
        check(grond, begindatum, einddatum)
        _check_overlap(session, persoonsnummer, grond, begindatum, einddatum,
                       exclude_id=known.id if known is not None else None)
    except Refused as exc:
        raise _RowFault("begindatum/einddatum", nederlands(exc)) from None
    try:
        check_fits(grond, begindatum, persons.get(persoonsnummer) or facts_of(session, persoonsnummer))
    except Refused as exc:
        raise _RowFault("grondslag", nederlands(exc), grond.value) from None
    audit = trail(session)
    if known is None:
        entry = Vrijstelling(persoonsnummer=persoonsnummer, grond=grond, begindatum=begindatum,
                             einddatum=einddatum, toelichting=toelichting)
        session.add(entry)
        session.flush()
        audit.record(session, AuditEvent("vrijstelling.imported", persoonsnummer, "vrijstellingen", entry.id,
                                         f"grond={grond.value}"))
        return "new"
    known.einddatum, known.toelichting = einddatum, toelichting
    session.flush()
    audit.record(session, AuditEvent("vrijstelling.updated", persoonsnummer, "vrijstellingen", known.id))
    return "updated"
