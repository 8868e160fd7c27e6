"""The DuckDB macros agree with the Python rules, including after a change in the law."""

from datetime import date, timedelta

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from rules.dates import PartialDate, anniversary
from rules.parameters import PARAMETERS, Parameters
from rules.sql import install_macros, macro_definitions, status_sql_columns
from rules.status import bepaal_status, bepaal_status_onzeker, leerplicht_start, rmc_einde, rmc_start

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)

D = date.fromisoformat
RMC_30 = PARAMETERS.with_value("rmc_leeftijd", D("2030-01-01"), 30, "a proposed RMC age (test)")


def test_spec_examples_in_sql(con) -> None:
    row = con.execute("""
        SELECT lpw_status(DATE '2015-09-02', DATE '2020-10-01'), lpw_leerplicht_start(DATE '2015-09-02'),
               lpw_leerplicht_einde(DATE '2015-09-02'), lpw_leerplicht_start(DATE '2020-03-01'),
               lpw_leerplicht_einde(DATE '2009-03-15'), lpw_leerplicht_einde(DATE '2009-08-01'),
               lpw_kwalificatieplicht_start(DATE '2009-03-15', NULL),
               lpw_kwalificatieplicht_einde(DATE '2009-03-15', NULL),
               lpw_rmc_einde(DATE '2009-03-15', NULL)
    """).fetchone()  # lpw_rmc_einde without a peildatum: every dated value (27 from 2026)
    assert row == ("leerplichtig", D("2020-10-01"), D("2032-07-31"), D("2025-04-01"), D("2025-07-31"),
                   D("2026-07-31"), D("2025-08-01"), D("2027-03-14"), D("2036-03-14"))


@pytest.mark.parametrize("birth,years,expected", [
    ("2016-02-29", 5, "2021-03-01"), ("2016-02-29", 16, "2032-02-29"), ("2016-02-28", 5, "2021-02-28"),
    ("1996-02-29", 104, "2100-03-01"), ("2015-09-02", 18, "2033-09-02"),
])
def test_birthday_macro_follows_the_29_february_rule(con, birth: str, years: int, expected: str) -> None:
    got = con.execute("SELECT lpw_verjaardag(?::DATE, ?)", [D(birth), years]).fetchone()[0]
    assert got == D(expected) == anniversary(D(birth), years)


def test_nulls_and_dates_before_the_encoded_law(con) -> None:
    row = con.execute("""
        SELECT lpw_status(NULL, DATE '2025-01-01'), lpw_status(DATE '2000-01-01', DATE '2007-07-31'),
               lpw_status(DATE '2000-01-01', DATE '2007-08-01'), lpw_leerplicht_einde(NULL)
    """).fetchone()
    assert row == (None, None, "leerplichtig", None)


def test_sk_pro_and_twelve_school_years_as_sql_arguments(con) -> None:
    row = con.execute("""
        SELECT lpw_status(DATE '2008-09-15', DATE '2025-08-01', DATE '2025-06-20'),
               lpw_kwalificatieplicht_einde(DATE '2009-03-15', DATE '2026-06-30'),
               lpw_status(DATE '2009-03-15', DATE '2025-09-01', NULL, DATE '2025-06-30'),
               lpw_leerplicht_einde(DATE '2009-08-01', DATE '2025-07-31'),
               lpw_status(DATE '2009-08-01', DATE '2025-08-01', twaalf := DATE '2025-07-31')
    """).fetchone()
    # a PrO certificate at 16 ends the kwalificatieplicht: RMC doelgroep (WEB art. 8.1.8, 8.3.1)
    assert row == ("geen", D("2026-06-29"), "rmc_doelgroep", D("2025-07-31"), "kwalificatieplichtig")


# -- the property: SQL and Python agree ------------------------------------------------------------------

births = st.dates(D("1984-01-01"), D("2032-12-31"))
optional = st.one_of(st.none(), st.dates(D("2000-01-01"), D("2045-12-31")))


FIRST_PEIL = D("2007-08-01")  # the first day of the encoded law; before it the Python raises


