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

from dataclasses import dataclass
from dataclasses import field as dataclass_field

import duckdb

from connectors.mappings import Field, Mapping
from connectors.scan_order import any_order, in_order

FAULT_TYPE = "STRUCT(field VARCHAR, value VARCHAR, reason VARCHAR)"
DATE_FORMATS = "jjjj-mm-dd, jjjjmmdd of dd-mm-jjjj"
FIRST_DATE, LAST_DATE = "1900-01-01", "2099-12-31"

# Dates in the spellings `rules.dates.parse_date` reads (jjjj-mm-dd, jjjjmmdd, d-m-jjjj / dd-mm-jjjj;
# tests prove both agree). `inbeeld_date_parse` only reads the spelling; `inbeeld_date` also refuses
# dates outside 1900-2099 (such as the BRP's 00000000) as implausible. NULL = no date. An empty
# value leaves at once (most DATUM_UITSCHRIJVING are empty); DUO's own dd-mm-jjjj is recognised
# next with one LIKE (cheaper than the length and character tests, which cost as much as the parse
# itself), and no common spelling reaches a regular expression.
SQL_MACROS = f"""
CREATE OR REPLACE TEMP MACRO inbeeld_date_parse(v) AS CAST(CASE
    WHEN v IS NULL THEN NULL
    WHEN v LIKE '__-__-____' THEN CASE WHEN NOT contains(v, ' ') THEN try_strptime(v, '%d-%m-%Y') END
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


def clean_sql(raw: str, blanks: bool = True) -> str:
    """Layer 1: surrounding blanks removed, empty = NULL (trim only when there is a blank: 2x cheaper;
    nothing to look for when the source has no blank at all)."""
    if not blanks:
        return f"nullif({raw}, '')"
    return f"nullif(CASE WHEN contains({raw}, ' ') THEN trim({raw}) ELSE {raw} END, '')"


NUMBERS = {"integer", "gemeentecode", "persoonsnummer", "bsn"}


def _source_sql(field: Field, raw: str, blanks: bool, dot_zero: bool) -> str:
    """Layer 1 for one field: cleaned, a spreadsheet's '.0' dropped (when the mapping says so) and
    the mapping's `empty` values (DUO's BSN 0) made NULL."""
    c = clean_sql(raw, blanks)
    if dot_zero and field.type in NUMBERS:
        c = f"regexp_replace({c}, '\\.0+$', '')"
    if field.empty:
        c = f"CASE WHEN {c} IN ({', '.join(sql_str(v) for v in field.empty)}) THEN NULL ELSE {c} END"
    return c


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
    if kind in {"persoonsnummer", "bsn"}:  # the number once as an integer, for the elfproef
        return f"TRY_CAST({c} AS BIGINT)"
    return c  # text


def _value_ok_reason(field: Field, c: str, p: str) -> tuple[str, str, str]:
    """Layer 3: (typed value, ok, reason) from cleaned text `c` and parsed value `p`.

    `ok` is a plain boolean, evaluated for every row; `reason` (text) is only evaluated for rows that
    are not ok, so a national file pays for the checks and not for composing messages.
    """
    kind = field.type
    value, ok, reason = p, "true", "NULL"
    if kind in {"text", "code"}:
        oks, reasons = [], []
        if field.values is not None:
            allowed = ", ".join(sql_str(v) for v in field.values)
            oks.append(f"{p} IN ({allowed})")
            reasons.append(f"WHEN {p} NOT IN ({allowed}) THEN "
                           + sql_str(f"onbekende waarde (verwacht een van {', '.join(field.values)})"))
        if field.pattern is not None:
            oks.append(f"regexp_full_match({p}, {sql_str(field.pattern)})")
            reasons.append(f"WHEN NOT regexp_full_match({p}, {sql_str(field.pattern)}) THEN "
                           + sql_str(f"past niet in het patroon {field.pattern}"))
        if oks:
            ok, reason = " AND ".join(oks), f"CASE {' '.join(reasons)} END"
    elif kind in {"persoonsnummer", "bsn"}:
        value = c
        ok = f"is_persoonsnummer_fast({c}, {p})" if kind == "persoonsnummer" else f"is_bsn_fast({c}, {p})"
        failed = ("voldoet niet aan de elfproef: geen BSN en geen onderwijsnummer" if kind == "persoonsnummer"
                  else "voldoet niet aan de elfproef: geen BSN")
        reason = (f"CASE WHEN elfproef_som({c}) IS NULL THEN 'geen getal van 9 cijfers' "
                  f"ELSE {sql_str(failed)} END")
    elif kind == "gemeentecode":
        ok = f"{p} <> '0000'"
        reason = "'onbekende gemeentecode (verwacht 4 cijfers)'"
    elif kind == "date":
        value = f"inbeeld_date_bounded({p})"
        ok = f"{p} BETWEEN DATE '{FIRST_DATE}' AND DATE '{LAST_DATE}'"
        impossible = sql_str(f"onmogelijke datum (verwacht {DATE_FORMATS})")
        reason = (f"CASE WHEN {p} IS NULL THEN {impossible} "
                  f"ELSE 'onmogelijke datum (vóór {FIRST_DATE[:4]} of na {LAST_DATE[:4]})' END")
    elif kind in {"jn", "integer", "decimal"}:
        ok = f"{p} IS NOT NULL"
        reason = {"jn": "'verwacht J of N'", "integer": "'geen geheel getal'",
                  "decimal": "'geen getal'"}[kind]
    else:  # pragma: no cover - connectors.mappings.TYPES and this function are kept together
        raise ValueError(kind)
    if field.required:
        ok = f"({c} IS NOT NULL AND coalesce({ok}, false))"
        reason = f"CASE WHEN {c} IS NULL THEN 'verplichte waarde ontbreekt' ELSE {reason} END"
    elif ok != "true":  # an optional field without checks cannot fail: `ok` stays the constant
        ok = f"({c} IS NULL OR coalesce({ok}, false))"
    if field.default is not None:
        value = f"coalesce({value}, {literal(field.default)})"
    return value, ok, reason


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
    """One import's typed rows with their faults, in a temp table until `finish` loads the good ones.

    Each faulty row carries its list of faults in the `faults` column. Faults found afterwards
    (against other rows or the staging state) go through `add_fault` into a side table.
    `quarantine` copies every fault to `quarantine_pending`; `finish` inserts the rows without faults
    into the staging table. (Inserting every row into the staging table and deleting the faulty
    ones would save the temp copy, but DuckDB then rewrites at commit every row group that lost a
    row: for a national file with a few bad rows that costs more than the copy.)
    Readers query the view `name`, which adds what is not stored on every row: the import id, the
    constants and, for rows typed in file order, the line (position + first line, or `line_map`).
    """

    con: duckdb.DuckDBPyConnection
    mapping: Mapping
    name: str
    labels: dict[str, str]
    table: str
    import_id: int
    columns: tuple[str, ...]
    # None: the typed table has a `line` column; a number: the typed table is in the relation's
    # order and a row's line is its rowid + this (or comes from `line_map`, see `renumber`)
    first_line: int | None = None
    line_map: str | None = None
    first_rowid: int = 0  # rows written inside a transaction are numbered from a high base
    literals: dict[str, str] = dataclass_field(default_factory=dict)  # column -> SQL literal, all rows
    later_faults: int = 0  # rows quarantined by `add_fault`

    @property
    def typed_table(self) -> str:
        return f"{self.name}_t"

    @property
    def later_table(self) -> str:
        return f"{self.name}_later"

    def _view(self) -> None:
        """The rows as readers see them: line, import id and constants (not stored per row), fields."""
        literals = "".join(f"{value} AS {key}, " for key, value in self.literals.items())
        line, join = "", ""
        if self.line_map is not None:
            line = "m.line, "
            join = f" JOIN {self.line_map} m ON m.idx = t.rowid - {int(self.first_rowid)}"
        elif self.first_line is not None:
            line = f"t.rowid - {int(self.first_rowid) - int(self.first_line)} AS line, "
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {self.name} AS "
                         f"SELECT {line}{literals}t.* FROM {self.typed_table} t{join}")

    def renumber(self, line_map: str) -> None:
        """Take the lines from `line_map(idx, line)` (record index from 0 -> line in the file).

        For rows that do not each fill one line (blank lines, quoted line breaks); the map is
        dropped by `finish`.
        """
        if self.first_line is None:
            self.con.execute(
                f"UPDATE {self.typed_table} SET line = m.line FROM {line_map} m "
                f"WHERE m.idx = {self.typed_table}.line - 2"
            )
            self.con.execute(f"DROP TABLE {line_map}")
            return
        self.line_map = line_map
        self._view()

    def count(self, where: str = "true") -> int:
        return self.con.execute(f"SELECT count(*) FROM {self.name} WHERE {where}").fetchone()[0]

    @property
    def good(self) -> str:
        """SQL condition for a row without any fault (over the view)."""
        if not self.later_faults:  # the usual case: no lookup of every row's line
            return "faults IS NULL"
        return f"faults IS NULL AND line NOT IN (SELECT line FROM {self.later_table})"

    def add_fault(self, field: str, condition: str, reason_sql: str, *, value_sql: str | None = None) -> int:
        """Quarantine the so far good rows matching `condition` (SQL over the view), blamed on `field`."""
        value_sql = value_sql or f"CAST({field} AS VARCHAR)"
        before = self.con.execute(f"SELECT count(*) FROM {self.later_table}").fetchone()[0]
        self.con.execute(
            f"INSERT INTO {self.later_table} SELECT line, {sql_str(self.labels[field])}, {value_sql}, "
            f"{reason_sql} FROM {self.name} WHERE {self.good} AND ({condition})"
        )
        added = self.con.execute(f"SELECT count(*) FROM {self.later_table}").fetchone()[0] - before
        self.later_faults += added
        return added

    def quarantine(self) -> int:
        """Copy every fault into `quarantine_pending` (line, field, raw value, reason); returns bad rows."""
        self.con.execute(
            "INSERT INTO quarantine_pending SELECT line, field, value, reason FROM ("
            f"SELECT line, f.field, f.value, f.reason FROM (SELECT line, unnest(faults) AS f "
            f"FROM {self.name} WHERE faults IS NOT NULL) "
            f"UNION ALL SELECT line, field, value, reason FROM {self.later_table}) ORDER BY line"
        )
        return self.count(f"NOT ({self.good})")

    def finish(self) -> int:
        """Insert the rows without faults into the staging table (after `quarantine`); returns how many."""
        names = ", ".join(self.columns)
        with any_order(self.con):
            loaded = self.con.execute(
                f"INSERT INTO {self.table} ({names}) SELECT {names} FROM {self.name} WHERE {self.good}"
            ).fetchone()[0]
        self.con.execute(f"DROP VIEW IF EXISTS {self.name}")
        self.con.execute(f"DROP TABLE IF EXISTS {self.typed_table}")
        self.con.execute(f"DROP TABLE IF EXISTS {self.later_table}")
        if self.line_map is not None:
            self.con.execute(f"DROP TABLE IF EXISTS {self.line_map}")
        return loaded


def check_rows(
    con: duckdb.DuckDBPyConnection,
    mapping: Mapping,
    relation: str,
    sources: dict[str, str],
    *,
    import_id: int,
    table: str | None = None,
    constants: dict[str, object] | None = None,
    extra_sources: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    row_checks: tuple[RowCheck, ...] = (),
    name: str = "checked_rows",
    line_column: str | None = "line",
    first_line: int = 1,
    extra_column: str | None = None,
    blanks: bool = True,
) -> Checked:
    """Type and check the rows of `relation` (SQL yielding text columns) per `mapping`, and insert them
    with `import_id` (and the `constants`, e.g. a report's month) into `table` (default: the mapping's).

    `sources` maps field name -> column of `relation` (fields absent from the file are NULL),
    `extra_sources` maps an unknown column's original name -> column (kept in the `extra` JSON),
    `labels` names each field in quarantine (default: the typed field name, as the core does), and
    `line_column` is the column of `relation` holding each row's line number (computed where the rows
    are read), and `extra_column` a column already holding the unknown values as JSON text (XML
    readers). With `line_column=None` the rows are typed in the relation's own order (in parallel,
    DuckDB keeping the order) and a row's line is its position + `first_line`: numbering rows where
    they are read (`WITH ORDINALITY`, `row_number() OVER ()`) makes the whole pass single-threaded.
    `blanks=False` says the source holds no space at all (a file the encoding check found without
    one), so no value needs trimming.
    """
    register_macros(con)
    extra_sources = extra_sources or {}
    labels = {f.name: (labels or {}).get(f.name, f.name) for f in mapping.fields}
    keep = [f"{line_column} AS line"] if line_column else []
    fields = mapping.fields

    cleaned = [*keep]
    by_name = {f.name: f for f in fields}
    for f in fields:
        raw = sources.get(f.name)
        c = _source_sql(f, raw, blanks, mapping.dot_zero) if raw else "NULL::VARCHAR"
        other = sources.get(f.otherwise) if f.otherwise else None
        if other:  # DUO's BSN 0 or empty: the onderwijsnummer counts
            c = f"coalesce({c}, {_source_sql(by_name[f.otherwise], other, blanks, mapping.dot_zero)})"
        cleaned.append(f"{c} AS c_{f.name}")
    if extra_column:
        cleaned.append(f"CAST({extra_column} AS JSON) AS extra")
    elif extra_sources:
        pairs = ", ".join(f"{sql_str(k)}, {clean_sql(v, blanks)}" for k, v in extra_sources.items())
        cleaned.append(f"json_object({pairs}) AS extra")
    else:
        cleaned.append("NULL::JSON AS extra")

    keep = ["line"] if line_column else []
    parsed = [*keep, "extra"] + [f"c_{f.name}" for f in fields]
    parsed += [f"{_parse(f, f'c_{f.name}')} AS p_{f.name}" for f in fields]

    carried = [f"c_{f.name}" for f in fields] + [f"p_{f.name}" for f in fields]
    typed = [*keep, "extra", *carried]
    reasons: dict[str, str] = {}
    never_fail = set()  # fields without any check: left out of the per-row fault test
    for f in fields:
        value, ok, reasons[f.name] = _value_ok_reason(f, f"c_{f.name}", f"p_{f.name}")
        typed += [f"{value} AS {f.name}", f"{ok} AS k_{f.name}"]
        if ok == "true" and not any(c.field == f.name for c in row_checks):
            never_fail.add(f.name)

    # row checks (across fields) only judge rows whose fields are all fine on their own
    fields_ok = " AND ".join(f"k_{f.name}" for f in fields) or "true"
    checked = [*keep, "extra", *carried] + [f.name for f in fields] + [f"k_{f.name}" for f in fields]
    for f in fields:
        mine = [c for c in row_checks if c.field == f.name]
        ok = f"k_{f.name}" + "".join(f" AND NOT coalesce(({fields_ok}) AND ({c.bad}), false)" for c in mine)
        checked.append(f"{ok} AS r_{f.name}")
        if mine:
            whens = " ".join(f"WHEN {c.bad} THEN {sql_str(c.reason)}" for c in mine)
            reasons[f.name] = f"CASE WHEN NOT k_{f.name} THEN {reasons[f.name]} ELSE CASE {whens} END END"

    checked_fields = [f for f in fields if f.name not in never_fail]
    all_ok = " AND ".join(f"r_{f.name}" for f in checked_fields) or "true"
    items = ", ".join(
        f"CASE WHEN NOT r_{f.name} THEN "
        f"{{'field': {sql_str(labels[f.name])}, 'value': c_{f.name}, 'reason': {reasons[f.name]}}} END"
        for f in checked_fields
    )
    faults = (f"CASE WHEN NOT ({all_ok}) THEN list_filter([{items}], lambda x: x IS NOT NULL) END"
              if checked_fields else "NULL")
    final = [*keep, *(f.name for f in fields), "extra", f"{faults}::{FAULT_TYPE}[] AS faults"]

    constants = constants or {}
    names = ("import_id", *constants, "line", *(f.name for f in fields), "extra")
    literals = {"import_id": str(int(import_id)), **{k: literal(v) for k, v in constants.items()}}
    result = Checked(con, mapping, name, labels, table or mapping.table, import_id, names,
                     first_line=None if line_column else first_line, literals=literals)
    values = final
    with any_order(con) if line_column else in_order(con):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {result.typed_table} AS SELECT {', '.join(values)} FROM ("
            f"SELECT {', '.join(checked)} FROM ("
            f"SELECT {', '.join(typed)} FROM ("
            f"SELECT {', '.join(parsed)} FROM ("
            f"SELECT {', '.join(cleaned)} FROM {relation}))))"
        )
    if not line_column:
        result.first_rowid = con.execute(f"SELECT min(rowid) FROM {result.typed_table}").fetchone()[0] or 0
    con.execute(f"CREATE OR REPLACE TEMP TABLE {result.later_table} "
                "(line BIGINT, field VARCHAR, value VARCHAR, reason VARCHAR)")
    result._view()
    return result
