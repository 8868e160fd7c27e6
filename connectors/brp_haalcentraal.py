"""Reader for Haal Centraal *BRP Personen Bevragen* JSON (docs/formats.md §1.1).

No Python object per person: DuckDB reads the `personen` array (one person per line, the usual
bulk layout, as lines on every thread; any other layout with `read_json`) and every field is taken
out in SQL with one `json_extract_string` of all mapped paths, once per person.
Dates come as a date object (`Datum`, `DatumOnbekend`, `JaarDatum`, `JaarMaandDatum`) or as a GBA
string; `hc_datum` turns both into the GBA form the shared typing understands.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from connectors.brp_fields import FIELD_BY_NAME, OUDER_FIELDS, check_format_mapping
from connectors.brp_schema import (
    RecordLines,
    check_in_order,
    create_tables,
    finish_persons,
    insert_checked,
)
from connectors.errors import RefusedFile
from connectors.json_stream import array_file, locate_array
from connectors.mappings import Mapping, load_mapping
from connectors.staging import ReaderResult
from connectors.textfile import TextInfo, as_utf8, check_text
from connectors.typed_rows import clean_sql, sql_str

FORMAT = "haalcentraal"
MAX_OBJECT = 16 * 1024 * 1024

# `p` is the value at a date path as text (json_extract_string: an object comes as its JSON text);
# `t` and `d` are its members type and datum, extracted in the same pass (every path costs: the
# rare JaarDatum / JaarMaandDatum parse `p` again).
HC_MACROS = """
CREATE OR REPLACE TEMP MACRO hc_datum(p, t, d) AS (
    CASE WHEN p IS NULL THEN NULL
         WHEN NOT starts_with(p, '{') THEN p
         ELSE CASE t
            WHEN 'Datum' THEN d
            WHEN 'DatumOnbekend' THEN '00000000'
            WHEN 'JaarDatum' THEN lpad(p::JSON ->> 'jaar', 4, '0') || '0000'
            WHEN 'JaarMaandDatum'
                THEN lpad(p::JSON ->> 'jaar', 4, '0') || lpad(p::JSON ->> 'maand', 2, '0') || '00'
            ELSE 'onbekend datumtype: ' || p END
    END);
CREATE OR REPLACE TEMP MACRO hc_vlag(p) AS (
    CASE WHEN p IS NULL OR NOT starts_with(p, '{') THEN p
         WHEN list_contains(json_extract_string(p::JSON, '$.*'), 'true')
              OR p::JSON ->> 'aanduidingGegevensInOnderzoek' LIKE '08%' THEN 'true' END);
