"""`inbeeld cases / vrijstelling / verzuim` on both databases: the output, and exit status 1 on refusal."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree
from sqlalchemy import text
from sqlalchemy.orm import Session

from cli import main
from registers.audit import AuditTrail, load_key
from registers.case_sync import sync_cases
from registers.codes import ReasonCode
from registers.db import make_engine
from registers.verzuim import load_schema, register_meldingen
from tests.named_user import add_tester
from tests.registers.factories import BSNS, WEEK1, signal_row


@pytest.fixture
def run(db_url: str, tmp_path: Path):
    by = add_tester(tmp_path / "data", db_url)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "--db-url", db_url,
                                         *by, *args])
    return invoke


@pytest.fixture
def case_id(session: Session) -> int:
    sync_cases(session, WEEK1,
               [signal_row(BSNS[0], ReasonCode.ABSOLUUT_VERZUIM, sinds=date(2026, 8, 24))], {})
    session.commit()
    return session.scalar(text("SELECT id FROM dossiers"))


def test_a_case_is_worked_from_the_command_line(run, case_id: int, db_url: str, tmp_path: Path) -> None:
    add_tester(tmp_path / "data", db_url, login="jjansen", rol="lpa")
    acted = run("cases", "act", str(case_id), "letter", "--date", "08-09-2026", "--by", "jjansen",
                "--note", "Eerste brief met antwoordformulier")
    assert acted.exit_code == 0, acted.output
    assert run("cases", "assign", str(case_id), "jjansen").exit_code == 0

    shown = run("cases", "show", str(case_id))

    assert shown.exit_code == 0, shown.output
    assert "Absoluut verzuim sinds 24 augustus 2026, open" in shown.output
    assert ("8 september 2026  brief verstuurd   jjansen (absoluut verzuim): Eerste brief met "
            "antwoordformulier") in shown.output
    assert "Volgende actie:   reactie nagaan, zo nodig huisbezoek, uiterlijk 6 oktober 2026" in shown.output
    listed = json.loads(run("cases", "list", "--assigned", "jjansen", "--format", "json").output)
    assert [(c["id"], c["persoonsnummer"], c["status"], c["redenen"], c["assigned_to"], c["volgende_actie"],
             c["volgende_actie_datum"]) for c in listed] == [
        (case_id, BSNS[0], "open", ["ABSOLUUT_VERZUIM"], "jjansen", "reactie nagaan, zo nodig huisbezoek",
         "2026-10-06")]
    # the table and the CSV name the reasons in words, as the work list does; JSON keeps the codes
    table = run("cases", "list", "--assigned", "jjansen").output
    assert "Absoluut verzuim" in table and "ABSOLUUT_VERZUIM" not in table
    csv_lines = run("cases", "list", "--assigned", "jjansen", "--format", "csv").output.splitlines()
    assert ";Absoluut verzuim;" in csv_lines[1] and "ABSOLUUT_VERZUIM" not in csv_lines[1]

    closed = run("cases", "act", str(case_id), "close", "--reason", "verhuisd", "--date", "2026-09-10")
    assert closed.exit_code == 0, closed.output
    again = run("cases", "act", str(case_id), "close")
    assert again.exit_code == 1
    assert "Het dossier is gesloten op 10 september 2026" in again.output
    back_dated = run("cases", "act", str(case_id), "note", "--date", "2026-09-11", "--note", "nagekomen")
    assert back_dated.exit_code == 0, back_dated.output
    assert json.loads(run("cases", "list", "--status", "open", "--format", "json").output) == []
    # the word the table shows filters as the code does
    gesloten = json.loads(run("cases", "list", "--status", "gesloten", "--format", "json").output)
    assert [d["status"] for d in gesloten] == ["closed"]
    assert gesloten == json.loads(run("cases", "list", "--status", "closed", "--format", "json").output)


def test_an_attachment_shows_with_its_size_written_the_dutch_way(run, case_id: int, tmp_path: Path) -> None:
    verslag = tmp_path / "verslag.txt"
    verslag.write_bytes(b"x" * 12345)
    assert run("cases", "act", str(case_id), "gesprek", "--bijlage", str(verslag)).exit_code == 0
    shown = run("cases", "show", str(case_id))
    assert "] verslag.txt (12.345 bytes)" in shown.output, shown.output


@pytest.mark.parametrize("args, code, message", [
    (["cases", "show", "4242"], 1, "Dossier 4242 bestaat niet."),
    (["cases", "act", "4242", "letter"], 1, "Dossier 4242 bestaat niet."),
    (["cases", "act", "{id}", "letter", "--reden", "999"], 1, "Deze aanleiding hoort niet bij dit dossier."),
    (["cases", "act", "{id}", "spijbelen"], 1, "Onbekende actie 'spijbelen'"),
    (["cases", "act", "{id}", "letter", "--date", "2026-02-30"], 2, "is geen bestaande datum"),
    (["cases", "list", "--status", "half"], 2, "half"),
])
def test_refusals_exit_1_and_usage_errors_exit_2(run, case_id: int, args: list[str], code: int,
                                                 message: str) -> None:
    result = run(*[a.format(id=case_id) for a in args])
    assert result.exit_code == code, result.output
    assert message in result.output


def test_csv_output_neutralises_spreadsheet_formulas(run, case_id: int) -> None:
    run("cases", "assign", str(case_id), "=HYPERLINK(\"http://evil\")")
    rows = list(csv.DictReader(io.StringIO(run("cases", "list", "--format", "csv").output), delimiter=";"))
    assert rows[0]["behandelaar"].startswith("'=")


def test_vrijstelling_add_end_list_and_refusals(run) -> None:
    added = run("vrijstelling", "add", BSNS[1], "--grond", "LPW_5_A", "--begin", "2026-09-01")
    assert added.exit_code == 0, added.output
    assert "Nog op te vragen: verklaring van arts of psycholoog (art. 7)" in added.output

    assert run("vrijstelling", "end", "1", "--eind", "2026-08-01").exit_code == 1
    unknown = run("vrijstelling", "add", BSNS[1], "--grond", "5a", "--begin", "2026-09-01")
    assert unknown.exit_code == 1 and "Onbekende vrijstellingsgrond '5a'" in unknown.output
    backwards = run("vrijstelling", "add", BSNS[2], "--grond", "LPW_5_B", "--begin", "2026-09-01",
                    "--eind", "2026-08-31")
    assert backwards.exit_code == 1 and "ligt vóór de begindatum" in backwards.output

    listed = json.loads(run("vrijstelling", "list", "--format", "json").output)
    assert [(v["persoonsnummer"], v["grond"], v["einddatum"]) for v in listed] == [(BSNS[1], "LPW_5_A", None)]
    assert run("vrijstelling", "end", str(listed[0]["id"]), "--eind", "2027-07-31").exit_code == 0
    assert json.loads(run("vrijstelling", "list", "--format", "json").output)[0]["einddatum"] == "2027-07-31"


@pytest.mark.parametrize("args", [
    ["cases", "assign", "{id}", "jjansen"],
    ["cases", "hold", "{id}"],
    ["vrijstelling", "add", BSNS[1], "--grond", "LPW_5_B", "--begin", "2026-09-01"],
    ["vrijstelling", "end", "{vrijstelling}", "--eind", "2027-07-31"],
    ["cases", "list"],
    ["cases", "show", "{id}"],
    ["vrijstelling", "list"],
    ["verzuim", "export", "--out", "{out}"],
])
def test_a_commands_own_by_names_who_acts(run, case_id: int, engine, db_url: str, tmp_path: Path,
                                          args: list[str]) -> None:
    """As `cases act`: the command's `--by` (any case, spaces around) over the global one; an unknown
    login is refused and changes nothing. A reading too is recorded under the command's --by."""
    add_tester(tmp_path / "data", db_url, login="jjansen", rol="lpa")
    assert run("vrijstelling", "add", BSNS[2], "--grond", "LPW_5_A", "--begin", "2026-09-01").exit_code == 0
    vrijstelling = json.loads(run("vrijstelling", "list", "--format", "json").output)[0]["id"]
    out = tmp_path / "terugkoppeling.xml"
    args = [a.format(id=case_id, vrijstelling=vrijstelling, out=out) for a in args]
    with engine.connect() as connection:
        before = connection.scalar(text("SELECT max(id) FROM audit_log"))

    refused = run(*args, "--by", "niemand")
    assert refused.exit_code == 1, refused.output
    done = run(*args, "--by", " JJansen ")
    assert done.exit_code == 0, done.output

    with engine.connect() as connection:
        actors = connection.execute(text("SELECT DISTINCT actor FROM audit_log WHERE id > :before"),
                                    {"before": before}).scalars().all()
    assert actors == ["jjansen"]


