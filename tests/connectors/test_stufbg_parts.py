"""StUF-BG read in parts (connectors/xml_chunks.py) gives exactly what one pass gives: the same rows
with the same line numbers, the same quarantine, the same refusal (line, field, reason).

Tiny parts put splits everywhere: after every person, on the tricky spots (an end tag in CDATA, a
comment, a processing instruction or an escaped value; other namespace prefixes; a nested object;
two answer elements). Where a split cannot be trusted the file goes the one-pass way; where it can,
the test checks that it did not (so the parallel way is really tested).
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import brp_stufbg, row_files, xml_chunks
from connectors.brp_stufbg import read_stufbg
from connectors.errors import RefusedFile
from connectors.mappings import load_mapping
from connectors.staging import Staging
from connectors.stufbg_objects import Layout

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "brp" / "gemeente.stufbg.xml"
CORPUS = HERE / "bad_inputs"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
SIZES = (1, 200, 5000)  # bytes per part: a split after every person, after a few, after many

ENVELOPE = (
    '<?xml version="1.0" encoding="{encoding}"?>\n'
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"\n'
    '    xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310"\n'
    '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    " <soapenv:Body>\n  <BG:npsLa01>\n   <BG:antwoord{attrs}>\n{objects}   </BG:antwoord>\n"
    "  </BG:npsLa01>\n </soapenv:Body>\n</soapenv:Envelope>\n"
)
BSNS = ("999910000", "999910012", "999910024", "999910036", "999910048", "999910061")


def person(bsn: str, name: str = "Kim", p: str = "BG", extra: str = "", attrs: str = "") -> str:
    return (f'    <{p}:object StUF:entiteittype="NPS"{attrs}>\n'
            f"     <{p}:inp.bsn>{bsn}</{p}:inp.bsn><{p}:geslachtsnaam>Jansen</{p}:geslachtsnaam>"
            f"<{p}:voornamen>{name}</{p}:voornamen>\n"
            f"     <{p}:geboortedatum>20120101</{p}:geboortedatum>"
            f"<{p}:inp.gemeenteVanInschrijving>0363</{p}:inp.gemeenteVanInschrijving>{extra}\n"
            f"    </{p}:object>\n")


def stuf(tmp_path: Path, objects: str, *, encoding: str = "UTF-8", attrs: str = "", name: str = "x",
         newline: str = "\n", codec: str = "utf-8") -> Path:
    path = tmp_path / f"{name}.stufbg.xml"
    text = ENVELOPE.format(encoding=encoding, attrs=attrs, objects=objects).replace("\n", newline)
    path.write_bytes(text.encode(codec))
    return path


def outcome(path: Path, staging: Path, **options) -> tuple:
    """('refused', line, field, reason) or ('loaded', read, loaded, rows, quarantine)."""
    reader = functools.partial(read_stufbg, **options)
    with Staging(staging) as st:
        try:
            result = st.import_file("brp", path, reader)
        except RefusedFile as exc:
            return ("refused", exc.line, exc.field, exc.reason)
        rows = st.con.execute("SELECT * EXCLUDE (import_id) FROM brp_personen ORDER BY bron_regel").fetchall()
        quarantine = [(q["line"], q["field"], q["value"], q["reason"])
                      for q in st.quarantine(result.import_id)]
        return ("loaded", result.rows_read, result.rows_loaded, rows, quarantine)


def same_in_parts(path: Path, tmp_path: Path, *, parallel: bool | None = True, **options) -> tuple:
    """Read `path` in one pass and in parts of every SIZES; all outcomes equal. `parallel`: the parts
    way must have finished on its own (True), must have handed over to one pass (False), or either."""
    tmp_path = tmp_path / path.stem
    tmp_path.mkdir()
    one = outcome(path, tmp_path / "one.duckdb", **options)
    real = brp_stufbg._read_in_one_pass
    read: list[list[int]] = []
    for size in SIZES:
        cuts = _cuts(path, size)
        if cuts is not None and cuts in read:
            continue  # the very parts of a smaller size (persons larger than it): the same read again
        read.append(cuts)
        with mock.patch.object(brp_stufbg, "_read_in_one_pass", wraps=real) as one_pass:
            got = outcome(path, tmp_path / f"parts-{size}.duckdb", part_size=size, workers=2, **options)
        assert got == one, f"part size {size}"
        if parallel is not None:
            assert (not one_pass.called) == parallel, f"part size {size}: handed over {one_pass.called}"
    return one


def _cuts(path: Path, size: int) -> list[int] | None:
    """Where the reader cuts `path`'s middle into parts of about `size` bytes (xml_chunks, as
    brp_stufbg._read_in_parts calls it); None where it finds no end tag to cut at."""
    local = Layout(load_mapping("brp_stufbg")).object
    pattern = xml_chunks.end_tag(local)
    with path.open("rb") as handle:
        first, last = xml_chunks.first_end(handle, pattern), xml_chunks.last_end(handle, pattern)
        if first is None or last is None:
            return None
        return [len(part) for part in xml_chunks.parts(handle, first, last, size, pattern, local)]


def test_the_fixture(tmp_path: Path) -> None:
    result = same_in_parts(FIXTURE, tmp_path)
    assert result[0] == "loaded" and result[1] == 6


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".stufbg.xml")))
def test_the_bad_input_corpus(name: str, tmp_path: Path) -> None:
    expected = EXPECTED[name]
    result = same_in_parts(CORPUS / name, tmp_path, parallel=None)
    if expected["outcome"] == "refused":
        assert result[:3] == ("refused", expected.get("line"), expected.get("field"))
        assert expected["reason"] in result[3]
    else:
        assert result[1:3] == (expected["read"], expected["loaded"])
        assert [q[:2] for q in result[4]] == [tuple(q) for q in expected["quarantine"]]


def test_quarantine_lines_late_in_the_file(tmp_path: Path) -> None:
    objects = "".join(person(b) for b in BSNS[:3]) + person("12345") + person(BSNS[3]) + person("999")
    result = same_in_parts(stuf(tmp_path, objects), tmp_path)
    assert [q[:2] for q in result[4]] == [(20, "bsn"), (28, "bsn")]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_numbers(newline: str, tmp_path: Path) -> None:
    result = same_in_parts(stuf(tmp_path, "".join(person(b) for b in BSNS), newline=newline), tmp_path)
    assert [row[0] for row in result[3]] == [8, 12, 16, 20, 24, 28]


def test_end_tag_in_escaped_values_and_attributes(tmp_path: Path) -> None:
    objects = (person(BSNS[0], name="&lt;/BG:object&gt;", attrs=' StUF:sleutel="a&gt;&lt;/BG:object&gt;"')
               + person(BSNS[1], name="x &lt;/object&gt; y") + person(BSNS[2]))
    result = same_in_parts(stuf(tmp_path, objects), tmp_path)
    assert [row[3] for row in result[3]] == ["</BG:object>", "x </object> y", "Kim"]


@pytest.mark.parametrize("hidden", [
    "<![CDATA[a </BG:object> b]]>",
    "a<!-- </BG:object> --> b",
    "a<?note </BG:object>?> b",
])
def test_end_tag_in_cdata_comment_or_pi(hidden: str, tmp_path: Path) -> None:
    objects = person(BSNS[0]) + person(BSNS[1], name=hidden) + person(BSNS[2])
    result = same_in_parts(stuf(tmp_path, objects), tmp_path, parallel=None)
    assert result[0] == "loaded" and result[1] == 3


def test_a_commented_out_person_stays_out(tmp_path: Path) -> None:
    objects = (person(BSNS[0]) + "<!-- </BG:object>\n" + person(BSNS[1]).replace("--", "")
               + "-->\n" + person(BSNS[2]))
    result = same_in_parts(stuf(tmp_path, objects), tmp_path, parallel=None)
    assert [row[1] for row in result[3]] == [BSNS[0], BSNS[2]]


def test_other_namespace_prefixes(tmp_path: Path) -> None:
    bg = "http://www.egem.nl/StUF/sector/bg/0310"
    objects = (person(BSNS[0])
               + person(BSNS[1], p="ns1", attrs=f' xmlns:ns1="{bg}"')
               + person(BSNS[2]).replace("<BG:object ", f'<object xmlns="{bg}" ').replace("BG:", "")
               + person(BSNS[3], p="BG", attrs=' xmlns:BG="urn:some-other-version"')
               + person(BSNS[4]).replace("</BG:object>", "</BG:object  \n >"))
    result = same_in_parts(stuf(tmp_path, objects), tmp_path)
    assert [row[1] for row in result[3]] == list(BSNS[:5])


def test_a_default_namespace_envelope(tmp_path: Path) -> None:
    bg = "http://www.egem.nl/StUF/sector/bg/0310"
    objects = "".join(person(b).replace("BG:", "") for b in BSNS[:4])
    path = tmp_path / "default.stufbg.xml"
    path.write_text(f'<?xml version="1.0"?>\n<npsLa01 xmlns="{bg}" xmlns:StUF="http://www.egem.nl/StUF/StUF0301">'
                    f"<antwoord>\n{objects}</antwoord></npsLa01>\n", encoding="utf-8")
    result = same_in_parts(path, tmp_path)
    assert len(result[3]) == 4


def test_a_nested_object_and_two_answers(tmp_path: Path) -> None:
    nested = person(BSNS[1], extra=person(BSNS[2]).replace("\n", ""))
    path = stuf(tmp_path, person(BSNS[0]) + nested + person(BSNS[3]))
    result = same_in_parts(path, tmp_path, parallel=None)
    assert result[0] == "loaded"
    two = person(BSNS[0]) + person(BSNS[1]) + "   </BG:antwoord>\n   <BG:antwoord>\n" + person(BSNS[2])
    result = same_in_parts(stuf(tmp_path, two, name="two"), tmp_path, parallel=None)
    assert [row[1] for row in result[3]] == list(BSNS[:3])


def test_white_space_kept_under_xml_space_preserve(tmp_path: Path) -> None:
    objects = "".join(person(b, name="  ") for b in BSNS[:3])
    result = same_in_parts(stuf(tmp_path, objects, attrs=' xml:space="preserve"'), tmp_path)
    assert [row[3] for row in result[3]] == ["  "] * 3


@pytest.mark.parametrize(("encoding", "codec"), [("ISO-8859-1", "latin-1"), ("windows-1252", "cp1252")])
def test_single_byte_encodings(encoding: str, codec: str, tmp_path: Path) -> None:
    objects = "".join(person(b, name="Zoë Françoise") for b in BSNS[:3])
    result = same_in_parts(stuf(tmp_path, objects, encoding=encoding, codec=codec), tmp_path)
    assert [row[3] for row in result[3]] == ["Zoë Françoise"] * 3


def test_undeclared_cp1252_is_detected(tmp_path: Path) -> None:
    objects = "".join(person(b, name="Zoë") for b in BSNS[:3])
    text = ENVELOPE.format(encoding="X", attrs="", objects=objects).replace(' encoding="X"', "")
    path = tmp_path / "cp1252.stufbg.xml"
    path.write_bytes(text.encode("cp1252"))
    result = same_in_parts(path, tmp_path)
    assert [row[3] for row in result[3]] == ["Zoë"] * 3


@pytest.mark.parametrize(("fault", "line", "reason"), [
    ("<BG:voornamen>Kim</BG:voornaam>", 20, "Opening and ending tag mismatch"),
    ("<BG:voornamen>&xxe;</BG:voornamen>", None, "niet welgevormd"),  # as one pass has always said
    ("<!DOCTYPE x>", 20, "niet welgevormd"),
])
def test_a_fault_in_a_middle_part_is_reported_as_one_pass_reports_it(
        fault: str, line: int | None, reason: str, tmp_path: Path) -> None:
    objects = "".join(person(b) for b in BSNS[:3]) + f"    <BG:object>{fault}</BG:object>\n" + person(BSNS[3])
    result = same_in_parts(stuf(tmp_path, objects), tmp_path, parallel=False)
    assert result[:2] == ("refused", line) and reason in result[3]


def test_truncated_and_trailing_garbage(tmp_path: Path) -> None:
    full = stuf(tmp_path, "".join(person(b) for b in BSNS)).read_bytes()
    cut = tmp_path / "cut.stufbg.xml"
    cut.write_bytes(full[:full.rindex(b"</BG:antwoord>") + 5])
    assert same_in_parts(cut, tmp_path, parallel=False)[0] == "refused"
    junk = tmp_path / "junk.stufbg.xml"
    junk.write_bytes(full + b"<BG:object>")
    assert same_in_parts(junk, tmp_path, parallel=False)[0] == "refused"


def test_a_person_larger_than_a_part(tmp_path: Path) -> None:
    long_name = "x" * 20_000
    objects = person(BSNS[0]) + person(BSNS[1], name=long_name) + person(BSNS[2])
    result = same_in_parts(stuf(tmp_path, objects), tmp_path)
    # read whole: longer than the LO3 maximum of voornamen, so left empty and reported whole
    assert result[3][1][3] is None
    assert [(field, value) for _, field, value, _ in result[4]] == [("voornamen", long_name)]


def test_values_with_line_breaks_and_separators(tmp_path: Path) -> None:
    """Separators survive the row files between worker and DuckDB; control characters in a name
    become a space on import (the BRP field rules), in parts as in one pass."""
    objects = person(BSNS[0], name="Kim\nAnn") + person(BSNS[1], name="a&#13;b\tc;\"d\\e")
    result = same_in_parts(stuf(tmp_path, objects), tmp_path)
    assert [row[3] for row in result[3]] == ["Kim Ann", "a b c;\"d\\e"]


def test_end_tags_in_comments_before_the_first_and_after_the_last_person(tmp_path: Path) -> None:
    objects = ("    <!-- </BG:object> -->\n" + "".join(person(b) for b in BSNS[:3])
               + "    <!-- <BG:object></BG:object> -->\n")
    result = same_in_parts(stuf(tmp_path, objects), tmp_path, parallel=None)
    assert [row[1] for row in result[3]] == list(BSNS[:3])


@pytest.mark.parametrize("late", ["", "    <BG:object><BG:voornamen>Kim</BG:voornaam></BG:object>\n"])
def test_many_small_row_files_loaded_while_reading(late: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Files loaded before a late fault hands the file to one pass are undone (rows and quarantine);
    without a fault the rows land once, in order."""
    monkeypatch.setattr(row_files, "ROWS_PER_FILE", 2)
    objects = person("12345") + "".join(person(b) for b in BSNS) + late + person("999993653")
    result = same_in_parts(stuf(tmp_path, objects), tmp_path, parallel=not late)
    if late:
        assert result[0] == "refused" and "Opening and ending tag mismatch" in result[3]
    else:
        assert result[1:3] == (8, 7) and [q[:2] for q in result[4]] == [(8, "bsn")]


