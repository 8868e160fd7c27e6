"""Crash safety (issue #7): the weekly flow killed with SIGKILL part-way and run again ends in the
same state as an uninterrupted run: same cases, same letters and letter files, nothing twice,
nothing lost, on a SQLite and on a PostgreSQL register.

On SQLite the run is killed at every point. On PostgreSQL at the two points inside a register
transaction (case_sync, letter_record), where what PostgreSQL adds is at stake: a killed backend's
transaction rolled back and its advisory locks released. The other two points are about files (the
archive, the letter files), which do not depend on the register's database.

The child process (tests/pipelines/crash_child.py) runs the real weekly flow and pauses at a named
point; the test checks that the run really is half-way there, kills it and runs the flow again
in-process. Deterministic: the kill waits for the point, never for a clock.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from inspect import signature
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from inbeeld.settings import Settings
from letters.render import render_files
from letters.run import ABORTED_SUFFIX, MARKER
from pipelines.stores import registers
from pipelines.weekly import weekly_flow
from registers.models import AuditEntry, AuditPurgeWindow, Base, Case, CaseAction, Letter
from tests.pipelines import crash_child
from tests.pipelines.test_weekly import BSNS, LO3_HEADER, _inbox, _valid
from tests.registers.conftest import PG_URL

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SITE = Path("tests/pipelines/crash_site")  # its sitecustomize installs the pause hook in every process
DAY = crash_child.PEILDATUM
IN_A_TRANSACTION = ("case_sync", "letter_record")
KILLS = ([pytest.param("sqlite", point, id=f"sqlite-{point}") for point in crash_child.POINTS]
         + [pytest.param("postgresql", point, id=f"postgresql-{point}", marks=pytest.mark.postgres)
            for point in IN_A_TRANSACTION])
LETTER_POINTS = ("letter_files", "letter_record")
CHUNK = signature(render_files).parameters["chunk_size"].default  # letters per pool task
PAUSE_AT = 25  # letter_files: the writing process stops at its 25th letter, after 24 of them
RUN_NAME = re.compile(r"\b\d{6}-\d+\b")  # a letter run (260907-1): a killed run's name is never reused
READS = re.compile(r"\.(read|listed)$|^audit\.")  # audit entries of reads: a rerun reads again


# -- the register databases -----------------------------------------------------------------------

class PostgresDatabases:
    """A database of its own for every run (like tests/registers' scratch schemas, but databases):
    the run lock and the writer lock are advisory locks, which PostgreSQL scopes per database, so
    runs of other tests cannot hold them; and after the kill the test can wait until the killed
    process's backends are gone."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool,
                                   connect_args={"connect_timeout": 3})
        self.created: list[str] = []

    def create(self, purpose: str) -> str:
        name = f"inbeeld_crash_{purpose}_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def wait_until_left(self, url: str, timeout: float = 10) -> None:
        """Until no session is connected to the database of `url` (a killed client's backends end
        when the server sees the connection close: usually at once, but not synchronously)."""
        name = make_url(url).database
        deadline = time.monotonic() + timeout
        with self.admin.connect() as connection:
            while connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"),
                                     {"d": name}).scalar_one():
                if time.monotonic() > deadline:
                    pytest.fail(f"the killed run's sessions on {name} did not end within {timeout} s")
                time.sleep(0.02)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(PG_URL)
    try:
        with databases.admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means: no server to test against
        pytest.skip(f"PostgreSQL at {databases.url.render_as_string()} does not answer "
                    f"({type(exc).__name__}); set INBEELD_TEST_PG_URL")
    yield databases
    databases.drop_all()


def _register_url(request: pytest.FixtureRequest, backend: str, purpose: str) -> str | None:
    """None: the SQLite file in the data directory (the default); else a new PostgreSQL database."""
    if backend == "sqlite":
        return None
    return request.getfixturevalue("postgres").create(purpose)


def _engine(data_dir: Path, db_url: str | None) -> Engine:
    return create_engine(Settings(data_dir=data_dir, db_url=db_url).register_url, poolclass=NullPool)


