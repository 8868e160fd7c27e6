"""Refusals are Dutch for the user, on the screen and the command line alike: one table
(registers/meldingen.py), a code on every refusal of registers/ and letters/ except in the modules that
word theirs in Dutch, and a refusal said with its dates written out. That each code reaches the command
line in Dutch is tests/registers/test_cli_meldingen.py."""

from __future__ import annotations

import datetime as dt

from registers.errors import Refused
from registers.meldingen import NL, nederlands
from tests.registers.test_cli_meldingen import CODES, ROOT, refusals

#: Modules whose refusals are worded in Dutch where they are raised (no code needed).
DUTCH_ALREADY = {"registers/agenda.py", "registers/gebruikers.py", "registers/gebruiker_commands.py",
                 "registers/zoeken.py", "registers/zoek_commands.py", "letters/single.py"}


def test_every_code_a_register_gives_has_its_dutch_line() -> None:
    assert CODES
    assert not CODES - set(NL), sorted(CODES - set(NL))


def test_every_refusal_has_a_code_unless_its_module_words_it_in_dutch() -> None:
    without = {f"{path.relative_to(ROOT)}:{call.lineno}" for folder in ("registers", "letters")
               for path, call in refusals(folder) if not any(k.arg == "code" for k in call.keywords)
               and str(path.relative_to(ROOT)) not in DUTCH_ALREADY}
    assert not without, f"give these refusals a code and a line in registers/meldingen.py: {sorted(without)}"


def test_a_refusal_is_said_in_dutch_and_one_without_a_code_as_given() -> None:
    refusal = Refused("the date 1 januari 2099 lies in the future", code="datum_toekomst",
                      datum=dt.date(2099, 1, 1))
    assert nederlands(refusal) == "De datum 1 januari 2099 ligt in de toekomst."
    assert nederlands(Refused("er is geen afspraak 4")) == "er is geen afspraak 4"
    assert nederlands(ValueError("kapot")) == "kapot"
