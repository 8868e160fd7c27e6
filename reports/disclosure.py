"""Small-count suppression for figures that leave the office (the beleid role, docs/spec.md §6).

Why: a count of 1 to 4 young people in a cell (one school, one age, one gemeente) can point to
a person. Figures for policy therefore show such counts as `<5`; zero is shown as 0 (an empty
cell reveals nobody). Figures for policy never contain person numbers (`check_aggregate`).

Rules, applied to a table of counts with its published totals:

1. **Primary**: a count `1 <= n <= 4` is shown as `<5` (`THRESHOLD` = 5).
2. **Secondary**: a *line* is a set of cells that add up to a published total (a row with its
   row total, a column with its column total, the row of column totals with the grand total,
   the column of row totals with the grand total). When exactly one member of a line (cells and
   total together) is hidden, it can be computed back from the others. Then the smallest
   other visible non-zero cell of that line is hidden too, shown as `x` (CBS: "geheim"); ties
   go to the first in reading order. A zero is never chosen: `x` means "0 or 5 and more", so a
   hidden zero next to a `<5` would still give the `<5` back. When the line has no such cell,
   its total is hidden (`x`). This repeats until no line has exactly one hidden member, since
   hiding a cell in a row can leave its column with a single hidden member. A hidden pair
   `<5` + `x` with a known sum only tells that the `<5` lies in 1..4, which rule 1 tells anyway.
3. **Rates**: a rate (such as VSV %) is hidden (`x`) whenever its numerator or denominator is
   hidden, since with the other one shown it gives the hidden count back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

THRESHOLD = 5
SUPPRESSED = "<5"  # primary: a count from 1 to 4
SECONDARY = "x"  # secondary: a count hidden so that a total does not give a `<5` back
HIDDEN_RATE = SECONDARY  # a rate that would give a hidden count back
HIDDEN = (SUPPRESSED, SECONDARY)
LEGEND = "<5 = 1 tot en met 4; x = geheim, verborgen zodat een totaal geen klein aantal verraadt"

#: Column names that may carry person data; figures for policy must not contain them.
PERSON_COLUMNS = frozenset({
    "persoonsnummer", "persoonsgebondennummer", "bsn", "onderwijsnummer", "naam", "voornamen",
    "achternaam", "geslachtsnaam", "geboortedatum", "adres", "straat", "huisnummer",
})
_PERSON_NUMBER = re.compile(r"^\d{9}$")


def is_small(count: int) -> bool:
    """A count that must be hidden by the primary rule."""
    return 0 < count < THRESHOLD


def suppress_count(count: int) -> int | str:
    """One count on its own (no published total beside it)."""
    return SUPPRESSED if is_small(int(count)) else int(count)


def suppress_rate(numerator: int | str, denominator: int | str, rate: float | None) -> float | str | None:
    """The rate, unless its numerator or denominator is hidden (rule 3)."""
    if numerator in HIDDEN or denominator in HIDDEN:
        return HIDDEN_RATE
    return rate


def _hide_line(values: list[int], hidden: list[bool], members: Sequence[int], total: int) -> bool:
    """Apply rule 2 to one line (`members` index its cells, `total` its total).

    Returns True when it hid something."""
    if sum(hidden[i] for i in members) + hidden[total] != 1:
        return False
    candidates = [i for i in members if not hidden[i] and values[i] > 0]
    if candidates:
        choice = min(candidates, key=lambda i: (values[i], members.index(i)))
        hidden[choice] = True
        return True
    if not hidden[total]:
        hidden[total] = True
        return True
    return False


def suppress_lines(values: Sequence[int], lines: Iterable[tuple[Sequence[int], int]],
                   published: Iterable[int] | None = None) -> list[int | str]:
    """Rules 1 and 2 on any set of counts: `lines` are (members, total) index groups whose
    members add up to the total. `published` limits rule 1 to the shown counts (all by default).

    Returns the counts as shown: the int, `SUPPRESSED` or `SECONDARY`."""
    values = [int(v) for v in values]
    shown = set(range(len(values))) if published is None else set(published)
    primary = [i in shown and is_small(v) for i, v in enumerate(values)]
    hidden = list(primary)
    groups = [(list(members), total) for members, total in lines]
    changed = True
    while changed:
        changed = False
        for members, total in groups:
            changed |= _hide_line(values, hidden, members, total)
    return [SUPPRESSED if primary[i] else SECONDARY if hidden[i] else values[i] for i in range(len(values))]


def suppress_table(table: pd.DataFrame, row_totals: bool = True, column_totals: bool = True,
                   total_label: str = "Totaal") -> pd.DataFrame:
    """Counts with margins, primary and secondary suppression applied.

    `table` holds the interior counts (rows × columns, no margins). The result adds a
    `total_label` column and/or row as asked and holds ints, `SUPPRESSED` or `SECONDARY`.
    """
    counts = table.fillna(0).astype(int)
    n_rows, n_cols = counts.shape
    # flat layout: interior r*c, then row totals (n_rows), then column totals (n_cols), then grand
    values = [int(v) for v in counts.to_numpy().ravel()]
    row_total_at = len(values)
    values += [int(v) for v in counts.sum(axis=1)]
    col_total_at = len(values)
    values += [int(v) for v in counts.sum(axis=0)]
    grand_at = len(values)
    values.append(int(counts.to_numpy().sum()))

    def cell(r: int, c: int) -> int:
        return r * n_cols + c

    shown = set(range(n_rows * n_cols))
    lines: list[tuple[list[int], int]] = []
    if row_totals:
        shown |= {row_total_at + r for r in range(n_rows)}
        lines += [([cell(r, c) for c in range(n_cols)], row_total_at + r) for r in range(n_rows)]
    if column_totals:
        shown |= {col_total_at + c for c in range(n_cols)}
        lines += [([cell(r, c) for r in range(n_rows)], col_total_at + c) for c in range(n_cols)]
    if row_totals and column_totals:
        shown.add(grand_at)
        lines.append(([row_total_at + r for r in range(n_rows)], grand_at))
        lines.append(([col_total_at + c for c in range(n_cols)], grand_at))
    # A line without a published total reveals nothing by subtraction, so it is not a line.
    out = suppress_lines(values, lines, shown)

    body = [[out[cell(r, c)] for c in range(n_cols)] + ([out[row_total_at + r]] if row_totals else [])
            for r in range(n_rows)]
    index, columns = list(counts.index), list(counts.columns) + ([total_label] if row_totals else [])
    if column_totals:
        body.append([out[col_total_at + c] for c in range(n_cols)] + ([out[grand_at]] if row_totals else []))
        index.append(total_label)
    return pd.DataFrame(body, index=index, columns=columns, dtype=object)


def suppress_breakdown(counts: Mapping[Any, int], with_total: bool = True) -> dict[Any, int | str]:
    """A one-way breakdown (per school, per age, ...) with its total, suppressed as one line."""
    frame = pd.DataFrame({"aantal": dict(counts)}).T if counts else pd.DataFrame(index=["aantal"])
    result = suppress_table(frame, row_totals=with_total, column_totals=False)
    row = result.loc["aantal"]
    return {key: value if isinstance(value, str) else int(value) for key, value in row.items()}


def check_aggregate(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> None:
    """Refuse figures that carry person data: a person column, or a 9-digit person number."""
    if isinstance(rows, pd.DataFrame):
        columns = [str(c) for c in rows.columns]
        records: Iterable[Mapping[str, Any]] = rows.to_dict("records")
    else:
        records = list(rows)
        columns = sorted({str(key) for row in records for key in row})
    bad = [c for c in columns if c.lower() in PERSON_COLUMNS]
    if bad:
        raise ValueError(f"figures for policy may not contain person columns: {', '.join(bad)}")
    for row in records:
        for key, value in row.items():
            if isinstance(value, str | int) and _PERSON_NUMBER.match(str(value)):
                raise ValueError(f"figures for policy may not contain person numbers (column {key})")
