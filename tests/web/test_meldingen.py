"""Register refusals on the screen are Dutch: every code a register gives has its Dutch line, and
a refusal is said with its dates written out."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from registers.errors import Refused
from web.meldingen import NL, nederlands

REGISTERS = Path(__file__).resolve().parents[2] / "registers"


def test_every_code_a_register_gives_has_its_dutch_line():
    given = {code for path in REGISTERS.glob("*.py")
             for code in re.findall(r'code="([a-z_]+)"', path.read_text(encoding="utf-8"))}
    assert given, "no register refusal has a code"
    assert given <= set(NL), sorted(given - set(NL))


def test_a_refusal_is_said_in_dutch_and_one_without_a_code_as_given():
    refusal = Refused("the date 1 januari 2099 lies in the future", code="datum_toekomst",
                      datum=dt.date(2099, 1, 1))
    assert nederlands(refusal) == "De datum 1 januari 2099 ligt in de toekomst."
    assert nederlands(Refused("er is geen afspraak 4")) == "er is geen afspraak 4"
