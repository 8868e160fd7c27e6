"""Reader for Haal Centraal *BRP Personen Bevragen* JSON (docs/formats.md §1.1).

No Python object per person: the `personen` array is streamed into DuckDB (`read_json`, one JSON
value per person, read once) and every field is taken out in SQL with one `json_extract` of all
mapped paths.
Dates come as a date object (`Datum`, `DatumOnbekend`, `JaarDatum`, `JaarMaandDatum`) or as a GBA
string; `hc_datum` turns both into the GBA form the shared typing understands.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from connectors.brp_schema import FIELD_BY_NAME, OUDER_FIELDS, create_tables, load_persons
from connectors.errors import RefusedFile
from connectors.json_stream import array_fifo, locate_array
from connectors.mappings import load_mapping
from connectors.staging import ReaderResult
from connectors.textfile import as_utf8, check_text

FORMAT = "haalcentraal"

HC_MACROS = """
CREATE OR REPLACE TEMP MACRO hc_tekst(j) AS (j ->> '$');
CREATE OR REPLACE TEMP MACRO hc_datum(j) AS (
    CASE json_type(j)
        WHEN 'NULL' THEN NULL
        WHEN 'OBJECT' THEN CASE j ->> 'type'
            WHEN 'Datum' THEN j ->> 'datum'
            WHEN 'DatumOnbekend' THEN '00000000'
            WHEN 'JaarDatum' THEN lpad(j ->> 'jaar', 4, '0') || '0000'
            WHEN 'JaarMaandDatum' THEN lpad(j ->> 'jaar', 4, '0') || lpad(j ->> 'maand', 2, '0') || '00'
            ELSE 'onbekend datumtype: ' || j::VARCHAR END
        ELSE j ->> '$' END);
CREATE OR REPLACE TEMP MACRO hc_vlag(j) AS (
    CASE json_type(j)
        WHEN 'NULL' THEN NULL
        WHEN 'OBJECT' THEN CASE WHEN list_contains(json_extract_string(j, '$.*'), 'true')
                                  OR j ->> 'aanduidingGegevensInOnderzoek' LIKE '08%' THEN 'true' END
        ELSE j ->> '$' END);
