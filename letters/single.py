"""A single letter by hand: choose a reason of a dossier and a letter that fits it, get the .docx with
every field filled as the letter run fills it, edit it in Word, then store it in the letter log and
on the reason's timeline.

`draft` writes one .docx per addressee (the same addressing, suppression and voice as the run) with
a small sidecar file naming what it is about (`<file>.brief.json`: dossier, reason, kind, addressee
role, reference; no BSN) in the letters folder's `concept/`. Nothing is recorded yet: a draft may be
thrown away, and one never stored is removed by the letter run after `[letters] concept_dagen` days
(`remove_stale_drafts`). `store` takes the edited file back: it must still be a Word document with
its reference in it; it becomes a letter of the log (the next rang of its kind for that addressee, so
the letter run sends no second first letter), a `brief_verstuurd` step on the reason labelled as a
single letter (never "herinnering": a letter by hand is its own step, whatever its rang) with the
.docx as its attachment (registers.bijlagen), and its file is kept as `enkel/<kenmerk>.docx`; the
draft leaves `concept/`. Storing the same reference twice is refused and changes nothing.

Which letters fit a reason (`fitting`): the one the letter run would write for it, and for a
verzuimmelding the invitation, whose talk is the dossier's next appointment in the agenda (plan it
first). A reason without a letter of its own (thuiszitter, onbekend in de BRP, …) gets none by hand
either: its first step is another one (reports.follow_up).
"""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from connectors.output_names import inside
from connectors.schools import school_names
from connectors.staging import Staging
from connectors.xml_safety import RefusedFile, parse_bytes
from inbeeld.settings import AgendaSettings, LetterSettings
from letters import office
from letters.brp_source import lees_personen
from letters.context import Gesprek, build_context
from letters.due import CASE_LETTERS, Subject
from letters.render import LetterJob, render_files
from letters.run import plan_run
from registers import agenda as agenda_register
from registers.audit import AuditEvent, record_reads, trail
from registers.codes import ActionType, AfspraakStatus, CaseStatus, LetterKind, LetterStatus, ReasonCode
from registers.db import writer_connection
from registers.dossiers import lead_reason, record_action
from registers.errors import Refused
from registers.gebruikers import list_users
from registers.models import Afspraak, Case, Dossier, Letter, Persoon
from rules.verzuim_steps import waarschuwing_mogelijk

SIDECAR = ".brief.json"
FOLDER = "enkel"  # the stored single letters, under the letters folder (a run name the retention knows)
CONCEPT = "concept"  # the drafts, under the letters folder
# Kinds a letter by hand can be: the renewal reminder takes its fields from a vrijstelling, not a dossier.
BY_HAND = (LetterKind.ABSOLUUT_VERZUIM, LetterKind.DOORSTROOMPUNT, LetterKind.INFORMATIE_LEERPLICHT,
           LetterKind.UITNODIGING_VERZUIMGESPREK, LetterKind.WAARSCHUWING_VERZUIM)
# The step a stored letter is on the reason's timeline: a warning is the waarschuwing itself (its
# follow-up is the work list's "verzuim na de waarschuwing nagaan"), any other letter a letter sent.
STAP = {LetterKind.WAARSCHUWING_VERZUIM: ActionType.WAARSCHUWING}
KENMERK = re.compile(r"^(LP|RMC)-E\d{1,9}-[0-9A-F]{5}$")
MAX_DOCX_BYTES = 5 * 1024 * 1024  # a letter with a logo; anything larger is not a letter from a template
ENKELE_BRIEF = "enkele brief"  # how the timeline names a letter by hand (never "herinnering")


@dataclass(frozen=True)
class Draft:
    path: Path
    kenmerk: str
    geadresseerde: str
    dossier_id: int = 0
    case_id: int = 0
    soort: str = ""
    datum: str = ""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def fitting(reason: Case) -> tuple[LetterKind, ...]:
    """The letters that fit a reason: its own first letter, or for a verzuimmelding the invitation and
    the written warning. A reason without a letter of its own gets none (the absoluut verzuim letter on
    a melding would tell the family their child has no school at all)."""
    if reason.signal == ReasonCode.VERZUIMMELDING:
        return (LetterKind.UITNODIGING_VERZUIMGESPREK, LetterKind.WAARSCHUWING_VERZUIM)
    own = CASE_LETTERS.get(ReasonCode(reason.signal))
    return (own,) if own is not None else ()


