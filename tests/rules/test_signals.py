"""The signals of docs/spec.md §4.2 against the generator's independent truth, and hand-made edge cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from connectors.brp_schema import create_tables
from connectors.staging import Staging
from connectors.staging_duo import ensure_tables as ensure_duo
from connectors.vrijstellingen_csv import ensure_tables as ensure_vrijstellingen
from rules.parameters import LocalValue, use
from rules.signal_codes import SIGNALS
from rules.signals import (
    ABSOLUUT_VERZUIM,
    BIJNA_LEERPLICHTIG,
    GEEN_INSCHRIJVING_RMC,
    ONBEKEND_IN_BRP,
    THUISZITTER,
    VSV,
    compute_signals,
    person_state,
    signals_as_list,
)
from synthetic.model import KIND, Persoon, Verblijf
from synthetic.truth import beoordeel
from tests.staged_municipality import GEMEENTE, stage

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[date, set, set]]:
    """Four weekly deliveries of a generated municipality, all staged (each BRP format in turn); per
    week the signals as of its peildatum (staging keeps every delivery) and the truth file."""
    municipality = stage(tmp_path_factory.mktemp("gemeente"), persons=1500, seed=11)
    results = []
    with Staging(municipality.staging_path, read_only=True) as st:
        for peildatum in municipality.peildatums:
            got = {(s.signal, s.persoonsnummer, s.gemeentecode, s.sinds.isoformat() if s.sinds else "")
                   for s in signals_as_list(st.con, peildatum, [GEMEENTE])}
            results.append((peildatum, got, municipality.truth(peildatum)))
    return results


def test_signals_equal_the_truth_every_person_every_week(weeks: list[tuple[date, set, set]]) -> None:
    for peildatum, got, truth in weeks:
        assert got - truth == set(), f"{peildatum}: signals the truth does not expect"
        assert truth - got == set(), f"{peildatum}: expected signals not found"


def test_the_generated_weeks_exercise_the_signals(weeks: list[tuple[date, set, set]]) -> None:
    seen = {row[0] for _, got, _ in weeks for row in got}
    for signal in (ABSOLUUT_VERZUIM, GEEN_INSCHRIJVING_RMC, ONBEKEND_IN_BRP, BIJNA_LEERPLICHTIG):
        assert signal in seen
    assert seen <= set(SIGNALS)


# -- hand-made staging: one person at a time ------------------------------------------------------

PEIL = date(2026, 10, 20)
BSN = "999993653"


@pytest.fixture()
def staging(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    with Staging(tmp_path / "staging.duckdb", gemeenten=(GEMEENTE,)) as st:
        con = st.con
        create_tables(con)
        ensure_duo(con)
        ensure_vrijstellingen(con)
        con.execute("""INSERT INTO imports (import_id, kind, file_name, sha256, status, peildatum, started_at)
                       VALUES (1, 'brp', 'b', 'h1', 'loaded', DATE '2026-10-01', now()),
                              (2, 'duo_c', 'c', 'h2', 'loaded', DATE '2026-10-01', now()),
                              (3, 'vrijstellingen', 'v', 'h3', 'loaded', DATE '2026-10-01', now())""")
        con.execute("INSERT INTO duo_leveringen (import_id, soort, levering, leverdatum) "
                    "VALUES (2, 'C', 'G0363', DATE '2026-10-01')")
        yield con


def _person(con: duckdb.DuckDBPyConnection, geboren: str, *, ingeschreven: str = "2015-01-01",
            gemeente: str = GEMEENTE, vroegst: str | None = None, bsn: str = BSN) -> None:
    con.execute("""INSERT INTO brp_personen (import_id, bsn, geboortedatum_vroegst, geboortedatum_laatst,
                       gemeente_inschrijving, datum_inschrijving_gemeente, adres_in_onderzoek, overleden, rni)
                   VALUES (1, ?, ?, ?, ?, ?, false, false, false)""",
                [bsn, vroegst or geboren, geboren, gemeente, ingeschreven])


def _enrolment(con: duckdb.DuckDBPyConnection, begin: str, einde: str | None, soort: str = "VO",
               gemeente: str = GEMEENTE, nummer: str = BSN) -> None:
    con.execute("""INSERT INTO duo_clevering (import_id, line, levering, persoonsnummer, gemeentecode, brin,
                       volgnummer, onderwijssoort, datum_inschrijving, datum_uitschrijving, bekostigd,
                       startkwalificatie, pro_vso_getuigschrift)
                   VALUES (2, 2, 'G0363', ?, ?, '12AB', '1', ?, ?, ?, true, false, false)""",
                [nummer, gemeente, soort, begin, einde])


def _vrijstelling(con: duckdb.DuckDBPyConnection, grond: str, begin: str, einde: str | None = None) -> None:
    con.execute("""INSERT INTO vrijstellingen_import (import_id, line, persoonsnummer, grondslag, begindatum,
                       einddatum) VALUES (3, 2, ?, ?, ?, ?)""", [BSN, grond, begin, einde])


def _signals(con: duckdb.DuckDBPyConnection, peildatum: date = PEIL) -> dict[str, date | None]:
    return {s.signal: s.sinds for s in signals_as_list(con, peildatum, [GEMEENTE])}


def test_unenrolled_leerplichtige_is_absoluut_verzuim_since_the_day_after_leaving(staging) -> None:
    _person(staging, "2014-05-10")
    _enrolment(staging, "2022-08-20", "2026-09-30")
    assert _signals(staging) == {ABSOLUUT_VERZUIM: date(2026, 10, 1)}


def test_leaving_after_the_first_of_october_is_also_vsv(staging) -> None:
    _person(staging, "2014-05-10")
    _enrolment(staging, "2022-08-20", "2026-10-09")
    assert _signals(staging) == {ABSOLUUT_VERZUIM: date(2026, 10, 10), VSV: date(2026, 10, 10)}


def test_absoluut_verzuim_longer_than_four_weeks_makes_a_thuiszitter(staging) -> None:
    _person(staging, "2014-05-10")
    _enrolment(staging, "2022-08-20", "2026-09-30")
    assert _signals(staging, date(2026, 10, 29)) == {ABSOLUUT_VERZUIM: date(2026, 10, 1)}
    assert _signals(staging, date(2026, 10, 30)) == {ABSOLUUT_VERZUIM: date(2026, 10, 1),
                                                      THUISZITTER: date(2026, 10, 1)}


def _lrv(con: duckdb.DuckDBPyConnection, begin: str, einde: str | None = None) -> None:
    """A melding of langdurig relatief verzuim by the school, registered on its first day."""
    from connectors.verzuim_xml import ensure_tables as ensure_verzuim

    ensure_verzuim(con)
    con.execute("INSERT INTO imports (import_id, kind, file_name, sha256, status, peildatum, started_at) "
                "VALUES (4, 'verzuim', 'v', 'h4', 'loaded', DATE '2026-09-01', now())")
    con.execute("""INSERT INTO verzuimmeldingen (import_id, line, meldingsnummer, meldingsdatum,
                       persoonsnummer, soort_verzuim, begindatum, einddatum)
                   VALUES (4, 2, 'M1', ?, ?, 'LRV', ?, ?)""",
                [begin, BSN, begin, einde])


@pytest.mark.parametrize(("enrolled_until", "lrv", "lrv_einde", "peildatum", "expected"), [
    # enrolled, LRV for more than four weeks: a thuiszitter since the LRV began
    (None, "2026-09-01", None, PEIL, {THUISZITTER: date(2026, 9, 1)}),
    (None, "2026-09-23", None, PEIL, {}),                                  # 27 days: not yet
    (None, "2026-09-01", "2026-10-19", PEIL, {}),                          # the LRV ended
    # absoluut verzuim for 19 days and an LRV before it: a thuiszitter since the LRV
    ("2026-09-30", "2026-09-01", None, PEIL, {ABSOLUUT_VERZUIM: date(2026, 10, 1),
                                              THUISZITTER: date(2026, 9, 1)}),
    # absoluut verzuim for 40 days and a later LRV: since the absoluut verzuim began
    ("2026-09-30", "2026-10-05", None, date(2026, 11, 10), {ABSOLUUT_VERZUIM: date(2026, 10, 1),
                                                           THUISZITTER: date(2026, 10, 1)}),
    # absoluut verzuim for 40 days, the LRV under four weeks: the absoluut verzuim decides
    ("2026-09-30", "2026-10-20", None, date(2026, 11, 10), {ABSOLUUT_VERZUIM: date(2026, 10, 1),
                                                           THUISZITTER: date(2026, 10, 1)}),
])
def test_a_thuiszitter_by_lrv_melding_or_long_absoluut_verzuim_since_the_earlier(
        staging, enrolled_until: str | None, lrv: str, lrv_einde: str | None, peildatum: date,
        expected: dict) -> None:
    _person(staging, "2014-05-10")
    _enrolment(staging, "2022-08-20", enrolled_until)
    _lrv(staging, lrv, lrv_einde)
    assert _signals(staging, peildatum) == expected


def test_an_lrv_melding_of_someone_who_does_not_live_here_makes_no_thuiszitter(staging) -> None:
    _person(staging, "2014-05-10", gemeente="0344")
    _enrolment(staging, "2022-08-20", None, gemeente="0344")
    _lrv(staging, "2026-09-01")
    assert _signals(staging) == {}


def test_enrolment_valid_on_the_peildatum_means_no_signal(staging) -> None:
    _person(staging, "2014-05-10")
    _enrolment(staging, "2022-08-20", PEIL.isoformat())  # the last day enrolled is the peildatum
    assert _signals(staging) == {}


@pytest.mark.parametrize("grond,expected", [
    ("LPW_5_A", {}),                                   # art. 5 onder a covers leerplicht
    ("LPW_15", {ABSOLUUT_VERZUIM: date(2026, 10, 1)}),  # art. 15 only covers kwalificatieplicht
])
def test_vrijstelling_counts_only_against_what_it_covers(staging, grond: str, expected: dict) -> None:
    _person(staging, "2014-05-10")
    _enrolment(staging, "2022-08-20", "2026-09-30")
    _vrijstelling(staging, grond, "2026-10-01")
    assert _signals(staging) == expected


@pytest.mark.parametrize("peildatum,expected", [
    (date(2026, 10, 26), {}),                                         # trekkend seizoen: March-October
    (date(2026, 11, 2), {ABSOLUUT_VERZUIM: date(2026, 10, 1),        # not in November
                         THUISZITTER: date(2026, 10, 1)}),
])
def test_trekkend_bestaan_covers_only_march_to_october(staging, peildatum: date, expected: dict) -> None:
    _person(staging, "2014-05-10")
    _enrolment(staging, "2022-08-20", "2026-09-30")
    _vrijstelling(staging, "LPW_5A", "2026-03-01")
    assert _signals(staging, peildatum) == expected


@pytest.mark.parametrize("peildatum,expected", [
    (date(2026, 10, 28), {}),                                   # 27 days after moving in: grace
    (date(2026, 10, 29), {ABSOLUUT_VERZUIM: date(2026, 10, 1)}),  # 4 weeks after: the signal
])
def test_grace_after_moving_in(staging, peildatum: date, expected: dict) -> None:
    _person(staging, "2014-05-10", ingeschreven="2026-10-01")
    assert _signals(staging, peildatum) == expected


def test_eighteen_to_twenty_three_without_enrolment(staging) -> None:
    _person(staging, "2007-03-15")
    _enrolment(staging, "2023-08-20", "2025-07-31", soort="MBO")
    assert _signals(staging) == {GEEN_INSCHRIJVING_RMC: date(2025, 8, 1)}


def test_enrolment_of_a_non_resident_is_onbekend_in_brp(staging) -> None:
    _enrolment(staging, "2024-08-20", None, nummer="101234567")
    rows = compute_signals(staging, PEIL, [GEMEENTE]).fetchall()
    assert [(r[0], r[1], r[4]) for r in rows] == [(ONBEKEND_IN_BRP, "101234567", date(2024, 8, 20))]


def test_partial_birth_date_that_leaves_the_status_open_is_flagged_not_signalled(staging) -> None:
    # born in 2008, day and month unknown: 17 or 18 on the peildatum
    _person(staging, "2008-12-31", vroegst="2008-01-01")
    assert _signals(staging) == {"CONTROLE_GEBOORTEDATUM": None}


def test_person_state_explains_why_a_signal_is_gone(staging) -> None:
    _person(staging, "2014-05-10")
    _enrolment(staging, "2022-08-20", None)
    staging.execute("""INSERT INTO brp_personen (import_id, bsn, geboortedatum_vroegst, geboortedatum_laatst,
                           gemeente_inschrijving, adres_in_onderzoek, overleden, rni)
                       VALUES (1, '999990639', '2012-01-01', '2012-01-01', '0599', false, false, false),
                              (1, '999991425', '2012-01-01', '2012-01-01', '0363', false, true, false)""")
    state = person_state(staging, PEIL, [GEMEENTE], [BSN, "999990639", "999991425", "123456782"])
    assert set(state) == {BSN, "999990639", "999991425"}
    assert state[BSN]["resident"] and state[BSN]["geldig"] and state[BSN]["status"] == "leerplichtig"
    assert not state["999990639"]["resident"] and state["999990639"]["gemeentecode"] == "0599"
    assert state["999991425"]["overleden"] and not state["999991425"]["resident"]


@pytest.mark.parametrize(("geboren", "expected"), [
    ("2003-10-21", {VSV: date(2026, 10, 10), GEEN_INSCHRIJVING_RMC: date(2026, 10, 10)}),  # 23 tomorrow
    # 23 on the peildatum: no vsv'er any more (vsv_leeftijd 23), still in the RMC doelgroep (27 since 2026)
    ("2003-10-20", {GEEN_INSCHRIJVING_RMC: date(2026, 10, 10)}),
    ("2003-10-19", {GEEN_INSCHRIJVING_RMC: date(2026, 10, 10)}),
    ("1999-10-21", {GEEN_INSCHRIJVING_RMC: date(2026, 10, 10)}),  # 27 tomorrow
    ("1999-10-20", {}),  # 27 on the peildatum: past the RMC age
])
def test_vsv_ends_at_the_23rd_birthday_and_the_rmc_signal_at_the_27th(staging, geboren: str,
                                                                       expected: dict) -> None:
    """`vsv_leeftijd` (the statistical definition, 23) and `rmc_leeftijd` (27 since 1 January 2026) are
    two dated parameters: a vsv'er is younger than 23, the RMC doelgroep runs up to 27."""
    _person(staging, geboren)
    _enrolment(staging, "2023-08-20", "2026-10-09", soort="MBO")
    assert _signals(staging) == expected