def _count(data_dir: Path, db_url: str | None, sql: str) -> int:
    """A count of what is committed, from a connection of the test's own."""
    engine = _engine(data_dir, db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


# -- the runs -------------------------------------------------------------------------------------

CHILDREN = 60  # more letters than one chunk of the letter renderer: the pool writes them


def _crash_inbox(data_dir: Path) -> None:
    """The weekly test's inbox with a BRP of sixty children, two of them enrolled: many cases and
    more letters than the renderer writes in-process, so the kill in the letters hits its pool."""
    inbox = _inbox(data_dir)
    bsns = [*BSNS, *_more_bsns(CHILDREN - len(BSNS))]
    rows = [f"Lg01_{i};12345678{i:02d};{bsn};Test;;Persoon{i};20120902;V;0363;20120902;Teststraat;{i + 1};"
            "9999ZZ;Voorbeeldstad" for i, bsn in enumerate(bsns)]
    (inbox / "2026-09-07" / "brp-G0363-20260907.lo3.csv").write_text(
        "\n".join([LO3_HEADER, *rows]) + "\n", encoding="utf-8")


def _more_bsns(count: int) -> list[str]:
    """Synthetic BSNs (999…, elfproef) besides the weekly test's ten."""
    found: list[str] = []
    number = 999_100_000
    while len(found) < count:
        if _valid(str(number)) and str(number) not in BSNS:
            found.append(str(number))
        number += 1
    return found


@dataclass(frozen=True)
class Run:
    backend: str
    data_dir: Path
    db_url: str | None
    counts: dict[str, int]
    state: dict[str, Any]


@pytest.fixture(scope="module")
def references(request: pytest.FixtureRequest, prefect_harness: str,
               tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Run]:
    """The uninterrupted run every crashed one must end like: one per backend and module, made on
    first use. (A module-scoped fixture parametrized together with `point` was made anew for every
    kill, six weekly runs instead of two: pytest keyed its cache by the parameter set.)"""
    made: dict[str, Run] = {}

    def reference(backend: str) -> Run:
        if backend not in made:
            made[backend] = _reference_run(request, backend, tmp_path_factory)
        return made[backend]

    return reference


@pytest.fixture
def reference(references: Callable[[str], Run], backend: str) -> Run:
    """The backend's uninterrupted run, made in the set-up (its log is not the test's)."""
    return references(backend)


def _reference_run(request: pytest.FixtureRequest, backend: str,
                   tmp_path_factory: pytest.TempPathFactory) -> Run:
    data_dir = tmp_path_factory.mktemp(f"reference-{backend}")
    _crash_inbox(data_dir)
    db_url = _register_url(request, backend, "reference")
    with pytest.MonkeyPatch.context() as patch:
        if db_url:
            patch.setenv("INBEELD_DB_URL", db_url)
        counts = weekly_flow(peildatum=DAY, data_dir=str(data_dir), gemeente=crash_child.GEMEENTE)
    assert counts["rows_quarantined"] == 0 and counts["letters"] > CHUNK, counts
    return Run(backend, data_dir, db_url, counts, _end_state(data_dir, db_url))


def _run_until(point: str, data_dir: Path, db_url: str | None, harness: str,
               timeout: float = 120) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    """Start the child and wait until it stands at `point`; returns it (alive) and what it saw."""
    marker = data_dir.parent / f"{point}.marker"
    env = {**os.environ, "PREFECT_API_URL": harness, "PYTHONPATH": f"{ROOT / SITE}{os.pathsep}{ROOT}",
           crash_child.POINT: point, crash_child.MARKER: str(marker), crash_child.AT: str(PAUSE_AT)}
    env.pop("INBEELD_DB_URL", None)
    if db_url:
        env["INBEELD_DB_URL"] = db_url
    log = data_dir.parent / f"{point}.log"
    with log.open("wb") as output:
        child = subprocess.Popen([sys.executable, "-m", "tests.pipelines.crash_child", str(data_dir)],
                                 cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            if child.poll() is None:
                child.kill()
            child.wait(30)
            tail = log.read_text(errors="replace")[-3000:]
            pytest.fail(f"the weekly run never reached {point} (exit {child.returncode}):\n{tail}")
        time.sleep(0.02)
    return child, json.loads(marker.read_text(encoding="utf-8"))


def _processes_in(session: int) -> list[int]:
    """The live processes of a session: the killed run started its own (`start_new_session`), and
    the processes it started (the letter pool's workers) stay in it even when they outlive it."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            state, _ppid, _group, sid = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:4]
        except (OSError, ValueError):
            continue  # not a process, or gone meanwhile
        if int(sid) == session and state != "Z":
            found.append(int(entry.name))
    return found


def _assert_nothing_left_running(session: int, timeout: float = 10) -> None:
    """A killed run leaves no process behind (one would keep the killed run's locks and files open)."""
    deadline = time.monotonic() + timeout
    while left := _processes_in(session):
        if time.monotonic() > deadline:
            for pid in left:  # started by this test: end them, then fail
                os.kill(pid, signal.SIGKILL)
            pytest.fail(f"the killed run left {len(left)} process(es) running: {left}")
        time.sleep(0.05)


def _assert_half_way(point: str, data_dir: Path, db_url: str | None, seen: dict[str, Any],
                     reference: Run) -> None:
    """The run stands in the middle of the step named by `point`, not before it and not after it."""
    def committed(sql: str) -> int:
        return _count(data_dir, db_url, sql)

    expected_letters = reference.counts["letters"] + reference.counts["letter_reminders"]
    letters_dir = data_dir / "letters"
    if point == "after_import":
        assert len(_files(data_dir / "archive")) == 1  # one delivery imported and moved ...
        assert len(_inbox_files(data_dir)) == 3  # ... three still wait
    elif point == "case_sync":
        assert committed("SELECT count(*) FROM verzuimmeldingen") == 1  # the step before committed
        # The cases are written inside the sync's transaction, their timeline not yet, and nothing
        # of it is committed: the kill lands between the sync's first write and its commit.
        assert seen["in_transaction"] == {"cases": reference.counts["cases_opened"], "case_actions": 0}
        assert committed("SELECT count(*) FROM cases") == 0
        assert not letters_dir.exists()
    elif point == "letter_files":
        [run_dir] = [p for p in letters_dir.iterdir() if p.is_dir()]
        written = sorted(p.name for p in run_dir.glob("*.docx"))
        unfinished = sorted(p.name for p in run_dir.glob("*.part"))
        # The paused process renamed PAUSE_AT - 1 letters; another worker may have written (part of)
        # another chunk meanwhile. Either way some letters are on disk and not all of them.
        assert seen["letters_renamed"] == PAUSE_AT - 1
        assert PAUSE_AT - 1 <= len(written) < expected_letters, written
        assert seen["unrenamed"] in unfinished  # the next letter exists only under its temporary name
        assert (run_dir / MARKER).is_file() and "drukwerk.docx" not in written
        assert committed("SELECT count(*) FROM letters WHERE status = 'gepland'") == expected_letters
        assert committed("SELECT count(*) FROM letters WHERE status = 'aangemaakt'") == 0
    elif point == "letter_record":
        [run_dir] = [p for p in letters_dir.iterdir() if p.is_dir()]
        assert len(list(run_dir.glob("*.docx"))) == expected_letters + 1  # every letter and the print file
        assert (run_dir / MARKER).is_file()
        assert seen["in_transaction"] == {"aangemaakt": expected_letters, "gepland": 0, "case_actions": 0}
        assert committed("SELECT count(*) FROM letters WHERE status = 'gepland'") == expected_letters
        assert committed("SELECT count(*) FROM letters WHERE status = 'aangemaakt'") == 0
    else:
        raise AssertionError(point)


@pytest.mark.parametrize(("backend", "point"), KILLS)
def test_weekly_killed_part_way_ends_like_an_uninterrupted_run(
        reference: Run, point: str, prefect_harness: str, request: pytest.FixtureRequest, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    crashed = tmp_path / "crashed"
    _crash_inbox(crashed)
    db_url = _register_url(request, reference.backend, "crashed")
    expected_letters = reference.counts["letters"] + reference.counts["letter_reminders"]
    child, seen = _run_until(point, crashed, db_url, prefect_harness)
    try:
        _assert_half_way(point, crashed, db_url, seen, reference)
    finally:
        child.send_signal(signal.SIGKILL)
        returncode = child.wait(30)
    assert returncode == -signal.SIGKILL, "the weekly run was not killed part-way"
    _assert_nothing_left_running(child.pid)
    assert (crashed / "inbeeld.lock").read_text(), "the killed run left its lock behind"
    if db_url:
        request.getfixturevalue("postgres").wait_until_left(db_url)
        monkeypatch.setenv("INBEELD_DB_URL", db_url)

    counts = weekly_flow(peildatum=DAY, data_dir=str(crashed), gemeente=crash_child.GEMEENTE)
    assert "het slot van een run die eindigde zonder het vrij te geven wordt overgenomen" in caplog.text
    assert counts["letter_runs_recovered"] == (expected_letters if point in LETTER_POINTS else 0)
    if point == "case_sync":  # the killed transaction left nothing: the rerun opens every case
        assert counts["cases_opened"] == reference.counts["cases_opened"]
    assert _end_state(crashed, db_url) == reference.state

    aborted = sorted(p for p in (crashed / "letters").iterdir() if p.name.endswith(ABORTED_SUFFIX))
    assert len(aborted) == (1 if point in LETTER_POINTS else 0)
    for folder in aborted:  # the killed run's folder: emptied, kept only so its name is not reused
        assert [p.name for p in folder.iterdir()] == ["AFGEBROKEN.txt"]


# -- the end state --------------------------------------------------------------------------------

def _end_state(data_dir: Path, db_url: str | None) -> dict[str, Any]:
    """Everything the weekly flow leaves behind, without ids, timestamps and the letter run's number."""
    from registers.verzuim import list_meldingen
    from registers.vrijstellingen import list_vrijstellingen

    with duckdb.connect(str(data_dir / "staging.duckdb"), read_only=True) as con:
        imports = con.execute("SELECT kind, file_name, rows_read, rows_loaded, rows_quarantined, status "
                              "FROM imports ORDER BY import_id").fetchall()
        enrolments = con.execute("SELECT count(*) FROM duo_clevering").fetchone()
        persons = con.execute("SELECT count(*) FROM brp_personen").fetchone()
    with registers(Settings(data_dir=data_dir, db_url=db_url)) as session:
        # Plain reads first: the audited listings below add read entries of their own.
        tables = {table.name: session.scalar(select(func.count()).select_from(table))
                  for table in Base.metadata.sorted_tables
                  if table.name not in (AuditEntry.__tablename__, AuditPurgeWindow.__tablename__)}
        audit = Counter(action for action in session.scalars(select(AuditEntry.action))
                        if not READS.search(action))
        cases = sorted((str(c.signal), c.persoonsnummer, c.gemeentecode, str(c.status), c.opened_on, c.sinds,
                        c.last_seen, c.adres_in_onderzoek, c.controle_nodig)
                       for c in session.scalars(select(Case)))
        actions = sorted((str(case.signal), case.persoonsnummer, str(action.action), action.on_date,
                          action.by, _unnumbered(action.note))
                         for action, case in session.execute(select(CaseAction, Case).join(Case)))
        letters = sorted((str(x.soort), x.persoonsnummer, x.geadresseerde, str(x.status), x.rang,
                          str(x.reden), x.datum, x.antwoord_voor, _unnumbered(x.kenmerk),
                          _unnumbered(x.run), _unnumbered(x.bestand))
                         for x in session.scalars(select(Letter)))
        meldingen = sorted((m.meldingsnummer, str(m.status)) for m in list_meldingen(session))
        vrijstellingen = sorted((v.persoonsnummer, str(v.grond), v.begindatum)
                                for v in list_vrijstellingen(session))
    return {"imports": imports, "enrolments": enrolments, "persons": persons, "tables": tables,
            "audit": audit, "meldingen": meldingen, "vrijstellingen": vrijstellingen, "cases": cases,
            "case_actions": actions, "letters": letters, "letter_files": _letter_files(data_dir / "letters"),
            "archive": _files(data_dir / "archive"), "inbox": _files(data_dir / "inbox")}


def _unnumbered(value: str | None) -> str | None:
    return RUN_NAME.sub("RUN", value) if value else value


def _letter_files(folder: Path) -> list[tuple[str, str]]:
    """Every file of the finished letter runs (a half-written or doubled one would show), by name
    without the run's number, with a letter's text (a hash of its document part, run numbers left out)."""
    files = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or relative.parts[0].endswith(ABORTED_SUFFIX) or path.name == ".letters.lock":
            continue
        content = ""
        if path.suffix == ".docx":
            with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as package:
                text_part = _unnumbered(package.read("word/document.xml").decode("utf-8")) or ""
                content = hashlib.sha256(text_part.encode("utf-8")).hexdigest()[:16]
        files.append((_unnumbered(str(relative)) or "", content))
    return files


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _inbox_files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "inbox").rglob("*") if p.is_file() and p.name != "notes.txt")
