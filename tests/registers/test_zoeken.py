"""Finding people (issue 14 item 6): `registers.zoeken`, `inbeeld zoek` and `inbeeld persoon show` on a
real staging file (BRP and DUO imported by the connectors) and real registers (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from cli import main
from connectors import brp_zoekindex
from connectors.deliveries import load
from connectors.persoonsnummer import is_onderwijsnummer
from connectors.staging import Staging
from registers.case_sync import sync_cases
from registers.codes import LetterKind, LetterStatus, MeldingStatus, ReasonCode, VerzuimSoort
from registers.errors import Refused
from registers.models import AuditEntry, Letter, Verzuimmelding, Vrijstelling
from registers.zoeken import lees_vraag, persoonskaart, zoek
from rules.vrijstellingen import Vrijstellingsgrond
from tests.named_user import add_tester
from tests.registers.factories import BSNS, WEEK1, signal_row
from tests.reports.staging_files import write_c

KIND, VADER, MOEDER, ANDRE, OOM = BSNS[:5]
KENMERK = "LP-20260907-0001"
LO3 = {  # field -> LO3 element of the labelled CSV (docs/formats.md §1.2)
    "bsn": "01.01.20", "voornamen": "01.02.10", "voorvoegsel": "01.02.30", "geslachtsnaam": "01.02.40",
    "geboortedatum": "01.03.10", "geslacht": "01.04.10",
    "ouder1_bsn": "02.01.20", "ouder1_voornamen": "02.02.10", "ouder1_voorvoegsel": "02.02.30",
    "ouder1_geslachtsnaam": "02.02.40",
    "ouder2_bsn": "03.01.20", "ouder2_voornamen": "03.02.10", "ouder2_geslachtsnaam": "03.02.40",
    "gemeente": "08.09.10", "straat": "08.11.10", "huisnummer": "08.11.20", "huisletter": "08.11.30",
    "toevoeging": "08.11.40", "postcode": "08.11.60", "woonplaats": "08.11.70", "gezag": "11.32.10",
}
KERKSTRAAT = {"gemeente": "0363", "straat": "Kerkstraat", "huisnummer": "12", "huisletter": "A",
              "toevoeging": "2", "postcode": "1017GC", "woonplaats": "Amsterdam"}
PERSONS = [
    {"bsn": KIND, "voornamen": "Sanne Maria", "voorvoegsel": "de", "geslachtsnaam": "Vries",
     "geboortedatum": "20120902", "geslacht": "V", "ouder1_bsn": VADER, "ouder1_voornamen": "Johannes",
     "ouder1_voorvoegsel": "de", "ouder1_geslachtsnaam": "Vries", "ouder2_bsn": MOEDER,
     "ouder2_voornamen": "Sophie", "ouder2_geslachtsnaam": "Berg", "gezag": "1", **KERKSTRAAT},
    {"bsn": VADER, "voornamen": "Johannes", "voorvoegsel": "de", "geslachtsnaam": "Vries",
     "geboortedatum": "19840211", "geslacht": "M", **KERKSTRAAT},
    {"bsn": MOEDER, "voornamen": "Sophie", "geslachtsnaam": "Berg", "geboortedatum": "19860530",
     "geslacht": "V", "gemeente": "0363", "straat": "Dorpsweg", "huisnummer": "3", "postcode": "1234AB",
     "woonplaats": "Amsterdam"},
    # diacritics, a birth date known to the month only, no record in the registers
    {"bsn": ANDRE, "voornamen": "André", "geslachtsnaam": "Pérez", "geboortedatum": "20120300",
     "geslacht": "M", "gemeente": "0363", "straat": "Dorpsweg", "huisnummer": "5", "postcode": "1234AB",
     "woonplaats": "Amsterdam"},
    {"bsn": OOM, "voornamen": "Karel", "geslachtsnaam": "Vriesema", "geboortedatum": "19700101",
     "geslacht": "M", "gemeente": "0599", "straat": "Coolsingel", "huisnummer": "1", "postcode": "3011AD",
     "woonplaats": "Rotterdam"},
]


def onderwijsnummer() -> str:
    for candidate in range(100_000_000, 100_100_000):
        if is_onderwijsnummer(str(candidate)):
            return str(candidate)
    raise AssertionError("no onderwijsnummer")


ONDERWIJSNUMMER = onderwijsnummer()


def write_brp(path: Path, persons: list[dict[str, str]]) -> Path:
    fields = list(LO3)
    lines = [";" + ";".join(LO3[f] for f in fields)]
    lines += [f"Lg01_{n};" + ";".join(p.get(f, "") for f in fields) for n, p in enumerate(persons, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def staging_file(tmp_path_factory) -> Path:
    """A staging file with a BRP delivery and a DUO C-levering, imported the one way in."""
    root = tmp_path_factory.mktemp("zoeken")
    duo = write_c(root / "duo-G0363-C-20260907.csv", [
        {"persoonsnummer": KIND, "geboortedatum": "2012-09-02", "brin": "12AB", "onderwijssoort": "PO",
         "niveau": "PO", "datum_inschrijving": "2016-08-22", "datum_uitschrijving": "2024-07-12"},
        {"persoonsnummer": KIND, "geboortedatum": "2012-09-02", "brin": "34CD", "onderwijssoort": "VO",
         "niveau": "HAVO", "datum_inschrijving": "2024-08-26"},
        {"persoonsnummer": ONDERWIJSNUMMER, "geboortedatum": "2011-05-04", "brin": "56EF",
         "onderwijssoort": "VO", "niveau": "VMBO", "datum_inschrijving": "2023-08-28"},
    ])
    path = root / "data" / "staging.duckdb"
    path.parent.mkdir()
    with Staging(path, gemeenten=("0363",)) as st:
        assert load(st, write_brp(root / "brp-G0363-20260907.lo3.csv", PERSONS), "brp").status == "loaded"
        assert load(st, duo, "duo_c").status == "loaded"
    return path


@pytest.fixture
def con(staging_file: Path):
    connection = duckdb.connect(str(staging_file), read_only=True)
    yield connection
    connection.close()


@pytest.fixture
def records(session: Session) -> Session:
    """Sanne has a case, a letter, a verzuimmelding and a vrijstelling; André has no record at all."""
    sync_cases(session, WEEK1, [signal_row(KIND, ReasonCode.ABSOLUUT_VERZUIM, sinds=date(2026, 8, 24))], {})
    case_id = session.scalar(text("SELECT id FROM cases"))
    now = datetime(2026, 9, 7, 9, 0)
    session.add(Letter(onderwerp="Absoluut verzuim", case_id=case_id, persoonsnummer=KIND,
                       soort=LetterKind.ABSOLUUT_VERZUIM, rang=1, geadresseerde="ouder1",
                       status=LetterStatus.AANGEMAAKT, kenmerk=KENMERK, datum=WEEK1, recorded_at=now,
                       run="20260907", bestand=f"0001-absoluut_verzuim-{KENMERK}.docx"))
    session.add(Verzuimmelding(meldingsnummer="M-0001", brin="34CD", persoonsnummer=KIND,
                               soort=VerzuimSoort.ZESTIEN_UUR_VIER_WEKEN, begindatum=date(2026, 9, 1),
                               status=MeldingStatus.GEREGISTREERD, status_datum=date(2026, 9, 2)))
    session.add(Vrijstelling(persoonsnummer=KIND, grond=Vrijstellingsgrond("LPW_5_A"),
                             begindatum=date(2026, 8, 1)))
    session.commit()
    return session


def numbers(result) -> list[str]:
    return [person.persoonsnummer for person in result.gevonden]


def test_a_surname_prefix_then_every_word_of_a_name(records: Session, con) -> None:
    assert numbers(zoek(records, con, "vri")) == [VADER, KIND, OOM]  # surname prefix, by surname and name
    assert numbers(zoek(records, con, "de vries")) == [VADER, KIND]  # with the voorvoegsel
    assert numbers(zoek(records, con, "Sanne  VRIES")) == [KIND]  # every word in the full name
    sanne = zoek(records, con, "sanne vries").gevonden[0]
    assert (sanne.naam, sanne.adres) == ("Sanne Maria de Vries", "Kerkstraat 12A-2, 1017 GC Amsterdam")
    assert [r.signal for case in sanne.zaken for r in case.reasons] == [ReasonCode.ABSOLUUT_VERZUIM]


def test_diacritics_and_case_do_not_matter(records: Session, con) -> None:
    for typed in ("perez", "PÉREZ", "andre", "André Pérez", "pére"):
        assert numbers(zoek(records, con, typed)) == [ANDRE], typed


def test_by_bsn_onderwijsnummer_kenmerk_and_address(records: Session, con) -> None:
    assert numbers(zoek(records, con, KIND)) == [KIND]
    assert numbers(zoek(records, con, f"{KIND[:4]}.{KIND[4:6]}.{KIND[6:]}")) == [KIND]
    assert numbers(zoek(records, con, ONDERWIJSNUMMER)) == [ONDERWIJSNUMMER]  # DUO only
    assert numbers(zoek(records, con, KENMERK.lower())) == [KIND]
    assert numbers(zoek(records, con, "1017 GC 12")) == [VADER, KIND]
    assert numbers(zoek(records, con, "1017gc12a")) == [VADER, KIND]
    assert numbers(zoek(records, con, "1234 AB")) == [MOEDER, ANDRE]  # a postcode alone: every number
    assert [lees_vraag(t).soort for t in ("1234AB 5", KENMERK, KIND, "van der Berg")] == [
        "adres", "kenmerk", "nummer", "naam"]


def test_a_partial_birth_date_is_shown_as_far_as_it_is_known(records: Session, con) -> None:
    andre = zoek(records, con, "pérez").gevonden[0]
    assert andre.as_row("naam")["geboortedatum"] == "2012-03"
    assert andre.geboortedatum.format_nl() == "maart 2012"
    assert zoek(records, con, "sanne vries").gevonden[0].as_row("naam")["geboortedatum"] == date(2012, 9, 2)


def test_nothing_found_says_so_and_a_bad_number_is_refused(records: Session, con) -> None:
    assert zoek(records, con, "Zzyzxnaam").melding == "Niemand gevonden met de naam 'Zzyzxnaam'."
    assert zoek(records, con, BSNS[9]).melding.startswith(f"Niemand gevonden met nummer {BSNS[9]}")
    assert zoek(records, con, "LP-20990101-0001").melding == "Geen brief met kenmerk LP-20990101-0001."
    with pytest.raises(Refused, match="elfproef"):
        zoek(records, con, "123456789")
    with pytest.raises(Refused, match="ten minste twee tekens"):
        zoek(records, con, " a ")


def test_a_user_of_one_gemeente_finds_its_residents_only(records: Session, con) -> None:
    assert numbers(zoek(records, con, "vri", gemeenten=("0599",))) == [OOM]
    assert numbers(zoek(records, con, KIND, gemeenten=("0599",))) == []
    with pytest.raises(Refused, match="Niemand gevonden"):
        persoonskaart(records, con, KIND, gemeenten=("0599",))


def test_every_person_shown_is_audited(records: Session, con) -> None:
    before = records.scalar(select(func.count()).select_from(AuditEntry))
    zoek(records, con, "vri")
    records.commit()
    rows = records.scalars(select(AuditEntry).where(AuditEntry.action == "zoeken.gevonden")).all()
    assert len(rows) == 4  # three persons and Sanne's case
    assert {row.actor for row in rows} == {"tester"}
    assert {(row.entity, row.entity_id is None) for row in rows} == {("personen", True), ("dossiers", False)}
    assert all(row.person_hash and KIND not in (row.detail or "") for row in rows)
    assert records.scalar(select(func.count()).select_from(AuditEntry)) == before + 4


def test_the_card_of_a_person_with_records(records: Session, con) -> None:
    kaart = persoonskaart(records, con, KIND)
    records.commit()
    assert (kaart.naam, kaart.geboortedatum.format_nl(), kaart.gemeentecode) == (
        "Sanne Maria de Vries", "2 september 2012", "0363")
    assert [(o.persoonsnummer, o.naam, o.gezag) for o in kaart.ouders] == [
        (VADER, "Johannes de Vries", True), (MOEDER, "Sophie Berg", False)]
    assert kaart.ouders[1].adres == "Dorpsweg 3, 1234 AB Amsterdam"
    assert kaart.gezag == "Johannes de Vries"
    assert [(s.school, s.begin, s.einde) for s in kaart.inschrijvingen] == [
        ("12AB", date(2016, 8, 22), date(2024, 7, 12)), ("34CD", date(2024, 8, 26), None)]
    assert ([r.signal for c in kaart.zaken for r in c.reasons], [b.kenmerk for b in kaart.brieven],
            [m.meldingsnummer for m in kaart.meldingen], [v.grond.value for v in kaart.vrijstellingen]) == (
        [ReasonCode.ABSOLUUT_VERZUIM], [KENMERK], ["M-0001"], ["LPW_5_A"])
    audited = records.execute(select(AuditEntry.entity, AuditEntry.detail).where(
        AuditEntry.action == "persoon.getoond")).all()
    assert sorted(entity for entity, _ in audited) == [
        "dossiers", "letters", "personen", "personen", "personen", "verzuimmeldingen", "vrijstellingen"]
    assert sorted(detail for entity, detail in audited if entity == "personen") == [
        "ouder", "ouder", "persoonskaart"]


def test_a_person_in_staging_only_and_one_known_nowhere(records: Session, con) -> None:
    kaart = persoonskaart(records, con, ANDRE)
    assert kaart.in_brp and kaart.naam == "André Pérez" and kaart.gezag == "niet vermeld in de BRP"
    assert (kaart.zaken, kaart.brieven, kaart.meldingen, kaart.vrijstellingen, kaart.inschrijvingen) == (
        [], [], [], [], [])
    duo_only = persoonskaart(records, con, ONDERWIJSNUMMER)
    assert not duo_only.in_brp and duo_only.geboortedatum.format_nl() == "4 mei 2011"
    with pytest.raises(Refused, match=f"Niemand gevonden met nummer {BSNS[9]}"):
        persoonskaart(records, con, BSNS[9])


def test_the_search_columns_come_with_the_delivery_and_are_made_for_an_old_file(tmp_path: Path) -> None:
    path = tmp_path / "staging.duckdb"
    with Staging(path) as st:  # a delivery staged before the search columns, beside the old index table
        load(st, write_brp(tmp_path / "brp-G0363-20260831.lo3.csv", PERSONS[:2]), "brp")
        st.con.execute("ALTER TABLE brp_personen DROP COLUMN zoek_naam")
        st.con.execute("ALTER TABLE brp_personen DROP COLUMN zoek_geslachtsnaam")
        st.con.execute("CREATE TABLE brp_zoekindex AS SELECT import_id, bsn FROM brp_personen")
    with Staging(path, read_only=True) as st:
        assert brp_zoekindex.relation(st.con) == brp_zoekindex.TEMP_TABLE
        assert [row["bsn"] for row in brp_zoekindex.by_name(st.con, "vries", 10)] == [VADER, KIND]
        assert [row["voornamen"] for row in brp_zoekindex.by_address(st.con, "1017GC", 12, 10)] == [
            "Johannes", "Sanne Maria"]
    with Staging(path) as st:
        load(st, write_brp(tmp_path / "brp-G0363-20260907.lo3.csv", PERSONS[2:]), "brp")
        newest = st.latest_import_id("brp")
        # the old delivery's rows gained the columns empty; the new one's are filled, the old table is gone
        assert st.con.execute("SELECT import_id, count(zoek_naam) FROM brp_personen GROUP BY 1 ORDER BY 1"
                              ).fetchall() == [(newest - 1, 0), (newest, 3)]
        assert not st.con.execute("FROM duckdb_tables() WHERE table_name = 'brp_zoekindex'").fetchall()
        assert brp_zoekindex.relation(st.con) == f"(SELECT * FROM brp_personen WHERE import_id = {newest})"
        assert [row["bsn"] for row in brp_zoekindex.by_name(st.con, "vries", 10)] == [OOM]  # the newest only
        assert st.con.execute("SELECT zoek_geslachtsnaam, zoek_naam FROM brp_personen WHERE bsn = ?",
                              [ANDRE]).fetchone() == ("perez", "andre perez")


@pytest.fixture
def run(db_url: str, staging_file: Path, tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "staging.duckdb").symlink_to(staging_file)
    add_tester(data, db_url, login="lpa", rol="lpa")
    by = add_tester(data, db_url)

    def invoke(*args: str, user: list[str] = by) -> Result:
        return CliRunner().invoke(main, ["--data-dir", str(data), "--db-url", db_url, *args, *user])
    return invoke


def test_persoon_show_prints_parents_gezag_and_school_history(run, records: Session) -> None:
    shown = run("persoon", "show", KIND)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == f"Sanne Maria de Vries · {KIND}"
    assert "Geboortedatum:    2 september 2012" in lines
    assert "Adres:            Kerkstraat 12A-2, 1017 GC Amsterdam" in lines
    assert f"  Johannes de Vries ({VADER}), heeft gezag" in lines
    assert f"  Sophie Berg ({MOEDER}), geen gezag" in lines
    assert "    woont op Dorpsweg 3, 1234 AB Amsterdam" in lines
    assert "Gezag:            Johannes de Vries" in lines
    assert "  22 augustus 2016 – 12 juli 2024  12AB PO" in lines
    assert "  26 augustus 2024 – heden  34CD VO HAVO" in lines
    assert any(KENMERK in line for line in lines) and any("M-0001" in line for line in lines)
    assert any("LPW_5_A" in line for line in lines)

    partial = run("persoon", "show", ANDRE)
    assert "Geboortedatum:    maart 2012 (onvolledig: controleer de leeftijd)" in partial.output
    assert "Dossiers:\n  geen\n" in partial.output


def test_the_card_names_schools_by_name_where_duos_deliveries_name_them() -> None:
    """A school DUO's reports or a melding name is shown by name with its BRIN, in the school history
    and beside a verzuimmelding; one nobody names keeps its BRIN."""
    from registers.zoek_commands import describe
    from registers.zoeken import Inschrijving, Persoonskaart

    kaart = Persoonskaart(KIND, schoolnamen={"34CD": "Vakcollege Noord"})
    kaart.inschrijvingen = [Inschrijving(kaart.school("34CD"), "VO HAVO", date(2024, 8, 26), None, None,
                                         False, KIND),
                            Inschrijving(kaart.school("12AB"), "PO", date(2016, 8, 22), date(2024, 7, 12),
                                         None, False, KIND)]
    kaart.meldingen = [Verzuimmelding(meldingsnummer="M-0001", brin="34CD", persoonsnummer=KIND,
                                      soort=VerzuimSoort.LRV, begindatum=date(2026, 9, 1),
                                      status=MeldingStatus.GEREGISTREERD)]
    lines = describe(kaart)
    assert "  26 augustus 2024 – heden  Vakcollege Noord (34CD) VO HAVO" in lines
    assert "  22 augustus 2016 – 12 juli 2024  12AB PO" in lines
    assert "  1 september 2026  M-0001  LRV  Vakcollege Noord (34CD)  Geregistreerd" in lines


def test_the_screens_school_line_says_a_kind_and_level_once(staging_file: Path) -> None:
    """The dossier page's school line (reports.staging_queries.school_status): primary school is
    "PO" as kind and as level in DUO's file, said once ("12AB PO", not "12AB PO PO")."""
    from reports.staging_queries import school_status

    with Staging(staging_file, read_only=True) as st:
        assert school_status(st.con, [KIND], date(2024, 8, 1)) == {
            KIND: "uitgeschreven sinds 13 juli 2024 (12AB PO)"}
        assert school_status(st.con, [KIND], date(2025, 1, 6)) == {KIND: "ingeschreven: 34CD VO HAVO"}


