"""The signals of docs/spec.md §4.2 on a peildatum, as one DuckDB query over staging.

Why SQL: a national run (5 million persons, 4 million enrolments) must match in seconds, so the
whole rule set is one set-based query over the staged deliveries, built from the `lpw_` macros of
`rules.sql` (the same dated parameters as the Python) and, for the vrijstellingen, from
`rules.vrijstellingen.telt_tegen` evaluated for the peildatum; a vrijstelling counts only when its
ground fitted the person on its begindatum (`lpw_vrijstelling_past`, `rules.vrijstellingen.past`), so
one registered or delivered against the law (art. 3a for a 9-year-old) never hides a child. The
semantics of every signal and its `sinds` date are those of docs/formats.md §5.1; the generator's
truth files are their oracle.

Inputs (the staging views of `connectors`): `brp_personen` of the newest BRP import on or before the
peildatum; the enrolment state `duo_inschrijvingen_op(import)` after the newest DUO import on or
before it; `verzuimmeldingen` as last delivered on or before it; the vrijstellingen of staging
(`vrijstellingen_import`) plus those of the register, which the caller registers as a relation
named `vrijstellingen_register` (persoonsnummer, grondslag, begindatum, einddatum) when it has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa

from rules.parameters import Parameters, active
from rules.signal_codes import (
    ABSOLUUT_VERZUIM,
    BIJNA_LEERPLICHTIG,
    CONTROLE_GEBOORTEDATUM,
    GEEN_INSCHRIJVING_RMC,
    ONBEKEND_IN_BRP,
    ONVOLLEDIGE_PERSOONSLIJST,
    THUISZITTER,
    VSV,
    signal_code,
)
from rules.sql import install_macros
from rules.status import StatusCode
from rules.vrijstellingen import Vrijstellingsgrond, telt_tegen

# The VSV definition of CBS/DUO (docs/spec.md §2): younger than `vsv_leeftijd` (a dated parameter, 23),
# funded VO (not PrO), MBO or VAVO.
VSV_ONDERWIJSSOORTEN = ("VO", "MBO", "VAVO")

BRP_KIND = "brp"
DUO_ENROLMENT_KINDS = ("duo_c", "duo_p")


@dataclass(frozen=True)
class Signal:
    signal: str
    persoonsnummer: str
    gemeentecode: str
    peildatum: date
    sinds: date | None
    status: str | None = None
    adres_in_onderzoek: bool = False
    geheimhouding: bool = False
    thuiszitter_lang: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "signal": self.signal, "persoonsnummer": self.persoonsnummer,
            "gemeentecode": self.gemeentecode, "peildatum": self.peildatum.isoformat(),
            "sinds": self.sinds.isoformat() if self.sinds else None, "status": self.status,
            "adres_in_onderzoek": self.adres_in_onderzoek, "geheimhouding": self.geheimhouding,
            "thuiszitter_lang": self.thuiszitter_lang,
        }


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _covers_sql(peildatum: date) -> str:
    """`(grondslag, status)` pairs for which a vrijstelling covers the obligation on the peildatum.

    Evaluated with `telt_tegen` itself, so the season rule of art. 5a and the kwalificatieplicht-only
    rule of art. 15 live in one place.
    """
    pairs = [f"({_sql_str(g.value)}, {_sql_str(s.value)})"
             for g in Vrijstellingsgrond for s in StatusCode if telt_tegen(g, s, peildatum)]
    return ", ".join(pairs)


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """A table or view of that name (staging grows its tables as deliveries of a kind arrive)."""
    return con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                       [name]).fetchall()[0][0] > 0


def _vrijstellingen_sql(con: duckdb.DuckDBPyConnection, upto: str) -> str:
    parts = []
    if _table_exists(con, "vrijstellingen_import"):
        parts.append("SELECT persoonsnummer, grondslag, begindatum, einddatum FROM vrijstellingen_import "
                     f"WHERE import_id <= {upto}")
    if _table_exists(con, "vrijstellingen_register"):
        parts.append("SELECT persoonsnummer, grondslag, begindatum, einddatum FROM vrijstellingen_register")
    if not parts:
        return ("SELECT NULL::VARCHAR AS persoonsnummer, NULL::VARCHAR AS grondslag, "
                "NULL::DATE AS begindatum, NULL::DATE AS einddatum WHERE false")
    return " UNION ALL ".join(parts)


def _verzuim_sql(con: duckdb.DuckDBPyConnection, upto: str) -> str:
    if not _table_exists(con, "verzuimmeldingen"):
        return ("SELECT NULL::VARCHAR AS persoonsnummer, NULL::VARCHAR AS soort_verzuim, "
                "NULL::DATE AS meldingsdatum, NULL::DATE AS begindatum, NULL::DATE AS einddatum WHERE false")
    return ("SELECT persoonsnummer, soort_verzuim, meldingsdatum, begindatum, einddatum "
            f"FROM verzuimmeldingen WHERE import_id <= {upto} QUALIFY row_number() OVER "
            "(PARTITION BY meldingsnummer ORDER BY import_id DESC, line DESC) = 1")


def _enrolments_sql(con: duckdb.DuckDBPyConnection, upto: str) -> str:
    if not _table_exists(con, "duo_clevering"):
        return ("SELECT NULL::VARCHAR AS persoonsnummer, NULL::VARCHAR AS bsn, "
                "NULL::VARCHAR AS gemeentecode, NULL::VARCHAR AS onderwijssoort, "
                "NULL::DATE AS datum_inschrijving, "
                "NULL::DATE AS datum_uitschrijving, NULL::BOOLEAN AS bekostigd, NULL::DATE AS diploma_datum, "
                "NULL::BOOLEAN AS startkwalificatie, NULL::BOOLEAN AS pro_vso_getuigschrift WHERE false")
    return f"SELECT * FROM duo_inschrijvingen_op({upto})"


def _ctes(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
          parameters: Parameters | None = None) -> str:
    """The WITH clauses the signals and the person state share (macros must be installed). CTEs read
    more than once are MATERIALIZED: DuckDB would otherwise compute them again for every reference."""
    served = ", ".join(_sql_str(g) for g in gemeenten) or "NULL"
    d = f"DATE '{peildatum.isoformat()}'"
    teldatum = date(peildatum.year if peildatum.month >= 10 else peildatum.year - 1, 10, 1)
    t = f"DATE '{teldatum.isoformat()}'"
    upto = (f"(SELECT coalesce(max(import_id), 0) FROM imports WHERE status = 'loaded' "
            f"AND coalesce(peildatum, finished_at::DATE) <= {d}")
    brp_upto = f"{upto} AND kind = '{BRP_KIND}')"
    duo_upto = f"{upto} AND kind IN {tuple(DUO_ENROLMENT_KINDS)})"
    any_upto = f"{upto})"
    valid = f"datum_inschrijving <= {d} AND (datum_uitschrijving IS NULL OR {d} <= datum_uitschrijving)"
    on_teldatum = f"datum_inschrijving <= {t} AND (datum_uitschrijving IS NULL OR {t} <= datum_uitschrijving)"
    vsv_soorten = ", ".join(_sql_str(s) for s in VSV_ONDERWIJSSOORTEN)
    # Policy values of the peildatum (constants of this query, from the dated parameters).
    law = parameters or active()
    drempel = int(law.value("thuiszitter_drempel", peildatum)) * 7
    wachttijd_av = int(law.value("thuiszitter_wachttijd_absoluut_verzuim", peildatum)) * 7
    marge_start = int(law.value("marge_leerplicht_start", peildatum)) * 7
    marge_vestiging = int(law.value("marge_na_vestiging", peildatum)) * 7
    obliged = f"('{StatusCode.LEERPLICHTIG.value}', '{StatusCode.KWALIFICATIEPLICHTIG.value}')"
    return f"""