"""

_KIND_SQL = {"date": "hc_datum", "flag": "hc_vlag"}


def _paths(spec: str | list[str]) -> list[str]:
    return [spec] if isinstance(spec, str) else list(spec)


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class _Extraction:
    """Collects the JSON paths to extract in one `json_extract` and builds the field expressions."""

    def __init__(self, record: str) -> None:
        self.record = record
        self.paths: list[str] = []

    def slot(self, path: str) -> str:
        if path not in self.paths:
            self.paths.append(path)
        return f"v[{self.paths.index(path) + 1}]"

    def value(self, spec: str | list[str], kind: str) -> str:
        exprs = []
        for path in _paths(spec):
            if "[*]" in path:
                base, rest = path.split("[*]", 1)
                exprs.append(
                    f"nullif(array_to_string(list_transform(from_json({self.slot(base)}, '[\"JSON\"]'), "
                    f"lambda x: x ->> {_sql_text('$' + rest)}), ','), '')"
                )
            else:
                exprs.append(f"{_KIND_SQL.get(kind, 'hc_tekst')}({self.slot(path)})")
        return exprs[0] if len(exprs) == 1 else f"coalesce({', '.join(exprs)})"

    def extract_sql(self) -> str:
        return f"json_extract({self.record}, [{', '.join(_sql_text(p) for p in self.paths)}])"


def _select_sql(mapping: dict) -> tuple[str, str]:
    """(the SELECT list of raw canonical fields, the extraction expression) for one person `json`."""
    ex = _Extraction("json")
    fields = mapping["fields"]
    exprs = {name: ex.value(spec, FIELD_BY_NAME[name].kind) for name, spec in fields.items()}
    ouders = mapping.get("ouders")
    if ouders:
        lst = f"from_json({ex.slot(ouders['path'])}, '[\"JSON\"]')"
        aanduiding = _sql_text(ouders.get("aanduiding", "$.ouderAanduiding"))
        sub = ouders["fields"]
        for n in (1, 2):
            pick = (f"list_filter({lst}, lambda o, i: coalesce(o ->> {aanduiding}, i::VARCHAR) = '{n}')[1]")
            for f in OUDER_FIELDS:
                if f in sub:
                    kind = "date" if f == "geboortedatum" else "text"
                    func = _KIND_SQL.get(kind, "hc_tekst")
                    exprs[f"ouder{n}_{f}"] = f"{func}(json_extract({pick}, {_sql_text(sub[f])}))"
    select = ", ".join(
        f"nullif(trim({exprs[name]}), '') AS {name}" if name in exprs else f"NULL::VARCHAR AS {name}"
        for name in FIELD_BY_NAME
    )
    # members of a person not named by the mapping are kept in `extra`
    top = sorted({p.split(".")[1].split("[")[0] for spec in fields.values() for p in _paths(spec)}
                 | ({ouders["path"].split(".")[1]} if ouders else set()))
    patch = json.dumps({k: None for k in top})
    extra = f"nullif(json_merge_patch(json, {_sql_text(patch)}), '{{}}')"
    return f"{select}, {extra} AS extra", ex.extract_sql()


def read_haalcentraal(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    *,
    mapping: dict | None = None,
    encoding: str | None = None,
    duplicates: str = "refuse",
) -> ReaderResult:
    """Load a Haal Centraal response body into `brp_personen`."""
    mapping = mapping or load_mapping("brp_haalcentraal")
    info = check_text(path, encoding)
    member = mapping.get("array", "personen")
    with as_utf8(path, info) as utf8_path:
        start, end = locate_array(utf8_path, member)
        create_tables(con)
        con.execute(HC_MACROS)
        select, extraction = _select_sql(mapping)
        # One pass over the JSON (parsing is the expensive part): the raw fields of every person go
        # into a temp table (DuckDB spills it to the staging temp directory when large), which the
        # shared checks then read twice.
        try:
            with array_fifo(utf8_path, start, end) as fifo:
                con.execute(f"""
                    CREATE OR REPLACE TEMP TABLE hc_personen AS
                    SELECT bron_regel, {select}
                    FROM (SELECT row_number() OVER () AS bron_regel, json, {extraction} AS v
                          FROM read_json({_sql_text(str(fifo))}, format='array', records=false,
                                         columns={{'json': 'JSON'}}, maximum_object_size=16777216))
                """)
            counts = load_persons(con, import_id, path, "hc_personen", duplicates=duplicates)
        except duckdb.InvalidInputException as exc:
            raise _refusal(path, exc) from exc
        con.execute("DROP TABLE hc_personen")
    if counts.rows_read == 0:
        raise RefusedFile(path, None, member, f'no persons: the "{member}" array is empty')
    return ReaderResult(
        rows_read=counts.rows_read, rows_loaded=counts.rows_loaded, rows_quarantined=counts.rows_quarantined,
        format=FORMAT, encoding=info.encoding, gemeenten=counts.gemeenten,
    )


def _refusal(path: Path, exc: duckdb.Error) -> RefusedFile:
    """DuckDB's JSON parse error as a refusal naming the person record (1-based in `personen`).

    DuckDB counts the array's opening as value 1, so its "record/value N" is person N - 1.
    """
    text = str(exc).splitlines()[0]
    match = re.search(r"at byte (\d+) in record/value (\d+): (.*)", text)
    if match:
        record = max(1, int(match[2]) - 1)
        return RefusedFile(path, record, "personen",
                           f"not well-formed JSON in person record {record} (byte {match[1]} of the record): "
                           f"{match[3].strip()}")
    return RefusedFile(path, None, "personen", "not well-formed JSON: " + text.split(": ", 1)[-1][:200])
