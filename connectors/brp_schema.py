"""The one typed BRP person table, its history table and views, and the load steps the three
BRP readers share (`check_in_order` and `insert_checked` for LO3 and Haal Centraal, `load_batch`
for the StUF-BG row files).

Why one module: the three formats carry the same facts (docs/formats.md §1), so each reader only
turns its format into a relation of *raw* canonical fields (text, GBA dates `jjjjmmdd`); typing,
validation, quarantine and the insert happen here, once, in SQL. A new supplier layout is a
mapping file (`connectors/mappings/`), not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from connectors import brp_zoekindex
from connectors.brp_fields import FIELDS_ON_FAULT, OUDER_FIELDS, RAW_FIELDS
from connectors.errors import RefusedFile
from connectors.mappings import LEEG, ONVOLLEDIG, REFUSE, Field
from connectors.scan_order import any_order, in_order

# -- the typed table --------------------------------------------------------------------------
PERSON_COLUMNS: tuple[tuple[str, str], ...] = (
    ("import_id", "BIGINT NOT NULL"),
    ("bron_regel", "BIGINT"),          # CSV/XML line, JSON record number
    ("bsn", "VARCHAR NOT NULL"),
    ("a_nummer", "VARCHAR"),
    ("voornamen", "VARCHAR"),
    ("voorvoegsel", "VARCHAR"),
    ("geslachtsnaam", "VARCHAR"),
    ("geboortedatum", "VARCHAR"),      # as delivered, normalised to jjjjmmdd (00 = unknown)
    ("geboortedatum_vroegst", "DATE"),
    ("geboortedatum_laatst", "DATE"),
    ("geboortedatum_precisie", "VARCHAR"),  # dag | maand | jaar | onbekend
    ("geslacht", "VARCHAR"),
    ("gemeente_inschrijving", "VARCHAR"),
    ("datum_inschrijving_gemeente", "DATE"),
    ("verblijfplaats_type", "VARCHAR"),
    ("adres_functie", "VARCHAR"),
    ("straat", "VARCHAR"),
    ("huisnummer", "INTEGER"),
    ("huisletter", "VARCHAR"),
    ("huisnummertoevoeging", "VARCHAR"),
    ("postcode", "VARCHAR"),
    ("woonplaats", "VARCHAR"),
    ("datum_aanvang_adres", "DATE"),
    ("adres_in_onderzoek", "BOOLEAN NOT NULL"),
    ("onderzoek_aanduiding", "VARCHAR"),
    ("onderzoek_datum", "DATE"),
    ("overleden", "BOOLEAN NOT NULL"),
    ("datum_overlijden", "DATE"),
    ("opschorting_reden", "VARCHAR"),
    ("opschorting_datum", "DATE"),
    ("geheimhouding", "INTEGER"),
    ("rni", "BOOLEAN NOT NULL"),
    *((f"ouder{n}_{f}", "VARCHAR") for n in (1, 2) for f in OUDER_FIELDS),
    ("gezag", "VARCHAR"),
    ("extra", "JSON"),
    # the fields the law needs that were at fault and are empty (comma separated), else NULL: the
    # signals give such a resident ONVOLLEDIGE_PERSOONSLIJST. Older staging files gain it and the
    # search columns with ADD COLUMN (at the end: the inserts go BY NAME).
    ("onvolledig", "VARCHAR"),
    # derived for finding a person (connectors.brp_zoekindex), made by the insert; always last
    *((name, "VARCHAR") for name in brp_zoekindex.COLUMNS),
)
PERSON_NAMES = tuple(name for name, _ in PERSON_COLUMNS)
TYPED_NAMES = PERSON_NAMES[:-len(brp_zoekindex.COLUMNS)]  # what the typed pass of a reader gives

DDL = f"""
CREATE TABLE IF NOT EXISTS brp_personen (
    {", ".join(f"{n} {t}" for n, t in PERSON_COLUMNS)}
);
ALTER TABLE brp_personen ADD COLUMN IF NOT EXISTS onvolledig VARCHAR;
{"".join(f"ALTER TABLE brp_personen ADD COLUMN IF NOT EXISTS {n} VARCHAR;" for n in brp_zoekindex.COLUMNS)}
DROP TABLE IF EXISTS {brp_zoekindex.OLD_TABLE};
CREATE TABLE IF NOT EXISTS brp_historie (
    import_id     BIGINT NOT NULL,
    bsn           VARCHAR,           -- the persoonslijst the row belongs to
    pl_regel      BIGINT,            -- line of the labelled row that starts the persoonslijst
    bron_regel    BIGINT,            -- line of the history row
    categorie     VARCHAR,           -- LO3 category of the element group ('08')
    lo3_categorie VARCHAR,           -- as marked in the file ('58' history, '09' next occurrence), if marked
    geldig_van    DATE,              -- CC.85.10 ingangsdatum geldigheid
    geldig_tot    DATE,              -- the geldig_van of the next newer row of the category (exclusive)
    opneming      DATE,              -- CC.86.10 datum van opneming
    waarden       JSON               -- field (or element number when unmapped) -> value
);
CREATE OR REPLACE VIEW brp_personen_actueel AS
    SELECT * FROM brp_personen
    WHERE import_id = (SELECT max(import_id) FROM imports WHERE kind = 'brp' AND status = 'loaded');
