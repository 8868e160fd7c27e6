"""BRP deliveries in three formats: Haal Centraal JSON, LO3-element CSV and StUF-BG npsLa01 XML.

The three carry the same facts (docs/formats.md §1). Each function renders one persoonslijst as it
stands on the peildatum; the caller writes the wrapper (JSON array, CSV header, SOAP envelope)
around the streamed records.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from xml.sax.saxutils import escape

from rules.dates import format_nl
from synthetic.addresses import RNI, gemeente
from synthetic.model import Persoon, Verblijf
from synthetic.names import korte_straatnaam, voorletters

GESLACHT = {"M": "man", "V": "vrouw", "O": "onbekend"}
OPSCHORTING = {"O": "overlijden", "E": "emigratie", "M": "ministerieel besluit",
               "R": "pl aangelegd in de RNI", "F": "fout"}
LANDEN = {"6030": "Nederland", "5010": "België"}


def gemeente_naam(code: str) -> str:
    return "Registratie Niet Ingezetenen (RNI)" if code == RNI else gemeente(code).naam


class Stand:
    """A persoonslijst on a peildatum: the current address, the earlier ones, and what happened."""

    __slots__ = ("person", "current", "history", "overlijden", "opschorting", "onderzoek")

    def __init__(self, person: Persoon, d: date) -> None:
        self.person = person
        periods = [v for v in person.verblijven if v.datum_aanvang <= d]
        self.current: Verblijf | None = periods[-1] if periods else None
        self.history: list[Verblijf] = periods[-2::-1]  # most recent first, as GBA-V lists them
        self.overlijden = person.overlijden if person.overlijden and person.overlijden <= d else None
        self.opschorting = person.opschorting if person.opschorting and person.opschorting[1] <= d else None
        self.onderzoek = person.onderzoek if person.onderzoek and person.onderzoek[1] <= d else None


@cache
def _gba(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


@cache
def _hc_datum(d: date) -> dict[str, str]:
    return {"type": "Datum", "datum": d.isoformat(), "langFormaat": format_nl(d)}


def _x(text: str) -> str:
    """XML text escaping, skipped for the (usual) text without special characters."""
    return escape(text) if ("&" in text or "<" in text or ">" in text) else text


# -- Haal Centraal -------------------------------------------------------------------------------

def _hc_date(d: date, gba_style: bool) -> object:
    return _gba(d) if gba_style else _hc_datum(d)


def _hc_birth(value: str, gba_style: bool) -> object:
    if gba_style:
        return value
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    if year == 0:
        return {"type": "DatumOnbekend", "onbekend": True}
    if month == 0:
        return {"type": "JaarDatum", "jaar": year}
    if day == 0:
        return {"type": "JaarMaandDatum", "jaar": year, "maand": month}
    return _hc_date(date(year, month, day), False)


def _js(text: str) -> str:
    """A JSON string; the common case (no quote, backslash or control character) without json.dumps."""
    if '"' in text or "\\" in text or not text.isprintable():
        return json.dumps(text, ensure_ascii=False)
    return f'"{text}"'


@cache
def _hc_date_json(d: date, gba_style: bool) -> str:
    return json.dumps(_hc_date(d, gba_style), ensure_ascii=False, separators=(",", ":"))


@cache
def _hc_birth_json(value: str, gba_style: bool) -> str:
    return json.dumps(_hc_birth(value, gba_style), ensure_ascii=False, separators=(",", ":"))


def _hc_naam_json(p: Persoon, with_initials: bool = True) -> str:
    parts = [f'"voornamen":{_js(p.voornamen)}']
    if p.voorvoegsel:
        parts.append(f'"voorvoegsel":{_js(p.voorvoegsel)}')
    parts.append(f'"geslachtsnaam":{_js(p.geslachtsnaam)}')
    if with_initials:
        parts.append(f'"voorletters":{_js(voorletters(p.voornamen))}')
    return "{" + ",".join(parts) + "}"


def haalcentraal(p: Persoon, d: date) -> str:
    """One element of `personen` (docs/formats.md §1.1), as a single JSON line.

    Written as text rather than through json.dumps of nested dicts: a third of the time.
    """
    s = Stand(p, d)
    gba = p.hc_gba_datums
    parts = [f'{{"burgerservicenummer":"{p.bsn}","aNummer":"{p.anummer}","naam":{_hc_naam_json(p)},'
             f'"geboorte":{{"datum":{_hc_birth_json(p.geboortedatum_brp, gba)}}},'
             f'"geslacht":{{"code":"{p.geslacht}","omschrijving":"{GESLACHT[p.geslacht]}"}}']
    current = s.current
    if current is not None:
        parts.append(f'"gemeenteVanInschrijving":{{"code":"{current.gemeentecode}",'
                     f'"omschrijving":{_js(gemeente_naam(current.gemeentecode))}}},'
                     f'"datumInschrijvingInGemeente":{_hc_date_json(current.datum_inschrijving, gba)}')
        if current.adres is not None:
            a = current.adres
            names = ("straat", "korteNaam") if p.hc_straat_oud else ("officieleStraatnaam", "korteStraatnaam")
            adres = (f'"{names[0]}":{_js(a.straat)},"{names[1]}":{_js(korte_straatnaam(a.straat))},'
                     f'"huisnummer":{a.huisnummer}')
            if a.huisletter:
                adres += f',"huisletter":"{a.huisletter}"'
            if a.toevoeging:
                adres += f',"huisnummertoevoeging":{_js(a.toevoeging)}'
            adres += f',"postcode":"{a.postcode}","woonplaats":{_js(a.woonplaats)}'
            verblijf = (f'{{"type":"Adres","datumVan":{_hc_date_json(current.datum_aanvang, gba)},'
                        '"functieAdres":{"code":"W","omschrijving":"woonadres"},'
                        f'"adresseerbaarObjectIdentificatie":"{a.verblijfsobject}",'
                        f'"nummeraanduidingIdentificatie":"{a.nummeraanduiding}","verblijfadres":{{{adres}}}')
            if s.onderzoek is not None:
                verblijf += (',"inOnderzoek":{"type":true,'
                             f'"aanduidingGegevensInOnderzoek":"{s.onderzoek[0]}",'
                             f'"datumIngangOnderzoek":{_hc_date_json(s.onderzoek[1], gba)}}}')
            verblijf += "}"
        else:
            verblijf = ('{"type":"VerblijfplaatsBuitenland",'
                        f'"datumVan":{_hc_date_json(current.datum_aanvang, gba)},'
                        f'"verblijfadres":{{"land":{{"code":"{current.land}",'
                        f'"omschrijving":{_js(LANDEN.get(current.land, "onbekend"))}}}}}}}')
        parts.append(f'"verblijfplaats":{verblijf}')
    if s.overlijden is not None:
        parts.append(f'"overlijden":{{"datum":{_hc_date_json(s.overlijden, gba)}}}')
    if s.opschorting is not None:
        reden, datum = s.opschorting
        parts.append(f'"opschortingBijhouding":{{"reden":{{"code":"{reden}","omschrijving":"{OPSCHORTING[reden]}"}},'
                     f'"datum":{_hc_date_json(datum, gba)}}}')
    if p.geheim:
        parts.append('"geheimhoudingPersoonsgegevens":true')
    if p.ouders:
        betrekking = _hc_birth_json(p.geboortedatum_brp, gba)
        ouders = ",".join(
            f'{{"ouderAanduiding":"{i}","burgerservicenummer":"{o.bsn}","naam":{_hc_naam_json(o, False)},'
            f'"geboorte":{{"datum":{_hc_birth_json(o.geboortedatum_brp, gba)}}},'
            f'"geslacht":{{"code":"{o.geslacht}"}},'
            f'"datumIngangFamilierechtelijkeBetrekking":{betrekking}}}'
            for i, o in enumerate(p.ouders, start=1))
        parts.append(f'"ouders":[{ouders}]')
        if p.gezag == "12":
            bsns = ",".join(f'{{"burgerservicenummer":"{o.bsn}"}}' for o in p.ouders)
            parts.append(f'"gezag":[{{"type":"TweehoofdigOuderlijkGezag","ouders":[{bsns}]}}]')
        elif p.gezag == "1":
            parts.append('"gezag":[{"type":"EenhoofdigOuderlijkGezag",'
                         f'"ouder":{{"burgerservicenummer":"{p.ouders[0].bsn}"}}}}]')
    return ",".join(parts) + "}"


HAALCENTRAAL_OPEN = '{"type":"RaadpleegMetBurgerservicenummer","personen":[\n'
HAALCENTRAAL_CLOSE = "\n]}\n"


# -- LO3-element CSV -----------------------------------------------------------------------------

LO3_COLUMNS = (
    "01.01.10", "01.01.20", "01.02.10", "01.02.30", "01.02.40", "01.03.10", "01.03.20", "01.03.30",
    "01.04.10",
    "02.01.20", "02.02.10", "02.02.30", "02.02.40", "02.03.10", "02.04.10", "02.62.10",
    "03.01.20", "03.02.10", "03.02.30", "03.02.40", "03.03.10", "03.04.10", "03.62.10",
    "06.08.10", "07.67.10", "07.67.20", "07.70.10",
    "08.09.10", "08.09.20", "08.10.10", "08.10.30", "08.11.10", "08.11.20", "08.11.30", "08.11.40",
    "08.11.60",
    "08.11.70", "08.11.80", "08.11.90", "08.13.10", "08.13.20", "08.83.10", "08.83.20", "08.85.10",
    "11.32.10",
)
# Like the GBA-V selectie: an empty first header cell (the label column), a trailing separator.
LO3_HEADER = "\ufeff;" + ";".join(LO3_COLUMNS) + ";"
_CAT08 = LO3_COLUMNS.index("08.09.10")
_CAT08_END = LO3_COLUMNS.index("08.85.10") + 1


def _lo3_address(v: Verblijf, onderzoek: tuple[str, date] | None) -> list[str]:
    a = v.adres
    if a is None:
        fields = [v.gemeentecode, _gba(v.datum_inschrijving), "", "", "", "", "", "", "", "", "", "",
                  v.land, _gba(v.datum_aanvang)]
    else:
        fields = [v.gemeentecode, _gba(v.datum_inschrijving), "W", _gba(v.datum_aanvang), a.straat,
                  str(a.huisnummer), a.huisletter, a.toevoeging, a.postcode, a.woonplaats, a.verblijfsobject,
                  a.nummeraanduiding, "", ""]
    fields += [onderzoek[0], _gba(onderzoek[1])] if onderzoek else ["", ""]
    fields.append(_gba(v.datum_aanvang))
    return fields


def _lo3_ouder(p: Persoon, index: int) -> list[str]:
    if index >= len(p.ouders):
        return [""] * 7
    o = p.ouders[index]
    return [o.bsn or "", o.voornamen, o.voorvoegsel, o.geslachtsnaam, o.geboortedatum_brp, o.geslacht,
            p.geboortedatum_brp]


def lo3_rows(p: Persoon, d: date, label: str) -> str:
    """The labelled row of the persoonslijst and one unlabelled row per earlier address."""
    s = Stand(p, d)
    opschorting = s.opschorting
    row = [p.anummer, p.bsn or "", p.voornamen, p.voorvoegsel, p.geslachtsnaam, p.geboortedatum_brp,
           p.geboorteplaats, "6030" if p.geboorteplaats != "buitenland" else "5010", p.geslacht,
           *_lo3_ouder(p, 0), *_lo3_ouder(p, 1),
           _gba(s.overlijden) if s.overlijden else "",
           _gba(opschorting[1]) if opschorting else "", opschorting[0] if opschorting else "", str(p.geheim)]
    row += _lo3_address(s.current, s.onderzoek) if s.current else [""] * (_CAT08_END - _CAT08)
    row.append(p.gezag)
    # Values never hold a separator or quote (names and streets come from checked pools).
    lines = [label + ";" + ";".join(row) + ";"]
    empty_before = ";" * (_CAT08 + 1)
    empty_after = ";" * (len(LO3_COLUMNS) - _CAT08_END + 1)
    for earlier in s.history:
        fields = ";".join(_lo3_address(earlier, None))
        lines.append(empty_before + fields + empty_after)
    return "\n".join(lines)


# -- StUF-BG npsLa01 -----------------------------------------------------------------------------

STUF_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<soapenv:Body>\n<BG:npsLa01>\n'
    '<BG:stuurgegevens><StUF:berichtcode>La01</StUF:berichtcode>'
    '<StUF:entiteittype>NPS</StUF:entiteittype></BG:stuurgegevens>\n<BG:antwoord>\n'
)
STUF_CLOSE = "</BG:antwoord>\n</BG:npsLa01>\n</soapenv:Body>\n</soapenv:Envelope>\n"
_NIL = ' xsi:nil="true" StUF:noValue="geenWaarde"/>'


def _el(name: str, value: str | None) -> str:
    if value is None or value == "":
        return f"<BG:{name}{_NIL}"
    return f"<BG:{name}>{_x(value)}</BG:{name}>"


def _birth_el(value: str) -> str:
    if value.endswith("00") or value.startswith("0000"):
        kind = "J" if value.startswith("0000") else "M" if value[4:6] == "00" else "D"
        return f'<BG:geboortedatum StUF:indOnvolledigeDatum="{kind}">{value}</BG:geboortedatum>'
    return f"<BG:geboortedatum>{value}</BG:geboortedatum>"


def _ouder_stuf(o: Persoon, index: int) -> str:
    voorvoegsel = (f"<BG:voorvoegselGeslachtsnaam>{_x(o.voorvoegsel)}</BG:voorvoegselGeslachtsnaam>"
                   if o.voorvoegsel else "")
    return ('<BG:inp.heeftAlsOuders StUF:entiteittype="NPSNPSOUD"><BG:gerelateerde StUF:entiteittype="NPS">'
            f"<BG:inp.bsn>{o.bsn}</BG:inp.bsn><BG:geslachtsnaam>{_x(o.geslachtsnaam)}</BG:geslachtsnaam>"
            f"{voorvoegsel}<BG:voornamen>{_x(o.voornamen)}</BG:voornamen>{_birth_el(o.geboortedatum_brp)}"
            f"<BG:geslachtsaanduiding>{o.geslacht}</BG:geslachtsaanduiding></BG:gerelateerde>"
            f"<BG:ouderAanduiding>{index}</BG:ouderAanduiding></BG:inp.heeftAlsOuders>")


def stufbg(p: Persoon, d: date) -> str:
    """One `object` of the npsLa01 answer (docs/formats.md §1.3)."""
    s = Stand(p, d)
    current = s.current
    parts = ['<BG:object StUF:entiteittype="NPS">', _el("inp.bsn", p.bsn), _el("inp.a-nummer", p.anummer),
             f"<BG:geslachtsnaam>{_x(p.geslachtsnaam)}</BG:geslachtsnaam>"]
    if p.voorvoegsel:
        parts.append(f"<BG:voorvoegselGeslachtsnaam>{_x(p.voorvoegsel)}</BG:voorvoegselGeslachtsnaam>")
    parts += [f"<BG:voornamen>{_x(p.voornamen)}</BG:voornamen>",
              f"<BG:geslachtsaanduiding>{p.geslacht}</BG:geslachtsaanduiding>",
              _birth_el(p.geboortedatum_brp),
              _el("overlijdensdatum", _gba(s.overlijden) if s.overlijden else None),
              _el("inp.gemeenteVanInschrijving", current.gemeentecode if current else None),
              _el("inp.datumInschrijving", _gba(current.datum_inschrijving) if current else None),
              _el("inp.redenOpschortingBijhouding", s.opschorting[0] if s.opschorting else None),
              _el("inp.datumOpschortingBijhouding", _gba(s.opschorting[1]) if s.opschorting else None),
              f"<BG:inp.indicatieGeheim>{p.geheim}</BG:inp.indicatieGeheim>"]
    if current is not None and current.adres is not None:
        a = current.adres
        parts.append(f"<BG:verblijfsadres><BG:aoa.identificatie>{a.nummeraanduiding}</BG:aoa.identificatie>"
                     f"<BG:wpl.woonplaatsNaam>{_x(a.woonplaats)}</BG:wpl.woonplaatsNaam>"
                     f"<BG:gor.straatnaam>{_x(a.straat)}</BG:gor.straatnaam>"
                     f"<BG:aoa.postcode>{a.postcode}</BG:aoa.postcode>"
                     f"<BG:aoa.huisnummer>{a.huisnummer}</BG:aoa.huisnummer>")
        if a.huisletter:
            parts.append(f"<BG:aoa.huisletter>{a.huisletter}</BG:aoa.huisletter>")
        if a.toevoeging:
            parts.append(f"<BG:aoa.huisnummertoevoeging>{a.toevoeging}</BG:aoa.huisnummertoevoeging>")
        parts.append(f"<BG:begindatumVerblijf>{_gba(current.datum_aanvang)}</BG:begindatumVerblijf>")
        if s.onderzoek is not None:
            parts.append("<BG:inOnderzoek>J</BG:inOnderzoek>")
        parts.append("</BG:verblijfsadres>")
    elif current is not None:
        parts.append(f"<BG:sub.verblijfBuitenland>{_el('lnd.landcode', current.land)}"
                     f"{_el('sub.adresBuitenland1', LANDEN.get(current.land, ''))}"
                     "</BG:sub.verblijfBuitenland>")
    for index, o in enumerate(p.ouders, start=1):
        parts.append(_ouder_stuf(o, index))
    parts.append("</BG:object>")
    return "".join(parts)
