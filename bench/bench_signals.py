"""Benchmark: every signal of docs/spec.md §4.2 over a national staging (5 M persons, 4 M enrolments).

Builds a staging file with the real staging DDL, filled in SQL with a national-size population
(342 gemeenten, ages 0-23, enrolments for most of the 4-22 year olds, some ended, diplomas,
vrijstellingen and LRV meldingen), then times, each in a fresh process so peak RSS is its own:

1. `rules.signals.compute_signals` for every served gemeente, materialised (all signal types);
2. the bare absoluut-verzuim rule in DuckDB (anti-join) over Parquet exports;
3. the same absoluut-verzuim rule as a plain pandas merge over the same Parquet files;

and prints wall time, peak RSS and the pandas / DuckDB ratio.

    python bench/bench_signals.py [--persons 5000000] [--enrolments 4000000] [--dir /tmp/inbeeld-bench]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEILDATUM = date(2026, 9, 28)


def build(directory: Path, persons: int, enrolments: int) -> Path:
    """A staging file of national size, built with the staging DDL and filled in SQL."""
    sys.path.insert(0, str(ROOT))
    from connectors.brp_schema import create_tables
    from connectors.staging import Staging
    from connectors.staging_duo import ensure_tables
    from connectors.verzuim_xml import ensure_tables as ensure_verzuim
    from connectors.vrijstellingen_csv import ensure_tables as ensure_vrijstellingen

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "staging.duckdb"
    for old in directory.glob("staging.duckdb*"):
        old.unlink()
    with Staging(path, memory_limit="4GB") as st:
        con = st.con
        create_tables(con)
        ensure_tables(con)
        ensure_verzuim(con)
        ensure_vrijstellingen(con)
        d = f"DATE '{PEILDATUM.isoformat()}'"
        con.execute(f"""
            INSERT INTO imports (import_id, kind, file_name, sha256, status, peildatum, started_at, finished_at)
            VALUES (1, 'brp', 'bench-brp', 'x1', 'loaded', {d}, now(), now()),
                   (2, 'duo_c', 'bench-c', 'x2', 'loaded', {d}, now(), now()),
                   (3, 'verzuim', 'bench-v', 'x3', 'loaded', {d}, now(), now()),
                   (4, 'vrijstellingen', 'bench-vr', 'x4', 'loaded', {d}, now(), now())""")
        # Person i: BSN-like number (bench only; staging holds what readers validated).
        con.execute(f"""
            INSERT INTO brp_personen (import_id, bron_regel, bsn, geboortedatum, geboortedatum_vroegst,
                geboortedatum_laatst, geboortedatum_precisie, geslacht, gemeente_inschrijving,
                datum_inschrijving_gemeente, adres_in_onderzoek, overleden, rni, geheimhouding)
            SELECT 1, i, lpad(CAST(100000000 + i * 7 AS VARCHAR), 9, '0'), NULL,
                   {d} - CAST(hash(i) % 8760 AS INTEGER), {d} - CAST(hash(i) % 8760 AS INTEGER),
                   'dag', CASE WHEN i % 2 = 0 THEN 'M' ELSE 'V' END,
                   lpad(CAST(i % 342 + 3 AS VARCHAR), 4, '0'), DATE '2010-01-01' + CAST(hash(i * 3) % 5000 AS INTEGER),
                   i % 500 = 0, i % 2000 = 0, i % 3000 = 0, 0
            FROM range({persons}) t(i)""")
        con.execute(f"""
            INSERT INTO duo_clevering (import_id, line, levering, persoonsnummer, bsn, gemeentecode, brin, volgnummer,
                onderwijssoort, niveau, datum_inschrijving, datum_uitschrijving, bekostigd, diploma_datum,
                startkwalificatie, pro_vso_getuigschrift)
            SELECT 2, j, 'R0000', p.bsn, NULL, p.gemeente_inschrijving, 'BR' || lpad(CAST(j % 99 AS VARCHAR), 2, '0'), '1',
                   CASE WHEN age < 12 THEN 'PO' WHEN age < 16 THEN 'VO' ELSE 'MBO' END, NULL,
                   DATE '2025-08-15', CASE WHEN j % 40 = 0 THEN DATE '2026-06-30' END, true,
                   CASE WHEN j % 60 = 0 THEN DATE '2026-06-30' END, j % 60 = 0, false
            FROM (SELECT bsn, gemeente_inschrijving, date_diff('year', geboortedatum_vroegst, {d}) AS age,
                         row_number() OVER () AS j
                  FROM brp_personen
                  WHERE date_diff('year', geboortedatum_vroegst, {d}) BETWEEN 4 AND 22 AND hash(bron_regel) % 100 < 99
                  LIMIT {enrolments}) p""")
        con.execute(f"INSERT INTO duo_leveringen VALUES (2, 'C', 'R0000', {d})")
        con.execute("""
            INSERT INTO vrijstellingen_import (import_id, line, persoonsnummer, grondslag, begindatum, einddatum)
            SELECT 4, bron_regel, bsn, CASE WHEN bron_regel % 2 = 0 THEN 'LPW_5_A' ELSE 'LPW_15' END,
                   DATE '2025-08-01', NULL
            FROM brp_personen WHERE bron_regel % 997 = 0""")
        con.execute(f"""
            INSERT INTO verzuimmeldingen (import_id, line, meldingsnummer, meldingsdatum, brin, persoonsnummer,
                soort_verzuim, begindatum, einddatum)
            SELECT 3, bron_regel, 'VM' || bron_regel, {d} - 30, '12AB', bsn, 'LRV', {d} - 60, NULL
            FROM brp_personen WHERE bron_regel % 1499 = 0""")
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                  for t in ("brp_personen", "duo_clevering", "vrijstellingen_import", "verzuimmeldingen")}
        con.execute(f"COPY (SELECT bsn, gemeente_inschrijving, geboortedatum_vroegst FROM brp_personen) "
                    f"TO '{directory / 'personen.parquet'}' (FORMAT parquet)")
        con.execute(f"COPY (SELECT persoonsnummer, datum_inschrijving, datum_uitschrijving FROM duo_clevering) "
                    f"TO '{directory / 'inschrijvingen.parquet'}' (FORMAT parquet)")
    print(f"built {path}: {json.dumps(counts)}")
    return path


def _child(code: str) -> dict:
    """Run `code` in a fresh interpreter (its own peak RSS); it prints one JSON object."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


