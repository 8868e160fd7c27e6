"""Finding people (issue 14 item 6): the one search of `inbeeld zoek`, the work screen's search and
the person card of `inbeeld persoon show`.

Why here: a person is found in staging (the newest BRP delivery by name, BSN or address; DUO's
enrolments by onderwijsnummer) and in the registers (a letter's kenmerk, the records kept of a
person no delivery holds any more); registers may read staging, the layers above only show what
this module finds. What is typed decides how it is searched (`soort`):

- 9 digits (dots and spaces allowed): a BSN or onderwijsnummer, refused when it fails the elfproef;
  an onderwijsnummer DUO coupled to a BSN finds that person too;
- a postcode, with or without house number (`1234 AB 12`, `1234ab12`);
- a kenmerk (one word of letters and digits, `LP-2026-09-07-0001`): the letter log;
- anything else a name: the surname (with or without voorvoegsel) starting with it, then the full
  name containing every word of it; case and diacritics do not matter (`connectors.brp_zoekindex`,
  where the speed comes from).

Every person shown is audited under the acting user (`zoeken.gevonden`, and `persoon.getoond` for
the card, its parents and each record on it). A user of some gemeenten (lpa, rmc) finds only
residents of those and persons with records in them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from connectors import brp_zoekindex, schools
from connectors.brp_fields import parse_gezag
from connectors.persoonsnummer import is_onderwijsnummer, is_persoonsnummer
from connectors.staging_duo import has_state
from registers.audit import AuditEvent, trail
from registers.errors import Refused
from registers.models import Case, Dossier, Letter, Persoon, Verzuimmelding, Vrijstelling
from rules.dates import PartialDate

LIMIT = 50
NUMMER = re.compile(r"^[\d. ]+$")
POSTCODE = re.compile(r"^(\d{4})\s*([A-Za-z]{2})(?:\s*(\d{1,5})(?:\s*[-\w]{0,5})?)?$")
KENMERK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_-]{3,39}$")
NO_ADDRESS_TYPES = {"verblijfplaatsbuitenland", "verblijfplaatsonbekend", "locatie"}
SOORTEN = {"nummer": "BSN of onderwijsnummer", "adres": "postcode en huisnummer", "kenmerk": "kenmerk",
           "naam": "naam"}
BRP_COLUMNS = (
    "bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geslacht", "geboortedatum", "gemeente_inschrijving",
    "verblijfplaats_type", "straat", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode",
    "woonplaats", "adres_in_onderzoek", "overleden", "datum_overlijden", "opschorting_reden", "geheimhouding",
    "rni", "ouder1_bsn", "ouder1_voornamen", "ouder1_voorvoegsel", "ouder1_geslachtsnaam",
    "ouder1_geboortedatum", "ouder2_bsn", "ouder2_voornamen", "ouder2_voorvoegsel", "ouder2_geslachtsnaam",
    "ouder2_geboortedatum", "gezag",
)

CaseFilter = Callable[[Select], Select]


# --- what was typed ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Vraag:
    """What was typed, read: its kind and the value to look up."""

    soort: str  # nummer | adres | kenmerk | naam
    tekst: str
    postcode: str = ""
    huisnummer: int | None = None


def lees_vraag(tekst: str) -> Vraag:
    """Decide what `tekst` is; Refused when it is too short or a number that fails the elfproef."""
    tekst = " ".join(tekst.split())
    if len(tekst) < 2:
        raise Refused("Typ ten minste twee tekens: een naam, BSN, kenmerk of postcode en huisnummer.")
    if NUMMER.match(tekst) and sum(c.isdigit() for c in tekst) >= 6:
        nummer = re.sub(r"[. ]", "", tekst)
        if not is_persoonsnummer(nummer):
            raise Refused(f"{tekst} is geen geldig BSN of onderwijsnummer (de elfproef klopt niet).")
        return Vraag("nummer", nummer)
    match = POSTCODE.match(tekst)
    if match:
        return Vraag("adres", tekst, f"{match[1]}{match[2].upper()}", int(match[3]) if match[3] else None)
    if KENMERK.match(tekst) and any(c.isdigit() for c in tekst) and any(c.isalpha() for c in tekst):
        return Vraag("kenmerk", tekst.upper())
    return Vraag("naam", tekst)


# --- what staging says of a person -------------------------------------------------------------------

def _brp_rows(con: duckdb.DuckDBPyConnection | None, numbers: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Whole persoonslijsten of the newest BRP delivery (the card; a list reads the index)."""
    wanted = sorted({n for n in numbers if n})
    if con is None or not wanted or brp_zoekindex.relation(con) is None:
        return {}
    cursor = con.execute(f"SELECT {', '.join(BRP_COLUMNS)} FROM brp_personen_actueel "
                         f"WHERE bsn IN ({', '.join('?' for _ in wanted)})", wanted)
    return {row[0]: dict(zip(BRP_COLUMNS, row, strict=True)) for row in cursor.fetchall()}


