"""DUO deliveries: the C-levering, the weekly P-leveringen and the monthly A-reports.

The enrolments a gemeente receives on a peildatum are derived from the decided careers: an
enrolment is delivered while its person lives (for DUO) in the gemeente, is known to DUO and is
current, ended within the last two school years, carries a diploma, or is the person's latest. A
P-levering is the difference between two such states, so its T/W/V mutations are exactly the
week's events (new enrolments, uitschrijvingen, diplomas, moves, deletions).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from rules.dates import anniversary
from synthetic.model import Inschrijving, Persoon
from synthetic.schools import onderwijscode, schooljaar
from synthetic.vsv import (
    A01_LEEFTIJD_VAN,
    convenantjaar_label,
    convenantjaar_start,
    telt_voor_startset,
    vsv_leeftijd,
)
from synthetic.window import Window

ENROLMENT_COLUMNS = (
    "PERSOONSGEBONDENNUMMER", "BSN", "GEBOORTEDATUM", "GESLACHT", "POSTCODE", "GEMEENTECODE", "BRIN_NR",
    "VESTIGINGSNUMMER", "INSCHRIJVINGSVOLGNUMMER", "ONDERWIJSSOORT", "ONDERWIJSCODE", "NIVEAU", "LEERWEG",
    "DATUM_INSCHRIJVING", "DATUM_UITSCHRIJVING", "BEKOSTIGD", "DIPLOMA_DATUM", "INDICATIE_STARTKWALIFICATIE",
    "INDICATIE_PRO_VSO_GETUIGSCHRIFT", "LEERJAAR",
)
C_HEADER = ";".join(ENROLMENT_COLUMNS)
P_HEADER = "MUTATIESOORT;MUTATIEDATUM;" + C_HEADER
# DUO's own layouts of its RMC reports (docs/formats.md §2.2): A01, A02 and A04 (and A14) share one
A_WERKVOORRAAD_HEADER = (
    "BRIN_NR;NAAM_INST;RAPPORTAGEMAAND;PERSOONSGEBONDENNUMMER;ACHTERNAAM;VOORVOEGSEL;ALLE_VOORNAMEN;"
    "WOONGEMEENTE;GEBOORTEDATUM;ONDERWIJSCODE;ONDERWIJSNAAM;LEERWEG;DATUM_UITSCHRIJVING;"
    "MELDING_VERZUIM_WETTELIJK;REDEN;BRIN;NAAM_INSTELLING;ONDERWIJSAANBIEDERCODE;NAAM_ONDERWIJSAANBIEDER;"
    "MELDING_VERZUIM_NIET_WETTELIJK;GEMEENTECODE;RMC_REGIO;REDEN_UITSTROOM;LOCATIECODE;ONDERWIJSLOCATIECODE;"
    "POSTCODE_ONDERWIJSLOCATIE;HUISNUMMER_ONDERWIJSLOCATIE;BRIN_VOLGNUMMER;NIVEAU;INSCHRIJVINGSVOLGNUMMER;"
    "STRAAT;HUISNUMMER;HUISLETTER;HUISNUMMER_TOEVOEGING;HUISNUMMER_AANDUIDING;ADRES_LOCATIE;POSTCODE;"
    "WOONPLAATS;VANAF_WANNEER")
A05_HEADER = (
    "#BRIN;NAAM_INSTELLING;RAPPORTAGE_MAAND;BSN_ONDERWIJSNR;VOORNAMEN;VOORVOEGSEL;ACHTERNAAM;WOONGEMEENTE;"
    "GEBOORTEDATUM;ILT/CREBO;ILT/CREBO_OMS;LEERWEG;BRIN_NR;NAAM_INST;ONDERWIJSAANBIEDERCODE;"
    "ONDERWIJSAANBIEDER_NAAM;GEMCODE;RMC_REGIO;LOCATIECODE;ONDERWIJSLOCATIECODE;ONDERWIJSLOCATIE_POSTCODE;"
    "ONDERWIJSLOCATIE_HUISNUMMER;BRIN_VOLGNR;NIVEAU;INSCHR_VLGNR;STRAAT;HUISNUMMER;HUISLETTER;HUISNR_AAND;"
    "HUISNR_TOEV;ADRES_LOCATIE;POSTCODE;WOONPLAATS;INDICATIE_STARTKWALIFICATIE")
A06_HEADER = "CONVENANTJAAR;GEMEENTECODE;BRIN_NR;ONDERWIJSSOORT;NIVEAU;STARTSET;AANTAL_VSV;PERCENTAGE_VSV"
# DUO's VSV lists (docs/formats.md §2.2): NRSP the startpopulatie, NenR its vsv'ers (two more columns)
_LIST_HEAD = (
    "BURGERSERVICENUMMER", "ONDERWIJSNUMMER", "GEBOORTEDATUM", "GESLACHT", "ACHTERNAAM", "VOORVOEGSEL",
    "VOORNAMEN", "POSTCODE_CIJFERS", "RMC_REGIO", "RMC_REGIO_NAAM", "GEMCODE", "GEMEENTENAAM", "BRIN",
    "BRIN_VOLGNR", "BRIN_VEST_NAAM", "NIVEAU", "ONDERWIJSSOORT", "CREBO", "CREBO_OMSCHRIJVING")
_LIST_TAIL = (
    "ONDERWIJSAANBIEDER_CODE", "ONDERWIJSAANBIEDER_NAAM", "ONDERWIJSLOCATIE_CODE",
    "ONDERWIJSLOCATIE_STRAATNAAM", "ONDERWIJSLOCATIE_HUISNUMMER", "ONDERWIJSLOCATIE_HUISNUMMER_TOEVOEGING",
    "ONDERWIJSLOCATIE_POSTCODE", "ONDERWIJSLOCATIE_PLAATSNAAM")
NRSP_HEADER = "#" + ";".join((*_LIST_HEAD, *_LIST_TAIL))
NENR_HEADER = "#" + ";".join((*_LIST_HEAD, "EXAMEN", "IND_BEKOSTIGING", *_LIST_TAIL))
VSV_LISTS = {"NRSP": NRSP_HEADER, "NenR": NENR_HEADER}
DAY = timedelta(days=1)


def dmy(d: date | None) -> str:
    """`dd-mm-jjjj`, the date style of the C- and P-levering."""
    return "" if d is None else f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def duo_code(gemeente: str | None) -> str:
    """A gemeentecode as DUO's reports write it: without leading zeros (`363`)."""
    return str(int(gemeente)) if gemeente and gemeente.isdigit() else gemeente or ""


