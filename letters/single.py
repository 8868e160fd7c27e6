"""A single letter by hand: choose a kind for a case, get the .docx with every field filled as the
letter run fills it, edit it in Word, then store it in the letter log and on the case's timeline.

`draft` writes one .docx per addressee (the same addressing, suppression and voice as the run) with
a small sidecar file naming what it is about (`<file>.brief.json`: case, kind, addressee role,
reference; no BSN). Nothing is recorded yet: a draft may be thrown away. `store` takes the edited
file back: it must still be a Word document with its reference in it, is copied into the letters
folder (`enkel/`), becomes a letter of the log (the next rang of its kind for that addressee, so the
letter run sends no second first letter) and a `brief_verstuurd` step on the case. Storing the same
reference twice is refused and changes nothing.
"""

from __future__ import annotations

import json
import shutil
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from connectors.output_names import inside
from connectors.schools import school_names
from connectors.staging import Staging
from inbeeld.settings import AgendaSettings, LetterSettings
from letters import office
from letters.brp_source import lees_personen
from letters.context import build_context
from letters.due import Subject
from letters.render import LetterJob, render_files
from letters.run import plan_run
from registers.audit import AuditEvent, record_reads, trail
from registers.codes import ActionType, CaseStatus, LetterKind, LetterStatus
from registers.db import writer_connection
from registers.errors import Refused
from registers.gebruikers import list_users
from registers.models import Case, CaseAction, Letter

SIDECAR = ".brief.json"
FOLDER = "enkel"  # the stored single letters, under the letters folder (a run name the retention knows)
# the letters whose fields come from a case alone
BY_HAND = (LetterKind.ABSOLUUT_VERZUIM, LetterKind.RMC_18_23, LetterKind.INFORMATIE_LEERPLICHT)


@dataclass(frozen=True)
class Draft:
    path: Path
    kenmerk: str
    geadresseerde: str


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def draft(sessions: sessionmaker[Session], staging_path: Path, out_dir: Path, case_id: int,
          soort: LetterKind, *, datum: date, gemeenten: Sequence[str] = (),
          config: LetterSettings | None = None) -> list[Draft]:
    """The filled .docx files of a letter of kind `soort` on case `case_id`, one per addressee."""
    config = office.ready(config or LetterSettings(), gemeenten)  # refuses an office not configured
    if soort not in BY_HAND:
        raise Refused(f"een brief {soort.value} vult zijn velden uit een verzuimmelding of vrijstelling, "
                      f"niet uit een zaak; kies uit: {', '.join(k.value for k in BY_HAND)}")
    with sessions() as session:
        case = session.get(Case, case_id)
        if case is None:
            raise Refused(f"er is geen zaak {case_id}")
        if case.status != CaseStatus.OPEN:
            raise Refused(f"zaak {case_id} is gesloten")
        namen = {user.login: user.naam for user in list_users(session)}
        subject = Subject(f"case:{case.id}", case.persoonsnummer, soort, case=case,
                          behandelaar=case.dossier.assigned_to)
        record_reads(session, "letter.drafted", "cases", [(case.id, case.persoonsnummer)])
        session.commit()
        session.expunge_all()
    with Staging(staging_path, read_only=True) as staging:
        personen = lees_personen(staging.con, {subject.persoonsnummer})
        schoolnamen = school_names(staging.con)
    planned, suppressed = plan_run([subject], personen, datum, gemeenten, config, schoolnamen, namen,
                                   AgendaSettings())
    if not planned:
        why = ", ".join(sorted({item.reden.omschrijving for item in suppressed})) or "geen geadresseerde"
        raise Refused(f"geen brief voor zaak {case_id}: {why}")
    drafts: list[Draft] = []
    jobs = []
    out_dir.mkdir(parents=True, exist_ok=True)
    for letter in planned:
        kenmerk = f"{letter.prefix}-E{case_id}-{uuid.uuid4().hex[:5].upper()}"
        path = inside(out_dir, f"{kenmerk}-{letter.geadresseerde.rol.replace('+', '-')}.docx")
        context = build_context(soort, kenmerk=kenmerk, **letter.context_args)
        jobs.append(LetterJob(soort.template, context, path))
        meta = {"kenmerk": kenmerk, "case_id": case_id, "soort": soort.value,
                "geadresseerde": letter.geadresseerde.rol, "datum": datum.isoformat(),
                "antwoord_voor": letter.antwoord_voor.isoformat()}
        path.with_name(path.name + SIDECAR).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        drafts.append(Draft(path, kenmerk, letter.geadresseerde.rol))
    render_files(jobs, workers=1, template_dir=config.template_dir)
    return drafts


def _check_word(path: Path, kenmerk: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            document = archive.read("word/document.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        raise Refused(f"{path.name} is geen Word-document (.docx)") from None
    if kenmerk not in document:
        raise Refused(f"{path.name}: het kenmerk {kenmerk} staat niet meer in de brief; zet het terug")


def store(sessions: sessionmaker[Session], path: Path, letters_dir: Path) -> Letter:
    """Record the (edited) draft `path`: in the letter log, on the case, its file under `enkel/`."""
    sidecar = path.with_name(path.name + SIDECAR)
    if not sidecar.is_file():
        raise Refused(f"{path.name} is geen concept van `inbeeld letters draft` (geen {sidecar.name})")
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    kenmerk, soort = meta["kenmerk"], LetterKind(meta["soort"])
    _check_word(path, kenmerk)
    target = inside(letters_dir / FOLDER, f"{kenmerk}.docx")
    with sessions.begin() as session:
        writer_connection(session)
        if session.scalar(select(Letter.id).where(Letter.kenmerk == kenmerk)) is not None:
            raise Refused(f"brief {kenmerk} is al opgeslagen")
        case = session.get(Case, meta["case_id"])
        if case is None:
            raise Refused(f"er is geen zaak {meta['case_id']} meer")
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
        audit = trail(session)
        note = (f"{soort.omschrijving}{' (herinnering)' if rang > 1 else ''} (enkele brief), "
                f"kenmerk {kenmerk}, aan: {rol}")
        session.add(CaseAction(case_id=case.id, action=ActionType.BRIEF_VERSTUURD, on_date=datum,
                               by=audit.actor, recorded_at=_now(), note=note))
        session.flush()
        audit.record(session, AuditEvent("letter.created", case.persoonsnummer, "letters", letter.id,
                                         f"soort={soort.value} rang={rang} kenmerk={kenmerk} enkel"))
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(path, partial)
        partial.replace(target)  # inside the transaction: a failed copy records nothing
    return letter
