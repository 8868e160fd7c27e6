"""Readers of DUO's enrolment deliveries: the C-levering (full state) and the P-levering (mutations).

Why two readers: a C-levering replaces the whole state, so a key twice is a broken file and is
refused; a P-levering changes the state left by the deliveries before it, so each mutation is
checked against that state (a W or V for an enrolment that does not exist, or a T for one that
already does, is quarantined). Both are plugged into `Staging.import_file` as
``reader(path, con, import_id)``; options (encoding, progress) are bound with `functools.partial`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import duckdb

from connectors.delimited import CsvDelivery, check_csv
from connectors.errors import RefusedFile
from connectors.mappings import load_declared
from connectors.staging import ReaderResult, date_in_file_name
from connectors.staging_duo import KEY, changes, ensure_tables, record_levering
from connectors.typed_rows import RowCheck

Progress = Callable[[str], None]

_AREA_IN_NAME = re.compile(r"(?<![A-Za-z0-9])([GR])(\d{4})(?!\d)")


def area_in_file_name(path: str | Path) -> tuple[str, str] | None:
    """('G', '0363') from `duo-C-G0363-20260907.csv`, if the name says (reports: `duo_reports`)."""
    name = Path(path).name
    match = _AREA_IN_NAME.search(name)
    return (match[1], match[2]) if match else None


def _gemeenten(path: Path) -> tuple[str, ...]:
    area = area_in_file_name(path)
    return (area[1],) if area and area[0] == "G" else ()


def levering_in_file_name(path: str | Path) -> str:
    """The area a delivery is for, `G0363` or `R0012`; '' when the file name does not say."""
    area = area_in_file_name(path)
    return f"{area[0]}{area[1]}" if area else ""


def _quiet(_: str) -> None:
    return None


def _refuse_duplicate_keys(delivery: CsvDelivery) -> None:
    """A key twice in a full delivery refuses the file, naming both lines (never the number itself)."""
    checked, keys = delivery.checked, ", ".join(KEY)
    con = checked.con
    # hashes first (cheap): equal keys always have equal hashes; only a hit needs the exact search
    if not con.execute(f"SELECT count(*) - count(DISTINCT hash({keys})) FROM {checked.name} "
                       "WHERE persoonsnummer IS NOT NULL").fetchone()[0]:
        return
    found = con.execute(
        f"SELECT first, min(line) FILTER (WHERE line > first) FROM (SELECT line, min(line) OVER "
        f"(PARTITION BY {keys}) AS first, count(*) OVER (PARTITION BY {keys}) AS n FROM {checked.name} "
        "WHERE persoonsnummer IS NOT NULL) WHERE n > 1 GROUP BY first ORDER BY first LIMIT 1"
    ).fetchone()
    if found is None:  # a hash collision, not a duplicate
        return
    first, second = found
    names = ", ".join(delivery.labels[k] for k in KEY)
    raise RefusedFile(delivery.path, second, delivery.labels[KEY[0]],
                      f"dubbele sleutel van een inschrijving: regels {first} en {second} hebben dezelfde "
                      f"{names}")


def read_c_levering(path: Path, con: duckdb.DuckDBPyConnection, import_id: int, *,
                    encoding: str | None = None, mapping: str | Path | None = None,
                    progress: Progress = _quiet) -> ReaderResult:
    """Load a C-levering into `duo_clevering`; it becomes the base of the enrolment state."""
    path = Path(path)
    mapping = load_declared("duo_clevering", mapping)
    ensure_tables(con)
    levering = levering_in_file_name(path)
    progress("reading, checking and loading")
    delivery = check_csv(path, con, mapping, import_id=import_id, constants={"levering": levering},
                         encoding=encoding)
    if delivery.rows == 0:
        raise RefusedFile(path, 2, None,
                          "geen inschrijvingen: een C-levering bevat de hele stand en kan niet leeg zijn")
    progress(f"checking the keys of {delivery.rows:,} rows")
    _refuse_duplicate_keys(delivery)
    checked = delivery.checked
    checked.quarantine()
    record_levering(con, import_id, "C", levering, date_in_file_name(path))
    loaded = checked.finish()
    progress("loaded")
    return ReaderResult(
        rows_read=delivery.rows, rows_loaded=loaded, format="duo_c", encoding=delivery.info.encoding,
        gemeenten=_gemeenten(path),
    )


def read_p_levering(path: Path, con: duckdb.DuckDBPyConnection, import_id: int, *,
                    encoding: str | None = None, mapping: str | Path | None = None,
                    progress: Progress = _quiet) -> ReaderResult:
    """Load a P-levering into `duo_plevering`, checking each mutation against the state before it."""
    path = Path(path)
    mapping = load_declared("duo_plevering", mapping)
    full = load_declared("duo_clevering")
    ensure_tables(con)
    # a T or W carries the full new row: what the C-levering requires, it requires
    needed = tuple(
        RowCheck(f.name, f"mutatiesoort IN ('T', 'W') AND {f.name} IS NULL",
                 "verplichte waarde ontbreekt (een mutatie T of W bevat de hele regel)")
        for f in full.fields if f.required and not mapping.field(f.name).required
    )
    levering = levering_in_file_name(path)
    progress("reading, checking and loading")
    delivery = check_csv(path, con, mapping, import_id=import_id, constants={"levering": levering},
                         encoding=encoding, row_checks=needed)
    checked = delivery.checked
    _check_against_state(con, checked.name, import_id, levering)
    checked.add_fault(
        "mutatiesoort",
        "line IN (SELECT line FROM p_existence WHERE mutatiesoort IN ('W', 'V') AND NOT bestaat)",
        "CASE mutatiesoort WHEN 'W' THEN 'wijziging' ELSE 'verwijdering' END || "
        "' van een inschrijving die niet bestaat (geen PERSOONSGEBONDENNUMMER, BRIN_NR, "
        "INSCHRIJVINGSVOLGNUMMER zo in de stand vóór deze mutatie)'",
    )
    checked.add_fault(
        "mutatiesoort", "line IN (SELECT line FROM p_existence WHERE mutatiesoort = 'T' AND bestaat)",
        "'toevoeging van een inschrijving die al bestaat'",
    )
    checked.quarantine()
    record_levering(con, import_id, "P", levering, date_in_file_name(path))
    loaded = checked.finish()
    con.execute("DROP TABLE IF EXISTS p_existence")
    return ReaderResult(
        rows_read=delivery.rows, rows_loaded=loaded, format="duo_p", encoding=delivery.info.encoding,
        gemeenten=_gemeenten(path),
    )


def enrolment_changes(con: duckdb.DuckDBPyConnection, import_id: int, previous: int | None) -> dict:
    """A `summarize` for `Staging.import_file`: what this C- or P-levering changed in the state."""
    summary = changes(con, import_id)
    counts = dict(con.execute(
        "SELECT mutatiesoort, count(*) FROM duo_plevering WHERE import_id = ? GROUP BY ALL", [import_id]
    ).fetchall())
    if counts:
        summary["mutations"] = {k: counts.get(k, 0) for k in ("T", "W", "V")}
    return summary


def _check_against_state(con: duckdb.DuckDBPyConnection, checked: str, import_id: int, levering: str) -> None:
    """Temp table `p_existence(line, mutatiesoort, bestaat)`: did the enrolment exist just before?

    Within the file, the last earlier T or V of the same key decides (a T leaves it existing, a V
    removed, a W changes nothing — also when quarantined, since a quarantined mutation is one that
    would not have changed existence); without one, the state of the same levering (area) after
    the previous import decides.
    """
    key = ", ".join(KEY)
    on = " AND ".join(f"s.{k} = r.{k}" for k in KEY)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE p_existence AS
        WITH rows AS (
            SELECT line, mutatiesoort, {key},
                   last_value(CASE WHEN mutatiesoort IN ('T', 'V') THEN mutatiesoort END IGNORE NULLS)
                       OVER (PARTITION BY {key} ORDER BY line
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS eerder
            FROM {checked} WHERE faults IS NULL
        ),
        state AS (SELECT DISTINCT {key} FROM duo_inschrijvingen_op(?) s
                  WHERE s.levering = ? AND EXISTS (SELECT 1 FROM rows r WHERE {on}))
        SELECT r.line, r.mutatiesoort,
               CASE WHEN r.eerder IS NOT NULL THEN r.eerder = 'T'
                    ELSE s.persoonsnummer IS NOT NULL END AS bestaat
        FROM rows r LEFT JOIN state s ON {on}
        """,
        [import_id - 1, levering],
    )
