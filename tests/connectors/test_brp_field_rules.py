"""Field rules on import (#20): BRP names and addresses lose control characters (a line break
becomes a space) and bidirectional controls (U+202E), and a value longer than its LO3 maximum is
left empty; each is reported with the value made visible, and the person is kept — in all three
formats. A line break in a street never adds a line to a letter's address block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from brp_helpers import FORMAT_SUFFIX, valid_bsns, write_persons

from connectors.brp import import_brp
from connectors.brp_fields import RAW_FIELDS
from connectors.staging import Staging
from letters.addressing import adresregel1, adresregel2
from letters.persons import adres_from_mapping

B = valid_bsns(5)
CRAFTED = [
    {"bsn": B[0], "straat": "Kerkstraat 1\r\nPostbus 99\nExtra regel"},
    {"bsn": B[1], "geslachtsnaam": "Jansen\u202eredlof", "voornamen": "Kim\u200f",
     "woonplaats": "Amster\tdam"},
    {"bsn": B[2], "voornamen": "A" * 201},
    {"bsn": B[3], "huisletter": "AB", "postcode": "1017 GC", "huisnummertoevoeging": "12345"},
    {"bsn": B[4], "ouder1_geslachtsnaam": "\u2066Jans\u2069en", "straat": "K" * 80},
]
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


@pytest.mark.parametrize("fmt", sorted(FORMAT_SUFFIX))
def test_names_and_addresses_are_cleaned_or_emptied_and_reported(fmt: str, tmp_path: Path) -> None:
    file = write_persons(fmt, tmp_path / f"brp-20260907{FORMAT_SUFFIX[fmt]}", CRAFTED)
    with Staging(tmp_path / "staging.duckdb", gemeenten=("0363",)) as st:
        result = import_brp(st, file)
        cursor = st.con.execute("SELECT * FROM brp_personen ORDER BY bsn")
        names = [d[0] for d in cursor.description]
        rows = {row[names.index("bsn")]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
        faults = {(q["field"], q["value"], q["reason"]) for q in st.quarantine(result.import_id)}
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 5, 0)
    assert rows[B[0]]["straat"] == "Kerkstraat 1 Postbus 99 Extra regel"
    assert (rows[B[1]]["geslachtsnaam"], rows[B[1]]["voornamen"], rows[B[1]]["woonplaats"]) == (
        "Jansenredlof", "Kim", "Amster dam")
    assert rows[B[2]]["voornamen"] is None
    assert (rows[B[3]]["huisletter"], rows[B[3]]["postcode"], rows[B[3]]["huisnummertoevoeging"]) == (
        None, None, None)
    assert rows[B[4]]["ouder1_geslachtsnaam"] == "Jansen" and rows[B[4]]["straat"] == "K" * 80
    texts = [f.name for f in RAW_FIELDS if f.max_length]
    assert not [(b, f) for b, row in rows.items() for f in texts if row[f] and UNSAFE.search(row[f])]

    cleaned = " - persoon geladen met het veld opgeschoond"
    assert ("straat", "Kerkstraat 1\\r\\nPostbus 99\\nExtra regel",
            "een stuur- of richtingsteken (regelovergang, U+202E, …): vervangen door een spatie of verwijderd"
            + cleaned) in faults
    assert {(f, v) for f, v, r in faults if r.endswith(cleaned)} == {
        ("straat", "Kerkstraat 1\\r\\nPostbus 99\\nExtra regel"), ("geslachtsnaam", "Jansen<U+202E>redlof"),
        ("voornamen", "Kim<U+200F>"), ("woonplaats", "Amster\\tdam"),
        ("ouder1_geslachtsnaam", "<U+2066>Jans<U+2069>en")}
    emptied = {(f, v, r) for f, v, r in faults if not r.endswith(cleaned)}

    def too_long(n: int) -> str:
        return f"langer dan het LO3-maximum van {n} tekens - persoon geladen met dit veld leeg"

    assert emptied == {("voornamen", "A" * 201, too_long(200)), ("huisletter", "AB", too_long(1)),
                       ("postcode", "1017 GC", too_long(6)), ("huisnummertoevoeging", "12345", too_long(4))}
    # the letter's address block: a name line, then exactly the two address lines
    adres = adres_from_mapping(rows[B[0]])
    lines = [adresregel1(adres), adresregel2(adres)]
    assert lines == ["Kerkstraat 1 Postbus 99 Extra regel 1", "1017 GC  AMSTERDAM"]
    assert not any("\n" in line or "\r" in line for line in lines)
