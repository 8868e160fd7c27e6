"""The raw canonical BRP fields every reader delivers (all text), with the kind of check each gets.

Why a module of its own: the StUF-BG worker processes (`connectors/stufbg_worker.py`) name these
columns too, and must not load DuckDB (`connectors/brp_schema.py`, which types and checks them) into
every worker's memory.
"""

from __future__ import annotations

from dataclasses import dataclass

# kind: text | bsn | date (GBA date, 00 = unknown part) | gemeente | int | geheim | flag
#
# What a fault in a field does (docs/spec.md §6, no one lost): the BSN is the person's key, so a
# persoonslijst without a valid one cannot be staged (REFUSE); the fields the law needs to place a
# person (birth date, gemeente van inschrijving) keep the person with the field empty and mark the
# persoonslijst incomplete, which the signals turn into ONVOLLEDIGE_PERSOONSLIJST (ONVOLLEDIG); any
# other field is left empty and the person kept (LEEG). Every fault is reported either way.
REFUSE, ONVOLLEDIG, LEEG = "refuse", "onvolledig", "leeg"
NAME_LENGTHS = {"voornamen": 200, "voorvoegsel": 10, "geslachtsnaam": 200}
OUDER_FIELDS = ("bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum", "geslacht")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"
    required: bool = False
    on_fault: str = LEEG
    # a name or address: checked for control and bidi characters, and against `max_length`, the
    # LO3 maximum of its element (docs/formats.md §1.5)
    max_length: int | None = None


RAW_FIELDS: tuple[Field, ...] = (
    Field("bsn", "bsn", required=True, on_fault=REFUSE),
    Field("a_nummer"),
    Field("voornamen", max_length=200),
    Field("voorvoegsel", max_length=10),
    Field("geslachtsnaam", max_length=200),
    Field("geboortedatum", "date", required=True, on_fault=ONVOLLEDIG),
    Field("geslacht"),
    Field("gemeente_inschrijving", "gemeente", on_fault=ONVOLLEDIG),
    Field("datum_inschrijving_gemeente", "date"),
    Field("verblijfplaats_type"),
    Field("adres_functie"),
    Field("straat", max_length=80),  # 11.15 naam openbare ruimte (80); 11.10 straatnaam is 24
    Field("huisnummer", "int"),
    Field("huisletter", max_length=1),
    Field("huisnummertoevoeging", max_length=4),
    Field("postcode", max_length=6),
    Field("woonplaats", max_length=80),
    Field("datum_aanvang_adres", "date"),
    Field("adres_in_onderzoek", "flag"),
    Field("onderzoek_aanduiding"),
    Field("onderzoek_datum", "date"),
    Field("datum_overlijden", "date"),
    Field("opschorting_reden"),
    Field("opschorting_datum", "date"),
    Field("geheimhouding", "geheim"),
    *(Field(f"ouder{n}_{f}", {"bsn": "bsn", "geboortedatum": "date"}.get(f, "text"),
            max_length=NAME_LENGTHS.get(f))
      for n in (1, 2) for f in OUDER_FIELDS),
    Field("gezag"),
)
RAW_NAMES = tuple(f.name for f in RAW_FIELDS)
FIELD_BY_NAME = {f.name: f for f in RAW_FIELDS}
FIELDS_ON_FAULT = {what: tuple(f.name for f in RAW_FIELDS if f.on_fault == what)
                   for what in (REFUSE, ONVOLLEDIG, LEEG)}


def parse_gezag(code: str | None, ouder1: str | None, ouder2: str | None
                ) -> tuple[tuple[str, ...] | None, bool]:
    """LO3 11.32.10 indicatie gezag minderjarige → (parents with gezag, third party has gezag).

    `1`, `2`, `12` name the parents; `D` a third party (voogd); `1D`, `2D` a parent together with a
    third party. Empty or unknown: (None, False), "the BRP says nothing".
    """
    text = (code or "").strip().upper()
    if not text or set(text) - {"1", "2", "D"}:
        return None, False
    parents = tuple(number for digit, number in (("1", ouder1), ("2", ouder2)) if digit in text and number)
    return parents, "D" in text
