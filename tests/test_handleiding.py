"""docs/handleiding.md, the users' guide in Dutch, names what the work screen offers: every step a
user can record, every reason a dossier can have, the follow-up terms, the menus and the close
reasons. A step or reason added to the code without a line for its users fails here."""

from __future__ import annotations

import re
from pathlib import Path

from registers.codes import REASON_LABELS, ActionType
from reports.follow_up import AFTER_STEPS, DEFAULTS
from web.dossier import HAND_ACTIONS, HAND_CLOSE_REASONS

DOC = (Path(__file__).resolve().parents[1] / "docs" / "handleiding.md").read_text(encoding="utf-8")
MENU = Path(__file__).resolve().parents[1] / "web" / "templates" / "base.html.j2"


def _table(heading: str) -> dict[str, list[str]]:
    """The first table after `heading`, each row by its first cell: the cells after it."""
    rows: dict[str, list[str]] = {}
    section = DOC.split(f"\n{heading}\n", 1)[1]
    for line in section.splitlines():
        if rows and not line.startswith("|"):
            break
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows.setdefault(cells[0], cells[1:])
    return rows


def test_every_step_a_user_can_record_is_explained() -> None:
    rows = _table("### De stappen")
    missing = [action.label for action in HAND_ACTIONS if action.label not in rows]
    assert not missing, f"docs/handleiding.md has no row for the step(s): {', '.join(missing)}"


def test_every_reason_of_a_dossier_is_explained() -> None:
    rows = _table("### De aanleidingen")
    missing = [label for label in REASON_LABELS.values() if label not in rows]
    assert not missing, f"docs/handleiding.md has no row for the reason(s): {', '.join(missing)}"


def test_the_follow_up_terms_are_those_the_work_list_uses() -> None:
    rows = _table("## Werklijst")
    for code, vervolg in {**DEFAULTS, **AFTER_STEPS}.items():
        label = code if code == "geopend" else ActionType(code).label
        assert rows.get(label) == [vervolg.actie, f"{vervolg.dagen} dagen"], (label, rows.get(label))


def test_the_menus_and_close_reasons_are_named_as_on_the_screen() -> None:
    menus = re.findall(r'\("/[a-z]+", "([^"]+)"', MENU.read_text(encoding="utf-8"))
    unexplained = [menu for menu in menus if not re.search(rf"^## {re.escape(menu)}\b", DOC, re.MULTILINE)]
    assert menus and not unexplained, f"docs/handleiding.md has no section for the menu(s) {unexplained}"
    text = " ".join(DOC.split())  # a label may wrap
    missing = [reason.label for reason in HAND_CLOSE_REASONS if reason.label not in text]
    assert not missing, f"docs/handleiding.md does not name the close reason(s): {', '.join(missing)}"
