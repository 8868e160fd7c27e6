"""Reader of DUO's monthly reports A01, A02, A04, A05 and A06 (docs/formats.md §2.2).

Why a reader of its own: the reports are not enrolments but DUO's own judgement (who left without a
startkwalificatie, who came back, the 1 October startset, the VSV figures), which the RMC work and
the VSV figures reconcile against. Each report lands in its own table (`duo_a01` … `duo_a06`) with
the month and area from the file name (`202211A04G0363.csv` → 2022-11, A04, G, 0363) on every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from connectors.delimited import check_csv
from connectors.field_mapping import load_declared, load_mapping
from connectors.staging import ReaderResult

REPORTS = ("a01", "a02", "a04", "a05", "a06")
_NAME = re.compile(r"(?i)^(\d{4})(0[1-9]|1[0-2])(A0[12456])([GR])(\d{4})\.csv$")
REPORT_COLUMNS = {"rapportmaand": "DATE", "gebied": "VARCHAR", "gebiedscode": "VARCHAR"}


@dataclass(frozen=True)
class ReportName:
    """What a report's file name says: `202211A04G0363.csv`."""

    report: str          # 'a04'
    month: date          # first day of the month
    area: str            # 'G' gemeente or 'R' RMC region
    code: str            # '0363'


def parse_report_name(path: str | Path) -> ReportName | None:
    """The month, report, area and code in a report's file name, or None when it is not one."""
    match = _NAME.match(Path(path).name)
    if not match:
        return None
    return ReportName(match[3].lower(), date(int(match[1]), int(match[2]), 1), match[4].upper(), match[5])


def ensure_report_table(con: duckdb.DuckDBPyConnection, report: str) -> None:
    """The table of one report: import id, line, month and area, the mapped fields, `extra`."""
    con.execute(load_mapping(f"duo_{report}").ddl(REPORT_COLUMNS))


def read_report(report: str, path: Path, con: duckdb.DuckDBPyConnection, import_id: int, *,
                encoding: str | None = None, mapping: str | Path | None = None) -> ReaderResult:
    """Load one monthly report of kind `report` ('a01' … 'a06') into `duo_<report>`."""
    if report not in REPORTS:
        raise ValueError(f"unknown DUO report {report!r}")
    path = Path(path)
    declared = load_declared(f"duo_{report}", mapping)
    ensure_report_table(con, report)
    name = parse_report_name(path)
    constants = {
        "rapportmaand": name.month if name else None,
        "gebied": name.area if name else None,
        "gebiedscode": name.code if name else None,
    }
    delivery = check_csv(path, con, declared, import_id=import_id, table=f"duo_{report}", constants=constants,
                         encoding=encoding)
    delivery.checked.quarantine()
    loaded = delivery.checked.finish()
    gemeenten = (name.code,) if name and name.area == "G" else ()
    return ReaderResult(
        rows_read=delivery.rows, rows_loaded=loaded, format=f"duo_{report}", encoding=delivery.info.encoding,
        gemeenten=gemeenten, peildatum=name.month if name else None,
        details={"report": name.__dict__ if name else None},
    )


def previous_report(con: duckdb.DuckDBPyConnection, report: str, import_id: int) -> int | None:
    """The newest earlier import of the same report for the same area (G0363 is not compared to G0344)."""
    mine = con.execute("SELECT file_name FROM imports WHERE import_id = ?", [import_id]).fetchone()
    area = parse_report_name(mine[0]) if mine else None
    earlier = con.execute(
        "SELECT import_id, file_name FROM imports WHERE kind = ? AND import_id < ? ORDER BY import_id DESC",
        [f"duo_{report}", import_id],
    ).fetchall()
    for other_id, file_name in earlier:
        other = parse_report_name(file_name)
        if area is None or (other and (other.area, other.code) == (area.area, area.code)):
            return other_id
    return None


def report_changes(report: str):
    """A `summarize` for `Staging.import_file`: persons new on / gone from the report since the last one.

    A06 holds aggregates, so there the rows and the number of vsv'ers are compared instead.
    """
    table = f"duo_{report}"

    def summarize(con: duckdb.DuckDBPyConnection, import_id: int, _previous_of_kind: int | None) -> dict:
        previous = previous_report(con, report, import_id)
        if report == "a06":
            totals = f"SELECT count(*), coalesce(sum(aantal_vsv), 0) FROM {table} WHERE import_id = ?"
            now = con.execute(totals, [import_id]).fetchone()
            before = con.execute(totals, [previous]).fetchone() if previous else (0, 0)
            return {"rows": now[0], "aantal_vsv": int(now[1]), "previous_rows": before[0],
                    "previous_aantal_vsv": int(before[1]), "previous_import_id": previous}
        now = f"SELECT DISTINCT persoonsnummer FROM {table} WHERE import_id = {int(import_id)}"
        before = f"SELECT DISTINCT persoonsnummer FROM {table} WHERE import_id = {int(previous or -1)}"
        added, removed, total = con.execute(
            f"SELECT (SELECT count(*) FROM ({now} EXCEPT {before})), "
            f"(SELECT count(*) FROM ({before} EXCEPT {now})), (SELECT count(*) FROM ({now}))"
        ).fetchone()
        return {"persons": total, "added": added, "removed": removed, "previous_import_id": previous}

    return summarize
