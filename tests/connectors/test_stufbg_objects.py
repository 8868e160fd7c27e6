"""One StUF-BG person `object` read into one row (connectors/stufbg_objects.py), as a table: which
value a column gets for each way a supplier can write it."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from connectors.mappings import load_mapping
from connectors.stufbg_objects import COLUMNS, Layout, read_object

NS = ('xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310" xmlns:StUF="http://www.egem.nl/StUF/StUF0301" '
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:X="urn:other"')


def ouder(bsn: str, aanduiding: str | None = None, name: str = "Jansen", first: bool = False) -> str:
    """An `inp.heeftAlsOuders` relation; `first`: the ouderAanduiding before `gerelateerde`."""
    mark = f"<BG:ouderAanduiding>{aanduiding}</BG:ouderAanduiding>" if aanduiding is not None else ""
    related = (f"<BG:gerelateerde><BG:inp.bsn>{bsn}</BG:inp.bsn><BG:geslachtsnaam>{name}</BG:geslachtsnaam>"
               f"<BG:onbekend>x</BG:onbekend></BG:gerelateerde>")
    return f"<BG:inp.heeftAlsOuders>{mark + related if first else related + mark}</BG:inp.heeftAlsOuders>"


def read(body: str) -> dict[str, str]:
    """The non-empty columns of the row read from an object holding `body`."""
    obj = etree.fromstring(f"<BG:object {NS}>{body}</BG:object>".encode())
    row = read_object(obj, Layout(load_mapping("brp_stufbg")), 7)
    assert len(row) == len(COLUMNS)
    return {name: value for name, value in zip(COLUMNS, row, strict=True) if value}


CASES = [
    ("a plain leaf", "<BG:inp.bsn>999900006</BG:inp.bsn>", {"inp.bsn": ("bsn", "999900006")}),
    ("nil is empty", '<BG:overlijdensdatum xsi:nil="true" StUF:noValue="geenWaarde"/>', {}),
    ("of a repeated leaf the last counts", "<BG:voornamen>Eva</BG:voornamen><BG:voornamen>Ada</BG:voornamen>",
     {"voornamen": ("voornamen", "Ada")}),
    ("an empty repeat clears", "<BG:voornamen>Eva</BG:voornamen><BG:voornamen/>", {}),
    ("any namespace prefix", '<X:geslachtsnaam xmlns:X="urn:elsewhere">Bakker</X:geslachtsnaam>',
     {"geslachtsnaam": ("geslachtsnaam", "Bakker")}),
    ("the address container", "<BG:verblijfsadres><BG:gor.straatnaam>Kerkstraat</BG:gor.straatnaam>"
     "<BG:aoa.huisnummer>12</BG:aoa.huisnummer><BG:inOnderzoek>J</BG:inOnderzoek></BG:verblijfsadres>",
     {"straat": ("straat", "Kerkstraat"), "huisnummer": ("huisnummer", "12"),
      "inOnderzoek": ("adres_in_onderzoek", "J")}),
    ("a leaf with a child keeps its own text", "<BG:geslachtsnaam>Vries<BG:x>y</BG:x></BG:geslachtsnaam>",
     {"geslachtsnaam": ("geslachtsnaam", "Vries")}),
    ("ouders by aanduiding, 2 before 1", ouder("999900031", "2") + ouder("999900018", "1"),
     {"o1": ("ouder1_bsn", "999900018"), "o2": ("ouder2_bsn", "999900031"),
      "n": ("ouder1_geslachtsnaam", "Jansen"), "m": ("ouder2_geslachtsnaam", "Jansen")}),
    ("ouders in document order without aanduiding", ouder("1", name="A") + ouder("2", name="B"),
     {"o1": ("ouder1_bsn", "1"), "o2": ("ouder2_bsn", "2"),
      "n": ("ouder1_geslachtsnaam", "A"), "m": ("ouder2_geslachtsnaam", "B")}),
    ("the aanduiding before gerelateerde", ouder("5", " 2 ", first=True),
     {"o2": ("ouder2_bsn", "5"), "m": ("ouder2_geslachtsnaam", "Jansen")}),
    ("an aanduiding other than 1 or 2 is no parent", ouder("5", "3"), {}),
]


@pytest.mark.parametrize(("case", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_columns(case: str, body: str, expected: dict) -> None:
    got = read(body)
    extra = json.loads(got.pop("extra")) if "extra" in got else {}
    assert got.pop("bron_regel") == "7"
    assert got == dict(expected.values())
    if "ouder" in body:
        assert extra == {}  # unmapped fields of a parent are not the child's


def test_unmapped_leaves_are_kept_in_extra_by_path() -> None:
    got = read("<BG:inp.bsn>1</BG:inp.bsn><BG:aanhef>Mevrouw</BG:aanhef>"
               "<BG:verblijfsadres><BG:gor.openbareRuimteNaam>Kerkstr.</BG:gor.openbareRuimteNaam>"
               "</BG:verblijfsadres><BG:kiesrecht><BG:code>J</BG:code></BG:kiesrecht><BG:leeg/>")
    assert json.loads(got["extra"]) == {
        "aanhef": "Mevrouw", "verblijfsadres/gor.openbareRuimteNaam": "Kerkstr.", "kiesrecht/code": "J"}
