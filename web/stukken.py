"""A dossier's documents on the work screen: its attachments and its single letters, downloaded as
files (Content-Disposition: attachment), and a single letter written from the dossier.

A document is reached by its own id under the dossier's id, never by a BSN or a name: the page first
checks that the user may see the dossier (as the dossier page does) and then that the document
belongs to it; anything else is answered as if it did not exist. Every download is audited.

A letter is written with letters.single (`inbeeld letters draft` and `store`), only one that fits a
reason of the dossier (a verzuimmelding gets the invitation, never the absoluut verzuim letter):
drafted with every field filled as the letter run fills it, and either stored at once, or kept as a
draft under Concepten that the LPA downloads, edits in Word and uploads back (a valid .docx that still
holds its kenmerk, at most 5 MB; the form carries the CSRF and one-time tokens like every form), which
stores it. A stored letter is in the letter log and on the timeline with the .docx attached, and the
letter run sends no second first letter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from letters.single import CONCEPT, KENMERK, MAX_DOCX_BYTES, check_docx, draft, drafts_in, fitting, store
from registers import bijlagen
from registers.audit import record_reads
from registers.codes import REASON_LABELS, CaseStatus, LetterKind, LetterStatus
from registers.dossiers import lead_reason
from registers.errors import Refused
from registers.meldingen import nederlands
from registers.models import Dossier, Letter, Persoon
from rules.verzuim_steps import waarschuwing_mogelijk
from web.requests import PaginaFout, Verzoek

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KORT = {  # the letters by a short name that fits the form's select (the screenshot showed the long one cut)
    LetterKind.ABSOLUUT_VERZUIM: "Geen schoolinschrijving bekend",
    LetterKind.DOORSTROOMPUNT: "Wat doe je nu? (Doorstroompunt)",
    LetterKind.INFORMATIE_LEERPLICHT: "Informatie begin leerplicht",
    LetterKind.UITNODIGING_VERZUIMGESPREK: "Uitnodiging verzuimgesprek",
    LetterKind.HERINNERING_VRIJSTELLING: "Herinnering vrijstelling verlengen",
    LetterKind.WAARSCHUWING_VERZUIM: "Schriftelijke waarschuwing",
}


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


def choices(dossier: Dossier, persoon: Persoon | None = None, op: dt.date | None = None
            ) -> list[tuple[str, str]]:
    """The letters the dossier's open reasons take, as (value "reden:soort", label): only a letter that
    fits its reason (letters.single.fitting), the leading reason first. The written warning only while
    the registers' birth date and startkwalificatie (`persoon`) leave the young person leerplichtig or
    kwalificatieplichtig on `op` (today): drafting it would be refused (letters.single)."""
    lead = lead_reason(dossier)
    reasons = sorted((r for r in dossier.reasons if r.status == CaseStatus.OPEN),
                     key=lambda r: r.id != lead.id)
    label = {r.id: REASON_LABELS.get(r.signal.value, r.signal.value) for r in reasons}
    warning = persoon is None or waarschuwing_mogelijk(persoon.geboortedatum, op or dt.date.today(),
                                                       sk_datum=persoon.sk_datum)[0]
    return [(f"{r.id}:{soort.value}", f"{KORT[soort]} (bij {label[r.id]})")
            for r in reasons for soort in fitting(r) if warning or soort != LetterKind.WAARSCHUWING_VERZUIM]


class _Weigering(Exception):
    """A letter the screen refuses before the registers are asked: said in Dutch on the page."""


def _case_of(session: Session, verzoek: Verzoek) -> Dossier:
    from web.dossier import case_of

    return case_of(session, verzoek)


def _concept_dir(verzoek: Verzoek) -> Path:
    return _letters_dir(verzoek) / CONCEPT


def _office(verzoek: Verzoek):  # noqa: ANN202 - a sessionmaker
    """The letter log is the office's: on PostgreSQL only administratie may add to it
    (docs/privacy.md), so a stored letter is written under that role, still in the user's name in the
    audit trail."""
    return verzoek.web.registers.factory(verzoek.gebruiker.login, "administratie")


def _drafts(verzoek: Verzoek) -> tuple[int, list]:
    """The chosen letter drafted (one per addressee) into concept/; the dossier's id with them."""
    settings = verzoek.web.settings
    with verzoek.db() as session:
        dossier = _case_of(session, verzoek)
        # every fitting letter: a warning the page no longer offers is refused by draft(), with its reason
        dossier_id, offered = dossier.id, {v for v, _ in choices(dossier)}
        session.commit()
    value = verzoek.veld("keuze")
    if value not in offered:
        raise _Weigering("Kies een brief die bij een open aanleiding past.")
    if not settings.staging_path.is_file():
        raise _Weigering("Er zijn nog geen BRP-gegevens ingelezen; zonder adres kan er geen brief worden "
                         "gemaakt.")
    reden, soort = value.split(":", 1)
    factory = verzoek.web.registers.factory(verzoek.gebruiker.login, verzoek.gebruiker.rol)
    return dossier_id, draft(factory, settings.staging_path, _concept_dir(verzoek), dossier_id,
                             LetterKind(soort), reden_id=int(reden), datum=dt.date.today(),
                             gemeenten=settings.gemeenten, config=settings.letters, agenda=settings.agenda)


