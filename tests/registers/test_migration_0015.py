"""Revision 0015 on PostgreSQL: the policies on person records ask whether a person is the user's
through the view `inbeeld_mijn_personen`, the gemeenten asked once per query instead of a function
call per row, and let through exactly the rows they did at 0014; going back to 0014 gives the
per-row form again."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ProgrammingError

from registers.db import downgrade, make_engine, upgrade

pytestmark = pytest.mark.postgres

# persoonsnummer -> (gemeente in `personen`, gemeente and signal of their case); None: no such row
PERSONS = {
    "900000001": ("0363", ("0363", "ABSOLUUT_VERZUIM")),
    "900000002": ("0599", ("0599", "ABSOLUUT_VERZUIM")),
    "900000003": ("0599", ("0363", "GEEN_INSCHRIJVING_RMC")),  # moved away, the case stays ours
    "900000004": (None, ("0363", "VSV")),
    "900000005": ("0363", None),
    "900000006": ("0599", None),
    "900000007": (None, ("0599", "GEEN_INSCHRIJVING_RMC")),
}
OURS = {"900000001", "900000003", "900000004", "900000005"}  # in 0363's personen or with a 0363 case
TABLES = {"inbeeld_lpa": ("dossiers", "afspraken", "verzuimmeldingen", "vrijstellingen", "vsv_register"),
          "inbeeld_rmc": ("dossiers", "afspraken", "verzuimmeldingen", "vsv_register")}


def _fill(url: str) -> None:
    """Every person above with a record in each table; the database's login serves 0363."""
    engine = make_engine(url)
    with engine.begin() as connection:
        for index, (number, (gemeente, case)) in enumerate(sorted(PERSONS.items()), start=1):
            values = {"n": number, "g": gemeente, "i": index}
            if gemeente:
                connection.execute(text("INSERT INTO personen (persoonsnummer, gemeentecode, bijgewerkt_op) "
                                        "VALUES (:n, :g, DATE '2026-09-07')"), values)
            if case:
                connection.execute(text(
                    "INSERT INTO dossiers (id, persoonsnummer, gemeentecode, status, team, opened_on) "
                    "VALUES (:i, :n, :g, 'open', 'lpa', DATE '2026-06-01')"), {**values, "g": case[0]})
                connection.execute(text(
                    "INSERT INTO cases (persoonsnummer, gemeentecode, signal, status, opened_on, last_seen, "
                    "dossier_id) VALUES (:n, :g, :s, 'open', DATE '2026-06-01', DATE '2026-09-07', :i)"),
                    {**values, "g": case[0], "s": case[1]})
            connection.execute(text(
                "INSERT INTO verzuimmeldingen (meldingsnummer, brin, persoonsnummer, soort, begindatum, "
                "status, status_datum) VALUES (:m, '00AA', :n, :s, DATE '2026-09-01', 'geregistreerd', "
                "DATE '2026-09-01')"), {**values, "m": f"M{index}", "s": "RMC" if index % 2 else "LRV"})
            connection.execute(text(
                "INSERT INTO afspraken (medewerker, start, einde, locatie, status, persoonsnummer, by, "
                "recorded_at) VALUES (:m, TIMESTAMP '2026-09-08 09:00', TIMESTAMP '2026-09-08 09:30', "
                "'Stadhuis', 'gepland', :n, 'lpa', TIMESTAMP '2026-09-07 08:00')"),
                {**values, "m": f"lpa{index}"})
            connection.execute(text("INSERT INTO vrijstellingen (persoonsnummer, grond, begindatum) "
                                    "VALUES (:n, 'LPW_5_C', DATE '2026-01-01')"), values)
            connection.execute(text("INSERT INTO vsv_register (persoonsnummer, convenantjaar, "
                                    "startset_datum) VALUES (:n, 2026, DATE '2025-10-01')"), values)
        connection.execute(text("INSERT INTO gemeente_toegang (login, gemeentecode) "
                                "VALUES (session_user, '0363')"))
    engine.dispose()


def _may_plan(connection: Connection, number: str) -> bool:
    """Whether the LPA may make an appointment with `number` (the policies' WITH CHECK)."""
    try:
        with connection.begin_nested():
            connection.execute(text(
                "INSERT INTO afspraken (medewerker, start, einde, locatie, status, persoonsnummer, by, "
                "recorded_at) VALUES ('lpa', TIMESTAMP '2026-09-09 09:00', TIMESTAMP '2026-09-09 09:30', "
                "'Stadhuis', 'gepland', :n, 'lpa', TIMESTAMP '2026-09-07 08:00')"), {"n": number})
            raise _Undo
    except _Undo:
        return True
    except ProgrammingError:
        return False


