"""Vrijstellingsgronden: which obligation a vrijstelling valid on the peildatum covers."""

from datetime import date

import duckdb
import pytest

from rules.dates import PartialDate
from rules.sql import install_macros
from rules.status import StatusCode
from rules.vrijstellingen import GRONDEN_TABEL, Vrijstellingsgrond, past, telt_tegen

D = date.fromisoformat
G = Vrijstellingsgrond
NIET, LP, KP, RMC, GEEN = (StatusCode.NIET_LEERPLICHTIG, StatusCode.LEERPLICHTIG,
                           StatusCode.KWALIFICATIEPLICHTIG, StatusCode.RMC_DOELGROEP, StatusCode.GEEN)


def test_the_codes_of_spec_4_4() -> None:
    assert [g.value for g in G] == ["LPW_5_A", "LPW_5_B", "LPW_5_C", "LPW_5A", "LPW_3A", "LPW_3B", "LPW_15"]


@pytest.mark.parametrize("grond,artikel", [
    (G.LPW_5_A, "art. 5 onder a"), (G.LPW_5_B, "art. 5 onder b"), (G.LPW_5_C, "art. 5 onder c"),
    (G.LPW_5A, "art. 5a"), (G.LPW_3A, "art. 3a"), (G.LPW_3B, "art. 3b"), (G.LPW_15, "art. 15"),
])
def test_each_ground_names_its_article(grond: Vrijstellingsgrond, artikel: str) -> None:
    assert grond.artikel == f"Leerplichtwet 1969 (BWBR0002628) {artikel}"
    assert grond.omschrijving and grond.toelichting


def test_the_5a_trap_two_different_grounds() -> None:
    assert "ongeschikt" in G.LPW_5_A.omschrijving or "niet geschikt" in G.LPW_5_A.omschrijving
    assert "trekkend bestaan" in G.LPW_5A.omschrijving
    assert G.LPW_5_A.artikel.endswith("art. 5 onder a") and G.LPW_5A.artikel.endswith("art. 5a")


@pytest.mark.parametrize("grond,status,expected", [
    (G.LPW_5_A, LP, True), (G.LPW_5_A, KP, True), (G.LPW_5_A, RMC, False),
    (G.LPW_5_B, LP, True), (G.LPW_5_B, KP, True),
    (G.LPW_5_C, LP, True), (G.LPW_5_C, KP, True), (G.LPW_5_C, GEEN, False),
    (G.LPW_5A, LP, True), (G.LPW_5A, KP, False),
    (G.LPW_3A, LP, True), (G.LPW_3A, KP, False),
    (G.LPW_3B, LP, True), (G.LPW_3B, KP, False),
    (G.LPW_15, LP, False), (G.LPW_15, KP, True), (G.LPW_15, RMC, False),
    (G.LPW_5_A, NIET, False),
])
def test_telt_tegen(grond: Vrijstellingsgrond, status: StatusCode, expected: bool) -> None:
    assert telt_tegen(grond, status, D("2025-06-15")) is expected


@pytest.mark.parametrize("peil,expected", [
    ("2025-02-28", False), ("2025-03-01", True), ("2025-07-15", True), ("2025-10-31", True),
    ("2025-11-01", False), ("2025-12-24", False), ("2026-01-15", False),
])
def test_trekkend_bestaan_only_march_to_october(peil: str, expected: bool) -> None:
    assert telt_tegen(G.LPW_5A, LP, D(peil)) is expected
    assert telt_tegen(G.LPW_5_A, LP, D(peil)) is True  # art. 5 onder a knows no season


def test_codes_and_status_strings_are_accepted() -> None:
    assert telt_tegen("lpw_15", "kwalificatieplichtig", D("2025-01-01")) is True
    assert G.from_code(" LPW_5_A ") is G.LPW_5_A


def test_unknown_code_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown vrijstellingsgrond '5a'; use one of LPW_5_A"):
        G.from_code("5a")