def test_duckdb_threads_are_given_back(tmp_path: Path) -> None:
    with Staging(tmp_path / "staging.duckdb") as st:
        before = st.con.execute("SELECT current_setting('threads')").fetchone()[0]
        st.import_file("brp", FIXTURE, functools.partial(read_stufbg, part_size=200, workers=2))
        assert st.con.execute("SELECT current_setting('threads')").fetchone()[0] == before


@pytest.mark.parametrize(("limit", "lowered"), [("200MB", True), ("1200MB", False)])
def test_a_small_memory_limit_is_lowered_while_the_workers_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str, lowered: bool) -> None:
    """Under a small limit DuckDB gets less while the worker processes hold memory, so that the limit
    bounds the process tree; afterwards it has its limit back. A large limit stays as it is."""
    monkeypatch.setattr(row_files, "ROWS_PER_FILE", 2)
    seen: list[float] = []
    load = brp_stufbg.load_batch

    def watched(con, import_id: int, source: str) -> tuple[int, int]:
        seen.append(brp_stufbg._mib(con.execute("SELECT current_setting('memory_limit')").fetchone()[0]))
        return load(con, import_id, source)

    monkeypatch.setattr(brp_stufbg, "load_batch", watched)
    objects = "".join(person(b) for b in BSNS)
    with Staging(tmp_path / "staging.duckdb", memory_limit=limit) as stage:
        before = stage.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        reader = functools.partial(read_stufbg, part_size=200, workers=2)
        stage.import_file("brp", stuf(tmp_path, objects), reader)
        assert stage.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == before
    full = brp_stufbg._mib(before)
    # 200 MB is 190.7 MiB: two workers of 24 MiB leave 142.7 MiB for the loads while they run
    assert len(seen) > 1
    assert min(seen) == (pytest.approx(full - 2 * brp_stufbg.WORKER_MIB, abs=0.1) if lowered else full)


