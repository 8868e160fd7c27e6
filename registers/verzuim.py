"""The verzuimmeldingen register: DUO's meldingen, their handling by the gemeente, and the feedback to DUO.

A melding arrives `geregistreerd` (by the school). The gemeente takes it `in_behandeling`, closes it
(`afgesloten`, always with a reden afsluiting) or takes note of it (`ter_kennisgeving_aangenomen`);
only the school withdraws it (`ingetrokken`). A closed, noted or withdrawn melding is final. Every
change is a dated row in its history. `export_feedback_xml` writes the gemeente's statuses for DUO,
valid against `registers/schemas/verzuim_terugkoppeling.xsd` (checked before the file is written).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from connectors.errors import StagingLocked
from connectors.persoonsnummer import is_persoonsnummer
from registers.audit import AuditEvent, trail
from registers.codes import MeldingStatus, RedenAfsluiting, ToelichtingAfsluiting, VerzuimSoort, parse_code
from registers.errors import Refused
from registers.models import Verzuimmelding, VerzuimStatusChange
from rules.dates import format_nl, parse_date

if TYPE_CHECKING:  # lxml loads only to write or check the feedback XML, not for every register command
    from lxml import etree

SCHEMA = Path(__file__).resolve().parent / "schemas" / "verzuim_terugkoppeling.xsd"
NAMESPACE = "urn:inbeeld:verzuimterugkoppeling:1"

S = MeldingStatus
# What the gemeente may do from each status (the school's statuses are not ours to set).
GEMEENTE_TRANSITIONS: Mapping[MeldingStatus, frozenset[MeldingStatus]] = {
    S.GEREGISTREERD: frozenset({S.IN_BEHANDELING, S.AFGESLOTEN, S.TER_KENNISGEVING_AANGENOMEN}),
    S.IN_BEHANDELING: frozenset({S.AFGESLOTEN}),
}
FEEDBACK_STATUSES = (S.IN_BEHANDELING, S.AFGESLOTEN, S.TER_KENNISGEVING_AANGENOMEN)
SCHOOL = "school"  # who the history names for the school's own statuses


@dataclass(frozen=True)
class Contactpersoon:
    """The gemeente's contact for the school, sent to DUO with the status."""

    naam: str
    functie: str | None = None
    telefoon: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class RegisterSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


# The school's fields of a melding as the reader delivers them (docs/formats.md §3).
SCHOOL_FIELDS = ("meldingsdatum", "brin", "vestiging", "persoonsnummer", "soort", "vermoedelijke_reden",
                 "begindatum", "einddatum", "verzuimdagen", "verzuimuren", "toelichting", "melder_naam",
                 "melder_functie", "melder_telefoon", "melder_email")
DATE_FIELDS = ("meldingsdatum", "begindatum", "einddatum")


def _school_values(row: Mapping[str, Any], where: str) -> dict[str, Any]:
    values = {name: None if row.get(name) in (None, "") else row.get(name) for name in SCHOOL_FIELDS}
    for name in DATE_FIELDS:
        if isinstance(values[name], str):
            try:
                values[name] = parse_date(values[name])
            except ValueError as exc:
                raise Refused(f"{where}: {name}: {exc}",
                              code="melding_datum", waar=where, veld=name, fout=exc) from None
    if not is_persoonsnummer(str(values["persoonsnummer"] or "")):
        raise Refused(f"{where}: persoonsnummer fails the elfproef (BSN or onderwijsnummer)",
                      code="melding_elfproef", waar=where)
    try:
        values["soort"] = parse_code(VerzuimSoort, values["soort"], "soort verzuim")
    except Refused as exc:
        raise Refused(f"{where}: {exc}", code="melding_soort", waar=where, waarde=values["soort"]) from None
    if not values["brin"] or values["begindatum"] is None:
        raise Refused(f"{where}: brin and begindatum are required", code="melding_onvolledig", waar=where)
    if values["einddatum"] is not None and values["einddatum"] < values["begindatum"]:
        raise Refused(f"{where}: einddatum {format_nl(values['einddatum'])} lies before "
                      f"begindatum {format_nl(values['begindatum'])}",
                      code="melding_eind_voor_begin", waar=where, eind=values["einddatum"],
                      begin=values["begindatum"])
    return values