@st.composite
def cases(draw: st.DrawFn) -> tuple:
    """(birth, peildatum, sk, pro, twaalf); half of the peildatums sit on or next to a birthday."""
    first_peil = FIRST_PEIL
    b = draw(births)
    if draw(st.booleans()):
        around = anniversary(b, draw(st.sampled_from([5, 16, 17, 18, 23, 27])))
        peil = around + timedelta(days=draw(st.integers(-2, 2)))
        peil = max(peil, first_peil)
    else:
        peil = draw(st.dates(first_peil, D("2050-12-31")))
    sk = draw(optional)
    if sk is not None and draw(st.booleans()):  # an SK near the 18th birthday
        sk = anniversary(b, 18) + timedelta(days=draw(st.integers(-3, 3)))
    pro = draw(optional) if draw(st.integers(0, 4)) == 0 else None
    twaalf = None
    if draw(st.integers(0, 4)) == 0:
        twaalf = date(b.year + draw(st.integers(13, 18)), 7, 31)
    return b, peil, sk, pro, twaalf


FIELDS = ("status", "leerplicht_start", "leerplicht_einde", "kwalificatieplicht_start",
          "kwalificatieplicht_einde", "rmc_start", "rmc_einde")

SQL = """
    SELECT i, lpw_status(b, p, sk, pro, tw), lpw_leerplicht_start(b), lpw_leerplicht_einde_op(b, p, tw),
           lpw_kwalificatieplicht_start_op(b, p, sk, pro, tw),
           lpw_kwalificatieplicht_einde_op(b, p, sk, pro, tw),
           lpw_rmc_start_op(b, p, sk, tw, pro), lpw_rmc_einde_op(b, p, sk, tw, pro),
           lpw_rmc_start(b, sk, tw, pro), lpw_rmc_einde(b, sk, tw, pro)
    FROM (SELECT unnest(?) AS i, unnest(?::DATE[]) AS b, unnest(?::DATE[]) AS p, unnest(?::DATE[]) AS sk,
                 unnest(?::DATE[]) AS pro, unnest(?::DATE[]) AS tw)
    ORDER BY i
"""


def _compare(con: duckdb.DuckDBPyConnection, batch: list[tuple], parameters: Parameters) -> None:
    """One DuckDB query for the whole batch, then each row against `bepaal_status`."""
    columns = [list(range(len(batch)))] + [list(col) for col in zip(*batch, strict=True)]
    rows = con.execute(SQL, columns).fetchall()
    assert len(rows) == len(batch)
    for (b, peil, sk, pro, twaalf), row in zip(batch, rows, strict=True):
        s = bepaal_status(b, peil, sk, pro, twaalf, parameters=parameters)
        python = (str(s.status), leerplicht_start(b, parameters=parameters), s.leerplicht_einde,
                  s.kwalificatieplicht_start, s.kwalificatieplicht_einde, s.rmc_start, s.rmc_einde,
                  rmc_start(b, sk, twaalf, pro_vso_datum=pro, parameters=parameters),
                  rmc_einde(b, sk, twaalf, pro_vso_datum=pro, parameters=parameters))
        assert tuple(row[1:]) == python, f"birth={b} peil={peil} sk={sk} pro={pro} twaalf={twaalf}"


# Batches of 200 on purpose (one query per example keeps thousands of cases fast), hence the health check.
# No shrinking: the assertion names the failing row, and shrinking a list of 200 takes minutes.
BATCHED = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.large_base_example, HealthCheck.too_slow],
    "phases": [Phase.explicit, Phase.reuse, Phase.generate],
}


@settings(max_examples=30, **BATCHED)
@given(st.lists(cases(), min_size=200, max_size=200))
def test_sql_agrees_with_python(batch: list[tuple]) -> None:
    with duckdb.connect() as con:
        install_macros(con)
        _compare(con, batch, PARAMETERS)


@settings(max_examples=10, **BATCHED)
@given(st.lists(cases(), min_size=200, max_size=200))
def test_sql_agrees_with_python_after_a_change_in_the_law(batch: list[tuple]) -> None:
    with duckdb.connect() as con:
        install_macros(con, RMC_30)
        _compare(con, batch, RMC_30)


# -- a change in the law changes the SQL without code edits ------------------------------------------------