def _has_duo(con: duckdb.DuckDBPyConnection | None) -> bool:
    return con is not None and has_state(con)


def _duo_rows(con: duckdb.DuckDBPyConnection | None, numbers: Iterable[str]) -> list[dict[str, Any]]:
    """The enrolments in DUO's newest state of persons known by onderwijsnummer or BSN, oldest first."""
    wanted = sorted({n for n in numbers if n})
    if not wanted or not _has_duo(con):
        return []
    assert con is not None
    columns = ("persoonsnummer", "bsn", "geboortedatum", "gemeentecode", "brin", "vestiging",
               "onderwijssoort", "niveau", "leerweg", "datum_inschrijving", "datum_uitschrijving",
               "diploma_datum", "startkwalificatie")
    cursor = con.execute(
        f"SELECT {', '.join(columns)} FROM duo_inschrijvingen_actueel "
        "WHERE list_contains(?, persoonsnummer) OR list_contains(?, bsn) "
        "ORDER BY datum_inschrijving, datum_uitschrijving NULLS LAST, brin",
        [wanted, wanted])
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _twins(rows: Sequence[dict[str, Any]]) -> set[str]:
    """Every number DUO's rows tie together (an onderwijsnummer and the BSN it was coupled to)."""
    return {n for row in rows for n in (row["persoonsnummer"], row["bsn"]) if n}


def naam_van(voornamen: str | None, voorvoegsel: str | None, geslachtsnaam: str | None) -> str:
    return " ".join(part.strip() for part in (voornamen, voorvoegsel, geslachtsnaam) if part and part.strip())


def _geboortedatum(gba: str | None) -> PartialDate | None:
    if not gba:
        return None
    try:
        return PartialDate.parse(gba)
    except ValueError:
        return None


def adres_van(row: dict[str, Any]) -> str:
    """`Kerkstraat 12A-2, 1234 AB Amsterdam`, or why there is none."""
    kind = (row.get("verblijfplaats_type") or "").strip().lower()
    if kind in NO_ADDRESS_TYPES or not (row.get("straat") or row.get("postcode")):
        return {"verblijfplaatsbuitenland": "woont in het buitenland",
                "verblijfplaatsonbekend": "verblijfplaats onbekend"}.get(kind, "geen adres bekend")
    number = "" if row.get("huisnummer") is None else str(row["huisnummer"])
    number += row.get("huisletter") or ""
    if row.get("huisnummertoevoeging"):
        number += f"-{row['huisnummertoevoeging']}"
    postcode = (row.get("postcode") or "").replace(" ", "").upper()
    if len(postcode) == 6:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    street = " ".join(p for p in (row.get("straat") or "", number) if p)
    place = " ".join(p for p in (postcode, row.get("woonplaats") or "") if p)
    return ", ".join(p for p in (street, place) if p)


def _as_date(partial: PartialDate | None) -> date | str | None:
    """A birth date for lists: the date when whole, else what is known (`2012-03`, `2012`)."""
    if partial is None or partial.precision == "onbekend":
        return None
    if partial.exact is not None:
        return partial.exact
    return f"{partial.year:04d}" + (f"-{partial.month:02d}" if partial.month else "")


