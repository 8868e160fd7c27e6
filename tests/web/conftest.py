"""The work screen under test: a generated municipality staged and synced into real registers
(SQLite), named users in the register, the app served by uvicorn on 127.0.0.1 and, for the browser
tests, the distribution's Chromium driven by Playwright (it downloads no browser)."""

from __future__ import annotations

import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from inbeeld.settings import Settings
from tests.office import OFFICE
from tests.staged_municipality import GEMEENTE, stage

# Before anything imports Prefect (the weekly flow's tasks build the fixture): a temporary home.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="inbeeld-prefect-home-"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

PASSWORD = "Correct-Paard-Batterij-7"
USERS = {  # login -> (naam, rol)
    "lpa": ("A. de Boer", "lpa"),
    "rmc": ("R. Visser", "rmc"),
    "admin": ("D. Smit", "administratie"),
    "beleid": ("B. Mulder", "beleid"),
    "beheer": ("C. Bakker", "beheer"),
}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-screenshots" / "web"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def add_one_user(settings: Settings, login: str, naam: str, rol: str) -> None:
    """A named user, through the register's own function."""
    gebruikers = pytest.importorskip("registers.gebruikers", reason="named users (registers.gebruikers) "
                                     "are not on this branch yet")
    from web.database import Registers

    registers = Registers(settings.register_url, settings.data_dir)
    with registers.session("test", None) as session:
        gebruikers.add_user(session, login, naam, rol, PASSWORD, [GEMEENTE])
        session.commit()
    registers.dispose()


def add_users(settings: Settings) -> None:
    for login, (naam, rol) in USERS.items():
        add_one_user(settings, login, naam, rol)


@pytest.fixture(scope="session")
def web_settings(tmp_path_factory) -> Settings:
    """A data directory with two weeks of a generated municipality imported, matched and synced."""
    from pipelines.weekly import match_and_sync_cases, register_verzuimmeldingen

    pytest.importorskip("registers.gebruikers", reason="named users (registers.gebruikers) are not on this "
                        "branch yet")
    root = tmp_path_factory.mktemp("web")
    municipality = stage(root, persons=150, seed=11, weeks=2)
    for peildatum in municipality.peildatums:
        register_verzuimmeldingen.fn(str(root), GEMEENTE, peildatum)
        match_and_sync_cases.fn(str(root), GEMEENTE, peildatum)
    settings = Settings(data_dir=root, gemeenten=(GEMEENTE,), letters=OFFICE)  # the office letters name
    add_users(settings)
    return settings


@pytest.fixture(scope="module")
def app(web_settings):
    from web.app import create_app

    return create_app(web_settings)


def form_tokens(html: str) -> dict[str, str]:
    """The hidden csrf and one-time form token of the first form on a page."""
    return {name: re.search(rf'name="{name}" value="([^"]*)"', html).group(1)
            for name in ("csrf", "formulier")}


def log_in(client: TestClient, login: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={**form_tokens(page.text), "login": login, "wachtwoord": password},
                       follow_redirects=False)


@pytest.fixture(scope="module")
def clients(app) -> dict[str, TestClient]:
    """A logged-in HTTP client per role (login → client)."""
    result = {}
    for login in USERS:
        client = TestClient(app)
        assert log_in(client, login).status_code == 303
        result[login] = client
    return result


@dataclass
class Server:
    url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(app) -> Iterator[Server]:
    """The app under uvicorn on 127.0.0.1, as `inbeeld web` serves it."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}")
    instance.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    """Chromium from the distribution, one per test module."""
    if not CHROMIUM.exists():
        pytest.skip(f"no browser at {CHROMIUM} (CI installs the chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def scalar(settings: Settings, sql: str, **params: object) -> object:
    """One value read straight from the register database, outside the app (to check what it wrote)."""
    engine = create_engine(settings.register_url)
    with engine.connect() as connection:
        value = connection.execute(text(sql), params).scalar()
    engine.dispose()
    return value

