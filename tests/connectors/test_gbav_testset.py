"""The public GBA-V test set (fixtures/gbav, RvIG, EUPL-1.2): a real LO3 file nobody here wrote.

Every persoonslijst is staged or refused with its reason, history rows are never persons, and every
resident child of the served gemeenten is in the check (docs/spec.md §6, no one lost) — among them the
7-year-old in Amsterdam whose parent's birth date (19821291) is not a date.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from brp_helpers import FIXTURES

from connectors.brp import import_brp
from connectors.persoonsnummer import is_bsn
from connectors.staging import Staging
from rules.signals import (
    ABSOLUUT_VERZUIM,
    CONTROLE_GEBOORTEDATUM,
    ONVOLLEDIGE_PERSOONSLIJST,
    person_state,
    signals_as_list,
)

GBAV = FIXTURES.parent / "gbav" / "gbav-testset-20220502.csv"
SERVED = ("0363", "0518", "0599")  # Amsterdam, 's-Gravenhage, Rotterdam
PEIL = date(2026, 10, 1)
GIRL = "999996502"  # born 1 September 2019, Amsterdam; ouder 1 born "19821291"


def _rows() -> list[list[str]]:
    with GBAV.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def _born(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def resident_children() -> dict[str, int]:
    """BSN -> line of every persoonslijst of the served gemeenten that is a resident (not deceased,
    not suspended, not RNI) and may be under 18 on PEIL: born after PEIL - 18 years, or with a birth
    date that is partly unknown or not a date. Read with the csv module, independent of the reader."""
    rows = _rows()
    col = {name: rows[0].index(name) for name in ("01.01.20", "01.03.10", "08.09.10", "06.08.10", "07.67.20")}
    eighteen_ago = PEIL.replace(year=PEIL.year - 18)
    out = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row[0].strip():
            continue  # a history row
        bsn, born = row[col["01.01.20"]], row[col["01.03.10"]]
        if (row[col["08.09.10"]] not in SERVED or row[col["06.08.10"]].strip()
                or row[col["07.67.20"]].strip()):
            continue
        exact = _born(born)
        if exact is None or exact > eighteen_ago:
            out[bsn] = line
    return out


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gbav")
    file = folder / GBAV.name
    shutil.copyfile(GBAV, file)
    with Staging(folder / "staging.duckdb", gemeenten=SERVED) as st:
        result = import_brp(st, file, duplicates="quarantine")
        assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (687, 675, 12)
        assert result.details["kept_with_faults"] == 6 and result.details["onvolledig"] == 2
    return folder / "staging.duckdb"


def test_every_persoonslijst_is_staged_or_refused_with_its_reason(staged: Path) -> None:
    rows = _rows()
    labelled = {n for n, row in enumerate(rows[1:], start=2) if row[0].strip()}
    history = set(range(2, len(rows) + 1)) - labelled
    assert len(labelled) == 687
    with Staging(staged, read_only=True) as st:
        loaded = {r for (r,) in st.con.execute("SELECT bron_regel FROM brp_personen").fetchall()}
        faults = st.con.execute("SELECT line, field, value, reason FROM quarantine").fetchall()
        hist_rows = {r for (r,) in st.con.execute("SELECT DISTINCT bron_regel FROM brp_historie").fetchall()}
    refused = {line for line, _, _, reason in faults if "geweigerd" in reason or "dubbel BSN" in reason}
    assert loaded | refused == labelled and not loaded & refused
    # refused: the two persoonslijsten without a BSN, and the five BSNs on two persoonslijsten each
    assert sorted((line, field) for line, field, _, _ in faults if line in refused) == sorted(
        [(604, "bsn"), (668, "bsn")] + [(n, "bsn") for n in (135, 709, 387, 563, 1001, 1109, 1167, 1389,
                                                              1570, 1719)])
    # kept: each fault names its line, field and value, and says the field was left empty
    kept = sorted((line, field, value) for line, field, value, _ in faults if line not in refused)
    assert kept == [
        (899, "opschorting_datum", "00002014"),
        (1071, "geboortedatum", None),
        (1569, "datum_aanvang_adres", "19660013"),
        (1569, "datum_inschrijving_gemeente", "19660013"),
        (1569, "geboortedatum", "19660013"),
        (1662, "ouder1_geboortedatum", "19821291"),
        (1692, "datum_overlijden", "05"),
        (1827, "ouder2_geboortedatum", "19480538"),
    ]
    assert all("geladen met dit veld leeg" in reason
               for line, _, _, reason in faults if line not in refused)
    assert hist_rows <= history and not history & (loaded | refused)


def test_the_girl_whose_parent_has_a_bad_birth_date_is_staged_without_it(staged: Path) -> None:
    with Staging(staged, read_only=True) as st:
        row = st.con.execute(
            "SELECT bron_regel, geboortedatum_vroegst, gemeente_inschrijving, ouder1_geboortedatum, "
            "ouder2_geboortedatum, onvolledig FROM brp_personen WHERE bsn = ?", [GIRL]).fetchone()
        signals = {s.signal for s in signals_as_list(st.con, PEIL, SERVED) if s.persoonsnummer == GIRL}
    assert row[:3] == (1662, date(2019, 9, 1), "0363")
    assert row[3] is None and row[4] is not None and row[5] is None
    # no enrolment delivered: she is found absent (and, long absent, a thuiszitter); her own
    # persoonslijst is complete, so no ONVOLLEDIGE_PERSOONSLIJST
    assert ABSOLUUT_VERZUIM in signals and ONVOLLEDIGE_PERSOONSLIJST not in signals


def test_every_resident_child_of_the_served_gemeenten_is_in_the_check(staged: Path) -> None:
    children = resident_children()
    assert GIRL in children and len(children) == 37
    with Staging(staged, read_only=True) as st:
        states = person_state(st.con, PEIL, SERVED, children)
        signals = {(s.persoonsnummer, s.signal) for s in signals_as_list(st.con, PEIL, SERVED)}
    missing = []
    for bsn, line in sorted(children.items(), key=lambda item: item[1]):
        state = states.get(bsn)
        in_check = state is not None and state["resident"] and (
            state["status"] is not None or (bsn, CONTROLE_GEBOORTEDATUM) in signals
            or (bsn, ONVOLLEDIGE_PERSOONSLIJST) in signals)
        if not in_check:
            missing.append((line, bsn))
    assert missing == []
    assert all(is_bsn(bsn) for bsn in children)
