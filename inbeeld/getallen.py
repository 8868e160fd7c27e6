"""Whole numbers as Dutch readers write them: a point between thousands (`12.873`), never a comma.

The one place for it: the command line's messages, the HTML reports (`reports.numbers`) and the
work screen (`web.templating`) all write a count through `getal`. Dates have their own one place,
`inbeeld.datums.format_nl`.
"""

from __future__ import annotations


def getal(value: int) -> str:
    """`12873` → `12.873`; `-1500` → `-1.500`."""
    return f"{int(value):,}".replace(",", ".")
