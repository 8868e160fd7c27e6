"""Verzuimmeldingen over HTTPS with a client certificate (machine to machine, mutual TLS).

The endpoint contract (a verzuimloket or a supplier's gateway; the base URL is configured):

- `GET  {url}/meldingen?status=nieuw` → JSON `{"meldingen": ["VM2026-000123", ...]}`: new messages.
- `GET  {url}/meldingen/{nummer}` → the message as XML (`docs/formats.md` §3).
- `POST {url}/meldingen/{nummer}/ontvangen` (no body): received and safely stored; the message
  leaves the "nieuw" list. A receipt, not a status: "in behandeling" is the gemeente's own decision.
- `POST {url}/terugkoppelingen` with one `<verzuimterugkoppelingen>` document holding one
  `<terugkoppeling>` (the registers' feedback, valid against
  `registers/schemas/verzuim_terugkoppeling.xsd`): the gemeente's status of one melding.

Each message is fetched, saved and acknowledged on its own, and each feedback posted on its own,
with its own retries: one failing message does not stop the others, and one that keeps failing
stays "nieuw" on the server for the next sync. Saving is atomic (a hidden temporary name, then a
rename), so the weekly import never sees half a file. Only counts are logged; message numbers are
not personal data, contents are.
"""

from __future__ import annotations

import json
import logging
import os
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from connectors.errors import RefusedFile
from connectors.xml_safety import parse_bytes
from inbeeld.settings import Settings

log = logging.getLogger(__name__)

NAMESPACE = "urn:inbeeld:verzuimmelding:1"
FEEDBACK_NAMESPACE = "urn:inbeeld:verzuimterugkoppeling:1"
_MESSAGE_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_RETRY_HTTP = {408, 425, 429, 500, 502, 503, 504}


class VerzuimEndpointError(RuntimeError):
    """The endpoint could not be used at all (TLS refused, wrong URL, listing failed)."""


