"""Whether DuckDB keeps the scan order in a statement: the two settings the readers switch.

Why: a national file's statements should run on both cores. Rows that carry their own line number
need no order (`any_order`); rows whose line is their position must keep it (`in_order`: DuckDB
keeps the order of a parallel scan and projection, not of a join). Numbering rows where they are
read (`WITH ORDINALITY`, `row_number() OVER ()`) makes the whole statement single-threaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


@contextmanager
def any_order(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """`preserve_insertion_order = false` for the statements inside, restored afterwards.

    On an error the transaction is aborted and takes no SET: `Staging.import_file` resets the
    setting before the next import.
    """
    keep_order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET preserve_insertion_order = false")
    yield
    con.execute(f"SET preserve_insertion_order = {'true' if keep_order else 'false'}")


@contextmanager
def in_order(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The rows keep the relation's order (so a rowid is a record number), read on every thread.

    DuckDB's `in_clause` optimizer would turn the IN lists of the checks into joins, which lose the
    order, so it is off for the statement (an IN list of a few codes is as cheap evaluated in place).
    """
    keep_order, disabled = con.execute(
        "SELECT current_setting('preserve_insertion_order'), current_setting('disabled_optimizers')"
    ).fetchone()
    con.execute("SET preserve_insertion_order = true")
    off = ",".join(filter(None, [disabled, "in_clause"]))
    con.execute(f"SET disabled_optimizers = '{off}'")
    yield
    con.execute(f"SET preserve_insertion_order = {'true' if keep_order else 'false'}")
    con.execute(f"SET disabled_optimizers = '{disabled}'")