def test_a_new_dated_value_changes_the_generated_sql() -> None:
    before, after = macro_definitions(), macro_definitions(RMC_30)
    rmc_before = next(s for s in before if "lpw_p_rmc_leeftijd(" in s.split(" AS ")[0])
    rmc_after = next(s for s in after if "lpw_p_rmc_leeftijd(" in s.split(" AS ")[0])
    assert "WHEN d >= DATE '2026-01-01' THEN 27 WHEN d >= DATE '2007-08-01' THEN 23" in rmc_before
    assert "THEN 30" not in rmc_before
    assert ("WHEN d >= DATE '2030-01-01' THEN 30 WHEN d >= DATE '2026-01-01' THEN 27 "
            "WHEN d >= DATE '2007-08-01' THEN 23") in rmc_after


def test_a_new_rmc_age_changes_sql_outcomes_after_its_date_only() -> None:
    query = """SELECT lpw_status(DATE '2002-06-15', DATE '2029-12-31'),
                      lpw_status(DATE '2002-06-15', DATE '2030-01-01'), lpw_rmc_einde(DATE '2002-06-15')"""
    with duckdb.connect() as old, duckdb.connect() as new:
        install_macros(old)
        install_macros(new, RMC_30)
        assert old.execute(query).fetchone() == ("geen", "geen", D("2029-06-14"))
        assert new.execute(query).fetchone() == ("geen", "rmc_doelgroep", D("2032-06-14"))


SWITCH_2026 = [  # (birth, peildatum, status, rmc_einde on the peildatum): as tests/rules/test_status.py
    ("2002-06-15", "2025-06-15", "geen", "2025-06-14"),
    ("2002-06-15", "2026-01-01", "rmc_doelgroep", "2029-06-14"),
    ("2001-07-01", "2025-12-31", "geen", "2024-06-30"),
    ("2001-07-01", "2026-01-01", "rmc_doelgroep", "2028-06-30"),
    ("1999-01-01", "2026-01-01", "geen", "2025-12-31"),
    ("1999-01-02", "2026-01-01", "rmc_doelgroep", "2026-01-01"),
    ("1999-01-02", "2026-01-02", "geen", "2026-01-01"),
    ("2003-01-01", "2025-12-31", "rmc_doelgroep", "2025-12-31"),
    ("2003-01-01", "2026-01-01", "rmc_doelgroep", "2029-12-31"),
]


@pytest.mark.parametrize("birth,peil,status,einde", SWITCH_2026)
def test_the_rmc_age_switch_on_1_january_2026_in_sql(con, birth: str, peil: str, status: str,
                                                     einde: str) -> None:
    row = con.execute("SELECT lpw_status(?::DATE, ?::DATE), lpw_rmc_einde_op(?::DATE, ?::DATE)",
                      [birth, peil, birth, peil]).fetchone()
    assert row == (status, D(einde))
    python = bepaal_status(D(birth), D(peil))
    assert (str(python.status), python.rmc_einde) == row


# -- partly unknown birth dates ----------------------------------------------------------------------------


def test_possible_statuses_in_sql(con) -> None:
    row = con.execute("""
        SELECT lpw_mogelijke_statussen(DATE '2007-08-01', DATE '2007-08-31', DATE '2025-08-15'),
               lpw_controle_nodig(DATE '2007-08-01', DATE '2007-08-31', DATE '2025-08-15'),
               lpw_status_zeker(DATE '2007-08-01', DATE '2007-08-31', DATE '2025-08-15'),
               lpw_controle_nodig(DATE '2010-08-01', DATE '2010-08-31', DATE '2026-10-01'),
               lpw_status_zeker(DATE '2010-08-01', DATE '2010-08-31', DATE '2026-10-01'),
               lpw_mogelijke_statussen(DATE '1900-01-01', DATE '2099-12-31', DATE '2025-08-15')
    """).fetchone()
    assert row == (["kwalificatieplichtig", "rmc_doelgroep"], True, None, False, "leerplichtig",
                   ["geen", "kwalificatieplichtig", "leerplichtig", "niet_leerplichtig", "rmc_doelgroep"])