def test_inbeeld_zoek_lists_in_the_house_formats(run, records: Session) -> None:
    listed = json.loads(run("zoek", "de", "vries", "--format", "json").output)
    assert [(p["persoonsnummer"], p["naam"], p["gevonden_op"]) for p in listed] == [
        (VADER, "Johannes de Vries", "naam"), (KIND, "Sanne Maria de Vries", "naam")]
    assert listed[1]["geboortedatum"] == "2012-09-02" and listed[1]["dossiers"].endswith("(open)")
    table = run("zoek", "pérez")
    assert table.exit_code == 0 and "André Pérez" in table.output and "(1 gevonden)" in table.output
    csv_out = run("zoek", "1017 GC 12", "--format", "csv").output
    assert csv_out.splitlines()[0].startswith("persoonsnummer;naam;geboortedatum")
    nothing = run("zoek", "Zzyzxnaam")
    assert nothing.exit_code == 0 and "Niemand gevonden" in nothing.output


def test_the_commands_need_a_user_who_may_see_persons(run, records: Session, db_url: str, tmp_path) -> None:
    refused = run("zoek", "vries", user=[])
    assert refused.exit_code == 1 and "--by LOGIN" in refused.output
    add_tester(tmp_path / "data", db_url, login="beleid", rol="beleid")
    assert "de rol beleid ziet cijfers" in run("persoon", "show", KIND, user=["--by", "beleid"]).output
    assert run("zoek", "vries", user=["--by", "lpa"]).exit_code == 0
    bad = run("persoon", "show", "123456789")
    assert bad.exit_code == 1 and "elfproef" in bad.output
