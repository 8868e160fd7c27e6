"""Reader of verzuimmeldingen XML (docs/formats.md §3) into `verzuimmeldingen`.

Why this shape: a melding obliges the leerplichtambtenaar to act, so a file is only read when it is
well-formed and valid against `connectors/schemas/verzuimmelding.xsd` (otherwise refused whole,
naming the line and element), and always through the one hardened parser (`connectors.xml_safety`:
no DOCTYPE, no entities). Then each melding is checked like a CSV row — by the same SQL, from the
declared mapping `verzuimmelding.toml` — so a person number failing the elfproef, an impossible
date or an unknown soort verzuim quarantines that melding only. Schools send a melding again (same
meldingsnummer) when its einddatum is known: every version is kept with its import id, and the
view `verzuimmeldingen_actueel` shows the newest version of each melding.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from lxml import etree

from connectors.errors import GEEN_BESTAND, LEEG_BESTAND, RefusedFile
from connectors.mappings import Mapping, load_declared
from connectors.staging import ReaderResult
from connectors.textfile import check_text
from connectors.typed_rows import RowCheck, check_rows
from connectors.xml_safety import check_prolog, load_schema, parse_bytes

if TYPE_CHECKING:  # pyarrow (about 45 MB) loads when a verzuim file is read, not with the import registry
    import pyarrow as pa

KIND = "verzuim"
NAMESPACE = "urn:inbeeld:verzuimmelding:1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "verzuimmelding.xsd"

ACTUEEL_VIEW = """
CREATE OR REPLACE VIEW verzuimmeldingen_actueel AS
SELECT * FROM verzuimmeldingen
QUALIFY row_number() OVER (PARTITION BY meldingsnummer ORDER BY import_id DESC, line DESC) = 1
"""

_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")
# libxml2 quotes the offending value ("The value '…'", "'…' is not a valid value"): it may be a
# person number or a name, so messages keep the element and the rule, never the value
_QUOTED_VALUE = re.compile(r"[Tt]he value '[^']*'|'[^']*'(?= is not a valid value)")


@cache
def verzuim_schema() -> etree.XMLSchema:
    """The XSD, parsed once with the hardened parser."""
    return load_schema(SCHEMA_PATH)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(load_declared("verzuimmelding").ddl())
    con.execute(ACTUEEL_VIEW)


def _valid_root(path: Path, encoding: str | None) -> tuple[etree._Element, str]:
    """The parsed, schema-valid document and its encoding, or `RefusedFile` naming line and element."""
    if not path.is_file():
        raise RefusedFile(path, None, None, GEEN_BESTAND)
    if path.stat().st_size == 0:
        raise RefusedFile(path, None, None, LEEG_BESTAND)
    declared = check_prolog(path)
    info = check_text(path, encoding or declared)
    data = path.read_bytes()
    if info.encoding == "cp1252" and declared is None:
        data = data.decode("cp1252").encode("utf-8")  # detected, not declared: hand lxml UTF-8
    root = parse_bytes(data, path)
    schema = verzuim_schema()
    if not schema.validate(root):
        error = schema.error_log[0]
        element = _ELEMENT.search(error.message)
        message = _QUOTED_VALUE.sub("the value", error.message).replace(f"{{{NAMESPACE}}}", "")
        raise RefusedFile(path, error.line or None, element[1] if element else None,
                          f"niet geldig volgens {SCHEMA_PATH.name}: {message}")
    return root, info.encoding


def _records(root: etree._Element, mapping: Mapping) -> pa.Table:
    """One row of text per melding: its line, each mapped element's text, other-namespace elements as JSON."""
    import pyarrow as pa

    ns = mapping.namespace or ""
    paths = {f.name: "/".join(f"v:{part}" for part in f.source.split("/")) for f in mapping.fields}
    columns: dict[str, list] = {"line": [], "extra_json": [], **{name: [] for name in paths}}
    for melding in root.iterchildren(f"{{{ns}}}{mapping.record}"):
        columns["line"].append(melding.sourceline)
        for name, path in paths.items():
            columns[name].append(melding.findtext(path, namespaces={"v": ns}))
        extra = {}
        for child in melding:
            if isinstance(child.tag, str) and etree.QName(child).namespace != ns:
                extra[child.tag] = (child.text if len(child) == 0
                                    else etree.tostring(child, encoding="unicode", with_tail=False))
        columns["extra_json"].append(json.dumps(extra, ensure_ascii=False, separators=(",", ":"))
                                     if extra else None)
    return pa.table({name: pa.array(values, type=pa.int64() if name == "line" else pa.string())
                     for name, values in columns.items()})


def read_verzuim(path: Path, con: duckdb.DuckDBPyConnection, import_id: int, *,
                 encoding: str | None = None, mapping: str | Path | None = None) -> ReaderResult:
    """Load one verzuimmeldingen file; a file that is not valid is refused, a bad melding quarantined."""
    path = Path(path)
    declared = load_declared("verzuimmelding", mapping)
    ensure_tables(con)
    root, used_encoding = _valid_root(path, encoding)
    records = _records(root, declared)
    con.register("verzuim_records", records)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE verzuim_raw AS SELECT * FROM verzuim_records")
    finally:
        con.unregister("verzuim_records")
    checked = check_rows(
        con, declared, "verzuim_raw", {f.name: f.name for f in declared.fields},
        import_id=import_id, extra_column="extra_json",
        row_checks=(RowCheck("einddatum", "einddatum < begindatum", "einddatum ligt vóór begindatum"),),
    )
    checked.add_fault(
        "meldingsnummer",
        f"line IN (SELECT line FROM (SELECT line, row_number() OVER (PARTITION BY meldingsnummer "
        f"ORDER BY line) AS n FROM {checked.name}) WHERE n > 1)",
        "'meldingsnummer staat eerder in dit bestand'",
    )
    checked.quarantine()
    loaded = checked.finish()
    con.execute("DROP TABLE verzuim_raw")
    return ReaderResult(rows_read=records.num_rows, rows_loaded=loaded, format=KIND, encoding=used_encoding)


def verzuim_changes(con: duckdb.DuckDBPyConnection, import_id: int, previous: int | None) -> dict:
    """A `summarize`: meldingen new in this file, and new versions of meldingen seen before."""
    new, again, closed = con.execute(
        """
        SELECT count(*) FILTER (WHERE NOT seen), count(*) FILTER (WHERE seen),
               count(*) FILTER (WHERE einddatum IS NOT NULL)
        FROM (SELECT v.*, EXISTS (SELECT 1 FROM verzuimmeldingen e WHERE e.meldingsnummer = v.meldingsnummer
                                  AND e.import_id < v.import_id) AS seen
              FROM verzuimmeldingen v WHERE v.import_id = ?)
        """,
        [import_id],
    ).fetchone()
    per_soort = dict(con.execute(
        "SELECT soort_verzuim, count(*) FROM verzuimmeldingen WHERE import_id = ? GROUP BY ALL ORDER BY 1",
        [import_id],
    ).fetchall())
    return {"added": new, "updated": again, "with_einddatum": closed, "soort_verzuim": per_soort}
