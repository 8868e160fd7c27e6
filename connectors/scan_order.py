"""Letting DuckDB read and write without keeping the scan order, for statements whose rows carry
their own line number.

Why: with `preserve_insertion_order` on, an insert of a national file runs on one thread; off, on
both (about twice as fast). Only safe where nothing depends on the physical order: the line is
numbered where the file is read (`WITH ORDINALITY`), never from row ids or `row_number() OVER ()`.
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