def register_meldingen(session: Session, rows: Iterable[Mapping[str, Any]], *,
                       today: date | None = None) -> RegisterSummary:
    """Take in parsed meldingen (from the verzuim reader): new ones as `geregistreerd`, known ones updated
    with the school's latest facts (an einddatum, more hours) without touching the gemeente's status.

    Refuses the whole batch on a bad row, so a half-read delivery changes nothing.
    """
    today = today or date.today()
    checked: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(rows, start=1):
        meldingsnummer = str(row.get("meldingsnummer") or "").strip()
        if not meldingsnummer:
            raise Refused(f"melding {number}: meldingsnummer is required",
                          code="melding_zonder_nummer", nummer=number)
        checked[meldingsnummer] = _school_values(row, f"melding {meldingsnummer}")
    known = {m.meldingsnummer: m for m in session.scalars(
        select(Verzuimmelding).where(Verzuimmelding.meldingsnummer.in_(list(checked))))} if checked else {}
    now = datetime.now(UTC).replace(tzinfo=None)
    new: list[Verzuimmelding] = []
    events: list[AuditEvent] = []
    for meldingsnummer, values in checked.items():
        melding = known.get(meldingsnummer)
        if melding is None:
            on = values["meldingsdatum"] or today
            melding = Verzuimmelding(meldingsnummer=meldingsnummer, status=S.GEREGISTREERD, status_datum=on,
                                     **values)
            melding.changes.append(VerzuimStatusChange(status=S.GEREGISTREERD, on_date=on, by=SCHOOL,
                                                       recorded_at=now))
            new.append(melding)
            continue
        changed = sorted(name for name, value in values.items() if getattr(melding, name) != value)
        if changed:
            for name in changed:
                setattr(melding, name, values[name])
            events.append(AuditEvent("verzuim.updated", melding.persoonsnummer, "verzuimmeldingen",
                                     melding.id, "fields=" + ",".join(changed)))
    session.add_all(new)
    session.flush()
    events += [AuditEvent("verzuim.registered", m.persoonsnummer, "verzuimmeldingen", m.id,
                          f"soort={m.soort.value}") for m in new]
    trail(session).record_many(session, events)
    updated = len(events) - len(new)
    return RegisterSummary(new=len(new), updated=updated, unchanged=len(checked) - len(new) - updated)


def register_from_staging(session: Session, staging_path: Path, *, import_id: int | None = None,
                          today: date | None = None) -> RegisterSummary:
    """The meldingen of one verzuim import in staging (`connectors.verzuim_xml`), or by default the
    current version of every melding there, into the register (see `register_meldingen`)."""
    import duckdb  # only when staging is read, so the commands that only show a dossier stay quick

    from connectors.staging import Staging

    source = "verzuimmeldingen" if import_id is not None else "verzuimmeldingen_actueel"
    # staging calls the soort `soort_verzuim`
    columns = ["meldingsnummer", *(("soort_verzuim AS soort" if c == "soort" else c) for c in SCHOOL_FIELDS)]
    query = f"SELECT {', '.join(columns)} FROM {source}"
    if import_id is not None:
        query += " WHERE import_id = ?"
    try:
        with Staging(staging_path, read_only=True) as staging:
            if not staging.has_relation(source):  # no verzuim delivery staged yet: nothing to register
                return register_meldingen(session, [], today=today)
            cursor = staging.con.execute(query, [import_id] if import_id is not None else [])
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    except (duckdb.Error, StagingLocked) as exc:
        raise Refused(f"cannot read the verzuimmeldingen in staging {staging_path}: {exc}",
                      code="staging_onleesbaar", pad=staging_path, fout=exc) from None
    return register_meldingen(session, rows, today=today)


def get_melding(session: Session, meldingsnummer: str) -> Verzuimmelding:
    melding = session.scalars(select(Verzuimmelding).options(selectinload(Verzuimmelding.changes))
                              .where(Verzuimmelding.meldingsnummer == meldingsnummer)).first()
    if melding is None:
        raise Refused(f"there is no verzuimmelding {meldingsnummer!r}",
                      code="geen_melding", melding=meldingsnummer)
    return melding


