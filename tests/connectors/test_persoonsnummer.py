"""The elfproef in Python and in SQL agree, and known numbers come out right."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.persoonsnummer import is_bsn, is_onderwijsnummer, is_persoonsnummer, register_macros


def test_known_numbers() -> None:
    assert is_bsn("999993653") and is_bsn("111222333")
    assert not is_bsn("999993654") and not is_bsn("000000000") and not is_bsn("99999365")
    assert not is_bsn("99999365a") and not is_bsn(None) and not is_bsn("９９９９９３６５３")
    # 101234503: 9+0+7+12+15+16+15+0-3 = 71, 71 % 11 = 5
    assert is_onderwijsnummer("101234503") and not is_bsn("101234503")
    assert not is_onderwijsnummer("101234504") and not is_onderwijsnummer("999993653")
    assert is_persoonsnummer("101234503") and is_persoonsnummer("999993653")
    assert not is_onderwijsnummer("201234503")


_CON = duckdb.connect()
register_macros(_CON)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.from_regex(r"[0-9]{9}", fullmatch=True), st.text(max_size=10)), min_size=1))
def test_sql_and_python_agree(numbers: list[str]) -> None:
    rows = _CON.execute(
        "SELECT n, is_bsn(n), is_onderwijsnummer(n), is_bsn_fast(n, try_cast(n AS BIGINT)) "
        "FROM unnest(?::VARCHAR[]) t(n)", [numbers]
    ).fetchall()
    for n, bsn, onderwijs, fast in rows:
        assert bsn == fast == is_bsn(n), n
        assert onderwijs == is_onderwijsnummer(n), n


def test_bulk_persoonsnummer_check_agrees_on_every_number_of_a_range() -> None:
    """`is_persoonsnummer_fast` sums once and tests `(sum * 9) % 11 <= 1` for numbers starting with 10:
    every number in two dense ranges (onderwijsnummers and BSNs alike) agrees with Python."""
    numbers = [str(n) for n in (*range(101_234_000, 101_236_000), *range(999_990_000, 999_992_000))]
    numbers += ["000000000", "100000000", "010000000", "-10000000", "+99999365", "10000000a"]
    rows = _CON.execute(
        "SELECT n, is_persoonsnummer_fast(n, try_cast(n AS BIGINT)) FROM unnest(?::VARCHAR[]) t(n)", [numbers]
    ).fetchall()
    assert [n for n, fast in rows if fast != is_persoonsnummer(n)] == []
    assert sum(fast for _, fast in rows) > 300  # both kinds occur in the ranges
