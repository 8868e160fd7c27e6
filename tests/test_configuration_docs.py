"""docs/configuration.md lists every key of inbeeld.toml, and only keys that exist."""

from __future__ import annotations

import re
from pathlib import Path

from inbeeld.settings import keys

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def _documented() -> set[str]:
    return set(re.findall(r"^\| `([a-z_<>.]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE))


def test_every_key_is_documented() -> None:
    missing = sorted(set(keys()) - _documented())
    assert not missing, f"docs/configuration.md does not list: {', '.join(missing)}"


def test_every_documented_key_exists() -> None:
    unknown = sorted(_documented() - set(keys()))
    assert not unknown, f"docs/configuration.md lists keys InBeeld does not read: {', '.join(unknown)}"
