"""The tests' office (`tests/office.toml`): what a municipality sets in [letters] before any letter goes."""

from __future__ import annotations

from pathlib import Path

from inbeeld.settings import LetterSettings, load_settings

OFFICE_TOML = Path(__file__).with_name("office.toml")
OFFICE_TEXT = OFFICE_TOML.read_text(encoding="utf-8")
OFFICE: LetterSettings = load_settings(environ={"INBEELD_CONFIG": str(OFFICE_TOML)}).letters
