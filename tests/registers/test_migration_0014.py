"""Revision 0014 on PostgreSQL: every policy that asks for the user's gemeenten asks once per query
(a scalar subquery), and going back to 0013 gives the per-row form again. What the policies allow is
tested where they are used (tests/registers/test_privilege_matrix.py, tests/web/test_postgres.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from registers.db import downgrade, make_engine, upgrade

pytestmark = pytest.mark.postgres


def _conditions(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT tablename || '.' || policyname, coalesce(qual, '') || ' | ' || coalesce(with_check, '') "
            "FROM pg_policies WHERE schemaname = current_schema() "
            "AND (qual LIKE '%inbeeld_mijn_gemeenten%' OR with_check LIKE '%inbeeld_mijn_gemeenten%')")).all()
    engine.dispose()
    return dict(rows)


def test_the_gemeenten_are_asked_once_per_query_and_back_per_row_on_downgrade(pg_server) -> None:
    url = pg_server.create_database("rls0014")
    upgrade(url, "0013")
    before = _conditions(url)
    assert {"cases.cases_lpa", "cases.cases_rmc", "personen.personen_lpa",
            "personen.personen_rmc"} <= set(before)
    assert all("SELECT inbeeld_mijn_gemeenten()" not in condition for condition in before.values())
    upgrade(url)
    after = _conditions(url)
    assert set(after) == set(before)
    for name, condition in after.items():
        assert "ANY ((inbeeld_mijn_gemeenten())" not in condition, name
        assert condition.count("SELECT inbeeld_mijn_gemeenten()") == 2, name  # USING and WITH CHECK
    downgrade(url, "0013")
    assert _conditions(url) == before