CREATE OR REPLACE VIEW brp_historie_actueel AS
    SELECT * FROM brp_historie
    WHERE import_id = (SELECT max(import_id) FROM imports WHERE kind = 'brp' AND status = 'loaded');
CREATE OR REPLACE MACRO brp_import_op(d) AS (
    SELECT max(import_id) FROM imports
    WHERE kind = 'brp' AND status = 'loaded' AND coalesce(peildatum, finished_at::DATE) <= d
);
CREATE OR REPLACE MACRO brp_personen_op(d) AS TABLE
    SELECT * FROM brp_personen WHERE import_id = brp_import_op(d);
"""

# GBA dates: jjjjmmdd with 00 for unknown parts; ISO and dd-mm-jjjj are accepted and normalised.
DATE_MACROS = r"""
CREATE OR REPLACE TEMP MACRO brp_gba(s) AS (
    CASE WHEN length(s) = 8 THEN s
         WHEN length(s) = 10 AND s[5] = '-' AND s[8] = '-' THEN s[1:4] || s[6:7] || s[9:10]
         WHEN length(s) = 10 AND s[3] = '-' AND s[6] = '-' THEN s[7:10] || s[4:5] || s[1:2]
    END);
CREATE OR REPLACE TEMP MACRO brp_precisie(g) AS (
    CASE WHEN g IS NULL THEN NULL
         WHEN g = '00000000' THEN 'onbekend'
         WHEN g[5:8] = '0000' THEN 'jaar'
         WHEN g[7:8] = '00' THEN 'maand'
         ELSE 'dag' END);
-- partly unknown dates (the rare, slow path): jjjj0000, jjjjmm00
CREATE OR REPLACE TEMP MACRO brp_partieel_vroegst(g) AS (
    CASE WHEN g[1:4] = '0000' OR NOT regexp_full_match(g, '[0-9]{8}') THEN NULL
         WHEN g[5:8] = '0000' THEN try_strptime(g[1:4] || '0101', '%Y%m%d')::DATE
         WHEN g[7:8] = '00' THEN try_strptime(g[1:6] || '01', '%Y%m%d')::DATE END);
CREATE OR REPLACE TEMP MACRO brp_partieel_laatst(g) AS (
    CASE WHEN g[1:4] = '0000' OR NOT regexp_full_match(g, '[0-9]{8}') THEN NULL
         WHEN g[5:8] = '0000' THEN try_strptime(g[1:4] || '1231', '%Y%m%d')::DATE
         WHEN g[7:8] = '00' THEN last_day(try_strptime(g[1:6] || '01', '%Y%m%d'))::DATE END);