# --- the search ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Gevonden:
    """One person found: who, and the dossiers the registers keep of them."""

    persoonsnummer: str
    naam: str
    geboortedatum: PartialDate | None
    adres: str
    gemeentecode: str | None
    zaken: tuple[Dossier, ...] = ()

    def as_row(self, soort: str) -> dict[str, Any]:
        return {"persoonsnummer": self.persoonsnummer, "naam": self.naam or "(naam onbekend)",
                "geboortedatum": _as_date(self.geboortedatum), "adres": self.adres,
                "gemeente": self.gemeentecode or "",
                "dossiers": ", ".join(f"{c.id} ({'open' if c.status.value == 'open' else 'gesloten'})"
                                      for c in self.zaken),
                "gevonden_op": SOORTEN[soort]}


@dataclass(frozen=True)
class Zoekresultaat:
    vraag: Vraag
    gevonden: tuple[Gevonden, ...]
    meer: bool  # more than shown: the search should be narrower

    @property
    def melding(self) -> str:
        """What to tell the user when nothing (or too much) was found, in Dutch."""
        if not self.gevonden:
            return {"nummer": f"Niemand gevonden met nummer {self.vraag.tekst} (BRP, DUO en registers).",
                    "kenmerk": f"Geen brief met kenmerk {self.vraag.tekst}.",
                    "adres": f"Niemand gevonden op {self.vraag.tekst}.",
                    }.get(self.vraag.soort, f"Niemand gevonden met de naam {self.vraag.tekst!r}.")
        if self.meer:
            return f"Meer dan {len(self.gevonden)} gevonden: maak de zoekvraag nauwkeuriger."
        return ""


def _register_numbers(session: Session, numbers: Iterable[str]) -> set[str]:
    """Which of `numbers` the registers keep any record of."""
    wanted = sorted(set(numbers))
    if not wanted:
        return set()
    found: set[str] = set()
    for model in (Case, Vrijstelling, Verzuimmelding, Letter, Persoon):
        found |= set(session.scalars(select(model.persoonsnummer).where(model.persoonsnummer.in_(wanted))))
    return found


