"""Shared fixtures of the pipeline tests: the settings of a run (the Prefect harness is tests/conftest.py),
and a real HTTPS verzuim endpoint with mutual TLS on 127.0.0.1 (certificates made here)."""

from __future__ import annotations

import datetime as dt
import json
import os
import ssl
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

for _name in ("INBEELD_DATA_DIR", "INBEELD_DB_URL", "INBEELD_GEMEENTEN", "INBEELD_CONFIG"):
    os.environ.pop(_name, None)
# The office the letters come from (without it the weekly run writes none); a test may name its own file.
# No PDF of the print file: LibreOffice takes ~2 CPU seconds a conversion and a flow test is about the
# flow. The PDF is tested where it is made (tests/letters/test_letters_pdf.py, test_letters_run.py) and
# by the demo, which writes its own inbeeld.toml (tests/pipelines/test_demo.py).
_CONFIG = Path(tempfile.mkdtemp(prefix="inbeeld-flow-tests-")) / "inbeeld.toml"
_CONFIG.write_text("letters_pdf = false\n\n" + (Path(__file__).resolve().parent.parent / "office.toml")
                   .read_text(encoding="utf-8"), encoding="utf-8")
os.environ["INBEELD_CONFIG"] = str(_CONFIG)


# --- certificates -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Certificates:
    folder: Path
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    stranger_cert: Path  # a client certificate from another CA: must be refused
    stranger_key: Path


def _key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _write(path: Path, cert, key) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization

    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return path.with_suffix(".crt"), path.with_suffix(".key")


def _certificate(subject: str, key, issuer_name, issuer_key, *, ca: bool = False, server: bool = False,
                 client: bool = False):
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer_name or name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          encipher_only=False, decipher_only=False), critical=True)
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    else:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False)
    if server:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
    if client:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False)
    return builder.sign(issuer_key or key, hashes.SHA256()), name


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    folder = tmp_path_factory.mktemp("tls")
    ca_key = _key()
    ca_cert, ca_name = _certificate("InBeeld test CA", ca_key, None, None, ca=True)
    ca, _ = _write(folder / "ca", ca_cert, ca_key)
    server_key = _key()
    server_cert, _ = _certificate("verzuimloket.test", server_key, ca_name, ca_key, server=True)
    server_crt, server_k = _write(folder / "server", server_cert, server_key)
    client_key = _key()
    client_cert, _ = _certificate("gemeente-0363", client_key, ca_name, ca_key, client=True)
    client_crt, client_k = _write(folder / "client", client_cert, client_key)
    other_ca_key = _key()
    _, other_name = _certificate("Another CA", other_ca_key, None, None, ca=True)
    stranger_key = _key()
    stranger_cert, _ = _certificate("stranger", stranger_key, other_name, other_ca_key, client=True)
    stranger_crt, stranger_k = _write(folder / "stranger", stranger_cert, stranger_key)
    return Certificates(folder, ca, server_crt, server_k, client_crt, client_k, stranger_crt, stranger_k)


# --- the verzuim endpoint -----------------------------------------------------------------------

MESSAGE = """<?xml version="1.0" encoding="UTF-8"?>
<verzuimmeldingen xmlns="urn:inbeeld:verzuimmelding:1">
 <verzuimmelding>
  <meldingsnummer>{nummer}</meldingsnummer>
  <meldingsdatum>2026-09-10</meldingsdatum>
  <school><brin>12AB</brin><vestiging>00</vestiging><naam>Testschool</naam></school>
  <leerling><persoonsgebondennummer>999993653</persoonsgebondennummer><voornamen>Test</voornamen>
   <geslachtsnaam>Leerling</geslachtsnaam><geboortedatum>2012-09-02</geboortedatum><geslacht>V</geslacht></leerling>
  <soortVerzuim>16U_4W</soortVerzuim><vermoedelijkeReden>onbekend</vermoedelijkeReden>
  <begindatum>2026-08-24</begindatum>
  <melder><naam>Verzuimcoordinator</naam></melder>
 </verzuimmelding>
</verzuimmeldingen>
"""


