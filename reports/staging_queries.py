"""What the reports read from the staging store (DuckDB): DUO enrolments as known on a date,
DUO's monthly A-reports, and BRP facts for the work lists.

Why "as known on a date": staging keeps every delivery (docs/spec.md §3), and
`duo_inschrijvingen_op(import_id)` gives the enrolment state right after any import. The VSV
figure of convenantjaar t is computed on the state after the newest DUO delivery dated on or
before its *vaststellingsdatum*, 1 October t+1 plus `VASTSTELLING_DAGEN` (late enrolments of
1 October are in by then). Deliveries after that date are ignored, so the figure of a finished
convenantjaar never changes however often it is recomputed. Before the vaststellingsdatum (or
with an earlier `stand`) the newest delivery gives a provisional figure on its own date.

When InBeeld started after a convenantjaar ended (no delivery up to its vaststellingsdatum), the
figure is computed *nagekomen* on the first delivery of the next convenantjaar: a C-levering
holds the enrolments that ended within the last two school years, which covers the startset of
the year before. That first delivery never changes either; but a young person who moved away
before it is missing from it, so such a figure is marked as nagekomen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from connectors import schools
from connectors.staging_duo import has_state
from reports.vsv import Convenantjaar, VsvFigures, level_of, startset_and_leavers, summarise
from rules.dates import format_nl

VASTSTELLING_DAGEN = 31
DUO_ENROLMENT_KINDS = ("duo_c", "duo_p")
ENROLMENT_SELECT = (
    "persoonsnummer", "bsn", "geboortedatum", "geslacht", "postcode", "gemeentecode", "brin",
    "onderwijssoort", "onderwijscode", "niveau", "datum_inschrijving", "datum_uitschrijving", "bekostigd",
    "diploma_datum", "startkwalificatie",
)


class NoData(LookupError):
    """The staging store holds no delivery that can answer the question."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()
    return bool(found[0])


@dataclass(frozen=True)
class Delivery:
    """One loaded import: its id and the date it describes."""

    import_id: int
    peildatum: dt.date


def duo_delivery_as_of(con: duckdb.DuckDBPyConnection, day: dt.date) -> Delivery | None:
    """The newest DUO enrolment import (C- or P-levering) dated on or before `day`."""
    if not has_table(con, "imports"):
        return None
    row = con.execute(
        "SELECT import_id, coalesce(peildatum, finished_at::DATE) FROM imports "
        "WHERE kind IN ('duo_c', 'duo_p') AND status = 'loaded' "
        "AND coalesce(peildatum, finished_at::DATE) <= ? ORDER BY import_id DESC LIMIT 1",
        [day],
    ).fetchone()
    return Delivery(int(row[0]), row[1]) if row else None


def first_duo_delivery_after(con: duckdb.DuckDBPyConnection, day: dt.date) -> Delivery | None:
    """The oldest DUO enrolment import dated after `day`."""
    if not has_table(con, "imports"):
        return None
    row = con.execute(
        "SELECT import_id, coalesce(peildatum, finished_at::DATE) AS d FROM imports "
        "WHERE kind IN ('duo_c', 'duo_p') AND status = 'loaded' "
        "AND coalesce(peildatum, finished_at::DATE) > ? ORDER BY d, import_id LIMIT 1",
        [day],
    ).fetchone()
    return Delivery(int(row[0]), row[1]) if row else None


