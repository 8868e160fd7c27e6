"""The letter run on real registers (SQLite, and PostgreSQL when it answers) and a real staged BRP."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import zipfile
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cli import main
from letters import run as letter_run
from letters.due import Subject
from letters.pdf import page_count, soffice_path
from letters.persons import Adres
from letters.run import run_letters
from registers.audit import AuditTrail
from registers.codes import (
    ActionType,
    CaseStatus,
    LetterKind,
    LetterStatus,
    MeldingStatus,
    ReasonCode,
    VerzuimSoort,
)
from registers.db import open_registers
from registers.models import Afspraak, AuditEntry, Case, CaseAction, Letter, Verzuimmelding, Vrijstelling
from rules.vrijstellingen import Vrijstellingsgrond
from tests.letters.letter_people import (
    DORPSWEG,
    KERKSTRAAT,
    kind,
    lo3_row,
    load_brp,
    moeder,
    vader,
)
from tests.letters.test_letters_pdf import page_texts
from tests.named_user import add_tester
from tests.office import OFFICE, OFFICE_TOML

P = date(2026, 9, 7)  # a Monday
AUDIT_KEY = b"test-audit-key-0123456789abcdef"
PG_URL = os.environ.get("INBEELD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CONFIG = replace(OFFICE, leerplicht=replace(OFFICE.leerplicht, naam="A. Jansen", telefoon="020 123 4567"))

# Synthetic BSNs (elfproef) for the second family and the others.
TIM, TIM_VADER, TIM_MOEDER, DAAN, LOTTE, BRAM, EVA, ONBEKEND, JOOST, NOOR = (
    "999900006", "999900018", "999900031", "999900043", "999900055", "999900067", "999900079",
    "999900080", "999900092", "999900109")
SINGEL = Adres(straat="Singel", huisnummer=40, postcode="1015AB", woonplaats="Amsterdam")


def _brp_rows() -> list[dict[str, str]]:
    return [
        lo3_row(kind(), gezag="12"), lo3_row(vader()), lo3_row(moeder()),
        # Tim lives with his mother, who has geheimhouding; his father lives elsewhere.
        lo3_row(kind(persoonsnummer=TIM, voornamen="Tim", geslacht="M", geboortedatum=date(2014, 3, 1),
                     adres=SINGEL, ouders=(TIM_VADER, TIM_MOEDER))),
        lo3_row(vader(persoonsnummer=TIM_VADER, voornamen="Kees", adres=DORPSWEG, gemeentecode="0599")),
        lo3_row(moeder(persoonsnummer=TIM_MOEDER, voornamen="Anna", adres=SINGEL, geheimhouding=1)),
        lo3_row(kind(persoonsnummer=DAAN, voornamen="Daan", voorvoegsel="", geslachtsnaam="Bakker",
                     geslacht="M", geboortedatum=date(2006, 3, 15), adres=DORPSWEG, ouders=())),
        lo3_row(kind(persoonsnummer=LOTTE, voornamen="Lotte", geboortedatum=date(2021, 10, 20), ouders=())),
        lo3_row(kind(persoonsnummer=BRAM, voornamen="Bram", geslacht="M", geboortedatum=date(2013, 1, 10),
                     adres=SINGEL, ouders=())),
        lo3_row(kind(persoonsnummer=EVA, voornamen="Eva", adres=DORPSWEG, ouders=(),
                     adres_in_onderzoek=True)),
        lo3_row(kind(persoonsnummer=JOOST, voornamen="Joost", geslacht="M", geboortedatum=date(2012, 6, 1),
                     adres=KERKSTRAAT, ouders=())),
        lo3_row(kind(persoonsnummer=NOOR, voornamen="Noor", geboortedatum=date(2009, 5, 5), adres=DORPSWEG,
                     ouders=())),
    ]


@dataclass
class World:
    sessions: sessionmaker[Session]
    staging: Path
    out: Path
    cases: dict[str, int]

    def run(self, peildatum: date = P, **kwargs) -> letter_run.RunResult:
        kwargs.setdefault("pdf", False)
        kwargs.setdefault("workers", 1)
        return run_letters(self.sessions, self.staging, self.out, peildatum, gemeenten=("0363",),
                           config=CONFIG, **kwargs)

    def letters(self, **where) -> list[Letter]:
        with self.sessions() as session:
            query = select(Letter).order_by(Letter.id)
            for name, value in where.items():
                query = query.where(getattr(Letter, name) == value)
            return list(session.scalars(query))

    def actions(self, action: ActionType) -> list[CaseAction]:
        with self.sessions() as session:
            return list(session.scalars(select(CaseAction).where(CaseAction.action == action)
                                        .order_by(CaseAction.id)))


def _database_url(backend: str, tmp_path: Path, request) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'registers.sqlite'}"
    from tests.registers.conftest import PostgresServer

    server = PostgresServer(PG_URL)
    try:
        with server.admin.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - no server: skip, as the register tests do
        server.admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_URL} does not answer ({type(exc).__name__})")
    request.addfinalizer(server.drop_all)
    return server.create_database("letters")


def _open_case(session: Session, persoonsnummer: str, signal: ReasonCode, *, assigned_to: str | None = None,
               **extra) -> int:
    """An open reason in the person's dossier; `assigned_to` assigns the dossier (who works it)."""
    case = Case(persoonsnummer=persoonsnummer, gemeentecode="0363", signal=signal, status=CaseStatus.OPEN,
                opened_on=P - timedelta(days=7), sinds=P - timedelta(days=40), last_seen=P, **extra)
    session.add(case)
    session.flush()
    if assigned_to is not None:
        case.dossier.assigned_to = assigned_to
        session.flush()
    return case.id


@pytest.fixture(scope="module")
def staged_brp(tmp_path_factory) -> Path:
    """The BRP delivery loaded once by the real connector; each world gets a copy of the file."""
    folder = tmp_path_factory.mktemp("brp")
    load_brp(folder / "staging.duckdb", folder / "brp-G0363-20260907.lo3.csv", _brp_rows())
    return folder / "staging.duckdb"