-- a whole date takes one strptime (the common, fast path); a partly unknown one the slow path
CREATE OR REPLACE TEMP MACRO brp_vroegst(g) AS (
    CASE WHEN g IS NULL THEN NULL
         WHEN g[7:8] <> '00' THEN try_strptime(g, '%Y%m%d')::DATE
         ELSE brp_partieel_vroegst(g) END);
CREATE OR REPLACE TEMP MACRO brp_laatst(g) AS (
    CASE WHEN g IS NULL THEN NULL
         WHEN g[7:8] <> '00' THEN try_strptime(g, '%Y%m%d')::DATE
         ELSE brp_partieel_laatst(g) END);
CREATE OR REPLACE TEMP MACRO brp_datum_fout(s) AS (
    s IS NOT NULL AND (brp_gba(s) IS NULL
        OR (brp_gba(s) <> '00000000' AND brp_vroegst(brp_gba(s)) IS NULL)));
CREATE OR REPLACE TEMP MACRO brp_datum(s) AS brp_vroegst(brp_gba(s));
CREATE OR REPLACE TEMP MACRO brp_geheim(s) AS (
    CASE lower(s) WHEN 'true' THEN 1 WHEN 'false' THEN 0 ELSE try_cast(s AS INTEGER) END);
CREATE OR REPLACE TEMP MACRO brp_vlag(s) AS (
    coalesce(lower(s) IN ('j', 'ja', 'true', '1', 'y'), false));
"""

# Names and addresses (fields with a `max_length`): control characters (C0, DEL, C1: a line break
# in a street would add lines to a letter's address block) become one space; the invisible
# bidirectional and zero-width format characters (U+202E turns text around on screen and paper)
# are removed. Both are reported; the field keeps its cleaned value.
CONTROL = r"[\x00-\x1F\x7F-\x9F]"
FORMAT_CHARS = r"[\x{061C}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{FEFF}]"
UNSAFE = CONTROL[:-1] + FORMAT_CHARS[1:]
NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t",
         **{chr(c): f"<U+{c:04X}>" for c in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}}


def _visible_sql(value: str) -> str:
    """SQL: `value` with the characters of UNSAFE written out (`\\n`, `<U+202E>`), for the report."""
    out = value
    for char, shown in NAMED.items():
        out = f"replace({out}, chr({ord(char)}), '{shown}')"
    return f"regexp_replace({out}, '{UNSAFE}', '<?>', 'g')"


TEXT_MACROS = f"""
CREATE OR REPLACE TEMP MACRO brp_tekst(s) AS
    nullif(trim(regexp_replace(regexp_replace(s, '{FORMAT_CHARS}', '', 'g'), '{CONTROL}+', ' ', 'g')), '');
