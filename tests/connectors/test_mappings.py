"""The one mapping format and loader (connectors/mappings/): every shipped mapping, the BRP ones
included, is read by it, and a BRP mapping in that format, copied and changed by a municipality,
drives the BRP import."""

from __future__ import annotations

from pathlib import Path

import pytest
from brp_helpers import lo3_file, load, valid_bsns

from connectors.brp_fields import FIELD_BY_NAME, OUDER_FIELDS
from connectors.mappings import HERE, MAPPINGS_DIR, MappingError, load_mapping, read_mapping
from connectors.staging import Staging


@pytest.mark.parametrize("path", sorted(HERE.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_mapping_reads_with_the_one_loader(path: Path) -> None:
    mapping = read_mapping(path)
    assert mapping.fields and mapping.path == path
    if path.stem.startswith("brp_"):
        assert mapping.table == "brp_personen"
        assert {f.name for f in mapping.fields} <= set(FIELD_BY_NAME)
        assert all(f.type == "text" for f in mapping.fields)  # brp_schema types the BRP fields
        for group in mapping.groups.values():
            assert {f.name for f in group.fields} <= set(OUDER_FIELDS)


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
