"""Which letters are due on a peildatum, read from the registers (cases, verzuimmeldingen, vrijstellingen).

A *subject* is what a letter is about and where it is recorded: an open case, a new verzuimmelding
or a vrijstelling to renew. For each subject this module decides the kind of letter and its rang
(1 = first letter, 2 = reminder) per addressee role, from the letter log: a role that has had its
first letter gets a reminder only when the reply deadline passed without any reply or contact on
the case; a role that has had every letter it can get gets nothing. Who the addressees are and
whether a letter is suppressed is decided later, from the BRP (letters.planning).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registers.codes import ActionType, CaseStatus, LetterKind, LetterStatus, MeldingStatus, ReasonCode
from registers.models import Case, CaseAction, Dossier, Letter, Verzuimmelding, Vrijstelling
from registers.vrijstellingen import is_valid_on, renewal_due

CASE_LETTERS: dict[ReasonCode, LetterKind] = {
    ReasonCode.ABSOLUUT_VERZUIM: LetterKind.ABSOLUUT_VERZUIM,
    ReasonCode.VSV: LetterKind.DOORSTROOMPUNT,
    ReasonCode.GEEN_INSCHRIJVING_RMC: LetterKind.DOORSTROOMPUNT,
    ReasonCode.BIJNA_LEERPLICHTIG: LetterKind.INFORMATIE_LEERPLICHT,
}
# letters that ask for a reply by a deadline
REMINDED = (LetterKind.ABSOLUUT_VERZUIM, LetterKind.DOORSTROOMPUNT)
CONTACT = (ActionType.ANTWOORD_ONTVANGEN, ActionType.GESPREK, ActionType.HUISBEZOEK)
RENEWAL_MONTH = 6  # the renewal reminder goes out in June, before the 1 July deadline (art. 6)


@dataclass(frozen=True)
class Eerder:
    """A letter already written for a subject and role."""

    rang: int
    datum: date
    antwoord_voor: date | None


@dataclass
class Subject:
    """Something a letter is about, with what the log says was already sent for it."""

    onderwerp: str
    persoonsnummer: str
    soort: LetterKind
    case: Case | None = None
    melding: Verzuimmelding | None = None
    vrijstelling: Vrijstelling | None = None
    schooljaar: str | None = None  # vrijstelling renewals: the school year the renewal is for
    eerder: dict[str, list[Eerder]] = field(default_factory=dict)  # per addressee role, by rang
    behandelaar: str | None = None  # who works it: the case's assignee (a melding: of the person's open case)
    contact_sinds_eerste_brief: bool = False
    # the dossier also holds an open ABSOLUUT_VERZUIM reason: the young person is kwalificatieplichtig,
    # so a minor's VSV reason takes the leerplicht letters, not the Doorstroompunt's (letters.run)
    kwalificatieplicht_reden: bool = False

    @property
    def max_rang(self) -> int:
        return 2 if self.soort in REMINDED and self.case is not None else 1

    def rang_voor(self, rol: str, peildatum: date) -> tuple[int, date | None] | None:
        """The rang of the letter due for addressee `rol`, and the first letter's date for a
        reminder; None when nothing is due for this role."""
        sent = sorted(self.eerder.get(rol, []), key=lambda e: e.rang)
        if not sent:
            return 1, None
        last = sent[-1]
        if last.rang >= self.max_rang or self.contact_sinds_eerste_brief:
            return None
        if last.antwoord_voor is None or peildatum <= last.antwoord_voor:
            return None
        return last.rang + 1, sent[0].datum


def _log(session: Session, onderwerpen: Iterable[str]) -> dict[str, dict[str, list[Eerder]]]:
    wanted = list(onderwerpen)
    found: dict[str, dict[str, list[Eerder]]] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(Letter.onderwerp, Letter.geadresseerde, Letter.rang, Letter.datum, Letter.antwoord_voor)
            .where(Letter.onderwerp.in_(wanted[start: start + 500]),
                   Letter.status == LetterStatus.AANGEMAAKT))
        for onderwerp, rol, rang, datum, antwoord_voor in rows:
            found.setdefault(onderwerp, {}).setdefault(rol, []).append(Eerder(rang, datum, antwoord_voor))
    return found


def _case_subjects(session: Session) -> list[Subject]:
    cases = session.scalars(select(Case).where(Case.status == CaseStatus.OPEN,
                                               Case.signal.in_(list(CASE_LETTERS)))
                            .options(selectinload(Case.dossier)).order_by(Case.id)).all()
    absoluut = set(session.scalars(select(Case.dossier_id).where(
        Case.status == CaseStatus.OPEN, Case.signal == ReasonCode.ABSOLUUT_VERZUIM)))
    return [Subject(f"case:{case.id}", case.persoonsnummer, CASE_LETTERS[case.signal], case=case,
                    behandelaar=case.dossier.assigned_to,
                    kwalificatieplicht_reden=case.dossier_id in absoluut)
            for case in cases]


def _dossier_history(session: Session, subjects: list[Subject]) -> None:
    """A reason's letters are its dossier's: a letter of the same kind sent on another reason of the
    dossier, also one that ended (the VSV reason at the convenantjaar's rollover), counts as sent, so
    the dossier never gets a second first letter of a kind (docs/spec.md §4.3)."""
    dossiers = sorted({s.case.dossier_id for s in subjects if s.case is not None})
    history: dict[tuple[int, str], dict[str, list[Eerder]]] = {}
    for start in range(0, len(dossiers), 500):
        rows = session.execute(
            select(Case.dossier_id, Letter.soort, Letter.geadresseerde, Letter.rang, Letter.datum,
                   Letter.antwoord_voor)
            .join(Case, Case.id == Letter.case_id)
            .where(Case.dossier_id.in_(dossiers[start: start + 500]),
                   Letter.status == LetterStatus.AANGEMAAKT))
        for dossier_id, soort, rol, rang, datum, antwoord_voor in rows:
            key = (dossier_id, str(getattr(soort, "value", soort)))
            history.setdefault(key, {}).setdefault(rol, []).append(Eerder(rang, datum, antwoord_voor))
    for subject in subjects:
        if subject.case is not None:
            subject.eerder = history.get((subject.case.dossier_id, subject.soort.value), subject.eerder)


def _one_subject_per_dossier_and_kind(subjects: list[Subject]) -> list[Subject]:
    """A dossier with two open reasons that take the same letter (VSV and GEEN_INSCHRIJVING_RMC) gets
    it once: on the reason that already has one, else on the VSV reason (its letter says they left
    school), else the oldest."""
    groups: dict[tuple[int, str], list[Subject]] = {}
    others: list[Subject] = []
    for subject in subjects:
        if subject.case is None:
            others.append(subject)
        else:
            groups.setdefault((subject.case.dossier_id, subject.soort.value), []).append(subject)
    kept = []
    for group in groups.values():
        group.sort(key=lambda s: (not s.eerder, s.case.signal != ReasonCode.VSV, s.case.id))
        kept.append(group[0])
    return others + kept


def _contact_after_first_letter(session: Session, subjects: list[Subject]) -> None:
    """A reply, talk or visit on any reason of the dossier since its first letter: no reminder."""
    firsts = {s.case.dossier_id: min(e.datum for rows in s.eerder.values() for e in rows)
              for s in subjects if s.case is not None and s.eerder}
    if not firsts:
        return
    ids = list(firsts)
    contacted: set[int] = set()
    for start in range(0, len(ids), 500):
        rows = session.execute(select(Case.dossier_id, CaseAction.on_date)
                               .join(Case, Case.id == CaseAction.case_id)
                               .where(Case.dossier_id.in_(ids[start: start + 500]),
                                      CaseAction.action.in_(list(CONTACT))))
        contacted.update(dossier_id for dossier_id, on in rows if on >= firsts[dossier_id])
    for subject in subjects:
        if subject.case is not None:
            subject.contact_sinds_eerste_brief = subject.case.dossier_id in contacted


def _melding_subjects(session: Session) -> list[Subject]:
    query = (select(Verzuimmelding).where(Verzuimmelding.status == MeldingStatus.GEREGISTREERD)
             .order_by(Verzuimmelding.id))
    meldingen = session.scalars(query).all()
    assigned: dict[str, str] = {}  # who works the person's open dossier
    numbers = sorted({m.persoonsnummer for m in meldingen})
    for start in range(0, len(numbers), 500):
        rows = session.execute(select(Dossier.persoonsnummer, Dossier.assigned_to).where(
            Dossier.persoonsnummer.in_(numbers[start: start + 500]), Dossier.status == CaseStatus.OPEN,
            Dossier.assigned_to.is_not(None)).order_by(Dossier.id))
        for number, login in rows:
            assigned.setdefault(number, login)
    return [Subject(f"verzuim:{m.id}", m.persoonsnummer, LetterKind.UITNODIGING_VERZUIMGESPREK, melding=m,
                    behandelaar=assigned.get(m.persoonsnummer)) for m in meldingen]


def _renewal_subjects(session: Session, peildatum: date) -> list[Subject]:
    if peildatum.month != RENEWAL_MONTH:
        return []
    deadline = date(peildatum.year, 7, 1)
    schooljaar = f"{peildatum.year}-{peildatum.year + 1}"
    entries = session.scalars(select(Vrijstelling).order_by(Vrijstelling.id)).all()
    return [Subject(f"vrijstelling:{v.id}:{schooljaar}", v.persoonsnummer,
                    LetterKind.HERINNERING_VRIJSTELLING, vrijstelling=v, schooljaar=schooljaar)
            for v in entries if is_valid_on(v, peildatum) and renewal_due(v, peildatum) == deadline]


def due_subjects(session: Session, peildatum: date) -> list[Subject]:
    """Every subject that may need a letter on `peildatum`, with its letter history filled in."""
    subjects = _case_subjects(session) + _melding_subjects(session) + _renewal_subjects(session, peildatum)
    history = _log(session, [s.onderwerp for s in subjects])
    for subject in subjects:
        subject.eerder = history.get(subject.onderwerp, {})
    _dossier_history(session, subjects)
    subjects = _one_subject_per_dossier_and_kind(subjects)
    _contact_after_first_letter(session, subjects)
    return subjects
