"""The vrijstellingen register: the legal checks, the yearly renewal, import, and the case it closes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from registers.errors import Refused
from registers.vrijstellingen import (
    add_vrijstelling,
    check,
    end_vrijstelling,
    import_vrijstellingen,
    import_vrijstellingen_file,
    is_valid_on,
    list_vrijstellingen,
    renewal_due,
)
from rules.vrijstellingen import Vrijstellingsgrond as G
from tests.registers.factories import (
    BSNS,
    KWALIFICATIEPLICHTIG_GEBOREN,
    known_persons,
)

SEPT = date(2026, 9, 1)


@pytest.fixture(autouse=True)
def _persons(session: Session) -> None:
    """BSNS[0..9] are leerplichtige children, BSNS[10] a kwalificatieplichtige young person."""
    known_persons(session, BSNS[:10])
    known_persons(session, [BSNS[10]], KWALIFICATIEPLICHTIG_GEBOREN)


@pytest.mark.parametrize("grond, begin, eind, extra, message", [
    (G.LPW_5_B, SEPT, date(2026, 8, 31), {}, "lies before the begindatum"),
    (G.LPW_5_A, SEPT, None, {"verklaring_datum": date(2026, 5, 31)}, "more than 3 months old"),
    (G.LPW_5_A, SEPT, None, {"verklaring_datum": date(2026, 9, 2)}, "dated after the begindatum"),
    (G.LPW_5_B, SEPT, None, {"verklaring_datum": date(2026, 8, 1)}, "asks for no statement"),
    (G.LPW_5_C, SEPT, None, {"nooit_geschikt": True}, "belongs to LPW_5_A"),
    (G.LPW_5A, date(2026, 2, 1), date(2026, 10, 31), {}, "only March to October"),
    (G.LPW_5A, date(2026, 3, 1), date(2026, 11, 1), {}, "1 maart 2026 – 31 oktober 2026"),
    (G.LPW_5A, date(2026, 3, 1), None, {}, "only March to October"),
    (G.LPW_3A, SEPT, None, {}, "per school year"),
    (G.LPW_3A, SEPT, date(2027, 8, 1), {}, "31 juli 2027"),
])
def test_what_the_law_does_not_allow_is_refused(grond, begin, eind, extra, message) -> None:
    with pytest.raises(Refused, match=message):
        check(grond, begin, eind, **extra)


@pytest.mark.parametrize("grond, begin, eind, extra", [
    (G.LPW_5_A, SEPT, None, {"verklaring_datum": date(2026, 6, 1)}),      # exactly 3 months old
    (G.LPW_5_A, SEPT, None, {"verklaring_datum": None}),                  # statement still asked for
    (G.LPW_5_A, SEPT, None, {"nooit_geschikt": True, "verklaring_datum": SEPT}),
    (G.LPW_5_C, SEPT, None, {"verklaring_datum": date(2025, 1, 1)}),      # art. 9 sets no age
    (G.LPW_5A, date(2026, 3, 1), date(2026, 10, 31), {}),
    (G.LPW_3A, SEPT, date(2027, 7, 31), {}),
    (G.LPW_15, SEPT, SEPT, {}),                                          # one day
])
def test_what_the_law_allows_passes(grond, begin, eind, extra) -> None:
    check(grond, begin, eind, **extra)


def test_add_refuses_an_unknown_ground_a_bad_number_and_an_overlap(session: Session) -> None:
    with pytest.raises(Refused, match="unknown vrijstellingsgrond '5a'"):
        add_vrijstelling(session, BSNS[0], "5a", SEPT)
    with pytest.raises(Refused, match="elfproef"):
        add_vrijstelling(session, "123456789", "LPW_5_B", SEPT)
    first = add_vrijstelling(session, BSNS[0], "lpw_5_b", SEPT, einddatum=date(2027, 7, 31))
    assert first.grond == G.LPW_5_B
    with pytest.raises(Refused, match=f"overlaps vrijstelling {first.id}"):
        add_vrijstelling(session, BSNS[0], G.LPW_5_B, date(2027, 7, 31))
    add_vrijstelling(session, BSNS[0], G.LPW_5_B, date(2027, 8, 1))  # the next school year: fine
    add_vrijstelling(session, BSNS[0], G.LPW_5_C, SEPT)               # another ground: fine


def test_end_gives_an_einddatum_once_and_never_before_the_begindatum(session: Session) -> None:
    entry = add_vrijstelling(session, BSNS[0], G.LPW_5_C, SEPT)
    with pytest.raises(Refused, match="before the begindatum"):
        end_vrijstelling(session, entry.id, date(2026, 8, 1))
    assert end_vrijstelling(session, entry.id, date(2026, 12, 31)).einddatum == date(2026, 12, 31)
    with pytest.raises(Refused, match="already ends on 31 december 2026"):
        end_vrijstelling(session, entry.id, date(2027, 1, 31))
    with pytest.raises(Refused, match="no vrijstelling 4242"):
        end_vrijstelling(session, 4242, date(2027, 1, 31))


def test_validity_is_inclusive_of_both_dates(session: Session) -> None:
    entry = add_vrijstelling(session, BSNS[10], G.LPW_15, SEPT, einddatum=date(2026, 12, 31))
    days = (date(2026, 8, 31), SEPT, date(2026, 12, 31), date(2027, 1, 1))
    assert [is_valid_on(entry, d) for d in days] == [False, True, True, False]
    assert list_vrijstellingen(session, geldig_op=date(2026, 12, 31)) == [entry]
    assert list_vrijstellingen(session, geldig_op=date(2027, 1, 1)) == []


def test_the_yearly_renewal_is_due_before_1_july_unless_never_fit(session: Session) -> None:
    open_ended = add_vrijstelling(session, BSNS[0], G.LPW_5_A, SEPT)
    never_fit = add_vrijstelling(session, BSNS[1], G.LPW_5_A, SEPT, nooit_geschikt=True)
    this_year_only = add_vrijstelling(session, BSNS[2], G.LPW_5_B, SEPT, einddatum=date(2027, 7, 31))
    trekkend = add_vrijstelling(session, BSNS[3], G.LPW_5A, date(2026, 3, 1), einddatum=date(2026, 10, 31))

    assert renewal_due(open_ended, date(2026, 11, 23)) == date(2027, 7, 1)
    assert renewal_due(open_ended, date(2027, 7, 1)) == date(2028, 7, 1)
    assert renewal_due(never_fit, date(2026, 11, 23)) is None
    assert renewal_due(this_year_only, date(2026, 11, 23)) is None
    assert renewal_due(trekkend, date(2026, 4, 1)) is None


CSV = (
    "PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM;TOELICHTING\n"
    f"{BSNS[0]};LPW_5_A;01-09-2026;;\n"
    f"{BSNS[1]};LPW_5_C;2026-09-01;2027-07-31;school in Antwerpen\n"
    f"123456789;LPW_5_B;01-09-2026;;\n"
    f"{BSNS[2]};LPW_9;01-09-2026;;\n"
    f"{BSNS[3]};LPW_5A;01-02-2026;31-10-2026;\n"
    f"{BSNS[4]};LPW_15;31-02-2026;;\n"
)


def test_import_loads_good_rows_quarantines_bad_ones_and_is_idempotent(session: Session,
                                                                       tmp_path: Path) -> None:
    staging = tmp_path / "staging.duckdb"
    path = tmp_path / "vrijstellingen-G0363-20260907.csv"
    path.write_text(CSV, encoding="utf-8")

    first = import_vrijstellingen_file(session, staging, path)

    assert (first.new, first.updated, first.unchanged, first.duplicate) == (2, 0, 0, False)
    # staging quarantines what is malformed; the register what the law does not allow (art. 5a season)
    assert sorted((q.line, q.field) for q in first.quarantined) == [
        (4, "persoonsnummer"), (5, "grondslag"), (6, "begindatum/einddatum"), (7, "begindatum")]
    season = next(q for q in first.quarantined if q.line == 6)
    assert "alleen van maart tot en met oktober" in season.reason

    again = import_vrijstellingen_file(session, staging, path)
    assert (again.new, again.updated, again.unchanged, again.duplicate) == (0, 0, 2, True)

    path.write_text(CSV.replace("2027-07-31;school", "2027-01-31;school"), encoding="utf-8")
    changed = import_vrijstellingen_file(session, staging, path)
    assert (changed.new, changed.updated, changed.unchanged) == (0, 1, 1)
    assert list_vrijstellingen(session, persoonsnummer=BSNS[1])[0].einddatum == date(2027, 1, 31)


def test_the_register_checks_rows_from_elsewhere_too(session: Session) -> None:
    rows = [{"line": 1, "persoonsnummer": BSNS[0], "grondslag": "LPW_3A", "begindatum": date(2026, 9, 1),
             "einddatum": None},
            {"line": 2, "persoonsnummer": BSNS[1], "grondslag": "LPW_5_B", "begindatum": "2026-09-01",
             "einddatum": "2026-08-01"},
            {"line": 3, "persoonsnummer": BSNS[2], "grondslag": "LPW_15", "begindatum": "2026-09-01"}]

    summary = import_vrijstellingen(session, rows)

    assert summary.new == 0
    assert [(q.line, q.field) for q in summary.quarantined] == [(1, "begindatum/einddatum"),
                                                                (2, "begindatum/einddatum"),
                                                                (3, "grondslag")]
    assert "LPW_15 (Leerplichtwet 1969 (BWBR0002628) art. 15) geldt alleen voor een jongere die " \
           "kwalificatieplichtig is" in summary.quarantined[2].reason


def test_a_structurally_broken_file_is_refused_whole(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("BSN;GROND;BEGIN;EIND\n999993653;LPW_5_A;01-09-2026;\n", encoding="utf-8")
    with pytest.raises(Refused, match="kolom GRONDSLAG ontbreekt"):
        import_vrijstellingen_file(session, tmp_path / "staging.duckdb", path)
    assert list_vrijstellingen(session) == []