def duo_gemeente(p: Persoon, d: date) -> str | None:
    """The woongemeente DUO has for the person (the BRP's, unless planted otherwise)."""
    return p.duo_gemeente_anders or p.gemeente_op(d)


def _postcode(p: Persoon, d: date) -> str:
    verblijf = p.verblijf_op(d)
    return verblijf.adres.postcode_cijfers if verblijf and verblijf.adres else ""


def leerjaar(e: Inschrijving, d: date) -> int:
    return schooljaar(d) - schooljaar(e.begin) + 1


def enrolment_row(e: Inschrijving, p: Persoon, d: date) -> tuple[str, ...]:
    """The enrolment as DUO shows it on `d`: an uitschrijving or diploma only once it happened."""
    einde = e.einde if e.einde is not None and e.einde <= d else None
    diploma = e.diploma if e.diploma is not None and e.diploma <= d else None
    year = leerjaar(e, d)
    return (
        p.duo_nummer or "", p.duo_bsn, dmy(p.geboortedatum), p.geslacht, _postcode(p, d),
        duo_gemeente(p, d) or "", e.school.brin, e.school.vestiging, str(e.volgnummer), e.soort,
        onderwijscode(e.soort, e.niveau, e.leerweg, year, e.code), e.niveau, e.leerweg, dmy(e.begin),
        dmy(einde), "J" if e.bekostigd else "N", dmy(diploma),
        ("J" if e.sk else "N") if diploma else "", ("J" if e.pro_vso else "N") if diploma else "", str(year),
    )


def _delivered(p: Persoon, d: date) -> list[Inschrijving]:
    """The enrolments of a C-levering on `d` (docs/formats.md §2.1, §5)."""
    known = [e for e in p.inschrijvingen if e.zichtbaar(d)]
    if not known:
        return []
    window_start = date(schooljaar(d) - 2, 8, 1)
    latest = max(known, key=lambda e: (e.einde is None, e.einde or e.begin, e.begin))
    return [e for e in known
            if e is latest or e.einde is None or e.einde >= window_start
            or (e.diploma is not None and e.diploma <= d)]


def _key(e: Inschrijving) -> tuple[str, int]:
    return (e.school.brin, e.volgnummer)


def _mutatiedatum(e: Inschrijving, p: Persoon, after: date, d: date) -> date:
    """The latest event of the enrolment or the person's address in (after, d]; else d."""
    events = [e.bekend_op, e.einde, e.diploma, e.verwijderd_op, date(schooljaar(d), 8, 1)]
    events += [v.datum_aanvang for v in p.verblijven]
    inside = [x for x in events if x is not None and after < x <= d]
    return max(inside) if inside else d


