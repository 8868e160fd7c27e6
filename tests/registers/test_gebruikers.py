"""Named users on both databases: argon2 passwords, the lockout, and the command line acting only
under a login (docs/spec.md §7), never the operating-system account."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cli import main
from registers.errors import Refused
from registers.gebruikers import (
    BLOKKADE,
    MAX_POGINGEN,
    add_user,
    disable_user,
    get_user,
    list_users,
    require_user,
    verify_password,
)
from registers.models import AuditEntry, Gebruiker

PASSWORD = "correct horse battery"


def test_a_user_is_stored_with_an_argon2_hash_only(session: Session) -> None:
    user = add_user(session, "JJansen", "J. Jansen", "lpa", PASSWORD, gemeenten=["363", "0599"])
    session.commit()

    stored = session.scalars(select(Gebruiker)).one()
    assert (stored.login, stored.naam, stored.rol.value, stored.gemeenten) == (
        "jjansen", "J. Jansen", "lpa", ["0363", "0599"])
    assert stored.wachtwoord_hash.startswith("$argon2id$") and PASSWORD not in stored.wachtwoord_hash
    assert user.actief and stored.mislukte_pogingen == 0
    assert get_user(session, "jjansen") is stored and get_user(session, "nobody") is None
    assert [u.login for u in list_users(session)] == ["jjansen"]
    assert verify_password(session, "jjansen", PASSWORD) is stored
    assert verify_password(session, "jjansen", "wrong password!") is None
    assert verify_password(session, "nobody", PASSWORD) is None


@pytest.mark.parametrize(("login", "rol", "wachtwoord", "message"), [
    ("systeem", "lpa", PASSWORD, "ongeldige login"),
    ("a b", "lpa", PASSWORD, "ongeldige login"),
    ("piet", "koning", PASSWORD, "unknown rol"),
    ("piet", "lpa", "kort", "te kort"),
])
def test_bad_users_are_refused(session: Session, login: str, rol: str, wachtwoord: str, message: str) -> None:
    with pytest.raises(Refused, match=message):
        add_user(session, login, "Piet", rol, wachtwoord)


def test_a_login_is_used_once(session: Session) -> None:
    add_user(session, "piet", "Piet", "rmc", PASSWORD)
    with pytest.raises(Refused, match="bestaat al"):
        add_user(session, "Piet", "Piet 2", "rmc", PASSWORD)


def test_a_login_with_capitals_or_blanks_is_the_same_user(session: Session) -> None:
    stored = add_user(session, " JJansen ", "J. Jansen", "lpa", PASSWORD)
    assert stored.login == "jjansen"
    for typed in ("jjansen", " JJansen ", "JJANSEN\t"):
        assert get_user(session, typed) is stored and require_user(session, typed) is stored
        assert verify_password(session, typed, PASSWORD) is stored
    with pytest.raises(Refused, match="bestaat al"):
        add_user(session, "JJANSEN ", "J. Jansen 2", "lpa", PASSWORD)


def test_five_failures_block_the_login_for_fifteen_minutes(session: Session) -> None:
    add_user(session, "piet", "Piet", "lpa", PASSWORD)
    start = datetime(2026, 12, 6, 9, 0)
    for attempt in range(MAX_POGINGEN - 1):
        assert verify_password(session, "piet", "guess " + "x" * attempt, now=start) is None
    assert get_user(session, "piet").mislukte_pogingen == MAX_POGINGEN - 1
    assert verify_password(session, "piet", PASSWORD, now=start) is not None  # a success resets the count
    assert get_user(session, "piet").mislukte_pogingen == 0
    for _ in range(MAX_POGINGEN):
        assert verify_password(session, "piet", "guess", now=start) is None
    assert get_user(session, "piet").geblokkeerd_tot == start + BLOKKADE
    assert verify_password(session, "piet", PASSWORD, now=start + BLOKKADE - timedelta(seconds=1)) is None
    assert verify_password(session, "piet", PASSWORD, now=start + BLOKKADE) is not None
    session.commit()
    actions = session.scalars(select(AuditEntry.action)).all()
    assert "gebruiker.geblokkeerd" in actions


def test_a_disabled_user_cannot_log_in(session: Session) -> None:
    add_user(session, "piet", "Piet", "lpa", PASSWORD)
    disable_user(session, "piet")
    assert verify_password(session, "piet", PASSWORD) is None
    with pytest.raises(Refused, match="geen gebruiker"):
        disable_user(session, "klaas")


def test_the_command_line_acts_only_under_a_named_user(db_url: str, tmp_path: Path, engine) -> None:
    base = ["--data-dir", str(tmp_path / "data"), "--db-url", db_url]

    def run(*args: str, **env: str):
        return CliRunner().invoke(main, [*base, *args], env={"INBEELD_GEBRUIKER": None, **env})

    no_one = run("cases", "list")
    assert no_one.exit_code == 1 and "Geef --by LOGIN" in no_one.output
    first = run("gebruiker", "add", "beheerder", "--naam", "B. Heer", "--rol", "beheer",
                INBEELD_WACHTWOORD=PASSWORD)
    assert first.exit_code == 0, first.output
    second = run("gebruiker", "add", "jan", "--naam", "J. Jansen", "--rol", "lpa",
                 INBEELD_WACHTWOORD=PASSWORD)
    assert second.exit_code == 1 and "Geef --by LOGIN (beheer)" in second.output
    prompted = CliRunner().invoke(main, [*base, "--by", "beheerder", "gebruiker", "add", "jan", "--naam",
                                         "J. Jansen", "--rol", "lpa", "--gemeenten", "0363"],
                                  input=f"{PASSWORD}\n{PASSWORD}\n", env={"INBEELD_WACHTWOORD": None})
    assert prompted.exit_code == 0, prompted.output
    not_beheer = run("--by", "jan", "gebruiker", "disable", "beheerder")
    assert not_beheer.exit_code == 1 and "alleen beheer" in not_beheer.output
    unknown = run("cases", "list", INBEELD_GEBRUIKER="klaas")
    assert unknown.exit_code == 1 and "er is geen gebruiker 'klaas'" in unknown.output

    listed = run("gebruiker", "list", "--format", "json", INBEELD_GEBRUIKER="jan")
    assert listed.exit_code == 0, listed.output
    assert [(u["login"], u["rol"], u["gemeenten"]) for u in json.loads(listed.output)] == [
        ("beheerder", "beheer", ""), ("jan", "lpa", "0363")]
    assert run("--by", " Beheerder ", "gebruiker", "list").exit_code == 0  # the same user, audited as such
    assert run("--by", "beheerder", "gebruiker", "disable", "jan").exit_code == 0
    disabled = run("cases", "list", INBEELD_GEBRUIKER="jan")
    assert disabled.exit_code == 1 and "uitgeschakeld" in disabled.output

    with engine.connect() as connection:
        actors = {row.actor for row in connection.execute(text("SELECT actor FROM audit_log"))}
    assert actors == {"beheerder"}  # adding and disabling users; jan read no one's data