def test_memory_limits_as_duckdb_shows_them() -> None:
    assert brp_stufbg._mib("76.2 MiB") == pytest.approx(76.2)
    assert brp_stufbg._mib("1.1 GiB") == pytest.approx(1126.4)
    assert brp_stufbg._mib("512.0 KiB") == pytest.approx(0.5)
    assert brp_stufbg._mib("unlimited") is None


def test_a_row_longer_than_duckdbs_default_line(tmp_path: Path) -> None:
    long_name = "é" * (row_files.LINE_LIMIT + 10)
    objects = person(BSNS[0]) + person(BSNS[1], name=long_name)
    result = same_in_parts(stuf(tmp_path, objects), tmp_path)
    # read whole: longer than the LO3 maximum of voornamen, so left empty and reported whole
    assert result[3][1][3] is None
    assert [(field, value) for _, field, value, _ in result[4]] == [("voornamen", long_name)]


TOKENS = [b"</BG:object>", b"<BG:object>", b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<?pi ", b"?>", b"&amp;",
          b"&xxe;", b"<!DOCTYPE x>", b"\n", b"\r\n", b"xmlns:BG='urn:x'", b"xml:space='preserve'", b"\xe9",
          b"</BG:antwoord><BG:antwoord>", b"</", b"<", b">"]


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with one to three edits: bytes cut, repeated or replaced by a token."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data) - 1))
        edit = draw(st.sampled_from(["cut", "repeat", "token"]))
        span = draw(st.integers(1, 400))
        if edit == "cut":
            del data[at:at + span]
        elif edit == "repeat":
            data[at:at] = data[at:at + span]
        else:
            data[at:at + draw(st.integers(0, 4))] = draw(st.sampled_from(TOKENS))
    return bytes(data)


@settings(max_examples=int(os.environ.get("INBEELD_FUZZ_EXAMPLES", "30")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=mutated(FIXTURE.read_bytes()), size=st.sampled_from([1, 300, 2000]))
def test_mutated_deliveries_read_in_parts_as_in_one_pass(data: bytes, size: int,
                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    """Hostile bytes (hypothesis): whatever one pass makes of them, reading in parts makes too."""
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "fuzz.stufbg.xml"
    path.write_bytes(data)
    one = outcome(path, folder / "one.duckdb")
    assert outcome(path, folder / "parts.duckdb", part_size=size, workers=2) == one
