"""The Leerplichttelling of every year adds up the same after the retention destroyed records: the
lines of the destroyed records are kept as counts without persons and added back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from registers.audit import AuditTrail
from registers.codes import ActionType, CloseReason, MeldingStatus, ReasonCode, VerzuimSoort
from registers.db import make_engine, session_factory, upgrade
from registers.models import Case, RetentionAggregate, VerzuimStatusChange
from registers.retention import purge_registers
from reports import gather, register_queries
from reports.retention_figures import TELLING, telling_counts
from reports.telling import leerplichttelling
from rules.vrijstellingen import Vrijstellingsgrond
from tests.registers import retention_data as data

D = dt.date.fromisoformat
AV = ReasonCode.ABSOLUUT_VERZUIM
NUMBERS = ["999993653", "999990639", "999991425"]
YEARS = range(2014, 2029)
PURGE_DAY = D("2028-07-01")


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'registers.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with session_factory(engine, AuditTrail(b"retention-figures-key-0123456789"))() as session:
        yield session
    engine.dispose()


def _fill(session: Session) -> None:
    """Three children: the first two's records expire by 1 July 2028, the third's do not; one
    vrijstelling of the second is open-ended (it runs into the kwalificatieplicht: kept longer)."""
    first, second, third = NUMBERS
    data.person(session, first, D("2008-01-10"))
    data.person(session, second, D("2009-06-01"))
    data.person(session, third, D("2012-02-01"))
    gone = data.case(session, first, AV, D("2015-03-02"), D("2015-09-01"), actions=(
        (ActionType.HALT_VERWIJZING, D("2015-04-01")), (ActionType.PROCES_VERBAAL, D("2015-04-15"))))
    data.thuiszitter(session, gone)
    data.vrijstelling(session, first, Vrijstellingsgrond.LPW_5_C, D("2016-09-01"), D("2017-07-31"))
    data.melding(session, first, "VM-1", VerzuimSoort.LUXE, D("2016-05-01"), D("2016-05-03"))
    data.case(session, second, AV, D("2016-10-03"), D("2017-02-01"), reason=CloseReason.VRIJSTELLING,
              actions=((ActionType.PROCES_VERBAAL, D("2016-12-01")),))
    lrv = data.melding(session, second, "VM-2", VerzuimSoort.LRV, D("2016-11-01"), D("2016-12-20"))
    lrv.changes.insert(0, VerzuimStatusChange(status=MeldingStatus.IN_BEHANDELING, on_date=D("2016-11-03"),
                                              by="LPA", recorded_at=data.RECORDED))
    data.vrijstelling(session, second, Vrijstellingsgrond.LPW_5_A, D("2017-02-01"), None)
    data.case(session, third, AV, D("2018-01-08"), D("2018-03-01"))
    data.melding(session, third, "VM-3", VerzuimSoort.ZESTIEN_UUR_VIER_WEKEN, D("2018-02-01"),
                 D("2018-02-20"))
    data.case(session, third, AV, D("2027-10-04"), None)  # still open in the running year
    session.flush()


def _forms(session: Session) -> dict[int, list[dict]]:
    return {year: gather.telling(session, year).rows() for year in YEARS}


def test_every_years_telling_is_the_same_after_the_purge(session: Session) -> None:
    _fill(session)
    before = _forms(session)

    result = purge_registers(session, PURGE_DAY, aggregators=[telling_counts])

    assert result.purged["cases"] == 2 and result.purged["vrijstellingen"] == 1
    assert result.purged["verzuimmeldingen"] == 2 and result.purged["thuiszitters"] == 1
    assert session.scalar(select(Case.id).where(Case.persoonsnummer == NUMBERS[0])) is None
    assert _forms(session) == before
    assert before[2015][0]["aantal"] == 1  # the absoluut-verzuim case of 2015 is still counted...
    raw = leerplichttelling(2015, register_queries.cases(session),
                            register_queries.meldingen_on(session, D("2016-07-31")),
                            register_queries.vrijstellingen(session), register_queries.thuiszitters(session),
                            register_queries.actions(session))
    assert raw.aantal("av.totaal") == 0  # ...though its record is gone


def test_the_kept_counts_hold_no_person_and_grow_with_each_purge(session: Session) -> None:
    _fill(session)
    purge_registers(session, PURGE_DAY, aggregators=[telling_counts])
    lines = session.scalars(select(RetentionAggregate)).all()
    assert {line.figuur for line in lines} == {TELLING}
    dump = "\n".join(repr(tuple(r)) for r in session.execute(text("SELECT * FROM retention_aggregates")))
    assert not any(number in dump for number in NUMBERS)
    halt_2014 = next(line for line in lines if (line.periode, line.sleutel) == (2014, "halt"))
    assert halt_2014.aantal == 1

    data.person(session, "999994803", D("2008-01-11"))
    data.case(session, "999994803", AV, D("2015-03-02"), D("2015-04-01"),
              actions=((ActionType.HALT_VERWIJZING, D("2015-03-20")),))
    purge_registers(session, PURGE_DAY, aggregators=[telling_counts])
    session.refresh(halt_2014)
    assert halt_2014.aantal == 2
