"""`inbeeld doctor`: what an application manager checks first when something is wrong.

Each check is a plain function giving one `Finding` (ok / warning / error) with a message that
says what was found and, when it is not ok, what to do. No check changes anything: the register
database is read, not migrated; staging is opened read-only; nothing is created.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from inbeeld.settings import STAGING_FILE, Settings, SettingsError

Level = Literal["ok", "warning", "error"]
LEVELS: tuple[Level, ...] = ("ok", "warning", "error")
CERT_WARNING_DAYS = 30
DISK_ERROR_BYTES = 500 * 1024**2
DISK_WARNING_BYTES = 2 * 1024**3
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


@dataclass(frozen=True)
class Finding:
    level: Level
    check: str
    message: str

    def line(self) -> str:
        return f"{self.level:<8}{self.check:<12}{self.message}"


def check_settings(settings: Settings, error: SettingsError | None) -> Finding:
    if error is not None:
        return Finding("error", "settings", f"{error} (every key: docs/configuration.md)")
    if settings.config_file is None:
        named = os.environ.get("INBEELD_CONFIG")
        if named:
            return Finding("warning", "settings", f"INBEELD_CONFIG names {named}, which is not a file: "
                           "defaults, options and environment only")
        return Finding("ok", "settings", "no inbeeld.toml: defaults, options and environment")
    return Finding("ok", "settings", f"{settings.config_file.resolve()} read, every key known")


def check_gemeenten(settings: Settings) -> Finding:
    if not settings.gemeenten:
        return Finding("error", "gemeenten", "no municipality served: signals and figures refuse to run; "
                       "set gemeenten in inbeeld.toml or INBEELD_GEMEENTEN")
    return Finding("ok", "gemeenten", ", ".join(settings.gemeenten))


def check_letters(settings: Settings) -> Finding:
    """The office the letters name (`[letters]`): every key a letter prints is set, no placeholder."""
    from letters.office import KantoorOnvolledig, ready

    try:
        config = ready(settings.letters, settings.gemeenten)
    except KantoorOnvolledig as exc:
        return Finding("error", "letters", f"{exc}: no letter is written until they are")
    return Finding("ok", "letters", f"Gemeente {config.kantoor.gemeente}, {config.kantoor.afdeling}")


def check_registers(settings: Settings) -> Finding:
    """Reachable, and at the newest migration (read only: a database behind is migrated on first use)."""
    from sqlalchemy.engine import make_url

    from registers.db import current_revision, head_revision, known_revisions, make_engine

    url = settings.register_url
    shown = make_url(url).render_as_string(hide_password=True)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return Finding("warning", "registers", f"{shown} does not exist yet; the first command creates it")
    try:
        engine = make_engine(url)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
    except Exception as exc:  # any driver's failure to connect or read
        return Finding("error", "registers", f"{shown}: cannot read it ({type(exc).__name__}: "
                       f"{str(exc).splitlines()[0][:160]})")
    head = head_revision()
    if revision == head:
        return Finding("ok", "registers", f"{shown}, migration {revision} (newest)")
    if revision is None:
        return Finding("warning", "registers", f"{shown} has no InBeeld tables yet; the first command "
                       "creates them")
    if revision not in known_revisions():
        return Finding("error", "registers", f"{shown} is at migration {revision}, which this InBeeld does "
                       f"not know (newer software wrote it?); newest known: {head}")
    return Finding("warning", "registers", f"{shown} is at migration {revision}, newest {head}; the next "
                   "command migrates it (back it up first)")


def check_staging(settings: Settings) -> Finding:
    path = settings.staging_path
    leftovers = sorted(p.name for p in settings.data_dir.glob(f"{STAGING_FILE}.tmp*")) if \
        settings.data_dir.is_dir() else []
    if not path.is_file():
        return Finding("warning", "staging", f"{path} does not exist yet: no delivery imported")
    try:
        from connectors.staging import Staging

        with Staging(path, read_only=True) as staging:
            count = staging.con.execute("SELECT count(*) FROM imports").fetchone()
    except Exception as exc:  # locked by a running import, or damaged
        return Finding("error", "staging", f"{path}: cannot open it read-only ({type(exc).__name__}: "
                       f"{str(exc).splitlines()[0][:160]})")
    size = path.stat().st_size / 1024**2
    message = f"{path}, {count[0] if count else 0} import(s), {size:.0f} MB"
    if leftovers:
        return Finding("warning", "staging", f"{message}; left behind by a crashed import: "
                       f"{', '.join(leftovers)} (remove when no import runs)")
    return Finding("ok", "staging", message)


def check_disk(settings: Settings) -> Finding:
    where = settings.data_dir if settings.data_dir.exists() else Path.cwd()
    free = shutil.disk_usage(where).free
    text = f"{free / 1024**3:.1f} GB free on the data directory's disk ({where.resolve()})"
    if free < DISK_ERROR_BYTES:
        return Finding("error", "disk", f"{text}: imports and letters will fail; free space")
    if free < DISK_WARNING_BYTES:
        return Finding("warning", "disk", f"{text}: a national BRP import needs more")
    return Finding("ok", "disk", text)


def check_libreoffice(settings: Settings) -> Finding:
    from letters.pdf import soffice_path

    found = soffice_path()
    if found:
        return Finding("ok", "libreoffice", found)
    level: Level = "error" if settings.letters_pdf else "warning"
    return Finding(level, "libreoffice", "soffice not found: no PDF print file of the letters; install "
                   "LibreOffice (apt install libreoffice-writer) or set letters_pdf = false")


def check_chromium(settings: Settings) -> Finding:
    found = next((shutil.which(name) for name in CHROMIUM_NAMES if shutil.which(name)), None)
    if found:
        return Finding("ok", "chromium", found)
    return Finding("warning", "chromium", "not found: HTML reports cannot be printed to PDF or checked as "
                   "pictures; install chromium")


def check_prefect(settings: Settings, api_url: str | None = None, timeout: float = 3.0) -> Finding:
    url = api_url or os.environ.get("PREFECT_API_URL")
    if not url:
        pid_file = settings.data_dir / "prefect" / "server.pid"
        if not pid_file.is_file():
            return Finding("warning", "prefect", "no server: nothing runs on a schedule until "
                           "`inbeeld serve` runs (or set PREFECT_API_URL)")
        url = "http://127.0.0.1:4200/api"
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as answer:
            healthy = answer.status == 200
    except (urllib.error.URLError, OSError) as exc:
        return Finding("error", "prefect", f"{url} does not answer ({exc}); start `inbeeld serve` or check "
                       "the server")
    if not healthy:
        return Finding("error", "prefect", f"{url} answers but is not healthy")
    return Finding("ok", "prefect", f"{url} healthy; UI at {url.removesuffix('/api')}")


def check_certificate(settings: Settings, now: datetime | None = None) -> Finding:
    """The verzuim HTTPS client certificate: present, readable, and not expiring within 30 days."""
    from cryptography import x509

    config = settings.verzuim_https
    cert = Path(os.environ.get("INBEELD_VERZUIM_CERT") or config.client_cert or "")
    if not (os.environ.get("INBEELD_VERZUIM_URL") or config.url):
        return Finding("ok", "certificate", "no verzuim endpoint configured (meldingen from the inbox)")
    if not str(cert) or str(cert) == "." or not cert.is_file():
        return Finding("error", "certificate", f"verzuim_https.client_cert {cert} is not a file")
    try:
        certificate = x509.load_pem_x509_certificate(cert.read_bytes())
    except ValueError as exc:
        return Finding("error", "certificate", f"{cert} is not a PEM certificate ({exc})")
    now = now or datetime.now(UTC)
    expires = certificate.not_valid_after_utc
    days = (expires - now).days
    when = f"{cert} valid until {expires:%Y-%m-%d}"
    if expires <= now:
        return Finding("error", "certificate", f"{cert} expired on {expires:%Y-%m-%d}: the endpoint refuses "
                       "us; install the renewed certificate")
    if days < CERT_WARNING_DAYS:
        return Finding("warning", "certificate", f"{when}: {days} day(s) left; order the renewal now")
    return Finding("ok", "certificate", f"{when} ({days} days)")


CHECKS: tuple[Callable[[Settings], Finding], ...] = (
    check_gemeenten, check_letters, check_registers, check_staging, check_disk, check_libreoffice,
    check_chromium, check_prefect, check_certificate)


def diagnose(settings: Settings, settings_error: SettingsError | None = None) -> list[Finding]:
    """Every check, in order; a check that breaks is itself an error line, never a traceback."""
    findings = [check_settings(settings, settings_error)]
    for check in CHECKS:
        name = check.__name__.removeprefix("check_")
        if check is check_gemeenten and settings_error is not None and not settings.gemeenten:
            findings.append(Finding("error", name, "not known: inbeeld.toml cannot be read (above), and "
                                    "neither --gemeenten nor INBEELD_GEMEENTEN names any"))
            continue
        try:
            findings.append(check(settings))
        except Exception as exc:  # a check must not hide the others
            findings.append(Finding("error", name, f"the check itself failed: {type(exc).__name__}: {exc}"))
    return findings
