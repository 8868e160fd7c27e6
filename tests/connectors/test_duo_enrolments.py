"""DUO C- and P-leveringen: typed loading, quarantine, P application in order, earlier states rebuilt,
idempotence, duplicate keys, line numbers and encodings."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from connectors import deliveries
from connectors.duo_enrolments import enrolment_changes, read_c_levering, read_p_levering
from connectors.errors import RefusedFile
from connectors.mappings import MappingError, load_declared, shipped_path
from connectors.persoonsnummer import is_bsn, is_persoonsnummer
from connectors.persoonsnummer import register_macros as register_elfproef
from connectors.staging import Staging
from connectors.staging_duo import STATE_COLUMNS
from connectors.typed_rows import register_macros
from rules.dates import parse_date

FIXTURES = Path(__file__).parent / "fixtures" / "duo"
C_FILE = FIXTURES / "duo-C-G0363-20260907.csv"
P1_FILE = FIXTURES / "duo-P-G0363-20260914.csv"
P2_FILE = FIXTURES / "duo-P-G0363-20260921.csv"
HEADER = C_FILE.read_text(encoding="utf-8").splitlines()[0]
BSNS = ["999990007", "999990019", "999990020", "999990032", "999990044", "999990056", "999990068",
        "999990081", "999990093", "999990111", "999990123", "999990135", "999990147", "999990159"]


def state(st: Staging, upto: int | None = None) -> dict[tuple[str, str, str], dict]:
    """The enrolment state (current, or as of import `upto`) keyed by enrolment key."""
    sql = ("SELECT * FROM duo_inschrijvingen_actueel" if upto is None
           else f"SELECT * FROM duo_inschrijvingen_op({int(upto)})")
    cur = st.con.execute(sql)
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return {(r["persoonsnummer"], r["brin"], r["volgnummer"]): r for r in rows}


def load_c(st: Staging, path: Path):
    return st.import_file("duo_c", path, read_c_levering, summarize=enrolment_changes)


def load_p(st: Staging, path: Path):
    return st.import_file("duo_p", path, read_p_levering, summarize=enrolment_changes)


def c_file(tmp_path: Path, rows: list[str], name: str = "duo-C-G0363-20260907.csv",
           header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def c_row(pgn: str, brin: str = "12AB", volgnummer: str = "1", uit: str = "", **extra: str) -> str:
    values = {"geboortedatum": "02-09-2015", "soort": "PO", "in": "19-08-2019", **extra}
    return (f"{pgn};;{values['geboortedatum']};V;1017;0363;{brin};00;{volgnummer};{values['soort']};;PO;;"
            f"{values['in']};{uit};J;;;;4")


@pytest.fixture
def st(tmp_path: Path):
    with Staging(tmp_path / "staging.duckdb") as staging:
        yield staging


def test_c_levering_loads_typed_state_with_extra_columns(st: Staging) -> None:
    result = load_c(st, C_FILE)
    assert (result.status, result.rows_read, result.rows_loaded) == ("loaded", 5, 5)
    assert result.rows_quarantined == 0
    assert result.summary == {"added": 5, "removed": 0, "changed": 0, "enrolments": 5}
    now = state(st)
    vmbo = now[("999990020", "13CD", "1")]
    assert vmbo["datum_inschrijving"] == date(2021, 8, 1)
    assert vmbo["datum_uitschrijving"] == date(2026, 7, 31)
    assert vmbo["diploma_datum"] == date(2026, 7, 15)
    assert vmbo["bekostigd"] is True
    assert (vmbo["startkwalificatie"], vmbo["pro_vso_getuigschrift"]) == (False, False)
    assert (vmbo["leerweg"], vmbo["onderwijscode"], vmbo["gemeentecode"]) == ("KL", "2811", "0363")
    mbo4 = now[("999990032", "15GH", "2")]
    assert (mbo4["bekostigd"], mbo4["startkwalificatie"]) == (False, True)
    assert mbo4["gemeentecode"] == "0344"
    assert now[("100000004", "14EF", "1")]["bsn"] == "999990135"
    assert now[("999990007", "12AB", "1")]["extra"] == '{"LEERJAAR":"4"}'
    assert {r["import_id"] for r in now.values()} == {result.import_id}
    assert [c for c in STATE_COLUMNS if c not in next(iter(now.values()))] == []
    imported = st.imports("duo_c")[0]
    assert imported["gemeenten"] == ["0363"] and imported["peildatum"] == date(2026, 9, 7)


def test_p_leveringen_apply_in_order_and_quarantine_impossible_mutations(st: Staging) -> None:
    c = load_c(st, C_FILE)
    p1 = load_p(st, P1_FILE)
    assert (p1.rows_read, p1.rows_loaded, p1.rows_quarantined) == (6, 3, 3)
    assert p1.summary == {"added": 1, "removed": 1, "changed": 1, "enrolments": 5,
                          "mutations": {"T": 1, "W": 1, "V": 1}}
    reasons = [(q["line"], q["field"], q["value"], q["reason"].split(" (")[0])
               for q in st.quarantine(p1.import_id)]
    assert reasons == [
        (5, "mutatiesoort", "W", "wijziging van een inschrijving die niet bestaat"),
        (6, "mutatiesoort", "V", "verwijdering van een inschrijving die niet bestaat"),
        (7, "mutatiesoort", "T", "toevoeging van een inschrijving die al bestaat"),
    ]
    after_p1 = state(st)
    assert set(after_p1) == {("999990007", "12AB", "1"), ("999990019", "13CD", "1"),
                             ("999990020", "13CD", "1"), ("999990032", "15GH", "2"),
                             ("999990044", "12AB", "1")}
    assert after_p1[("999990019", "13CD", "1")]["datum_uitschrijving"] == date(2026, 9, 11)
    assert after_p1[("999990019", "13CD", "1")]["mutatiesoort"] == "W"
    assert after_p1[("999990007", "12AB", "1")]["mutatiesoort"] is None  # still the C-levering row

    p2 = load_p(st, P2_FILE)
    # T then V of 999990081 in one file: the later W finds it removed
    assert (p2.rows_read, p2.rows_loaded, p2.rows_quarantined) == (5, 4, 1)
    assert st.quarantine(p2.import_id)[0]["line"] == 6
    after_p2 = state(st)
    assert after_p2[("999990044", "12AB", "1")]["vestiging"] == "01"
    assert ("100000004", "14EF", "2") in after_p2 and ("100000004", "14EF", "1") not in after_p2
    assert not any(key[0] == "999990081" for key in after_p2)

    # every earlier state can be rebuilt
    assert len(state(st, c.import_id)) == 5 and ("100000004", "14EF", "1") in state(st, c.import_id)
    assert state(st, p1.import_id) == after_p1
    assert state(st, c.import_id)[("999990019", "13CD", "1")]["datum_uitschrijving"] is None


def _summary_from_states(st: Staging, import_id: int) -> dict[str, int]:
    """The change summary an import should give, from the whole state before and after it."""
    same = [c for c in STATE_COLUMNS if c not in ("persoonsnummer", "brin", "volgnummer")]
    before, after = state(st, import_id - 1), state(st, import_id)
    return {"added": len(after.keys() - before.keys()), "removed": len(before.keys() - after.keys()),
            "changed": sum(1 for k in after.keys() & before.keys()
                           if [after[k][c] for c in same] != [before[k][c] for c in same]),
            "enrolments": len(after)}


def test_a_p_levering_summary_is_what_the_states_before_and_after_it_differ_in(st: Staging) -> None:
    """The summary reads only the import's own last mutation of each enrolment; the states say the same
    (P2 adds and removes one enrolment in the same file, and changes one twice)."""
    load_c(st, C_FILE)
    for path in (P1_FILE, P2_FILE):
        result = load_p(st, path)
        summary = {k: v for k, v in result.summary.items() if k != "mutations"}
        assert summary == _summary_from_states(st, result.import_id)
    assert result.summary["changed"] + result.summary["added"] + result.summary["removed"] > 0


def test_a_new_c_levering_is_the_new_base(st: Staging, tmp_path: Path) -> None:
    c1 = load_c(st, C_FILE)
    p1 = load_p(st, P1_FILE)
    c2 = load_c(st, c_file(tmp_path, [c_row(BSNS[8]), c_row(BSNS[0])], "duo-C-G0363-20261005.csv"))
    assert c2.summary["enrolments"] == 2
    assert c2.summary["removed"] == 4 and c2.summary["added"] == 1
    assert set(state(st)) == {(BSNS[8], "12AB", "1"), (BSNS[0], "12AB", "1")}
    assert len(state(st, p1.import_id)) == 5 and len(state(st, c1.import_id)) == 5


def test_each_area_keeps_its_own_state(st: Staging, tmp_path: Path) -> None:
    """A region receives a C-levering per gemeente: the second does not replace the first."""
    load_c(st, C_FILE)                                                          # G0363: 5 enrolments
    other = load_c(st, c_file(tmp_path, [c_row(BSNS[10]), c_row(BSNS[11])], "duo-C-G0599-20260907.csv"))
    assert other.summary == {"added": 2, "removed": 0, "changed": 0, "enrolments": 2}
    by_area = dict(st.con.execute("SELECT levering, count(*) FROM duo_inschrijvingen_actueel GROUP BY ALL"
                                  ).fetchall())
    assert by_area == {"G0363": 5, "G0599": 2}
    p_file = tmp_path / "duo-P-G0599-20260914.csv"
    p_file.write_text("\n".join(["MUTATIESOORT;MUTATIEDATUM;" + HEADER,
                                 "V;14-09-2026;" + c_row(BSNS[10]),
                                 "V;14-09-2026;" + c_row("999990007")]) + "\n", encoding="utf-8")
    p = load_p(st, p_file)                       # 999990007 is enrolled in G0363's state, not G0599's
    assert (p.rows_loaded, p.rows_quarantined) == (1, 1)
    assert p.summary == {"added": 0, "removed": 1, "changed": 0, "enrolments": 1,
                         "mutations": {"T": 0, "W": 0, "V": 1}}
    by_area = dict(st.con.execute("SELECT levering, count(*) FROM duo_inschrijvingen_actueel GROUP BY ALL"
                                  ).fetchall())
    assert by_area == {"G0363": 5, "G0599": 1}
    assert st.con.execute("SELECT soort, levering, leverdatum FROM duo_leveringen ORDER BY import_id"
                          ).fetchall() == [("C", "G0363", date(2026, 9, 7)), ("C", "G0599", date(2026, 9, 7)),
                                           ("P", "G0599", date(2026, 9, 14))]


def test_same_file_twice_is_a_noop_that_says_so(st: Staging) -> None:
    load_c(st, C_FILE)
    first = load_p(st, P1_FILE)
    counts = "SELECT (SELECT count(*) FROM duo_plevering), (SELECT count(*) FROM quarantine)"
    tables_before = st.con.execute(counts).fetchone()
    again = load_p(st, P1_FILE)
    assert (again.status, again.duplicate_of) == ("duplicate", first.import_id)
    assert st.con.execute(counts).fetchone() == tables_before
    assert len(st.imports()) == 2


def test_duplicate_key_refuses_the_c_levering_and_leaves_staging_untouched(st: Staging,
                                                                            tmp_path: Path) -> None:
    load_c(st, C_FILE)
    before = state(st)
    rows = [c_row(BSNS[0]), c_row(BSNS[1]), c_row(BSNS[2]), c_row(BSNS[1], uit="31-07-2026")]
    with pytest.raises(RefusedFile) as refused:
        load_c(st, c_file(tmp_path, rows, "duo-C-G0363-20261005.csv"))
    assert (refused.value.line, refused.value.field) == (5, "PERSOONSGEBONDENNUMMER")
    assert "regels 3 en 5" in refused.value.reason and BSNS[1] not in str(refused.value)
    assert state(st) == before and len(st.imports()) == 1


def test_a_refused_file_leaves_the_insertion_order_guarantee_on(st: Staging, tmp_path: Path) -> None:
    """The typed insert runs without DuckDB's order guarantee; a refusal mid-statement must not leave
    it off for the next reader (the BRP reader numbers lines with row_number() over its scan)."""
    truncated = c_file(tmp_path, [c_row(BSNS[0]), "999990019;;11-02-2010;M"])
    with pytest.raises(RefusedFile, match="verwacht 20 kolommen zoals in de kopregel, gevonden 4"):
        load_c(st, truncated)
    load_c(st, C_FILE)
    assert st.con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0] is True


def test_row_faults_are_quarantined_and_the_rest_loads(st: Staging, tmp_path: Path) -> None:
    rows = [
        c_row(BSNS[0]),
        c_row("123456789"),                                   # line 3: elfproef
        c_row(BSNS[2], geboortedatum="31-02-2015"),           # line 4: impossible date
        c_row(BSNS[3]).replace(";0363;", ";03A3;"),           # line 5: gemeentecode
        c_row(BSNS[4], soort="KINDEROPVANG"),                 # line 6: onderwijssoort
        c_row(BSNS[5], **{"in": ""}),                         # line 7: required date missing
        c_row("100000016"),                                   # line 8: an onderwijsnummer is fine
    ]
    result = load_c(st, c_file(tmp_path, rows))
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (7, 2, 5)
    got = [(q["line"], q["field"], q["reason"]) for q in st.quarantine(result.import_id)]
    assert got == [
        (3, "persoonsnummer", "voldoet niet aan de elfproef: geen BSN en geen onderwijsnummer"),
        (4, "geboortedatum", "onmogelijke datum (verwacht jjjj-mm-dd, jjjjmmdd of dd-mm-jjjj)"),
        (5, "gemeentecode", "onbekende gemeentecode (verwacht 4 cijfers)"),
        (6, "onderwijssoort", "onbekende waarde (verwacht een van PO, SO, VO, VSO, PRO, MBO, VAVO, HO)"),
        (7, "datum_inschrijving", "verplichte waarde ontbreekt"),
    ]
    assert set(state(st)) == {(BSNS[0], "12AB", "1"), ("100000016", "12AB", "1")}


def test_line_numbers_survive_bom_crlf_quotes_and_blank_lines(st: Staging, tmp_path: Path) -> None:
    quoted = c_row(BSNS[1]).replace(";PO;;PO;", ';PO;"groep\r\n8";PO;')    # a quoted line break
    lines = [HEADER, c_row(BSNS[0]), quoted, "", c_row("123456789"), c_row(BSNS[3])]
    body = "\r\n".join(lines) + "\r\n\r\n"
    path = tmp_path / "duo-C-G0363-20260907.csv"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    result = load_c(st, path)
    assert (result.rows_read, result.rows_loaded) == (4, 3)
    assert [q["line"] for q in st.quarantine(result.import_id)] == [6]
    assert state(st)[(BSNS[1], "12AB", "1")]["onderwijscode"] == "groep\r\n8"


def test_line_numbers_are_exact_in_a_large_file(st: Staging, tmp_path: Path) -> None:
    rows = [c_row(BSNS[i % len(BSNS)], volgnummer=str(i)) for i in range(150_000)]
    rows[149_990] = c_row("111111111", volgnummer="x")
    result = load_c(st, c_file(tmp_path, rows))
    assert result.rows_loaded == 149_999
    assert [q["line"] for q in st.quarantine(result.import_id)] == [149_992]
    last = st.con.execute("SELECT line FROM duo_clevering WHERE volgnummer = '149999'").fetchone()
    assert last == (150_001,)



@pytest.mark.parametrize("threads", [1, 4])
def test_line_numbers_after_quoted_line_breaks_in_a_file_read_in_parallel(tmp_path: Path,
                                                                         threads: int) -> None:
    """Rows are typed in file order on several threads and numbered by position; a quoted line break
    or a blank line shifts every later line, so the lines then come from a line map (CRLF, BOM)."""
    rows = [c_row(BSNS[i % len(BSNS)], volgnummer=str(i)) for i in range(120_000)]
    rows[10] = rows[10].replace(";PO;;PO;", ';PO;"groep\r\n8\r\n(plus)";PO;')  # two line breaks: +2
    rows[50_000] = c_row("123456789", volgnummer="50000")   # after the quoted field: file line 50_004
    rows.insert(60_000, "")                                  # a blank line: +1 from here on
    rows[119_000] = c_row(BSNS[0], volgnummer="118999", geboortedatum="31-02-2010")
    path = tmp_path / "duo-C-G0363-20260907.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8"))
    with Staging(tmp_path / "staging.duckdb", threads=threads) as st:
        result = load_c(st, path)
        assert (result.rows_read, result.rows_loaded) == (120_000, 119_998)
        assert [q["line"] for q in st.quarantine(result.import_id)] == [50_004, 119_004]
        lines = dict(st.con.execute("SELECT volgnummer, line FROM duo_clevering WHERE volgnummer IN "
                                    "('0', '10', '11', '59999', '60000', '119999')").fetchall())
        assert lines == {"0": 2, "10": 12, "11": 15, "59999": 60_003, "60000": 60_005, "119999": 120_004}


def test_cp1252_is_detected_and_kept_in_extra(st: Staging, tmp_path: Path) -> None:
    path = tmp_path / "duo-C-G0363-20260907.csv"
    path.write_bytes(("\n".join([HEADER + ";OPMERKING", c_row(BSNS[0]) + ";café"]) + "\n").encode("cp1252"))
    result = load_c(st, path)
    assert result.rows_loaded == 1 and st.imports()[0]["encoding"] == "cp1252"
    assert "café" in state(st)[(BSNS[0], "12AB", "1")]["extra"]


def test_a_suppliers_layout_is_configuration(st: Staging, tmp_path: Path) -> None:
    path = c_file(tmp_path, [c_row(BSNS[0])], header=HEADER.replace("PERSOONSGEBONDENNUMMER", "PGN"))
    with pytest.raises(RefusedFile, match="kolom PERSOONSGEBONDENNUMMER ontbreekt"):
        load_c(st, path)
    own = tmp_path / "mijn_duo_clevering.toml"
    shipped = (Path("connectors/mappings/duo_clevering.toml")).read_text(encoding="utf-8")
    own.write_text(shipped.replace('source = "PERSOONSGEBONDENNUMMER"',
                                   'source = "PERSOONSGEBONDENNUMMER"\naliases = ["PGN"]'), encoding="utf-8")
    result = st.import_file("duo_c", path, partial(read_c_levering, mapping=own))
    assert result.rows_loaded == 1
    bad = tmp_path / "bad.toml"
    bad.write_text(shipped.replace('name = "bsn"', 'name = "burgerservicenummer"'), encoding="utf-8")
    with pytest.raises(MappingError, match="geen veld van duo_clevering"):
        load_declared("duo_clevering", bad)


def test_a_municipalitys_mapping_folder_is_used_for_every_import(st: Staging, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """INBEELD_MAPPINGS_DIR: the municipality's own copies, found by name (connectors/mappings)."""
    path = c_file(tmp_path, [c_row(BSNS[0])], header=HEADER.replace("PERSOONSGEBONDENNUMMER", "PGN"))
    folder = tmp_path / "mappings"
    folder.mkdir()
    shipped = Path("connectors/mappings/duo_clevering.toml").read_text(encoding="utf-8")
    (folder / "duo_clevering.toml").write_text(
        shipped.replace('source = "PERSOONSGEBONDENNUMMER"', 'source = "PGN"'), encoding="utf-8")
    monkeypatch.setenv("INBEELD_MAPPINGS_DIR", str(folder))
    assert deliveries.detect(path).name == "duo_c"
    assert deliveries.load(st, path).rows_loaded == 1
    (folder / "duo_clevering.toml").write_text(shipped.replace('type = "bsn"', 'type = "text"'),
                                               encoding="utf-8")
    with pytest.raises(MappingError, match="moet type 'bsn' houden"):
        load_declared("duo_clevering")
    monkeypatch.delenv("INBEELD_MAPPINGS_DIR")
    assert load_declared("duo_clevering").path == shipped_path("duo_clevering")


