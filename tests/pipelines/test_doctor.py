"""`inbeeld doctor` on a healthy and on a broken installation: one line per check, in Dutch (ok,
waarschuwing, fout)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cli import main
from connectors.staging import Staging
from inbeeld.settings import Settings
from pipelines.doctor import check_certificate
from pipelines.local_server import free_port
from registers.db import upgrade
from tests.office import OFFICE_TEXT


def _certificate(path: Path, days: int) -> Path:
    """A real self-signed client certificate that expires `days` from now (negative: expired)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "inbeeld-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=400)).not_valid_after(now + dt.timedelta(days=days))
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def prefect_api() -> Iterator[str]:
    """An HTTP server answering Prefect's health endpoint, on a free port."""
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api"
    server.shutdown()
    server.server_close()


def _doctor(tmp_path: Path, config: str, env: dict[str, str]) -> tuple[int, dict[str, tuple[str, str]]]:
    (tmp_path / "inbeeld.toml").write_text(config, encoding="utf-8")
    result = CliRunner().invoke(main, ["doctor"], env={"INBEELD_CONFIG": str(tmp_path / "inbeeld.toml"),
                                                       "INBEELD_DATA_DIR": str(tmp_path / "data"),
                                                       "INBEELD_GEMEENTEN": "", **env})
    lines = {}
    for line in result.output.splitlines():
        level, check, message = line[:14].strip(), line[14:28].strip(), line[28:]
        lines[check] = (level, message)
    return result.exit_code, lines


def test_a_healthy_installation(tmp_path: Path, prefect_api: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    upgrade(f"sqlite:///{data / 'registers.sqlite'}")
    with Staging(data / "staging.duckdb"):
        pass
    cert = _certificate(tmp_path / "client.pem", days=365)
    code, lines = _doctor(tmp_path, f'gemeenten = ["0363"]\n[verzuim_https]\nurl = "https://loket.example"\n'
                          f'client_cert = "{cert}"\n' + OFFICE_TEXT, {"PREFECT_API_URL": prefect_api})
    assert code == 0, lines
    assert list(lines) == ["instellingen", "gemeenten", "brieven", "registers", "staging", "schijf",
                           "libreoffice", "chromium", "prefect", "certificaat"]
    for check in ("instellingen", "gemeenten", "brieven", "registers", "staging", "prefect", "certificaat"):
        assert lines[check][0] == "ok", (check, lines[check])
    assert "(nieuwste)" in lines["registers"][1] and "0 import(s)" in lines["staging"][1]
    assert "gezond" in lines["prefect"][1]
    assert lines["brieven"][1] == "Gemeente Teststad, Team Leerplicht en Doorstroompunt"


def test_letters_without_an_office_are_an_error(tmp_path: Path) -> None:
    """No placeholder office: without [letters] the doctor names what a letter needs."""
    code, lines = _doctor(tmp_path, 'gemeenten = ["0363"]\n', {"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert code == 1 and lines["brieven"][0] == "fout"
    assert "letters.kantoor.retouradres" in lines["brieven"][1] and "Voorbeeld" not in lines["brieven"][1]


def test_a_broken_installation(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with sqlite3.connect(data / "registers.sqlite") as db:  # written by a newer InBeeld
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        db.execute("INSERT INTO alembic_version VALUES ('ffffffffffff')")
    (data / "staging.duckdb").write_bytes(b"not a database" * 100)
    code, lines = _doctor(tmp_path, "[reports.kpi]\nafsluiten_binnen_weken = 'twaalf'\n",
                          {"PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api"})
    assert code == 1
    assert lines["instellingen"][0] == "fout"
    assert "reports.kpi.afsluiten_binnen_weken moet een geheel getal zijn" in lines["instellingen"][1]
    assert lines["gemeenten"][0] == "fout"
    assert lines["registers"][0] == "fout" and "ffffffffffff" in lines["registers"][1]
    assert lines["staging"][0] == "fout"
    assert lines["prefect"][0] == "fout" and "antwoordt niet" in lines["prefect"][1]


@pytest.mark.parametrize("days,level", [(365, "ok"), (29, "warning"), (1, "warning"), (-1, "error")])
def test_the_client_certificate_is_watched(tmp_path: Path, days: int, level: str) -> None:
    cert = _certificate(tmp_path / "client.pem", days=days)
    settings = Settings.from_table({"verzuim_https": {"url": "https://x", "client_cert": str(cert)}})
    assert check_certificate(settings).level == level


def test_a_missing_certificate_is_an_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "n")
    settings = Settings.from_table({"verzuim_https": {"url": "https://x", "client_cert": missing}})
    finding = check_certificate(settings)
    assert finding.level == "error" and "is geen bestand" in finding.message