"""
_DATE_PARTS = (".type", ".datum")
OUDERS = 2  # a persoon has at most two ouders (ouderAanduiding 1 and 2)


def _paths(spec: str | list[str]) -> list[str]:
    return [spec] if isinstance(spec, str) else list(spec)


class _Extraction:
    """Collects every JSON path to read, so each person is parsed once: one `json_extract_string`
    of all paths (date members and both ouders included) feeds every field expression."""

    def __init__(self, record: str, root: str = "$") -> None:
        self.record = record
        self.root = root
        self.paths: list[str] = []

    def slot(self, path: str) -> str:
        path = self.root + path[1:]
        if path not in self.paths:
            self.paths.append(path)
        return f"v[{self.paths.index(path) + 1}]"

    def one(self, path: str, kind: str) -> str:
        if "[*]" in path:  # a list of values (gezag), rare: parsed again only when present
            base, rest = path.split("[*]", 1)
            return (f"nullif(array_to_string(list_transform(from_json({self.slot(base)}, '[\"JSON\"]'), "
                    f"lambda x: x ->> {sql_str('$' + rest)}), ','), '')")
        if kind == "brp_date":
            return f"hc_datum({', '.join(self.slot(path + part) for part in ('', *_DATE_PARTS))})"
        if kind == "brp_flag":
            return f"hc_vlag({self.slot(path)})"
        return self.slot(path)

    def value(self, spec: str | list[str], kind: str) -> str:
        exprs = [self.one(path, kind) for path in _paths(spec)]
        return exprs[0] if len(exprs) == 1 else f"coalesce({', '.join(exprs)})"

    def extract_sql(self, more: tuple[str, ...] = ()) -> str:
        """One `json_extract_string` of every path, then the `more` paths (taken as they are)."""
        paths = [*self.paths, *more]
        return f"json_extract_string({self.record}, [{', '.join(sql_str(p) for p in paths)}])"


def _ouder_path(base: str, index: int, member: str) -> str:
    return f"{base}[{index}]{member[1:]}"


def _select_sql(mapping: Mapping, root: str = "$", more: tuple[str, ...] = ()) -> tuple[str, str]:
    """(the SELECT list of raw canonical fields, the extraction expression) for one person at path
    `root` of the JSON text `json`; the extraction ends with the `more` paths."""
    ex = _Extraction("json", root)
    fields = mapping.sources()
    exprs = {name: ex.value(spec, FIELD_BY_NAME[name].type) for name, spec in fields.items()}
    ouders = mapping.groups.get("ouders")
    if ouders:
        base, sub = ouders.path, ouders.sources()
        aanduiding = ouders.aanduiding or "$.ouderAanduiding"
        # ouder n: the first element whose ouderAanduiding (or, without one, its position) is n
        marks = [f"coalesce({ex.slot(_ouder_path(base, i, aanduiding))}, '{i + 1}')" for i in range(OUDERS)]
        for n in (1, 2):
            for f in OUDER_FIELDS:
                if f in sub:
                    kind = FIELD_BY_NAME[f"ouder{n}_{f}"].type
                    whens = " ".join(
                        f"WHEN {marks[i]} = '{n}' THEN "
                        f"{ex.value([_ouder_path(base, i, m) for m in _paths(sub[f])], kind)}"
                        for i in range(OUDERS))
                    exprs[f"ouder{n}_{f}"] = f"CASE {whens} END"
    select = ", ".join(
        f"{clean_sql(exprs[name])} AS {name}" if name in exprs else f"NULL::VARCHAR AS {name}"
        for name in FIELD_BY_NAME
    )
    # members of a person not named by the mapping are kept in `extra` (the patch only for the few
    # persons that have one: listing the keys is cheaper than rewriting every record)
    top = sorted({p.split(".")[1].split("[")[0] for spec in fields.values() for p in _paths(spec)}
                 | ({ouders.path.split(".")[1]} if ouders else set()))
    patch = json.dumps({k: None for k in top})
    known = ", ".join(sql_str(k) for k in top)  # an IN list: cheaper than list_has_all per person
    person = f"json_extract(json, {sql_str(root)})"
    unknown = f"list_filter(json_keys(json, {sql_str(root)}), lambda k: k NOT IN ({known}))"
    extra = (f"CASE WHEN len({unknown}) > 0 "
             f"THEN nullif(json_merge_patch({person}, {sql_str(patch)}), '{{}}') END")
    return f"{select}, {extra} AS extra", ex.extract_sql(more)


def read_haalcentraal(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    *,
    mapping: Mapping | None = None,
    encoding: str | None = None,
    duplicates: str = "refuse",
    text: TextInfo | None = None,
) -> ReaderResult:
    """Load a Haal Centraal response body into `brp_personen` (`text`: the encoding check, when the
    caller made it already)."""
    mapping = mapping or load_mapping("brp_haalcentraal")
    check_format_mapping(mapping)
    info = text or check_text(path, encoding)
    member = mapping.record or "personen"
    with as_utf8(path, info) as utf8_path:
        start, end = locate_array(utf8_path, member)
        create_tables(con)
        con.execute(HC_MACROS)
        try:
            read = None if info.has_soh else _one_person_per_line(con, import_id, utf8_path, start, mapping)
            if read is None:
                with array_file(utf8_path, start, end) as array:
                    read = _read_array(con, import_id, array, mapping)
            counts = finish_persons(con, import_id, path, read, duplicates)
        except duckdb.InvalidInputException as exc:
            raise _refusal(path, exc) from exc
    if counts.rows_read == 0:
        raise RefusedFile(path, None, member, f'geen personen: de array "{member}" is leeg')
    return ReaderResult(
        rows_read=counts.rows_read, rows_loaded=counts.rows_loaded, rows_quarantined=counts.rows_quarantined,
        format=FORMAT, encoding=info.encoding, gemeenten=counts.gemeenten, details=counts.details,
    )


def _lines_before_array(path: Path, start: int) -> int | None:
    """The number of lines up to and including the array's `[` (byte `start`), when nothing but
    blanks follows it on its line; else None (a person starts on that line)."""
    with path.open("rb") as handle:
        head = handle.read(start + 1)
        rest = handle.readline(1 << 16)
    if rest.strip() or not rest.endswith(b"\n"):
        return None
    return head.count(b"\n") + 1


def _one_person_per_line(
    con: duckdb.DuckDBPyConnection, import_id: int, path: Path, start: int, mapping: Mapping,
) -> int | None:
    """The fast path, for the common layout of one person per line: load the persons and return how
    many were read, or None (nothing loaded) when the file is laid out otherwise or a line is not one
    whole person; the array reader then reads it, and names the record of a real fault.

    The lines after the array's `[` are read on every thread, typed and checked in file order
    (brp_schema.check_in_order), so a person's record number is its position. Each line is parsed
    as the array `[<line>null]` (`[<line>]` for the last): one value and its comma give a second
    element that is null. A line that does not parse leaves its extraction NULL (`try`), so the
    layout test can send the file to the array reader instead of aborting the import. String
    functions on the long lines (trim, left) cost more than the JSON parse, so only their ends are
    looked at. The closing lines (`]`, `}`, blanks) come last.
    """
    skip = _lines_before_array(path, start)
    if skip is None:
        return None
    select, extraction = _select_sql(mapping, "$[0]", more=("$[1]",))
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW hc_lines AS
        SELECT NULL::BIGINT AS bron_regel, {select}, shape
        FROM (
            SELECT CASE WHEN v IS NOT NULL THEN json END AS json, v,
                   CASE WHEN closing THEN 'c'
                        WHEN v IS NULL OR v[-1] IS NOT NULL THEN 'x'  -- v[-1]: $[1]
                        WHEN ends_with(line, '}},') THEN 'm'
                        WHEN ends_with(line, '}}') THEN 'l'
                        ELSE 'x' END AS shape
            FROM (
                SELECT line, closing, json, CASE WHEN NOT closing THEN try({extraction}) END AS v
                FROM (
                    SELECT line, coalesce(regexp_full_match(line, '[\\s\\]}}]*'), true) AS closing,
                           '[' || line || CASE WHEN ends_with(line, ',') THEN 'null]' ELSE ']' END AS json
                    FROM read_csv({sql_str(str(path))}, columns = {{'line': 'VARCHAR'}}, delim = chr(1),
                                  quote = '', escape = '', header = false, skip = {skip}, auto_detect = false,
                                  strict_mode = true, max_line_size = {MAX_OBJECT}))))
    """)
    try:
        first_rowid = check_in_order(con, "hc_lines", "hc_pass", person="shape <> 'c'",
                                     keep={"shape": "shape"})
    except duckdb.InvalidInputException as exc:
        line = re.search(r"CSV Error on Line: (\d+)", str(exc))
        if line and "Maximum line size" in str(exc):
            record = int(line[1]) - skip
            raise RefusedFile(path, record, "personen",
                              f"persoonsrecord {record} is langer dan {MAX_OBJECT // (1 << 20)} MB") from exc
        raise
    # every person followed by a comma but the last, then only the closing lines
    laid_out = con.execute("""
        SELECT count(*) FILTER (WHERE shape = 'x') = 0 AND count(*) FILTER (WHERE shape = 'l') = 1
               AND max(rowid) FILTER (WHERE shape <> 'c') = max(rowid) FILTER (WHERE shape = 'l')
               AND min(rowid) FILTER (WHERE shape = 'c') > max(rowid) FILTER (WHERE shape <> 'c')
        FROM hc_pass
    """).fetchone()[0]
    read = insert_checked(con, import_id, "hc_pass", RecordLines(first_rowid, 1))[0] if laid_out else None
    con.execute("DROP TABLE hc_pass; DROP VIEW hc_lines")
    return read