class MessageError(RuntimeError):
    """One message could not be handled; `retry` says whether trying again may help."""

    def __init__(self, message: str, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class EndpointConfig:
    """Where the endpoint is and which certificates prove who we are and who it is."""

    url: str
    client_cert: Path
    client_key: Path | None = None
    ca_bundle: Path | None = None  # None: the system trust store
    key_password_env: str | None = None  # the name of an environment variable, never the password
    timeout: float = 30.0
    attempts: int = 3
    backoff_seconds: float = 2.0

    def __post_init__(self) -> None:
        parsed = urllib.parse.urlsplit(self.url)
        if parsed.scheme.lower() != "https" or not parsed.hostname:
            raise VerzuimEndpointError(
                f"verzuim_https: de url moet https://host/… zijn (niet {parsed.scheme or 'zonder'} schema): "
                "meldingen gaan nooit onversleuteld of zonder authenticatie over de lijn")

    @classmethod
    def from_settings(
        cls, settings: Settings, environ: Mapping[str, str] | None = None
    ) -> EndpointConfig | None:
        """`[verzuim_https]` in inbeeld.toml, overridden by `INBEELD_VERZUIM_URL/_CERT/_KEY/_CA`.

        None when no URL is configured (the municipality reads verzuimmeldingen from a folder).
        """
        env = os.environ if environ is None else environ
        table: dict[str, Any] = dict(vars(settings.verzuim_https))
        for key, var in (("url", "URL"), ("client_cert", "CERT"), ("client_key", "KEY"), ("ca_bundle", "CA")):
            if env.get(f"INBEELD_VERZUIM_{var}"):
                given = env[f"INBEELD_VERZUIM_{var}"]
                table[key] = given if key == "url" else Path(given)
        if not table.get("url"):
            return None
        if not table.get("client_cert"):
            raise VerzuimEndpointError("verzuim_https: een clientcertificaat (client_cert) is nodig")
        return cls(**table)

    def ssl_context(self) -> ssl.SSLContext:
        """TLS 1.2+, server verified against the CA bundle, our certificate offered to the server."""
        context = ssl.create_default_context(cafile=str(self.ca_bundle) if self.ca_bundle else None)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        password = os.environ.get(self.key_password_env) if self.key_password_env else None
        context.load_cert_chain(str(self.client_cert), str(self.client_key) if self.client_key else None,
                                password=password)
        return context


class VerzuimEndpoint:
    """A client of the verzuim endpoint; every call is one HTTPS request with mutual TLS."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self._context = config.ssl_context()
        self._base = config.url.rstrip("/")
        self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=self._context),
                                                   _SameOriginRedirects(self._base))

    def list_new(self) -> list[str]:
        try:
            body = self._request("GET", "/meldingen?status=nieuw")
        except MessageError as exc:
            raise VerzuimEndpointError(f"de lijst van nieuwe verzuimmeldingen ophalen is mislukt: "
                                       f"{exc}") from None
        try:
            numbers = json.loads(body)["meldingen"]
        except (ValueError, KeyError, TypeError):
            raise VerzuimEndpointError("de lijst van nieuwe meldingen is niet de verwachte JSON") from None
        return [str(number) for number in numbers]

    def fetch(self, meldingsnummer: str) -> bytes:
        return self._request("GET", f"/meldingen/{_check_number(meldingsnummer)}")

    def acknowledge(self, meldingsnummer: str) -> None:
        self._request("POST", f"/meldingen/{_check_number(meldingsnummer)}/ontvangen", b"")

    def post_feedback(self, document: bytes) -> None:
        self._request("POST", "/terugkoppelingen", document)

    def _request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        request = urllib.request.Request(self._base + path, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/xml; charset=utf-8")
        try:
            with self._opener.open(request, timeout=self.config.timeout) as answer:
                return answer.read()
        except urllib.error.HTTPError as exc:
            raise MessageError(f"{method} {path.split('?')[0]}: HTTP {exc.code}",
                               retry=exc.code in _RETRY_HTTP) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, ssl.SSLError):
                raise VerzuimEndpointError(f"TLS met {self._base} is mislukt: {reason}") from None
            raise MessageError(f"{method} {path.split('?')[0]}: {reason}", retry=True) from None
        except ssl.SSLError as exc:  # TLS 1.3 reports a refused client certificate on the first read
            raise VerzuimEndpointError(f"TLS met {self._base} is mislukt: {exc}") from None
        except (TimeoutError, ConnectionError) as exc:
            raise MessageError(f"{method} {path.split('?')[0]}: {exc}", retry=True) from None


def _origin(url: str) -> tuple[str, str, int]:
    parsed = urllib.parse.urlsplit(url)
    return parsed.scheme.lower(), (parsed.hostname or "").lower(), parsed.port or 443


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is followed only to the endpoint's own origin (https, host, port): a redirect to
    `http://` or to another host would hand the next answer to someone we did not authenticate."""

    def __init__(self, base: str) -> None:
        self._origin = _origin(base)

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201 - urllib's signature
        target = urllib.parse.urljoin(req.full_url, newurl)
        if _origin(target) != self._origin:
            fp.close()
            scheme, host, _ = _origin(target)
            raise VerzuimEndpointError(
                f"het endpoint stuurde door buiten zijn eigen adres (naar {scheme}://{host}/…): geweigerd")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass
class SyncResult:
    """Counts only: what a sync did."""

    fetched: int = 0
    already_present: int = 0
    failed: int = 0
    acknowledged: int = 0
    saved: list[str] = field(default_factory=list)  # file names (meldingsnummers, not personal data)

    def as_dict(self) -> dict[str, int]:
        return {"fetched": self.fetched, "already_present": self.already_present, "failed": self.failed,
                "acknowledged": self.acknowledged}


def message_path(inbox: Path, meldingsnummer: str) -> Path:
    return inbox / f"verzuim-https-{_check_number(meldingsnummer)}.xml"


def fetch_new(
    endpoint: VerzuimEndpoint,
    inbox: Path,
    sleep: Callable[[float], None] = time.sleep,
    seen: Callable[[str], bool] | None = None,
) -> SyncResult:
    """Fetch every new message into `inbox` and acknowledge its receipt, each on its own.

    `seen(meldingsnummer)` tells whether a message was saved before (for example already imported
    and archived); such a message is only acknowledged again.
    """
    result = SyncResult()
    inbox.mkdir(parents=True, exist_ok=True)
    for number in endpoint.list_new():
        try:
            _check_number(number)
            target = message_path(inbox, number)
            if target.exists() or (seen is not None and seen(number)):
                result.already_present += 1
            else:
                data = _with_retries(lambda n=number: endpoint.fetch(n), endpoint.config, sleep)
                _parse_safely(data, expect="verzuimmeldingen")
                _write_atomically(target, data)
                result.fetched += 1
                result.saved.append(target.name)
            _with_retries(lambda n=number: endpoint.acknowledge(n), endpoint.config, sleep)
            result.acknowledged += 1
        except (MessageError, ValueError) as exc:
            result.failed += 1
            log.warning("verzuimmelding %s not handled this time: %s", number if _valid(number) else "?", exc)
    return result


def split_feedback(document: bytes) -> list[tuple[str, bytes]]:
    """The registers' feedback export as one document per melding: (meldingsnummer, document)."""
    root = _parse_safely(document)
    ns = f"{{{FEEDBACK_NAMESPACE}}}"
    if root.tag != f"{ns}verzuimterugkoppelingen":
        raise MessageError(f"expected <verzuimterugkoppelingen> in {FEEDBACK_NAMESPACE}", retry=False)
    single: list[tuple[str, bytes]] = []
    for item in root.findall(f"{ns}terugkoppeling"):
        wrapper = etree.Element(root.tag, root.attrib, nsmap=root.nsmap)
        wrapper.append(item)
        number = (item.findtext(f"{ns}meldingsnummer") or "").strip()
        single.append((number, etree.tostring(wrapper, xml_declaration=True, encoding="UTF-8")))
    return single


def post_feedback(
    endpoint: VerzuimEndpoint, documents: list[tuple[str, bytes]], sleep: Callable[[float], None] = time.sleep
) -> tuple[int, int]:
    """Post each melding's feedback on its own, with its own retries. Returns (posted, failed)."""
    posted = failed = 0
    for number, document in documents:
        try:
            _with_retries(lambda d=document: endpoint.post_feedback(d), endpoint.config, sleep)
        except MessageError as exc:
            failed += 1
            log.warning("feedback on verzuimmelding %s not posted this time: %s",
                        number if _valid(number) else "?", exc)
            continue
        posted += 1
    return posted, failed


def _with_retries(call: Callable[[], Any], config: EndpointConfig, sleep: Callable[[float], None]) -> Any:
    for attempt in range(1, config.attempts + 1):
        try:
            return call()
        except MessageError as exc:
            if not exc.retry or attempt == config.attempts:
                raise
            sleep(config.backoff_seconds * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def _parse_safely(data: bytes, expect: str | None = None) -> etree._Element:
    """Parse through connectors.xml_safety: no DTDs, entities or network; any DOCTYPE or entity
    declaration refused before the parser sees it (docs/formats.md, docs/privacy.md)."""
    try:
        root = parse_bytes(data, "verzuim-endpoint")
    except RefusedFile as exc:
        raise MessageError(exc.reason, retry=False) from None
    if expect and root.tag != f"{{{NAMESPACE}}}{expect}":
        raise MessageError(f"expected <{expect}> in {NAMESPACE}, got {root.tag}", retry=False)
    return root


def _write_atomically(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.part")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)


def _valid(number: str) -> bool:
    return bool(_MESSAGE_NUMBER.match(number))


def _check_number(number: str) -> str:
    if not _valid(number):
        raise ValueError("a meldingsnummer must be 1–64 letters, digits, '.', '_' or '-'")
    return urllib.parse.quote(number, safe="")
