"""Benchmark: the work screen of a city (default 250,000 persons and 20,000 open dossiers).

    python bench/bench_web.py [--persons 250000] [--dossiers 20000] [--work DIR] [--users 50] [--seconds 60]
                              [--think 5] [--db-url postgresql+psycopg://…/EMPTY_DB]

1. Builds (once; kept in --work) a data directory: a generated municipality's first week staged (BRP
   and DUO), its real signals synced into the register plus signals for more of its persons until
   --dossiers persons have an open dossier, and an LPA login per simulated user (`inbeeld gebruiker
   add`'s function).
   With --db-url (default $INBEELD_DB_URL) the register is that database (an empty one: it is
   migrated and filled once, the staging of --work reused), else SQLite in the data directory.
2. Server time: each page asked 20 times in process (no network), median and p95 (target ≤ 200 ms).
3. Load: `inbeeld web` in a child process on 127.0.0.1, --users simulated LPAs logging in two at a
   time (as people arrive; 50 argon2 checks at once outlast the client's timeout on two cores) and
   then doing the LPA's day in a loop for --seconds: the pages below, one after the other (a bounded
   loop); p50, p95, max of every request and the errors, per page (target p95 ≤ 500 ms, no errors).
   Twice against the same server: first with no think time (each user's next request leaves as the
   last answer arrives: a measure of throughput, not of a working day), then with --think seconds
   of reading before each click (default 5 on average, see THINK_SECONDS; --think 0 skips it).
   The load average is printed with each run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from inbeeld.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GEMEENTE = "0363"
PASSWORD = "bench-wachtwoord-2026"
SIGNALS = ("ABSOLUUT_VERZUIM", "THUISZITTER", "GEEN_INSCHRIJVING_RMC", "VSV")
# A user reads each page before the next click: 5 s on average (2.5-7.5 s), a modest choice (reading a
# dossier or typing a verslag takes longer) that still asks ~10 requests/s of 50 users.
THINK_SECONDS = 5.0
# The LPA's day: (name, method, path); {dossier} an open dossier, {q} a surname to search for.
DAY = (("inbox", "GET", "/inbox"), ("zoeken", "POST", "/zoeken"), ("dossier", "GET", "/dossier/{dossier}"),
       ("actie", "POST", "/dossier/{dossier}/actie"), ("werklijst", "GET", "/werklijst"),
       ("werklijst-te-laat", "GET", "/werklijst?medewerker=alle&te_laat=1"))


def build(work: Path, persons: int, dossiers: int, db_url: str | None = None) -> Settings:
    """The data directory, made once (delete --work to make it again); with `db_url` the register
    there, filled once from the same staging."""
    settings = Settings(data_dir=work / "data", db_url=db_url, gemeenten=(GEMEENTE,))
    done = work / ("built" if not db_url else "built-" + re.sub(r"\W+", "_", db_url.rsplit("@", 1)[-1]))
    if done.exists():
        return settings
    from connectors.deliveries import load
    from connectors.staging import Staging
    from registers.audit import AuditTrail, load_key
    from registers.case_sync import sync_cases
    from registers.db import open_registers
    from rules.signals import signals_as_list
    from synthetic import generate

    started = time.perf_counter()
    staged = (work / "staged").exists() or (work / "built").exists()
    if not staged and settings.data_dir.exists():  # an interrupted build: stage and sync again
        import shutil

        shutil.rmtree(settings.data_dir)
    if (work / "generated" / "manifest.json").exists():  # generated before (the slow part): keep it
        peildatum = date.fromisoformat(json.loads((work / "generated" / "manifest.json").read_text(
            encoding="utf-8"))["peildatums"][0])
    else:
        peildatum = generate(work / "generated", persons=persons, seed=2026, gemeenten=[GEMEENTE],
                             weeks=1).peildatums[0]
    week = work / "generated" / peildatum.isoformat()
    settings.ensure_data_dir()
    with Staging(settings.staging_path, gemeenten=(GEMEENTE,), read_only=staged) as st:
        if not staged:
            for path in sorted((week / "brp").glob("*.lo3.csv")):
                load(st, path, "brp")
            for path in sorted((week / "duo").glob("duo-*C-*.csv")):
                load(st, path)
        real = signals_as_list(st.con, peildatum, (GEMEENTE,))
        numbers = [row[0] for row in st.con.execute(
            "SELECT bsn FROM brp_personen WHERE bsn IS NOT NULL ORDER BY bsn").fetchall()]
    (work / "staged").touch()
    print(f"staged {len(numbers)} persons, {len(real)} signals in {time.perf_counter() - started:.0f} s")
    rng = random.Random(7)
    real = rng.sample(real, min(len(real), dossiers // 2))  # half real signals, half added below
    rows = [{"persoonsnummer": s.persoonsnummer, "gemeentecode": s.gemeentecode, "signal": s.signal,
             "sinds": s.sinds, "peildatum": peildatum} for s in real]
    taken = {(row["persoonsnummer"], row["signal"]) for row in rows}
    people = {row["persoonsnummer"] for row in rows}  # a dossier per person, holding their reasons
    for number in rng.sample(numbers, len(numbers)):
        if len(people) >= dossiers:
            break
        signal = rng.choice(SIGNALS)
        if (number, signal) in taken:
            continue
        taken.add((number, signal))
        people.add(number)
        rows.append({"persoonsnummer": number, "gemeentecode": GEMEENTE, "signal": signal,
                     "sinds": date(2026, 6, 1), "peildatum": peildatum})
    factory = open_registers(settings.register_url, AuditTrail(load_key(settings.data_dir), actor="systeem"))
    with factory() as session:
        summary = sync_cases(session, peildatum, rows, {})
        session.commit()
    print(f"opened {summary.opened} cases; built in {time.perf_counter() - started:.0f} s")
    done.touch()
    return settings


def ensure_users(settings: Settings, users: int) -> None:
    """An LPA login per simulated user (kept between runs)."""
    from registers.audit import AuditTrail, load_key
    from registers.db import open_registers
    from registers.gebruikers import add_user, get_user

    factory = open_registers(settings.register_url, AuditTrail(load_key(settings.data_dir), actor="systeem"))
    with factory() as session:
        if session.get_bind().dialect.name == "postgresql":  # the web's login serves the gemeente
            from sqlalchemy import text  # (docs/running.md: gemeente_toegang of inbeeld_web)

            session.execute(text("INSERT INTO gemeente_toegang (login, gemeentecode) VALUES (session_user, :g) "
                                 "ON CONFLICT DO NOTHING"), {"g": GEMEENTE})
        for index in range(users):
            if get_user(session, f"lpa{index:02d}") is None:
                add_user(session, f"lpa{index:02d}", f"LPA {index:02d}", "lpa", PASSWORD, [GEMEENTE])
        session.commit()


def _tokens(html: str) -> dict[str, str]:
    return {name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1) for name in ("csrf", "formulier")}


def _login(client: httpx.Client, login: str) -> None:
    page = client.get("/login")
    response = client.post("/login", data={**_tokens(page.text), "login": login, "wachtwoord": PASSWORD})
    if response.status_code != 200 or "/login" in str(response.url):
        raise RuntimeError(f"login {login} failed: {response.status_code}")


def _samples(settings: Settings, count: int = 500) -> tuple[list[int], list[str]]:
    """Open dossier ids and surnames of their persons, for the simulated users to work on."""
    import duckdb
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.register_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, persoonsnummer FROM cases WHERE status = 'open' "
                                       "AND signal = 'ABSOLUUT_VERZUIM' ORDER BY id LIMIT :n"), {"n": count}).all()
    engine.dispose()
    con = duckdb.connect(str(settings.staging_path), read_only=True)
    names = [r[0] for r in con.execute("SELECT DISTINCT geslachtsnaam FROM brp_personen WHERE bsn IN "
                                       "(SELECT unnest(?::VARCHAR[])) AND geslachtsnaam <> ''",
                                       [[str(r[1]) for r in rows]]).fetchall()]
    con.close()
    return [int(r[0]) for r in rows], names


def _step(client, step: tuple[str, str, str], dossier: int, q: str, last_html: dict[str, str]):
    """One request of the day; a POST takes its tokens from the page the user had open."""
    _name, method, path = step
    path = path.format(dossier=dossier)
    if method == "GET":
        response = client.get(path)
    elif path == "/zoeken":
        response = client.post(path, data={**_tokens(last_html["page"]), "q": q})
    else:
        response = client.post(path, data={**_tokens(last_html["page"]), "soort": "notitie",
                                           "datum": date.today().strftime("%d-%m-%Y"),
                                           "verslag": "Bench: telefonisch contact met de ouders."})
    if response.status_code == 200:
        last_html["page"] = response.text
    return response


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (f"median {statistics.median(ordered) * 1000:6.0f} ms   p95 {p95 * 1000:6.0f} ms   "
            f"max {ordered[-1] * 1000:6.0f} ms   n {len(ordered)}")


def server_times(settings: Settings) -> None:
    """Each page in process: the time the server spends, without network."""
    from starlette.testclient import TestClient

    from web.app import create_app

    dossiers, names = _samples(settings)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        started = time.perf_counter()
        _login(client, "lpa00")  # and its inbox, which makes the work lists of the day
        page = client.get("/werklijst?medewerker=alle").text
        open_count = re.search(r"([\d.]+) open dossiers", page).group(1)
        print(f"server  first login, inbox and work list of the day ({open_count} open dossiers; the lists "
              f"made, then kept): {(time.perf_counter() - started) * 1000:.0f} ms")
        last = {"page": client.get("/inbox").text}
        for step in DAY:
            times = []
            for index in range(20):
                if step[1] == "POST":  # the page the form is on, as the user has it open
                    last["page"] = client.get("/zoeken" if step[2] == "/zoeken"
                                              else f"/dossier/{dossiers[index]}").text
                began = time.perf_counter()
                response = _step(client, step, dossiers[index], names[index % len(names)], last)
                times.append(time.perf_counter() - began)
                assert response.status_code == 200, (step, response.status_code)
            print(f"server  {step[0]:22s} {_summary(times)}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` and its threads so far (Linux; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(settings: Settings) -> Iterator[tuple[str, int]]:
    """`inbeeld web` in a child process on 127.0.0.1; yields its base URL and process id."""
    port = _free_port()
    env = {**os.environ, "INBEELD_DATA_DIR": str(settings.data_dir), "INBEELD_GEMEENTEN": GEMEENTE}
    env.pop("INBEELD_DB_URL", None)
    if settings.db_url:
        env["INBEELD_DB_URL"] = settings.db_url
    server = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "web", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(10)


def load(settings: Settings, base: str, pid: int, users: int, seconds: float, think: float) -> None:
    """`users` LPAs log in (two at a time, the first alone) and do the day for `seconds`; with `think`
    each waits between half and one and a half times `think` seconds before each click."""
    times: list[float] = []
    errors: list[str] = []
    by_page: dict[str, list[float]] = {}
    lock = threading.Lock()
    start = threading.Barrier(users + 1)
    arriving = threading.Semaphore(2)  # two logins at a time
    first_in = threading.Event()  # the first login of the day alone: its inbox makes the work lists
    first_time: list[float] = []
    dossiers, names = _samples(settings)

    def user(index: int) -> None:
        rng = random.Random(index)
        with httpx.Client(base_url=base, follow_redirects=True, timeout=30) as client:
            last = {"page": ""}
            if index:
                first_in.wait()
            try:
                with arriving:
                    began = time.perf_counter()
                    _login(client, f"lpa{index:02d}")
                    if not index:
                        first_time.append(time.perf_counter() - began)
            except Exception as exc:  # noqa: BLE001  (counted, the run goes on)
                with lock:
                    errors.append(f"login: {exc}")
            finally:
                first_in.set()
            start.wait()  # everyone in: the day begins (with the inbox, whose form tokens come next)
            stop = time.monotonic() + seconds
            step = 0
            dossier, q = rng.choice(dossiers), rng.choice(names)
            while time.monotonic() < stop:
                if think:  # reading the page before the next click
                    time.sleep(min(rng.uniform(0.5 * think, 1.5 * think), max(0.0, stop - time.monotonic())))
                    if time.monotonic() >= stop:
                        break
                current = DAY[step % len(DAY)]
                if step % len(DAY) == 0:
                    dossier, q = rng.choice(dossiers), rng.choice(names)
                step += 1
                began = time.perf_counter()
                try:
                    response = _step(client, current, dossier, q, last)
                    ok = response.status_code == 200 and not response.url.path.startswith("/login")
                except (httpx.HTTPError, AttributeError) as exc:
                    ok, response = False, exc
                elapsed = time.perf_counter() - began
                with lock:
                    times.append(elapsed)
                    by_page.setdefault(current[0], []).append(elapsed)
                    if not ok:
                        errors.append(f"{current[0]}: {getattr(response, 'status_code', response)}")

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    start.wait()
    before, cpu_before = os.getloadavg()[0], _cpu_seconds(pid)
    for thread in threads:
        thread.join()
    cpu_after = _cpu_seconds(pid)
    label = f"think {think:g} s" if think else "no think"
    if first_time and not think:  # the first run's: the lists are made then
        print(f"load    first login of the day, its inbox making the work lists: {first_time[0] * 1000:.0f} ms")
    print(f"load    {label:8s} {users} users {seconds:.0f} s   {_summary(times)}   errors {len(errors)}"
          f"   {len(times) / seconds:.1f} requests/s   load average {before:.1f} -> {os.getloadavg()[0]:.1f}")
    if cpu_before is not None and cpu_after is not None and times:
        print(f"load    {label:8s} the server's CPU: {cpu_after - cpu_before:.1f} s, "
              f"{(cpu_after - cpu_before) / len(times) * 1000:.0f} ms a request")
    for name, page_times in by_page.items():
        page_errors = sum(1 for error in errors if error.startswith(f"{name}:"))
        print(f"load      {name:22s} {_summary(page_times)}   errors {page_errors}")
    for error in errors[:10]:
        print("  error:", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=250_000)
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=THINK_SECONDS,
                        help="mean seconds a user reads a page before the next click, in a second load run "
                             "after the one without (0: only that one)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/inbeeld-bench-web"))
    parser.add_argument("--db-url", default=os.environ.get("INBEELD_DB_URL"),
                        help="the register database (an empty PostgreSQL one, filled once); default SQLite")
    parser.add_argument("--build-only", action="store_true", help="make the data directory and stop")
    args = parser.parse_args()
    settings = build(args.work, args.persons, args.dossiers, args.db_url)
    if args.build_only:
        return
    ensure_users(settings, args.users)
    print(f"load average {os.getloadavg()[0]:.1f}")
    server_times(settings)
    with serving(settings) as (base, pid):
        for think in (0.0, args.think) if args.think else (0.0,):
            load(settings, base, pid, args.users, args.seconds, think)


if __name__ == "__main__":
    main()