def _reason_of(dossier: Dossier, reden_id: int | None) -> Case:
    if reden_id is None:
        return lead_reason(dossier)
    found = next((r for r in dossier.reasons if r.id == reden_id), None)
    if found is None:
        raise Refused(f"aanleiding {reden_id} hoort niet bij dossier {dossier.id}", code="andere_aanleiding")
    return found


def _gesprek(session: Session, reason: Case, datum: date, agenda: AgendaSettings, config: LetterSettings,
             namen: dict[str, str]) -> tuple[Gesprek, str, str]:
    """The talk an invitation by hand names: the dossier's next planned appointment (from the letter's
    date on), whose agenda it is in (login) and that person's or desk's name. Refused when none is
    planned: plan it first."""
    afspraak = session.scalars(select(Afspraak).where(
        Afspraak.persoonsnummer == reason.persoonsnummer, Afspraak.status == AfspraakStatus.GEPLAND,
        Afspraak.start >= datetime.combine(datum, datetime.min.time())).order_by(Afspraak.start)).first()
    if afspraak is None:
        raise Refused("een uitnodiging noemt het gesprek: plan eerst een afspraak in de agenda "
                      "(inbeeld agenda plan, of Afspraak plannen op het dossier)", code="geen_afspraak")
    desks = {agenda.standaard: office.desk_name(config, rmc=False),
             agenda.standaard_rmc: office.desk_name(config, rmc=True)}
    owner = agenda_register.agenda_of(agenda, afspraak.medewerker, locatie=afspraak.locatie,
                                      namen={**desks, **namen})
    return (Gesprek(afspraak.start.date(), f"{afspraak.start:%H:%M} uur", afspraak.locatie), owner.medewerker,
            owner.naam)


def _check_warning(geboortedatum: date | None, sk_datum: date | None, datum: date) -> None:
    """Refuse a warning the law gives no teeth: it announces a proces-verbaal, which needs a leerplichtig
    or kwalificatieplichtig young person on the letter's date (the birth date of the BRP the letter is
    written from; a startkwalificatie the registers know)."""
    mogelijk, waarom = waarschuwing_mogelijk(geboortedatum, datum, sk_datum=sk_datum)
    if not mogelijk:
        raise Refused(f"geen waarschuwing: {waarom}; vanaf 18 jaar helpt het Doorstroompunt (kies de "
                      "uitnodiging)", code="waarschuwing_niet_toegestaan", reden=waarom)


