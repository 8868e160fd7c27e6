"""The generated files follow docs/formats.md: layout, encodings, parsable, valid, hashed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from lxml import etree

from synthetic import layout
from synthetic.persoonsnummers import is_bsn, is_onderwijsnummer
from synthetic.writers_brp import LO3_COLUMNS

from .conftest import GEMEENTEN, PERSONS, SEED, WEEKS, Generated

SCHEMAS = Path(__file__).resolve().parents[2] / "connectors" / "schemas"
STRICT = SCHEMAS / "verzuimmelding-strikt.xsd"      # the contract for senders (value rules)
STRUCTURE = SCHEMAS / "verzuimmelding.xsd"          # what the reader validates (values per melding)
STUF = "{http://www.egem.nl/StUF/sector/bg/0310}"


def test_manifest_lists_every_file_with_its_sha256(generated: Generated) -> None:
    data = json.loads((generated.out / "manifest.json").read_text(encoding="utf-8"))
    assert data["seed"] == SEED and data["persons"] == PERSONS and data["gemeenten"] == list(GEMEENTEN)
    assert len(data["peildatums"]) == WEEKS
    listed = {f["path"] for f in data["files"]}
    on_disk = {p.relative_to(generated.out).as_posix() for p in generated.out.rglob("*")
               if p.is_file() and p.name != "manifest.json"}
    assert listed == on_disk
    for entry in data["files"]:
        content = (generated.out / entry["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(content) == entry["bytes"]


def test_layout_per_week_and_gemeente(generated: Generated) -> None:
    for week, d in enumerate(generated.manifest.peildatums):
        assert d.weekday() == 0
        for g in GEMEENTEN:
            for kind in ("haalcentraal.json", "lo3.csv", "stufbg.xml"):
                assert (generated.out / layout.brp(d, g, kind)).is_file()
            assert (generated.out / layout.duo(d, g, week)).is_file()
            assert (generated.out / layout.verzuim(d, g)).is_file()
            assert (generated.out / layout.vrijstellingen(d, g)).is_file()
        assert (generated.out / layout.signals(d)).is_file()
        assert (generated.out / layout.persons(d)).is_file()
    reports = {p.name for p in generated.out.glob("*/duo/2026*.csv")}
    for month in ("202609", "202610"):
        for report in layout.REPORTS:
            for g in GEMEENTEN:
                assert f"{month}{report}G{g}.csv" in reports


def test_haalcentraal_json_parses_with_both_date_styles_and_street_names(generated: Generated) -> None:
    for path in generated.paths("*/brp/*.haalcentraal.json"):
        assert path.read_bytes().startswith(b'{"type":"RaadpleegMetBurgerservicenummer","personen":[')
    personen = [p for d in generated.manifest.peildatums for p in generated.personen(d)]
    births = [p["geboorte"]["datum"] for p in personen]
    assert any(isinstance(b, str) for b in births) and any(isinstance(b, dict) for b in births)
    kinds = {b["type"] for b in births if isinstance(b, dict)}
    assert {"Datum", "JaarMaandDatum", "JaarDatum", "DatumOnbekend"} <= kinds
    assert {"00000000"} <= {b for b in births if isinstance(b, str)} or "DatumOnbekend" in kinds
    adressen = [p["verblijfplaats"]["verblijfadres"] for p in personen
                if p.get("verblijfplaats", {}).get("type") == "Adres"]
    assert any("officieleStraatnaam" in a for a in adressen) and any("straat" in a for a in adressen)
    assert any(p.get("verblijfplaats", {}).get("type") == "VerblijfplaatsBuitenland" for p in personen)
    assert any(p.get("gemeenteVanInschrijving", {}).get("code") == "1999" for p in personen)
    assert all(None not in p.values() for p in personen)  # absent fields are absent
    straten = {a.get("officieleStraatnaam", a.get("straat")) for a in adressen}
    assert any("&" in s for s in straten)
    namen = {p["naam"]["geslachtsnaam"] + p["naam"]["voornamen"] for p in personen}
    assert any(ch in n for n in namen for ch in "ÇÖë") and any(ch in n for n in namen for ch in "ıŞ")


def test_lo3_csv_has_labelled_and_history_rows(generated: Generated) -> None:
    for path in generated.paths("*/brp/*.lo3.csv"):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf;01.01.10;")  # BOM, empty label header, like GBA-V
        lines = raw.decode("utf-8-sig").splitlines()
        width = len(LO3_COLUMNS) + 2
        assert all(line.count(";") == width - 1 for line in lines), path
        labelled = [line for line in lines[1:] if line.startswith("Lg01_")]
        history = [line for line in lines[1:] if line.startswith(";")]
        assert labelled and history and len(labelled) + len(history) == len(lines) - 1
        for line in labelled:
            assert is_bsn(line.split(";")[2])
        labels = [line.split(";", 1)[0] for line in labelled]
        assert len(set(labels)) == len(labels)


def test_brp_formats_carry_the_same_persons(generated: Generated) -> None:
    for week in (generated.manifest.weeks[0], generated.manifest.weeks[-1]):
        d = week["peildatum"]
        for g in GEMEENTEN:
            hc = json.loads(next(generated.out.glob(f"{d}/brp/brp-G{g}-*.json")).read_text(encoding="utf-8"))
            stuf = etree.parse(str(next(generated.out.glob(f"{d}/brp/brp-G{g}-*.stufbg.xml"))))
            lo3 = next(generated.out.glob(f"{d}/brp/brp-G{g}-*.lo3.csv")).read_text(encoding="utf-8-sig")
            bsn_hc = [p["burgerservicenummer"] for p in hc["personen"]]
            bsn_stuf = [el.findtext(f"{STUF}inp.bsn") for el in stuf.iter(f"{STUF}object")]
            bsn_lo3 = [line.split(";")[2] for line in lo3.splitlines() if line.startswith("Lg01_")]
            assert bsn_hc == bsn_stuf == bsn_lo3
            assert all(is_bsn(n) for n in bsn_hc)


def test_verzuim_xml_validates_against_both_schemas(generated: Generated) -> None:
    schemas = [etree.XMLSchema(etree.parse(str(path))) for path in (STRICT, STRUCTURE)]
    count = 0
    for path in generated.paths("*/verzuim/*.xml"):
        doc = etree.parse(str(path))
        for schema in schemas:
            assert schema.validate(doc), (path, schema.error_log)
        count += len(doc.getroot())
    assert count > 0


def test_the_strict_schema_rejects_bad_values_the_structural_one_leaves_to_the_reader(
        generated: Generated) -> None:
    strict = etree.XMLSchema(etree.parse(str(STRICT)))
    structure = etree.XMLSchema(etree.parse(str(STRUCTURE)))
    path = next(p for p in generated.paths("*/verzuim/*.xml") if b"<soortVerzuim>" in p.read_bytes())
    original = path.read_bytes()
    for old, new in ((b"<soortVerzuim>", b"<soortVerzuim>X"),
                     (b"<begindatum>2026-", b"<begindatum>2026-13-")):
        broken = etree.fromstring(original.replace(old, new, 1)).getroottree()
        assert not strict.validate(broken)
    wrong_value = etree.fromstring(original.replace(b"<soortVerzuim>", b"<soortVerzuim>X", 1)).getroottree()
    assert structure.validate(wrong_value)
    missing = etree.fromstring(original.replace(b"<begindatum>", b"<begin>", 1)
                               .replace(b"</begindatum>", b"</begin>", 1)).getroottree()
    assert not strict.validate(missing) and not structure.validate(missing)


def test_every_person_number_passes_its_check(generated: Generated) -> None:
    rows = generated.rows("*/duo/duo-*.csv")
    assert rows
    for row in rows:
        number = row["PERSOONSGEBONDENNUMMER"]
        assert is_bsn(number) or is_onderwijsnummer(number), number
        assert row["BSN"] == "" or is_bsn(row["BSN"])
    for row in generated.rows("*/vrijstellingen/*.csv"):
        assert is_bsn(row["PERSOONSGEBONDENNUMMER"])
    for row in generated.persons(generated.manifest.peildatums[0]):
        assert row["BSN"] == "" or is_bsn(row["BSN"])
        assert row["ONDERWIJSNUMMER"] == "" or is_onderwijsnummer(row["ONDERWIJSNUMMER"])


def test_duo_files_use_crlf_and_the_documented_headers(generated: Generated) -> None:
    c = next(generated.out.glob("*/duo/duo-C-*.csv")).read_bytes()
    assert c.startswith(b"PERSOONSGEBONDENNUMMER;BSN;GEBOORTEDATUM;") and b"\r\n" in c
    p = next(generated.out.glob("*/duo/duo-P-*.csv")).read_bytes()
    assert p.startswith(b"MUTATIESOORT;MUTATIEDATUM;PERSOONSGEBONDENNUMMER;")
    mutations = {row["MUTATIESOORT"] for row in generated.rows("*/duo/duo-P-*.csv")}
    assert mutations == {"T", "W", "V"}


def test_vrijstellingen_use_both_date_styles(generated: Generated) -> None:
    dates = [row["BEGINDATUM"] for row in generated.rows("*/vrijstellingen/*.csv")]
    assert any(d[4] == "-" for d in dates) and any(d[2] == "-" for d in dates)