"""

REASONS = {
    "missing": "verplicht veld ontbreekt",
    "bsn": "voldoet niet aan de elfproef (geen BSN)",
    "date": "geen datum (jjjjmmdd, 00 voor een onbekende dag of maand)",
    "gemeente": "geen gemeentecode (4 cijfers)",
    "int": "geen geheel getal",
    "geheim": "geen indicatie geheim (0-9, true/false)",
}


# A fault outcome in the fault report (docs/spec.md §6: every persoonslijst staged or refused,
# with its reason).
OUTCOMES = {
    REFUSE: " - persoonslijst geweigerd",
    ONVOLLEDIG: " - persoon geladen met dit veld leeg, signaal ONVOLLEDIGE_PERSOONSLIJST",
    LEEG: " - persoon geladen met dit veld leeg",
    "schoon": " - persoon geladen met het veld opgeschoond",
}


def _checked_texts() -> tuple[str, ...]:
    return tuple(f.name for f in RAW_FIELDS if f.max_length)


def _date_fields() -> tuple[str, ...]:
    return tuple(f.name for f in RAW_FIELDS if f.type == "brp_date")


def parsed_sql(source: str) -> str:
    """`source` with each value parsed once, for the fault check and the typed insert alike.

    Layer 1 adds `g_<date>` (the GBA spelling) and `i_<bsn>` (the number as an integer); layer 2
    adds `d_<date>` (the earliest day). Without the layers the date macros nest and DuckDB expands
    every GBA conversion a dozen times per value: the fault check alone took 3.5 s per million.
    """
    dates = _date_fields()
    first = [f"brp_gba({q(f)}) AS g_{f}" for f in dates]
    first += [f"try_cast({q(f.name)} AS BIGINT) AS i_{f.name}" for f in RAW_FIELDS if f.type == "bsn"]
    # one test per row for an unsafe character in any name or address (almost always false)
    first.append(f"regexp_matches(concat({', '.join(q(f) for f in _checked_texts())}), '{UNSAFE}') AS u_row")
    second = [f"brp_vroegst(g_{f}) AS d_{f}" for f in dates]
    return (f"(SELECT *, {', '.join(second)} FROM "
            f"(SELECT *, {', '.join(first)} FROM {source}))")


def q(name: str) -> str:
    """A quoted column name."""
    return f'"{name}"'


def _fault_checks(field: Field) -> list[tuple[str, str, bool, str]]:
    """(SQL condition over the parsed layers, reason, field emptied, SQL of the value reported)
    for one field."""
    v = q(field.name)
    checks = [(cond, REASONS[reason], True, v) for cond, reason in _value_checks(field)]
    if field.max_length:
        checks.append((f"u_row AND regexp_matches({v}, '{UNSAFE}')",
                       "een stuur- of richtingsteken (regelovergang, U+202E, …): vervangen door een spatie "
                       "of verwijderd", False, _visible_sql(v)))
        checks.append((f"length({v}) > {field.max_length}",
                       f"langer dan het LO3-maximum van {field.max_length} tekens", True, v))
    return checks


def _value_checks(field: Field) -> list[tuple[str, str]]:
    """(SQL condition over the parsed layers, reason key) pairs for one field's value."""
    v = q(field.name)
    checks = []
    if field.required:
        checks.append((f"{v} IS NULL", "missing"))
    if field.type == "bsn":
        checks.append((f"{v} IS NOT NULL AND NOT is_bsn_fast({v}, i_{field.name})", "bsn"))
    elif field.type == "brp_date":
        g, d = f"g_{field.name}", f"d_{field.name}"
        checks.append((f"{v} IS NOT NULL AND ({g} IS NULL OR ({g} <> '00000000' AND {d} IS NULL))", "date"))
    elif field.type == "brp_gemeentecode":
        checks.append((f"{v} IS NOT NULL AND NOT regexp_full_match({v}, '[0-9]{{4}}')", "gemeente"))
    elif field.type == "integer":
        checks.append((f"{v} IS NOT NULL AND try_cast({v} AS INTEGER) IS NULL", "int"))
    elif field.type == "brp_geheim":
        checks.append((f"{v} IS NOT NULL AND brp_geheim({v}) IS NULL", "geheim"))
    return checks


def faults_sql() -> str:
    """One SQL expression over `parsed_sql`: NULL for a row without faults, else its list of faults.

    The cheap boolean test runs on every row; the list of structs is only built for faulty rows.
    """
    checks = [(field, *check) for field in RAW_FIELDS for check in _fault_checks(field)]
    items = [
        f"CASE WHEN {cond} THEN {{'field': '{field.name}', 'value': {value}, "
        f"'reason': '{reason}', 'blank': {str(blank).lower()}}} END"
        for field, cond, reason, blank, value in checks
    ]
    test = " OR ".join(f"({cond})" for _, cond, _, _, _ in checks)
    return (f"CASE WHEN {test} THEN list_filter([" + ",\n        ".join(items)
            + "], lambda x: x IS NOT NULL) END")