def draft(sessions: sessionmaker[Session], staging_path: Path, out_dir: Path, dossier_id: int,
          soort: LetterKind | None = None, *, reden_id: int | None = None, datum: date,
          gemeenten: Sequence[str] = (), config: LetterSettings | None = None,
          agenda: AgendaSettings | None = None) -> list[Draft]:
    """The filled .docx files of a letter on a reason of dossier `dossier_id` (default its leading
    reason; `soort` default the letter that fits it), one per addressee, in `out_dir`."""
    config = office.ready(config or LetterSettings(), gemeenten)  # refuses an office not configured
    agenda = agenda or AgendaSettings()
    with sessions() as session:
        dossier = session.get(Dossier, dossier_id)
        if dossier is None:
            raise Refused(f"er is geen dossier {dossier_id}", code="geen_dossier", id=dossier_id)
        case = _reason_of(dossier, reden_id)
        if case.status != CaseStatus.OPEN:
            raise Refused(f"aanleiding {case.id} ({case.signal.value}) is beëindigd; kies een open "
                          "aanleiding", code="aanleiding_beeindigd", beeindigd=case.closed_on)
        fits = fitting(case)
        if not fits:
            raise Refused(f"bij aanleiding {case.id} ({case.signal.value}) hoort geen brief",
                          code="geen_brief_bij_aanleiding", aanleiding=case.signal.value)
        soort = soort or fits[0]
        if soort not in fits:
            raise Refused(f"een brief {soort.value} past niet bij aanleiding {case.id} "
                          f"({case.signal.value}); kies {', '.join(k.value for k in fits)}",
                          code="brief_past_niet", brief=soort.omschrijving, aanleiding=case.id,
                          signaal=case.signal.value, kies=", ".join(k.omschrijving for k in fits))
        sk_datum = None
        if soort is LetterKind.WAARSCHUWING_VERZUIM and (known := session.get(Persoon, case.persoonsnummer)):
            sk_datum = known.sk_datum
        namen = {user.login: user.naam for user in list_users(session)}
        gesprek = _gesprek(session, case, datum, agenda, config, namen) if (
            soort is LetterKind.UITNODIGING_VERZUIMGESPREK) else None
        subject = Subject(f"case:{case.id}", case.persoonsnummer, soort, case=case, melding=case.melding,
                          behandelaar=dossier.assigned_to)
        record_reads(session, "letter.drafted", "cases", [(case.id, case.persoonsnummer)])
        session.commit()
        session.expunge_all()
    with Staging(staging_path, read_only=True) as staging:
        personen = lees_personen(staging.con, {subject.persoonsnummer})
        schoolnamen = school_names(staging.con)
    if soort is LetterKind.WAARSCHUWING_VERZUIM and (jongere := personen.get(subject.persoonsnummer)):
        _check_warning(jongere.geboortedatum, sk_datum, datum)
    planned, suppressed = plan_run([subject], personen, datum, gemeenten, config, schoolnamen, namen, agenda)
    if not planned:
        why = ", ".join(sorted({item.reden.omschrijving for item in suppressed})) or "geen geadresseerde"
        raise Refused(f"geen brief voor dossier {dossier_id}: {why}", code="geen_geadresseerde", reden=why,
                      id=dossier_id)
    drafts: list[Draft] = []
    jobs = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for letter in planned:
        if gesprek is not None:  # as the run's invitations (letters.run._book): the talk names its agenda
            talk, owner, naam = gesprek
            desks = {agenda.standaard: False, agenda.standaard_rmc: True}
            letter.context_args["gesprek"] = talk
            letter.context_args["afzender"] = (office.afzender(config, desks[owner]) if owner in desks else
                                               replace(letter.context_args["afzender"], naam=naam))
            before = max(datum + timedelta(days=1), talk.datum - timedelta(days=3))
            letter.antwoord_voor = min(talk.datum, before)  # never after the talk itself
            letter.context_args["antwoord_voor"] = letter.antwoord_voor
        kenmerk = f"{letter.prefix}-E{case.id}-{uuid.uuid4().hex[:5].upper()}"
        path = inside(out_dir, f"{kenmerk}-{letter.geadresseerde.rol.replace('+', '-')}.docx")
        context = build_context(soort, kenmerk=kenmerk, **letter.context_args)
        jobs.append(LetterJob(soort.template, context, path))
        meta = {"kenmerk": kenmerk, "dossier_id": dossier_id, "case_id": case.id, "soort": soort.value,
                "geadresseerde": letter.geadresseerde.rol, "datum": datum.isoformat(),
                "antwoord_voor": letter.antwoord_voor.isoformat()}
        path.with_name(path.name + SIDECAR).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        drafts.append(Draft(path, kenmerk, letter.geadresseerde.rol, dossier_id, case.id, soort.value,
                            datum.isoformat()))
    render_files(jobs, workers=1, template_dir=config.template_dir)
    return drafts


def check_docx(content: bytes, name: str, kenmerk: str | None = None) -> None:
    """Refuse what is not a Word letter: not a .docx, too large, not a zip holding a well-formed
    word/document.xml, or (with `kenmerk`) no longer carrying its reference."""
    if not name.lower().endswith(".docx"):
        raise Refused(f"{name} is geen Word-document (.docx)", code="geen_docx", naam=name)
    if len(content) > MAX_DOCX_BYTES:
        raise Refused(f"{name} is groter dan {MAX_DOCX_BYTES // (1024 * 1024)} MB", code="docx_te_groot",
                      naam=name)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise KeyError("word/document.xml")
            info = archive.getinfo("word/document.xml")
            if info.file_size > 50 * MAX_DOCX_BYTES:  # a zip bomb is no letter
                raise KeyError("word/document.xml")
            document = archive.read("word/document.xml")
        parse_bytes(document, "word/document.xml")  # the hardened parser: no DTD, no entities
    except (zipfile.BadZipFile, KeyError, OSError, RefusedFile, RuntimeError):
        raise Refused(f"{name} is geen geldig Word-document (.docx)", code="docx_beschadigd",
                      naam=name) from None
    if kenmerk is not None and kenmerk not in document.decode("utf-8", "replace"):
        raise Refused(f"{name}: het kenmerk {kenmerk} staat niet meer in de brief; zet het terug",
                      code="kenmerk_weg", kenmerk=kenmerk)


def _check_word(path: Path, kenmerk: str) -> bytes:
    try:
        content = path.read_bytes()
    except OSError:
        raise Refused(f"{path.name} is niet te lezen") from None
    check_docx(content, path.name, kenmerk)
    return content


