"""The verzuim HTTPS client against a real local HTTPS server that requires our client certificate."""

from __future__ import annotations

import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from connectors.verzuim_https import (
    EndpointConfig,
    VerzuimEndpoint,
    VerzuimEndpointError,
    fetch_new,
    message_path,
    post_feedback,
    split_feedback,
)
from inbeeld.settings import Settings, SettingsError
from tests.pipelines.conftest import MESSAGE

TODAY = date(2026, 9, 14)


def _config(endpoint: Any, *, stranger: bool = False, attempts: int = 3) -> EndpointConfig:
    certs = endpoint.certificates
    return EndpointConfig(
        url=endpoint.url,
        client_cert=certs.stranger_cert if stranger else certs.client_cert,
        client_key=certs.stranger_key if stranger else certs.client_key,
        ca_bundle=certs.ca,
        attempts=attempts,
        backoff_seconds=0.0,
        timeout=5,
    )


def test_fetches_new_messages_into_the_inbox_and_acknowledges_them(verzuim_endpoint: Any,
                                                                    tmp_path: Path) -> None:
    verzuim_endpoint.state.add("VM2026-000001")
    verzuim_endpoint.state.add("VM2026-000002")
    result = fetch_new(VerzuimEndpoint(_config(verzuim_endpoint)), tmp_path)
    assert result.as_dict() == {"fetched": 2, "already_present": 0, "failed": 0, "acknowledged": 2}
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert saved == ["verzuim-https-VM2026-000001.xml", "verzuim-https-VM2026-000002.xml"]
    state = verzuim_endpoint.state
    assert message_path(tmp_path, "VM2026-000001").read_bytes() == state.messages["VM2026-000001"]
    assert state.received == {"VM2026-000001", "VM2026-000002"}
    assert state.feedback == {}  # a receipt is not a status: "in behandeling" is the gemeente's call
    assert set(verzuim_endpoint.state.client_subjects) == {"gemeente-0363"}
    # acknowledged messages are no longer new: a second sync fetches nothing
    again = fetch_new(VerzuimEndpoint(_config(verzuim_endpoint)), tmp_path)
    assert again.as_dict() == {"fetched": 0, "already_present": 0, "failed": 0, "acknowledged": 0}


def test_a_message_that_fails_once_is_retried_and_the_others_go_on(verzuim_endpoint: Any,
                                                                    tmp_path: Path) -> None:
    state = verzuim_endpoint.state
    for nummer in ("VM-1", "VM-2", "VM-3"):
        state.add(nummer)
    state.fail_fetch["VM-1"] = 1    # fails once, then succeeds on retry
    state.fail_fetch["VM-2"] = 99   # keeps failing: must not stop VM-3
    sleeps: list[float] = []
    endpoint = VerzuimEndpoint(_config(verzuim_endpoint, attempts=3))
    result = fetch_new(endpoint, tmp_path, sleep=sleeps.append)
    assert (result.fetched, result.failed, result.acknowledged) == (2, 1, 2)
    assert state.fetches.count("VM-1") == 2
    assert state.fetches.count("VM-2") == 3  # three attempts, each on its own
    assert message_path(tmp_path, "VM-3").exists() and not message_path(tmp_path, "VM-2").exists()
    assert "VM-2" not in state.received  # not acknowledged: still new on the server for the next sync
    assert len(sleeps) == 1 + 2
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_a_message_saved_before_is_only_acknowledged(verzuim_endpoint: Any, tmp_path: Path) -> None:
    verzuim_endpoint.state.add("VM-7")
    message_path(tmp_path, "VM-7").write_bytes(b"<saved before a crash/>")
    result = fetch_new(VerzuimEndpoint(_config(verzuim_endpoint)), tmp_path)
    assert (result.fetched, result.already_present, result.acknowledged) == (0, 1, 1)
    assert verzuim_endpoint.state.fetches == []
    assert message_path(tmp_path, "VM-7").read_bytes() == b"<saved before a crash/>"


