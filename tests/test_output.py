"""The command line's one printer: `--format table|csv|json` on every list command."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import click
from click.testing import CliRunner

from inbeeld.output import emit, output_options

HOSTILE = ["=cmd|' /C calc'!A0", "a\x00b\x1fc\x0b", "#N/A", "+31 6 1234", "-2", "@SUM(A1)", "\tTAB", "\rCR",
           "Jan de Vries"]


@click.command()
@output_options
def listing(fmt: str) -> None:
    rows = [{"naam": naam, "datum": date(2025, 10, 1) if i == 0 else None, "n": i}
            for i, naam in enumerate(HOSTILE)]
    emit(rows, ["naam", "datum", "n"], fmt)


def test_csv_neutralises_formulas_and_removes_control_characters() -> None:
    result = CliRunner().invoke(listing, ["--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode(), newline=""), delimiter=";"))
    assert rows[0] == ["naam", "datum", "n"]
    assert [row[0] for row in rows[1:]] == [
        "'=cmd|' /C calc'!A0", "abc", "#N/A", "'+31 6 1234", "'-2", "'@SUM(A1)", "'\tTAB", "'\rCR",
        "Jan de Vries"]
    assert rows[1][1] == "2025-10-01" and rows[2][1] == ""
    assert result.stdout_bytes.endswith(b"8\r\n")


def test_json_keeps_values_as_given_with_iso_dates() -> None:
    result = CliRunner().invoke(listing, ["--format", "json"])
    records = json.loads(result.output)
    assert records[0] == {"naam": HOSTILE[0], "datum": "2025-10-01", "n": 0} and len(records) == len(HOSTILE)


def test_table_is_aligned_and_counted() -> None:
    result = CliRunner().invoke(listing, [])
    lines = result.output.splitlines()
    assert lines[0].split() == ["naam", "datum", "n"] and lines[-1] == f"({len(HOSTILE)})"


def test_an_unknown_format_is_a_usage_error() -> None:
    assert CliRunner().invoke(listing, ["--format", "xml"]).exit_code == 2


@click.command()
@output_options
def dossiers(fmt: str) -> None:
    emit([{"id": 7, "persoonsnummer": "999990019", "assigned_to": "jjansen", "opened_on": date(2026, 9, 7)}],
         ["id", "persoonsnummer", "assigned_to", "opened_on"], fmt)


def test_table_and_csv_head_in_dutch_and_json_keeps_its_keys() -> None:
    table = CliRunner().invoke(dossiers, []).output.splitlines()
    assert table[0].split() == ["nr", "persoonsnummer", "behandelaar", "geopend"]
    csv_head = CliRunner().invoke(dossiers, ["--format", "csv"]).output.splitlines()[0]
    assert csv_head == "nr;persoonsnummer;behandelaar;geopend"
    assert list(json.loads(CliRunner().invoke(dossiers, ["--format", "json"]).output)[0]) == [
        "id", "persoonsnummer", "assigned_to", "opened_on"]