def store(sessions: sessionmaker[Session], path: Path, letters_dir: Path,
          data_dir: Path | None = None) -> Letter:
    """Record the (edited) draft `path`: in the letter log, as a step on its reason with the .docx as
    attachment (kept under `data_dir`, default the letters folder's parent), its file under `enkel/`;
    a draft in `concept/` leaves it."""
    sidecar = path.with_name(path.name + SIDECAR)
    if not sidecar.is_file():
        raise Refused(f"{path.name} is geen concept van `inbeeld letters draft` (geen {sidecar.name})")
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    kenmerk, soort = meta["kenmerk"], LetterKind(meta["soort"])
    content = _check_word(path, kenmerk)
    target = inside(letters_dir / FOLDER, f"{kenmerk}.docx")
    data_dir = data_dir or letters_dir.parent
    with sessions.begin() as session:
        writer_connection(session)
        if session.scalar(select(Letter.id).where(Letter.kenmerk == kenmerk)) is not None:
            raise Refused(f"brief {kenmerk} is al opgeslagen", code="brief_al_opgeslagen", kenmerk=kenmerk)
        case = session.get(Case, meta["case_id"])
        if case is None:
            raise Refused(f"er is geen aanleiding {meta['case_id']} meer")
        onderwerp, rol = f"case:{case.id}", meta["geadresseerde"]
        last = session.scalar(select(func.max(Letter.rang)).where(
            Letter.onderwerp == onderwerp, Letter.soort == soort.value, Letter.geadresseerde == rol,
            Letter.status != LetterStatus.ONDERDRUKT))
        rang, datum = (last or 0) + 1, date.fromisoformat(meta["datum"])
        letter = Letter(onderwerp=onderwerp, case_id=case.id, persoonsnummer=case.persoonsnummer,
                        soort=soort.value, rang=rang, geadresseerde=rol, status=LetterStatus.AANGEMAAKT,
                        kenmerk=kenmerk, datum=datum,
                        antwoord_voor=date.fromisoformat(meta["antwoord_voor"]), run=FOLDER,
                        bestand=target.name, recorded_at=_now())
        session.add(letter)
        note = f"{soort.omschrijving} ({ENKELE_BRIEF}), kenmerk {kenmerk}, aan: {rol}"
        # the registers' own step: refuses a closed dossier or reason, a date before the opening or in
        # the future; puts a verzuimmelding in behandeling; keeps the .docx as the step's attachment
        record_action(session, case.dossier_id, STAP.get(soort, ActionType.BRIEF_VERSTUURD),
                      reason_id=case.id, on=datum, note=note, attachments=[(target.name, content)],
                      attachment_dir=data_dir, today=max(date.today(), datum))
        session.flush()
        trail(session).record(session, AuditEvent("letter.created", case.persoonsnummer, "letters", letter.id,
                                                  f"soort={soort.value} rang={rang} kenmerk={kenmerk} enkel"))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(content)
        partial.replace(target)  # inside the transaction: a failed write records nothing
    if path.parent.name == CONCEPT:  # stored: the draft leaves concept/
        path.unlink(missing_ok=True)
        sidecar.unlink(missing_ok=True)
    return letter


def drafts_in(concept_dir: Path, dossier_id: int | None = None) -> list[Draft]:
    """The drafts waiting in `concept_dir` (of one dossier), oldest first."""
    found = []
    for sidecar in sorted(concept_dir.glob(f"*.docx{SIDECAR}")) if concept_dir.is_dir() else []:
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        path = sidecar.with_name(sidecar.name.removesuffix(SIDECAR))
        if path.is_file() and (dossier_id is None or meta.get("dossier_id") == dossier_id):
            found.append(Draft(path, meta["kenmerk"], meta["geadresseerde"], meta.get("dossier_id", 0),
                               meta["case_id"], meta["soort"], meta["datum"]))
    return sorted(found, key=lambda d: (d.path.stat().st_mtime, d.kenmerk))


def remove_stale_drafts(concept_dir: Path, days: int, now: datetime | None = None) -> int:
    """Remove the drafts (and their sidecars) not stored within `days` days of being written or last
    uploaded; called by the letter run. Returns how many drafts went."""
    if not concept_dir.is_dir():
        return 0
    cutoff = (now or datetime.now()).timestamp() - timedelta(days=days).total_seconds()
    removed = 0
    for path in list(concept_dir.glob("*.docx")):
        sidecar = path.with_name(path.name + SIDECAR)
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            sidecar.unlink(missing_ok=True)
            removed += 1
    for sidecar in concept_dir.glob(f"*{SIDECAR}"):  # a sidecar whose draft is gone
        if not sidecar.with_name(sidecar.name.removesuffix(SIDECAR)).exists():
            sidecar.unlink(missing_ok=True)
    return removed