# -- which ground the law allows for whom, on the begindatum (rules.vrijstellingen.past) ------------------
# One row per case a jurist can check: ground, birth date as the BRP gives it, begindatum, fits?
# (True: allowed; False: refused; None: the birth date is partly unknown and it depends on the day.)
PAST = [
    # art. 3a: "tenminste de leeftijd van 14 jaar heeft bereikt" — on the 14th birthday, not before
    ("LPW_3A", "20170310", "2026-09-01", False),   # 9 years old (the case found by a user)
    ("LPW_3A", "20120901", "2026-09-01", True),    # 14 on the begindatum itself
    ("LPW_3A", "20120902", "2026-09-01", False),   # 14 one day later
    ("LPW_3A", "20120801", "2026-08-01", True),    # born on the 1st, 14 on 1 August
    ("LPW_3A", "20100731", "2026-08-01", False),   # 16 on 31 July: leerplicht ended that day
    ("LPW_3A", "20110731", "2026-08-01", True),    # 15; the school year in which 16 is still to come
    ("LPW_3A", "20120000", "2026-09-01", None),    # born in 2012: 14 on 1 September or not yet
    ("LPW_3A", "20120100", "2026-09-01", True),    # born in January 2012: 14 for certain
    ("LPW_3A", "20130000", "2026-09-01", False),   # born in 2013: 14 in 2027 at the earliest
    # art. 3b: "het laatste schooljaar, bedoeld in artikel 3, eerste lid, onder a of b" (onder b: turns 16)
    ("LPW_3B", "20101001", "2026-09-01", True),    # turns 16 in school year 2026-2027
    ("LPW_3B", "20100731", "2025-08-01", True),    # turns 16 on the last day of school year 2025-2026
    ("LPW_3B", "20100801", "2025-08-01", False),   # turns 16 in the next school year: not yet the last
    ("LPW_3B", "20111001", "2026-09-01", False),   # 14: two school years to go
    ("LPW_3B", "20100801", "2026-08-01", True),    # born 1 August: 16 on the first day of the last year
    # art. 15: "de in artikel 4a opgelegde verplichtingen" — kwalificatieplicht only
    ("LPW_15", "20180101", "2026-09-01", False),   # 8 years old (the case found by a user)
    ("LPW_15", "20100731", "2026-08-01", True),    # leerplicht ended 31 July: kwalificatieplichtig
    ("LPW_15", "20100801", "2026-08-01", False),   # 16 on 1 August: leerplichtig until 31 July 2027
    ("LPW_15", "20080901", "2026-08-31", True),    # the day before the 18th birthday
    ("LPW_15", "20080901", "2026-09-01", False),   # the 18th birthday: RMC doelgroep
    ("LPW_15", "20100700", "2026-08-01", True),    # born in July 2010: kwalificatieplichtig either way
    ("LPW_15", "20100000", "2026-08-01", None),    # born in 2010: leerplichtig or kwalificatieplichtig
    # art. 5 onder a, b, c: "een school onderscheidenlijk een instelling" — both obligations
    ("LPW_5_A", "20210715", "2026-09-01", True),   # 5 in July: leerplichtig from 1 August
    ("LPW_5_A", "20210801", "2026-09-01", True),   # 5 on 1 August: leerplichtig from 1 September
    ("LPW_5_A", "20210901", "2026-09-01", False),  # 5 on 1 September: leerplichtig from 1 October
    ("LPW_5_B", "20100731", "2026-08-01", True),   # kwalificatieplichtig
    ("LPW_5_C", "20080901", "2026-09-01", False),  # 18: no obligation left to be free of
    ("LPW_5_C", "20080902", "2026-09-01", True),   # 17 for one more day
    ("LPW_5_C", "00000000", "2026-09-01", None),   # birth date unknown
    # art. 5a: "als leerling van een school" — leerplicht only
    ("LPW_5A", "20150301", "2026-03-01", True),
    ("LPW_5A", "20100731", "2026-08-01", False),   # kwalificatieplichtig
]


@pytest.mark.parametrize("grond,geboren,op,expected", PAST)
def test_past_the_table_a_jurist_reads(grond: str, geboren: str, op: str, expected: bool | None) -> None:
    toets = past(grond, geboren, D(op))
    assert toets.past is expected
    assert (toets.reden == "") is (expected is True)
    if expected is not True:
        assert Vrijstellingsgrond.from_code(grond).artikel in toets.reden


def test_a_refusal_says_why_in_dutch() -> None:
    assert past("LPW_3A", "20170310", D("2026-09-01")).reden.endswith(
        "vraagt een jongere die ten minste 14 jaar is (lid 1); de jongere wordt 14 op 10 maart 2031")
    assert past("LPW_15", "20180101", D("2026-09-01")).reden.endswith(
        "geldt alleen voor een jongere die kwalificatieplichtig is; op 1 september 2026 is de jongere "
        "leerplichtig")
    assert "de leerplicht begint op 1 oktober 2026" in past("LPW_5_A", "20210901", D("2026-09-01")).reden
    assert "controleer eerst de geboortedatum" in past("LPW_3A", "20120000", D("2026-09-01")).reden


def test_a_startkwalificatie_ends_what_art_15_frees_from() -> None:
    assert past("LPW_15", "20090301", D("2026-09-01")).past is True
    assert past("LPW_15", "20090301", D("2026-09-01"), sk_datum=D("2026-07-01")).past is False


@pytest.mark.parametrize("grond,geboren,op,expected", [row for row in PAST if row[3] is not None])
def test_the_sql_says_the_same(grond: str, geboren: str, op: str, expected: bool) -> None:
    con = duckdb.connect()
    install_macros(con)
    birth = PartialDate.parse(geboren)
    (sql,) = con.execute("SELECT lpw_vrijstelling_past(?, ?, ?, ?, NULL, NULL)",
                         [grond, birth.earliest, birth.latest, D(op)]).fetchone()
    assert sql is expected


def test_every_ground_has_its_rule_in_words() -> None:
    assert set(GRONDEN_TABEL) == set(Vrijstellingsgrond)
