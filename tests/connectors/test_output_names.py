"""Output names made from input never leave their folder, whatever the input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.output_names import UnsafeOutputName, inside, safe_name, unused


@pytest.mark.parametrize("text,expected", [
    ("A. de Boer", "a-de-boer"), ("Çelik-Öztürk", "celik-ozturk"), ("../../etc/passwd", "etc-passwd"),
    ("C:\\Windows\\x", "c-windows-x"), ("", "onbekend"), ("..", "onbekend"), ("con", "_con"),
    ("VM2026-000123", "vm2026-000123"), ("x" * 200, "x" * 80),
])
def test_safe_name(text: str, expected: str) -> None:
    assert safe_name(text) == expected


@pytest.mark.parametrize("name", ["../x.xlsx", "a/b.xlsx", "..", ".", "", "/etc/passwd", "a\\b", "x\x00.csv",
                                  "x\n.csv"])
def test_inside_refuses_anything_but_a_plain_name(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafeOutputName):
        inside(tmp_path, name)


def test_inside_refuses_a_link_pointing_out(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link.xlsx").symlink_to(tmp_path / "elsewhere.xlsx")
    with pytest.raises(UnsafeOutputName, match="outside"):
        inside(tmp_path / "out", "link.xlsx")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_a_name_inside_the_folder(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    folder = tmp_path_factory.getbasetemp() / "names"
    folder.mkdir(exist_ok=True)
    path = inside(folder, f"werklijst-{safe_name(text)}.xlsx")
    assert path.parent == folder and path.resolve().is_relative_to(folder.resolve())


def test_unused_never_overwrites(tmp_path: Path) -> None:
    first = unused(tmp_path, "retention-2026-11-30", ".json")
    first.write_text("{}")
    assert unused(tmp_path, "retention-2026-11-30", ".json").name == "retention-2026-11-30-2.json"
