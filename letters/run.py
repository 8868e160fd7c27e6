"""The letter run: every letter due on a peildatum, written once, recorded on its case.

Order of work, so that a run killed at any point is completed by the next one and no letter is
ever recorded twice:

1. recovery: a run folder still marked `ONVOLLEDIG` whose letters were never recorded as written
   is emptied and renamed `<run>.afgebroken` (a name never reused, so nothing a killed process
   left running can write into a later run), and its `gepland` log rows are deleted, so those
   letters are planned again;
2. plan: the subjects due (letters.due), their persons from the staged BRP, addressing and
   suppression (letters.planning) — nothing is written yet;
3. the log rows are inserted as `gepland` in one transaction (the database's partial unique
   index refuses a second letter for the same subject, kind, rang and addressee);
4. one .docx per letter (process pool; each file written under a temporary name and renamed),
   then the print file(s) merged from those files, then the PDF (one LibreOffice call);
5. one transaction flips the rows to `aangemaakt`, adds a `brief_verstuurd` action to each case,
   records the suppressions with their reason (log row + a note on the case) and the audit trail;
6. the `ONVOLLEDIG` marker is removed.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from connectors.output_names import inside
from connectors.schools import school_names
from connectors.staging import Staging
from inbeeld.settings import AgendaSettings, LetterSettings
from letters import office
from letters.addressing import MEERDERJARIG, Geadresseerde, leeftijd
from letters.brp_source import lees_personen
from letters.context import Afzender, Gesprek, Melding, VrijstellingInfo, build_context
from letters.due import Subject, due_subjects
from letters.pdf import PdfConversionError, soffice_path, to_pdf
from letters.persons import Persoon
from letters.planning import plan
from letters.render import LetterJob, merge_files_grouped, render_files
from registers import agenda as agenda_register
from registers.audit import AuditEvent, trail
from registers.codes import ActionType, CaseStatus, LetterKind, LetterStatus, ReasonCode, SuppressionReason
from registers.db import writer_connection
from registers.gebruikers import list_users
from registers.models import Afspraak, Case, CaseAction, Letter
from rules.status import StatusCode, bepaal_status, leerplicht_start
from rules.vrijstellingen import verlenging_telt

log = logging.getLogger(__name__)

MARKER = "ONVOLLEDIG.txt"
MARKER_TEXT = ("Deze briefrun is niet afgemaakt. Druk niets uit deze map af: de volgende "
               "`inbeeld letters run` ruimt de map op en maakt de brieven opnieuw.\n")
ABORTED_SUFFIX = ".afgebroken"
ABORTED_TEXT = ("Deze briefrun is afgebroken en opgeruimd; de brieven zijn in een volgende run opnieuw "
                "gemaakt. De map blijft staan zodat haar naam niet opnieuw wordt gebruikt.\n")
PRINT_FILE = "drukwerk"
LOCK = ".letters.lock"
HEEL_ONDERWERP = "*"  # the addressee of a suppression that stops every letter about the subject


class LetterRunBusy(RuntimeError):
    """Another letter run holds the output folder."""


# -- what a run plans --------------------------------------------------------------------------------

@dataclass
class Planned:
    """One letter to write."""

    subject: Subject
    rang: int
    geadresseerde: Geadresseerde
    context_args: dict[str, Any]
    antwoord_voor: date
    prefix: str = "LP"  # of the kenmerk: RMC when the Doorstroompunt writes
    agenda: str | None = None  # invitations: whose agenda the talk takes a slot from
    row_id: int | None = None
    kenmerk: str = ""
    bestand: str = ""

    @property
    def soort(self) -> LetterKind:
        return self.subject.soort


@dataclass(frozen=True)
class Suppressed:
    subject: Subject
    rang: int
    rol: str
    reden: SuppressionReason


@dataclass
class RunResult:
    peildatum: date
    run: str | None = None
    run_dir: Path | None = None
    brieven: int = 0
    herinneringen: int = 0
    onderdrukt: int = 0
    hersteld: int = 0
    concepten_verwijderd: int = 0  # drafts by hand never stored, older than [letters] concept_dagen
    files: list[Path] = field(default_factory=list)
    print_files: list[Path] = field(default_factory=list)
    pdf_files: list[Path] = field(default_factory=list)
    pdf_problem: str | None = None


def _next_weekday(d: date) -> date:
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _doorstroompunt(subject: Subject, jongere: Persoon, peildatum: date) -> bool:
    """Whether the Doorstroompunt (RMC) writes: its own letter, and any letter about a young person of
    18 or older (the Leerplichtwet no longer applies; a verzuimmelding of an 18+ without
    startkwalificatie is one under the WEB: art. 8.1.8a and 8.3.2, since 2026 titel 9.2)."""
    if subject.soort is LetterKind.DOORSTROOMPUNT:
        return True
    return jongere.geboortedatum is not None and leeftijd(jongere.geboortedatum, peildatum) >= MEERDERJARIG


def _afzender(config: LetterSettings, subject: Subject, jongere: Persoon, peildatum: date,
              namen: Mapping[str, str] | None = None) -> Afzender:
    """Who the family deals with: the case's behandelaar (`assigned_to`) by name, with the function,
    phone and e-mail of the office's leerplicht or RMC desk; the desk, else the team, when nobody is
    assigned (letters.office.afzender).

    `namen` maps a login of the user register (registers.gebruikers) to the person's naam; a
    behandelaar who is no user there is named as the case has it. Seam: once the register holds a
    user's functie, telefoon and email, fill those from it too."""
    return office.afzender(config, _doorstroompunt(subject, jongere, peildatum), subject.behandelaar, namen)


