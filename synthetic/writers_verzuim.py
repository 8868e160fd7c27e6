"""Verzuimmeldingen (XML, valid against connectors/schemas/verzuimmelding-strikt.xsd and so against
verzuimmelding.xsd) and the vrijstellingen CSV.

A melding is sent in the week of its meldingsdatum and sent again, with the same meldingsnummer,
in the week its einddatum becomes known; the first week's file also carries every melding still
open or closed within the last twelve weeks. A vrijstelling is sent in the week it begins; the
first week's file carries every vrijstelling begun so far.
"""

from __future__ import annotations

from datetime import date, timedelta
from xml.sax.saxutils import escape

from synthetic.model import Persoon, Verzuimmelding, Vrijstelling

NAMESPACE = "urn:inbeeld:verzuimmelding:1"
VERZUIM_OPEN = f'<?xml version="1.0" encoding="UTF-8"?>\n<verzuimmeldingen xmlns="{NAMESPACE}">\n'
VERZUIM_CLOSE = "</verzuimmeldingen>\n"
VRIJSTELLINGEN_HEADER = "PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM;TOELICHTING"
FIRST_WEEK_LOOKBACK = timedelta(weeks=12)


def meldingen_in_week(p: Persoon, week: int, d: date, previous: date) -> list[Verzuimmelding]:
    """The meldingen (as versions) this person's school sends in the week ending on `d`."""
    out = []
    for m in p.meldingen:
        if week == 0:
            einde = m.einde_bekend(d)
            if m.meldingsdatum <= d and (einde is None or einde >= d - FIRST_WEEK_LOOKBACK):
                out.append(m)
        elif previous < m.meldingsdatum <= d or (
                m.einde_gemeld_op is not None and previous < m.einde_gemeld_op <= d and m.meldingsdatum <= d):
            out.append(m)
    return out


def _t(name: str, value: str) -> str:
    return f"<{name}>{escape(value)}</{name}>"


def verzuimmelding(m: Verzuimmelding, p: Persoon, d: date) -> str:
    """One `verzuimmelding` element as the school sends it on `d`."""
    school = m.inschrijving.school
    parts = [" <verzuimmelding>", _t("meldingsnummer", m.meldingsnummer),
             _t("meldingsdatum", m.meldingsdatum.isoformat()),
             "<school>" + _t("brin", school.brin) + _t("vestiging", school.vestiging)
             + _t("naam", school.naam) + "</school>",
             "<leerling>" + _t("persoonsgebondennummer", p.duo_nummer or "") + _t("voornamen", p.voornamen)
             + (_t("voorvoegsel", p.voorvoegsel) if p.voorvoegsel else "")
             + _t("geslachtsnaam", p.geslachtsnaam)
             + _t("geboortedatum", p.geboortedatum.isoformat()) + _t("geslacht", p.geslacht) + "</leerling>",
             _t("soortVerzuim", m.soort), _t("vermoedelijkeReden", m.reden),
             _t("begindatum", m.begin.isoformat())]
    einde = m.einde_bekend(d)
    if einde is not None:
        parts.append(_t("einddatum", einde.isoformat()))
    if m.dagen is not None:
        parts.append(_t("verzuimdagen", str(m.dagen)))
    if m.uren is not None:
        parts.append(_t("verzuimuren", str(m.uren)))
    if m.toelichting:
        parts.append(_t("toelichting", m.toelichting))
    parts.append("<melder>" + _t("naam", school.melder) + _t("functie", school.melder_functie)
                 + _t("telefoon", school.telefoon) + _t("email", school.email) + "</melder>")
    parts.append("</verzuimmelding>")
    return "".join(parts)


def vrijstellingen_in_week(p: Persoon, week: int, d: date, previous: date) -> list[Vrijstelling]:
    if week == 0:
        return [v for v in p.vrijstellingen if v.begin <= d]
    return [v for v in p.vrijstellingen if previous < v.begin <= d]


def vrijstelling_row(v: Vrijstelling, p: Persoon, iso: bool) -> str:
    """A row; ISO dates or `dd-mm-jjjj` (the file says which by being one or the other)."""
    def fmt(x: date | None) -> str:
        if x is None:
            return ""
        return x.isoformat() if iso else f"{x.day:02d}-{x.month:02d}-{x.year:04d}"
    toelichting = v.toelichting.replace(";", ",")
    return f"{p.persoonsnummer};{v.grond};{fmt(v.begin)};{fmt(v.einde)};{toelichting}"
