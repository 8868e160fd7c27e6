"""The data catalog: declared entries resolve against the data directory and can be moved in config."""

from __future__ import annotations

from pathlib import Path

import pytest

from inbeeld.settings import Settings, load_settings
from pipelines.catalog import Catalog, CatalogError


def test_every_entry_resolves_inside_the_data_directory_by_default(tmp_path: Path) -> None:
    catalog = Catalog.load(Settings(data_dir=tmp_path))
    assert catalog.inbox == tmp_path.resolve() / "inbox" and catalog.inbox.is_dir()
    assert catalog.archive == tmp_path.resolve() / "archive"
    assert catalog.staging == tmp_path.resolve() / "staging.duckdb"
    assert catalog.letters == tmp_path.resolve() / "letters"
    assert catalog.reports == tmp_path.resolve() / "reports"
    assert catalog.run_lock == tmp_path.resolve() / "inbeeld.lock"
    assert catalog.register_url == Settings(data_dir=tmp_path).register_url
    assert all(entry.description for entry in catalog.entries.values())


def test_inbeeld_toml_moves_an_entry_and_an_explicit_override_wins(tmp_path: Path) -> None:
    (tmp_path / "inbeeld.toml").write_text(
        '[catalog]\nletters = "/srv/print/letters"\n[catalog.inbox]\npath = "sftp/in"\n'
        '[catalog.registers]\nurl = "postgresql+psycopg://inbeeld@db/inbeeld"\n')
    environ = {"INBEELD_CONFIG": str(tmp_path / "inbeeld.toml")}
    settings = load_settings(data_dir=tmp_path / "data", environ=environ)
    catalog = Catalog.load(settings)
    assert catalog.path("letters") == Path("/srv/print/letters")
    assert catalog.path("inbox") == (tmp_path / "data" / "sftp" / "in").resolve()
    assert catalog.register_url == "postgresql+psycopg://inbeeld@db/inbeeld"
    assert Catalog.load(settings, {"inbox": str(tmp_path / "other")}).path("inbox") == tmp_path / "other"


def test_the_register_follows_the_settings_database_url(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, db_url="postgresql+psycopg://u@h/db")
    assert Catalog.load(settings).register_url == "postgresql+psycopg://u@h/db"


def test_mistakes_are_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="onbekend catalogusitem 'inbx'"):
        Catalog.load(Settings.from_table({"catalog": {"inbx": "x"}}, data_dir=tmp_path))
    catalog = Catalog.load(Settings(data_dir=tmp_path))
    with pytest.raises(CatalogError, match="geen map"):
        catalog.folder("staging")
    with pytest.raises(CatalogError, match="database-URL"):
        catalog.path("registers")
    bad = tmp_path / "bad.toml"
    bad.write_text('[inbox]\nkind = "bucket"\npath = "x"\n')
    with pytest.raises(CatalogError, match="soort 'bucket'"):
        Catalog.load(Settings(data_dir=tmp_path), declaration=bad)
