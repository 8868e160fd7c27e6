"""`inbeeld report wetswijziging` on a generated municipality: the RMC age of 1 January 2026 and a
proposal, checked against the generator's truth and the rules in Python, and read back from the .xlsx."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main
from connectors.staging import Staging
from inbeeld.settings import load_settings
from registers.audit import AuditTrail, load_key, trail
from registers.db import open_registers
from reports import wetswijziging as ww
from rules.parameters import PARAMETERS, law_files
from rules.signals import GEEN_INSCHRIJVING_RMC
from rules.status import bepaal_status
from tests.named_user import TESTER, add_tester
from tests.staged_municipality import GEMEENTE, StagedMunicipality, stage

pytestmark = pytest.mark.slow  # run first: the suite's long tail (tests/conftest.py)

PEIL = date(2026, 9, 7)
BEFORE_2026 = date(2025, 12, 31)


@pytest.fixture(scope="module")
def municipality(tmp_path_factory: pytest.TempPathFactory) -> StagedMunicipality:
    return stage(tmp_path_factory.mktemp("wet"), persons=900, seed=11, weeks=1)


@pytest.fixture(scope="module")
def rmc_change(municipality: StagedMunicipality) -> ww.Comparison:
    with Staging(municipality.staging_path, read_only=True) as st:
        return ww.compare(st.con, PEIL, [GEMEENTE], ww.law_on(BEFORE_2026), ww.law_in_force(PEIL))


def test_the_rmc_age_change_moves_23_to_26_year_olds_without_sk_into_the_doelgroep(
        rmc_change: ww.Comparison, municipality: StagedMunicipality) -> None:
    assert rmc_change.changes, "the demo population has young people of 23 to 26"
    for change in rmc_change.changes:
        assert change.leeftijd is not None and 23 <= change.leeftijd <= 26, change
        assert (change.status_voor, change.status_na) == ("geen", "rmc_doelgroep"), change
        assert change.team == ww.TEAM_RMC
        assert not change.eraf  # the law of 2026 takes no signal away
        # the Python rules agree with the SQL on both sides of the change
        assert change.geboortedatum is not None
        old_law = PARAMETERS.as_of(BEFORE_2026)
        assert bepaal_status(change.geboortedatum, PEIL, parameters=old_law).status == "geen"
        assert bepaal_status(change.geboortedatum, PEIL).status == "rmc_doelgroep"
    # after: exactly the generator's truth for the law in force
    truth = {number for signal, number, _, _ in municipality.truth(PEIL) if signal == GEEN_INSCHRIJVING_RMC}
    added = {c.persoonsnummer for c in rmc_change.changes if GEEN_INSCHRIJVING_RMC in c.erbij}
    assert added <= truth
    assert rmc_change.signalen_na[GEEN_INSCHRIJVING_RMC] == len(truth)
    assert rmc_change.signalen_na[GEEN_INSCHRIJVING_RMC] - rmc_change.signalen_voor[GEEN_INSCHRIJVING_RMC] \
        == len(added)


def test_the_figures_add_up(rmc_change: ww.Comparison) -> None:
    assert sum(row["aantal"] for row in ww.per_gemeente(rmc_change)) == len(rmc_change.changes)
    by_signal = {row["signaal"]: row for row in ww.per_signaal(rmc_change)}
    assert by_signal[GEEN_INSCHRIJVING_RMC]["erbij"] == sum(
        row["aantal"] for row in ww.per_leeftijd(rmc_change)
        if row["signaal"] == GEEN_INSCHRIJVING_RMC and row["verandering"] == "erbij")


def test_a_proposal_is_a_what_if_that_leaves_the_law_files_alone(municipality: StagedMunicipality,
                                                                  tmp_path: Path) -> None:
    before = [hashlib.sha256(path.read_bytes()).hexdigest() for path in law_files()]
    voorstel = tmp_path / "rmc-30.toml"
    voorstel.write_text("""
