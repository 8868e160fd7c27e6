"""The agenda (registers.agenda, `inbeeld agenda`) on both databases: slots from configured hours, no
double booking (also in the database itself), rebook and cancel, and refusals that change nothing."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cli import main
from inbeeld.settings import AgendaSettings, Medewerker, SettingsError, load_settings, spreekuur
from registers import agenda
from registers.codes import AfspraakStatus
from registers.errors import Refused
from registers.models import Afspraak, AuditEntry
from tests.named_user import add_tester
from tests.office import OFFICE_TEXT
from tests.registers.factories import BSNS

NU = datetime(2026, 9, 14, 8, 0)  # a Monday morning
MAANDAG = datetime(2026, 9, 21)
SETTINGS = AgendaSettings(uren=("ma-vr 09:00-12:00", "wo 13:00-14:00"), duur_minuten=45,
                          medewerkers={"JJansen": Medewerker(naam="J. Jansen", uren=("di 10:00-11:30",),
                                                             locatie="Wijkkantoor Noord")})


def _agenda(who: str = "leerplicht") -> agenda.Agenda:
    return agenda.agenda_of(SETTINGS, who, locatie="Stadhuis", namen={"leerplicht": "Team Leerplicht"})


def _at(day: datetime, hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return day.replace(hour=hours, minute=minutes)


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Afspraak))


def test_slots_come_from_the_configured_hours() -> None:
    desk = _agenda()
    assert [f"{s:%H:%M}" for s in desk.slots_on(date(2026, 9, 21))] == ["09:00", "09:45", "10:30", "11:15"]
    assert [f"{s:%H:%M}" for s in desk.slots_on(date(2026, 9, 23))] == ["09:00", "09:45", "10:30", "11:15",
                                                                        "13:00"]  # 13:45 would end at 14:30
    assert desk.slots_on(date(2026, 9, 26)) == []  # Saturday
    own = _agenda("JJansen")
    assert (own.medewerker, own.naam, own.locatie) == ("jjansen", "J. Jansen", "Wijkkantoor Noord")
    assert [f"{s:%a %H:%M}" for s in own.slots_on(date(2026, 9, 22))] == ["Tue 10:00", "Tue 10:45"]
    assert own.slots_on(date(2026, 9, 21)) == []


@pytest.mark.parametrize("text", ["maandag 9-12", "ma 09:00", "vr-ma 09:00-12:00", "ma 12:00-09:00",
                                  "ma 25:00-26:00"])
def test_hours_that_are_not_hours_are_refused(text: str) -> None:
    with pytest.raises(SettingsError, match="agenda-uren"):
        spreekuur(text)


def test_the_hours_come_from_inbeeld_toml(tmp_path: Path) -> None:
    config = tmp_path / "inbeeld.toml"
    config.write_text('[agenda]\nduur_minuten = 20\n[agenda.medewerkers.pdekker]\nnaam = "P. Dekker"\n'
                      'uren = ["do 13:00-14:00"]\n', encoding="utf-8")
    settings = load_settings(environ={"INBEELD_CONFIG": str(config)}).agenda
    assert settings.duur_minuten == 20 and settings.medewerkers["pdekker"].uren == ("do 13:00-14:00",)
    config.write_text('[agenda]\nuren = ["ma 9-12"]\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="'ma 9-12' zijn niet zoals"):
        load_settings(environ={"INBEELD_CONFIG": str(config)})


def test_plan_takes_a_free_slot_and_the_next_one_is_another(session: Session) -> None:
    desk = _agenda()
    first = agenda.next_free(session, desk, MAANDAG)
    afspraak = agenda.plan(session, desk, first, BSNS[0], now=NU, onderwerp="verzuim:1")
    assert (afspraak.start, afspraak.einde, afspraak.locatie, afspraak.by) == (
        _at(MAANDAG, "09:00"), _at(MAANDAG, "09:45"), "Stadhuis", "tester")
    assert agenda.next_free(session, desk, MAANDAG) == _at(MAANDAG, "09:45")
    free = agenda.free_slots(session, desk, MAANDAG, dagen=1)
    assert _at(MAANDAG, "09:00") not in free and len(free) == 3
    session.commit()
    logged = session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "afspraken"))
    assert logged == "afspraak.planned"


@pytest.mark.parametrize("start, message", [
    (_at(MAANDAG, "09:00"), "al bezet"),
    (_at(MAANDAG, "12:00"), "buiten de uren"),
    (_at(MAANDAG, "09:10"), "buiten de uren"),  # off the grid: would overlap two slots
    (datetime(2026, 9, 26, 10, 0), "tijdstippen die dag: geen"),  # Saturday
    (datetime(2026, 9, 11, 9, 0), "in het verleden"),
])
def test_bad_input_is_refused_and_changes_nothing(session: Session, start: datetime, message: str) -> None:
    desk = _agenda()
    agenda.plan(session, desk, _at(MAANDAG, "09:00"), BSNS[0], now=NU)
    session.commit()
    with pytest.raises(Refused, match=message):
        agenda.plan(session, desk, start, BSNS[1], now=NU)
    session.rollback()
    assert _count(session) == 1


def test_the_database_refuses_a_slot_taken_twice(session: Session) -> None:
    """Past the application's check too: the partial unique index on (medewerker, start)."""
    desk = _agenda()
    agenda.plan(session, desk, _at(MAANDAG, "09:00"), BSNS[0], now=NU)
    session.commit()
    twin = Afspraak(medewerker="leerplicht", start=_at(MAANDAG, "09:00"), einde=_at(MAANDAG, "09:45"),
                    locatie="Stadhuis", status=AfspraakStatus.GEPLAND, persoonsnummer=BSNS[1], by="x",
                    recorded_at=NU)
    session.add(twin)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    twin.status = AfspraakStatus.GEANNULEERD  # a cancelled one may share the start
    session.add(twin)
    session.commit()
    assert _count(session) == 2