@pytest.fixture(scope="module")
def dates_con():
    con = duckdb.connect()
    register_macros(con)
    register_elfproef(con)
    yield con
    con.close()


def _python_date(text: str) -> date | None:
    try:
        value = parse_date(text)
    except ValueError:
        return None
    return value if date(1900, 1, 1) <= value <= date(2099, 12, 31) else None


date_texts = hs.one_of(
    hs.dates(date(1890, 1, 1), date(2110, 12, 31)).flatmap(lambda d: hs.sampled_from([
        d.isoformat(), d.strftime("%Y%m%d"), d.strftime("%d-%m-%Y"), f"{d.day}-{d.month}-{d.year}"])),
    hs.from_regex(r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}|[0-9]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    hs.text(alphabet="0123456789- +/", min_size=6, max_size=11),
)


@settings(max_examples=400, deadline=None)
@given(date_texts)
def test_sql_dates_agree_with_rules_dates(dates_con: duckdb.DuckDBPyConnection, text: str) -> None:
    assert dates_con.execute("SELECT inbeeld_date(?)", [text]).fetchone()[0] == _python_date(text)



@pytest.mark.parametrize("text", [
    "01-02-2010", "31-02-2010", "29-02-2012", "1-02-2010", "01-2-2010", "01-02-201 ",
    "0a-02-2010", "12-3--2010", "+1-02-2010", "01-02-+010", "2010-02-01", "20100201", "00-00-0000",
    "01-01-1899", "31-12-2099", "01-01-2100", "ab-cd-efgh", "01/02/2010",
])
def test_dd_mm_jjjj_shortcut_agrees_with_rules_dates(dates_con: duckdb.DuckDBPyConnection, text: str) -> None:
    """DUO's own spelling is recognised by one LIKE before the other spellings: same answers."""
    assert dates_con.execute("SELECT inbeeld_date(?)", [text]).fetchone()[0] == _python_date(text)