WITH
brp AS (
    SELECT *, gemeente_inschrijving IN ({served}) AND NOT rni AND NOT overleden
              AND coalesce(opschorting_reden, '') = '' AS resident
    FROM brp_personen WHERE import_id = {brp_upto}
),
personen AS (
    SELECT bsn, gemeente_inschrijving AS gemeentecode, geboortedatum_vroegst AS vroegst,
           geboortedatum_laatst AS laatst, coalesce(datum_inschrijving_gemeente, {d}) AS ingeschreven,
           adres_in_onderzoek, coalesce(geheimhouding, 0) > 0 AS geheimhouding, resident, overleden,
           rni OR coalesce(opschorting_reden, '') = 'E' AS geemigreerd, onvolledig
    FROM brp
),
onvolledig AS (
    -- docs/spec.md §6: a persoonslijst with a fault in a field the law needs (the BRP reader left it empty).
    -- A faulty gemeente van inschrijving cannot say whose resident it is: the first served gemeente's.
    SELECT bsn, coalesce(gemeente_inschrijving, (SELECT min(g) FROM unnest([{served}]) AS t(g)))
               AS gemeentecode,
           adres_in_onderzoek, coalesce(geheimhouding, 0) > 0 AS geheimhouding
    FROM brp
    WHERE onvolledig IS NOT NULL AND (resident OR (gemeente_inschrijving IS NULL AND NOT rni
          AND NOT overleden AND coalesce(opschorting_reden, '') = ''))
),
ingezetenen AS (SELECT * FROM personen WHERE resident),
duo AS MATERIALIZED (
    SELECT *, coalesce(nullif(bsn, ''), persoonsnummer) AS sleutel
    FROM ({_enrolments_sql(con, duo_upto)})
),
inschr AS (
    SELECT sleutel,
           bool_or({valid}) AS geldig,
           max(datum_uitschrijving + 1) FILTER (WHERE datum_uitschrijving < {d}) AS na_einde,
           min(diploma_datum) FILTER (WHERE startkwalificatie AND diploma_datum <= {d}) AS sk,
           min(diploma_datum) FILTER (WHERE pro_vso_getuigschrift AND diploma_datum <= {d}) AS pro,
           bool_or(bekostigd AND onderwijssoort IN ({vsv_soorten}) AND {on_teldatum}) AS in_startset,
           max(datum_uitschrijving) FILTER (WHERE bekostigd AND onderwijssoort IN ({vsv_soorten})
                                            AND {on_teldatum}) AS startset_einde
    FROM duo GROUP BY sleutel
),
vrij AS (
    SELECT persoonsnummer, grondslag, begindatum, einddatum
    FROM ({_vrijstellingen_sql(con, any_upto)}) WHERE begindatum <= {d}
),
basis AS MATERIALIZED (
    SELECT i.*, coalesce(x.geldig, false) AS geldig, x.na_einde, x.sk, x.pro,
           coalesce(x.in_startset, false) AS in_startset, x.startset_einde,
           CASE WHEN i.vroegst = i.laatst THEN lpw_status(i.vroegst, {d}, x.sk, x.pro)
                ELSE lpw_status_zeker(i.vroegst, i.laatst, {d}, x.sk, x.pro) END AS status,
           lpw_leerplicht_start(i.vroegst) AS lp_start,
           lpw_rmc_start_op(i.vroegst, {d}, x.sk, NULL, x.pro) AS rmc_start
    FROM ingezetenen i LEFT JOIN inschr x ON x.sleutel = i.bsn
),
vrij_p AS (
    SELECT v.persoonsnummer,
           bool_or(({d} <= v.einddatum OR v.einddatum IS NULL)
                   AND (v.grondslag, b.status) IN ({_covers_sql(peildatum)})
                   AND lpw_vrijstelling_past(v.grondslag, b.vroegst, b.laatst, v.begindatum, b.sk, b.pro))
               AS gedekt,
           max(v.einddatum + 1) FILTER (WHERE v.einddatum < {d}) AS na_vrij
    FROM vrij v JOIN basis b ON b.bsn = v.persoonsnummer
    GROUP BY v.persoonsnummer
),
av AS (
    SELECT b.*, greatest(b.lp_start, b.ingeschreven, b.na_einde, p.na_vrij) AS sinds
    FROM basis b LEFT JOIN vrij_p p ON p.persoonsnummer = b.bsn
    WHERE b.status IN {obliged} AND NOT b.geldig AND NOT coalesce(p.gedekt, false)
),
av_signaal AS MATERIALIZED (
    SELECT * FROM av
    WHERE {d} >= sinds + to_days(CAST(greatest(
            CASE WHEN sinds = lp_start THEN {marge_start} ELSE 0 END,
            CASE WHEN sinds = ingeschreven THEN {marge_vestiging} ELSE 0 END) AS INTEGER))
),
lrv AS (
    SELECT persoonsnummer, min(begindatum) AS begin
    FROM ({_verzuim_sql(con, any_upto)})
    WHERE soort_verzuim = 'LRV' AND meldingsdatum <= {d} AND {d} - begindatum > {drempel}
      AND (einddatum IS NULL OR einddatum >= {d})
    GROUP BY persoonsnummer
),
thuis AS (
    SELECT b.bsn, b.gemeentecode, b.status, b.adres_in_onderzoek, b.geheimhouding,
           least(l.begin, CASE WHEN {d} - a.sinds > {wachttijd_av} THEN a.sinds END) AS sinds
    FROM basis b LEFT JOIN lrv l ON l.persoonsnummer = b.bsn LEFT JOIN av_signaal a ON a.bsn = b.bsn
    WHERE l.begin IS NOT NULL OR {d} - a.sinds > {wachttijd_av}
),
onbekend AS (
    SELECT persoonsnummer, min(gemeentecode) AS gemeentecode, min(datum_inschrijving) AS sinds
    FROM duo
    WHERE {valid} AND gemeentecode IN ({served}) AND sleutel NOT IN (SELECT bsn FROM ingezetenen)
    GROUP BY persoonsnummer
),
"""


def signals_query(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
                  parameters: Parameters | None = None) -> str:
    """The SQL of every signal on `peildatum` for the served `gemeenten` (macros of the same
    `parameters` must be installed)."""
    gemeenten = tuple(gemeenten)
    law = parameters or active()
    d = f"DATE '{peildatum.isoformat()}'"
    lang = int(law.value("thuiszitter_lang", peildatum))
    venster = int(law.value("bijna_leerplichtig_venster", peildatum))
    vsv_leeftijd = int(law.value("vsv_leeftijd", peildatum))
    return _ctes(con, peildatum, gemeenten, law) + f"""
