"""Test data for the register tests: valid person numbers and signal rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from connectors.persoonsnummer import is_bsn
from registers.codes import ReasonCode

WEEK1, WEEK2, WEEK3 = date(2026, 9, 7), date(2026, 9, 14), date(2026, 9, 21)


def _bsns(count: int, start: int = 99999000) -> list[str]:
    """The first `count` 9-digit numbers from `start`·10 that pass the elfproef (test BSNs, 9999…)."""
    found: list[str] = []
    candidate = start * 10
    while len(found) < count:
        number = f"{candidate:09d}"
        if is_bsn(number):
            found.append(number)
        candidate += 1
    return found


BSNS = _bsns(20)


def signal_row(persoonsnummer: str, signal: ReasonCode, *, peildatum: date = WEEK1, sinds: date | None = None,
               gemeentecode: str = "0363", **extra: Any) -> dict[str, Any]:
    return {"persoonsnummer": persoonsnummer, "gemeentecode": gemeentecode, "signal": signal.value,
            "sinds": sinds, "peildatum": peildatum, **extra}


TESTER = "tester"


def add_tester(session, login: str = TESTER, rol: str = "lpa", naam: str = "Tess Tester") -> str:
    """A named user to act as on the command line (`--by tester`); returns the login."""
    from registers.gebruikers import add_user

    add_user(session, login, naam, rol, "correct horse battery")
    session.commit()
    return login


#: A child leerplichtig from 2020 to 31 July 2031 (11 on 1 September 2026): every art. 5 ground fits.
LEERPLICHTIG_GEBOREN = date(2015, 3, 15)
#: Kwalificatieplichtig from 1 August 2025 to 14 March 2027: art. 15 fits in school year 2026-2027.
KWALIFICATIEPLICHTIG_GEBOREN = date(2009, 3, 15)


def known_persons(session: Any, numbers: list[str], geboren: date = LEERPLICHTIG_GEBOREN,
                  gemeentecode: str = "0363") -> None:
    """Persons the registers know the birth date of (`personen`, as the weekly refresh leaves them), so
    that a vrijstelling can be checked against the law (registers.vrijstellingen.check_fits)."""
    from registers.models import Persoon

    for number in numbers:
        session.merge(Persoon(persoonsnummer=number, gemeentecode=gemeentecode, geboortedatum=geboren,
                              bijgewerkt_op=date(2026, 9, 1)))
    session.flush()
