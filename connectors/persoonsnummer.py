"""BSN and onderwijsnummer checks (the elfproef), in Python and as DuckDB macros.

Both numbers have 9 digits and the weights 9, 8, ..., 2, -1. A BSN gives a weighted sum divisible
by 11; an onderwijsnummer starts with `10` and gives a remainder of 5 (python-stdnum
`nl/onderwijsnummer.py`). The SQL macros make the same check in bulk so that readers never pull
millions of numbers into Python; tests prove both agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the checks are plain Python; only register_macros needs a connection
    import duckdb

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def _weighted_sum(number: str) -> int | None:
    if len(number) != 9 or not number.isascii() or not number.isdigit():
        return None
    return sum(int(digit) * weight for digit, weight in zip(number, _WEIGHTS, strict=True))


def is_bsn(number: str | None) -> bool:
    """True when `number` is 9 digits passing the elfproef (000000000 is never a BSN)."""
    if number is None:
        return False
    total = _weighted_sum(number)
    return total is not None and total % 11 == 0 and number != "000000000"


def is_onderwijsnummer(number: str | None) -> bool:
    """True when `number` is a 9-digit onderwijsnummer: starts with 10, weighted sum mod 11 is 5."""
    if number is None:
        return False
    total = _weighted_sum(number)
    return total is not None and number.startswith("10") and total % 11 == 5


def is_persoonsnummer(number: str | None) -> bool:
    """A BSN or an onderwijsnummer: what DUO calls the persoonsgebonden nummer."""
    return is_bsn(number) or is_onderwijsnummer(number)


# The weighted sum in SQL, from one integer (digit arithmetic is much cheaper than nine substrings);
# NULL unless the text is exactly 9 ASCII digits.
_SQL_SUM = (
    "CASE WHEN regexp_full_match(n, '[0-9]{9}') THEN "
    + " + ".join(f"({w}) * ((n::BIGINT // {10 ** (8 - i)}) % 10)" for i, w in enumerate(_WEIGHTS))
    + " END"
)

# For bulk checks: the same sum from an integer column computed once per row in a subquery
# (`is_bsn_fast(n, try_cast(n AS BIGINT))`): about twice as fast as `is_bsn(n)` on millions of rows.
_SQL_SUM_INT = " + ".join(f"({w}) * ((i // {10 ** (8 - k)}) % 10)" for k, w in enumerate(_WEIGHTS))

SQL_MACROS = f"""
CREATE OR REPLACE TEMP MACRO elfproef_som(n) AS ({_SQL_SUM});
CREATE OR REPLACE TEMP MACRO is_bsn_fast(n, i) AS
    coalesce(regexp_full_match(n, '[0-9]{{9}}') AND ({_SQL_SUM_INT}) % 11 = 0 AND i <> 0, false);
CREATE OR REPLACE TEMP MACRO is_bsn(n) AS
    coalesce(elfproef_som(n) % 11 = 0 AND n <> '000000000', false);
CREATE OR REPLACE TEMP MACRO is_onderwijsnummer(n) AS
    coalesce(elfproef_som(n) % 11 = 5 AND starts_with(n, '10'), false);
CREATE OR REPLACE TEMP MACRO is_persoonsnummer(n) AS (is_bsn(n) OR is_onderwijsnummer(n));
CREATE OR REPLACE TEMP MACRO is_persoonsnummer_fast(n, i) AS
    coalesce(CASE WHEN regexp_full_match(n, '[0-9]{{9}}') THEN
        CASE WHEN i // 10000000 = 10 THEN ({_SQL_SUM_INT}) * 9 % 11 <= 1
             ELSE ({_SQL_SUM_INT}) % 11 = 0 AND i <> 0 END END, false);
"""
# `is_persoonsnummer_fast` computes the weighted sum once per number (half the cost of the plain OR of
# both checks on a national file): a number starting with 10 is a BSN or an onderwijsnummer when the
# sum mod 11 is 0 or 5, which is (sum * 9) mod 11 <= 1 (times 9 maps 0 to 0 and 5 to 1, and no other
# remainder to 0 or 1; the sum is not negative there); any other number must be a BSN.


def register_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp macros `is_bsn`, `is_onderwijsnummer`, `is_persoonsnummer` on `con`."""
    con.execute(SQL_MACROS)
