"""Whole numbers as Dutch readers write them: a point between thousands (`12.873`), never a comma.

The one place for it: the command line's messages, the HTML reports (`reports.numbers`) and the
work screen (`web.templating`) all write a count through `getal`, and a count with its noun through
`aantal` (`1 dossier`, `2 dossiers`). Dates have their own one place,
`inbeeld.datums.format_nl`.
"""

from __future__ import annotations


def getal(value: int) -> str:
    """`12873` → `12.873`; `-1500` → `-1.500`."""
    return f"{int(value):,}".replace(",", ".")


def aantal(count: int, enkelvoud: str, meervoud: str) -> str:
    """`1 dossier`, `0 dossiers`, `1.234 rijen`: a count with its noun in the right number."""
    return f"{getal(count)} {enkelvoud if count == 1 else meervoud}"
