"""Declared mappings: one TOML file per source format, source column/element/path -> typed field.

A municipality whose supplier uses another layout copies the file, edits it and passes it with
`--mapping FILE`: configuration, not code (SPEC §5).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_mapping(name_or_path: str | Path) -> dict:
    """A mapping by name (`brp_lo3csv`) from this folder, or from a path to a `.toml` file."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = HERE / f"{name_or_path}.toml"
    with path.open("rb") as handle:
        mapping = tomllib.load(handle)
    mapping.setdefault("source", str(path))
    return mapping
