"""The vrijstellingen the gemeente must register at DUO, and the reconciliation with DUO's register.

Why: vrijstellingen run from the gemeente to DUO. The leerplichtambtenaar registers each
vrijstelling and vervangende leerplicht in DUO's vrijstellingenregister (in Mijn DUO or through the
administratiepakket; Besluit register onderwijsdeelnemers § 2.2), and DUO's deliveries and VSV
figures leave a child out only when DUO has it. So InBeeld produces the list of what must be
registered, and reconciles what DUO holds against its own register: a vrijstelling only InBeeld
has is not yet registered (DUO still counts the child), one only DUO has is not in the register
(the weekly check would raise absoluut verzuim), and one with another einddatum is registered wrong.

DUO publishes no file layout for registering (docs/formats.md §4.1): the list is InBeeld's
documented CSV, the same columns its vrijstellingen reader takes, so DUO's view can be read back
in that layout. Pure functions over plain rows; the command reads the register and the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inbeeld.cells import csv_writer, neutralise_csv
from rules.vrijstellingen import Vrijstellingsgrond

# The registration list: what DUO's register holds per vrijstelling (docs/formats.md §4.1).
LIST_COLUMNS = ("PERSOONSGEBONDENNUMMER", "GRONDSLAG", "BEGINDATUM", "EINDDATUM", "ARTIKEL", "OMSCHRIJVING")


def _dmy(d: dt.date | None) -> str:
    return "" if d is None else f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def _key(row: Mapping[str, Any]) -> tuple[str, str, dt.date]:
    return str(row["persoonsnummer"]), str(row["grondslag"]), row["begindatum"]


def to_register(rows: Iterable[Mapping[str, Any]], peildatum: dt.date) -> list[dict[str, Any]]:
    """The vrijstellingen DUO must hold on `peildatum`: those valid that day or starting later (an
    ended one was registered when it ran), ordered by person, ground and begindatum."""
    wanted = [row for row in rows if row["einddatum"] is None or row["einddatum"] >= peildatum]
    return sorted(wanted, key=_key)


def list_lines(rows: Iterable[Mapping[str, Any]]) -> list[tuple[str, ...]]:
    """The rows of the registration list in LIST_COLUMNS order, dates `dd-mm-jjjj`. No toelichting:
    it holds health or religion details that DUO's register does not ask for (docs/privacy.md)."""
    out = []
    for row in rows:
        grond = Vrijstellingsgrond.from_code(str(row["grondslag"]))
        out.append((str(row["persoonsnummer"]), grond.value, _dmy(row["begindatum"]), _dmy(row["einddatum"]),
                    grond.artikel, grond.omschrijving))
    return out


def write_list(path: Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """The registration list as a file: UTF-8, semicolons, CRLF, `"` quoting where a value needs it
    (docs/formats.md §4.1)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv_writer(handle)  # the one CSV dialect: semicolons, CRLF, quoting where needed
        writer.writerow(LIST_COLUMNS)
        writer.writerows([[neutralise_csv(cell) for cell in line] for line in list_lines(rows)])
    return path


def list_name(peildatum: dt.date) -> str:
    return f"vrijstellingen-duo-{peildatum.isoformat()}.csv"


@dataclass(frozen=True)
class Afstemming:
    """Register against DUO, per vrijstelling (person, ground, begindatum)."""

    nog_registreren: list[dict[str, Any]] = field(default_factory=list)  # in InBeeld, not at DUO
    alleen_duo: list[dict[str, Any]] = field(default_factory=list)       # at DUO, not in InBeeld
    verschil: list[dict[str, Any]] = field(default_factory=list)         # both, another einddatum
    gelijk: list[dict[str, Any]] = field(default_factory=list)


def afstemming(register: Iterable[Mapping[str, Any]], duo: Iterable[Mapping[str, Any]]) -> Afstemming:
    """Match on (persoonsnummer, grondslag, begindatum); rows carry `persoonsnummer`, `grondslag`,
    `begindatum`, `einddatum`. `verschil` rows hold both einddatums (`einddatum`, `einddatum_duo`)."""
    ours = {_key(row): dict(row) for row in register}
    theirs = {_key(row): dict(row) for row in duo}
    result = Afstemming()
    for key in sorted(ours.keys() | theirs.keys()):
        mine, duos = ours.get(key), theirs.get(key)
        if duos is None:
            result.nog_registreren.append(mine)
        elif mine is None:
            result.alleen_duo.append(duos)
        elif mine["einddatum"] != duos["einddatum"]:
            result.verschil.append({**mine, "einddatum_duo": duos["einddatum"]})
        else:
            result.gelijk.append(mine)
    return result