def enrolment_deliveries(p: Persoon, window: Window) -> list[list[tuple[str, str, str, tuple[str, ...]]]]:
    """Per week: (gemeente, mutatiesoort ("" in the C-levering), mutatiedatum, row) for this person."""
    served = window.served
    out: list[list[tuple[str, str, str, tuple[str, ...]]]] = []
    prev_gemeente: str | None = None
    prev_rows: dict[tuple[str, int], tuple[str, ...]] = {}
    prev_items: dict[tuple[str, int], Inschrijving] = {}
    previous_day = window.first - timedelta(days=7)
    for week, d in enumerate(window.peildatums):
        gemeente = duo_gemeente(p, d)
        items: dict[tuple[str, int], Inschrijving] = {}
        if gemeente in served:
            items = {_key(e): e for e in _delivered(p, d)}
            if gemeente == prev_gemeente:
                for key, e in prev_items.items():
                    if e.zichtbaar(d):
                        items.setdefault(key, e)
        rows = {key: enrolment_row(e, p, d) for key, e in items.items()}
        this_week: list[tuple[str, str, str, tuple[str, ...]]] = []
        if week == 0:
            if gemeente in served:
                this_week = [(gemeente, "", "", rows[key]) for key in sorted(rows)]
        elif gemeente == prev_gemeente:
            if gemeente in served:
                for key in sorted(set(rows) | set(prev_rows)):
                    if key not in prev_rows:
                        when = _mutatiedatum(items[key], p, previous_day, d)
                        this_week.append((gemeente, "T", dmy(when), rows[key]))
                    elif key not in rows:
                        gone = prev_items[key]
                        when = gone.verwijderd_op or d
                        this_week.append((gemeente, "V", dmy(when), prev_rows[key]))
                    elif rows[key] != prev_rows[key]:
                        when = _mutatiedatum(items[key], p, previous_day, d)
                        this_week.append((gemeente, "W", dmy(when), rows[key]))
        else:
            changes = [v.datum_aanvang for v in p.verblijven if previous_day < v.datum_aanvang <= d]
            moved = max(changes, default=d)
            if prev_gemeente in served:
                for key in sorted(prev_rows):
                    e = prev_items[key]
                    if e.zichtbaar(d):
                        this_week.append((prev_gemeente, "W", dmy(moved), enrolment_row(e, p, d)))
                    else:
                        this_week.append((prev_gemeente, "V", dmy(e.verwijderd_op or d), prev_rows[key]))
            if gemeente in served:
                for key in sorted(rows):
                    this_week.append((gemeente, "T", dmy(moved), rows[key]))
        out.append(this_week)
        prev_gemeente, prev_rows, prev_items, previous_day = gemeente, rows, items, d
    return out


def format_enrolment(row: tuple[str, ...], mutatie: str = "", mutatiedatum: str = "") -> str:
    prefix = f"{mutatie};{mutatiedatum};" if mutatie else ""
    return prefix + ";".join(row)


# -- monthly reports -----------------------------------------------------------------------------

def report_weeks(window: Window) -> list[tuple[int, date]]:
    """(week index, reference date) of every monthly report: the first peildatum in each month."""
    return [(week, date(d.year, d.month, 1)) for week, d in enumerate(window.peildatums) if d.day <= 7]


def _age_between(p: Persoon, on: date, low: int, high: int) -> bool:
    return anniversary(p.geboortedatum, low) <= on < anniversary(p.geboortedatum, high)


def _sk_by(items: Iterable[Inschrijving], on: date) -> bool:
    return any(e.sk and e.diploma is not None and e.diploma <= on for e in items)


def _werkvoorraad(p: Persoon, known: list[Inschrijving], on: date) -> Inschrijving | None:
    """The enrolment that puts the person on DUO's werkvoorraad (A04) on `on`, if any: a funded
    VO/MBO/VAVO enrolment ended without startkwalificatie in the convenantjaar, 13-22 years old,
    and on `on` no funded enrolment and no startkwalificatie."""
    if not _age_between(p, on, A01_LEEFTIJD_VAN, vsv_leeftijd(on)) or _sk_by(known, on):
        return None
    if any(telt_voor_startset(e) and e.geldig(on) for e in known):
        return None
    teldatum = convenantjaar_start(on - DAY)
    left = [e for e in known if telt_voor_startset(e) and e.einde is not None and teldatum <= e.einde < on
            and not _sk_by(known, e.einde)]
    return max(left, key=lambda e: (e.einde, e.begin)) if left else None