def make_world(tmp_path: Path, request, backend: str = "sqlite") -> World:
    tmp_path.mkdir(parents=True, exist_ok=True)
    staging = tmp_path / "staging.duckdb"
    shutil.copyfile(request.getfixturevalue("staged_brp"), staging)
    url = _database_url(backend, tmp_path, request)
    sessions = open_registers(url, AuditTrail(AUDIT_KEY, actor="tester"))
    request.addfinalizer(sessions.kw["bind"].dispose)
    with sessions.begin() as session:
        cases = {
            "sanne": _open_case(session, kind().persoonsnummer, ReasonCode.ABSOLUUT_VERZUIM),
            "sanne_thuiszitter": _open_case(session, kind().persoonsnummer, ReasonCode.THUISZITTER),
            "tim": _open_case(session, TIM, ReasonCode.ABSOLUUT_VERZUIM),
            "daan_vsv": _open_case(session, DAAN, ReasonCode.VSV),
            "daan_rmc": _open_case(session, DAAN, ReasonCode.GEEN_INSCHRIJVING_RMC),
            "lotte": _open_case(session, LOTTE, ReasonCode.BIJNA_LEERPLICHTIG),
            "eva": _open_case(session, EVA, ReasonCode.ABSOLUUT_VERZUIM, adres_in_onderzoek=True),
            "onbekend": _open_case(session, ONBEKEND, ReasonCode.ABSOLUUT_VERZUIM),
        }
        session.add(Verzuimmelding(
            meldingsnummer="VM2026-000123", meldingsdatum=P - timedelta(days=3), brin="12AB", vestiging="00",
            persoonsnummer=BRAM, soort=VerzuimSoort.ZESTIEN_UUR_VIER_WEKEN, begindatum=P - timedelta(days=30),
            status=MeldingStatus.GEREGISTREERD, status_datum=P - timedelta(days=3)))
        session.add(Vrijstelling(persoonsnummer=JOOST, grond=Vrijstellingsgrond.LPW_5_A,
                                 begindatum=date(2025, 8, 1), verklaring_datum=date(2025, 7, 1)))
    return World(sessions, staging, tmp_path / "letters", cases)


@pytest.fixture
def world(tmp_path: Path, request) -> World:
    return make_world(tmp_path, request)


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs]


# -- the first run ------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_first_run_writes_each_due_letter_once_and_records_it(tmp_path: Path, request, backend: str) -> None:
    world = make_world(tmp_path, request, backend)
    result = world.run()
    assert (result.brieven, result.herinneringen) == (5, 0)
    written = world.letters(status=LetterStatus.AANGEMAAKT)
    assert Counter((row.soort.value, row.geadresseerde) for row in written) == Counter({
        ("absoluut_verzuim", "ouder1+ouder2"): 1,  # Sanne: both parents at one address
        ("absoluut_verzuim", "ouder1"): 1,  # Tim: his father; his mother's letter is held
        ("doorstroompunt", "jongere"): 1,  # Daan: one letter for his two RMC cases
        ("informatie_leerplicht", "verzorgers"): 1,  # Lotte: no parents in the BRP
        ("uitnodiging_verzuimgesprek", "verzorgers"): 1,  # Bram's verzuimmelding
    })
    assert {row.case_id for row in written if row.soort == "doorstroompunt"} == {world.cases["daan_vsv"]}
    assert all(row.kenmerk and row.run == result.run and row.datum == P for row in written)
    files = sorted(path.name for path in result.run_dir.glob("*.docx"))
    assert files == sorted([row.bestand for row in written] + ["drukwerk.docx"])
    assert not (result.run_dir / letter_run.MARKER).exists()

    # Every case letter is on its case's timeline.
    sent = world.actions(ActionType.BRIEF_VERSTUURD)
    assert sorted(action.case_id for action in sent) == sorted(
        world.cases[name] for name in ("sanne", "tim", "daan_vsv", "lotte"))
    assert all(action.on_date == P and "kenmerk" in action.note for action in sent)

    # Suppressions: recorded with their reason, on the case, and no letter.
    suppressed = {(row.case_id, row.geadresseerde, row.reden.value) for row in
                  world.letters(status=LetterStatus.ONDERDRUKT)}
    assert suppressed == {
        (world.cases["tim"], "ouder2", "geheimhouding"),
        (world.cases["eva"], "*", "adres_in_onderzoek"),
        (world.cases["onbekend"], "*", "niet_in_brp"),
    }
    notes = {action.case_id: action.note for action in world.actions(ActionType.NOTITIE)}
    assert "adres_in_onderzoek" in notes[world.cases["eva"]]
    assert "niet_in_brp" in notes[world.cases["onbekend"]]
    assert not any(row.case_id == world.cases["eva"] for row in written)


def test_the_letters_say_the_right_things(world: World) -> None:
    result = world.run()
    by_kind = {row.soort.value + ":" + row.geadresseerde: result.run_dir / row.bestand
               for row in world.letters(status=LetterStatus.AANGEMAAKT)}
    sanne = "\n".join(_paragraphs(by_kind["absoluut_verzuim:ouder1+ouder2"]))
    assert "De heer J. de Vries\nen mevrouw S.M. van der Berg\nKerkstraat 12 A2\n1017 GC  AMSTERDAM" in sanne
    assert "7 september 2026" in sanne and "uiterlijk 21 september 2026" in sanne
    assert "is Sanne leerplichtig" in sanne and "A. Jansen" in sanne
    tim = "\n".join(_paragraphs(by_kind["absoluut_verzuim:ouder1"]))
    assert "De heer K. de Vries\nDorpsweg 3\n1234 AB  VOORBEELDSTAD" in tim
    daan = "\n".join(_paragraphs(by_kind["doorstroompunt:jongere"]))
    assert "Beste Daan," in daan and "gestopt met je opleiding" in daan
    assert "Team Leerplicht en Doorstroompunt" in daan  # nobody assigned, no desk name: the team signs
    lotte = "\n".join(_paragraphs(by_kind["informatie_leerplicht:verzorgers"]))
    assert "Aan de ouder(s)/verzorger(s) van\nLotte de Vries" in lotte
    assert "Vanaf 1 november 2026 is Lotte leerplichtig" in lotte
    bram = "\n".join(_paragraphs(by_kind["uitnodiging_verzuimgesprek:verzorgers"]))
    assert "De school heeft op 4 september 2026 bij ons gemeld" in bram and "12AB" not in bram
    assert "21 september 2026" in bram and "Bram is 13 jaar" in bram
    for path in by_kind.values():
        assert kind().persoonsnummer not in "\n".join(_paragraphs(path))


def test_print_file_holds_every_letter_in_order(world: World) -> None:
    result = world.run()
    merged = docx.Document(str(result.print_files[0]))
    assert len(merged.sections) == len(result.files) == 5
    text = "\n".join(p.text for p in merged.paragraphs)
    assert text.count("ANTWOORDFORMULIER") == 2  # the two absoluut-verzuim letters


# -- nothing twice --------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_second_run_sends_nothing(tmp_path: Path, request, backend: str) -> None:
    world = make_world(tmp_path, request, backend)
    first = world.run()
    letters_before = len(world.letters())
    actions_before = len(world.actions(ActionType.BRIEF_VERSTUURD)) + len(world.actions(ActionType.NOTITIE))
    second = world.run()
    assert (second.brieven, second.herinneringen, second.onderdrukt, second.run_dir) == (0, 0, 0, None)
    assert len(world.letters()) == letters_before
    assert len(world.actions(ActionType.BRIEF_VERSTUURD)) + len(world.actions(ActionType.NOTITIE)) == \
        actions_before
    assert sorted(p.name for p in world.out.iterdir() if p.is_dir()) == [first.run]


