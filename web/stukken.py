"""A dossier's documents on the work screen: its attachments and its single letters, downloaded as
files (Content-Disposition: attachment), and a single letter written from the dossier.

A document is reached by its own id under the dossier's id, never by a BSN or a name: the page first
checks that the user may see the dossier (as the dossier page does) and then that the document
belongs to it; anything else is answered as if it did not exist. Every download is audited.

A letter is written with letters.single (`inbeeld letters draft` and `store`): drafted with every
field filled as the letter run fills it, then stored at once, so it is in the letter log and on the
timeline, and the letter run sends no second first letter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from letters.single import BY_HAND, draft, store
from registers import bijlagen
from registers.audit import record_reads
from registers.codes import LetterKind, LetterStatus
from registers.dossiers import lead_reason
from registers.errors import Refused
from registers.meldingen import nederlands
from registers.models import Dossier, Letter
from web.requests import PaginaFout, Verzoek

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BRIEF_SOORTEN = BY_HAND


def _not_found() -> PaginaFout:
    return PaginaFout(404, "Niet gevonden", "Dit stuk bestaat niet of hoort niet bij dit dossier.")


def _file(content: bytes, name: str, media_type: str) -> Response:
    """A download: the browser saves it, never shows it inline; the name in both header forms."""
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    disposition = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": disposition, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def letters_of(session: Session, dossier: Dossier) -> list[Letter]:
    """The dossier's written letters (not the suppressed ones), newest first."""
    reason_ids = [r.id for r in dossier.reasons]
    return list(session.scalars(select(Letter).where(
        Letter.case_id.in_(reason_ids), Letter.status != LetterStatus.ONDERDRUKT,
        Letter.bestand.is_not(None)).order_by(Letter.datum.desc(), Letter.id.desc())))


def bijlage(verzoek: Verzoek) -> Response:
    from web.dossier import case_of

    with verzoek.db() as session:
        dossier = case_of(session, verzoek)
        wanted = verzoek.path_params["bijlage_id"]
        if wanted not in {b.id for b in bijlagen.of_dossier(session, dossier.id)}:
            raise _not_found()
        try:
            entry, content = bijlagen.read(session, wanted, verzoek.web.settings.data_dir)
        except Refused:
            raise PaginaFout(410, "Bijlage niet beschikbaar", "Het bestand van deze bijlage ontbreekt of is "
                             "gewijzigd. Neem contact op met beheer.") from None
        session.commit()  # the audit entry of the reading
    return _file(content, entry.bestandsnaam, "application/octet-stream")


def _letters_dir(verzoek: Verzoek) -> Path:
    return verzoek.web.settings.data_dir / "letters"


def brief(verzoek: Verzoek) -> Response:
    from web.dossier import case_of

    with verzoek.db() as session:
        dossier = case_of(session, verzoek)
        wanted = verzoek.path_params["brief_id"]
        letter = next((x for x in letters_of(session, dossier) if x.id == wanted), None)
        if letter is None or not letter.bestand or not letter.run:
            raise _not_found()
        root = _letters_dir(verzoek).resolve()
        path = (root / letter.run / letter.bestand).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise PaginaFout(410, "Brief niet beschikbaar", "Het bestand van deze brief is er niet meer.")
        record_reads(session, "letter.read", "letters", [(letter.id, letter.persoonsnummer)])
        content = path.read_bytes()
        session.commit()
    media = DOCX if path.suffix == ".docx" else "application/pdf" if path.suffix == ".pdf" else (
        "application/octet-stream")
    return _file(content, path.name, media)


def write(verzoek: Verzoek) -> Response:
    """Draft and store a single letter on a reason of the dossier (the lead reason unless chosen)."""
    from web.dossier import case_of

    settings = verzoek.web.settings
    soort_value = verzoek.veld("soort")
    with verzoek.db() as session:
        dossier = case_of(session, verzoek)
        reason_id = verzoek.veld("reden_id")
        reasons = {str(r.id): r for r in dossier.reasons}
        fout = None
        if soort_value not in {s.value for s in BRIEF_SOORTEN}:
            fout = "Kies de soort brief."
        elif reason_id and reason_id not in reasons:
            fout = "Kies de aanleiding waar de brief over gaat."
        elif not settings.staging_path.is_file():
            fout = "Er zijn nog geen BRP-gegevens ingelezen; zonder adres kan er geen brief worden gemaakt."
        case_id = reasons[reason_id].id if reason_id in reasons else lead_reason(dossier).id
        session.commit()
        if fout is not None:
            return _refused(verzoek, session, dossier, fout)
    registers, login = verzoek.web.registers, verzoek.gebruiker.login
    factory = registers.factory(login, verzoek.gebruiker.rol)
    # The letter log is the office's: on PostgreSQL only administratie may add to it (docs/privacy.md),
    # so the stored letter is written under that role, still in the user's name in the audit trail.
    office = registers.factory(login, "administratie")
    try:
        drafts = draft(factory, settings.staging_path, settings.data_dir / "letters" / "concept", case_id,
                       LetterKind(soort_value), datum=dt.date.today(), gemeenten=settings.gemeenten,
                       config=settings.letters)
        stored = [store(office, item.path, _letters_dir(verzoek)) for item in drafts]
    except Refused as exc:
        with verzoek.db() as session:
            dossier = case_of(session, verzoek)
            return _refused(verzoek, session, dossier, f"Geen brief gemaakt: {nederlands(exc)}")
    kenmerken = ", ".join(letter.kenmerk for letter in stored)
    return verzoek.redirect(f"/dossier/{dossier.id}", f"Brief gemaakt en opgeslagen: {kenmerken}. "
                            "U kunt hem hieronder downloaden.")


def _refused(verzoek: Verzoek, session: Session, dossier: Dossier, fout: str) -> Response:
    from web.dossier import render_dossier

    response = render_dossier(verzoek, session, dossier, status=400, fout=fout)
    session.commit()
    return response