@dataclass
class EndpointState:
    """What the test endpoint holds and what it saw."""

    messages: dict[str, bytes] = field(default_factory=dict)
    received: set[str] = field(default_factory=set)  # acknowledged: no longer "nieuw"
    feedback: dict[str, str] = field(default_factory=dict)  # meldingsnummer -> status element posted
    fail_feedback: dict[str, int] = field(default_factory=dict)  # meldingsnummer -> 503s still to give
    fail_fetch: dict[str, int] = field(default_factory=dict)  # meldingsnummer -> 503s still to give
    fetches: list[str] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)  # GET path -> Location answered with 302
    client_subjects: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, nummer: str, body: bytes | None = None) -> None:
        self.messages[nummer] = body if body is not None else MESSAGE.format(nummer=nummer).encode()


class _Handler(BaseHTTPRequestHandler):
    state: EndpointState

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def _answer(self, code: int, body: bytes = b"", content_type: str = "application/xml") -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _note_client(self) -> None:
        cert = self.connection.getpeercert()
        subject = dict(item[0] for item in cert.get("subject", ())) if cert else {}
        with self.state.lock:
            self.state.client_subjects.append(subject.get("commonName", ""))

    def do_GET(self) -> None:
        self._note_client()
        state = self.state
        if self.path in state.redirects:
            self.send_response(302)
            self.send_header("Location", state.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if self.path == "/api/v1/meldingen?status=nieuw":
            new = [n for n in state.messages if n not in state.received]
            return self._answer(200, json.dumps({"meldingen": new}).encode(), "application/json")
        prefix = "/api/v1/meldingen/"
        nummer = self.path[len(prefix):] if self.path.startswith(prefix) else ""
        if nummer not in state.messages:
            return self._answer(404)
        with state.lock:
            state.fetches.append(nummer)
            if state.fail_fetch.get(nummer, 0) > 0:
                state.fail_fetch[nummer] -= 1
                return self._answer(503)
        self._answer(200, state.messages[nummer])

    def do_POST(self) -> None:
        self._note_client()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        parts = self.path.strip("/").split("/")  # api v1 meldingen NR ontvangen | api v1 terugkoppelingen
        if len(parts) == 5 and parts[2:5:2] == ["meldingen", "ontvangen"] and parts[3] in self.state.messages:
            with self.state.lock:
                self.state.received.add(parts[3])
            return self._answer(204)
        if parts[2:] == ["terugkoppelingen"]:
            from lxml import etree

            ns = "{urn:inbeeld:verzuimterugkoppeling:1}"
            [item] = etree.fromstring(body).findall(f"{ns}terugkoppeling")
            number = item.findtext(f"{ns}meldingsnummer") or ""
            with self.state.lock:
                if self.state.fail_feedback.get(number, 0) > 0:
                    self.state.fail_feedback[number] -= 1
                    return self._answer(503)
                kinds = ("inBehandeling", "afgesloten", "terKennisgevingAangenomen")
                status = [child.tag.removeprefix(ns) for child in item if child.tag.removeprefix(ns) in kinds]
                self.state.feedback[number] = status[0]
            return self._answer(204)
        self._answer(404)


@dataclass
class Endpoint:
    url: str
    state: EndpointState
    certificates: Certificates


@pytest.fixture
def verzuim_endpoint(certificates: Certificates) -> Iterator[Endpoint]:
    """A real HTTPS server on 127.0.0.1 (random port) that requires a client certificate of our CA."""
    state = EndpointState()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.server_cert, certificates.server_key)
    context.load_verify_locations(certificates.ca)
    context.verify_mode = ssl.CERT_REQUIRED
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Endpoint(f"https://127.0.0.1:{server.server_address[1]}/api/v1", state, certificates)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
