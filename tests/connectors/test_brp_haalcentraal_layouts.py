"""Haal Centraal JSON has two read paths: one person per line (lines read in parallel) and any
other layout (DuckDB's array reader). Both must give the same persons with the same record numbers,
and a file that only looks like one person per line must fall back, never lose a person."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from brp_helpers import FIXTURES, load

from connectors.errors import RefusedFile

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)

PRETTY = FIXTURES / "gemeente.haalcentraal.json"


def _persons() -> list[dict]:
    return json.loads(PRETTY.read_text(encoding="utf-8"))["personen"]


def _write(path: Path, lines: list[str], opening: str = '{"type": "RaadpleegMetBurgerservicenummer", '
           '"personen": [') -> Path:
    path.write_text(opening + "\n" + "\n".join(lines) + "\n]}\n", encoding="utf-8")
    return path


def _one_per_line(path: Path, persons: list[dict]) -> Path:
    lines = [json.dumps(p, ensure_ascii=False) + "," for p in persons]
    lines[-1] = lines[-1][:-1]
    return _write(path, lines)


def _rows(staging: Path) -> list[tuple]:
    with duckdb.connect(str(staging), read_only=True) as con:
        return con.execute("SELECT * EXCLUDE (import_id) FROM brp_personen ORDER BY bron_regel").fetchall()


def test_one_person_per_line_equals_the_pretty_printed_file(tmp_path: Path) -> None:
    compact = _one_per_line(tmp_path / "compact.json", _persons())
    a, b = load(tmp_path / "a.duckdb", PRETTY), load(tmp_path / "b.duckdb", compact)
    assert (a.rows_read, a.rows_loaded) == (b.rows_read, b.rows_loaded) == (len(_persons()), a.rows_loaded)
    assert _rows(tmp_path / "a.duckdb") == _rows(tmp_path / "b.duckdb")
    assert [r[0] for r in _rows(tmp_path / "b.duckdb")][:3] == [1, 2, 3]  # bron_regel = record number


@pytest.mark.parametrize("damage", ["two_on_a_line", "blank_line", "no_newline_before_close"])
def test_a_file_that_is_almost_one_person_per_line_falls_back_and_loses_nobody(
        tmp_path: Path, damage: str) -> None:
    lines = [json.dumps(p, ensure_ascii=False) + "," for p in _persons()]
    lines[-1] = lines[-1][:-1]
    if damage == "two_on_a_line":
        lines[0:2] = [lines[0] + " " + lines[1]]
    elif damage == "blank_line":
        lines.insert(1, "")
    path = tmp_path / "f.json"
    if damage == "no_newline_before_close":
        path.write_text('{"personen": [\n' + "\n".join(lines) + "]}", encoding="utf-8")
    else:
        _write(path, lines)
    assert not _fast_path_taken(path)
    load(tmp_path / "a.duckdb", PRETTY)
    load(tmp_path / "b.duckdb", path)
    assert _rows(tmp_path / "a.duckdb") == _rows(tmp_path / "b.duckdb")


def _fast_path_taken(path: Path) -> bool:
    """Whether the one-person-per-line reader takes the file (into a throwaway staging)."""
    import tempfile

    from connectors.brp_haalcentraal import HC_MACROS, _one_person_per_line
    from connectors.json_stream import locate_array
    from connectors.mappings import load_mapping
    from connectors.staging import PENDING_DDL, Staging

    with tempfile.TemporaryDirectory() as tmp, Staging(Path(tmp) / "probe.duckdb") as st:
        st.con.execute(HC_MACROS)
        st.con.execute(PENDING_DDL)
        start, _ = locate_array(path, "personen")
        return _one_person_per_line(st.con, 1, path, start, load_mapping("brp_haalcentraal")) is not None


def test_the_compact_layout_takes_the_fast_path(tmp_path: Path) -> None:
    assert _fast_path_taken(_one_per_line(tmp_path / "compact.json", _persons()))
    assert not _fast_path_taken(PRETTY)


@pytest.mark.parametrize("junk", ['{"burgerservicenummer": "999900006", "naam": ', "{\x01}"])
def test_a_malformed_person_on_its_own_line_refuses_the_file_naming_its_record(
        tmp_path: Path, junk: str) -> None:
    persons = _persons()
    lines = [json.dumps(p, ensure_ascii=False) + "," for p in persons]
    lines[-1] = lines[-1][:-1]
    lines[1] = junk + ","
    staging = tmp_path / "s.duckdb"
    with pytest.raises(RefusedFile) as refused:
        load(staging, _write(tmp_path / "bad.json", lines))
    assert refused.value.line == 2 and "record 2" in str(refused.value)
    with duckdb.connect(str(staging), read_only=True) as con:  # staging untouched
        assert con.execute("SELECT count(*) FROM imports WHERE status = 'loaded'").fetchone()[0] == 0


def test_record_numbers_follow_the_file_when_read_on_several_threads(tmp_path: Path) -> None:
    """The fast path numbers persons by their position in the table DuckDB writes in file order
    (counted from the first row id, which inside the import's transaction is not 0)."""
    from bench.brp_bulk_files import write_all
    from connectors.brp import import_brp
    from connectors.staging import Staging

    path = write_all(20_000, tmp_path, formats=("haalcentraal",))["haalcentraal"]
    assert _fast_path_taken(path)
    with Staging(tmp_path / "s.duckdb", threads=4) as st:
        result = import_brp(st, path, force=True)
    assert result.rows_read == 20_000
    with duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True) as con:
        wrong = con.execute("SELECT count(*) FROM brp_personen "
                            "WHERE bron_regel <> a_nummer::BIGINT - 1000000000 + 1").fetchone()[0]
    assert wrong == 0


def test_a_person_longer_than_the_limit_refuses_the_file_naming_its_record(tmp_path: Path) -> None:
    from connectors.brp_haalcentraal import MAX_OBJECT

    persons = _persons()
    persons[1]["naam"]["voornamen"] = "x" * (MAX_OBJECT + 1)
    staging = tmp_path / "s.duckdb"
    with pytest.raises(RefusedFile) as refused:
        load(staging, _one_per_line(tmp_path / "long.json", persons))
    assert refused.value.line == 2 and "langer dan 16 MB" in str(refused.value)
    with duckdb.connect(str(staging), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM imports WHERE status = 'loaded'").fetchone()[0] == 0


@pytest.mark.parametrize(("newline", "indent", "closing"), [
    ("\r\n", "\t", "]}"),  # CRLF, tab-indented persons
    ("\n", "", "  ]\n}"),  # `]` and `}` on lines of their own
])
def test_one_person_per_line_variants_take_the_fast_path_and_equal_the_pretty_file(
        tmp_path: Path, newline: str, indent: str, closing: str) -> None:
    lines = [indent + json.dumps(p, ensure_ascii=False) + "," for p in _persons()]
    lines[-1] = lines[-1][:-1]
    path = tmp_path / "variant.json"
    path.write_bytes(('{"type": "RaadpleegMetBurgerservicenummer", "personen": [' + newline
                      + newline.join(lines) + newline + closing + newline).encode("utf-8"))
    assert _fast_path_taken(path)
    load(tmp_path / "a.duckdb", PRETTY)
    load(tmp_path / "b.duckdb", path)
    assert _rows(tmp_path / "a.duckdb") == _rows(tmp_path / "b.duckdb")
