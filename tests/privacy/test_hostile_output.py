"""Hostile input on its way out: XML is parsed only through connectors.xml_safety, spreadsheets and
CSV only through reports.spreadsheet (formulas neutralised), also on the command line."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from connectors.errors import RefusedFile
from connectors.xml_safety import parse_bytes
from tests.named_user import add_tester

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("inbeeld", "connectors", "registers", "rules", "reports", "letters", "pipelines", "synthetic")
XML_PARSERS = {"parse", "fromstring", "fromstringlist", "iterparse", "XMLParser", "XML", "XMLPullParser",
               "HTMLParser", "XMLID", "XMLDTDID", "iterwalk"}
STDLIB_XML = ("xml.etree", "xml.dom", "xml.sax", "xml.parsers")


def _sources() -> list[Path]:
    files = [path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
             if "migrations" not in path.parts]
    return files + [ROOT / "cli.py"]


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in XML_PARSERS and isinstance(node.value, ast.Name) \
                and node.value.id in {"etree", "ET", "lxml", "objectify", "html"}:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(STDLIB_XML) and node.module != "xml.sax.saxutils":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module}")
            if node.module in {"lxml.etree", "lxml"} and any(a.name in XML_PARSERS for a in node.names):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module} import a parser")
        elif isinstance(node, ast.Import):
            found += [f"{path.relative_to(ROOT)}:{node.lineno} import {a.name}" for a in node.names
                      if a.name.startswith(STDLIB_XML)]
    return found


def test_xml_is_parsed_only_through_xml_safety() -> None:
    offences = [o for path in _sources() if path.name != "xml_safety.py" for o in _offences(path)]
    assert offences == [], "parse XML through connectors.xml_safety:\n" + "\n".join(offences)


def test_the_scan_finds_a_direct_parser_call(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from lxml import etree\nroot = etree.fromstring(data)\nimport xml.dom.minidom\n")
    assert len(_offences_at(sample)) == 2


def _offences_at(path: Path) -> list[str]:
    global ROOT
    saved, ROOT = ROOT, path.parent
    try:
        return _offences(path)
    finally:
        ROOT = saved


def test_spreadsheets_and_csv_are_written_only_by_reports_spreadsheet() -> None:
    """The workbook writer and the one CSV dialect (inbeeld.cells, which the command line uses too)."""
    writers = []
    for path in _sources():
        if path in (ROOT / "reports" / "spreadsheet.py", ROOT / "inbeeld" / "cells.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "csv" and node.attr in {"writer", "DictWriter"}):
                writers.append(f"{path.relative_to(ROOT)}:{node.lineno} csv.{node.attr}")
            if isinstance(node, ast.Attribute) and node.attr in {"to_csv", "to_excel"}:
                writers.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                         else [a.name for a in node.names])
                writers += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names
                            if n.split(".")[0] in {"openpyxl", "xlsxwriter"}]
    assert writers == [], "write spreadsheets through reports.spreadsheet:\n" + "\n".join(writers)


@pytest.mark.parametrize("document", [
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    b'<!-- hidden --><!DOCTYPE x SYSTEM "http://example.org/x.dtd"><x/>',
    b'<x xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></x>',
])
def test_entities_dtds_and_includes_never_reach_the_file_system(document: bytes) -> None:
    try:
        root = parse_bytes(document)
    except RefusedFile:
        return
    assert "root:" not in (root.text or "") and "root:" not in "".join(root.itertext())


FORMULAS = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]


def test_the_quarantine_list_neutralises_hostile_values(tmp_path: Path) -> None:
    delivery = tmp_path / "vrijstellingen-G0363-20260907.csv"
    with delivery.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(["PERSOONSGEBONDENNUMMER", "GRONDSLAG", "BEGINDATUM", "EINDDATUM"])
        writer.writerows([["999993653", formula, "01-09-2026", ""] for formula in FORMULAS])
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path / "data")]
    imported = runner.invoke(main, [*data, "import", "vrijstellingen", str(delivery)])
    assert imported.exit_code == 0, imported.output

    by = add_tester(tmp_path / "data")
    listed = runner.invoke(main, [*data, *by, "quarantine", "list", "--format", "csv"])

    values = [row["waarde"] for row in csv.DictReader(io.StringIO(listed.output), delimiter=";")]
    assert len(values) == len(FORMULAS)
    assert all(value.startswith("'") for value in values), values