def monthly_rows(p: Persoon, ref: date, served: frozenset[str]) -> dict[str, list[str]]:
    """This person's rows in the A01, A02, A04 and A05 of the month starting on `ref`.

    DUO's facts on `ref` (the first of the month): A04 the werkvoorraad (see `_werkvoorraad`), A01
    those of it who left in the previous month, A02 those on last month's werkvoorraad who are
    enrolled again or obtained a startkwalificatie (within the same convenantjaar), A05 the startset
    of the convenantjaar's teldatum (funded VO/MBO/VAVO on 1 October, younger than 23, no SK).
    """
    gemeente = duo_gemeente(p, ref)
    rows: dict[str, list[str]] = {}
    if gemeente not in served:
        return rows
    known = [e for e in p.inschrijvingen if e.zichtbaar(ref)]
    if not known:
        return rows
    previous_month = date(ref.year - (ref.month == 1), 12 if ref.month == 1 else ref.month - 1, 1)
    verblijf = p.verblijf_op(ref)
    adres = verblijf.adres if verblijf else None
    # DUO's export writes numbers as a spreadsheet does (`12.0`); its reader drops the `.0`
    street = ((adres.straat, f"{adres.huisnummer}.0", adres.huisletter, adres.toevoeging) if adres
              else ("", "", "", ""))
    postcode, woonplaats = (adres.postcode, adres.woonplaats.upper()) if adres else ("", "")
    number = p.duo_nummer or ""
    maand = f"{ref:%Y%m}"

    def onderwijs(e: Inschrijving) -> tuple[str, str]:
        code = onderwijscode(e.soort, e.niveau, e.leerweg, leerjaar(e, e.einde or ref), e.code)
        return code, f"{e.soort} {e.niveau}".strip()

    def werkvoorraad_row(e: Inschrijving) -> str:
        code, naam = onderwijs(e)
        return ";".join((
            e.school.brin, e.school.naam, maand, number, p.geslachtsnaam, p.voorvoegsel, p.voornamen,
            woonplaats, dmy(p.geboortedatum), code, naam, e.leerweg, dmy(e.einde), "N", "", e.school.brin,
            e.school.naam, "", "", "N", duo_code(gemeente), "", "", "", "", "", "", e.school.vestiging,
            e.niveau, str(e.volgnummer), *street, "", "", postcode, woonplaats,
            f"{e.einde:%Y%m}" if e.einde else maand,
        ))

    now = _werkvoorraad(p, known, ref)
    if now is not None:
        rows["A04"] = [werkvoorraad_row(now)]
        if now.einde is not None and now.einde >= previous_month:
            rows["A01"] = [werkvoorraad_row(now)]
    elif convenantjaar_start(previous_month - DAY) == convenantjaar_start(ref - DAY):
        before = _werkvoorraad(p, known, previous_month)
        if before is not None:
            back = [e for e in known if telt_voor_startset(e) and e.geldig(ref)]
            rows["A02"] = [werkvoorraad_row(back[0] if back else before)]
    teldatum = convenantjaar_start(ref - DAY)
    startset = [e for e in known if telt_voor_startset(e) and e.geldig(teldatum)]
    if startset and _age_between(p, teldatum, 0, vsv_leeftijd(teldatum)) and not _sk_by(known, teldatum):
        e = startset[0]
        code, naam = onderwijs(e)
        rows["A05"] = [";".join((
            e.school.brin, e.school.naam, maand, number, p.voornamen, p.voorvoegsel, p.geslachtsnaam,
            woonplaats, dmy(p.geboortedatum), code, naam, e.leerweg, e.school.brin, e.school.naam, "", "",
            duo_code(gemeente), "", "", "", "", "", e.school.vestiging, e.niveau, str(e.volgnummer),
            *street[:3], "", street[3], "", postcode, woonplaats, "N",
        ))]
    return rows


A06Cell = tuple[str, str, str, str, str]  # convenantjaar, gemeente, BRIN, onderwijssoort, niveau