def typed_select_sql(import_id: int, *, with_source: bool = True) -> str:
    """The SELECT list over `parsed_sql` turning raw canonical fields into the typed columns
    (without `import_id` and `bron_regel` when not `with_source`)."""
    cols = {
        "import_id": f"{int(import_id)}::BIGINT",
        "bron_regel": "bron_regel",
        "geboortedatum": "g_geboortedatum",
        "geboortedatum_vroegst": "d_geboortedatum",
        "geboortedatum_laatst":
            "CASE WHEN g_geboortedatum[7:8] <> '00' THEN d_geboortedatum "
            "ELSE brp_partieel_laatst(g_geboortedatum) END",
        "geboortedatum_precisie": "brp_precisie(g_geboortedatum)",
        "huisnummer": "try_cast(huisnummer AS INTEGER)",
        "adres_in_onderzoek":
            "(brp_vlag(adres_in_onderzoek) OR coalesce(starts_with(onderzoek_aanduiding, '08'), false))",
        "overleden": "(datum_overlijden IS NOT NULL OR coalesce(opschorting_reden = 'O', false))",
        "geheimhouding": "coalesce(brp_geheim(geheimhouding), 0)",  # absent: no indication
        "rni": "coalesce(gemeente_inschrijving = '1999', false)",
        "ouder1_geboortedatum": "g_ouder1_geboortedatum",
        "ouder2_geboortedatum": "g_ouder2_geboortedatum",
        "extra": "extra",
        "onvolledig": "NULL::VARCHAR",  # set by `_blank_faults`
    }
    for name in _date_fields():
        cols.setdefault(name, f"d_{name}")
    for name in _checked_texts():
        cols.setdefault(name, f"CASE WHEN u_row THEN brp_tekst({q(name)}) ELSE {q(name)} END")
    names = TYPED_NAMES if with_source else TYPED_NAMES[2:]
    return ",\n    ".join(f"{cols.get(name, q(name))} AS {name}" for name in names)


def _with_search(typed: str) -> str:
    """A person row as `brp_personen` holds it (inserted BY NAME): the relation `typed` (the typed
    columns) and the search columns made from them, after any field at fault was emptied."""
    return f"SELECT *, {brp_zoekindex.columns_sql()} FROM ({typed})"


def _typed_of(field: str) -> tuple[str, ...]:
    """The typed columns a raw field's value reaches (emptied when the field is at fault)."""
    if field == "geboortedatum":
        return ("geboortedatum", "geboortedatum_vroegst", "geboortedatum_laatst", "geboortedatum_precisie")
    return (field,) if field in PERSON_NAMES else ()


def _refused_sql(faults: str) -> str:
    """SQL: the list of faults `faults` refuses its persoonslijst (a fault in the key)."""
    refusing = ", ".join(f"'{f}'" for f in FIELDS_ON_FAULT[REFUSE])
    return f"len(list_filter({faults}, lambda x: x.field IN ({refusing}))) > 0"


def _reason_sql(faults_of_row: str, fault: str) -> str:
    """SQL: a fault's reason with what became of its persoonslijst."""
    needed = ", ".join(f"'{f}'" for f in FIELDS_ON_FAULT[ONVOLLEDIG])
    return (f"{fault}.reason || CASE WHEN {_refused_sql(faults_of_row)} THEN '{OUTCOMES[REFUSE]}' "
            f"WHEN NOT {fault}.blank THEN '{OUTCOMES['schoon']}' "
            f"WHEN {fault}.field IN ({needed}) THEN '{OUTCOMES[ONVOLLEDIG]}' ELSE '{OUTCOMES[LEEG]}' END")


def _blank_faults(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Empty the typed columns of every field at fault in `table` (rows with `faults`), and name the
    fields the law needs among them in `onvolledig`. Only the few faulty rows are touched."""
    fields = "list_transform(list_filter(faults, lambda x: x.blank), lambda x: x.field)"
    sets = [
        f"{column} = CASE WHEN list_contains({fields}, '{f.name}') THEN NULL ELSE {column} END"
        for f in RAW_FIELDS if f.on_fault != REFUSE for column in _typed_of(f.name)
    ]
    needed = ", ".join(f"'{f}'" for f in FIELDS_ON_FAULT[ONVOLLEDIG])
    sets.append("onvolledig = nullif(array_to_string(list_distinct(list_filter("
                f"{fields}, lambda x: x IN ({needed}))), ','), '')")
    con.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE faults IS NOT NULL")


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The BRP tables, views and SQL helpers (idempotent; needs the staging core tables)."""
    con.execute(DDL)
    register_macros(con)


def register_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DATE_MACROS)
    con.execute(TEXT_MACROS)


