"""Declared mappings: one TOML file per source format, source column/element/path -> typed field.

The one place a mapping file is found and read, for every connector. A municipality whose supplier
uses another layout does not edit these files: it copies one into its own folder and edits the copy —
configuration, not code (docs/spec.md §5). By name (`duo_a04`) a mapping is looked for:

1. in the folder named by the environment variable `INBEELD_MAPPINGS_DIR` (the municipality's
   overrides, `<name>.toml`; a name not there falls through), then
2. here, as shipped.

A path to a `.toml` file (`--mapping FILE`) is read as it is. The typed layout of the DUO, verzuim
and vrijstellingen mappings and the checks of an override against the shipped file are in
`connectors.field_mapping`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAPPINGS_DIR = "INBEELD_MAPPINGS_DIR"


def shipped_path(name: str) -> Path:
    """The mapping `name` as shipped with InBeeld."""
    return HERE / f"{name}.toml"


def local_path(name: str) -> Path | None:
    """The municipality's own copy of mapping `name` in `INBEELD_MAPPINGS_DIR`, if there is one."""
    folder = os.environ.get(MAPPINGS_DIR)
    if not folder:
        return None
    path = Path(folder) / f"{name}.toml"
    return path if path.is_file() else None


def mapping_path(name_or_path: str | Path) -> Path:
    """A `.toml` path as given; a name: the municipality's copy, else the shipped file."""
    path = Path(name_or_path)
    if path.suffix == ".toml":
        return path
    return local_path(str(name_or_path)) or shipped_path(str(name_or_path))


def load_mapping(name_or_path: str | Path) -> dict:
    """The raw TOML of a mapping (see `mapping_path`), with `source` set to the file it came from."""
    path = mapping_path(name_or_path)
    with path.open("rb") as handle:
        mapping = tomllib.load(handle)
    mapping.setdefault("source", str(path))
    return mapping