alle AS (
    SELECT '{ABSOLUUT_VERZUIM}' AS signal, bsn AS persoonsnummer, gemeentecode, sinds, status,
           adres_in_onderzoek, geheimhouding, false AS thuiszitter_lang
    FROM av_signaal
    UNION ALL
    SELECT '{GEEN_INSCHRIJVING_RMC}', bsn, gemeentecode, greatest(rmc_start, ingeschreven, na_einde),
           status, adres_in_onderzoek, geheimhouding, false
    FROM basis WHERE status = '{StatusCode.RMC_DOELGROEP.value}' AND NOT geldig
    UNION ALL
    SELECT '{BIJNA_LEERPLICHTIG}', bsn, gemeentecode,
           CAST(lp_start - to_months({venster}) AS DATE), status,
           adres_in_onderzoek, geheimhouding, false
    FROM basis
    WHERE status = '{StatusCode.NIET_LEERPLICHTIG.value}' AND NOT geldig
      AND lp_start - to_months({venster}) <= {d}
    UNION ALL
    SELECT '{VSV}', bsn, gemeentecode, startset_einde + 1, status, adres_in_onderzoek, geheimhouding, false
    FROM basis
    WHERE status IS NOT NULL AND in_startset AND NOT geldig AND sk IS NULL
      AND {d} < lpw_verjaardag(vroegst, {vsv_leeftijd})
    UNION ALL
    SELECT '{THUISZITTER}', bsn, gemeentecode, sinds, status, adres_in_onderzoek, geheimhouding,
           sinds + to_months({lang}) < {d}
    FROM thuis
    UNION ALL
    SELECT '{CONTROLE_GEBOORTEDATUM}', bsn, gemeentecode, NULL::DATE, NULL, adres_in_onderzoek, geheimhouding,
           false
    FROM basis WHERE status IS NULL AND onvolledig IS NULL
    UNION ALL
    SELECT '{ONVOLLEDIGE_PERSOONSLIJST}', bsn, gemeentecode, NULL::DATE, NULL, adres_in_onderzoek,
           geheimhouding, false
    FROM onvolledig WHERE gemeentecode IS NOT NULL
    UNION ALL
    SELECT '{ONBEKEND_IN_BRP}', persoonsnummer, gemeentecode, sinds, NULL, false, false, false
    FROM onbekend
)
SELECT signal, persoonsnummer, gemeentecode, {d} AS peildatum, CAST(sinds AS DATE) AS sinds, status,
       adres_in_onderzoek, geheimhouding, thuiszitter_lang