@dataclass(frozen=True)
class LoadCounts:
    rows_read: int
    rows_loaded: int
    rows_quarantined: int  # persoonslijsten refused (not staged)
    gemeenten: tuple[str, ...]
    kept_with_faults: int = 0  # staged with the faulty fields empty
    onvolledig: int = 0  # of which a field the law needs

    @property
    def details(self) -> dict[str, int]:
        return {"kept_with_faults": self.kept_with_faults, "onvolledig": self.onvolledig}


DUPLICATE_POLICIES = ("refuse", "quarantine")


def load_batch(con: duckdb.DuckDBPyConnection, import_id: int, source: str) -> tuple[int, int]:
    """Report the faults of `source` (rows with their own `bron_regel`, such as the StUF-BG row
    files) and insert its persons; returns (read, refused).

    Reads the source twice (the faulty rows typed first, then the insert of the others) rather
    than materialising a typed copy: for a re-scannable file that is cheaper than a second write.
    Only the faulty rows are kept between the two reads, so a file of good rows holds no memory.
    """
    create_tables(con)
    parsed = parsed_sql(source)
    with any_order(con):
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE brp_checked AS
            SELECT bron_regel, faults, {typed_select_sql(0, with_source=False)}
            FROM (SELECT *, {faults_sql()} AS faults FROM {parsed})
            WHERE faults IS NOT NULL
        """)
    con.execute(f"""
        INSERT INTO quarantine_pending
        SELECT bron_regel, f.field, f.value, {_reason_sql('faults', 'f')}
        FROM (SELECT bron_regel, faults, unnest(faults) AS f FROM brp_checked)
        ORDER BY bron_regel
    """)
    faulty, refused = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {_refused_sql('faults')}) FROM brp_checked").fetchone()
    kept = 0
    if faulty > refused:  # only then: an INSERT, even of no rows, holds buffers until the commit
        _blank_faults(con, "brp_checked")
        names = ", ".join(TYPED_NAMES[2:])
        kept = con.execute(f"""
            INSERT INTO brp_personen BY NAME
            {_with_search(f"SELECT {int(import_id)} AS import_id, bron_regel, {names} FROM brp_checked "
                          f"WHERE NOT ({_refused_sql('faults')})")}
        """).fetchone()[0]
    with any_order(con):
        inserted = con.execute(f"""
            INSERT INTO brp_personen BY NAME
            {_with_search(f"SELECT {typed_select_sql(import_id)} FROM {parsed} "
                          "WHERE bron_regel NOT IN (SELECT bron_regel FROM brp_checked)")}
        """).fetchone()[0]
    con.execute("DROP TABLE brp_checked")
    return inserted + faulty, faulty - kept


def check_in_order(
    con: duckdb.DuckDBPyConnection, source: str, table: str, *, person: str = "true",
    keep: dict[str, str] | None = None,
) -> int:
    """Type and check every row of `source` once, into the temp table `table`, in the source's order.

    `table` gets `is_person` (the SQL condition `person`: an LO3 history row is not one), the list
    of faults of a faulty person, the typed person columns, and the `keep` columns (name -> SQL) a
    reader wants for its own rows. It is written on every thread in the scan's order
    (`scan_order.in_order`), so a row's position is its record number: nothing here numbers rows
    (that would make the pass single-threaded). Returns the first rowid (for `RecordLines`).
    """
    create_tables(con)
    kept = "".join(f", {sql} AS {name}" for name, sql in (keep or {}).items())
    with in_order(con):
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT ({person}) AS is_person,
                   CASE WHEN ({person}) THEN {faults_sql()} END AS faults,
                   {typed_select_sql(0, with_source=False)}{kept}
            FROM {parsed_sql(source)}
        """)
    return con.execute(f"SELECT coalesce(min(rowid), 0) FROM {table}").fetchone()[0]


