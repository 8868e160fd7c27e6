"""The readers on the synthetic municipality (synthetic/, docs/formats.md §5): five weeks of DUO
deliveries and reports, verzuimmeldingen and vrijstellingen for two gemeenten load without a
refusal or a quarantined row, and the enrolment state in staging gives every resident the same
enrolled / startkwalificatie / vrijstelling as the generator's truth, week by week."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from connectors.deliveries import load
from connectors.staging import Staging
from synthetic import generate

GEMEENTEN = ("0363", "0599")


@pytest.fixture(scope="module")
def municipality(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("synthetic")
    manifest = generate(out, 800, 11, GEMEENTEN, weeks=5, workers=1)
    return out, manifest


def _persons(folder: Path) -> list[dict[str, str]]:
    [path] = folder.glob("truth/persons-*.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter=";") if row["INGEZETENE"] == "J"]


def _numbers(st: Staging, sql: str, peildatum) -> set[str]:
    rows = st.con.execute(sql, [peildatum] * sql.count("?")).fetchall()
    return {n for row in rows for n in row if n}


def test_a_synthetic_municipality_loads_cleanly_and_agrees_with_the_truth(municipality,
                                                                          tmp_path: Path) -> None:
    out, manifest = municipality
    with Staging(tmp_path / "staging.duckdb") as st:
        for d in manifest.peildatums:
            folder = out / d.isoformat()
            # enrolments first (C before P is the file order of a week), then the monthly reports
            duo = (sorted(folder.glob("duo/duo-*.csv")) + sorted(folder.glob("duo/2*.csv"))
                   + sorted(folder.glob("duo/N*.csv")))
            for path in duo:
                # a VSV list with last month's bytes is the same delivery again
                assert load(st, path).status in (("loaded", "duplicate") if path.name.startswith("N")
                                                 else ("loaded",)), path
            for path in sorted(folder.glob("verzuim/*.xml")):
                load(st, path)
            for path in sorted(folder.glob("vrijstellingen/*.csv")):
                load(st, path)
            assert st.quarantine() == []

            # the state per gemeente, as DUO delivers it: a moved person's old gemeente keeps the row
            # with the new woongemeente, so only rows whose woongemeente is the levering's count
            enrolled = _numbers(st, """
                SELECT persoonsnummer, bsn FROM duo_inschrijvingen_actueel
                WHERE levering = 'G' || gemeentecode AND datum_inschrijving <= ?
                  AND (datum_uitschrijving IS NULL OR ? <= datum_uitschrijving)""", d)
            sk = _numbers(st, """
                SELECT persoonsnummer, bsn FROM duo_inschrijvingen_actueel
                WHERE levering = 'G' || gemeentecode AND startkwalificatie""", d)
            vrijgesteld = _numbers(st, """
                SELECT persoonsnummer FROM vrijstellingen_actueel
                WHERE begindatum <= ? AND (einddatum IS NULL OR ? <= einddatum)""", d)
            residents = _persons(folder)
            assert len(residents) > 500
            for person in residents:
                number = person["PERSOONSNUMMER"]
                assert (number in enrolled) == (person["INGESCHREVEN"] == "J"), (d, person)
                assert (number in sk) == bool(person["STARTKWALIFICATIE"]), (d, person)
                assert (number in vrijgesteld) == bool(person["VRIJSTELLING"]), (d, person)

        kinds = dict(st.con.execute("SELECT kind, count(*) FROM imports GROUP BY ALL").fetchall())
        assert kinds["duo_c"] == 2 and kinds["duo_p"] == 8
        # verzuim files are known by content alone: an empty file twice is the same file again
        verzuim_files = {hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("*/verzuim/*.xml")}
        assert kinds["verzuim"] == len(verzuim_files)
        assert {"duo_a01", "duo_a02", "duo_a04", "duo_a05", "duo_a06", "duo_nrsp", "duo_nenr"} <= set(kinds)
        versions, meldingen = st.con.execute(
            "SELECT count(*), count(DISTINCT meldingsnummer) FROM verzuimmeldingen").fetchone()
        assert meldingen == st.con.execute("SELECT count(*) FROM verzuimmeldingen_actueel").fetchone()[0]
        assert versions >= meldingen > 0