def duo_delivery_dates(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """The dates of every loaded DUO enrolment delivery, oldest first."""
    if not has_table(con, "imports"):
        return []
    rows = con.execute(
        "SELECT DISTINCT coalesce(peildatum, finished_at::DATE) AS d FROM imports "
        "WHERE kind IN ('duo_c', 'duo_p') AND status = 'loaded' ORDER BY d"
    ).fetchall()
    return [row[0] for row in rows]


def enrolments_after(con: duckdb.DuckDBPyConnection, import_id: int) -> pd.DataFrame:
    """The enrolment state right after an import, in the columns `reports.vsv` takes, with each
    person's `woongemeente`: the gemeentecode of the row DUO delivered last for them (a move or an
    emigration comes as a new or changed row, older rows keep the old code)."""
    if not has_state(con):
        raise NoData("er is nog geen DUO-levering van inschrijvingen ingelezen")
    columns = ", ".join(ENROLMENT_SELECT)
    return con.execute(
        f"SELECT {columns}, first(gemeentecode ORDER BY import_id DESC, line DESC) "
        "OVER (PARTITION BY persoonsnummer) AS woongemeente FROM duo_inschrijvingen_op(?)",
        [import_id],
    ).df()


@dataclass(frozen=True)
class VsvBasis:
    """Which delivery a VSV figure rests on, and whether it is final."""

    jaar: Convenantjaar
    delivery: Delivery
    peildatum: dt.date | None  # None: final (1 October t+1); else the provisional date
    as_of: dt.date  # deliveries dated after this day are not used (DUO nor BRP)
    nagekomen: bool = False  # computed on the first delivery after the vaststellingsdatum
    duo_lijsten: bool = False  # DUO's own NRSP and NenR lists, not computed from the enrolments

    @property
    def vaststellingsdatum(self) -> dt.date:
        return vaststellingsdatum(self.jaar)


def vaststellingsdatum(jaar: Convenantjaar) -> dt.date:
    return jaar.next_start + dt.timedelta(days=VASTSTELLING_DAGEN)


def vsv_basis(con: duckdb.DuckDBPyConnection, year: int, stand: dt.date | None = None) -> VsvBasis:
    """The delivery the figure of convenantjaar `year` is computed on (see the module docstring)."""
    jaar = Convenantjaar(year)
    cutoff = vaststellingsdatum(jaar)
    as_of = min(stand, cutoff) if stand else cutoff
    delivery = duo_delivery_as_of(con, as_of)
    if delivery is None or delivery.peildatum <= jaar.start:
        later = first_duo_delivery_after(con, cutoff) if as_of == cutoff else None
        if later is not None and later.peildatum <= Convenantjaar(year + 1).end:
            return VsvBasis(jaar, later, None, later.peildatum, nagekomen=True)
        raise NoData(f"er is geen DUO-levering van inschrijvingen van na {format_nl(jaar.start)} en op of "
                     f"vóór {format_nl(as_of)}: convenantjaar {jaar.label} kan niet worden berekend")
    provisional = delivery.peildatum if delivery.peildatum < jaar.next_start else None
    return VsvBasis(jaar, delivery, provisional, as_of)


def deceased(con: duckdb.DuckDBPyConnection, as_of: dt.date, before: dt.date) -> set[str]:
    """BSNs of persons who died on or before `before`, by any BRP delivery dated on or before
    `as_of` (DUO's deliveries do not say who died; a BRP delivery carries a death once, in the
    delivery after it, so every delivery counts)."""
    if not has_table(con, "brp_personen"):
        return set()
    rows = con.execute(
        """
        SELECT DISTINCT bsn FROM brp_personen
        WHERE import_id IN (SELECT import_id FROM imports WHERE kind = 'brp' AND status = 'loaded'
                            AND coalesce(peildatum, finished_at::DATE) <= ?)
          AND overleden AND (datum_overlijden IS NULL OR datum_overlijden <= ?)
        """,
        [as_of, before],
    ).fetchall()
    return {row[0] for row in rows}


def duo_lists(con: duckdb.DuckDBPyConnection, year: int, stand: dt.date | None = None
              ) -> tuple[tuple[int, ...], tuple[int, ...], bool, dt.date] | None:
    """(NRSP imports, NenR imports, definitief, imported on) of DUO's own lists of convenantjaar
    `year`: per area (`G0363`, `R0012`, …) the newest list of each kind imported on or before
    `stand`, definitief before voorlopig; None when no area has both. Found by what the file name
    says (the import's delivery), so a NenR without a single vsv'er still counts."""
    rows = con.execute(
        "SELECT import_id, kind, delivery, finished_at::DATE FROM imports "
        "WHERE kind IN ('duo_nrsp', 'duo_nenr') AND status = 'loaded' AND delivery IS NOT NULL "
        "AND (CAST(? AS DATE) IS NULL OR finished_at::DATE <= ?) ORDER BY import_id",
        [stand, stand]).fetchall()
    newest: dict[tuple[bool, str, str], tuple[int, dt.date]] = {}
    for import_id, kind, delivery, day in rows:
        parts = delivery.split()  # 'NRSP 2024 D G0363'
        if len(parts) != 4 or parts[1] != str(year) or parts[2] not in ("D", "V"):
            continue
        newest[(parts[2] == "D", parts[3], kind)] = (import_id, day)
    for definitief in (True, False):
        areas = sorted({area for (final, area, _kind) in newest if final == definitief})
        pairs = [(newest[(definitief, a, "duo_nrsp")], newest[(definitief, a, "duo_nenr")]) for a in areas
                 if (definitief, a, "duo_nrsp") in newest and (definitief, a, "duo_nenr") in newest]
        if pairs:
            nrsp = tuple(import_id for (import_id, _), _nenr in pairs)
            nenr = tuple(import_id for _nrsp, (import_id, _) in pairs)
            return nrsp, nenr, definitief, max(max(a[1], b[1]) for a, b in pairs)
    return None


def _list_level(niveau: str | None) -> str:
    """DUO's NIVEAU text of the lists ('Mbo4 opleidingen', 'HAVO/VWO bovenbouw') as a VSV level."""
    text = (niveau or "").lower()
    if "vavo" in text:
        return "VAVO"
    if text.startswith("mbo"):
        digits = "".join(ch for ch in text[:5] if ch.isdigit())
        return f"MBO {digits}" if digits in {"1", "2", "3", "4"} else "MBO onbekend"
    return "VO"


def population_from_lists(con: duckdb.DuckDBPyConnection, year: int, nrsp: Sequence[int], nenr: Sequence[int],
                          gemeenten: Sequence[str] = ()) -> pd.DataFrame:
    """The startset as DUO counted it (NRSP) with its vsv'ers (NenR), in `startset_and_leavers`'
    columns: DUO's figures, not InBeeld's."""
    jaar = Convenantjaar(year)
    frame = con.execute(
        "SELECT persoonsnummer, first(brin ORDER BY line) AS brin, first(niveau ORDER BY line) AS niveau, "
        "first(gemeentecode ORDER BY line) AS gemeentecode, first(geboortedatum ORDER BY line) AS geboren, "
        "first(geslacht ORDER BY line) AS geslacht, "
        "persoonsnummer IN (SELECT persoonsnummer FROM duo_nenr WHERE list_contains(?, import_id)) AS vsv "
        "FROM duo_nrsp WHERE list_contains(?, import_id) GROUP BY persoonsnummer ORDER BY persoonsnummer",
        [list(nenr), list(nrsp)]).df()
    if gemeenten:
        frame = frame[frame["gemeentecode"].isin([str(g).zfill(4) for g in gemeenten])]
    frame["niveau"] = [_list_level(n) for n in frame["niveau"]]
    frame["leeftijd"] = [None if pd.isna(born) else jaar.start.year - born.year
                         - ((jaar.start.month, jaar.start.day) < (born.month, born.day))
                         for born in frame["geboren"]]
    frame["startkwalificatie"] = False
    frame["ingeschreven_einde"] = ~frame["vsv"]
    return frame[["persoonsnummer", "brin", "niveau", "gemeentecode", "leeftijd", "geslacht",
                  "startkwalificatie", "ingeschreven_einde", "vsv"]].reset_index(drop=True)


def vsv_population(con: duckdb.DuckDBPyConnection, year: int, stand: dt.date | None = None,
                   gemeenten: Sequence[str] = ()) -> tuple[pd.DataFrame, VsvBasis]:
    """The startset of convenantjaar `year` with its vsv'ers (one row per person) and its basis.

    When DUO's own NRSP and NenR lists of the year are staged, they are the figure (DUO's count is
    the official one); otherwise it is computed from the enrolment deliveries."""
    lists = duo_lists(con, year, stand)
    if lists is not None:
        nrsp, nenr, definitief, day = lists
        jaar = Convenantjaar(year)
        basis = VsvBasis(jaar, Delivery(max(nenr), day), None if definitief else jaar.next_start,
                         stand or day, duo_lijsten=True)
        return population_from_lists(con, year, nrsp, nenr, gemeenten), basis
    basis = vsv_basis(con, year, stand)
    end = basis.peildatum or basis.jaar.next_start
    population = startset_and_leavers(
        enrolments_after(con, basis.delivery.import_id), year, basis.peildatum, gemeenten=gemeenten,
        overleden=deceased(con, basis.as_of, end),
    )
    return population, basis


def vsv_from_staging(con: duckdb.DuckDBPyConnection, year: int, stand: dt.date | None = None,
                     gemeenten: Sequence[str] = ()) -> tuple[VsvFigures, VsvBasis]:
    """The VSV figures of convenantjaar `year` from the staged DUO (and BRP) deliveries."""
    population, basis = vsv_population(con, year, stand, gemeenten)
    figures = summarise(population, year, basis.peildatum)
    if basis.duo_lijsten:
        figures.definitief = basis.peildatum is None
    return figures, basis


def vsv_trend_from_staging(con: duckdb.DuckDBPyConnection, years: Iterable[int] | None = None,
                           stand: dt.date | None = None, gemeenten: Sequence[str] = ()) -> pd.DataFrame:
    """Startset, new vsv'ers and VSV % per convenantjaar, each on its own delivery.

    Without `years`: every convenantjaar the deliveries (up to `stand`) can answer, from the one
    before the first delivery (nagekomen) on."""
    if years is None:
        dates = [d for d in duo_delivery_dates(con) if stand is None or d <= stand]
        found = {Convenantjaar.of(d - dt.timedelta(days=1)).year for d in dates}
        years = range(min(found) - 1, max(found) + 1) if found else []
    rows = []
    for year in years:
        try:
            figures, basis = vsv_from_staging(con, year, stand, gemeenten)
        except NoData:
            continue
        rows.append({"convenantjaar": figures.jaar.label, "startset": figures.startset, "vsv": figures.vsv,
                     "percentage": figures.percentage, "voorlopig": basis.peildatum is not None,
                     "nagekomen": basis.nagekomen})
    return pd.DataFrame(rows, columns=["convenantjaar", "startset", "vsv", "percentage", "voorlopig",
                                       "nagekomen"])


def latest_vsv_year(con: duckdb.DuckDBPyConnection, stand: dt.date | None = None) -> int:
    """The newest convenantjaar the deliveries (up to `stand`, default all) can give figures for:
    the running one when a delivery after its 1 October is staged, else the one before, and so on.
    Raises NoData when no convenantjaar can be computed."""
    dates = [d for d in duo_delivery_dates(con) if stand is None or d <= stand]
    if not dates:
        raise NoData("er is nog geen DUO-levering van inschrijvingen ingelezen")
    newest = Convenantjaar.of(stand or max(dates)).year
    for year in range(newest, Convenantjaar.of(min(dates)).year - 2, -1):
        try:
            vsv_basis(con, year, stand)
        except NoData:
            continue
        return year
    raise NoData(f"uit de DUO-leveringen van {format_nl(min(dates))} tot en met {format_nl(max(dates))} "
                 "kan geen convenantjaar worden berekend")


def duo_report_rows(con: duckdb.DuckDBPyConnection,
                    reports: Sequence[str] = ("a01", "a02", "a04")) -> pd.DataFrame:
    """The rows of DUO's A01 / A02 / A04 reports with `rapport` and `maand` (`jjjjmm`), in the
    columns DUO's layout has (docs/formats.md §2.2)."""
    parts = []
    for report in reports:
        table = f"duo_{report}"
        if has_table(con, table):
            parts.append(con.execute(
                f"SELECT '{report.upper()}' AS rapport, strftime(rapportmaand, '%Y%m') AS maand, "
                f"persoonsnummer, geboortedatum, gemeentecode, brin, onderwijscode, niveau, "
                f"datum_uitschrijving FROM {table}"
            ).df())
    if not parts:
        return pd.DataFrame(columns=["rapport", "maand", "persoonsnummer"])
    return pd.concat(parts, ignore_index=True)


def koppeling(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> dict[str, str]:
    """Onderwijsnummer → BSN where DUO delivered both (the BSN column of an enrolment)."""
    if not has_state(con):
        return {}
    upto = import_id if import_id is not None else 9223372036854775807
    rows = con.execute(
        "SELECT DISTINCT persoonsnummer, bsn FROM duo_inschrijvingen_op(?) "
        "WHERE bsn IS NOT NULL AND bsn <> persoonsnummer", [upto]
    ).fetchall()
    return {number: bsn for number, bsn in rows}


# --- BRP and DUO facts for the work lists ----------------------------------------------------

def persons(con: duckdb.DuckDBPyConnection, numbers: Iterable[str]) -> pd.DataFrame:
    """Name, birth date and address of persons in the newest BRP delivery (by BSN); `adres` is the
    street and house number as a visit needs it (`Kerkstraat 12A-2`), and the address fields come as
    delivered too (for `registers.zoeken.adres_van`: a whole address, or why there is none; the house
    number as text). `geboortedatum` is the day when the BRP knows it; `geboortedatum_gba` the birth
    date as delivered (`20080900`: known in part).

    A number the BRP delivery does not have (an enrolment `ONBEKEND_IN_BRP`: where does the young
    person live?) gets what DUO's enrolment state says: the birth date and the postcode of the latest
    enrolment, `bron` 'DUO' (else 'BRP'); no name, DUO delivers none."""
    wanted = sorted({str(n) for n in numbers if n})
    columns = ["persoonsnummer", "naam", "geslachtsnaam", "geboortedatum", "geboortedatum_gba", "adres",
               "postcode", "woonplaats", "straat", "huisnummer", "huisletter", "huisnummertoevoeging",
               "verblijfplaats_type", "bron"]
    if not wanted:
        return pd.DataFrame(columns=columns)
    frame = _brp_persons(con, wanted) if has_table(con, "brp_personen") else pd.DataFrame(columns=columns)
    missing = sorted(set(wanted) - set(frame["persoonsnummer"]))
    if missing and has_state(con):
        duo = con.execute(
            """
            SELECT persoonsnummer, geboortedatum, postcode FROM duo_inschrijvingen_actueel
            WHERE persoonsnummer IN (SELECT unnest(?::VARCHAR[]))
            QUALIFY row_number() OVER (
                PARTITION BY persoonsnummer
                ORDER BY datum_inschrijving DESC NULLS LAST, import_id DESC, line DESC) = 1
            """,
            [missing],
        ).df()
        if len(duo):
            duo = duo.assign(naam="", geslachtsnaam="", adres="", woonplaats="", bron="DUO")
            duo = duo.reindex(columns=columns)
            frame = pd.concat([frame, duo], ignore_index=True) if len(frame) else duo
    return frame.reindex(columns=columns)


def _brp_persons(con: duckdb.DuckDBPyConnection, wanted: list[str]) -> pd.DataFrame:
    frame = con.execute(
        """
        SELECT bsn AS persoonsnummer,
               concat_ws(' ', nullif(voornamen, ''), nullif(voorvoegsel, ''),
                         nullif(geslachtsnaam, '')) AS naam,
               geslachtsnaam,
               CASE WHEN geboortedatum_precisie = 'dag' THEN geboortedatum_vroegst END AS geboortedatum,
               geboortedatum AS geboortedatum_gba,
               trim(concat(coalesce(straat, ''), ' ', coalesce(CAST(huisnummer AS VARCHAR), ''),
                           coalesce(huisletter, ''),
                           CASE WHEN coalesce(huisnummertoevoeging, '') <> ''
                                THEN '-' || huisnummertoevoeging ELSE '' END)) AS adres,
               postcode, woonplaats, straat, CAST(huisnummer AS VARCHAR) AS huisnummer, huisletter,
               huisnummertoevoeging, verblijfplaats_type, 'BRP' AS bron
        FROM brp_personen
        WHERE import_id = (SELECT max(import_id) FROM imports WHERE kind = 'brp' AND status = 'loaded')
          AND bsn IN (SELECT unnest(?::VARCHAR[]))
        """,
        [wanted],
    ).df()
    return frame


FEW = 20  # numbers few enough to write into a query as values


def school_status(con: duckdb.DuckDBPyConnection, numbers: Iterable[str], on: dt.date) -> dict[str, str]:
    """A short Dutch description of each person's enrolment on `on` in the newest DUO state; a
    school by its name (with the BRIN) where DUO's data name it."""
    wanted = sorted({str(n) for n in numbers if n})
    if not wanted or not has_state(con):
        return {}
    if len(wanted) <= FEW:  # one dossier's person: the values in the filter itself, half the time of a join
        marks = ", ".join("?" for _ in wanted)
        where, params = f"persoonsnummer IN ({marks}) OR bsn IN ({marks})", [*wanted, *wanted]
    else:
        where = "persoonsnummer IN (SELECT unnest(?::VARCHAR[])) OR bsn IN (SELECT unnest(?::VARCHAR[]))"
        params = [wanted, wanted]
    rows = con.execute(
        "SELECT persoonsnummer, bsn, brin, onderwijssoort, niveau, datum_inschrijving, datum_uitschrijving "
        f"FROM duo_inschrijvingen_op(9223372036854775807) WHERE {where} ORDER BY datum_inschrijving",
        params,
    ).fetchall()
    current: dict[str, list[str]] = {}
    last_end: dict[str, tuple[dt.date, str]] = {}
    names = schools.school_names(con)
    for number, bsn, brin, soort, niveau, begin, end in rows:
        key = number if number in wanted else bsn
        school = f"{names[brin]} ({brin})" if brin in names else brin
        what = " ".join(dict.fromkeys(part for part in (school, soort, niveau) if part))  # never "PO PO"
        if begin <= on and (end is None or end >= on):
            current.setdefault(key, []).append(what)
        elif end is not None and end < on and (key not in last_end or end > last_end[key][0]):
            last_end[key] = (end, what)
    status = {}
    for number in wanted:
        if number in current:
            status[number] = "ingeschreven: " + ", ".join(current[number])
        elif number in last_end:
            end, what = last_end[number]
            status[number] = f"uitgeschreven sinds {format_nl(end + dt.timedelta(days=1))} ({what})"
        else:
            status[number] = "geen inschrijving bekend"
    return status


def left_enrolments(con: duckdb.DuckDBPyConnection, numbers: Iterable[str],
                    before: dt.date) -> dict[str, dict]:
    """Each person's enrolment that ended last on or before `before` in the newest DUO state:
    `brin`, `niveau` (as the VSV figures name levels: VO, MBO 2, VAVO …) and `datum_uitschrijving`.
    By onderwijsnummer or BSN; persons without such an enrolment are left out."""
    wanted = sorted({str(n) for n in numbers if n})
    if not wanted or not has_state(con):
        return {}
    rows = con.execute(
        """
        SELECT persoonsnummer, bsn, brin, onderwijssoort, niveau, datum_uitschrijving
        FROM duo_inschrijvingen_op(9223372036854775807)
        WHERE (persoonsnummer IN (SELECT unnest(?::VARCHAR[])) OR bsn IN (SELECT unnest(?::VARCHAR[])))
          AND datum_uitschrijving IS NOT NULL AND datum_uitschrijving <= ?
        ORDER BY datum_uitschrijving, datum_inschrijving
        """,
        [wanted, wanted, before],
    ).fetchall()
    found: dict[str, dict] = {}
    for number, bsn, brin, soort, niveau, end in rows:
        key = number if number in wanted else bsn
        found[key] = {"brin": brin, "niveau": level_of(soort or "", niveau or ""), "datum_uitschrijving": end}
    return found


def wijk_of(postcode: str, wijken: Mapping[str, str]) -> str:
    """The wijk of a postcode from the configured ranges (`"1000-1049" = "Centrum"`)."""
    digits = str(postcode or "")[:4]
    if not digits.isdigit():
        return ""
    for span, name in wijken.items():
        low, _, high = str(span).partition("-")
        if low.strip() <= digits <= (high or low).strip():
            return str(name)
    return ""
