"""The vendored CBS gemeentecodes table (connectors/reference/gemeenten-2026.csv)."""

from __future__ import annotations

import csv

from connectors.gemeenten import TABLE, gemeente_label, gemeentenaam, gemeentenamen


def test_the_table_holds_the_342_gemeenten_of_1_january_2026() -> None:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 342 == len(gemeentenamen())
    assert all(row["GemeentecodeGM"] == "GM" + row["Gemeentecode"] for row in rows)
    # the herindeling of 2023 is in, the gemeenten it merged are out; Weesp went to Amsterdam in 2022
    assert gemeentenamen()["1992"] == "Voorne aan Zee"
    assert not {"0501", "0530", "0614", "0457"} & set(gemeentenamen())


def test_names_by_any_spelling_of_the_code_and_the_code_when_unknown() -> None:
    assert {gemeentenaam(code) for code in ("0363", "363", "GM0363", 363)} == {"Amsterdam"}
    assert gemeentenaam("0518") == "'s-Gravenhage"
    assert gemeentenaam("0457") == "0457"  # Weesp: no longer a gemeente, shown as its code
    assert gemeentenaam("") == ""
    assert gemeente_label("0363") == "Amsterdam (0363)" and gemeente_label("9999") == "9999"