def test_rebook_and_cancel_free_the_slot(session: Session) -> None:
    desk, own = _agenda(), _agenda("jjansen")
    a = agenda.plan(session, desk, _at(MAANDAG, "09:00"), BSNS[0], now=NU)
    b = agenda.plan(session, desk, _at(MAANDAG, "09:45"), BSNS[1], now=NU)
    session.commit()
    with pytest.raises(Refused, match="al bezet"):
        agenda.rebook(session, a.id, desk, _at(MAANDAG, "09:45"), now=NU)
    session.rollback()
    agenda.rebook(session, a.id, desk, _at(MAANDAG, "10:30"), now=NU)
    session.commit()
    assert agenda.next_free(session, desk, MAANDAG) == _at(MAANDAG, "09:00")  # the old slot is free again
    moved = agenda.rebook(session, b.id, own, datetime(2026, 9, 22, 10, 45), now=NU)
    assert (moved.medewerker, moved.locatie, moved.einde) == ("jjansen", "Wijkkantoor Noord",
                                                              datetime(2026, 9, 22, 11, 30))
    agenda.cancel(session, a.id, reden="ouders verhuisd")
    session.commit()
    assert agenda.plan(session, desk, _at(MAANDAG, "10:30"), BSNS[2], now=NU).id  # free again
    with pytest.raises(Refused, match="al geannuleerd"):
        agenda.cancel(session, a.id)
    with pytest.raises(Refused, match="geannuleerd; plan een nieuwe"):
        agenda.rebook(session, a.id, desk, _at(MAANDAG, "11:15"), now=NU)
    with pytest.raises(Refused, match="geen afspraak 999"):
        agenda.cancel(session, 999)
    session.rollback()
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "afspraken")
                              .order_by(AuditEntry.id)).all()
    assert actions == ["afspraak.planned", "afspraak.planned", "afspraak.rebooked", "afspraak.rebooked",
                       "afspraak.cancelled"]


# -- the command line ---------------------------------------------------------------------------------

@pytest.fixture
def run(db_url: str, tmp_path: Path):
    data = tmp_path / "data"
    by = add_tester(data, db_url, login="jjansen", rol="lpa")
    (tmp_path / "inbeeld.toml").write_text('[agenda]\nuren = ["ma-vr 09:00-10:00"]\nduur_minuten = 30\n\n'
                                           + OFFICE_TEXT, encoding="utf-8")

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, ["--data-dir", str(data), "--db-url", db_url, *args],
                                  env={"INBEELD_CONFIG": str(tmp_path / "inbeeld.toml")})
    invoke.by = by  # type: ignore[attr-defined]
    return invoke


def test_the_agenda_from_the_command_line(run, session: Session) -> None:
    by = run.by
    planned = run("agenda", "plan", "jjansen", "2040-03-05 09:30", "--persoon", BSNS[0], *by)
    assert planned.exit_code == 0, planned.output
    assert "gepland: 5 maart 2040 09:30-10:00 uur bij Tess Tester, Stadskantoor, Testplein 1" \
        in planned.output
    twice = run("agenda", "plan", "jjansen", "2040-03-05 09:30", "--persoon", BSNS[1], *by)
    assert twice.exit_code == 1 and "al bezet" in twice.output
    outside = run("agenda", "plan", "jjansen", "2040-03-05 14:00", "--persoon", BSNS[1], *by)
    assert outside.exit_code == 1 and "buiten de uren" in outside.output and "09:00, 09:30" in outside.output
    past = run("agenda", "plan", "jjansen", "2020-03-02 09:00", "--persoon", BSNS[1], *by)
    assert past.exit_code == 1 and "in het verleden" in past.output
    wrong_case = run("agenda", "plan", "jjansen", "2040-03-05 09:00", "--persoon", BSNS[1], "--case", "99",
                     *by)
    assert wrong_case.exit_code == 1 and "zaak 99 is niet van persoon" in wrong_case.output
    nobody = run("agenda", "plan", "jjansen", "2040-03-05 09:00", "--persoon", BSNS[1])
    assert nobody.exit_code != 0
    assert session.scalar(select(func.count()).select_from(Afspraak)) == 1  # the refusals changed nothing

    free = json.loads(run(*by, "agenda", "free", "jjansen", "--van", "2040-03-05", "--dagen", "1",
                          "--format", "json").output)
    assert [slot["tijd"] for slot in free] == ["09:00-09:30"]
    listed = json.loads(run(*by, "agenda", "list", "--van", "2040-03-05", "--format", "json").output)
    assert [(row["medewerker"], row["tijd"], row["persoonsnummer"]) for row in listed] == [
        ("jjansen", "09:30-10:00", BSNS[0])]
    rebooked = run("agenda", "rebook", str(listed[0]["id"]), "2040-03-06 09:00", *by)
    assert rebooked.exit_code == 0 and "verzet naar 6 maart 2040 09:00-09:30" in rebooked.output
    cancelled = run("agenda", "cancel", str(listed[0]["id"]), "--reden", "ziek", *by)
    assert cancelled.exit_code == 0 and "geannuleerd" in cancelled.output
    again = run("agenda", "cancel", str(listed[0]["id"]), *by)
    assert again.exit_code == 1 and "al geannuleerd" in again.output
    assert run(*by, "agenda", "list", "--van", "2040-03-05").output.strip() == "Geen afspraken."
