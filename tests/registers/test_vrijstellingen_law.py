"""Vrijstellingen the law allows (#14 item 5), on registers synced from a generated municipality: a
ground that does not fit the child on its begindatum is refused by hand, quarantined on import, and
never ends her absoluut verzuim, not even when an older release let it into the register."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from connectors.staging import Staging
from registers.codes import CaseStatus, ReasonCode
from registers.errors import Refused
from registers.models import Case, Vrijstelling
from registers.vrijstellingen import add_vrijstelling, import_vrijstellingen_file, list_vrijstellingen
from rules.dates import PartialDate, anniversary
from rules.vrijstellingen import Vrijstellingsgrond
from tests.staged_municipality import GEMEENTE
from tests.synced_registers import SyncedRegisters, synced


@pytest.fixture(scope="module")
def registers(tmp_path_factory) -> SyncedRegisters:
    return synced(tmp_path_factory.mktemp("vrijstellingen-law"), persons=800, seed=3, weeks=2)


def _child_under_14_in_absoluut_verzuim(registers: SyncedRegisters) -> tuple[str, dt.date]:
    day = registers.municipality.peildatums[-1]
    with registers.sessions() as session:
        numbers = [c.persoonsnummer for c in session.scalars(select(Case))
                   if c.signal == ReasonCode.ABSOLUUT_VERZUIM and c.status == CaseStatus.OPEN]
    with Staging(registers.municipality.staging_path, read_only=True) as st:
        born = dict(st.con.execute(
            "SELECT bsn, geboortedatum FROM brp_personen WHERE list_contains(?, bsn) "
            "QUALIFY row_number() OVER (PARTITION BY bsn ORDER BY import_id DESC) = 1", [numbers]).fetchall())
    for number in sorted(born):
        birth = PartialDate.parse(born[number])
        if birth.exact and anniversary(birth.exact, 8) <= day < anniversary(birth.exact, 14):
            return number, birth.exact
    pytest.fail("the generated municipality has no child between 8 and 14 in absoluut verzuim")


def _open_absoluut_verzuim(registers: SyncedRegisters, number: str) -> bool:
    with registers.sessions() as session:
        return any(c.signal == ReasonCode.ABSOLUUT_VERZUIM and c.status == CaseStatus.OPEN
                   for c in session.scalars(select(Case)) if c.persoonsnummer == number)


def test_art_3a_for_a_child_under_14_is_refused_and_her_case_stays_open(registers: SyncedRegisters) -> None:
    number, born = _child_under_14_in_absoluut_verzuim(registers)
    last = registers.municipality.peildatums[-1]
    begin = dt.date(2026, 9, 1)
    with registers.sessions() as session:
        staging = registers.municipality.staging_path
        with pytest.raises(Refused, match=r"LPW_3A \(Leerplichtwet 1969 \(BWBR0002628\) art\. 3a\) vraagt "
                                          r"een jongere die ten minste 14 jaar is \(lid 1\); de jongere "
                                          r"wordt 14 op"):
            add_vrijstelling(session, number, "LPW_3A", begin, einddatum=dt.date(2027, 7, 31),
                             staging_path=staging)
        with pytest.raises(Refused, match=r"art\. 15\) geldt alleen voor een jongere die kwalificatie"):
            add_vrijstelling(session, number, "LPW_15", begin, staging_path=staging)
        session.commit()
        assert list_vrijstellingen(session, persoonsnummer=number) == []  # nothing written

        # an older release let such a row in: the signals do not count it, the case stays open
        session.add(Vrijstelling(persoonsnummer=number, grond=Vrijstellingsgrond.LPW_3A, begindatum=begin,
                                 einddatum=dt.date(2027, 7, 31)))
        session.commit()
    registers.sync(last)
    assert _open_absoluut_verzuim(registers, number), born

    # the ground the law does allow her closes it
    with registers.sessions() as session:
        add_vrijstelling(session, number, "LPW_5_A", begin, verklaring_datum=dt.date(2026, 8, 20),
                         staging_path=registers.municipality.staging_path)
        session.commit()
    registers.sync(last)
    assert not _open_absoluut_verzuim(registers, number)


def test_an_imported_row_the_law_does_not_allow_is_quarantined_with_file_line_and_field(
        registers: SyncedRegisters, tmp_path: Path) -> None:
    number, _ = _child_under_14_in_absoluut_verzuim(registers)
    path = tmp_path / "vrijstellingen-G0363-20260915.csv"
    path.write_text("PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM;TOELICHTING\n"
                    f"{number};LPW_3A;2026-09-01;2027-07-31;praktijk\n"
                    f"{number};LPW_15;2026-09-01;;bedrijfsopleiding\n", encoding="utf-8")
    with registers.sessions() as session:
        summary = import_vrijstellingen_file(session, registers.municipality.staging_path, path,
                                             gemeenten=(GEMEENTE,))
        session.commit()
        assert (summary.new, len(summary.quarantined)) == (0, 2)
        assert [(q.file, q.line, q.field, q.value) for q in summary.quarantined] == [
            (path.name, 2, "grondslag", "LPW_3A"), (path.name, 3, "grondslag", "LPW_15")]
        assert "art. 3a) vraagt een jongere die ten minste 14 jaar is" in summary.quarantined[0].reason
        assert session.scalars(select(Vrijstelling).where(
            Vrijstelling.persoonsnummer == number,
            Vrijstelling.toelichting == "praktijk")).first() is None
    with Staging(registers.municipality.staging_path, read_only=True) as st:
        # out of staging's vrijstellingen (the signals read them there too), into its quarantine
        assert st.con.execute("SELECT count(*) FROM vrijstellingen_import WHERE import_id = ?",
                              [summary.import_id]).fetchone() == (0,)
        kept = [(q["file"], q["line"], q["field"]) for q in st.quarantine(summary.import_id)]
        assert kept == [(path.name, 2, "grondslag"), (path.name, 3, "grondslag")]
        assert st.imports("vrijstellingen")[-1]["rows_quarantined"] == 2