def _found(session: Session, con: duckdb.DuckDBPyConnection | None, vraag: Vraag, limit: int,
           gemeenten: tuple[str, ...] | None) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The numbers found, in order, and what the BRP index shows of those it holds."""
    index = brp_zoekindex.relation(con) if con is not None else None
    if vraag.soort in ("naam", "adres"):
        if index is None:
            return [], {}
        assert con is not None
        rows = (brp_zoekindex.by_name(con, vraag.tekst, limit, gemeenten, index) if vraag.soort == "naam" else
                brp_zoekindex.by_address(con, vraag.postcode, vraag.huisnummer, limit, gemeenten, index))
        return [row["bsn"] for row in rows], {row["bsn"]: row for row in rows}
    if vraag.soort == "kenmerk":
        letter = session.scalars(select(Letter).where(Letter.kenmerk == vraag.tekst)).first()
        numbers = [letter.persoonsnummer] if letter is not None else []
    else:
        duo = _duo_rows(con, [vraag.tekst])
        twins = {vraag.tekst} | _twins(duo)
        known = _register_numbers(session, twins) | ({vraag.tekst} if duo else set())
        numbers = sorted(twins, key=lambda n: (n != vraag.tekst, is_onderwijsnummer(n), n))
    brp = brp_zoekindex.by_numbers(con, numbers, index) if index is not None and con is not None else {}
    if vraag.soort == "nummer":
        numbers = [n for n in numbers if n in brp or n in known]
    return numbers, brp


def _gemeente(number: str, brp: dict[str, dict[str, Any]], kept: dict[str, Persoon],
              cases: Sequence[Dossier], duo: Sequence[dict[str, Any]]) -> str | None:
    """Where a person belongs: the BRP's gemeente, else the registers', else a case's, else DUO's."""
    if number in brp:
        return "1999" if brp[number].get("rni") else brp[number].get("gemeente_inschrijving")
    if number in kept and kept[number].gemeentecode:
        return kept[number].gemeentecode
    for case in cases:
        return case.gemeentecode
    for row in duo:
        if number in (row["persoonsnummer"], row["bsn"]) and row["gemeentecode"]:
            return row["gemeentecode"]
    return None


def _kept(session: Session, numbers: Sequence[str]) -> dict[str, Persoon]:
    """What the registers keep per person (`personen`: gemeente, birth date) for these numbers."""
    query = select(Persoon).where(Persoon.persoonsnummer.in_(sorted(set(numbers))))
    return {p.persoonsnummer: p for p in session.scalars(query)}


def _cases_of(session: Session, numbers: Sequence[str], case_filter: CaseFilter | None
              ) -> dict[str, list[Dossier]]:
    """The persons' dossiers, open first, with their reasons (`case_filter`: the screen's scope)."""
    if not numbers:
        return {}
    query = (select(Dossier).where(Dossier.persoonsnummer.in_(sorted(set(numbers))))
             .options(selectinload(Dossier.reasons)))
    if case_filter is not None:
        query = case_filter(query)
    found: dict[str, list[Dossier]] = {}
    for case in session.scalars(query.order_by(Dossier.status.desc(), Dossier.opened_on.desc(),
                                               Dossier.id.desc())):
        found.setdefault(case.persoonsnummer, []).append(case)
    return found


def zoek(session: Session, con: duckdb.DuckDBPyConnection | None, tekst: str, *,
         gemeenten: Sequence[str] | None = None, case_filter: CaseFilter | None = None,
         limit: int = LIMIT, audit: bool = True) -> Zoekresultaat:
    """Find persons by name, BSN / onderwijsnummer, kenmerk or postcode + huisnummer (`lees_vraag`).

    `con`: the staging store (None: nothing staged yet, only the registers answer). `gemeenten`: the
    acting user's (None: every gemeente). `case_filter` narrows the cases shown with each person (the
    work screen's scope). Each person shown is audited (`zoeken.gevonden`) unless `audit` is False
    (a caller that shows less audits what it shows)."""
    vraag = lees_vraag(tekst)
    scope = tuple(gemeenten) if gemeenten else None
    numbers, brp = _found(session, con, vraag, limit + 1, scope)
    duo = _duo_rows(con, [n for n in numbers if n not in brp])
    kept = _kept(session, numbers)
    cases = _cases_of(session, numbers, case_filter)
    found = []
    for number in numbers:
        gemeente = _gemeente(number, brp, kept, cases.get(number, []), duo)
        if scope is not None and gemeente not in scope:
            continue
        row = brp.get(number, {})
        birth = _geboortedatum(row.get("geboortedatum")) if row else _duo_birth(number, duo)
        found.append(Gevonden(number, naam_van(row.get("voornamen"), row.get("voorvoegsel"),
                                                 row.get("geslachtsnaam")),
                              birth, adres_van(row) if row else "", gemeente, tuple(cases.get(number, []))))
    result = Zoekresultaat(vraag, tuple(found[:limit]), len(found) > limit)
    if audit:
        audit_gevonden(session, result.gevonden, vraag.soort)
    return result


def _duo_birth(number: str, duo: Sequence[dict[str, Any]]) -> PartialDate | None:
    """DUO's birth date of a person the BRP does not hold (the registers keep only a latest day)."""
    for row in duo:
        if number in (row["persoonsnummer"], row["bsn"]) and row["geboortedatum"]:
            return PartialDate.from_date(row["geboortedatum"])
    return None


def audit_gevonden(session: Session, gevonden: Iterable[Gevonden], soort: str) -> int:
    """One audit entry per person shown, and one per case shown with them."""
    events = []
    for person in gevonden:
        number = person.persoonsnummer
        events.append(AuditEvent("zoeken.gevonden", number, "personen", None, f"gezocht op {soort}"))
        events.extend(AuditEvent("zoeken.gevonden", number, "dossiers", case.id) for case in person.zaken)
    return trail(session).record_many(session, events)


