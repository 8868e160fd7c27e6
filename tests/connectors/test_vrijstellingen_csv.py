"""Vrijstellingen CSV: enumerated grounds only, real periods only, both date styles, open-ended ends."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from connectors.errors import RefusedFile
from connectors.staging import Staging
from connectors.vrijstellingen_csv import read_vrijstellingen, vrijstellingen_changes
from rules.vrijstellingen import Vrijstellingsgrond

FIXTURE = Path(__file__).parent / "fixtures" / "vrijstellingen" / "vrijstellingen-G0363-20260907.csv"
HEADER = "PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM;TOELICHTING"


@pytest.fixture
def st(tmp_path: Path):
    with Staging(tmp_path / "staging.duckdb") as staging:
        yield staging


def load(st: Staging, path: Path):
    return st.import_file("vrijstellingen", path, read_vrijstellingen, summarize=vrijstellingen_changes)


def csv(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "vrijstellingen.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def current(st: Staging) -> dict[tuple, dict]:
    cur = st.con.execute("SELECT * FROM vrijstellingen_actueel")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return {(r["persoonsnummer"], r["grondslag"]): r for r in rows}


def test_the_list_loads_with_both_date_styles_and_open_ends(st: Staging) -> None:
    result = load(st, FIXTURE)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 4, 0)
    now = current(st)
    assert now[("999990093", "LPW_5_A")]["begindatum"] == date(2026, 8, 1)
    assert now[("999990093", "LPW_5_A")]["einddatum"] == date(2027, 7, 31)
    assert now[("999990111", "LPW_5_C")]["einddatum"] is None
    assert now[("100000028", "LPW_5A")]["toelichting"] == "kermis"
    assert {g for _, g in now} <= {g.value for g in Vrijstellingsgrond}


@pytest.mark.parametrize("row,field,reason", [
    ("999990093;5a;01-08-2026;;", "grondslag", "onbekende waarde"),             # the colloquial '5a' trap
    ("999990093;LPW_5;01-08-2026;;", "grondslag", "onbekende waarde"),
    ("999990093;LPW_5_A;01-08-2026;31-07-2026;", "einddatum", "EINDDATUM ligt vóór BEGINDATUM"),
    ("999990093;LPW_5_A;30-02-2026;;", "begindatum", "onmogelijke datum"),
    ("999990094;LPW_5_A;01-08-2026;;", "persoonsnummer", "voldoet niet aan de elfproef"),
    ("999990093;;01-08-2026;;", "grondslag", "verplichte waarde ontbreekt"),
])
def test_a_bad_row_is_quarantined(st: Staging, tmp_path: Path, row: str, field: str, reason: str) -> None:
    result = load(st, csv(tmp_path, "999990111;LPW_3A;2026-08-01;2027-07-31;", row))
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    [fault] = st.quarantine(result.import_id)
    assert (fault["line"], fault["field"]) == (3, field) and reason in fault["reason"]


def test_lower_case_codes_are_read_as_codes(st: Staging, tmp_path: Path) -> None:
    assert load(st, csv(tmp_path, "999990093;lpw_15;2026-08-01;;")).rows_loaded == 1
    assert ("999990093", "LPW_15") in current(st)


def test_a_missing_einddatum_column_refuses_the_file(st: Staging, tmp_path: Path) -> None:
    path = csv(tmp_path, "999990093;LPW_5_A;01-08-2026", header="PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM")
    with pytest.raises(RefusedFile) as refused:
        load(st, path)
    assert (refused.value.line, refused.value.field) == (1, "EINDDATUM")


def test_a_later_delivery_updates_a_vrijstelling(st: Staging, tmp_path: Path) -> None:
    load(st, FIXTURE)
    later = load(st, csv(tmp_path, "999990111;LPW_5_C;2026-08-15;2026-12-31;terug in Nederland",
                         "999990135;LPW_3B;2026-09-14;2027-07-31;"))
    assert later.summary == {"added": 1, "changed": 1, "unchanged": 0}
    now = current(st)
    assert len(now) == 5 and now[("999990111", "LPW_5_C")]["einddatum"] == date(2026, 12, 31)
