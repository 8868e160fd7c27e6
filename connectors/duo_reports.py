"""Reader of DUO's RMC/VSV reports as DUO sends them: A01, A02, A04, A14, A05, A06, NRSP and NenR.

Why a reader of its own: the reports are not enrolments but DUO's own judgement (who left without a
startkwalificatie, who came back, the 1 October startset, the vsv'ers of a convenantjaar), which the
RMC work and the VSV figures reconcile against. Each report lands in its own table (`duo_a04`,
`duo_nrsp`, …) with what the file name says on every row: `202211A04G0363.csv` → month 2022-11,
report A04, area G (gemeente; I instelling with its BRIN, R RMC region) and code 0363;
`NRSP2023DI27GZ.csv` → list NRSP of convenantjaar 2023, D(efinitief) or V(oorlopig), area I, 27GZ.
The layouts are DUO's (connectors/mappings/duo_*.toml, docs/formats.md §2.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from connectors.delimited import check_csv
from connectors.mappings import load_declared, shipped_mapping
from connectors.staging import ReaderResult

MONTHLY = ("a01", "a02", "a04", "a05", "a06", "a14")
VSV_LISTS = ("nrsp", "nenr")
REPORTS = (*MONTHLY, *VSV_LISTS)
_MONTHLY_NAME = re.compile(r"(?i)^(\d{4})(0[1-9]|1[0-2])(A0[12456]|A14)([IGR])([0-9A-Z]{4})\.csv$")
_LIST_NAME = re.compile(r"(?i)^(NRSP|NenR)(\d{4})([DV])([IGR])([0-9A-Z]{4})\.csv$")
REPORT_COLUMNS = {"rapportmaand": "DATE", "gebied": "VARCHAR", "gebiedscode": "VARCHAR",
                  "lijstjaar": "INTEGER", "definitief": "BOOLEAN"}


@dataclass(frozen=True)
class ReportName:
    """What a report's file name says: `202211A04G0363.csv`, `NRSP2023DI27GZ.csv`."""

    report: str                 # 'a04', 'nrsp'
    month: date | None          # first day of the month (monthly reports)
    area: str                   # 'G' gemeente, 'R' RMC region, 'I' instelling
    code: str                   # '0363', '0012', '27GZ'
    year: int | None = None     # the convenantjaar (NRSP, NenR: 2023 = 2023-2024)
    final: bool | None = None   # NRSP, NenR: D definitief (True) or V voorlopig

    @property
    def identity(self) -> str:
        """'A04 G0363 2026-11', 'NRSP 2023 D I27GZ': the delivery this name stands for."""
        if self.month is not None:
            return f"{self.report.upper()} {self.area}{self.code} {self.month:%Y-%m}"
        return f"{self.report.upper()} {self.year} {'D' if self.final else 'V'} {self.area}{self.code}"


def parse_report_name(path: str | Path) -> ReportName | None:
    """What a report's file name says, or None when it is not one of DUO's report names."""
    name = Path(path).name
    if match := _MONTHLY_NAME.match(name):
        return ReportName(match[3].lower(), date(int(match[1]), int(match[2]), 1), match[4].upper(),
                          match[5].upper())
    if match := _LIST_NAME.match(name):
        return ReportName(match[1].lower(), None, match[4].upper(), match[5].upper(), int(match[2]),
                          match[3].upper() == "D")
    return None


def ensure_report_table(con: duckdb.DuckDBPyConnection, report: str) -> None:
    """The table of one report: import id, line, what the name says, the mapped fields, `extra`.

    A store made before a layout changed keeps its rows: missing columns are added (NULL there)."""
    mapping = shipped_mapping(f"duo_{report}")
    con.execute(mapping.ddl(REPORT_COLUMNS))
    for name, sql_type in [*REPORT_COLUMNS.items(), *((f.name, f.sql_type) for f in mapping.fields)]:
        con.execute(f"ALTER TABLE {mapping.table} ADD COLUMN IF NOT EXISTS {name} {sql_type}")


def read_report(report: str, path: Path, con: duckdb.DuckDBPyConnection, import_id: int, *,
                encoding: str | None = None, mapping: str | Path | None = None) -> ReaderResult:
    """Load one report of kind `report` ('a01' … 'a14', 'nrsp', 'nenr') into `duo_<report>`."""
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
        "lijstjaar": name.year if name else None,
        "definitief": name.final if name else None,
    }
    delivery = check_csv(path, con, declared, import_id=import_id, table=f"duo_{report}", constants=constants,
                         encoding=encoding)
    delivery.checked.quarantine()
    loaded = delivery.checked.finish()
    gemeenten = (name.code,) if name and name.area == "G" else ()
    return ReaderResult(
        rows_read=delivery.rows, rows_loaded=loaded, format=f"duo_{report}", encoding=delivery.info.encoding,
        gemeenten=gemeenten, peildatum=name.month if name and name.month else None,
        details={"report": name.__dict__ if name else None},
    )


def previous_report(con: duckdb.DuckDBPyConnection, report: str, import_id: int) -> int | None:
    """The newest earlier import of the same report for the same area (G0363 is not compared to G0344;
    a definitive NRSP not to a provisional one)."""
    mine = con.execute("SELECT file_name FROM imports WHERE import_id = ?", [import_id]).fetchone()
    area = parse_report_name(mine[0]) if mine else None
    earlier = con.execute(
        "SELECT import_id, file_name FROM imports WHERE kind = ? AND import_id < ? ORDER BY import_id DESC",
        [f"duo_{report}", import_id],
    ).fetchall()
    for other_id, file_name in earlier:
        other = parse_report_name(file_name)
        same = other and (other.area, other.code, other.final) == (area.area, area.code, area.final)
        if area is None or same:
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
