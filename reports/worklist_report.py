"""A work list as a spreadsheet (one per LPA / counsellor) and as an HTML page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from connectors.output_names import safe_name
from reports.html import format_date, render
from reports.spreadsheet import Column, Table
from reports.worklist import WORKLIST_COLUMNS


def file_stem(naam: str, maand: str) -> str:
    """`werklijst-2026-10-a-de-boer`: a safe file name for one person's list."""
    return f"werklijst-{safe_name(maand)}-{safe_name(naam)}"


OVERDUE_FILL = "FFC7CE"  # the light red of the KPI report's "rood"


def _overdue(row: Mapping[str, Any]) -> str | None:
    return OVERDUE_FILL if bool(row.get("te_laat")) else None


def worklist_table(naam: str, rows: pd.DataFrame, peildatum: dt.date) -> Table:
    """The work list of one person as one sheet, overdue cases first, their rows red and bold."""
    columns = [Column(key, header, kind) for key, header, kind in WORKLIST_COLUMNS]  # type: ignore[arg-type]
    overdue = int(rows["te_laat"].sum()) if len(rows) else 0
    return Table(naam, columns, rows.to_dict("records"), notes=(
        f"Werklijst van {naam}, stand op {format_date(peildatum)}: {len(rows)} open dossiers, "
        f"waarvan {overdue} met een verlopen termijn (rood en vet, bovenaan).",
    ), highlight=_overdue)


def worklist_html(naam: str, rows: pd.DataFrame, peildatum: dt.date,
                  gemaakt_op: dt.date | None = None) -> str:
    """The work list of one person as an HTML page; overdue rows marked."""
    return render(
        "werklijst.html.j2",
        titel=f"Werklijst {naam}",
        naam=naam,
        kolommen=WORKLIST_COLUMNS,
        rijen=rows.to_dict("records"),
        peildatum=peildatum,
        te_laat=int(rows["te_laat"].sum()) if len(rows) else 0,
        gemaakt_op=gemaakt_op or dt.date.today(),
    )