def handle_melding(
    session: Session,
    meldingsnummer: str,
    status: MeldingStatus | str,
    *,
    on: date | None = None,
    by: str | None = None,
    reden: RedenAfsluiting | str | None = None,
    toelichting: ToelichtingAfsluiting | str | None = None,
    contact: Contactpersoon | None = None,
    today: date | None = None,
) -> Verzuimmelding:
    """The gemeente's status change, as DUO allows it; a closure needs its reden afsluiting.

    The feedback DUO will get for it is checked against the XSD now, so a bad phone number or
    e-mail address is refused here and not at the weekly export.
    """
    today = today or date.today()
    on = on or today
    new = parse_code(MeldingStatus, status, "status")
    melding = get_melding(session, meldingsnummer)
    current = melding.status
    allowed = GEMEENTE_TRANSITIONS.get(current, frozenset())
    if new not in allowed:
        if current.is_final:
            raise Refused(f"melding {meldingsnummer} is {current.label.lower()} since "
                          f"{format_nl(melding.status_datum)}: DUO allows no further status",
                          code="melding_definitief", melding=meldingsnummer, status=current.label.lower())
        choices = ", ".join(s.value for s in sorted(allowed)) or "none"
        raise Refused(f"DUO does not allow {current.label!r} → {new.label!r}; from here: {choices}",
                      code="melding_overgang", van=current.label.lower(), naar=new.label.lower())
    reden_code = parse_code(RedenAfsluiting, reden, "reden afsluiting") if reden else None
    toelichting_code = (parse_code(ToelichtingAfsluiting, toelichting, "toelichting afsluiting")
                        if toelichting else None)
    if new == S.AFGESLOTEN and reden_code is None:
        raise Refused(f"closing needs a reden afsluiting: {', '.join(RedenAfsluiting)}",
                      code="reden_afsluiting_nodig", melding=meldingsnummer)
    if new != S.AFGESLOTEN and (reden_code or toelichting_code):
        raise Refused("a reden or toelichting afsluiting belongs to closing (status afgesloten)",
                      code="reden_alleen_bij_afsluiten")
    if on > today:
        raise Refused(f"the date {format_nl(on)} lies in the future", code="datum_toekomst", datum=on)
    if on < melding.status_datum:
        raise Refused(f"the date {format_nl(on)} lies before the current status "
                      f"of {format_nl(melding.status_datum)}", code="voor_status", datum=on,
                      status_datum=melding.status_datum)
    audit = trail(session)
    by = by or audit.actor
    contact = replace(contact, naam=contact.naam or by) if contact else Contactpersoon(naam=by)
    feedback = _feedback_root(today)
    feedback.append(_terugkoppeling(meldingsnummer, new, on, reden_code, toelichting_code, contact))
    check_feedback(feedback)

    melding.status, melding.status_datum = new, on
    melding.reden_afsluiting, melding.toelichting_afsluiting = reden_code, toelichting_code
    melding.contact_naam, melding.contact_functie = contact.naam, contact.functie
    melding.contact_telefoon, melding.contact_email = contact.telefoon, contact.email
    melding.changes.append(VerzuimStatusChange(status=new, on_date=on, by=by, reden_afsluiting=reden_code,
                                               toelichting_afsluiting=toelichting_code,
                                               recorded_at=datetime.now(UTC).replace(tzinfo=None)))
    session.flush()
    detail = f"status={new.value}" + (f" reden={reden_code.value}" if reden_code else "")
    audit.record(session, AuditEvent("verzuim.status", melding.persoonsnummer, "verzuimmeldingen", melding.id,
                                     detail))
    return melding


def withdraw(session: Session, meldingsnummer: str, on: date) -> Verzuimmelding:
    """The school withdrew the melding (as DUO reports it): final, whatever the gemeente's status was."""
    melding = get_melding(session, meldingsnummer)
    if melding.status == S.INGETROKKEN:
        return melding
    if melding.status in (S.AFGESLOTEN, S.TER_KENNISGEVING_AANGENOMEN):
        raise Refused(f"melding {meldingsnummer} is already {melding.status.label.lower()}",
                      code="melding_al_definitief", melding=meldingsnummer,
                      status=melding.status.label.lower())
    melding.status, melding.status_datum = S.INGETROKKEN, on
    melding.reden_afsluiting = melding.toelichting_afsluiting = None
    melding.changes.append(VerzuimStatusChange(status=S.INGETROKKEN, on_date=on, by=SCHOOL,
                                               recorded_at=datetime.now(UTC).replace(tzinfo=None)))
    session.flush()
    trail(session).record(session, AuditEvent("verzuim.withdrawn", melding.persoonsnummer, "verzuimmeldingen",
                                              melding.id))
    return melding