def _in_startset(p: Persoon, ref: date, served: frozenset[str], known_on: date | None = None
                 ) -> tuple[str, Inschrijving, bool] | None:
    """(woongemeente, startset enrolment, vsv'er by `ref`) of a person in the startset of the
    convenantjaar of `ref` as DUO counts it: the one definition behind A05, A06, NRSP and NenR.
    `known_on`: the day DUO counts on (default `ref`; a list of a closed year counts later)."""
    gemeente = duo_gemeente(p, ref)
    if gemeente not in served:
        return None
    known = [e for e in p.inschrijvingen if e.zichtbaar(known_on or ref)]
    teldatum = convenantjaar_start(ref - DAY)
    startset = [e for e in known if telt_voor_startset(e) and e.geldig(teldatum)]
    if not startset or not _age_between(p, teldatum, 0, vsv_leeftijd(teldatum)) or _sk_by(known, teldatum):
        return None
    enrolled = any(telt_voor_startset(x) and x.geldig(ref) for x in known)
    vsv = not enrolled and not _sk_by(known, ref) and _age_between(p, ref, 0, vsv_leeftijd(ref))
    return gemeente or "", startset[0], vsv


def a06_counts(p: Persoon, ref: date, served: frozenset[str]) -> tuple[A06Cell, bool] | None:
    """The startset cell of this person for the A06 of `ref`, and whether they are a vsv'er by then."""
    found = _in_startset(p, ref, served)
    if found is None:
        return None
    gemeente, e, vsv = found
    teldatum = convenantjaar_start(ref - DAY)
    return (convenantjaar_label(teldatum), gemeente, e.school.brin, e.soort, e.niveau), vsv


def vsv_lists(ref: date) -> tuple[tuple[int, bool], ...]:
    """(convenantjaar, definitief) of the VSV lists put ready with the report of `ref`: DUO's lists
    are about a closed convenantjaar. The October report brings the provisional (V) lists of the
    year that closed on 30 September (the same count as that month's A06); every report brings the
    definitive (D) lists of the newest year already vastgesteld (on 1 November after it closed)."""
    closed = convenantjaar_start(ref).year - 1                 # the newest year closed by `ref`
    vastgesteld = closed if ref >= date(closed + 1, 11, 1) else closed - 1
    lists = ((vastgesteld, True),)
    if ref.month == 10:
        lists += ((ref.year - 1, False),)
    return lists


def _list_niveau(e: Inschrijving) -> str:
    """DUO's NIVEAU text in the lists: 'Mbo2 opleidingen', 'VAVO', or the VO level ('HAVO')."""
    if e.soort == "MBO" and e.niveau[-1:].isdigit():
        return f"Mbo{e.niveau[-1]} opleidingen"
    return "VAVO" if e.soort == "VAVO" else e.niveau


def vsv_list_rows(p: Persoon, ref: date, served: frozenset[str], year: int) -> dict[str, str]:
    """This person's row in the NRSP (startpopulatie) and NenR (vsv'ers) of convenantjaar `year`,
    counted with what DUO knows on `ref`, in DUO's layout: the startset on 1 October `year` and the
    vsv'ers among them on 1 October `year` + 1 (for the V lists of October, exactly whom that
    month's A06 counts). BURGERSERVICENUMMER `0` when DUO knows the person by the onderwijsnummer
    only; numbers with a spreadsheet's `.0`, gemeentecodes without leading zeros (DUO's habits)."""
    end = date(year + 1, 10, 1)
    found = _in_startset(p, end, served, known_on=ref)
    if found is None or not p.duo_nummer:
        return {}
    gemeente, e, vsv = found
    if p.onderwijsnummer and p.duo_nummer == p.onderwijsnummer:
        bsn, onderwijsnummer = p.duo_bsn or "0", p.onderwijsnummer
    else:
        bsn, onderwijsnummer = p.duo_nummer, "0"
    code = onderwijscode(e.soort, e.niveau, e.leerweg, leerjaar(e, date(year, 10, 1)), e.code)
    head = (f"{bsn}.0" if bsn != "0" else bsn, onderwijsnummer, dmy(p.geboortedatum), p.geslacht,
            p.geslachtsnaam, p.voorvoegsel, p.voornamen, _postcode(p, end), "", "", duo_code(gemeente), "",
            e.school.brin, e.school.vestiging, e.school.naam, _list_niveau(e), e.soort, code,
            f"{e.soort} {e.niveau}".strip())
    tail = ("",) * 8
    rows = {"NRSP": ";".join((*head, *tail))}
    if vsv:
        rows["NenR"] = ";".join((*head, "", "J" if e.bekostigd else "N", *tail))
    return rows


def format_a06(cells: dict[tuple[str, str, str, str, str], list[int]]) -> list[str]:
    """Rows per school and level: startset, vsv'ers, percentage with a decimal point and 2 decimals."""
    rows = []
    for key in sorted(cells):
        startset, vsv = cells[key]
        rows.append(";".join((*key, str(startset), str(vsv), f"{100 * vsv / startset:.2f}")))
    return rows