@pytest.mark.parametrize("body", [
    b"<verzuimmeldingen xmlns='urn:inbeeld:verzuimmelding:1'><unclosed>",
    b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
    b"<verzuimmeldingen xmlns='urn:inbeeld:verzuimmelding:1'>&e;</verzuimmeldingen>",
    b"<other xmlns='urn:inbeeld:verzuimmelding:1'/>",
], ids=["not-well-formed", "doctype", "wrong-root"])
def test_a_bad_message_is_not_saved_nor_retried(verzuim_endpoint: Any, tmp_path: Path, body: bytes) -> None:
    verzuim_endpoint.state.add("VM-BAD", body)
    verzuim_endpoint.state.add("VM-GOOD")
    result = fetch_new(VerzuimEndpoint(_config(verzuim_endpoint)), tmp_path)
    assert (result.fetched, result.failed) == (1, 1)
    assert verzuim_endpoint.state.fetches.count("VM-BAD") == 1
    assert not message_path(tmp_path, "VM-BAD").exists()


def test_the_server_refuses_a_connection_without_a_client_certificate(verzuim_endpoint: Any) -> None:
    context = ssl.create_default_context(cafile=str(verzuim_endpoint.certificates.ca))
    url = f"{verzuim_endpoint.url}/meldingen?status=nieuw"
    with (pytest.raises((ssl.SSLError, urllib.error.URLError, ConnectionError)),
          urllib.request.urlopen(url, context=context, timeout=5) as answer):
        answer.read()
    assert verzuim_endpoint.state.client_subjects == []


def test_a_client_certificate_of_another_ca_is_refused(verzuim_endpoint: Any, tmp_path: Path) -> None:
    verzuim_endpoint.state.add("VM-1")
    with pytest.raises(VerzuimEndpointError):
        fetch_new(VerzuimEndpoint(_config(verzuim_endpoint, stranger=True)), tmp_path)
    assert not list(tmp_path.iterdir())


def test_the_server_certificate_is_verified(verzuim_endpoint: Any, tmp_path: Path) -> None:
    config = _config(verzuim_endpoint)
    untrusting = EndpointConfig(config.url, config.client_cert, config.client_key,
                                ca_bundle=verzuim_endpoint.certificates.stranger_cert, timeout=5)
    with pytest.raises(VerzuimEndpointError, match="TLS"):
        VerzuimEndpoint(untrusting).list_new()


def _feedback_export(tmp_path: Path, numbers: list[str]) -> bytes:
    """The registers' real feedback export for meldingen closed by the gemeente."""
    from pipelines.stores import registers
    from registers.verzuim import export_feedback_xml, handle_melding, register_meldingen

    rows = [{"meldingsnummer": number, "meldingsdatum": date(2026, 9, 10), "brin": "12AB",
             "persoonsnummer": "999993653", "soort": "16U_4W", "begindatum": date(2026, 8, 24)}
            for number in numbers]
    with registers(Settings(data_dir=tmp_path)) as session:
        register_meldingen(session, rows, today=TODAY)
        for number in numbers:
            handle_melding(session, number, "afgesloten", on=TODAY, reden="terug_naar_school", today=TODAY)
        export_feedback_xml(session, tmp_path / "feedback.xml", today=TODAY)
        session.commit()
    return (tmp_path / "feedback.xml").read_bytes()


def test_the_registers_feedback_is_posted_one_melding_at_a_time(verzuim_endpoint: Any,
                                                                 tmp_path: Path) -> None:
    state = verzuim_endpoint.state
    for number in ("VM-1", "VM-2", "VM-3"):
        state.add(number)
    documents = split_feedback(_feedback_export(tmp_path, ["VM-1", "VM-2", "VM-3"]))
    assert [number for number, _ in documents] == ["VM-1", "VM-2", "VM-3"]
    state.fail_feedback.update({"VM-1": 1, "VM-2": 99})  # once, and always
    endpoint = VerzuimEndpoint(_config(verzuim_endpoint))
    assert post_feedback(endpoint, documents, sleep=lambda s: None) == (2, 1)
    assert state.feedback == {"VM-1": "afgesloten", "VM-3": "afgesloten"}