SIGNALS_CODE = """
import json, resource, time
from datetime import date
from connectors.staging import Staging
from rules.signals import compute_signals
with Staging({path!r}, read_only=True) as st:
    served = [r[0] for r in st.con.execute("SELECT DISTINCT gemeente_inschrijving FROM brp_personen").fetchall()]
    t = time.perf_counter()
    rows = compute_signals(st.con, date.fromisoformat({peil!r}), served).aggregate(
        "signal, count(*) AS n", "signal").fetchall()
    wall = time.perf_counter() - t
print(json.dumps({{"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "counts": dict(rows)}}))
"""

DUCKDB_AV_CODE = """
import json, resource, time, duckdb
con = duckdb.connect(); con.execute("SET threads=2")
t = time.perf_counter()
n = con.execute('''
  SELECT count(*) FROM read_parquet({p!r}) p
  WHERE geboortedatum_vroegst > DATE {peil!r} - INTERVAL 18 YEAR
    AND geboortedatum_vroegst <= DATE {peil!r} - INTERVAL 5 YEAR
    AND NOT EXISTS (SELECT 1 FROM read_parquet({e!r}) e WHERE e.persoonsnummer = p.bsn
                    AND e.datum_inschrijving <= DATE {peil!r}
                    AND (e.datum_uitschrijving IS NULL OR DATE {peil!r} <= e.datum_uitschrijving))
''').fetchall()[0][0]
wall = time.perf_counter() - t
print(json.dumps({{"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "n": n}}))
"""

PANDAS_AV_CODE = """
import json, resource, time
import pandas as pd
t = time.perf_counter()
peil = pd.Timestamp({peil!r})
p = pd.read_parquet({p!r})
e = pd.read_parquet({e!r})
geb = pd.to_datetime(p["geboortedatum_vroegst"])
p = p[(geb > peil - pd.DateOffset(years=18)) & (geb <= peil - pd.DateOffset(years=5))]
start = pd.to_datetime(e["datum_inschrijving"]); end = pd.to_datetime(e["datum_uitschrijving"])
valid = e[(start <= peil) & (end.isna() | (end >= peil))]
merged = p.merge(valid[["persoonsnummer"]].drop_duplicates(), left_on="bsn", right_on="persoonsnummer",
                 how="left", indicator=True)
n = int((merged["_merge"] == "left_only").sum())
wall = time.perf_counter() - t
print(json.dumps({{"wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "n": n}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=5_000_000)
    parser.add_argument("--enrolments", type=int, default=4_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/inbeeld-bench-signals"))
    parser.add_argument("--reuse", action="store_true", help="reuse a staging file built before")
    args = parser.parse_args()
    path = args.dir / "staging.duckdb"
    if not (args.reuse and path.exists()):
        t = time.perf_counter()
        build(args.dir, args.persons, args.enrolments)
        print(f"build: {time.perf_counter() - t:.1f} s")
    peil = PEILDATUM.isoformat()
    p, e = str(args.dir / "personen.parquet"), str(args.dir / "inschrijvingen.parquet")

    sig = _child(SIGNALS_CODE.format(path=str(path), peil=peil))
    print(f"all signals (DuckDB, staging file): {sig['wall']:.2f} s, peak RSS {sig['rss_mb']:.0f} MB")
    for name, n in sorted(sig["counts"].items()):
        print(f"  {name:<26} {n:>9,}")
    dk = _child(DUCKDB_AV_CODE.format(p=p, e=e, peil=peil))
    pd_ = _child(PANDAS_AV_CODE.format(p=p, e=e, peil=peil))
    print(f"absoluut verzuim, DuckDB anti-join over Parquet: {dk['wall']:.2f} s, peak RSS {dk['rss_mb']:.0f} MB "
          f"({dk['n']:,} persons)")
    print(f"absoluut verzuim, pandas merge over Parquet:     {pd_['wall']:.2f} s, peak RSS {pd_['rss_mb']:.0f} MB "
          f"({pd_['n']:,} persons)")
    print(f"pandas / DuckDB ratio: {pd_['wall'] / dk['wall']:.1f}x")


if __name__ == "__main__":
    main()
