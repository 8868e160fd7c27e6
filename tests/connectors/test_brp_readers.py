"""The three BRP formats, read from hand-made fixtures that follow the public specifications
(Haal Centraal BRP Personen, StUF-BG 3.10 npsLa01, GBA-V LO3 selectie), land as the same facts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from brp_helpers import FIXTURES, load

from connectors.brp import detect_format
from connectors.staging import Staging

FILES = {
    "lo3csv": FIXTURES / "gemeente.lo3.csv",
    "haalcentraal": FIXTURES / "gemeente.haalcentraal.json",
    "stufbg": FIXTURES / "gemeente.stufbg.xml",
}

# the same facts in every format (format-specific columns are checked separately)
EXPECTED = {
    "999900006": dict(
        voornamen="Sanne Maria",
        voorvoegsel="de",
        geslachtsnaam="Vries",
        geboortedatum="20150902",
        geboortedatum_vroegst=date(2015, 9, 2),
        geboortedatum_laatst=date(2015, 9, 2),
        geboortedatum_precisie="dag",
        geslacht="V",
        gemeente_inschrijving="0363",
        datum_inschrijving_gemeente=date(2015, 9, 2),
        straat="Kerkstraat",
        huisnummer=12,
        huisletter="A",
        huisnummertoevoeging="2",
        postcode="1017GC",
        woonplaats="Amsterdam",
        datum_aanvang_adres=date(2019, 4, 1),
        adres_in_onderzoek=True,
        overleden=False,
        rni=False,
        opschorting_reden=None,
        ouder1_bsn="999900018",
        ouder1_voornamen="Johannes",
        ouder1_voorvoegsel="de",
        ouder1_geslachtsnaam="Vries",
        ouder1_geboortedatum="19840211",
        ouder1_geslacht="M",
        ouder2_bsn="999900031",
        ouder2_geslachtsnaam="el Idrissi",
        ouder2_geboortedatum="19860000",
        a_nummer="9000000011",
    ),
    "999900043": dict(
        geboortedatum="20100800",
        geboortedatum_vroegst=date(2010, 8, 1),
        geboortedatum_laatst=date(2010, 8, 31),
        geboortedatum_precisie="maand",
        straat="Dorpsstraat",
        huisnummer=3,
        adres_in_onderzoek=False,
        ouder1_bsn="999900055",
        ouder2_bsn=None,
        datum_aanvang_adres=date(2020, 1, 15),
    ),
    "999900067": dict(
        geboortedatum="00000000",
        geboortedatum_vroegst=None,
        geboortedatum_laatst=None,
        geboortedatum_precisie="onbekend",
        rni=True,
        gemeente_inschrijving="1999",
        opschorting_reden="E",
        opschorting_datum=date(2024, 3, 1),
        straat=None,
        overleden=False,
    ),
    "999900079": dict(overleden=True, datum_overlijden=date(2026, 9, 1), opschorting_reden="O"),
    "999900080": dict(
        geboortedatum="20120000",
        geboortedatum_vroegst=date(2012, 1, 1),
        geboortedatum_laatst=date(2012, 12, 31),
        geboortedatum_precisie="jaar",
        voorvoegsel="van den",
        huisnummertoevoeging="bis",
        datum_inschrijving_gemeente=date(2012, 5, 1),
    ),
    "999900018": dict(geboortedatum_vroegst=date(1984, 2, 11), ouder1_bsn=None),
}
FORMAT_SPECIFIC = {
    "import_id",
    "bron_regel",
    "extra",
    "gezag",
    "geheimhouding",
    "verblijfplaats_type",
    "adres_functie",
    "onderzoek_aanduiding",
    "onderzoek_datum",
}


def _persons(staging_path: Path) -> dict[str, dict]:
    con = duckdb.connect(str(staging_path), read_only=True)
    try:
        cur = con.execute("SELECT * FROM brp_personen_actueel")
        names = [d[0] for d in cur.description]
        return {row[names.index("bsn")]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict]]:
    out = {}
    for fmt, file in FILES.items():
        db = tmp_path_factory.mktemp(fmt) / "staging.duckdb"
        result = load(db, file)
        assert (result.status, result.rows_read, result.rows_loaded, result.rows_quarantined) == (
            "loaded",
            6,
            6,
            0,
        )
        out[fmt] = _persons(db)
    return out


@pytest.mark.parametrize("fmt", FILES)
def test_facts_per_format(loaded: dict, fmt: str) -> None:
    persons = loaded[fmt]
    assert set(persons) == set(EXPECTED)
    for bsn, expected in EXPECTED.items():
        got = {k: persons[bsn][k] for k in expected}
        assert got == expected, (fmt, bsn)
    assert persons["999900080"]["geheimhouding"] > 0 and persons["999900006"]["geheimhouding"] == 0


def test_formats_agree(loaded: dict) -> None:
    lo3, hc, stuf = loaded["lo3csv"], loaded["haalcentraal"], loaded["stufbg"]
    for bsn in EXPECTED:
        for other in (hc, stuf):
            a = {k: v for k, v in lo3[bsn].items() if k not in FORMAT_SPECIFIC}
            b = {k: v for k, v in other[bsn].items() if k not in FORMAT_SPECIFIC}
            assert a == b, bsn


def test_format_specific_columns(loaded: dict) -> None:
    lo3, hc, stuf = loaded["lo3csv"], loaded["haalcentraal"], loaded["stufbg"]
    assert lo3["999900006"]["gezag"] == stuf["999900006"]["gezag"] == "12"
    assert hc["999900006"]["gezag"] == "TweehoofdigOuderlijkGezag"
    assert lo3["999900006"]["onderzoek_aanduiding"] == "080000"
    assert lo3["999900006"]["onderzoek_datum"] == hc["999900006"]["onderzoek_datum"] == date(2026, 8, 1)
    assert stuf["999900006"]["onderzoek_datum"] is None  # npsLa01 carries only inOnderzoek J
    assert hc["999900067"]["verblijfplaats_type"] == "VerblijfplaatsBuitenland"
    assert lo3["999900006"]["adres_functie"] == "W"
    # unknown columns are kept, never dropped
    assert json.loads(lo3["999900006"]["extra"])["01.03.20"] == "Amsterdam"
    assert json.loads(lo3["999900080"]["extra"]) == {"06.88.10#2": "X"}  # the repeated header
    hc_extra = json.loads(hc["999900006"]["extra"])
    assert "nationaliteiten" in hc_extra and "naam" not in hc_extra
    assert hc["999900043"]["extra"] is None


def test_lo3_history_rows_are_history_not_persons(tmp_path: Path) -> None:
    db = tmp_path / "staging.duckdb"
    result = load(db, FILES["lo3csv"])
    assert result.rows_read == 6 and result.details["history_rows"] == 3
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("""
        SELECT bsn, pl_regel, bron_regel, categorie, lo3_categorie, geldig_van, geldig_tot,
               waarden ->> 'gemeente_inschrijving', waarden ->> 'straat'
        FROM brp_historie_actueel ORDER BY bron_regel""").fetchall()
    con.close()
    assert rows == [
        ("999900006", 2, 3, "08", "58", date(2015, 9, 2), None, "0599", "Coolsingel"),
        ("999900043", 4, 5, "08", "58", date(2012, 6, 1), None, "0599", "Blaak"),
        ("999900043", 4, 6, "08", "58", date(2010, 8, 15), date(2012, 6, 1), "0344", "Oudegracht"),
    ]


@pytest.mark.parametrize("fmt", FILES)
def test_detect_format(fmt: str) -> None:
    assert detect_format(FILES[fmt]) == fmt


def test_views_show_latest_and_earlier_state(tmp_path: Path) -> None:
    db = tmp_path / "staging.duckdb"
    first = load(db, FILES["lo3csv"])
    second = load(db, FILES["stufbg"])
    with Staging(db) as st:
        con = st.con
        con.execute("UPDATE imports SET peildatum = DATE '2026-09-07' WHERE import_id = ?", [first.import_id])
        con.execute(
            "UPDATE imports SET peildatum = DATE '2026-09-14' WHERE import_id = ?", [second.import_id]
        )
        latest = con.execute("SELECT DISTINCT import_id FROM brp_personen_actueel").fetchall()
        earlier = con.execute("SELECT DISTINCT import_id FROM brp_personen_op(DATE '2026-09-10')").fetchall()
    assert latest == [(second.import_id,)] and earlier == [(first.import_id,)]


def test_cp1252_is_detected(tmp_path: Path) -> None:
    text = FILES["lo3csv"].read_text(encoding="utf-8-sig").replace("Fatima", "Fátima")
    file = tmp_path / "cp1252.lo3.csv"
    file.write_bytes(text.encode("cp1252"))
    db = tmp_path / "staging.duckdb"
    result = load(db, file)
    assert result.rows_loaded == 6
    assert _persons(db)["999900006"]["ouder2_voornamen"] == "Fátima"
    with Staging(db, read_only=True) as st:
        assert st.imports()[0]["encoding"] == "cp1252"


def test_lo3_lines_stay_true_with_blank_lines_and_quoted_line_breaks(tmp_path: Path) -> None:
    """Rows are numbered by position; where records do not each fill one line the file's own line
    numbers are used (a quoted line break in a name, a blank line)."""
    lines = FILES["lo3csv"].read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace(";Sanne Maria;", ';"Sanne\nMaria";')  # the value spans two lines
    lines.insert(3, "")  # a blank line before the second persoonslijst's history
    path = tmp_path / "broken-lines.lo3.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected: dict[str, int] = {}
    history: list[int] = []
    line = 1
    for text in path.read_text(encoding="utf-8").split("\n")[1:]:
        line += 1
        if text.startswith("Lg01_"):
            expected[text.split(";")[2]] = line
        elif text.startswith(";"):
            history.append(line)
    result = load(tmp_path / "staging.duckdb", path)
    assert result.rows_read == 6 and result.details["history_rows"] == 3
    with duckdb.connect(str(tmp_path / "staging.duckdb"), read_only=True) as con:
        persons = dict(con.execute("SELECT bsn, bron_regel FROM brp_personen").fetchall())
        voornamen = con.execute("SELECT voornamen FROM brp_personen WHERE bsn = '999900006'").fetchone()[0]
        rows = con.execute(
            "SELECT bsn, pl_regel, bron_regel FROM brp_historie ORDER BY bron_regel").fetchall()
    assert persons == expected and voornamen == "Sanne Maria"  # the line break: a space (field rules)
    assert [r[2] for r in rows] == history
    assert all(pl == persons[bsn] for bsn, pl, _ in rows)
