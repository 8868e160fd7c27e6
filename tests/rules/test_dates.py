"""Dates: Dutch formatting, parsing, partial BRP birth dates, birthdays and school years."""

from datetime import date

import pytest

from rules.dates import (
    MAANDEN,
    ONBEKEND_LAATST,
    ONBEKEND_VROEGST,
    MaandDag,
    PartialDate,
    add_months,
    anniversary,
    first_of_next_month,
    format_nl,
    parse_date,
    schooljaar_einde,
)

D = date.fromisoformat


@pytest.mark.parametrize("value,expected", [
    ("2025-09-02", "2 september 2025"),
    ("2020-10-01", "1 oktober 2020"),
    ("2032-07-31", "31 juli 2032"),
    ("2024-02-29", "29 februari 2024"),
    ("2025-03-15", "15 maart 2025"),
])
def test_format_nl(value: str, expected: str) -> None:
    assert format_nl(D(value)) == expected


def test_every_month_has_its_dutch_name() -> None:
    assert [format_nl(date(2025, m, 1)).split()[1] for m in range(1, 13)] == list(MAANDEN)
    assert MAANDEN[4] == "mei" and MAANDEN[11] == "december"


@pytest.mark.parametrize("text", ["2015-09-02", "20150902", "02-09-2015", "2-9-2015", " 2015-09-02 "])
def test_parse_date_formats(text: str) -> None:
    assert parse_date(text) == date(2015, 9, 2)


@pytest.mark.parametrize("text,message", [
    ("2015/09/02", "is geen datum: gebruik jjjj-mm-dd, jjjjmmdd of dd-mm-jjjj"),
    ("", "is geen datum"),
    ("20150900", "is geen bestaande datum"),
    ("2021-02-29", "is geen bestaande datum"),
    ("31-04-2020", "is geen bestaande datum"),
    ("2015", "is geen datum"),
])
def test_parse_date_refuses_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(text)


@pytest.mark.parametrize("text,precision,earliest,latest,exact", [
    ("20150902", "dag", "2015-09-02", "2015-09-02", "2015-09-02"),
    ("2015-09-02", "dag", "2015-09-02", "2015-09-02", "2015-09-02"),
    ("02-09-2015", "dag", "2015-09-02", "2015-09-02", "2015-09-02"),
    ("20100800", "maand", "2010-08-01", "2010-08-31", None),
    ("2010-08", "maand", "2010-08-01", "2010-08-31", None),
    ("2010-08-00", "maand", "2010-08-01", "2010-08-31", None),
    ("20080200", "maand", "2008-02-01", "2008-02-29", None),
    ("20090200", "maand", "2009-02-01", "2009-02-28", None),
    ("20100000", "jaar", "2010-01-01", "2010-12-31", None),
    ("2010", "jaar", "2010-01-01", "2010-12-31", None),
    ("2010-00-00", "jaar", "2010-01-01", "2010-12-31", None),
    ("00000000", "onbekend", "1900-01-01", "2099-12-31", None),
    ("0000-00-00", "onbekend", "1900-01-01", "2099-12-31", None),
])
def test_partial_date_parse(text: str, precision: str, earliest: str, latest: str, exact: str | None) -> None:
    p = PartialDate.parse(text)
    assert p.precision == precision
    assert p.earliest == D(earliest)
    assert p.latest == D(latest)
    assert p.exact == (D(exact) if exact else None)
    assert p.controle_nodig == (precision != "dag")


def test_fully_unknown_uses_the_documented_wide_range_not_date_min() -> None:
    p = PartialDate.parse("00000000")
    assert (p.earliest, p.latest) == (ONBEKEND_VROEGST, ONBEKEND_LAATST)
    assert p.earliest != date.min and p.latest != date.max


@pytest.mark.parametrize("text", [
    "20150230", "20151300", "00000800", "20100015", "2015-9-2x", "abc", "201009",
])
def test_partial_date_refuses_impossible_dates(text: str) -> None:
    with pytest.raises(ValueError, match=text):
        PartialDate.parse(text)