def test_the_database_refuses_a_second_letter_for_the_same_addressee(world: World) -> None:
    world.run()
    row = world.letters(status=LetterStatus.AANGEMAAKT)[0]
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), world.sessions.begin() as session:
        session.add(Letter(onderwerp=row.onderwerp, case_id=row.case_id, persoonsnummer=row.persoonsnummer,
                           soort=row.soort, rang=row.rang, geadresseerde=row.geadresseerde,
                           status=LetterStatus.AANGEMAAKT, kenmerk="LP-X", datum=P, run="x", bestand="x.docx",
                           recorded_at=datetime.now(UTC).replace(tzinfo=None)))


def test_a_held_letter_goes_once_the_reason_is_gone(world: World, tmp_path: Path) -> None:
    world.run()
    rows = _brp_rows()
    rows[5] = lo3_row(moeder(persoonsnummer=TIM_MOEDER, voornamen="Anna", adres=SINGEL))  # no geheimhouding
    load_brp(world.staging, tmp_path / "brp-G0363-20260914.lo3.csv", rows)
    later = world.run(P + timedelta(days=7))
    assert later.brieven == 1
    letter = world.letters(run=later.run)[0]
    assert (letter.case_id, letter.geadresseerde, letter.rang) == (world.cases["tim"], "ouder2", 1)


# -- reminders --------------------------------------------------------------------------------------------

def test_reminder_once_the_deadline_passed_without_reply(world: World) -> None:
    world.run()
    with world.sessions.begin() as session:  # Sanne's parents sent the stamped answer form back
        session.add(CaseAction(case_id=world.cases["sanne"], action=ActionType.ANTWOORD_ONTVANGEN,
                               on_date=P + timedelta(days=5), by="tester",
                               recorded_at=datetime.now(UTC).replace(tzinfo=None)))
    assert world.run(P + timedelta(days=14)).brieven == 0  # 21 September is the deadline: not passed
    later = world.run(P + timedelta(days=15))
    reminders = world.letters(run=later.run)
    assert {(row.soort.value, row.geadresseerde, row.rang) for row in reminders} == {
        ("absoluut_verzuim", "ouder1", 2), ("doorstroompunt", "jongere", 2)}
    text = "\n".join(_paragraphs(later.run_dir / reminders[0].bestand))
    assert "Herinnering: geen schoolinschrijving bekend" in text
    assert "Op 7 september 2026 stuurden wij u een brief" in text
    assert world.run(P + timedelta(days=60)).herinneringen == 0  # one reminder, then the LPA acts


# -- killed halfway -------------------------------------------------------------------------------------

def _final_state(world: World) -> Counter:
    with world.sessions() as session:  # the invitations' appointments: those of the run that completed
        booked = [(a.onderwerp, a.medewerker, a.start, a.status.value)
                  for a in session.scalars(select(Afspraak))]
    return Counter((row.onderwerp, row.soort.value, row.rang, row.geadresseerde, row.status.value,
                    row.reden.value if row.reden else None) for row in world.letters()) + Counter(booked)


@pytest.mark.parametrize("crash_in", ["_render", "_print_files", "_record"])
def test_a_run_killed_halfway_is_completed_by_the_next(tmp_path: Path, request, monkeypatch,
                                                       crash_in: str) -> None:
    reference = make_world(tmp_path / "reference", request)
    reference.run()
    world = make_world(tmp_path / "crashed", request)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed")

    with monkeypatch.context() as patch:
        patch.setattr(letter_run, crash_in, crash)
        with pytest.raises(KeyboardInterrupt):
            world.run()
    unfinished = [path for path in world.out.iterdir() if path.is_dir()]
    assert len(unfinished) == 1 and (unfinished[0] / letter_run.MARKER).exists()
    assert world.letters(status=LetterStatus.AANGEMAAKT) == []

    result = world.run()
    assert result.hersteld == 5
    assert _final_state(world) == _final_state(reference)
    assert sorted(path.name for path in world.out.iterdir() if path.is_dir()) == [
        "260907-1.afgebroken", "260907-2"]
    assert result.run == "260907-2"  # the killed run's name is never used again
    assert [path.name for path in (world.out / "260907-1.afgebroken").iterdir()] == ["AFGEBROKEN.txt"]
    assert len(world.actions(ActionType.BRIEF_VERSTUURD)) == 4
    assert world.run().brieven == 0


def test_killed_after_the_final_commit_keeps_the_finished_run(world: World) -> None:
    result = world.run()
    (result.run_dir / letter_run.MARKER).write_text("left by a kill", encoding="utf-8")
    again = world.run()
    assert again.hersteld == 0 and again.brieven == 0
    assert result.run_dir.is_dir() and not (result.run_dir / letter_run.MARKER).exists()
    assert len(list(result.run_dir.glob("*.docx"))) == 6


# -- vrijstelling renewals -------------------------------------------------------------------------------

def test_vrijstelling_renewal_reminder_goes_in_june_only(world: World) -> None:
    assert not world.letters(soort="herinnering_vrijstelling")
    june = world.run(date(2027, 6, 7))
    renewal = world.letters(run=june.run, soort="herinnering_vrijstelling")
    assert len(renewal) == 1 and renewal[0].onderwerp.endswith(":2027-2028")
    assert renewal[0].antwoord_voor == date(2027, 7, 1)
    text = "\n".join(_paragraphs(june.run_dir / renewal[0].bestand))
    assert "vóór 1 juli 2027 opnieuw aan ons laten weten" in text and "2027-2028" in text
    assert world.run(date(2027, 6, 14)).brieven == 0


def test_no_renewal_reminder_once_the_young_person_is_18(world: World) -> None:
    """Noor turns 18 on 5 May 2027: in June her vrijstelling no longer matters, Joost's still does."""
    with world.sessions.begin() as session:
        session.add(Vrijstelling(persoonsnummer=NOOR, grond=Vrijstellingsgrond.LPW_5_A,
                                 begindatum=date(2025, 8, 1), verklaring_datum=date(2025, 7, 1)))
    june = world.run(date(2027, 6, 7))
    renewal = world.letters(run=june.run, soort="herinnering_vrijstelling")
    assert [row.persoonsnummer for row in renewal] == [JOOST]
    assert not world.letters(persoonsnummer=NOOR, soort="herinnering_vrijstelling")


# -- the voice by age ------------------------------------------------------------------------------------