def _read_array(con: duckdb.DuckDBPyConnection, import_id: int, array: Path, mapping: Mapping) -> int:
    """Any layout: DuckDB's array reader (one thread), typed and checked in the order it reads, so
    a person's record number is its position; returns the persons read."""
    select, extraction = _select_sql(mapping)
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW hc_array AS
        SELECT NULL::BIGINT AS bron_regel, {select}
        FROM (SELECT json, {extraction} AS v
              FROM read_json({sql_str(str(array))}, format='array', records=false,
                             columns={{'json': 'JSON'}}, maximum_object_size={MAX_OBJECT}))
    """)
    first_rowid = check_in_order(con, "hc_array", "hc_pass")
    read, _ = insert_checked(con, import_id, "hc_pass", RecordLines(first_rowid, 1))
    con.execute("DROP TABLE hc_pass; DROP VIEW hc_array")
    return read


def _refusal(path: Path, exc: duckdb.Error) -> RefusedFile:
    """DuckDB's JSON parse error as a refusal naming the person record (1-based in `personen`).

    DuckDB counts the array's opening as value 1, so its "record/value N" is person N - 1.
    """
    text = str(exc).splitlines()[0]
    match = re.search(r"at byte (\d+) in record/value (\d+): (.*)", text)
    if match:
        record = max(1, int(match[2]) - 1)
        return RefusedFile(path, record, "personen",
                           f"JSON niet welgevormd in persoonsrecord {record} "
                           f"(byte {match[1]} van het record): {match[3].strip()}")
    return RefusedFile(path, None, "personen", "JSON niet welgevormd: " + text.split(": ", 1)[-1][:200])