[rmc_leeftijd]
[[rmc_leeftijd.values]]
since = 2007-08-01
value = 23
reference = "WEB titel 8.3"
[[rmc_leeftijd.values]]
since = 2026-01-01
value = 27
reference = "Kamerstuk 36 667"
[[rmc_leeftijd.values]]
since = 2026-09-01
value = 20
reference = "a proposal to lower the RMC age (test)"
""", encoding="utf-8")
    with Staging(municipality.staging_path, read_only=True) as st:
        result = ww.compare(st.con, PEIL, [GEMEENTE], ww.law_in_force(PEIL), ww.proposal(voorstel))
    assert result.changes
    for change in result.changes:  # 20 to 26 without SK leave the doelgroep
        assert change.status_voor == "rmc_doelgroep" and change.status_na == "geen", change
        assert change.leeftijd is not None and 20 <= change.leeftijd <= 26
    assert [hashlib.sha256(path.read_bytes()).hexdigest() for path in law_files()] == before


@pytest.mark.parametrize("text,message", [
    ("[rmc_leefdtijd]\n", "onbekende parameter 'rmc_leefdtijd'"),
    ("[rmc_leeftijd]\n[[rmc_leeftijd.values]]\nsince = 2026-01-01\nvalue = 30\n", "geen wettelijke bron"),
    ("rmc_leeftijd = ", "geen geldige TOML"),
])
def test_a_bad_proposal_is_refused_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "voorstel.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ww.ProposalError, match=message) as raised:
        ww.proposal(path)
    assert "voorstel.toml" in str(raised.value)


def test_the_command_writes_the_workbook_and_the_summary(municipality: StagedMunicipality,
                                                         rmc_change: ww.Comparison, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "staging.duckdb").write_bytes(municipality.staging_path.read_bytes())
    env = {"INBEELD_DATA_DIR": str(data_dir), "INBEELD_GEMEENTEN": GEMEENTE}
    args = ["report", "wetswijziging", "--peildatum", "2026-09-07", "--voor", "2025-12-31"]
    # the lists hold names and addresses: no named user, no lists
    nobody = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "nobody")], env=env)
    assert nobody.exit_code == 1 and "gebruiker" in nobody.output.lower(), nobody.output
    assert not (tmp_path / "nobody").exists() or not any((tmp_path / "nobody").iterdir())
    by = add_tester(data_dir)
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "out"), *by], env=env)
    assert result.exit_code == 0, result.output
    assert "de wet van 31 december 2025" in result.output
    assert f"{len(rmc_change.changes)} veranderen van status of signaal" in result.output
    workbook = load_workbook(tmp_path / "out" / "wetswijziging-2026-09-07.xlsx")
    assert workbook.sheetnames[:3] == ["Per signaal", "Per gemeente", "Per leeftijd"]
    rmc = workbook["Lijst RMC"]
    header = [cell.value for cell in next(rmc.iter_rows(max_row=1))]
    assert header[:4] == ["Team", "Persoonsnummer", "Naam", "Geboortedatum"]
    numbers = {row[1] for row in rmc.iter_rows(min_row=2, values_only=True) if row[1]}
    assert numbers == {c.persoonsnummer for c in rmc_change.changes}
    # every person on the lists is in the audit trail, read by the named user
    settings = load_settings(data_dir=data_dir, environ={})
    factory = open_registers(settings.register_url, AuditTrail(load_key(data_dir), actor=TESTER))
    try:
        with factory() as session:
            audit = trail(session)
            for number in numbers:
                assert [(e.action, e.actor) for e in audit.entries_for(session, number)] == [
                    ("wetswijziging.listed", TESTER)]
    finally:
        factory.kw["bind"].dispose()


def test_the_command_refuses_nothing_to_compare(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", "wetswijziging"], env={"INBEELD_DATA_DIR": str(tmp_path),
                                                                       "INBEELD_GEMEENTEN": GEMEENTE})
    assert result.exit_code == 2 and "niets om te vergelijken" in result.output
