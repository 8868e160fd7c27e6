"""The one mapping format and loader (connectors/mappings/): every shipped mapping, the BRP ones
and the BRP contract included, is read by it; the BRP types and fault rules come from the contract
alone; and a BRP mapping in that format, copied and changed by a municipality, drives the BRP import."""

from __future__ import annotations

from pathlib import Path

import pytest
from brp_helpers import lo3_file, load, valid_bsns

from connectors.brp import import_brp
from connectors.brp_fields import CONTRACT, FIELD_BY_NAME, FIELDS_ON_FAULT, OUDER_FIELDS, check_format_mapping
from connectors.mappings import (
    HERE,
    LEEG,
    MAPPINGS_DIR,
    ONVOLLEDIG,
    REFUSE,
    MappingError,
    load_mapping,
    read_mapping,
)
from connectors.staging import Staging


@pytest.mark.parametrize("path", sorted(HERE.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_mapping_reads_with_the_one_loader(path: Path) -> None:
    mapping = read_mapping(path)
    assert mapping.fields and mapping.path == path
    assert mapping.contract == (path.stem == CONTRACT)
    if path.stem.startswith("brp_"):
        assert mapping.table == "brp_personen"
        assert {f.name for f in mapping.fields} <= set(FIELD_BY_NAME)
    if path.stem.startswith("brp_") and not mapping.contract:
        check_format_mapping(mapping)  # names contract fields only, and no type or fault rule
        for group in mapping.groups.values():
            assert {f.name for f in group.fields} <= set(OUDER_FIELDS)


def test_the_brp_contract_declares_the_fault_rules_of_docs_formats_1_4() -> None:
    """The table of docs/formats.md §1.4, read from the contract: the BSN refuses, the two fields
    the law needs make the persoonslijst onvolledig, every other field is left empty."""
    assert FIELDS_ON_FAULT[REFUSE] == ("bsn",)
    assert FIELDS_ON_FAULT[ONVOLLEDIG] == ("geboortedatum", "gemeente_inschrijving")
    assert len(FIELDS_ON_FAULT[LEEG]) == len(FIELD_BY_NAME) - 3
    assert OUDER_FIELDS == ("bsn", "voornamen", "voorvoegsel", "geslachtsnaam", "geboortedatum", "geslacht")


@pytest.mark.parametrize(("line", "message"), [
    ('type = "brp_date"', "staan in connectors/mappings/brp_personen.toml"),
    ("required = true", "staan in connectors/mappings/brp_personen.toml"),
    ('on_fault = "refuse"', "on_fault en max_length horen in een contract"),
])
def test_a_brp_format_mapping_that_declares_a_rule_is_refused(
        tmp_path: Path, line: str, message: str) -> None:
    """A type or fault rule in a format mapping would look as if it counted: the contract decides."""
    bsns = valid_bsns(1)
    delivery = lo3_file(tmp_path / "brp-G0363-20260907.lo3.csv", bsns)
    own = _own_copy(tmp_path / "own", "brp_lo3csv", 'source = "08.09.20"', f'source = "08.09.20"\n{line}')
    with Staging(tmp_path / "staging.duckdb") as st, pytest.raises(MappingError, match=message):
        import_brp(st, delivery, mapping=own)


def test_a_brp_format_mapping_naming_a_field_outside_the_contract_is_refused(tmp_path: Path) -> None:
    source = '\nsource = "gerelateerde/geslachtsaanduiding"'
    own = _own_copy(tmp_path / "own", "brp_stufbg", f'name = "geslacht"{source}',
                    f'name = "nationaliteit"{source}')
    with pytest.raises(MappingError, match=r"onbekende BRP-velden \['ouders.nationaliteit'\]"):
        check_format_mapping(read_mapping(own))


@pytest.mark.parametrize(("text", "message"), [
    ('[mapping]\ncontract = true\ntable = "t"\n[[field]]\nname = "a"\nsource = "A"\n', "noemt geen bron"),
    ('[mapping]\ncontract = true\ntable = "t"\n[[field]]\nname = "a"\non_fault = "weg"\n', "on_fault 'weg'"),
    ('[mapping]\ncontract = true\ntable = "t"\n[[field]]\nname = "a"\nmax_length = 0\n', "positief geheel"),
    ('[mapping]\nformat = "f"\ntable = "t"\n[[field]]\nname = "a"\nsource = "A"\nmax_length = 9\n',
     "horen in een contract"),
])
def test_the_contract_keys_are_checked_by_the_loader(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        read_mapping(path)


def _own_copy(folder: Path, name: str, old: str, new: str) -> Path:
    """The shipped mapping `name` with one line changed, as a municipality's copy in `folder`."""
    text = (HERE / f"{name}.toml").read_text(encoding="utf-8")
    assert old in text
    folder.mkdir(exist_ok=True)
    copy = folder / f"{name}.toml"
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def _bsn_headed(delivery: Path) -> None:
    """The LO3 file with its BSN column headed `BSN` instead of the element number 01.01.20."""
    text = delivery.read_text(encoding="utf-8")
    delivery.write_text(text.replace(";01.01.20;", ";BSN;", 1), encoding="utf-8")


def test_a_municipalitys_brp_mapping_in_the_common_format_drives_the_import(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A supplier that heads the BSN column `BSN`: the copy in INBEELD_MAPPINGS_DIR names it."""
    bsns = valid_bsns(3)
    delivery = lo3_file(tmp_path / "brp-G0363-20260907.lo3.csv", bsns)
    _bsn_headed(delivery)
    _own_copy(tmp_path / "mappings", "brp_lo3csv", 'source = "01.01.20"', 'source = "BSN"')
    monkeypatch.setenv(MAPPINGS_DIR, str(tmp_path / "mappings"))
    assert load_mapping("brp_lo3csv").field("bsn").source == "BSN"

    result = load(tmp_path / "staging.duckdb", delivery)

    assert (result.status, result.rows_loaded) == ("loaded", 3)
    with Staging(tmp_path / "staging.duckdb") as st:
        assert sorted(r[0] for r in st.con.execute("SELECT bsn FROM brp_personen").fetchall()) == bsns


def test_an_alias_is_another_spelling_of_a_brp_source(tmp_path: Path) -> None:
    """`aliases` in a BRP mapping given with `--mapping FILE`: the first spelling present counts."""
    bsns = valid_bsns(2)
    delivery = lo3_file(tmp_path / "brp-G0363-20260907.lo3.csv", bsns)
    _bsn_headed(delivery)
    own = _own_copy(tmp_path / "own", "brp_lo3csv", 'source = "01.01.20"',
                    'source = "01.01.20"\naliases = ["BSN"]')

    result = load(tmp_path / "staging.duckdb", delivery, mapping=own)

    assert (result.status, result.rows_loaded) == ("loaded", 2)


def test_a_brp_mapping_in_the_old_flat_layout_is_refused_by_name(tmp_path: Path) -> None:
    old = tmp_path / "brp_lo3csv.toml"
    old.write_text('format = "lo3csv"\n[fields]\nbsn = "01.01.20"\n', encoding="utf-8")
    with pytest.raises(MappingError, match=r"brp_lo3csv.toml: \[mapping\] mist 'format'"):
        read_mapping(old)