def _specifics(subject: Subject, jongere: Persoon, peildatum: date, config: LetterSettings,
               schoolnamen: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The kind-specific fields of the context and the reply deadline (None: the default period)."""
    assert jongere.geboortedatum is not None
    if subject.soort is LetterKind.ABSOLUUT_VERZUIM:
        status = bepaal_status(jongere.geboortedatum, peildatum).status
        plicht = "kwalificatieplichtig" if status is StatusCode.KWALIFICATIEPLICHTIG else "leerplichtig"
        return {"plicht": plicht}
    if subject.soort is LetterKind.DOORSTROOMPUNT:
        return {"vsv": subject.case is not None and subject.case.signal == ReasonCode.VSV}
    if subject.soort is LetterKind.INFORMATIE_LEERPLICHT:
        start = leerplicht_start(jongere.geboortedatum)
        return {"leerplicht_start": start, "antwoord_voor": start}
    if subject.soort in (LetterKind.UITNODIGING_VERZUIMGESPREK, LetterKind.WAARSCHUWING_VERZUIM):
        melding = subject.melding
        assert melding is not None
        school = (schoolnamen or {}).get(melding.brin) or "De school"  # by name, never by its BRIN code
        # an invitation's talk is a slot of an agenda, booked when the letter is recorded (_book)
        fields: dict[str, Any] = {"melding": Melding(school=school, datum=melding.meldingsdatum or
                                                     melding.begindatum, soort=melding.soort.value)}
        if subject.soort is LetterKind.WAARSCHUWING_VERZUIM:  # whose duty the warning names (art. 2, 4a)
            status = bepaal_status(jongere.geboortedatum, peildatum).status
            fields["plicht"] = ("kwalificatieplichtig" if status is StatusCode.KWALIFICATIEPLICHTIG
                                else "leerplichtig")
        return fields
    if subject.soort is LetterKind.HERINNERING_VRIJSTELLING:
        vrijstelling = subject.vrijstelling
        assert vrijstelling is not None and subject.schooljaar is not None
        info = VrijstellingInfo(grond=vrijstelling.grond.value, schooljaar=subject.schooljaar)
        return {"vrijstelling": info, "antwoord_voor": date(peildatum.year, 7, 1)}
    raise ValueError(f"no letter kind {subject.soort}")


def _rang_for_whole_subject(subject: Subject, peildatum: date) -> int | None:
    """The rang a suppression of every letter about `subject` is recorded under (None: no letter
    was due anyway, so there is nothing to suppress)."""
    if not subject.eerder:
        return 1
    due = [found[0] for rol in subject.eerder if (found := subject.rang_voor(rol, peildatum)) is not None]
    return min(due, default=None)


def plan_run(subjects: Sequence[Subject], personen: Mapping[str, Persoon], peildatum: date,
             gemeenten: Sequence[str], config: LetterSettings, schoolnamen: Mapping[str, str] | None = None,
             namen: Mapping[str, str] | None = None, agenda: AgendaSettings | None = None
             ) -> tuple[list[Planned], list[Suppressed]]:
    """Letters and suppressions for the subjects due: pure, from registers facts and BRP persons
    (`schoolnamen`: BRIN → the school's name, connectors.schools, for "Het Baken heeft … gemeld").
    An invitation names whose agenda its talk comes from; the slot is booked when it is recorded."""
    agenda = agenda or AgendaSettings()
    planned: list[Planned] = []
    suppressed: list[Suppressed] = []
    for subject in subjects:
        first_rang = _rang_for_whole_subject(subject, peildatum)
        jongere = personen.get(subject.persoonsnummer)
        if jongere is None:
            if first_rang is not None:
                suppressed.append(Suppressed(subject, first_rang, HEEL_ONDERWERP,
                                             SuppressionReason.NIET_IN_BRP))
            continue
        if (subject.soort is LetterKind.DOORSTROOMPUNT and subject.kwalificatieplicht_reden
                and jongere.geboortedatum is not None
                and leeftijd(jongere.geboortedatum, peildatum) < MEERDERJARIG):
            continue  # a minor's VSV reason beside absoluut verzuim: the kwalificatieplicht letters apply
        if (subject.soort is LetterKind.HERINNERING_VRIJSTELLING and subject.vrijstelling is not None
                and jongere.geboortedatum is not None
                and not verlenging_telt(subject.vrijstelling.grond, jongere.geboortedatum,
                                        date(peildatum.year, 7, 1))):
            continue  # no obligation left in the school year the renewal is for: nothing to renew
        if subject.case is not None and subject.case.adres_in_onderzoek and not jongere.adres_in_onderzoek:
            jongere = replace(jongere, adres_in_onderzoek=True)  # the case's flag from the weekly sync
        result = plan(jongere, personen, peildatum, gemeenten, ook_jongere=subject.soort.ook_aan_jongere)
        if not result.brieven and not result.onderdrukt:
            continue
        if result.onderdrukt and result.onderdrukt[0].geadresseerde is None:
            if first_rang is not None:
                suppressed.extend(Suppressed(subject, first_rang, HEEL_ONDERWERP, item.reden)
                                  for item in result.onderdrukt)
            continue
        for item in result.onderdrukt:
            assert item.geadresseerde is not None
            due = subject.rang_voor(item.geadresseerde.rol, peildatum)
            if due is not None:
                suppressed.append(Suppressed(subject, due[0], item.geadresseerde.rol, item.reden))
        specifics = _specifics(subject, jongere, peildatum, config, schoolnamen)
        for geadresseerde in result.brieven:
            due = subject.rang_voor(geadresseerde.rol, peildatum)
            if due is None:
                continue
            rang, eerste = due
            arguments = dict(specifics)
            antwoord_voor = arguments.pop("antwoord_voor", None) or peildatum + subject.soort.antwoordtermijn
            afzender = _afzender(config, subject, jongere, peildatum, namen)
            arguments.update(kantoor=config.kantoor, afzender=afzender, geadresseerde=geadresseerde,
                             jongere=jongere, datum=peildatum, antwoord_voor=antwoord_voor,
                             eerdere_brief=eerste)
            rmc = _doorstroompunt(subject, jongere, peildatum)
            owner = None
            if subject.soort is LetterKind.UITNODIGING_VERZUIMGESPREK:
                owner = subject.behandelaar or (agenda.standaard_rmc if rmc else agenda.standaard)
            planned.append(Planned(subject, rang, geadresseerde, arguments, antwoord_voor,
                                   prefix="RMC" if rmc else "LP", agenda=owner))
    planned.sort(key=lambda p: (list(LetterKind).index(p.soort), p.geadresseerde.adres.sleutel))
    return planned, suppressed


# -- the run ------------------------------------------------------------------------------------------

def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def recover(sessions: sessionmaker[Session], out_dir: Path) -> int:
    """Undo what a killed run left: its `gepland` rows and its unfinished folder. Returns the number
    of letters that will be planned again."""
    with sessions.begin() as session:
        writer_connection(session)
        rows = session.execute(select(Letter.id, Letter.run)
                               .where(Letter.status == LetterStatus.GEPLAND)).all()
        killed = sorted({run for _, run in rows if run})
        if killed:  # the appointments the killed run booked go with its letters
            session.execute(delete(Afspraak).where(Afspraak.run.in_(killed)))
        session.execute(delete(Letter).where(Letter.status == LetterStatus.GEPLAND))
        finished = {run for (run,) in session.execute(
            select(Letter.run).where(Letter.status == LetterStatus.AANGEMAAKT).distinct())}
    if out_dir.is_dir():
        for marker in out_dir.glob(f"*/{MARKER}"):
            if marker.parent.name in finished:
                marker.unlink()  # killed after the final commit: the run is complete
                continue
            # Renamed, never reused: a worker or LibreOffice process the kill left behind cannot
            # write into a later run's folder of the same name.
            tombstone = marker.parent.with_name(marker.parent.name + ABORTED_SUFFIX)
            marker.parent.rename(tombstone)
            shutil.rmtree(tombstone)
            tombstone.mkdir()
            (tombstone / "AFGEBROKEN.txt").write_text(ABORTED_TEXT, encoding="utf-8")
    if rows:
        # shown on stderr by `inbeeld letters run` too (a warning reaches the terminal): in Dutch
        log.warning("Waarschuwing: %d brieven van een onderbroken briefrun zijn opnieuw gepland", len(rows))
    return len(rows)


def _run_name(session: Session, out_dir: Path, peildatum: date) -> str:
    prefix = peildatum.strftime("%y%m%d")
    query = select(Letter.run).where(Letter.run.like(f"{prefix}-%")).distinct()
    used = {run for (run,) in session.execute(query)}
    used |= {path.name for path in out_dir.glob(f"{prefix}-*")} if out_dir.is_dir() else set()
    pattern = re.compile(rf"{prefix}-(\d+)(?:{re.escape(ABORTED_SUFFIX)})?")
    numbers = [int(m.group(1)) for name in used if (m := pattern.fullmatch(name or ""))]
    return f"{prefix}-{max(numbers, default=0) + 1}"


def _subject_ids(subject: Subject) -> dict[str, int | None]:
    return {"case_id": subject.case.id if subject.case is not None else None,
            "vrijstelling_id": subject.vrijstelling.id if subject.vrijstelling is not None else None,
            "verzuimmelding_id": subject.melding.id if subject.melding is not None else None}


def _book(session: Session, run: str, peildatum: date, planned: list[Planned], config: LetterSettings,
          settings: AgendaSettings, namen: Mapping[str, str]) -> None:
    """Every invitation's talk: the next free slot, from `gesprek_na_dagen` after the letter on, in the
    agenda of whoever works the subject (else the office's default agenda), one appointment per
    subject (the parents' and the young person's letter name the same one). The letter names that
    person as contact and as whom the talk is with; the reply date is three days before the talk."""
    desks = {settings.standaard: office.desk_name(config, rmc=False),
             settings.standaard_rmc: office.desk_name(config, rmc=True)}
    booked: dict[str, tuple[agenda_register.Agenda, Afspraak]] = {}
    vanaf = datetime.combine(_next_weekday(peildatum + timedelta(days=config.gesprek_na_dagen)), time())
    for letter in planned:
        if letter.agenda is None:
            continue
        subject = letter.subject
        if subject.onderwerp not in booked:
            agenda = agenda_register.agenda_of(settings, letter.agenda, namen={**desks, **namen},
                                               locatie=config.kantoor.gesprekslocatie)
            start = agenda_register.next_free(session, agenda, vanaf)
            booked[subject.onderwerp] = agenda, agenda_register.plan(
                session, agenda, start, subject.persoonsnummer, now=vanaf, onderwerp=subject.onderwerp,
                case_id=subject.case.id if subject.case is not None else None,
                verzuimmelding_id=subject.melding.id if subject.melding is not None else None, run=run,
                audited=False)  # audited with the letters (_record): a killed run's booking is undone
        agenda, afspraak = booked[subject.onderwerp]
        letter.context_args["gesprek"] = Gesprek(datum=afspraak.start.date(),
                                                 tijd=f"{afspraak.start:%H:%M} uur", locatie=afspraak.locatie)
        letter.context_args["afzender"] = replace(letter.context_args["afzender"], naam=agenda.naam)
        letter.antwoord_voor = max(peildatum + timedelta(days=1), afspraak.start.date() - timedelta(days=3))
        letter.context_args["antwoord_voor"] = letter.antwoord_voor


def _insert_planned(sessions: sessionmaker[Session], run: str, peildatum: date, planned: list[Planned],
                    config: LetterSettings, agenda: AgendaSettings, namen: Mapping[str, str]) -> None:
    """Step 3: the `gepland` rows, with their reference and file name, and the invitations'
    appointments (`_book`), in one transaction."""
    recorded_at = _now()
    with sessions.begin() as session:
        writer_connection(session)
        _book(session, run, peildatum, planned, config, agenda, namen)
        for number, letter in enumerate(planned, start=1):
            letter.kenmerk = f"{letter.prefix}-{run}-{number:04d}"
            letter.bestand = f"{number:04d}-{letter.soort.value}-{letter.kenmerk}.docx"
        rows = [{"onderwerp": p.subject.onderwerp, **_subject_ids(p.subject),
                 "persoonsnummer": p.subject.persoonsnummer, "soort": p.soort.value, "rang": p.rang,
                 "geadresseerde": p.geadresseerde.rol, "status": LetterStatus.GEPLAND, "reden": None,
                 "kenmerk": p.kenmerk, "datum": peildatum, "antwoord_voor": p.antwoord_voor, "run": run,
                 "bestand": p.bestand, "recorded_at": recorded_at} for p in planned]
        session.execute(insert(Letter), rows)


def _render(planned: list[Planned], run_dir: Path, config: LetterSettings, workers: int | None) -> list[Path]:
    jobs = [LetterJob(p.soort.template, build_context(p.soort, kenmerk=p.kenmerk, **p.context_args),
                      inside(run_dir, p.bestand)) for p in planned]
    render_files(jobs, workers=workers, template_dir=config.template_dir)
    return [job.path for job in jobs]


def _print_files(files: list[Path], run_dir: Path, pdf: bool, result: RunResult) -> None:
    """Step 4b: the merged print file(s), and their PDF with one LibreOffice call each."""
    groups = merge_files_grouped(files)
    for index, (_, data) in enumerate(groups, start=1):
        name = PRINT_FILE if len(groups) == 1 else f"{PRINT_FILE}-{index}"
        target = run_dir / f"{name}.docx"
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        partial.replace(target)
        result.print_files.append(target)
    if not pdf:
        return
    if soffice_path() is None:
        result.pdf_problem = "LibreOffice (soffice) is niet geïnstalleerd"
        return
    for target in result.print_files:
        try:
            result.pdf_files.append(to_pdf(target))
        except PdfConversionError as exc:
            result.pdf_problem = str(exc)


def _reasons(session: Session, subjects: Sequence[Subject]) -> dict[int, int]:
    """The reason each subject's letter is a step of (by `id(subject)`): its case, or for an invitation
    the open reason its verzuimmelding is in the dossier, so the letter shows on that timeline."""
    found = {id(s): s.case.id for s in subjects if s.case is not None}
    meldingen = {s.melding.id for s in subjects if s.case is None and s.melding is not None}
    if meldingen:
        reason = dict(session.execute(select(Case.verzuimmelding_id, Case.id).where(
            Case.verzuimmelding_id.in_(sorted(meldingen)), Case.status == CaseStatus.OPEN)).all())
        found |= {id(s): reason[s.melding.id] for s in subjects
                  if s.case is None and s.melding is not None and s.melding.id in reason}
    return found


def _record(sessions: sessionmaker[Session], run: str | None, peildatum: date, planned: list[Planned],
            suppressed: list[Suppressed]) -> int:
    """Step 5: letters written, case actions, suppressions and audit, in one transaction.

    Returns the number of suppressions recorded for the first time.
    """
    recorded_at = _now()
    with sessions.begin() as session:
        writer_connection(session)  # one writer at a time: the weekly case sync waits, and we for it
        audit = trail(session)
        if run is not None:
            session.execute(update(Letter).where(Letter.run == run, Letter.status == LetterStatus.GEPLAND)
                            .values(status=LetterStatus.AANGEMAAKT))
        reason_of = _reasons(session, [p.subject for p in planned] + [s.subject for s in suppressed])
        actions = [{"case_id": reason_of[id(p.subject)], "action": ActionType.BRIEF_VERSTUURD,
                    "on_date": peildatum, "by": audit.actor, "recorded_at": recorded_at,
                    "note": f"{p.soort.omschrijving}{' (herinnering)' if p.rang > 1 else ''}, kenmerk "
                            f"{p.kenmerk}, aan: {p.geadresseerde.rol}"}
                   for p in planned if id(p.subject) in reason_of]
        events = [AuditEvent("letter.created", p.subject.persoonsnummer, "letters", None,
                             f"soort={p.soort.value} rang={p.rang} kenmerk={p.kenmerk}") for p in planned]
        if run is not None:
            events += [agenda_register.planned_event(afspraak) for afspraak in session.scalars(
                select(Afspraak).where(Afspraak.run == run).order_by(Afspraak.id))]
        seen = set(session.execute(
            select(Letter.onderwerp, Letter.soort, Letter.rang, Letter.geadresseerde, Letter.reden)
            .where(Letter.status == LetterStatus.ONDERDRUKT,
                   Letter.onderwerp.in_(sorted({s.subject.onderwerp for s in suppressed})))).all())
        new_rows = []
        for item in suppressed:
            key = (item.subject.onderwerp, item.subject.soort.value, item.rang, item.rol, item.reden.value)
            if key not in seen:
                seen.add(key)
                new_rows.append((key, item))
        rows = [{"onderwerp": item.subject.onderwerp, **_subject_ids(item.subject),
                 "persoonsnummer": item.subject.persoonsnummer, "soort": item.subject.soort.value,
                 "rang": item.rang, "geadresseerde": item.rol, "status": LetterStatus.ONDERDRUKT,
                 "reden": item.reden.value, "kenmerk": None, "datum": peildatum, "antwoord_voor": None,
                 "run": run, "bestand": None, "recorded_at": recorded_at} for _, item in new_rows]
        if rows:
            session.execute(insert(Letter), rows)
        actions += [{"case_id": reason_of[id(item.subject)], "action": ActionType.NOTITIE,
                     "on_date": peildatum, "by": audit.actor, "recorded_at": recorded_at,
                     "note": f"{item.subject.soort.omschrijving} niet verstuurd"
                             f"{'' if item.rol == HEEL_ONDERWERP else ' aan ' + item.rol}: "
                             f"{item.reden.omschrijving} (reden: {item.reden.value})"}
                    for _, item in new_rows if id(item.subject) in reason_of]
        events += [AuditEvent("letter.suppressed", item.subject.persoonsnummer, "letters", None,
                              f"soort={item.subject.soort.value} reden={item.reden.value}")
                   for _, item in new_rows]
        if actions:
            session.execute(insert(CaseAction), actions)
        audit.record_many(session, events)
    return len(new_rows)


@contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    """One letter run at a time per output folder (recovery must never see another run's rows).

    The lock file is removed on release, while still held, so a clean run leaves nothing behind; a
    run that locked a file another run had just removed tries again on the new one. A killed run's
    file stays, and its lock went with the process."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK
    while True:
        handle = open(path, "a")  # noqa: SIM115 - held for the whole run, closed below
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise LetterRunBusy(f"er draait al een andere briefrun in {out_dir}; probeer het straks "
                                "opnieuw") from None
        try:
            current = path.stat().st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(handle.fileno()).st_ino:
            break
        handle.close()  # the holder removed it between our open and our lock: lock the new file
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def run_letters(sessions: sessionmaker[Session], staging_path: Path, out_dir: Path, peildatum: date, *,
                gemeenten: Sequence[str] = (), config: LetterSettings | None = None, pdf: bool = True,
                workers: int | None = None, agenda: AgendaSettings | None = None) -> RunResult:
    """Write every letter due on `peildatum` into a new run folder under `out_dir` (see module doc);
    invitations take slots of the agendas of `agenda` (`[agenda]`)."""
    config = office.ready(config or LetterSettings(), gemeenten)  # refuses an office not configured
    agenda = agenda or AgendaSettings()
    out_dir = Path(out_dir)
    result = RunResult(peildatum)
    with _exclusive(out_dir):
        result.hersteld = recover(sessions, out_dir)
        from letters.single import CONCEPT, remove_stale_drafts  # single imports this module

        result.concepten_verwijderd = remove_stale_drafts(out_dir / CONCEPT, config.concept_dagen)
        with sessions() as session:
            subjects = due_subjects(session, peildatum)
            namen = {user.login: user.naam for user in list_users(session)}
            run = _run_name(session, out_dir, peildatum)
            session.expunge_all()
        with Staging(staging_path, read_only=True) as staging:
            personen = lees_personen(staging.con, {subject.persoonsnummer for subject in subjects})
            schoolnamen = school_names(staging.con)
        planned, suppressed = plan_run(subjects, personen, peildatum, gemeenten, config, schoolnamen, namen,
                                       agenda)
        if planned:
            result.run, result.run_dir = run, out_dir / run
            result.run_dir.mkdir()
            (result.run_dir / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
            _insert_planned(sessions, run, peildatum, planned, config, agenda, namen)
            result.files = _render(planned, result.run_dir, config, workers)
            _print_files(result.files, result.run_dir, pdf, result)
        result.onderdrukt = _record(sessions, result.run, peildatum, planned, suppressed)
        if result.run_dir is not None:
            (result.run_dir / MARKER).unlink()
    result.brieven = sum(1 for p in planned if p.rang == 1)
    result.herinneringen = sum(1 for p in planned if p.rang > 1)
    return result
