"""The data catalog: where each flow input and output lives, declared in `catalog.toml`.

Flows ask the catalog for "the inbox" or "the register URL" instead of building paths, so a
municipality moves a folder (an SFTP mount for the inbox, a share for letters) in `inbeeld.toml`
without touching code. Relative paths resolve against the data directory of the settings.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inbeeld.settings import Settings

DECLARATION = Path(__file__).with_name("catalog.toml")
KINDS = ("folder", "file", "database")


class CatalogError(ValueError):
    """The catalog declaration or an override is wrong (unknown entry, kind or missing path)."""


@dataclass(frozen=True)
class Entry:
    """One declared dataset: a folder, a file or a database URL."""

    name: str
    kind: str
    location: str
    description: str = ""

    @property
    def path(self) -> Path:
        if self.kind == "database":
            raise CatalogError(f"catalogusitem {self.name!r} is een database-URL, geen pad")
        return Path(self.location)


@dataclass(frozen=True)
class Catalog:
    """The resolved catalog of one data directory."""

    entries: Mapping[str, Entry]

    @classmethod
    def load(
        cls,
        settings: Settings,
        overrides: Mapping[str, Mapping[str, Any] | str] | None = None,
        declaration: Path = DECLARATION,
    ) -> Catalog:
        """Read the declaration, apply `[catalog]` from settings, then `overrides` (a path or a table)."""
        with declaration.open("rb") as handle:
            declared: dict[str, dict[str, Any]] = tomllib.load(handle)
        configured = {name: value if isinstance(value, str) else
                      {k: v for k, v in vars(value).items() if v is not None}
                      for name, value in settings.catalog.items()}
        layers = [configured, overrides or {}]
        for layer in layers:
            for name, value in layer.items():
                if name not in declared:
                    known = ", ".join(sorted(declared))
                    raise CatalogError(f"onbekend catalogusitem {name!r}; bekend: {known}")
                if value is None:
                    continue
                update = {"path": value} if isinstance(value, str | Path) else dict(value)
                if declared[name]["kind"] == "database" and "path" in update:
                    update["url"] = str(update.pop("path"))
                declared[name] = {**declared[name], **{k: str(v) for k, v in update.items()}}
        return cls({name: _resolve(name, table, settings) for name, table in declared.items()})

    def __getitem__(self, name: str) -> Entry:
        try:
            return self.entries[name]
        except KeyError:
            raise CatalogError(f"onbekend catalogusitem {name!r}") from None

    def path(self, name: str) -> Path:
        return self[name].path

    def folder(self, name: str) -> Path:
        """The folder of `name`, created when missing (a fresh data directory just works)."""
        entry = self[name]
        if entry.kind != "folder":
            raise CatalogError(f"catalogusitem {name!r} is een {entry.kind}, geen map")
        entry.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return entry.path

    def url(self, name: str) -> str:
        entry = self[name]
        if entry.kind != "database":
            raise CatalogError(f"catalogusitem {name!r} is een {entry.kind}, geen database")
        return entry.location

    # The entries every flow uses, by name, so a typo fails at import time rather than at 06:00.
    @property
    def inbox(self) -> Path:
        return self.folder("inbox")

    @property
    def archive(self) -> Path:
        return self.folder("archive")

    @property
    def refused(self) -> Path:
        return self.folder("refused")

    @property
    def staging(self) -> Path:
        return self.path("staging")

    @property
    def register_url(self) -> str:
        return self.url("registers")

    @property
    def letters(self) -> Path:
        return self.folder("letters")

    @property
    def reports(self) -> Path:
        return self.folder("reports")

    @property
    def verzuim_outbox(self) -> Path:
        return self.folder("verzuim_outbox")

    @property
    def run_lock(self) -> Path:
        return self.path("run_lock")


def _resolve(name: str, table: Mapping[str, Any], settings: Settings) -> Entry:
    kind = table.get("kind")
    if kind not in KINDS:
        raise CatalogError(f"catalogusitem {name!r} heeft soort {kind!r}; kies uit {', '.join(KINDS)}")
    description = str(table.get("description", ""))
    if kind == "database":
        return Entry(name, kind, str(table.get("url") or settings.register_url), description)
    if not table.get("path"):
        raise CatalogError(f"catalogusitem {name!r} ({kind}) heeft geen pad")
    path = Path(str(table["path"])).expanduser()
    if not path.is_absolute():
        path = settings.data_dir / path
    return Entry(name, kind, str(path.resolve()), description)