def test_a_minor_in_the_rmc_doelgroep_gets_the_doorstroompunts_letter(world: World) -> None:
    """Noor (17) has a VSV reason and no absoluut verzuim: a PrO/VSO leaver with a certificate, no longer
    kwalificatieplichtig, in the RMC doelgroep (docs/law.md). The Doorstroompunt writes to her and to
    her parents (kenmerk RMC-, under the WEB), so her first step is done and nothing stays overdue."""
    with world.sessions.begin() as session:
        noor_case = _open_case(session, NOOR, ReasonCode.VSV)
    result = world.run()
    noor = world.letters(persoonsnummer=NOOR, status=LetterStatus.AANGEMAAKT)
    assert sorted((row.soort.value, row.geadresseerde) for row in noor) == [
        ("doorstroompunt", "jongere"), ("doorstroompunt", "verzorgers")]
    assert all(row.case_id == noor_case and row.kenmerk.startswith("RMC-") for row in noor)
    files = {row.geadresseerde: result.run_dir / row.bestand for row in noor}
    own, parents = ("\n".join(_paragraphs(files[rol])) for rol in ("jongere", "verzorgers"))
    assert "Beste Noor," in own and "gestopt met je opleiding" in own and not re.search(r"\buw?\b", own)
    assert "Geachte ouder(s)/verzorger(s)," in parents
    assert ("Volgens de gegevens van DUO (Dienst Uitvoering Onderwijs) is Noor de Vries, geboren op 5 mei "
            "2009, onlangs gestopt met de opleiding") in parents
    assert "Wij sturen Noor ook zelf een brief" in parents and "Beste" not in parents
    for text in (own, parents):
        assert "hoofdstuk 9, titel 9.2 van de Wet educatie en beroepsonderwijs" in text
        assert "Leerplichtwet 1969 (" not in text and "leerplichtambtenaar" not in text
    steps = [a for a in world.actions(ActionType.BRIEF_VERSTUURD) if a.case_id == noor_case]
    assert len(steps) == 2  # the dossier's first step: "eerste brief versturen" is done
    # a 17-year-old VSV beside absoluut verzuim is kwalificatieplichtig: the leerplicht letters apply
    assert not [p for p in letter_run.plan_run(
        [Subject("case:x", NOOR, LetterKind.DOORSTROOMPUNT, kwalificatieplicht_reden=True)],
        {NOOR: kind(persoonsnummer=NOOR, voornamen="Noor", geboortedatum=date(2009, 5, 5), adres=DORPSWEG,
                    ouders=())}, P, ("0363",), CONFIG)[0]]


def test_letters_by_age_16_17_also_to_the_young_person_18_from_the_doorstroompunt(world: World) -> None:
    """Noor (17) without enrolment: her parents' letter and her own; Daan (20) reported by his school:
    one invitation to him, from the Doorstroompunt under the WEB, kenmerk RMC-."""
    with world.sessions.begin() as session:
        _open_case(session, NOOR, ReasonCode.ABSOLUUT_VERZUIM)
        session.add(Verzuimmelding(
            meldingsnummer="VM2026-000200", meldingsdatum=P - timedelta(days=2), brin="12AB", vestiging="00",
            persoonsnummer=DAAN, soort=VerzuimSoort.RMC, begindatum=P - timedelta(days=30),
            status=MeldingStatus.GEREGISTREERD, status_datum=P - timedelta(days=2)))
    result = world.run()
    noor = world.letters(persoonsnummer=NOOR, status=LetterStatus.AANGEMAAKT)
    assert sorted(row.geadresseerde for row in noor) == ["jongere", "verzorgers"]
    own = next(row for row in noor if row.geadresseerde == "jongere")
    text = "\n".join(_paragraphs(result.run_dir / own.bestand))
    assert "Beste Noor," in text and "ben je kwalificatieplichtig" in text and "uw kind" not in text
    assert "artikel 4c" in text and own.kenmerk.startswith("LP-")
    daan = world.letters(persoonsnummer=DAAN, soort="uitnodiging_verzuimgesprek")
    assert [row.geadresseerde for row in daan] == ["jongere"] and daan[0].kenmerk.startswith("RMC-")
    text = "\n".join(_paragraphs(result.run_dir / daan[0].bestand))
    # nobody assigned and no desk name: the team signs, without a function (tests/office.toml)
    assert "Beste Daan," in text and "Team Leerplicht en Doorstroompunt" in text
    assert "trajectbegeleider" not in text
    assert "geeft je school dat door (Wet educatie en beroepsonderwijs)" in text and "(artikel 9.2.5)" in text
    assert "Leerplichtwet" not in text and "leerplichtambtenaar" not in text


def test_schools_by_name_from_duos_reports(world: World) -> None:
    """DUO's A04 names school 13CD "Testcollege": the invitation says so, never the code."""
    from connectors import deliveries
    from connectors.staging import Staging

    a04 = Path(__file__).parents[1] / "connectors" / "fixtures" / "duo" / "202611A04G0363.csv"
    with Staging(world.staging) as staging:
        deliveries.load(staging, a04, "duo_a04")
    with world.sessions.begin() as session:
        session.add(Verzuimmelding(
            meldingsnummer="VM2026-000300", meldingsdatum=P - timedelta(days=2), brin="13CD",
            persoonsnummer=JOOST, soort=VerzuimSoort.ZESTIEN_UUR_VIER_WEKEN,
            begindatum=P - timedelta(days=30), status=MeldingStatus.GEREGISTREERD,
            status_datum=P - timedelta(days=2)))
    result = world.run()
    joost = world.letters(persoonsnummer=JOOST, soort="uitnodiging_verzuimgesprek")[0]
    text = "\n".join(_paragraphs(result.run_dir / joost.bestand))
    assert "Testcollege heeft op 5 september 2026 bij ons gemeld" in text and "13CD" not in text


# -- a single letter by hand ----------------------------------------------------------------------------

HAND = {"datum": P, "gemeenten": ("0363",), "config": CONFIG}  # a letter by hand's date and office


def _dossier(world: World, case_id: int) -> int:
    with world.sessions() as session:
        return session.get(Case, case_id).dossier_id