class _Undo(Exception):
    pass


def _seen(url: str) -> dict[str, object]:
    """Per role and table the persons whose rows it reads; which appointments the LPA may make; and
    how often each helper function ran for one count of the dossiers."""
    engine = make_engine(url)
    seen: dict[str, object] = {}
    with engine.connect() as connection:
        for role, tables in TABLES.items():
            with connection.begin():
                connection.execute(text(f"SET LOCAL ROLE {role}"))
                for table in tables:
                    seen[f"{role} {table}"] = sorted(connection.execute(text(
                        f"SELECT persoonsnummer FROM {table}")).scalars())
                if role == "inbeeld_lpa":
                    seen["lpa may plan"] = sorted(n for n in PERSONS if _may_plan(connection, n))
        with connection.begin():
            connection.execute(text("SET LOCAL track_functions = 'all'"))
            connection.execute(text("SET LOCAL ROLE inbeeld_lpa"))
            connection.execute(text("SELECT count(*) FROM dossiers")).scalar_one()
            connection.execute(text("RESET ROLE"))
            seen["calls"] = dict(connection.execute(text(
                "SELECT proname, pg_stat_get_xact_function_calls(oid) FROM pg_proc "
                "WHERE proname IN ('inbeeld_mijn_persoon', 'inbeeld_mijn_gemeenten') "
                "AND pronamespace = current_schema()::regnamespace")).all())
    engine.dispose()
    return seen


def _conditions(url: str, function: str) -> dict[str, str]:
    """The policies that call `function`, with their conditions."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT tablename || '.' || policyname, coalesce(qual, '') || ' | ' || coalesce(with_check, '') "
            "FROM pg_policies WHERE schemaname = current_schema() "
            "AND (strpos(qual, :f) > 0 OR strpos(with_check, :f) > 0)"), {"f": f"{function}("}).all()
    engine.dispose()
    return dict(rows)


def test_the_persons_are_asked_once_per_query_for_the_same_rows_and_per_row_again_on_downgrade(
        pg_server) -> None:
    url = pg_server.create_database("rls0015")
    upgrade(url, "0014")
    _fill(url)
    conditions = _conditions(url, "inbeeld_mijn_persoon")
    assert set(conditions) == {f"{table}.{table}_{role}" for role in ("lpa", "rmc") for table in (
        "dossiers", "afspraken", "verzuimmeldingen", "vsv_register")} | {"vrijstellingen.vrijstellingen_lpa"}
    before = _seen(url)
    calls = before.pop("calls")
    assert calls["inbeeld_mijn_persoon"] == 5  # per row: every dossier looked at
    assert calls["inbeeld_mijn_gemeenten"] >= 5
    for table in TABLES["inbeeld_lpa"]:
        assert set(before[f"inbeeld_lpa {table}"]) <= OURS, table
    assert set(before["inbeeld_lpa afspraken"]) == OURS
    assert before["lpa may plan"] == sorted(OURS)
    assert before["inbeeld_rmc verzuimmeldingen"] == ["900000001", "900000003", "900000005"]  # soort RMC

    upgrade(url)
    assert not _conditions(url, "inbeeld_mijn_persoon")
    after_conditions = {name: condition for name, condition in _conditions(url, "EXISTS ").items()
                        if "FROM inbeeld_mijn_personen m" in condition}
    assert set(after_conditions) == set(conditions)
    for name, condition in after_conditions.items():
        table = name.split(".")[0]
        assert condition.count(f"(m.persoonsnummer)::text = ({table}.persoonsnummer)::text") == 2, name
    after = _seen(url)
    calls = after.pop("calls")
    assert "inbeeld_mijn_persoon" not in calls
    assert calls["inbeeld_mijn_gemeenten"] <= 2  # once per query (for each half of the view), not per row
    assert after == before
    engine = make_engine(url)
    with engine.connect() as connection:  # what the view shows a user: the own persons, as before
        for role in TABLES:
            with connection.begin():
                connection.execute(text(f"SET LOCAL ROLE {role}"))
                assert set(connection.execute(text("SELECT persoonsnummer FROM inbeeld_mijn_personen"))
                           .scalars()) == OURS, role

    engine.dispose()
    downgrade(url, "0014")
    assert _conditions(url, "inbeeld_mijn_persoon") == conditions
    back = _seen(url)
    assert back.pop("calls")["inbeeld_mijn_persoon"] == 5
    assert back == before