def test_geen_and_rmc_possible_is_flagged(con) -> None:
    """Oldest possible: past 27 (geen); youngest: 17 with a PrO certificate (RMC doelgroep)."""
    row = con.execute("""
        SELECT lpw_status(DATE '1990-01-01', DATE '2025-03-01', NULL, DATE '2023-06-30'),
               lpw_status(DATE '2008-01-01', DATE '2025-03-01', NULL, DATE '2023-06-30'),
               lpw_mogelijke_statussen(DATE '1990-01-01', DATE '2008-01-01', DATE '2025-03-01', NULL,
                                       DATE '2023-06-30'),
               lpw_controle_nodig(DATE '1990-01-01', DATE '2008-01-01', DATE '2025-03-01', NULL,
                                  DATE '2023-06-30')
    """).fetchone()
    assert row == ("geen", "rmc_doelgroep", ["geen", "rmc_doelgroep"], True)


partial = st.one_of(
    st.builds(PartialDate.from_parts, st.integers(1984, 2030), st.integers(1, 12)),
    st.builds(PartialDate.from_parts, st.integers(1984, 2030)),
    st.builds(PartialDate.from_parts, st.integers(1984, 2030), st.integers(1, 12), st.integers(1, 28)),
    st.just(PartialDate(None)),
)


@settings(max_examples=20, **BATCHED)
@given(st.lists(st.tuples(partial, st.dates(D("2007-08-01"), D("2045-12-31")), optional),
                min_size=100, max_size=100))
def test_partial_dates_sql_agrees_with_python(batch: list[tuple]) -> None:
    with duckdb.connect() as con:
        install_macros(con)
        rows = con.execute("""
            SELECT i, lpw_mogelijke_statussen(v, l, p, sk), lpw_controle_nodig(v, l, p, sk),
                   lpw_status_zeker(v, l, p, sk)
            FROM (SELECT unnest(?) AS i, unnest(?::DATE[]) AS v, unnest(?::DATE[]) AS l,
                         unnest(?::DATE[]) AS p, unnest(?::DATE[]) AS sk)
            ORDER BY i
        """, [list(range(len(batch))), [g.earliest for g, _, _ in batch], [g.latest for g, _, _ in batch],
              [p for _, p, _ in batch], [sk for _, _, sk in batch]]).fetchall()
    for (g, peil, sk), row in zip(batch, rows, strict=True):
        r = bepaal_status_onzeker(g, peil, sk)
        assert row[1:] == (sorted(str(s) for s in r.mogelijke_statussen), r.controle_nodig,
                           None if r.status is None else str(r.status)), f"{g} {peil} {sk}"


def test_status_sql_columns_over_a_persons_table(con) -> None:
    con.execute("""
        CREATE TABLE personen AS SELECT * FROM (VALUES
            ('a', DATE '2015-09-02', DATE '2015-09-02', NULL::DATE),
            ('b', DATE '2007-08-01', DATE '2007-08-31', NULL::DATE),
            ('c', DATE '1900-01-01', DATE '2099-12-31', NULL::DATE),
            ('d', DATE '2005-01-01', DATE '2005-12-31', DATE '2024-06-01')
        ) AS t(id, geboortedatum_vroegst, geboortedatum_laatst, sk_datum)
    """)
    rows = con.execute(
        f"SELECT id, {status_sql_columns(peildatum=chr(39).join(['DATE ', '2025-08-15', '']))} "
        "FROM personen ORDER BY id"
    ).fetchall()
    assert [r[:5] for r in rows] == [
        ("a", "leerplichtig", "leerplichtig", "leerplichtig", False),
        ("b", None, "rmc_doelgroep", "kwalificatieplichtig", True),
        ("c", None, "geen", "niet_leerplichtig", True),
        ("d", "geen", "geen", "geen", False),
    ]
    assert rows[0][5] == D("2020-10-01")  # leerplicht_start
    assert rows[1][6] == D("2030-08-30")  # rmc_einde from the latest possible birth date, law of 2025


def test_macros_are_temporary_by_default_and_can_be_reinstalled(tmp_path) -> None:
    path = tmp_path / "staging.duckdb"
    with duckdb.connect(str(path)) as con:
        install_macros(con)
        install_macros(con)  # CREATE OR REPLACE: installing twice is fine
        assert con.execute("SELECT lpw_status(DATE '2015-09-02', DATE '2020-10-01')").fetchone() == (
            "leerplichtig",)
    with duckdb.connect(str(path)) as con, pytest.raises(duckdb.CatalogException):
        con.execute("SELECT lpw_status(DATE '2015-09-02', DATE '2020-10-01')")