def test_configuration_from_settings_and_environment(tmp_path: Path) -> None:
    settings = Settings.from_table({"verzuim_https": {
        "url": "https://loket.example/api", "client_cert": "/etc/inbeeld/client.pem", "attempts": 5}},
        data_dir=tmp_path)
    config = EndpointConfig.from_settings(settings, environ={"INBEELD_VERZUIM_CA": "/etc/inbeeld/ca.pem"})
    assert config is not None
    assert (config.url, config.client_cert, config.ca_bundle, config.attempts) == (
        "https://loket.example/api", Path("/etc/inbeeld/client.pem"), Path("/etc/inbeeld/ca.pem"), 5)
    assert EndpointConfig.from_settings(Settings(data_dir=tmp_path), environ={}) is None
    with pytest.raises(VerzuimEndpointError, match="clientcertificaat"):
        EndpointConfig.from_settings(Settings(data_dir=tmp_path), environ={"INBEELD_VERZUIM_URL": "https://x"})
    with pytest.raises(SettingsError, match=r"verzuim_https\.pasword: onbekende sleutel"):
        Settings.from_table({"verzuim_https": {"url": "https://x", "client_cert": "c.pem",
                                               "pasword": "oops"}})


# -- issue 20 #6: https only, no redirect off the origin ------------------------------------------


def test_an_http_endpoint_is_refused(verzuim_endpoint: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = verzuim_endpoint.url.replace("https://", "http://")
    with pytest.raises(VerzuimEndpointError, match="moet https"):
        EndpointConfig(url=plain, client_cert=verzuim_endpoint.certificates.client_cert)
    monkeypatch.setenv("INBEELD_VERZUIM_URL", plain)
    monkeypatch.setenv("INBEELD_VERZUIM_CERT", str(verzuim_endpoint.certificates.client_cert))
    with pytest.raises(VerzuimEndpointError, match="moet https"):
        EndpointConfig.from_settings(Settings())


class _PlainHandler(BaseHTTPRequestHandler):
    """An unauthenticated http:// server: what a redirect off the origin would hand us."""

    seen: list[str] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append(self.path)
        body = MESSAGE.format(nummer="VM2026-000666").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def plain_server() -> Iterator[tuple[str, list[str]]]:
    handler = type("Plain", (_PlainHandler,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("off_origin", ["plain", "other_port"])
def test_a_redirect_off_the_origin_is_refused_and_nothing_is_saved(
        verzuim_endpoint: Any, plain_server: tuple[str, list[str]], tmp_path: Path, off_origin: str) -> None:
    plain_url, seen = plain_server
    verzuim_endpoint.state.add("VM2026-000001")
    target = (plain_url if off_origin == "plain" else plain_url.replace("http://", "https://")) + "/melding"
    verzuim_endpoint.state.redirects["/api/v1/meldingen/VM2026-000001"] = target
    with pytest.raises(VerzuimEndpointError, match="stuurde door buiten zijn eigen adres"):
        fetch_new(VerzuimEndpoint(_config(verzuim_endpoint)), tmp_path)
    assert list(tmp_path.iterdir()) == [] and seen == []
    assert verzuim_endpoint.state.received == set()


def test_a_redirect_within_the_origin_is_followed(verzuim_endpoint: Any, tmp_path: Path) -> None:
    verzuim_endpoint.state.add("VM2026-000001")
    redirects = verzuim_endpoint.state.redirects
    redirects["/api/v1/meldingen/VM2026-000001?oud"] = "/api/v1/meldingen/VM2026-000001"
    endpoint = VerzuimEndpoint(_config(verzuim_endpoint))
    moved = endpoint._request("GET", "/meldingen/VM2026-000001?oud")
    assert moved == verzuim_endpoint.state.messages["VM2026-000001"]
