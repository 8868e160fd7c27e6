"""How list commands print: one `--format table|csv|json` option and one printer for all of them.

Declared once, as sqlite-utils declares its `output_options`: a list command takes
`@output_options` and hands its rows to `emit`. The table and the CSV head their columns in Dutch
(`KOPPEN`) and show its values in Dutch (`shown`: ja/nee, open/gesloten), JSON keeps the documented keys
and machine values. CSV is semicolon separated with CRLF line ends,
for Dutch Excel, and every cell goes through `inbeeld.cells.neutralise_csv` (docs/spec.md §6); JSON is a
list of objects with ISO dates; the table is aligned plain text, dates in words (`4 april 2003`),
ending in the row count.

Values can be hostile: a quarantined value is exactly what a supplier delivered, and an escape
sequence in it would retitle the window, clear the screen or fake a line when printed as is. So
the table shows every control character (C0, DEL, C1) and every bidirectional override or isolate
(U+202E …) as its escape (`\x1b`, `\u202e`): `printable`. JSON and CSV keep the value.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

import click

from inbeeld.cells import csv_writer, neutralise_csv
from inbeeld.datums import format_nl, tijdstip_nl

FORMATS = ("table", "csv", "json")

#: The Dutch header the table and the CSV show for every column of a list command (issue 14 item 9):
#: words a person reads, not machine keys. JSON keeps the keys: they are documented and scripts rely
#: on them. tests/test_output_koppen.py fails when a list command shows a column that is not here.
KOPPEN = {
    # dossiers (cases list)
    "id": "nr", "persoonsnummer": "persoonsnummer", "status": "status", "team": "team",
    "redenen": "redenen", "thuiszitter": "thuiszitter", "gemeentecode": "gemeentecode",
    "opened_on": "geopend", "assigned_to": "behandelaar", "volgende_actie": "volgende actie",
    "volgende_actie_datum": "datum volgende actie", "closed_on": "gesloten",
    "close_reason": "reden van sluiten",
    # signals
    "signal": "signaal", "peildatum": "peildatum", "sinds": "sinds",
    "adres_in_onderzoek": "adres in onderzoek", "geheimhouding": "geheimhouding",
    "thuiszitter_lang": "lang thuiszitter",
    # vrijstellingen
    "grond": "grond", "artikel": "artikel", "begindatum": "begindatum", "einddatum": "einddatum",
    "verklaring_datum": "datum verklaring", "nooit_geschikt": "nooit geschikt",
    "verlengen_voor": "verlengen vóór",
    # verzuimmeldingen
    "meldingsnummer": "meldingsnummer", "brin": "BRIN", "soort": "soort", "status_datum": "statusdatum",
    "reden_afsluiting": "reden afsluiting",
    # the agenda
    "medewerker": "medewerker", "datum": "datum", "tijd": "tijd", "locatie": "locatie",
    "onderwerp": "onderwerp",
    # letters
    "kenmerk": "kenmerk", "rang": "rang", "geadresseerde": "geadresseerde", "reden": "reden",
    "antwoord_voor": "antwoord vóór", "run": "run", "bestand": "bestand",
    # the audit trail
    "at": "tijdstip", "actor": "gebruiker", "login": "login", "action": "actie", "entity": "tabel",
    "entity_id": "regelnr", "detail": "detail",
    # users
    "naam": "naam", "rol": "rol", "gemeenten": "gemeenten", "actief": "actief",
    "geblokkeerd_tot": "geblokkeerd tot",
    # search
    "geboortedatum": "geboortedatum", "adres": "adres", "gemeente": "gemeente", "dossiers": "dossiers",
    "gevonden_op": "gevonden op",
    # quarantine
    "import_id": "import", "file": "bestand", "line": "regel", "field": "veld", "value": "waarde",
    "reason": "reden",
}
#: How a yes/no reads in the table and the CSV (JSON keeps true/false).
JA_NEE = {True: "ja", False: "nee"}


def kop(column: str) -> str:
    """The header a person reads for `column` (KOPPEN); a column it does not know keeps its name."""
    return KOPPEN.get(column, column)


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
F = TypeVar("F", bound=Callable[..., Any])


def output_options(function: F) -> F:
    """Add `--format table|csv|json` (parameter `fmt`) to a list command."""
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="table for people; csv (semicolons, for Excel) or json for scripts.")(function)


def printable(value: str) -> str:
    """`value` with every control and bidi character written as its Python escape (issue 20 #7)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)


def plain(value: Any) -> Any:
    """A value as JSON and CSV show it: ISO dates, an enum's value, None stays None."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _in_words(value: Any, cell: Any) -> Any:
    """The table's cell: a date as a person reads it (`4 april 2003`); CSV and JSON keep ISO dates."""
    if isinstance(value, datetime):
        return tijdstip_nl(value)
    if isinstance(value, date):
        return format_nl(value)
    return cell


def shown(value: Any) -> Any:
    """A value as the table and the CSV show it, in Dutch: yes/no as ja/nee, a code with a Dutch
    label (`registers.codes.Labelled`: a dossier's status open/gesloten, a melding's status) as its
    label, a list (a dossier's reasons) as one cell. JSON keeps the machine value (`plain`)."""
    if isinstance(value, bool):
        return JA_NEE[value]
    if isinstance(value, Enum) and isinstance(getattr(value, "label", None), str):
        return value.label
    if isinstance(value, (list, tuple)):
        return ", ".join(str(shown(item)) for item in value)
    return plain(value)


def emit(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], fmt: str, *,
         empty: str | None = None, width: int | None = None, noun: str = "") -> None:
    """Print `rows` (only `columns`, in that order) as a table, CSV or JSON.

    `empty` is what the table says when there are no rows; `width` cuts long table cells;
    `noun` names what the count at the end of the table counts."""
    if fmt == "json":
        records = [{column: plain(row.get(column)) for column in columns} for row in rows]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    records = [{column: shown(row.get(column)) for column in columns} for row in rows]
    if fmt == "csv":
        writer = csv_writer(sys.stdout)
        writer.writerow([neutralise_csv(kop(column)) for column in columns])
        for record in records:
            writer.writerow(["" if record[c] is None else neutralise_csv(str(record[c])) for c in columns])
    elif not records and empty is not None:
        click.echo(empty)
    else:
        cells = [["" if record[c] is None else printable(str(_in_words(row.get(c), record[c])))
                  for c in columns] for row, record in zip(rows, records, strict=True)]
        headers = [kop(c) for c in columns]
        widths = [max([len(h)] + [len(line[i]) for line in cells]) for i, h in enumerate(headers)]
        if width:
            widths = [min(width, w) for w in widths]
        click.echo("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
        for line in cells:
            click.echo("  ".join(v[:w].ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
        click.echo(f"({len(records)}{' ' + noun if noun else ''})")