# --- the person card --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ouder:
    persoonsnummer: str | None
    naam: str
    geboortedatum: PartialDate | None
    adres: str | None  # when the parent's own persoonslijst is in the delivery
    gezag: bool | None  # None: the BRP says nothing about gezag


@dataclass(frozen=True)
class Inschrijving:
    school: str
    onderwijs: str
    begin: date | None
    einde: date | None
    diploma: date | None
    startkwalificatie: bool
    persoonsnummer: str


@dataclass
class Persoonskaart:
    """What InBeeld knows of one person, from the newest deliveries and the registers."""

    persoonsnummer: str
    in_brp: bool = False
    naam: str = ""
    geslacht: str = ""
    geboortedatum: PartialDate | None = None
    adres: str = ""
    gemeentecode: str | None = None
    overleden: date | None = None
    opschorting: str = ""
    geheimhouding: int = 0
    adres_in_onderzoek: bool = False
    ouders: list[Ouder] = field(default_factory=list)
    gezag: str = ""
    onderwijsnummers: list[str] = field(default_factory=list)
    inschrijvingen: list[Inschrijving] = field(default_factory=list)
    zaken: list[Dossier] = field(default_factory=list)
    brieven: list[Letter] = field(default_factory=list)
    meldingen: list[Verzuimmelding] = field(default_factory=list)
    vrijstellingen: list[Vrijstelling] = field(default_factory=list)
    schoolnamen: dict[str, str] = field(default_factory=dict)  # BRIN -> name, from DUO's reports

    def school(self, brin: str | None) -> str:
        """A school as the card names it: by name with its BRIN when DUO's reports name it."""
        brin = brin or ""
        return f"{self.schoolnamen[brin]} ({brin})" if brin in self.schoolnamen else brin or "onbekend"


def _gezag_text(row: dict[str, Any], ouders: Sequence[Ouder]) -> str:
    parents, derde = parse_gezag(row.get("gezag"), row.get("ouder1_bsn"), row.get("ouder2_bsn"))
    if parents is None:
        return "niet vermeld in de BRP"
    holders = [o.naam or o.persoonsnummer or "ouder" for o in ouders if o.gezag]
    parts = [" en ".join(holders)] if holders else []
    if derde:
        parts.append("een derde (voogd)")
    return " samen met ".join(parts) if parts else "geen ouder"


def _ouders(row: dict[str, Any], brp: dict[str, dict[str, Any]]) -> list[Ouder]:
    parents, _derde = parse_gezag(row.get("gezag"), row.get("ouder1_bsn"), row.get("ouder2_bsn"))
    found = []
    for n in (1, 2):
        number = row.get(f"ouder{n}_bsn")
        name = naam_van(row.get(f"ouder{n}_voornamen"), row.get(f"ouder{n}_voorvoegsel"),
                        row.get(f"ouder{n}_geslachtsnaam"))
        if not (number or name):
            continue
        own = brp.get(number or "")
        found.append(Ouder(number, name or (naam_van(own.get("voornamen"), own.get("voorvoegsel"),
                                                      own.get("geslachtsnaam")) if own else ""),
                           _geboortedatum(row.get(f"ouder{n}_geboortedatum")),
                           adres_van(own) if own else None,
                           None if parents is None else bool(number and number in parents)))
    return found


def _inschrijvingen(kaart: Persoonskaart, rows: Sequence[dict[str, Any]]) -> list[Inschrijving]:
    found = []
    for row in rows:
        school = kaart.school(row["brin"])
        if (row["vestiging"] or "00") != "00":
            school += f" vestiging {row['vestiging']}"
        parts = (row["onderwijssoort"], row["niveau"], row["leerweg"])
        onderwijs = " ".join(dict.fromkeys(str(p) for p in parts if p))
        found.append(Inschrijving(school, onderwijs, row["datum_inschrijving"], row["datum_uitschrijving"],
                                  row["diploma_datum"], bool(row["startkwalificatie"]),
                                  row["persoonsnummer"]))
    return found