def test_vrijstelling_import_reports_quarantined_rows(run, tmp_path: Path) -> None:
    path = tmp_path / "vrijstellingen.csv"
    path.write_text("PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM\n"
                    f"{BSNS[0]};LPW_5_C;01-09-2026;\n123456789;LPW_5_C;01-09-2026;\n", encoding="utf-8")
    result = run("vrijstelling", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "1 nieuw, 0 bijgewerkt, 0 ongewijzigd, 1 in quarantaine" in result.output
    # the reader (connectors/) quarantines it before the register sees it, in its own words
    assert "vrijstellingen.csv, regel 3, veld persoonsnummer: voldoet niet aan de elfproef" in result.output
    assert (tmp_path / "data" / "staging.duckdb").is_file()  # the delivery is kept in staging

    path.write_text("BSN;GROND\n1;2\n", encoding="utf-8")
    refused = run("vrijstelling", "import", str(path))
    assert refused.exit_code == 1 and "ontbreekt in de kopregel" in refused.output


def test_verzuim_handle_and_export(run, session: Session, tmp_path: Path, db_url: str) -> None:
    add_tester(tmp_path / "data", db_url, login="pdevries", rol="lpa")
    register_meldingen(session, [{"meldingsnummer": "VM-1", "brin": "12AB", "persoonsnummer": BSNS[0],
                                  "soort": "LRV", "begindatum": date(2026, 8, 24),
                                  "meldingsdatum": date(2026, 9, 1)}])
    session.commit()

    handled = run("verzuim", "handle", "VM-1", "--status", "afgesloten", "--reden", "terug_naar_school",
                  "--toelichting", "leerling_gezien", "--date", "2026-09-20", "--by", "pdevries",
                  "--telefoon", "020-1234567")
    assert handled.exit_code == 0, handled.output
    assert "Afgesloten (Terug naar school) op 20 september 2026" in handled.output
    denied = run("verzuim", "handle", "VM-1", "--status", "in_behandeling")
    assert denied.exit_code == 1 and "DUO staat geen andere status meer toe" in denied.output
    assert run("verzuim", "handle", "VM-1", "--status", "ingetrokken").exit_code == 2  # not the gemeente's

    listed = json.loads(run("verzuim", "list", "--format", "json").output)
    assert [(m["meldingsnummer"], m["status"], m["reden_afsluiting"]) for m in listed] == [
        ("VM-1", "afgesloten", "terug_naar_school")]
    out = tmp_path / "terugkoppeling.xml"
    exported = run("verzuim", "export", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    assert load_schema().validate(etree.parse(str(out)))


def test_the_commands_migrate_a_new_database_and_audit_with_the_data_dirs_key(
        fresh_db_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    args = ["--data-dir", str(data), "--db-url", fresh_db_url, *add_tester(data, fresh_db_url),
            "vrijstelling", "add", BSNS[3], "--grond", "LPW_15", "--begin", "2026-09-01"]
    result = CliRunner().invoke(main, args, env={"INBEELD_AUDIT_KEY": ""})
    assert result.exit_code == 0, result.output
    engine = make_engine(fresh_db_url)
    try:
        with engine.connect() as connection:
            hashes = connection.execute(text(
                "SELECT person_hash FROM audit_log WHERE person_hash IS NOT NULL")).scalars().all()
    finally:
        engine.dispose()
    assert hashes == [AuditTrail(load_key(data, {})).person_hash(BSNS[3])]


def test_cases_show_keeps_rmc_in_capitals_on_the_timeline(run, session: Session) -> None:
    sync_cases(session, WEEK1,
               [signal_row(BSNS[1], ReasonCode.GEEN_INSCHRIJVING_RMC, sinds=date(2026, 8, 24))], {})
    session.commit()
    dossier_id = session.scalar(text("SELECT id FROM dossiers"))
    assert run("cases", "act", str(dossier_id), "gesprek", "--date", "2026-09-09").exit_code == 0
    shown = run("cases", "show", str(dossier_id)).output
    assert "(geen inschrijving (RMC, zonder startkwalificatie))" in shown
    assert "(rmc," not in shown