@dataclass(frozen=True)
class RecordLines:
    """How a row of a `check_in_order` table (alias `t`) finds its line in the file.

    Without a map the n-th record is on line n + `first_line`; `line_map(idx, line)` serves files
    whose records do not each fill one line (blank lines, quoted line breaks).
    """

    first_rowid: int
    first_line: int
    line_map: str | None = None

    @property
    def join(self) -> str:
        if not self.line_map:
            return ""
        return f" JOIN {self.line_map} m ON m.idx = t.rowid - {int(self.first_rowid)}"

    @property
    def line(self) -> str:
        return "m.line" if self.line_map else f"(t.rowid - {int(self.first_rowid) - int(self.first_line)})"


def insert_checked(
    con: duckdb.DuckDBPyConnection, import_id: int, table: str, lines: RecordLines,
) -> tuple[int, int]:
    """Report the faults of the `check_in_order` table and insert its persons into `brp_personen`,
    each with its line: a persoonslijst with a fault in its key is refused, one with other faults
    kept with those fields empty (`_blank_faults`); returns (persons read, refused)."""
    con.execute(f"""
        INSERT INTO quarantine_pending
        SELECT line, f.field, f.value, {_reason_sql('faults', 'f')}
        FROM (SELECT {lines.line} AS line, t.faults, unnest(t.faults) AS f
              FROM {table} t{lines.join} WHERE t.faults IS NOT NULL)
        ORDER BY line
    """)
    _blank_faults(con, table)
    names = ", ".join(f"t.{n}" for n in TYPED_NAMES[2:])
    with any_order(con):
        con.execute(f"""
            INSERT INTO brp_personen BY NAME
            {_with_search(f"SELECT {int(import_id)} AS import_id, {lines.line} AS bron_regel, {names} "
                          f"FROM {table} t{lines.join} "
                          f"WHERE t.is_person AND (t.faults IS NULL OR NOT ({_refused_sql('t.faults')}))")}
        """)
    read, refused = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {_refused_sql('faults')}) FROM {table} WHERE is_person"
    ).fetchone()
    return read, refused