def persoonskaart(session: Session, con: duckdb.DuckDBPyConnection | None, nummer: str, *,
                  gemeenten: Sequence[str] | None = None, case_filter: CaseFilter | None = None
                  ) -> Persoonskaart:
    """The person card of `nummer`; the reading is audited (`persoon.getoond`: the person, the parents
    shown, each record). Refused when nobody by that number is known (or, for a user of some
    gemeenten, known there: the same message, so the answer tells nothing of other gemeenten)."""
    nummer = re.sub(r"[. ]", "", nummer.strip())
    if not is_persoonsnummer(nummer):
        raise Refused(f"{nummer} is geen geldig BSN of onderwijsnummer (de elfproef klopt niet).")
    duo = _duo_rows(con, [nummer])
    numbers = sorted({nummer} | _twins(duo))
    brp = _brp_rows(con, numbers)
    row = brp.get(nummer, {})
    if row:
        brp.update(_brp_rows(con, [row.get("ouder1_bsn"), row.get("ouder2_bsn")]))
    kept = _kept(session, numbers)
    cases = [c for group in _cases_of(session, numbers, case_filter).values() for c in group]
    cases.sort(key=lambda c: (c.status.value != "open", -c.opened_on.toordinal(), -c.id))
    gemeente = _gemeente(nummer, brp, kept, cases, duo)
    in_registers = bool(_register_numbers(session, numbers))
    if not (row or duo or in_registers) or (gemeenten and gemeente not in tuple(gemeenten)):
        raise Refused(f"Niemand gevonden met nummer {nummer} (BRP, DUO en registers).")
    kaart = Persoonskaart(nummer, in_brp=bool(row), gemeentecode=gemeente,
                          onderwijsnummers=sorted(n for n in numbers if n != nummer))
    if row:
        kaart.naam = naam_van(row.get("voornamen"), row.get("voorvoegsel"), row.get("geslachtsnaam"))
        kaart.geslacht = {"M": "man", "V": "vrouw"}.get((row.get("geslacht") or "").upper()[:1], "onbekend")
        kaart.geboortedatum = _geboortedatum(row.get("geboortedatum"))
        kaart.adres = adres_van(row)
        kaart.overleden = row.get("datum_overlijden")
        kaart.opschorting = (row.get("opschorting_reden") or "").strip().upper()
        kaart.geheimhouding = int(row.get("geheimhouding") or 0)
        kaart.adres_in_onderzoek = bool(row.get("adres_in_onderzoek"))
        kaart.ouders = _ouders(row, brp)
        kaart.gezag = _gezag_text(row, kaart.ouders)
    else:
        kaart.geboortedatum = _duo_birth(nummer, duo)
    kaart.zaken = cases
    kaart.brieven = list(session.scalars(select(Letter).where(Letter.persoonsnummer.in_(numbers))
                                         .order_by(Letter.datum, Letter.id)))
    kaart.meldingen = list(session.scalars(
        select(Verzuimmelding).where(Verzuimmelding.persoonsnummer.in_(numbers))
        .order_by(Verzuimmelding.begindatum, Verzuimmelding.id)))
    if con is not None and (duo or kaart.meldingen):
        kaart.schoolnamen = schools.school_names(con)
    kaart.inschrijvingen = _inschrijvingen(kaart, duo)
    kaart.vrijstellingen = list(session.scalars(
        select(Vrijstelling).where(Vrijstelling.persoonsnummer.in_(numbers))
        .order_by(Vrijstelling.begindatum, Vrijstelling.id)))
    _audit_kaart(session, kaart)
    return kaart


def _audit_kaart(session: Session, kaart: Persoonskaart) -> None:
    events = [AuditEvent("persoon.getoond", kaart.persoonsnummer, "personen", None, "persoonskaart")]
    events += [AuditEvent("persoon.getoond", o.persoonsnummer, "personen", None, "ouder")
               for o in kaart.ouders if o.persoonsnummer]
    for entity, records in (("dossiers", kaart.zaken), ("letters", kaart.brieven),
                            ("verzuimmeldingen", kaart.meldingen), ("vrijstellingen", kaart.vrijstellingen)):
        events += [AuditEvent("persoon.getoond", r.persoonsnummer, entity, r.id) for r in records]
    trail(session).record_many(session, events)