FROM alle
ORDER BY signal, persoonsnummer
"""


def person_state_query(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
                       parameters: Parameters | None = None) -> str:
    """Per BRP person of the delivery: the facts that explain why a signal is gone (resident, died,
    emigrated, the gemeente, status, enrolled, SK, covered by a vrijstelling) on `peildatum`."""
    d = f"DATE '{peildatum.isoformat()}'"
    return _ctes(con, peildatum, tuple(gemeenten), parameters) + f"""
status AS (
    SELECT p.bsn,
           CASE WHEN p.vroegst = p.laatst THEN lpw_status(p.vroegst, {d}, x.sk, x.pro)
                ELSE lpw_status_zeker(p.vroegst, p.laatst, {d}, x.sk, x.pro) END AS status,
           coalesce(x.geldig, false) AS geldig, x.sk
    FROM personen p LEFT JOIN inschr x ON x.sleutel = p.bsn
)
SELECT p.bsn AS persoonsnummer, p.gemeentecode, p.resident, p.overleden, p.geemigreerd, s.status,
       s.geldig, s.sk IS NOT NULL AS startkwalificatie, coalesce(v.gedekt, false) AS vrijstelling,
       p.vroegst AS geboortedatum_vroegst, p.laatst AS geboortedatum_laatst
FROM personen p JOIN status s USING (bsn) LEFT JOIN vrij_p v ON v.persoonsnummer = p.bsn
"""


def person_state(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
                 persoonsnummers: Iterable[str]) -> dict[str, dict[str, object]]:
    """`person_state_query` for the given persons only (e.g. those whose open case lost its signal)."""
    wanted = sorted(set(persoonsnummers))
    if not wanted:
        return {}
    install_macros(con)
    con.register("gezochte_personen", pa.table({"persoonsnummer": wanted}))
    try:
        rel = con.sql(f"SELECT * FROM ({person_state_query(con, peildatum, gemeenten)}) s "
                      "WHERE persoonsnummer IN (SELECT persoonsnummer FROM gezochte_personen)")
        columns = rel.columns
        rows = rel.fetchall()
    finally:
        con.unregister("gezochte_personen")
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


def compute_signals(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
                    parameters: Parameters | None = None) -> duckdb.DuckDBPyRelation:
    """Every signal on `peildatum` as a DuckDB relation with `COLUMNS` (ordered by signal, number).

    `parameters`: another law (a proposal, or the law as it stood on a date) for `inbeeld report
    wetswijziging`; the macros of the connection are those of the last call."""
    install_macros(con, parameters)
    return con.sql(signals_query(con, peildatum, tuple(gemeenten), parameters))


def signals_as_list(con: duckdb.DuckDBPyConnection, peildatum: date, gemeenten: Iterable[str],
                    types: Iterable[str] | None = None) -> list[Signal]:
    """The signals as objects (for the CLI and the case sync of a municipality; not for a national run)."""
    wanted = {signal_code(t) for t in types or ()}
    rows = compute_signals(con, peildatum, gemeenten).fetchall()
    return [Signal(*row) for row in rows if not wanted or row[0] in wanted]
