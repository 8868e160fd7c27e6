"""Verzuimmeldingen XML: valid files load typed, invalid ones are refused whole with line and element,
bad meldingen are quarantined, and a melding sent again is a new version of the same melding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from connectors import schools
from connectors.errors import RefusedFile
from connectors.staging import Staging
from connectors.verzuim_xml import read_verzuim, verzuim_changes

FIXTURES = Path(__file__).parent / "fixtures" / "verzuim"
WEEK1 = FIXTURES / "verzuim-G0363-20260914.xml"
WEEK2 = FIXTURES / "verzuim-G0363-20260921.xml"
NS = "urn:inbeeld:verzuimmelding:1"


@pytest.fixture
def st(tmp_path: Path):
    with Staging(tmp_path / "staging.duckdb") as staging:
        yield staging


def load(st: Staging, path: Path):
    return st.import_file("verzuim", path, read_verzuim, summarize=verzuim_changes)


def meldingen(st: Staging, table: str = "verzuimmeldingen_actueel") -> dict[str, dict]:
    cur = st.con.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cur.description]
    return {row[names.index("meldingsnummer")]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}


def melding(body: str = "", *, nummer: str = "VM1", pgn: str = "999990007", soort: str = "16U_4W",
            begin: str = "2026-08-24", extra: str = "") -> str:
    return (f"<verzuimmelding><meldingsnummer>{nummer}</meldingsnummer>"
            "<meldingsdatum>2026-09-10</meldingsdatum>"
            f"<school><brin>12AB</brin></school><leerling><persoonsgebondennummer>{pgn}</persoonsgebondennummer>"
            f"</leerling><soortVerzuim>{soort}</soortVerzuim><begindatum>{begin}</begindatum>{body}"
            f"</verzuimmelding>{extra}")


def xml_file(tmp_path: Path, *items: str, name: str = "verzuim.xml", head: str = "") -> Path:
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{head}<verzuimmeldingen xmlns="{NS}">\n'
                    + "\n".join(items) + "\n</verzuimmeldingen>\n", encoding="utf-8")
    return path


def test_a_valid_file_loads_typed_with_supplier_elements_kept(st: Staging) -> None:
    result = load(st, WEEK1)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 3, 0)
    assert result.summary == {"added": 3, "updated": 0, "with_einddatum": 1,
                              "soort_verzuim": {"16U_4W": 1, "LRV": 1, "LUXE": 1}}
    got = meldingen(st)
    first = got["VM2026-000123"]
    assert (first["line"], first["brin"], first["schoolnaam"], first["persoonsnummer"]) == (
        3, "12AB", "Het Baken", "999990007")
    assert (first["begindatum"], first["einddatum"], first["verzuimdagen"], first["verzuimuren"]) == (
        date(2026, 8, 24), None, 4, Decimal("18.000"))
    assert first["toelichting"] == "Vaak afwezig op maandag & dinsdag"
    assert first["melder_functie"] == "verzuimcoördinator"
    assert first["extra"] == '{"{urn:example:leerlingvolgsysteem}dossiernummer":"L-8812"}'
    assert got["VM2026-000124"]["soort_verzuim"] == "LRV" and got["VM2026-000124"]["extra"] is None
    # the school's name, for reports and letters that would otherwise show only the BRIN
    assert schools.school_names(st.con)["12AB"] == "Het Baken"


def test_a_melding_sent_again_is_its_newer_version(st: Staging) -> None:
    load(st, WEEK1)
    second = load(st, WEEK2)
    assert second.summary["added"] == 1 and second.summary["updated"] == 1
    now = meldingen(st)
    assert len(now) == 4 and now["VM2026-000123"]["einddatum"] == date(2026, 9, 18)
    assert st.con.execute("SELECT count(*) FROM verzuimmeldingen WHERE meldingsnummer = 'VM2026-000123'"
                          ).fetchone()[0] == 2
    assert load(st, WEEK2).status == "duplicate"


def test_bad_meldingen_are_quarantined_and_the_rest_loads(st: Staging, tmp_path: Path) -> None:
    path = xml_file(
        tmp_path,
        melding(nummer="VM1"),
        melding(nummer="VM2", pgn="123456789"),
        melding(nummer="VM3", soort="SPIJBELEN"),
        melding(nummer="VM4", begin="2026-02-30"),
        melding("<einddatum>2026-08-01</einddatum>", nummer="VM5"),
        melding(nummer="VM1", pgn="999990019"),
    )
    result = load(st, path)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 1, 5)
    got = [(q["line"], q["field"], q["reason"]) for q in st.quarantine(result.import_id)]
    assert got == [
        (4, "persoonsnummer", "voldoet niet aan de elfproef: geen BSN en geen onderwijsnummer"),
        (5, "soort_verzuim", "onbekende waarde (verwacht een van 16U_4W, LRV, LUXE, RMC, OVERIG)"),
        (6, "begindatum", "onmogelijke datum (verwacht jjjj-mm-dd, jjjjmmdd of dd-mm-jjjj)"),
        (7, "einddatum", "einddatum ligt vóór begindatum"),
        (8, "meldingsnummer", "meldingsnummer staat eerder in dit bestand"),
    ]
    assert list(meldingen(st)) == ["VM1"]


@pytest.mark.parametrize("items,line,field,reason", [
    ((melding(nummer="VM1"), melding(nummer="VM2").replace("<begindatum>2026-08-24</begindatum>", "")),
     4, "verzuimmelding", "Missing child element(s). Expected is one of ( vermoedelijkeReden, begindatum )"),
    ((melding("<onbekend>x</onbekend>"),), 3, "onbekend", "niet geldig volgens verzuimmelding.xsd"),
    ((melding(begin="24/08/2026"),), 3, "begindatum", "niet geldig volgens verzuimmelding.xsd"),
    ((melding(nummer="VM1"), "<verzuimmelding><meldingsnummer>VM2"),
     5, None, "XML niet welgevormd"),
])
def test_an_invalid_file_is_refused_whole(st: Staging, tmp_path: Path, items, line, field, reason) -> None:
    load(st, WEEK1)
    with pytest.raises(RefusedFile) as refused:
        load(st, xml_file(tmp_path, *items))
    assert (refused.value.line, refused.value.field) == (line, field)
    assert reason in refused.value.reason
    assert len(meldingen(st)) == 3 and len(st.imports()) == 1


def test_refusal_messages_never_quote_the_value(st: Staging, tmp_path: Path) -> None:
    path = xml_file(tmp_path, melding("<verzuimdagen>Jansen 999990007</verzuimdagen>"))
    with pytest.raises(RefusedFile) as refused:
        load(st, path)
    assert refused.value.field == "verzuimdagen" and "not a valid value" in refused.value.reason
    assert "Jansen" not in str(refused.value) and "999990007" not in str(refused.value)


def test_doctype_and_entities_are_refused_before_parsing(st: Staging, tmp_path: Path) -> None:
    head = '<!DOCTYPE v [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    with pytest.raises(RefusedFile, match="DOCTYPE of een entity") as refused:
        load(st, xml_file(tmp_path, melding("<toelichting>&x;</toelichting>"), head=head))
    assert refused.value.line == 2


def test_cp1252_declared_in_the_xml_declaration(st: Staging, tmp_path: Path) -> None:
    path = tmp_path / "verzuim-cp1252.xml"
    text = xml_file(tmp_path, melding("<toelichting>café</toelichting>")).read_text(encoding="utf-8")
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="windows-1252"').encode("cp1252"))
    assert load(st, path).rows_loaded == 1
    assert meldingen(st)["VM1"]["toelichting"] == "café"
