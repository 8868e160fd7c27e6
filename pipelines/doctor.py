"""`inbeeld doctor`: what an application manager checks first when something is wrong.

Each check is a plain function giving one `Finding` (ok / warning / error) with a message that
says what was found and, when it is not ok, what to do. The line a user reads is Dutch: the level
and the check by their Dutch names (`LEVEL_NAMES`, `CHECK_NAMES`), the message in Dutch. No check
changes anything: the register database is read, not migrated; staging is opened read-only;
nothing is created.
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

from inbeeld.getallen import getal
from inbeeld.settings import STAGING_FILE, Settings, SettingsError
from rules.dates import format_nl

Level = Literal["ok", "warning", "error"]
LEVELS: tuple[Level, ...] = ("ok", "warning", "error")
CERT_WARNING_DAYS = 30
DISK_ERROR_BYTES = 500 * 1024**2
DISK_WARNING_BYTES = 2 * 1024**3
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: How a line names a level and a check (the code keeps the English keys).
LEVEL_NAMES: dict[Level, str] = {"ok": "ok", "warning": "waarschuwing", "error": "fout"}
CHECK_NAMES = {"settings": "instellingen", "gemeenten": "gemeenten", "letters": "brieven",
               "registers": "registers", "staging": "staging", "disk": "schijf", "libreoffice": "libreoffice",
               "chromium": "chromium", "prefect": "prefect", "certificate": "certificaat"}


@dataclass(frozen=True)
class Finding:
    level: Level
    check: str
    message: str

    def line(self) -> str:
        """`waarschuwing  prefect       geen server: …`: level and check in columns, in Dutch."""
        return f"{LEVEL_NAMES[self.level]:<14}{CHECK_NAMES.get(self.check, self.check):<14}{self.message}"


def check_settings(settings: Settings, error: SettingsError | None) -> Finding:
    if error is not None:
        return Finding("error", "settings", f"{error} (alle sleutels: docs/configuration.md)")
    if settings.config_file is None:
        named = os.environ.get("INBEELD_CONFIG")
        if named:
            return Finding("warning", "settings", f"INBEELD_CONFIG noemt {named}, maar dat is geen bestand: "
                           "alleen standaardwaarden, opties en omgeving")
        return Finding("ok", "settings", "geen inbeeld.toml: standaardwaarden, opties en omgeving")
    return Finding("ok", "settings", f"{settings.config_file.resolve()} gelezen, elke sleutel bekend")


def check_gemeenten(settings: Settings) -> Finding:
    if not settings.gemeenten:
        return Finding("error", "gemeenten", "geen gemeente bediend: signalen en cijfers worden geweigerd; "
                       "zet gemeenten in inbeeld.toml of INBEELD_GEMEENTEN")
    return Finding("ok", "gemeenten", ", ".join(settings.gemeenten))


def check_letters(settings: Settings) -> Finding:
    """The office the letters name (`[letters]`): every key a letter prints is set, no placeholder."""
    from letters.office import KantoorOnvolledig, ready
    from registers.meldingen import nederlands

    try:
        config = ready(settings.letters, settings.gemeenten)
    except KantoorOnvolledig as exc:
        return Finding("error", "letters", nederlands(exc).rstrip(".") + "; tot dan wordt er geen brief "
                       "geschreven")
    return Finding("ok", "letters", f"Gemeente {config.kantoor.gemeente}, {config.kantoor.afdeling}")


def check_registers(settings: Settings) -> Finding:
    """Reachable, and at the newest migration (read only: a database behind is migrated on first use)."""
    from sqlalchemy.engine import make_url

    from registers.db import current_revision, head_revision, known_revisions, make_engine

    url = settings.register_url
    shown = make_url(url).render_as_string(hide_password=True)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return Finding("warning", "registers", f"{shown} bestaat nog niet; de eerste opdracht maakt hem aan")
    try:
        engine = make_engine(url)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
    except Exception as exc:  # any driver's failure to connect or read
        return Finding("error", "registers", f"{shown}: niet te lezen ({type(exc).__name__}: "
                       f"{str(exc).splitlines()[0][:160]})")
    head = head_revision()
    if revision == head:
        return Finding("ok", "registers", f"{shown}, migratie {revision} (nieuwste)")
    if revision is None:
        return Finding("warning", "registers", f"{shown} heeft nog geen InBeeld-tabellen; de eerste opdracht "
                       "maakt ze aan")
    if revision not in known_revisions():
        return Finding("error", "registers", f"{shown} staat op migratie {revision}, die deze InBeeld niet "
                       f"kent (door nieuwere software geschreven?); nieuwste bekende: {head}")
    return Finding("warning", "registers", f"{shown} staat op migratie {revision}, de nieuwste is {head}; de "
                   "volgende opdracht migreert hem (maak eerst een reservekopie)")


def check_staging(settings: Settings) -> Finding:
    path = settings.staging_path
    leftovers = sorted(p.name for p in settings.data_dir.glob(f"{STAGING_FILE}.tmp*")) if \
        settings.data_dir.is_dir() else []
    if not path.is_file():
        return Finding("warning", "staging", f"{path} bestaat nog niet: er is geen levering ingelezen")
    try:
        from connectors.staging import Staging

        with Staging(path, read_only=True) as staging:
            count = staging.con.execute("SELECT count(*) FROM imports").fetchone()
    except Exception as exc:  # locked by a running import, or damaged
        return Finding("error", "staging", f"{path}: niet te openen om te lezen ({type(exc).__name__}: "
                       f"{str(exc).splitlines()[0][:160]})")
    size = path.stat().st_size / 1024**2
    message = f"{path}, {getal(count[0] if count else 0)} import(s), {getal(round(size))} MB"
    if leftovers:
        return Finding("warning", "staging", f"{message}; achtergelaten door een vastgelopen import: "
                       f"{', '.join(leftovers)} (verwijder ze als er geen import draait)")
    return Finding("ok", "staging", message)


def check_disk(settings: Settings) -> Finding:
    where = settings.data_dir if settings.data_dir.exists() else Path.cwd()
    free = shutil.disk_usage(where).free
    gigabytes = f"{free / 1024**3:.1f}".replace(".", ",")
    text = f"{gigabytes} GB vrij op de schijf van de datamap ({where.resolve()})"
    if free < DISK_ERROR_BYTES:
        return Finding("error", "disk", f"{text}: imports en brieven zullen mislukken; maak ruimte vrij")
    if free < DISK_WARNING_BYTES:
        return Finding("warning", "disk", f"{text}: een landelijke BRP-import heeft meer nodig")
    return Finding("ok", "disk", text)


def check_libreoffice(settings: Settings) -> Finding:
    from letters.pdf import soffice_path

    found = soffice_path()
    if found:
        return Finding("ok", "libreoffice", found)
    level: Level = "error" if settings.letters_pdf else "warning"
    return Finding(level, "libreoffice", "soffice niet gevonden: geen pdf van het drukwerk van de brieven; "
                   "installeer LibreOffice (apt install libreoffice-writer) of zet letters_pdf = false")


def check_chromium(settings: Settings) -> Finding:
    found = next((shutil.which(name) for name in CHROMIUM_NAMES if shutil.which(name)), None)
    if found:
        return Finding("ok", "chromium", found)
    return Finding("warning", "chromium", "niet gevonden: HTML-rapporten kunnen niet als pdf worden "
                   "afgedrukt of als afbeelding worden gecontroleerd; installeer chromium")


def check_prefect(settings: Settings, api_url: str | None = None, timeout: float = 3.0) -> Finding:
    url = api_url or os.environ.get("PREFECT_API_URL")
    if not url:
        pid_file = settings.data_dir / "prefect" / "server.pid"
        if not pid_file.is_file():
            return Finding("warning", "prefect", "geen server: niets draait volgens schema tot "
                           "`inbeeld serve` draait (of zet PREFECT_API_URL)")
        url = "http://127.0.0.1:4200/api"
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as answer:
            healthy = answer.status == 200
    except (urllib.error.URLError, OSError) as exc:
        return Finding("error", "prefect", f"{url} antwoordt niet ({exc}); start `inbeeld serve` of "
                       "controleer de server")
    if not healthy:
        return Finding("error", "prefect", f"{url} antwoordt, maar is niet gezond")
    return Finding("ok", "prefect", f"{url} gezond; UI op {url.removesuffix('/api')}")


def check_certificate(settings: Settings, now: datetime | None = None) -> Finding:
    """The verzuim HTTPS client certificate: present, readable, and not expiring within 30 days."""
    from cryptography import x509

    config = settings.verzuim_https
    cert = Path(os.environ.get("INBEELD_VERZUIM_CERT") or config.client_cert or "")
    if not (os.environ.get("INBEELD_VERZUIM_URL") or config.url):
        return Finding("ok", "certificate", "geen verzuim-endpoint ingesteld (meldingen via de inbox)")
    if not str(cert) or str(cert) == "." or not cert.is_file():
        return Finding("error", "certificate", f"verzuim_https.client_cert {cert} is geen bestand")
    try:
        certificate = x509.load_pem_x509_certificate(cert.read_bytes())
    except ValueError as exc:
        return Finding("error", "certificate", f"{cert} is geen PEM-certificaat ({exc})")
    now = now or datetime.now(UTC)
    expires = certificate.not_valid_after_utc
    days = (expires - now).days
    when = f"{cert} geldig tot {format_nl(expires.date())}"
    if expires <= now:
        return Finding("error", "certificate", f"{cert} is verlopen op {format_nl(expires.date())}: het "
                       "endpoint weigert ons; installeer het vernieuwde certificaat")
    if days < CERT_WARNING_DAYS:
        return Finding("warning", "certificate", f"{when}: nog {days} dag(en); vraag de vernieuwing nu aan")
    return Finding("ok", "certificate", f"{when} ({getal(days)} dagen)")


CHECKS: tuple[Callable[[Settings], Finding], ...] = (
    check_gemeenten, check_letters, check_registers, check_staging, check_disk, check_libreoffice,
    check_chromium, check_prefect, check_certificate)


def diagnose(settings: Settings, settings_error: SettingsError | None = None) -> list[Finding]:
    """Every check, in order; a check that breaks is itself an error line, never a traceback."""
    findings = [check_settings(settings, settings_error)]
    for check in CHECKS:
        name = check.__name__.removeprefix("check_")
        if check is check_gemeenten and settings_error is not None and not settings.gemeenten:
            findings.append(Finding("error", name, "onbekend: inbeeld.toml is niet te lezen (hierboven), en "
                                    "--gemeenten noch INBEELD_GEMEENTEN noemt er een"))
            continue
        try:
            findings.append(check(settings))
        except Exception as exc:  # a check must not hide the others
            findings.append(Finding("error", name,
                                    f"de controle zelf is mislukt: {type(exc).__name__}: {exc}"))
    return findings
