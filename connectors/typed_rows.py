"""Typing and checking raw text rows in DuckDB SQL, per a declared mapping.

Why: a national C-levering has 4 million rows, so every value is cast and checked in one SQL pass
(never in Python per row), and the same checks serve CSV and XML readers alike. A reader hands
`check_rows` a relation of text columns (a `read_csv(...)` call or a raw table); one
`CREATE TABLE AS` then holds the typed fields, the unknown columns as `extra` JSON and, only for a
faulty row, the list of its faults (source name, raw value, reason). Faulty rows go to quarantine;
the others are loaded into the mapping's staging table with the import id on every row.

The typing is layered so each value is parsed once: clean (trim, empty = NULL), parse, then decide
value and fault from the parsed value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from connectors.field_mapping import Field, Mapping

DATE_FORMATS = "jjjj-mm-dd, jjjjmmdd or dd-mm-jjjj"
FIRST_DATE, LAST_DATE = "1900-01-01", "2099-12-31"

# Dates in the spellings `rules.dates.parse_date` reads (jjjj-mm-dd, jjjjmmdd, d-m-jjjj / dd-mm-jjjj;
# tests prove both agree). `inbeeld_date_parse` only reads the spelling; `inbeeld_date` also refuses
# dates outside 1900-2099 (such as the BRP's 00000000) as implausible. NULL = no date. The length and
# position tests come first so that the common spellings never reach a regular expression.
SQL_MACROS = f"""
CREATE OR REPLACE TEMP MACRO inbeeld_date_parse(v) AS CAST(CASE
    WHEN contains(v, ' ') THEN NULL
    WHEN length(v) = 8 AND NOT contains(v, '-') THEN try_strptime(v, '%Y%m%d')
    WHEN length(v) = 10 AND v[5] = '-' AND v[8] = '-' THEN try_strptime(v, '%Y-%m-%d')
    WHEN length(v) = 10 AND v[3] = '-' AND v[6] = '-' THEN try_strptime(v, '%d-%m-%Y')
    WHEN regexp_full_match(v, '[0-9]{{1,2}}-[0-9]{{1,2}}-[0-9]{{4}}') THEN try_strptime(v, '%d-%m-%Y')
END AS DATE);
CREATE OR REPLACE TEMP MACRO inbeeld_date_bounded(d) AS
    CASE WHEN d BETWEEN DATE '{FIRST_DATE}' AND DATE '{LAST_DATE}' THEN d END;
CREATE OR REPLACE TEMP MACRO inbeeld_date(v) AS inbeeld_date_bounded(inbeeld_date_parse(v));
"""

FAULT_TYPE = "STRUCT(field VARCHAR, value VARCHAR, reason VARCHAR)"


def sql_str(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def literal(value: object) -> str:
    """A Python value as a SQL literal (None, bool, number, or text)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return sql_str(str(value))