def list_meldingen(session: Session, *, status: MeldingStatus | str | None = None,
                   soort: VerzuimSoort | str | None = None) -> list[Verzuimmelding]:
    query = select(Verzuimmelding).order_by(Verzuimmelding.begindatum, Verzuimmelding.id)
    if status is not None:
        query = query.where(Verzuimmelding.status == parse_code(MeldingStatus, status, "status"))
    if soort is not None:
        query = query.where(Verzuimmelding.soort == parse_code(VerzuimSoort, soort, "soort"))
    return list(session.scalars(query))


_NS = f"{{{NAMESPACE}}}"


def _feedback_root(today: date | None) -> etree._Element:
    from lxml import etree

    return etree.Element(_NS + "verzuimterugkoppelingen", nsmap={None: NAMESPACE},
                         aangemaakt=(today or date.today()).isoformat())


def _terugkoppeling(meldingsnummer: str, status: MeldingStatus, on: date, reden: RedenAfsluiting | None,
                    toelichting: ToelichtingAfsluiting | None, contact: Contactpersoon) -> etree._Element:
    from lxml import etree

    item = etree.Element(_NS + "terugkoppeling")
    etree.SubElement(item, _NS + "meldingsnummer").text = meldingsnummer
    etree.SubElement(item, _NS + "statusdatum").text = on.isoformat()
    if status == S.AFGESLOTEN:
        closed = etree.SubElement(item, _NS + "afgesloten")
        etree.SubElement(closed, _NS + "redenAfsluiting").text = reden.value if reden else ""
        if toelichting is not None:
            etree.SubElement(closed, _NS + "toelichtingAfsluiting").text = toelichting.value
    elif status == S.IN_BEHANDELING:
        etree.SubElement(item, _NS + "inBehandeling")
    elif status == S.TER_KENNISGEVING_AANGENOMEN:
        etree.SubElement(item, _NS + "terKennisgevingAangenomen")
    else:
        raise ValueError(f"{status.label} is the school's status, not feedback from the gemeente")
    element = etree.SubElement(item, _NS + "contactpersoon")
    for tag in ("naam", "functie", "telefoon", "email"):
        value = getattr(contact, tag)
        if value:
            etree.SubElement(element, _NS + tag).text = value
    return item


@cache
def load_schema() -> etree.XMLSchema:
    """The feedback XSD, parsed once with the hardened parser of connectors.xml_safety."""
    from connectors import xml_safety

    return xml_safety.load_schema(SCHEMA)


def check_feedback(root: etree._Element) -> None:
    """Raise Refused naming what breaks the XSD: an invalid file never leaves InBeeld."""
    schema = load_schema()
    if not schema.validate(root):
        error = schema.error_log[0]
        raise Refused(f"the feedback for DUO breaks {SCHEMA.name}: {error.message}",
                      code="terugkoppeling_ongeldig", schema=SCHEMA.name, fout=error.message)


def export_feedback_xml(session: Session, out: str | Path, *, since: date | None = None,
                        today: date | None = None) -> int:
    """Write the gemeente's current status of every melding it handled (status set on or after `since`)
    for DUO to `out`: validated first, replaced atomically. Returns the number of terugkoppelingen."""
    from lxml import etree

    query = (select(Verzuimmelding).where(Verzuimmelding.status.in_(FEEDBACK_STATUSES))
             .order_by(Verzuimmelding.status_datum, Verzuimmelding.meldingsnummer))
    if since is not None:
        query = query.where(Verzuimmelding.status_datum >= since)
    root = _feedback_root(today)
    for m in session.scalars(query):
        contact = Contactpersoon(m.contact_naam or "", m.contact_functie, m.contact_telefoon, m.contact_email)
        root.append(_terugkoppeling(m.meldingsnummer, m.status, m.status_datum, m.reden_afsluiting,
                                    m.toelichting_afsluiting, contact))
    check_feedback(root)
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(document)
    os.replace(tmp, out)
    trail(session).record(session, AuditEvent("verzuim.exported", None, "verzuimmeldingen", None,
                                              f"terugkoppelingen={len(root)}"))
    return len(root)