def test_a_single_letter_is_drafted_edited_and_stored(world: World, tmp_path: Path) -> None:
    """Sanne's dossier: the letter that fits its leading reason, drafted to her parents, edited in Word,
    stored: in the log, as a step on the reason with the .docx attached, labelled a single letter (also
    the second one, rang 2: never "herinnering"); the draft leaves concept/ and the letter run sends no
    second first letter. Storing it twice, or a file that is no longer the letter, is refused."""
    from letters.single import draft, store
    from registers.errors import Refused
    from registers.models import Bijlage

    concept = tmp_path / "letters" / "concept"
    dossier = _dossier(world, world.cases["sanne"])
    (made,) = draft(world.sessions, world.staging, concept, dossier, **HAND)
    assert (made.soort, made.case_id, made.dossier_id) == ("absoluut_verzuim", world.cases["sanne"], dossier)
    assert made.geadresseerde == "ouder1+ouder2" and made.kenmerk.startswith("LP-E")
    document = docx.Document(str(made.path))
    assert "Geachte heer De Vries en mevrouw Van der Berg," in [p.text for p in document.paragraphs]
    document.add_paragraph("Wij spraken u op 3 september al aan het schoolhek.")  # the LPA's own words
    document.save(str(made.path))
    assert world.letters() == []  # a draft records nothing

    broken = concept / "kapot.docx"
    broken.write_text("geen Word", encoding="utf-8")
    sidecar = made.path.with_name(made.path.name + ".brief.json")
    shutil.copyfile(sidecar, broken.with_name(broken.name + ".brief.json"))
    with pytest.raises(Refused, match="geen geldig Word-document"):
        store(world.sessions, broken, world.out)
    twice = tmp_path / "kopie" / made.path.name  # a copy kept outside concept/
    twice.parent.mkdir()
    shutil.copyfile(made.path, twice)
    shutil.copyfile(sidecar, twice.with_name(twice.name + ".brief.json"))

    letter = store(world.sessions, made.path, world.out)
    assert (letter.rang, letter.run, letter.case_id, letter.status) == (
        1, "enkel", world.cases["sanne"], LetterStatus.AANGEMAAKT)
    assert not made.path.exists() and not sidecar.exists()  # the stored draft left concept/
    kept = world.out / "enkel" / f"{made.kenmerk}.docx"
    assert "aan het schoolhek" in "\n".join(_paragraphs(kept))
    [step] = world.actions(ActionType.BRIEF_VERSTUURD)
    assert step.case_id == world.cases["sanne"] and step.on_date == P
    assert step.note == (f"brief geen schoolinschrijving bekend (met antwoordformulier) (enkele brief), "
                         f"kenmerk {made.kenmerk}, aan: ouder1+ouder2")
    with world.sessions() as session:  # the .docx is the step's attachment, content-hashed
        [bijlage] = session.scalars(select(Bijlage)).all()
        assert (bijlage.case_action_id, bijlage.bestandsnaam) == (step.id, f"{made.kenmerk}.docx")
        assert bijlage.grootte == kept.stat().st_size
    with pytest.raises(Refused, match="al opgeslagen"):
        store(world.sessions, twice, world.out)
    assert len(world.letters()) == 1

    (second,) = draft(world.sessions, world.staging, concept, dossier, datum=P, gemeenten=("0363",),
                      config=CONFIG)
    assert store(world.sessions, second.path, world.out).rang == 2
    notes = [a.note for a in world.actions(ActionType.BRIEF_VERSTUURD)]
    assert len(notes) == 2 and not any("herinnering" in note for note in notes)
    result = world.run()
    assert not [row for row in world.letters(run=result.run) if row.case_id == world.cases["sanne"]]


def test_a_single_letter_fits_its_reason(world: World, tmp_path: Path) -> None:
    """The absoluut verzuim letter is not offered on a verzuimmelding (it would tell the parents their
    child has no school at all); a melding gets the invitation, naming the dossier's next appointment;
    a thuiszitter reason has no letter of its own."""
    from letters.single import draft, fitting
    from registers.codes import AfspraakStatus
    from registers.errors import Refused

    with world.sessions.begin() as session:
        melding = session.scalars(select(Verzuimmelding).where(Verzuimmelding.persoonsnummer == BRAM)).one()
        reason = Case(persoonsnummer=BRAM, gemeentecode="0363", signal=ReasonCode.VERZUIMMELDING,
                      status=CaseStatus.OPEN, opened_on=P - timedelta(days=3), sinds=P - timedelta(days=30),
                      last_seen=P, verzuimmelding_id=melding.id)
        session.add(reason)
        session.flush()
        bram, bram_dossier = reason.id, reason.dossier_id
        assert fitting(reason) == (LetterKind.UITNODIGING_VERZUIMGESPREK, LetterKind.WAARSCHUWING_VERZUIM)
    sanne_dossier = _dossier(world, world.cases["sanne"])
    with pytest.raises(Refused, match="past niet bij aanleiding"):
        draft(world.sessions, world.staging, tmp_path, bram_dossier, LetterKind.ABSOLUUT_VERZUIM, datum=P,
              config=CONFIG)
    with pytest.raises(Refused, match="plan eerst een afspraak"):
        draft(world.sessions, world.staging, tmp_path, bram_dossier, datum=P, config=CONFIG)
    with pytest.raises(Refused, match="hoort geen brief"):
        draft(world.sessions, world.staging, tmp_path, sanne_dossier,
              reden_id=world.cases["sanne_thuiszitter"], datum=P, config=CONFIG)
    with pytest.raises(Refused, match="hoort niet bij dossier"):
        draft(world.sessions, world.staging, tmp_path, sanne_dossier, reden_id=bram, datum=P, config=CONFIG)
    with world.sessions.begin() as session:
        session.add(Afspraak(medewerker="leerplicht", start=datetime(2026, 9, 22, 10, 30),
                             einde=datetime(2026, 9, 22, 11, 0), locatie="Stadskantoor, Testplein 1",
                             status=AfspraakStatus.GEPLAND, persoonsnummer=BRAM, case_id=bram, by="tester",
                             recorded_at=datetime.now(UTC).replace(tzinfo=None)))
    (made,) = draft(world.sessions, world.staging, tmp_path, bram_dossier, datum=P, config=CONFIG)
    assert made.soort == "uitnodiging_verzuimgesprek" and made.case_id == bram
    text = "\n".join(_paragraphs(made.path))
    assert "22 september 2026" in text and "10:30 uur" in text and "Stadskantoor, Testplein 1" in text
    assert "bij ons gemeld" in text and "geen schoolinschrijving" not in text
    # the default agenda is the leerplicht desk's (CONFIG names it A. Jansen); reply before the talk
    assert "Met\tA. Jansen, leerplichtambtenaar" in text and "A. Jansen\nleerplichtambtenaar" in text
    assert "vóór 19 september 2026" in text