# -- local policy per gemeente: the SQL and the Python reference read the same values ----------------

REGIO = ("0363", "0599")


def _resident(bsn: str, geboren: str, gemeente: str, ingeschreven: str) -> Persoon:
    """The truth's view of a resident without enrolments (the same facts `_person` stages)."""
    birth = date.fromisoformat(geboren)
    verblijf = Verblijf(gemeente, date.fromisoformat(ingeschreven), date.fromisoformat(ingeschreven), None)
    return Persoon(bsn, "1234567890", KIND, "Test", "", "Persoon", "O", birth, birth.strftime("%Y%m%d"),
                   gemeente, verblijven=[verblijf])


def test_each_gemeente_of_a_region_has_its_own_local_policy_in_sql_and_python(staging) -> None:
    """Two served gemeenten with different grace, wait and window: a teenager who moved in and a child
    nearly five in each, on the days around each gemeente's boundary. The bulk SQL (a CASE on the
    gemeentecode) and the truth (`value(..., gemeente=...)`) agree, and the boundaries differ."""
    people = [_resident("999990011", "2014-05-10", "0363", "2026-10-01"),
              _resident("999990022", "2014-05-10", "0599", "2026-10-01"),
              _resident("999990033", "2021-12-15", "0363", "2021-12-15"),
              _resident("999990044", "2021-12-15", "0599", "2021-12-15")]
    for p in people:
        verblijf = p.verblijven[0]
        _person(staging, p.geboortedatum.isoformat(), ingeschreven=verblijf.datum_inschrijving.isoformat(),
                gemeente=verblijf.gemeentecode, bsn=p.bsn or "")
    days = [date(2026, 10, d) for d in (1, 28, 29, 30, 31)] + [date(2026, 11, d) for d in (1, 11, 12)]
    got: dict[date, set[tuple[str, str, str, date | None]]] = {}
    try:
        rotterdam = "Collegebesluit Rotterdam (test)"
        use({"thuiszitter_wachttijd_absoluut_verzuim": LocalValue(4, "Regiobesluit (test)")},
            {"0363": {"bijna_leerplichtig_venster": LocalValue(3, "Collegebesluit Amsterdam (test)")},
             "0599": {"marge_na_vestiging": LocalValue(6, rotterdam),
                      "thuiszitter_wachttijd_absoluut_verzuim": LocalValue(0, rotterdam)}})
        for day in days:
            sql = {(s.signal, s.persoonsnummer, s.gemeentecode, s.sinds)
                   for s in signals_as_list(staging, day, REGIO)}
            truth = {(s.signal, s.persoonsnummer, s.gemeentecode, s.sinds)
                     for p in people for s in beoordeel(p, day, frozenset(REGIO)).signalen}
            assert sql == truth, day
            got[day] = sql
    finally:
        use({})
    moved_in = date(2026, 10, 1)  # the children's leerplicht starts on 1 January 2027
    assert got[date(2026, 10, 1)] == {(BIJNA_LEERPLICHTIG, "999990033", "0363", moved_in)}  # 3 months
    assert (ABSOLUUT_VERZUIM, "999990011", "0363", moved_in) in got[date(2026, 10, 29)]  # 4 weeks
    assert (THUISZITTER, "999990011", "0363", moved_in) in got[date(2026, 10, 30)] - got[date(2026, 10, 29)]
    assert (BIJNA_LEERPLICHTIG, "999990044", "0599", date(2026, 11, 1)) in got[date(2026, 11, 1)]  # 2 months
    assert {s[1] for s in got[date(2026, 11, 11)] if s[0] != BIJNA_LEERPLICHTIG} == {"999990011"}
    assert got[date(2026, 11, 12)] - got[date(2026, 11, 11)] == {  # 6 weeks, then no wait
        (ABSOLUUT_VERZUIM, "999990022", "0599", moved_in), (THUISZITTER, "999990022", "0599", moved_in)}