@pytest.mark.parametrize("parts,gba,precision", [
    ((2015, 9, 2), "20150902", "dag"),
    ((2010, 8, None), "20100800", "maand"),
    ((2010, 8, 0), "20100800", "maand"),
    ((2010, None, None), "20100000", "jaar"),
    ((None, None, None), "00000000", "onbekend"),
    ((0, 0, 0), "00000000", "onbekend"),
])
def test_from_parts(parts: tuple, gba: str, precision: str) -> None:
    p = PartialDate.from_parts(*parts)
    assert p.gba == gba == str(p)
    assert p.precision == precision


def test_from_parts_refuses_a_day_without_a_month() -> None:
    with pytest.raises(ValueError, match="onbekende maand"):
        PartialDate.from_parts(2010, None, 5)


@pytest.mark.parametrize("datum,gba", [
    ({"type": "Datum", "datum": "2015-09-02"}, "20150902"),
    ({"type": "JaarMaandDatum", "jaar": 2010, "maand": 8}, "20100800"),
    ({"type": "JaarDatum", "jaar": 2010}, "20100000"),
    ({"type": "DatumOnbekend"}, "00000000"),
    ("20100800", "20100800"),
])
def test_from_haal_centraal(datum: object, gba: str) -> None:
    assert PartialDate.from_haal_centraal(datum).gba == gba


def test_from_haal_centraal_refuses_unknown_types() -> None:
    with pytest.raises(ValueError, match="unknown Haal Centraal date type 'Tijd'"):
        PartialDate.from_haal_centraal({"type": "Tijd"})


@pytest.mark.parametrize("text,expected", [
    ("20150902", "2 september 2015"), ("20100800", "augustus 2010"), ("2010", "2010"),
    ("00000000", "onbekend"),
])
def test_partial_date_format_nl(text: str, expected: str) -> None:
    assert PartialDate.parse(text).format_nl() == expected


@pytest.mark.parametrize("birth,years,expected", [
    ("2015-09-02", 5, "2020-09-02"),
    ("2016-02-29", 5, "2021-03-01"),  # no 29 February in 2021: 1 March (BRP LeeftijdBepaling)
    ("2016-02-29", 16, "2032-02-29"),  # 2032 is a leap year
    ("2016-02-29", 18, "2034-03-01"),
    ("2016-02-29", 23, "2039-03-01"),
    ("2016-02-28", 5, "2021-02-28"),
    ("2016-03-01", 5, "2021-03-01"),
    ("1996-02-29", 104, "2100-03-01"),  # 2100 is not a leap year
    ("1896-02-29", 104, "2000-02-29"),  # 2000 is
])
def test_anniversary(birth: str, years: int, expected: str) -> None:
    assert anniversary(D(birth), years) == D(expected)


@pytest.mark.parametrize("day,expected", [
    ("2020-09-02", "2020-10-01"), ("2020-12-31", "2021-01-01"), ("2020-01-01", "2020-02-01"),
    ("2021-02-28", "2021-03-01"),
])
def test_first_of_next_month(day: str, expected: str) -> None:
    assert first_of_next_month(D(day)) == D(expected)


@pytest.mark.parametrize("day,months,expected", [
    ("2025-01-31", 1, "2025-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2025-11-15", 2, "2026-01-15"),
    ("2025-03-31", -1, "2025-02-28"), ("2025-08-01", 0, "2025-08-01"),
])
def test_add_months(day: str, months: int, expected: str) -> None:
    assert add_months(D(day), months) == D(expected)


@pytest.mark.parametrize("day,expected", [
    ("2025-07-31", "2025-07-31"), ("2025-08-01", "2026-07-31"), ("2025-12-31", "2026-07-31"),
    ("2026-01-01", "2026-07-31"), ("2025-03-15", "2025-07-31"),
])
def test_schooljaar_einde(day: str, expected: str) -> None:
    assert schooljaar_einde(D(day), MaandDag(8, 1)) == D(expected)


def test_maand_dag() -> None:
    assert MaandDag(8, 1).in_jaar(2025) == date(2025, 8, 1)
    assert str(MaandDag(8, 1)) == "1 augustus"