def _melding_reason(world: World, persoonsnummer: str, nummer: str) -> tuple[int, int]:
    """A verzuimmelding (16 hours in 4 weeks) and its open reason: (reason id, dossier id)."""
    with world.sessions.begin() as session:
        melding = Verzuimmelding(
            meldingsnummer=nummer, meldingsdatum=P - timedelta(days=3), brin="12AB", vestiging="00",
            persoonsnummer=persoonsnummer, soort=VerzuimSoort.ZESTIEN_UUR_VIER_WEKEN,
            begindatum=P - timedelta(days=30), status=MeldingStatus.GEREGISTREERD,
            status_datum=P - timedelta(days=3))
        session.add(melding)
        session.flush()
        reason = Case(persoonsnummer=persoonsnummer, gemeentecode="0363", signal=ReasonCode.VERZUIMMELDING,
                      status=CaseStatus.OPEN, opened_on=P - timedelta(days=3), sinds=P - timedelta(days=30),
                      last_seen=P, verzuimmelding_id=melding.id)
        session.add(reason)
        session.flush()
        return reason.id, reason.dossier_id


def test_a_written_warning_fits_a_melding_until_18_and_is_the_reasons_waarschuwing(world: World,
                                                                                   tmp_path: Path) -> None:
    """The written warning on a verzuimmelding: Bram (13) gets one, to his parents, naming his own duty
    from 12 and the proces-verbaal against both that may follow (Leerplichtwet art. 22, 26); Noor (17,
    kwalificatieplichtig) gets hers in the second person and her parents theirs; Daan (20) none: it
    would announce a proces-verbaal the law no longer allows. Stored, the letter is the reason's
    `waarschuwing` step (not "brief verstuurd"), so the next action is to check the verzuim stopped."""
    from letters.single import draft, store
    from registers import dossiers as dossier_register
    from registers.errors import Refused
    from reports import follow_up

    _, bram_dossier = _melding_reason(world, BRAM, "VM2026-000201")
    noor, noor_dossier = _melding_reason(world, NOOR, "VM2026-000202")
    daan, daan_dossier = _melding_reason(world, DAAN, "VM2026-000203")
    warning = LetterKind.WAARSCHUWING_VERZUIM

    (bram_letter,) = draft(world.sessions, world.staging, tmp_path, bram_dossier, warning, **HAND)
    text = "\n".join(_paragraphs(bram_letter.path))
    assert "Schriftelijke waarschuwing: schoolverzuim van Bram" in text
    assert "Bram is leerplichtig. Als ouder of verzorger zorgt u ervoor" in text
    assert "proces-verbaal opmaken tegen u en tegen Bram (artikel 22)" in text
    assert "Bram is 13 jaar en is vanaf 12 jaar zelf ook verantwoordelijk" in text
    assert "Rond 5 oktober 2026 vragen wij de school hoe het gaat" in text  # four weeks after the letter
    assert "{{" not in text and "{%" not in text

    made = draft(world.sessions, world.staging, tmp_path, noor_dossier, warning, **HAND)
    assert sorted(d.geadresseerde for d in made) == ["jongere", "verzorgers"]
    own = next(d for d in made if d.geadresseerde == "jongere")
    text = "\n".join(_paragraphs(own.path))
    assert "Beste Noor," in text and "Je bent kwalificatieplichtig." in text
    assert "proces-verbaal opmaken tegen jou en tegen je ouders" in text

    with pytest.raises(Refused, match="geen waarschuwing: .*leerplichtig noch kwalificatieplichtig"):
        draft(world.sessions, world.staging, tmp_path, daan_dossier, warning, reden_id=daan, **HAND)

    letter = store(world.sessions, own.path, world.out)
    assert (letter.soort, letter.case_id, letter.rang) == (warning, noor, 1)
    [step] = world.actions(ActionType.WAARSCHUWING)
    assert step.case_id == noor and step.on_date == P and "schriftelijke waarschuwing" in step.note
    assert world.actions(ActionType.BRIEF_VERSTUURD) == []
    with world.sessions() as session:
        [row] = dossier_register.open_dossiers(session, [noor_dossier])
        assert session.get(Verzuimmelding, session.get(Case, noor).verzuimmelding_id).status == (
            MeldingStatus.IN_BEHANDELING)
    assert follow_up.next_action(row["soort"], row["stap"], row["stap_datum"]) == (
        "verzuim na de waarschuwing nagaan", P + timedelta(days=28))


def test_the_runs_invitation_is_a_step_of_the_meldings_reason(world: World) -> None:
    """The letter run's invitation about a verzuimmelding shows on the timeline of the reason that
    melding is in the dossier (it was only in the letter log), one step per addressee."""
    noor, _ = _melding_reason(world, NOOR, "VM2026-000301")
    world.run()
    steps = [a for a in world.actions(ActionType.BRIEF_VERSTUURD) if a.case_id == noor]
    assert len(steps) == 2 and all(a.on_date == P for a in steps)
    assert sorted(a.note.rsplit("aan: ", 1)[1] for a in steps) == ["jongere", "verzorgers"]
    assert all(a.note.startswith("uitnodiging verzuimgesprek, kenmerk ") for a in steps)


def test_drafts_never_stored_are_removed_by_the_letter_run(world: World) -> None:
    """[letters] concept_dagen (default 14): the letter run removes older drafts and their sidecars."""
    from letters.single import draft

    concept = world.out / "concept"
    dossier = _dossier(world, world.cases["sanne"])
    (old,) = draft(world.sessions, world.staging, concept, dossier, **HAND)
    (new,) = draft(world.sessions, world.staging, concept, dossier, **HAND)
    weeks_ago = datetime.now().timestamp() - 15 * 24 * 3600
    os.utime(old.path, (weeks_ago, weeks_ago))
    result = world.run()
    assert result.concepten_verwijderd == 1
    assert not old.path.exists() and not old.path.with_name(old.path.name + ".brief.json").exists()
    assert new.path.exists() and new.path.with_name(new.path.name + ".brief.json").exists()


# -- the agenda -----------------------------------------------------------------------------------------