def finish_persons(
    con: duckdb.DuckDBPyConnection, import_id: int, file: Path, rows_read: int, duplicates: str = "refuse"
) -> LoadCounts:
    """The duplicate check over the loaded persons of the import, and the final counts.

    A duplicate BSN refuses the whole delivery (a full delivery has one persoonslijst per person);
    with `duplicates="quarantine"` (a test set or a selectie across gemeenten, such as the public
    GBA-V test set) every persoonslijst carrying a duplicated BSN is quarantined instead.
    """
    if duplicates not in DUPLICATE_POLICIES:
        raise ValueError(f"duplicates must be one of {DUPLICATE_POLICIES}")
    # count first, lists only for the few duplicated BSNs (a list per group for millions of
    # groups would take gigabytes outside DuckDB's memory limit)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE brp_dups AS
        WITH dup AS (SELECT bsn FROM brp_personen WHERE import_id = $id GROUP BY bsn HAVING count(*) > 1)
        SELECT bsn, list(bron_regel ORDER BY bron_regel) AS lines
        FROM brp_personen SEMI JOIN dup USING (bsn)
        WHERE import_id = $id GROUP BY bsn
    """, {"id": import_id})
    first = con.execute("SELECT bsn, lines FROM brp_dups ORDER BY lines[1] LIMIT 1").fetchone()
    if first and duplicates == "refuse":
        lines = first[1]
        raise RefusedFile(file, lines[1], "bsn",
                          f"dubbel BSN: de persoonslijst van regel/record {lines[0]} komt nog eens voor "
                          f"({len(lines)} keer in totaal); een volledige levering heeft er één per persoon")
    if first:
        con.execute("""
            INSERT INTO quarantine_pending
            SELECT l, 'bsn', d.bsn, 'dubbel BSN: ook op regel/record '
                   || array_to_string(list_filter(d.lines, lambda x: x <> l), ', ')
            FROM (SELECT bsn, lines, unnest(lines) AS l FROM brp_dups) d ORDER BY l
        """)
        con.execute("DELETE FROM brp_personen WHERE import_id = ? AND bsn IN (SELECT bsn FROM brp_dups)",
                    [import_id])
    con.execute("DROP TABLE brp_dups")
    loaded = con.execute("SELECT count(*) FROM brp_personen WHERE import_id = ?", [import_id]).fetchone()[0]
    gemeenten = tuple(
        g for (g,) in con.execute(
            "SELECT DISTINCT gemeente_inschrijving FROM brp_personen WHERE import_id = ? "
            "AND gemeente_inschrijving IS NOT NULL ORDER BY 1", [import_id]).fetchall()
    )
    kept, onvolledig = con.execute("""
        SELECT count(*) FILTER (WHERE bron_regel IN (SELECT line FROM quarantine_pending)),
               count(onvolledig)
        FROM brp_personen WHERE import_id = ?""", [import_id]).fetchone()
    return LoadCounts(rows_read, loaded, rows_read - loaded, gemeenten, kept, onvolledig)


# -- residents: the shrink guard and the change summary ---------------------------------------
def _resident_condition(gemeenten: tuple[str, ...]) -> str:
    served = (
        "gemeente_inschrijving IN (" + ", ".join(f"'{g}'" for g in gemeenten if g.isdigit()) + ")"
        if gemeenten else "gemeente_inschrijving IS NOT NULL"
    )
    return f"({served} AND NOT rni AND NOT overleden AND opschorting_reden IS NULL)"


def count_residents(con: duckdb.DuckDBPyConnection, import_id: int, gemeenten: tuple[str, ...]) -> int:
    """Residents (docs/spec.md §4.2) of the served gemeenten (any gemeente when none are configured)."""
    return con.execute(
        f"SELECT count(*) FROM brp_personen WHERE import_id = ? AND {_resident_condition(gemeenten)}",
        [import_id],
    ).fetchone()[0]


def change_summary(gemeenten: tuple[str, ...]):
    """A summarize hook for `Staging.import_file`: new residents, residents who left, changed addresses."""

    def summarize(con: duckdb.DuckDBPyConnection, import_id: int, previous: int | None) -> dict:
        resident = _resident_condition(gemeenten)
        if previous is None:
            total = count_residents(con, import_id, gemeenten)
            return {"eerste_levering": True, "ingezetenen": total, "nieuw": total, "vertrokken": 0,
                    "adres_gewijzigd": 0}
        row = con.execute(f"""
            WITH nu AS (SELECT bsn, straat, huisnummer, huisletter, huisnummertoevoeging, postcode
                        FROM brp_personen WHERE import_id = $new AND {resident}),
                 toen AS (SELECT bsn, straat, huisnummer, huisletter, huisnummertoevoeging, postcode
                          FROM brp_personen WHERE import_id = $old AND {resident})
            SELECT (SELECT count(*) FROM nu),
                   (SELECT count(*) FROM nu ANTI JOIN toen USING (bsn)),
                   (SELECT count(*) FROM toen ANTI JOIN nu USING (bsn)),
                   (SELECT count(*) FROM nu JOIN toen USING (bsn)
                    WHERE (nu.straat, nu.huisnummer, nu.huisletter, nu.huisnummertoevoeging, nu.postcode)
                          IS DISTINCT FROM
                          (toen.straat, toen.huisnummer, toen.huisletter, toen.huisnummertoevoeging,
                           toen.postcode))
        """, {"new": import_id, "old": previous}).fetchone()
        return {"eerste_levering": False, "vorige_import": previous, "ingezetenen": row[0],
                "nieuw": row[1], "vertrokken": row[2], "adres_gewijzigd": row[3]}

    return summarize