def register_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temp date macros on `con` (the elfproef macros come with staging)."""
    con.execute(SQL_MACROS)


def _clean(raw: str) -> str:
    """Layer 1: surrounding blanks removed, empty = NULL (trim only when there is a blank: 2x cheaper)."""
    return f"nullif(CASE WHEN contains({raw}, ' ') THEN trim({raw}) ELSE {raw} END, '')"


def _parse(field: Field, c: str) -> str:
    """Layer 2: the parsed value of the cleaned text `c` (parsed once, used by value and fault)."""
    kind = field.type
    if kind == "code":
        return f"upper({c})"
    if kind == "date":
        return f"inbeeld_date_parse({c})"
    if kind == "jn":
        return f"CASE upper({c}) WHEN 'J' THEN true WHEN 'N' THEN false END"
    if kind == "integer":
        return f"TRY_CAST({c} AS INTEGER)"
    if kind == "decimal":
        return f"TRY_CAST(replace({c}, ',', '.') AS {field.sql_type})"
    if kind == "gemeentecode":
        return f"CASE WHEN regexp_full_match({c}, '[0-9]{{1,4}}') THEN lpad({c}, 4, '0') END"
    return c  # text, persoonsnummer, bsn


def _value_and_fault(field: Field, c: str, p: str) -> tuple[str, str]:
    """Layer 3: (typed value, fault reason or NULL) from cleaned text `c` and parsed value `p`."""
    kind = field.type
    value = p
    if kind in {"text", "code"}:
        checks = []
        if field.values is not None:
            allowed = ", ".join(sql_str(v) for v in field.values)
            checks.append(f"WHEN {p} NOT IN ({allowed}) THEN "
                          + sql_str(f"unknown value (expected one of {', '.join(field.values)})"))
        if field.pattern is not None:
            checks.append(f"WHEN NOT regexp_full_match({p}, {sql_str(field.pattern)}) THEN "
                          + sql_str(f"does not match the pattern {field.pattern}"))
        fault = f"CASE {' '.join(checks)} END" if checks else "NULL"
    elif kind == "persoonsnummer":
        fault = (f"CASE WHEN NOT is_persoonsnummer({c}) THEN CASE WHEN elfproef_som({c}) IS NULL "
                 "THEN 'not a 9-digit number' "
                 "ELSE 'fails the elfproef: neither a BSN nor an onderwijsnummer' END END")
    elif kind == "bsn":
        fault = (f"CASE WHEN NOT is_bsn({c}) THEN CASE WHEN elfproef_som({c}) IS NULL "
                 "THEN 'not a 9-digit number' ELSE 'fails the elfproef: not a BSN' END END")
    elif kind == "gemeentecode":
        fault = f"CASE WHEN {p} IS NULL OR {p} = '0000' THEN 'unknown gemeentecode (expected 4 digits)' END"
    elif kind == "date":
        value = f"inbeeld_date_bounded({p})"
        fault = (f"CASE WHEN {p} IS NULL THEN {sql_str('impossible date (expected ' + DATE_FORMATS + ')')} "
                 f"WHEN {value} IS NULL THEN 'impossible date (before {FIRST_DATE[:4]} or after "
                 f"{LAST_DATE[:4]})' END")
    elif kind == "jn":
        fault = f"CASE WHEN {p} IS NULL THEN 'expected J or N' END"
    elif kind == "integer":
        fault = f"CASE WHEN {p} IS NULL THEN 'not a whole number' END"
    elif kind == "decimal":
        fault = f"CASE WHEN {p} IS NULL THEN 'not a number' END"
    else:  # pragma: no cover - field_mapping.TYPES and this function are kept together
        raise ValueError(kind)
    if field.required:
        fault = f"CASE WHEN {c} IS NULL THEN 'missing required value' ELSE {fault} END"
    else:
        fault = f"CASE WHEN {c} IS NOT NULL THEN {fault} END"
    if field.default is not None:
        value = f"coalesce({value}, {literal(field.default)})"
    return value, fault


@dataclass(frozen=True)
class RowCheck:
    """A check across fields (e.g. EINDDATUM before BEGINDATUM), blamed on `field`.

    `bad` is SQL over the typed field names; it only applies to rows whose fields typed cleanly.
    """

    field: str
    bad: str
    reason: str


@dataclass
class Checked:
    """Typed rows with their faults: temp table `table`, read through temp view `name` (gives `line`).

    Faults found later (against other rows or the staging state) are added with `add_fault` into a
    side table, so the typed table is never updated and its row order stays the file order.
    """

    con: duckdb.DuckDBPyConnection
    mapping: Mapping
    name: str
    labels: dict[str, str]
    later: list[str] = field(default_factory=list)

    @property
    def table(self) -> str:
        return f"{self.name}_t"

    @property
    def later_table(self) -> str:
        return f"{self.name}_later"

    def number_lines(self, line_sql: str = "t.line", join: str = "") -> None:
        """(Re)create the view with `line_sql` (over the typed table `t`, and `join`) as the line."""
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW {self.name} AS SELECT {line_sql} AS line, t.* EXCLUDE (line) "
            f"FROM {self.table} t {join}"
        )

    def count(self, where: str = "true") -> int:
        return self.con.execute(f"SELECT count(*) FROM {self.name} WHERE {where}").fetchone()[0]

    @property
    def good(self) -> str:
        """SQL condition for a row without any fault (over the view)."""
        return f"faults IS NULL AND line NOT IN (SELECT line FROM {self.later_table})"

    def add_fault(self, field: str, condition: str, reason_sql: str, *, value_sql: str | None = None) -> int:
        """Quarantine the so far good rows matching `condition` (SQL over the view), blamed on `field`."""
        value_sql = value_sql or f"CAST({field} AS VARCHAR)"
        before = self.con.execute(f"SELECT count(*) FROM {self.later_table}").fetchone()[0]
        self.con.execute(
            f"INSERT INTO {self.later_table} SELECT line, {sql_str(self.labels[field])}, {value_sql}, "
            f"{reason_sql} FROM {self.name} WHERE {self.good} AND ({condition})"
        )
        return self.con.execute(f"SELECT count(*) FROM {self.later_table}").fetchone()[0] - before

    def quarantine(self) -> int:
        """Copy every fault into `quarantine_pending` (line, source, raw value, reason); returns bad rows."""
        self.con.execute(
            "INSERT INTO quarantine_pending SELECT line, field, value, reason FROM ("
            f"SELECT line, f.field, f.value, f.reason FROM (SELECT line, unnest(faults) AS f "
            f"FROM {self.name} WHERE faults IS NOT NULL) "
            f"UNION ALL SELECT line, field, value, reason FROM {self.later_table}) ORDER BY line"
        )
        return self.count(f"NOT ({self.good})")

    def load(self, import_id: int, *, table: str | None = None, constants: dict[str, object] | None = None,
             columns: list[str] | None = None, where: str = "true") -> int:
        """Insert the good rows into the staging table with `import_id`; returns the number loaded."""
        table = table or self.mapping.table
        constants = constants or {}
        columns = columns or [f.name for f in self.mapping.fields]
        names = ["import_id", "line", *constants, *columns, "extra"]
        values = [str(int(import_id)), "line", *(literal(v) for v in constants.values()), *columns, "extra"]
        return self.con.execute(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} FROM {self.name} "
            f"WHERE {self.good} AND ({where})"
        ).fetchone()[0]

    def drop(self) -> None:
        self.con.execute(f"DROP VIEW IF EXISTS {self.name}")
        self.con.execute(f"DROP TABLE IF EXISTS {self.table}")
        self.con.execute(f"DROP TABLE IF EXISTS {self.later_table}")


def check_rows(
    con: duckdb.DuckDBPyConnection,
    mapping: Mapping,
    relation: str,
    sources: dict[str, str],
    *,
    extra_sources: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    row_checks: tuple[RowCheck, ...] = (),
    name: str = "checked_rows",
    line_column: str = "line",
    extra_column: str | None = None,
) -> Checked:
    """Type and check the rows of `relation` (SQL yielding text columns) per `mapping`.

    `sources` maps field name -> column of `relation` (fields absent from the file are NULL),
    `extra_sources` maps an unknown column's original name -> column (kept in the `extra` JSON),
    `labels` names each field in quarantine (default: the typed field name, as the core does), and
    `line_column` is the column of `relation` holding each row's line number (computed where the rows
    are read: the typed table's own row order is not the file's) and `extra_column` a column already
    holding the unknown values as JSON text (XML readers).
    """
    register_macros(con)
    extra_sources = extra_sources or {}
    labels = {f.name: (labels or {}).get(f.name, f.name) for f in mapping.fields}
    keep = [f"{line_column} AS line"]
    fields = mapping.fields

    cleaned = [*keep]
    for f in fields:
        raw = sources.get(f.name)
        cleaned.append(f"{_clean(raw)} AS c_{f.name}" if raw else f"NULL::VARCHAR AS c_{f.name}")
    if extra_column:
        cleaned.append(f"CAST({extra_column} AS JSON) AS extra")
    elif extra_sources:
        pairs = ", ".join(f"{sql_str(k)}, {_clean(v)}" for k, v in extra_sources.items())
        cleaned.append(f"json_object({pairs}) AS extra")
    else:
        cleaned.append("NULL::JSON AS extra")

    keep = ["line"]
    parsed = [*keep, "extra"] + [f"c_{f.name}" for f in fields]
    parsed += [f"{_parse(f, f'c_{f.name}')} AS p_{f.name}" for f in fields]

    typed = [*keep, "extra"] + [f"c_{f.name}" for f in fields]
    for f in fields:
        value, fault = _value_and_fault(f, f"c_{f.name}", f"p_{f.name}")
        typed += [f"{value} AS {f.name}", f"{fault} AS f_{f.name}"]

    field_ok = " AND ".join(f"f_{f.name} IS NULL" for f in fields) or "true"
    checked = [*keep, "extra"] + [f"c_{f.name}" for f in fields] + [f.name for f in fields]
    for f in fields:
        fault = f"f_{f.name}"
        for check in (c for c in row_checks if c.field == f.name):
            reason = sql_str(check.reason)
            fault = f"coalesce({fault}, CASE WHEN ({field_ok}) AND ({check.bad}) THEN {reason} END)"
        checked.append(f"{fault} AS f_{f.name}")

    any_fault = " OR ".join(f"f_{f.name} IS NOT NULL" for f in fields) or "false"
    items = ", ".join(
        f"CASE WHEN f_{f.name} IS NOT NULL THEN "
        f"{{'field': {sql_str(labels[f.name])}, 'value': c_{f.name}, 'reason': f_{f.name}}} END"
        for f in fields
    )
    final = [*keep, *(f.name for f in fields), "extra",
             f"CASE WHEN {any_fault} THEN list_filter([{items}], lambda x: x IS NOT NULL) END "
             f"::{FAULT_TYPE}[] AS faults"]

    result = Checked(con, mapping, name, labels)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {result.table} AS SELECT {', '.join(final)} FROM ("
        f"SELECT {', '.join(checked)} FROM ("
        f"SELECT {', '.join(typed)} FROM ("
        f"SELECT {', '.join(parsed)} FROM ("
        f"SELECT {', '.join(cleaned)} FROM {relation}))))"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {result.later_table} "
                "(line BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR)")
    result.number_lines()
    return result