def test_invitations_take_free_slots_of_the_assigned_persons_agenda(world: World) -> None:
    """25 new meldingen for Bram (nobody assigned: the default agenda) and one for Noor, whose case is
    P. Dekker's: every invitation its own slot, Noor's two letters (hers and her parents') one
    appointment, with P. Dekker named in them."""
    from registers.gebruikers import add_user

    with world.sessions.begin() as session:
        add_user(session, "pdekker", "P. Dekker", "lpa", "correct horse battery")
        _open_case(session, NOOR, ReasonCode.ABSOLUUT_VERZUIM, assigned_to="pdekker")
        for number in range(25):
            session.add(Verzuimmelding(
                meldingsnummer=f"VM2026-1{number:05d}", meldingsdatum=P - timedelta(days=2), brin="12AB",
                persoonsnummer=BRAM if number else NOOR, soort=VerzuimSoort.ZESTIEN_UUR_VIER_WEKEN,
                begindatum=P - timedelta(days=30), status=MeldingStatus.GEREGISTREERD,
                status_datum=P - timedelta(days=2)))
    result = world.run()
    with world.sessions() as session:
        booked = list(session.scalars(select(Afspraak).order_by(Afspraak.start, Afspraak.id)))
    assert len(booked) == 26 and len({(a.medewerker, a.start) for a in booked}) == 26
    noor = [a for a in booked if a.persoonsnummer == NOOR]
    assert [(a.medewerker, a.start) for a in noor] == [("pdekker", datetime(2026, 9, 21, 9, 0))]
    bram = [a.start for a in booked if a.persoonsnummer == BRAM]
    assert bram[:3] == [datetime(2026, 9, 21, 9, 0), datetime(2026, 9, 21, 9, 30),
                        datetime(2026, 9, 21, 10, 0)]
    assert bram[12] == datetime(2026, 9, 22, 9, 0)  # twelve half hours a day (default hours)
    assert all(a.run == result.run and a.locatie == CONFIG.kantoor.gesprekslocatie for a in booked)
    invitations = world.letters(soort="uitnodiging_verzuimgesprek", persoonsnummer=NOOR)
    assert sorted(row.geadresseerde for row in invitations) == ["jongere", "verzorgers"]
    for row in invitations:
        text = "\n".join(_paragraphs(result.run_dir / row.bestand))
        assert "Datum\t21 september 2026\nTijd\t09:00 uur" in text and "Met\tP. Dekker" in text
        assert row.antwoord_voor == date(2026, 9, 18)
    times = {"\n".join(_paragraphs(result.run_dir / row.bestand)).split("Tijd\t")[1][:5]
             for row in world.letters(soort="uitnodiging_verzuimgesprek", persoonsnummer=BRAM)}
    assert len(times) == 12  # no longer one time for everyone


# -- PDF and the command line ---------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")
def test_run_writes_the_pdf_of_the_print_file(world: World) -> None:
    result = world.run(pdf=True)
    assert [path.name for path in result.pdf_files] == ["drukwerk.pdf"]
    # two letters with an answer form, three without: each of those a blank back but the last (duplex)
    assert page_count(result.pdf_files[0]) == 2 * 2 + 2 * 2 + 1
    pages = page_texts(result.pdf_files[0])
    starts = [number for number, text in enumerate(pages, start=1) if text.startswith("Gemeente ")]
    assert starts == [1, 3, 5, 7, 9] and pages[5] == pages[7] == ""


def _command_line(world: World, tmp_path: Path, config: Path = OFFICE_TOML) -> tuple[Path, dict[str, str]]:
    """A data directory holding the world's staging, and the environment a command runs in on it."""
    data_dir = tmp_path / "cli-data"
    data_dir.mkdir()
    (data_dir / "staging.duckdb").write_bytes(world.staging.read_bytes())
    url = world.sessions.kw["bind"].url.render_as_string(hide_password=False)
    return data_dir, {"INBEELD_DATA_DIR": str(data_dir), "INBEELD_DB_URL": url, "INBEELD_GEMEENTEN": "0363",
                      "INBEELD_AUDIT_KEY": AUDIT_KEY.decode(),
                      "INBEELD_GEBRUIKER": add_tester(data_dir, url)[1], "INBEELD_CONFIG": str(config)}


def test_command_line_run_and_list(world: World, tmp_path: Path) -> None:
    data_dir, env = _command_line(world, tmp_path)
    runner = CliRunner()
    arguments = ["letters", "run", "--peildatum", "2026-09-07", "--no-pdf", "--workers", "1"]
    result = runner.invoke(main, arguments, env=env)
    assert result.exit_code == 0, result.output
    assert "eerste brieven 5, herinneringen 0, nieuw onderdrukt 3" in result.output
    assert (data_dir / "letters" / "260907-1" / "drukwerk.docx").is_file()
    listed = runner.invoke(main, ["letters", "list", "--status", "onderdrukt", "--format", "csv"], env=env)
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("\n") == 4 and "niet in de BRP" in listed.output  # the label, not the code
    assert kind().persoonsnummer not in listed.output
    again = runner.invoke(main, ["letters", "run", "--peildatum", "2026-09-07", "--no-pdf"], env=env)
    assert "eerste brieven 0, herinneringen 0, nieuw onderdrukt 0" in again.output


def test_a_broken_template_of_the_office_is_said_in_dutch_and_the_letters_stay_due(world: World,
                                                                                   tmp_path: Path) -> None:
    """An office's own template with a broken tag: `letters run` ends with one Dutch message naming
    the file, no traceback; repaired, the next run writes the letters."""
    from letters.render import TEMPLATE_DIR

    folder = tmp_path / "sjablonen"
    shutil.copytree(TEMPLATE_DIR, folder)
    broken = folder / "absoluut_verzuim.docx"
    with zipfile.ZipFile(TEMPLATE_DIR / broken.name) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "word/document.xml":
                content = content.replace(b"{{ datum }}", b"{{ datum }", 1)
            target.writestr(item, content)
    config = tmp_path / "inbeeld.toml"
    own = f'[letters]\ntemplate_dir = "{folder}"\n\n[letters.kantoor]'
    config.write_text(OFFICE_TOML.read_text(encoding="utf-8").replace("[letters.kantoor]", own, 1),
                      encoding="utf-8")
    data_dir, env = _command_line(world, tmp_path, config)
    arguments = ["letters", "run", "--peildatum", "2026-09-07", "--no-pdf", "--workers", "1"]
    result = CliRunner().invoke(main, arguments, env=env)
    assert result.exit_code == 1, result.output
    assert "Fout: een briefsjabloon is niet te gebruiken: " in result.output and broken.name in result.output
    assert "Traceback" not in result.output
    shutil.copy(TEMPLATE_DIR / broken.name, broken)
    again = CliRunner().invoke(main, arguments, env=env)
    assert again.exit_code == 0, again.output
    assert "eerste brieven 5" in again.output


