# ruff: noqa: E501  (long generated SQL string literals)
"""Fast writers of large synthetic BRP deliveries in the three formats, for the benchmark and the
crash test (the generator in `synthetic/` makes realistic municipalities; these make volume).

Everything is generated in DuckDB SQL from `range(n)`, so 5,000,000 persons take seconds, not hours.
Every BSN passes the elfproef; about 1 in 500 birth dates is partly unknown; about 1 in 10 persons
has an earlier address (an LO3 history row).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

LO3_COLUMNS = [
    "", "01.01.10", "01.01.20", "01.02.10", "01.02.30", "01.02.40", "01.03.10", "01.04.10",
    "02.01.20", "02.02.10", "02.02.30", "02.02.40", "02.03.10", "02.04.10",
    "03.01.20", "03.02.10", "03.02.30", "03.02.40", "03.03.10", "03.04.10",
    "06.08.10", "07.67.10", "07.67.20", "07.70.10",
    "08.09.10", "08.09.20", "08.10.10", "08.10.30", "08.11.10", "08.11.20", "08.11.30", "08.11.40",
    "08.11.60", "08.11.70", "08.83.10", "08.83.20", "08.85.10", "11.32.10",
]

_BSN_FROM = """
CREATE OR REPLACE TEMP MACRO bulk_bsn(prefix) AS (
    prefix::VARCHAR || ((9 * ((prefix // 10000000) % 10) + 8 * ((prefix // 1000000) % 10)
        + 7 * ((prefix // 100000) % 10) + 6 * ((prefix // 10000) % 10) + 5 * ((prefix // 1000) % 10)
        + 4 * ((prefix // 100) % 10) + 3 * ((prefix // 10) % 10) + 2 * (prefix % 10)) % 11)::VARCHAR
);
"""

_PERSONS = """
CREATE OR REPLACE TEMP TABLE bulk_persons AS
WITH prefixes AS (
    SELECT p, row_number() OVER (ORDER BY p) - 1 AS i FROM (
        SELECT 20000000 + r AS p FROM range({span}) t(r)
        WHERE (9*(((20000000 + r) // 10000000) % 10) + 8*(((20000000 + r) // 1000000) % 10)
             + 7*(((20000000 + r) // 100000) % 10) + 6*(((20000000 + r) // 10000) % 10)
             + 5*(((20000000 + r) // 1000) % 10) + 4*(((20000000 + r) // 100) % 10)
             + 3*(((20000000 + r) // 10) % 10) + 2*((20000000 + r) % 10)) % 11 NOT IN (10, 1, 3)
    )
)
SELECT i,
    bulk_bsn(p) AS bsn,
    (1000000000 + i)::VARCHAR AS a_nummer,
    ['Sanne', 'Daan', 'Noah', 'Emma', 'Liam', 'Julia', 'Mila', 'Sem', 'Tess', 'Lucas'][1 + i % 10]
        || CASE WHEN i % 3 = 0 THEN ' Maria' ELSE '' END AS voornamen,
    CASE WHEN i % 4 = 0 THEN 'de' WHEN i % 9 = 0 THEN 'van der' END AS voorvoegsel,
    ['Vries', 'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder', 'Bos', 'Vos', 'Peters'][1 + (i // 10) % 10]
        AS geslachtsnaam,
    CASE WHEN i % 500 = 7 THEN strftime(DATE '2003-01-01' + INTERVAL (i % 8000) DAY, '%Y%m') || '00'
         WHEN i % 5000 = 11 THEN '00000000'
         ELSE strftime(DATE '2003-01-01' + INTERVAL (i % 8000) DAY, '%Y%m%d') END AS geboortedatum,
    CASE WHEN i % 2 = 0 THEN 'V' ELSE 'M' END AS geslacht,
    CASE WHEN i % 50 = 0 THEN '0599' WHEN i % 997 = 0 THEN '1999' ELSE '0363' END AS gemeente,
    strftime(DATE '2003-01-01' + INTERVAL (i % 8000) DAY, '%Y%m%d') AS datum_inschrijving,
    ['Kerkstraat', 'Dorpsstraat', 'Schoolstraat', 'Molenweg', 'Stationsweg'][1 + i % 5] AS straat,
    (1 + i % 180)::VARCHAR AS huisnummer,
    CASE WHEN i % 7 = 0 THEN 'A' END AS huisletter,
    CASE WHEN i % 11 = 0 THEN '2' END AS toevoeging,
    (1000 + i % 8999)::VARCHAR || ['AB', 'GC', 'XZ', 'KL'][1 + i % 4] AS postcode,
    CASE WHEN i % 50 = 0 THEN 'Rotterdam' ELSE 'Amsterdam' END AS woonplaats,
    strftime(DATE '2010-01-01' + INTERVAL (i % 5000) DAY, '%Y%m%d') AS datum_adres,
    CASE WHEN i % 1000 = 3 THEN '080000' END AS onderzoek,
    CASE WHEN i % 1000 = 3 THEN '20260801' END AS onderzoek_datum,
    CASE WHEN i % 2000 = 5 THEN '20260901' END AS overlijden,
    CASE WHEN i % 2000 = 5 THEN 'O' WHEN i % 3000 = 9 THEN 'E' END AS opschorting_reden,
    CASE WHEN i % 2000 = 5 OR i % 3000 = 9 THEN '20260901' END AS opschorting_datum,
    CASE WHEN i % 400 = 0 THEN '1' ELSE '0' END AS geheim,
    bulk_bsn(p + 10000000) AS ouder1_bsn,
    ['Johannes', 'Pieter', 'Kees', 'Ahmed'][1 + i % 4] AS ouder1_voornamen,
    strftime(DATE '1970-01-01' + INTERVAL (i % 9000) DAY, '%Y%m%d') AS ouder1_geboortedatum,
    bulk_bsn(p + 20000000) AS ouder2_bsn,
    ['Maria', 'Fatima', 'Anna', 'Eva'][1 + i % 4] AS ouder2_voornamen,
    strftime(DATE '1972-01-01' + INTERVAL (i % 9000) DAY, '%Y%m%d') AS ouder2_geboortedatum,
    CASE WHEN i % 3 = 0 THEN '12' END AS gezag
FROM prefixes WHERE i < {n};
"""


def make_persons(con: duckdb.DuckDBPyConnection, n: int) -> None:
    """Create TEMP TABLE bulk_persons with `n` persons (unique, valid BSNs) on `con`."""
    if n >= 7_000_000:
        raise ValueError("at most 7,000,000 persons")
    con.execute(_BSN_FROM)
    con.execute(_PERSONS.format(n=n, span=int(n * 1.45) + 100))


def write_lo3csv(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """An LO3-element CSV: one labelled row per person, an earlier-address history row for 1 in 10."""
    body = path.with_suffix(".body")
    con.execute(f"""
    COPY (
      SELECT * EXCLUDE (i, sub) FROM (
        SELECT i, 0 AS sub, 'Lg01_' || (i + 1) AS label, a_nummer, bsn, voornamen, voorvoegsel, geslachtsnaam,
          geboortedatum, geslacht,
          ouder1_bsn, ouder1_voornamen, NULL, geslachtsnaam, ouder1_geboortedatum, 'M',
          ouder2_bsn, ouder2_voornamen, NULL, 'Jansen', ouder2_geboortedatum, 'V',
          overlijden, opschorting_datum, opschorting_reden, geheim,
          gemeente, datum_inschrijving, 'W', datum_adres, straat, huisnummer, huisletter, toevoeging,
          postcode, woonplaats, onderzoek, onderzoek_datum, datum_adres, gezag
        FROM bulk_persons
        UNION ALL
        SELECT i, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '0599', '20080101', 'W', '20080101',
          'Oude Gracht', '3', NULL, NULL, '3511AB', 'Utrecht', NULL, NULL, '20080101', NULL
        FROM bulk_persons WHERE i % 10 = 4
      ) ORDER BY i, sub
    ) TO '{body}' (FORMAT csv, DELIMITER ';', HEADER false, QUOTE '"')
    """)
    with path.open("wb") as out:
        out.write(b"\xef\xbb\xbf" + ";".join(LO3_COLUMNS).encode() + b"\n")
        with body.open("rb") as src:
            shutil.copyfileobj(src, out, 16 * 1024 * 1024)
    body.unlink()


_HC_DATE = """CASE WHEN i % 2 = 0 THEN to_json({col})
    WHEN {col} = '00000000' THEN '{{"type":"DatumOnbekend","onbekend":true}}'::JSON
    WHEN {col} LIKE '%00' THEN json_object('type', 'JaarMaandDatum', 'jaar', {col}[1:4]::INT,
        'maand', {col}[5:6]::INT)
    ELSE json_object('type', 'Datum', 'datum', strptime({col}, '%Y%m%d')::DATE::VARCHAR) END"""


def write_haalcentraal(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A Haal Centraal response body; half the dates GBA strings, half date objects."""
    body = path.with_suffix(".body")
    con.execute(f"""
    COPY (
      SELECT
        bsn AS burgerservicenummer, a_nummer AS aNummer,
        json_object('voornamen', voornamen, 'voorvoegsel', voorvoegsel, 'geslachtsnaam', geslachtsnaam) AS naam,
        json_object('datum', {_HC_DATE.format(col='geboortedatum')}) AS geboorte,
        json_object('code', geslacht) AS geslacht,
        json_object('code', gemeente) AS gemeenteVanInschrijving,
        {_HC_DATE.format(col='datum_inschrijving')} AS datumInschrijvingInGemeente,
        json_object('type', 'Adres', 'datumVan', {_HC_DATE.format(col='datum_adres')},
          'verblijfadres', CASE WHEN i % 2 = 0
            THEN json_object('officieleStraatnaam', straat, 'huisnummer', huisnummer::INT, 'postcode', postcode,
                             'woonplaats', woonplaats)
            ELSE json_object('straat', straat, 'huisnummer', huisnummer::INT, 'postcode', postcode,
                             'woonplaats', woonplaats) END,
          'inOnderzoek', CASE WHEN onderzoek IS NOT NULL THEN json_object('type', true,
              'datumIngangOnderzoek', {_HC_DATE.format(col='onderzoek_datum')}) END) AS verblijfplaats,
        CASE WHEN overlijden IS NOT NULL THEN json_object('datum', {_HC_DATE.format(col='overlijden')}) END
          AS overlijden,
        CASE WHEN opschorting_reden IS NOT NULL THEN json_object('reden', json_object('code', opschorting_reden),
          'datum', {_HC_DATE.format(col='opschorting_datum')}) END AS opschortingBijhouding,
        CASE WHEN geheim = '1' THEN true END AS geheimhoudingPersoonsgegevens,
        [json_object('ouderAanduiding', '1', 'burgerservicenummer', ouder1_bsn,
            'naam', json_object('voornamen', ouder1_voornamen, 'geslachtsnaam', geslachtsnaam),
            'geboorte', json_object('datum', to_json(ouder1_geboortedatum)), 'geslacht', json_object('code', 'M')),
         json_object('ouderAanduiding', '2', 'burgerservicenummer', ouder2_bsn,
            'naam', json_object('voornamen', ouder2_voornamen, 'geslachtsnaam', 'Jansen'),
            'geboorte', json_object('datum', to_json(ouder2_geboortedatum)), 'geslacht', json_object('code', 'V'))]
          AS ouders
      FROM bulk_persons ORDER BY i
    ) TO '{body}' (FORMAT json, ARRAY true)
    """)
    with path.open("wb") as out:
        out.write(b'{"type": "RaadpleegMetBurgerservicenummer", "personen": ')
        with body.open("rb") as src:
            shutil.copyfileobj(src, out, 16 * 1024 * 1024)
        out.write(b"}\n")
    body.unlink()


_STUF_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:StUF="http://www.egem.nl/StUF/StUF0301" xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n<soapenv:Body>\n<BG:npsLa01>\n'
    "<BG:stuurgegevens><StUF:berichtcode>La01</StUF:berichtcode>"
    "<StUF:entiteittype>NPS</StUF:entiteittype></BG:stuurgegevens>\n<BG:antwoord>\n"
)
_STUF_TAIL = "</BG:antwoord>\n</BG:npsLa01>\n</soapenv:Body>\n</soapenv:Envelope>\n"


def write_stufbg(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A StUF-BG npsLa01 answer, one `BG:object` per line."""
    body = path.with_suffix(".body")
    nil = "xsi:nil=''true'' StUF:noValue=''geenWaarde''"
    con.execute(f"""
    COPY (
      SELECT '<BG:object StUF:entiteittype=''NPS''><BG:inp.bsn>' || bsn || '</BG:inp.bsn>'
        || '<BG:inp.a-nummer>' || a_nummer || '</BG:inp.a-nummer>'
        || '<BG:geslachtsnaam>' || geslachtsnaam || '</BG:geslachtsnaam>'
        || CASE WHEN voorvoegsel IS NOT NULL THEN '<BG:voorvoegselGeslachtsnaam>' || voorvoegsel
                || '</BG:voorvoegselGeslachtsnaam>' ELSE '' END
        || '<BG:voornamen>' || voornamen || '</BG:voornamen>'
        || '<BG:geslachtsaanduiding>' || geslacht || '</BG:geslachtsaanduiding>'
        || '<BG:geboortedatum>' || geboortedatum || '</BG:geboortedatum>'
        || CASE WHEN overlijden IS NOT NULL THEN '<BG:overlijdensdatum>' || overlijden || '</BG:overlijdensdatum>'
                ELSE '<BG:overlijdensdatum {nil}/>' END
        || '<BG:inp.gemeenteVanInschrijving>' || gemeente || '</BG:inp.gemeenteVanInschrijving>'
        || '<BG:inp.datumInschrijving>' || datum_inschrijving || '</BG:inp.datumInschrijving>'
        || CASE WHEN opschorting_reden IS NOT NULL THEN '<BG:inp.redenOpschortingBijhouding>' || opschorting_reden
                || '</BG:inp.redenOpschortingBijhouding><BG:inp.datumOpschortingBijhouding>' || opschorting_datum
                || '</BG:inp.datumOpschortingBijhouding>'
                ELSE '<BG:inp.redenOpschortingBijhouding {nil}/>' END
        || '<BG:inp.indicatieGeheim>' || geheim || '</BG:inp.indicatieGeheim>'
        || '<BG:verblijfsadres><BG:wpl.woonplaatsNaam>' || woonplaats || '</BG:wpl.woonplaatsNaam>'
        || '<BG:gor.straatnaam>' || straat || '</BG:gor.straatnaam><BG:aoa.postcode>' || postcode
        || '</BG:aoa.postcode><BG:aoa.huisnummer>' || huisnummer || '</BG:aoa.huisnummer>'
        || CASE WHEN huisletter IS NOT NULL THEN '<BG:aoa.huisletter>' || huisletter || '</BG:aoa.huisletter>'
                ELSE '' END
        || '<BG:begindatumVerblijf>' || datum_adres || '</BG:begindatumVerblijf>'
        || CASE WHEN onderzoek IS NOT NULL THEN '<BG:inOnderzoek>J</BG:inOnderzoek>' ELSE '' END
        || '</BG:verblijfsadres>'
        || '<BG:inp.heeftAlsOuders StUF:entiteittype=''NPSNPSOUD''><BG:gerelateerde StUF:entiteittype=''NPS''>'
        || '<BG:inp.bsn>' || ouder1_bsn || '</BG:inp.bsn><BG:geslachtsnaam>' || geslachtsnaam
        || '</BG:geslachtsnaam><BG:voornamen>' || ouder1_voornamen || '</BG:voornamen><BG:geboortedatum>'
        || ouder1_geboortedatum || '</BG:geboortedatum><BG:geslachtsaanduiding>M</BG:geslachtsaanduiding>'
        || '</BG:gerelateerde><BG:ouderAanduiding>1</BG:ouderAanduiding></BG:inp.heeftAlsOuders>'
        || '<BG:inp.heeftAlsOuders StUF:entiteittype=''NPSNPSOUD''><BG:gerelateerde StUF:entiteittype=''NPS''>'
        || '<BG:inp.bsn>' || ouder2_bsn || '</BG:inp.bsn><BG:geslachtsnaam>Jansen</BG:geslachtsnaam>'
        || '<BG:voornamen>' || ouder2_voornamen || '</BG:voornamen><BG:geboortedatum>'
        || ouder2_geboortedatum || '</BG:geboortedatum><BG:geslachtsaanduiding>V</BG:geslachtsaanduiding>'
        || '</BG:gerelateerde><BG:ouderAanduiding>2</BG:ouderAanduiding></BG:inp.heeftAlsOuders>'
        || '</BG:object>'
      FROM bulk_persons ORDER BY i
    ) TO '{body}' (FORMAT csv, HEADER false, DELIMITER '|', QUOTE '"')
    """)
    with path.open("wb") as out:
        out.write(_STUF_HEAD.encode())
        with body.open("rb") as src:
            shutil.copyfileobj(src, out, 16 * 1024 * 1024)
        out.write(_STUF_TAIL.encode())
    body.unlink()


def write_all(n: int, out_dir: Path, formats: tuple[str, ...] = ("lo3csv", "haalcentraal", "stufbg"),
              stem: str = "brp-G0363-20260907") -> dict[str, Path]:
    """Write `n` persons in each format into `out_dir`; returns format -> path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    make_persons(con, n)
    writers = {"lo3csv": (write_lo3csv, ".lo3.csv"), "haalcentraal": (write_haalcentraal, ".haalcentraal.json"),
               "stufbg": (write_stufbg, ".stufbg.xml")}
    paths = {}
    for fmt in formats:
        writer, suffix = writers[fmt]
        paths[fmt] = out_dir / f"{stem}{suffix}"
        writer(con, paths[fmt])
    con.close()
    return paths