@settings(max_examples=300, deadline=None)
@given(hs.one_of(hs.from_regex(r"(10)?[0-9]{7,9}", fullmatch=True),
                 hs.text(alphabet="0123456789 +-x", max_size=10),
                 hs.sampled_from(["999993653", "101234503", "000000000", "100000004", "999990008"])))
def test_the_bulk_elfproef_agrees_with_python(dates_con: duckdb.DuckDBPyConnection, number: str) -> None:
    sql = ("SELECT is_persoonsnummer_fast(n, TRY_CAST(n AS BIGINT)), is_bsn_fast(n, TRY_CAST(n AS BIGINT)) "
           "FROM (SELECT ? AS n)")
    assert dates_con.execute(sql, [number]).fetchone() == (is_persoonsnummer(number), is_bsn(number))


# -- P application against a plain Python model -----------------------------------------------------

mutations = hs.lists(
    hs.tuples(hs.sampled_from("TWV"), hs.integers(0, 3), hs.integers(0, 2)),  # (soort, person, variant)
    max_size=8,
)


@settings(max_examples=8, deadline=None)
@given(base=hs.sets(hs.integers(0, 3), max_size=4), weeks=hs.lists(mutations, min_size=1, max_size=2))
def test_p_application_matches_a_python_model(tmp_path_factory, base: set[int], weeks: list) -> None:
    """Random C then P deliveries give the state a dictionary replaying the same rules gives."""
    folder = tmp_path_factory.mktemp("model")
    model: dict[str, str] = {}
    with Staging(folder / "s.duckdb") as staging:
        c_rows = [c_row(BSNS[i], uit="") for i in sorted(base)] or [c_row(BSNS[9])]
        for row in c_rows:
            model[row.split(";")[0]] = "19-08-2019"
        load_c(staging, c_file(folder, c_rows))
        for week, items in enumerate(weeks):
            lines = ["MUTATIESOORT;MUTATIEDATUM;" + HEADER]
            for soort, person, variant in items:
                pgn, start = BSNS[person], f"0{variant + 1}-09-2026"
                lines.append(f"{soort};14-09-2026;" + c_row(pgn, **{"in": start}))
                if (soort == "T" and pgn not in model) or (soort == "W" and pgn in model):
                    model[pgn] = start
                elif soort == "V" and pgn in model:
                    del model[pgn]
            path = folder / f"duo-P-G0363-2026092{week}.csv"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            load_p(staging, path)
        got = {k[0]: v["datum_inschrijving"] for k, v in state(staging).items()}
    assert got == {pgn: parse_date(start) for pgn, start in model.items()}
