"""The persons the registers hold records of: birth date, startkwalificatie and gemeente (`personen`).

Why: a record's destruction date follows from the person's birth date and startkwalificatie
(`rules.bewaartermijnen`), and PostgreSQL's row-level security shows an LPA only the persons of the
login's gemeenten. Neither is on every record, and the deliveries that tell them leave staging after
`bewaartermijn_staging` weeks; so the registers keep these three facts per person, refreshed from
staging by the retention run (`refresh_personen`), and drop them with the person's last record.

What staging no longer knows (the person moved away, the delivery was purged) is kept as it was: a
fact is only replaced by a newer one. A startkwalificatie date only ever moves earlier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select, union
from sqlalchemy.orm import Session

from connectors.person_facts import PersonFacts
from registers.models import Case, Letter, Persoon, Thuiszitter, Verzuimmelding, Vrijstelling, VsvEntry

PERSON_RECORDS = (Case, Vrijstelling, Verzuimmelding, Thuiszitter, VsvEntry, Letter)


@dataclass(frozen=True)
class RefreshSummary:
    new: int
    updated: int
    without_birth_date: int


def record_numbers(session: Session):
    """A selectable of every persoonsnummer with a record in the registers."""
    return union(*(select(model.persoonsnummer) for model in PERSON_RECORDS))


def _earliest(*dates: date | None) -> date | None:
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def refresh_personen(session: Session, facts: Mapping[str, PersonFacts], today: date) -> RefreshSummary:
    """Bring `personen` up to date for every person with a record, with what staging knows (`facts`)."""
    numbers = set(session.scalars(select(record_numbers(session).subquery().c[0])))
    known = {p.persoonsnummer: p for p in session.scalars(select(Persoon))}
    case_gemeente = dict(session.execute(
        select(Case.persoonsnummer, Case.gemeentecode).order_by(Case.opened_on, Case.id)).all())
    vsv_sk: dict[str, date] = {}
    for number, sk in session.execute(select(VsvEntry.persoonsnummer, VsvEntry.sk_datum)
                                      .where(VsvEntry.sk_datum.is_not(None))):
        vsv_sk[number] = _earliest(vsv_sk.get(number), sk)  # type: ignore[assignment]
    new = updated = 0
    for number in sorted(numbers):
        fact = facts.get(number)
        person = known.get(number)
        geboortedatum = (fact.geboortedatum if fact and fact.geboortedatum else None) or (
            person.geboortedatum if person else None)
        gemeentecode = (fact.gemeentecode if fact and fact.gemeentecode else None) or (
            person.gemeentecode if person else None) or case_gemeente.get(number)
        sk_datum = _earliest(fact.sk_datum if fact else None, person.sk_datum if person else None,
                             vsv_sk.get(number))
        if person is None:
            session.add(Persoon(persoonsnummer=number, gemeentecode=gemeentecode, geboortedatum=geboortedatum,
                                sk_datum=sk_datum, bijgewerkt_op=today))
            new += 1
        elif (person.geboortedatum, person.gemeentecode, person.sk_datum) != (geboortedatum, gemeentecode,
                                                                               sk_datum):
            person.geboortedatum, person.gemeentecode, person.sk_datum = geboortedatum, gemeentecode, sk_datum
            person.bijgewerkt_op = today
            updated += 1
    session.flush()
    without = session.scalar(select(func.count()).select_from(Persoon).where(Persoon.geboortedatum.is_(None)))
    return RefreshSummary(new, updated, without or 0)


def remove_without_records(session: Session) -> int:
    """Forget the persons who no longer have any record (after the retention removed the last one)."""
    result = session.execute(delete(Persoon).where(Persoon.persoonsnummer.not_in(
        select(record_numbers(session).subquery().c[0]))).execution_options(synchronize_session=False))
    return result.rowcount or 0