def test_command_line_draft_and_store(world: World, tmp_path: Path) -> None:
    data_dir, env = _command_line(world, tmp_path)
    runner = CliRunner()
    daan = _dossier(world, world.cases["daan_vsv"])
    drafted = runner.invoke(main, ["letters", "draft", str(daan), "--reden", str(world.cases["daan_rmc"]),
                                   "--template", "doorstroompunt", "--datum", "2026-09-07"], env=env)
    assert drafted.exit_code == 0, drafted.output
    assert "aan jongere" in drafted.output and "inbeeld letters store" in drafted.output
    assert f"(doorstroompunt, aanleiding {world.cases['daan_rmc']})" in drafted.output
    path = Path(drafted.output.split("aan jongere: ")[1].splitlines()[0])
    assert path.parent == data_dir / "letters" / "concept"
    sidecar = path.with_name(path.name + ".brief.json")  # as a draft written before the kind's rename has it
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace('"soort": "doorstroompunt"',
                                                                   '"soort": "rmc_18_23"'), encoding="utf-8")
    stored = runner.invoke(main, ["letters", "store", str(path)], env=env)
    assert stored.exit_code == 0 and "opgeslagen op aanleiding" in stored.output, stored.output
    listed = runner.invoke(main, ["letters", "list", "--soort", "rmc_18_23", "--case",
                                  str(world.cases["daan_rmc"]), "--format", "json"], env=env)
    assert listed.exit_code == 0, listed.output
    assert [row["soort"] for row in json.loads(listed.output)] == ["doorstroompunt"]
    assert not path.exists()  # the stored draft left concept/
    url = env["INBEELD_DB_URL"]
    add_tester(data_dir, url, login="jjansen", rol="lpa")
    nobody = runner.invoke(main, ["letters", "draft", str(daan), "--by", "niemand"], env=env)
    assert nobody.exit_code == 1 and "concept" not in nobody.output  # an unknown --by drafts nothing
    # the leading reason's letter, drafted by the user its own --by names (the global one is tester)
    default = runner.invoke(main, ["letters", "draft", str(daan), "--by", "JJansen"], env=env)
    assert default.exit_code == 0, default.output
    assert f"(doorstroompunt, aanleiding {world.cases['daan_vsv']})" in default.output
    with world.sessions() as session:
        drafted_by = session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "letter.drafted")
                                     .order_by(AuditEntry.id)).all()
    assert drafted_by == ["tester", "jjansen"]
    sanne = _dossier(world, world.cases["sanne"])
    wrong = runner.invoke(main, ["letters", "draft", str(sanne), "--template", "uitnodiging_verzuimgesprek"],
                          env=env)
    assert wrong.exit_code == 1 and "past niet bij aanleiding" in wrong.output


def test_command_line_refuses_without_staging(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["letters", "run"], env={"INBEELD_DATA_DIR": str(tmp_path / "empty"),
                                                               "INBEELD_DB_URL": ""})
    assert result.exit_code == 1 and "lees eerst een BRP-levering in" in result.output


def test_counts_in_the_log_match_the_files(world: World) -> None:
    result = world.run()
    with world.sessions() as session:
        by_status = dict(session.execute(select(Letter.status, func.count()).where(Letter.run == result.run)
                                         .group_by(Letter.status)).all())
    assert by_status == {LetterStatus.AANGEMAAKT: len(result.files), LetterStatus.ONDERDRUKT: 3}


def test_office_details_come_from_inbeeld_toml(tmp_path: Path) -> None:
    from inbeeld.settings import SettingsError, load_settings

    config_file = tmp_path / "inbeeld.toml"
    config_file.write_text(
        '[inbeeld.letters]\ngesprek_na_dagen = 10\n'
        '[inbeeld.letters.kantoor]\ngemeente = "Utrecht"\n'
        '[inbeeld.letters.rmc]\nnaam = "B. de Boer"\n', encoding="utf-8")
    config = load_settings(environ={"INBEELD_CONFIG": str(config_file)}).letters
    assert (config.kantoor.gemeente, config.rmc.naam) == ("Utrecht", "B. de Boer")
    assert config.gesprek_na_dagen == 10
    # no placeholder: a desk without a name is signed by the team ([letters.kantoor] afdeling), and what
    # a letter cannot go without is reported missing (no letter is written: letters.office.ready)
    assert config.rmc.functie == "trajectbegeleider" and config.leerplicht.naam == ""
    missing = config.ontbreekt()
    assert "letters.kantoor.retouradres" in missing and "letters.kantoor.gemeente" not in missing
    config_file.write_text('[inbeeld.letters.kantoor]\nburgemeester = "X"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"letters\.kantoor\.burgemeester: onbekende sleutel"):
        load_settings(environ={"INBEELD_CONFIG": str(config_file)})


def test_no_letter_from_an_office_that_is_not_configured(world: World) -> None:
    """Out of the box no office is set: the run refuses, naming the keys, and writes and records nothing
    (no "Voorbeeldstad" or "Team Leerplicht" placeholder ever reaches a family); what can be derived is."""
    from letters.office import KantoorOnvolledig, ready

    with pytest.raises(KantoorOnvolledig, match=r"not set: letters\.kantoor\.afdeling, .*\.rmc\.email"):
        run_letters(world.sessions, world.staging, world.out, P, gemeenten=("0363",), pdf=False, workers=1)
    assert not world.letters() and not world.out.exists()
    blank = replace(OFFICE.kantoor, gemeente="", gesprekslocatie="")
    filled = ready(replace(OFFICE, kantoor=blank), ("0363",))
    assert filled.kantoor.gemeente == "Amsterdam"  # the served gemeente's CBS name, not a placeholder
    assert filled.kantoor.gesprekslocatie == OFFICE.kantoor.bezoekadres
    assert filled.leerplicht.telefoon == OFFICE.kantoor.telefoon  # the desk's phone: the office's


def test_an_own_template_folder_must_hold_every_letter_and_names_an_old_name(tmp_path: Path) -> None:
    """An office's template folder of before the Doorstroompunt letter's rename (rmc_18_23.docx) is
    refused before anything is written, saying which file to rename; renamed, it is used."""
    from letters.office import KantoorOnvolledig, ready
    from letters.render import TEMPLATE_DIR
    from registers.meldingen import nederlands

    folder = tmp_path / "sjablonen"
    folder.mkdir()
    for path in TEMPLATE_DIR.glob("*.docx"):
        shutil.copy(path, folder / ("rmc_18_23.docx" if path.stem == "doorstroompunt" else path.name))
    with pytest.raises(KantoorOnvolledig) as refused:
        ready(replace(OFFICE, template_dir=folder), ("0363",))
    assert "ontbreekt: rmc_18_23.docx → doorstroompunt.docx." in nederlands(refused.value)
    (folder / "rmc_18_23.docx").rename(folder / "doorstroompunt.docx")
    assert ready(replace(OFFICE, template_dir=folder), ("0363",)).template_dir == folder


def test_one_letter_run_at_a_time_and_no_lock_file_left(tmp_path: Path) -> None:
    from letters.run import LOCK, LetterRunBusy, _exclusive

    with _exclusive(tmp_path):
        assert (tmp_path / LOCK).is_file()
        with pytest.raises(LetterRunBusy, match="er draait al een andere briefrun"), _exclusive(tmp_path):
            pass
    assert not (tmp_path / LOCK).exists()  # a clean run leaves nothing behind
    with _exclusive(tmp_path):
        assert (tmp_path / LOCK).is_file()
    assert not (tmp_path / LOCK).exists()