def write(verzoek: Verzoek) -> Response:
    """Draft and store a single letter at once (the letter that fits the chosen reason)."""
    try:
        dossier_id, drafts = _drafts(verzoek)
        stored = [store(_office(verzoek), item.path, _letters_dir(verzoek), verzoek.web.settings.data_dir)
                  for item in drafts]
    except (Refused, _Weigering) as exc:
        return _refused_page(verzoek, f"Geen brief gemaakt: {nederlands(exc)}")
    from web.werklijst import cache

    cache(verzoek).changed(dossier_id)  # the letter is the dossier's latest step
    kenmerken = ", ".join(letter.kenmerk for letter in stored)
    return verzoek.redirect(f"/dossier/{dossier_id}", f"Brief gemaakt en opgeslagen: {kenmerken}. "
                            "U kunt hem hieronder downloaden.")


def concept(verzoek: Verzoek) -> Response:
    """Draft a single letter to edit in Word: listed under Concepten to download, edit and upload."""
    try:
        dossier_id, drafts = _drafts(verzoek)
    except (Refused, _Weigering) as exc:
        return _refused_page(verzoek, f"Geen concept gemaakt: {nederlands(exc)}")
    kenmerken = ", ".join(item.kenmerk for item in drafts)
    return verzoek.redirect(f"/dossier/{dossier_id}", f"Concept gemaakt: {kenmerken}. Download het onder "
                            "Concepten, bewerk het in Word en upload het daar om de brief op te slaan.")


def concepts_of(verzoek: Verzoek, dossier: Dossier) -> list:
    """The dossier's drafts waiting to be stored (letters.single.drafts_in)."""
    return drafts_in(_concept_dir(verzoek), dossier.id)


def _draft_of(verzoek: Verzoek, dossier: Dossier):  # noqa: ANN202 - letters.single.Draft
    wanted = verzoek.path_params["kenmerk"]
    if not KENMERK.match(wanted):
        raise _not_found()
    found = next((d for d in concepts_of(verzoek, dossier) if d.kenmerk == wanted), None)
    if found is None:
        raise _not_found()
    return found


def concept_download(verzoek: Verzoek) -> Response:
    """The draft .docx, to edit in Word (audited: it names the person)."""
    with verzoek.db() as session:
        dossier = _case_of(session, verzoek)
        item = _draft_of(verzoek, dossier)
        content = item.path.read_bytes()
        record_reads(session, "letter.draft_read", "cases", [(item.case_id, dossier.persoonsnummer)])
        session.commit()
    return _file(content, item.path.name, DOCX)


def concept_store(verzoek: Verzoek) -> Response:
    """Store a draft: the uploaded, edited .docx when one is sent (only a valid Word document that
    still holds the draft's kenmerk, at most letters.single.MAX_DOCX_BYTES), else the draft as it is."""
    with verzoek.db() as session:
        dossier = _case_of(session, verzoek)
        item = _draft_of(verzoek, dossier)
        session.commit()
    uploads = verzoek.bestanden("bestand")
    try:
        if len(uploads) > 1:
            raise _Weigering("Upload één Word-bestand per concept.")
        if uploads:
            upload = uploads[0]
            content = upload.file.read(MAX_DOCX_BYTES + 1)
            check_docx(content, upload.filename or "bestand", item.kenmerk)
            partial = item.path.with_name(item.path.name + ".part")
            partial.write_bytes(content)
            partial.replace(item.path)  # the edited letter replaces the draft, then is stored
        letter = store(_office(verzoek), item.path, _letters_dir(verzoek), verzoek.web.settings.data_dir)
    except (Refused, _Weigering) as exc:
        return _refused_page(verzoek, f"Niet opgeslagen: {nederlands(exc)}")
    from web.werklijst import cache

    cache(verzoek).changed(dossier.id)  # the letter is the dossier's latest step
    edited = "bewerkte " if uploads else ""
    return verzoek.redirect(f"/dossier/{dossier.id}", f"De {edited}brief {letter.kenmerk} is opgeslagen in "
                            "het dossier en de brievenlijst.")


def _refused_page(verzoek: Verzoek, fout: str) -> Response:
    with verzoek.db() as session:
        dossier = _case_of(session, verzoek)
        return _refused(verzoek, session, dossier, fout)


def _refused(verzoek: Verzoek, session: Session, dossier: Dossier, fout: str) -> Response:
    from web.dossier import render_dossier

    response = render_dossier(verzoek, session, dossier, status=400, fout=fout)
    session.commit()
    return response

