"""Where InBeeld keeps its data, which municipalities it serves, and every other setting, typed.

Settings come, in order of precedence, from command-line options, environment variables
(`INBEELD_DATA_DIR`, `INBEELD_DB_URL`, `INBEELD_GEMEENTEN`, `INBEELD_GEBRUIKER`) and an optional
`inbeeld.toml` in the working directory (or the file named by `INBEELD_CONFIG`). Keys may stand at
the top of the file or under `[inbeeld]`. Every key is declared once here, as a field of a typed
section; an unknown key or a value of the wrong type stops with a message naming the key, in
Dutch for the application manager who reads it (`SettingsError`). `docs/configuration.md` lists
every key (a test keeps it complete).
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from datetime import date, time
from pathlib import Path
from typing import Any, Union

DEFAULT_DATA_DIR = Path("inbeeld-data")
STAGING_FILE = "staging.duckdb"
REGISTER_FILE = "registers.sqlite"
PRIVATE_UMASK = 0o077


def keep_files_private() -> None:
    """umask 077 for this process and what it starts (LibreOffice, Prefect's runs): every file InBeeld
    creates (staging, the SQLite register, letters, reports, archive, refused deliveries) is 0600 and
    every folder 0700, readable by the service account alone (docs/privacy.md). Called by the command
    line and by every flow run, before anything is written."""
    os.umask(PRIVATE_UMASK)


def login_key(text: str) -> str:
    """A login as the user register keys it: trimmed and lower-cased, so " JJansen " typed at the
    command line, in INBEELD_GEBRUIKER, in `[agenda.medewerkers.<login>]` or on the web is the one
    user `jjansen`. Here, at the bottom, because settings read it too (`gebruiker`)."""
    return text.strip().lower()


class SettingsError(ValueError):
    """A key or value in inbeeld.toml (or the environment) that InBeeld cannot use."""


# -- the sections ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Kantoor:
    """The office that sends the letters (`[letters.kantoor]`). No defaults that look like an address:
    a letter names the real office or is not written (`LetterSettings.ontbreekt`)."""

    gemeente: str = ""  # default: the name of the one served gemeente (CBS gemeentecodes)
    afdeling: str = ""  # the team's name; it signs when nobody is assigned and no desk name is set
    bezoekadres: str = ""
    retouradres: str = ""
    antwoordadres: str = ""
    telefoon: str = ""
    website: str = ""  # optional
    privacy_url: str = ""
    regio: str = ""  # optional: the RMC / Doorstroompunt region's name ("van de regio …")
    gesprekslocatie: str = ""  # optional: default the bezoekadres


@dataclass(frozen=True)
class Afzender:
    """Who signs and answers the letter: the case's behandelaar by name, else this desk (`naam`, a
    person or a team), else the office's team (`[letters.kantoor] afdeling`, then without a function)."""

    naam: str = ""
    functie: str = "leerplichtambtenaar"
    telefoon: str = ""  # default: the office's telephone
    email: str = ""


#: The keys a letter cannot go without: its letterhead, the return and answer addresses, how to reach
#: the office and the privacy statement (the AVG line). Optional keys change the text instead.
KANTOOR_VERPLICHT = ("gemeente", "afdeling", "bezoekadres", "retouradres", "antwoordadres", "telefoon",
                     "privacy_url")


@dataclass(frozen=True)
class LetterSettings:
    """`[letters]`: what the letters say about the office and who signs them."""

    kantoor: Kantoor = Kantoor()
    leerplicht: Afzender = Afzender()
    rmc: Afzender = Afzender(functie="trajectbegeleider")
    gesprek_na_dagen: int = 14  # the earliest day an invitation offers a slot, counted from the letter
    template_dir: Path | None = None
    concept_dagen: int = 14  # a draft of `letters draft` never stored is removed after this many days

    def ontbreekt(self) -> list[str]:
        """The keys of inbeeld.toml a letter needs and that are not set (empty: letters can go)."""
        missing = [f"letters.kantoor.{key}" for key in KANTOOR_VERPLICHT
                   if not getattr(self.kantoor, key).strip()]
        missing += [f"letters.{desk}.email" for desk in ("leerplicht", "rmc")
                    if not getattr(self, desk).email.strip()]
        return missing


DAGEN = ("ma", "di", "wo", "do", "vr", "za", "zo")  # Monday = 0, as date.weekday()
_DAG = "(ma|di|wo|do|vr|za|zo)"
_UREN = re.compile(rf"^{_DAG}(?:-{_DAG})? ([0-2]\d):([0-5]\d)-([0-2]\d):([0-5]\d)$")


@dataclass(frozen=True)
class Spreekuur:
    """A block of configured hours: on these weekdays from `van` to `tot` (local time)."""

    dagen: tuple[int, ...]
    van: time
    tot: time


def spreekuur(text: str) -> Spreekuur:
    """`"ma-vr 09:00-12:00"` or `"wo 13:30-16:00"` into a Spreekuur; SettingsError when it is not."""
    found = _UREN.match(text.strip())
    problem = f"agenda-uren {text!r} zijn niet zoals \"ma-vr 09:00-12:00\" of \"wo 13:30-16:00\""
    if not found:
        raise SettingsError(problem)
    first, last, h1, m1, h2, m2 = found.groups()
    a, b = DAGEN.index(first), DAGEN.index(last or first)
    try:
        van, tot = time(int(h1), int(m1)), time(int(h2), int(m2))
    except ValueError:
        raise SettingsError(problem) from None
    if b < a or tot <= van:
        raise SettingsError(f"agenda-uren {text!r}: de dagen of de tijden lopen achteruit")
    return Spreekuur(tuple(range(a, b + 1)), van, tot)


@dataclass(frozen=True)
class Medewerker:
    """`[agenda.medewerkers.<login>]`: one LPA's or counsellor's own agenda (else the defaults)."""

    naam: str | None = None  # as letters name them (default: the user register's naam, else the login)
    uren: tuple[str, ...] | None = None  # default: agenda.uren
    locatie: str | None = None  # default: letters.kantoor.gesprekslocatie

    def __post_init__(self) -> None:
        for text in self.uren or ():
            spreekuur(text)


@dataclass(frozen=True)
class AgendaSettings:
    """`[agenda]`: the hours in which invitations take a slot, per LPA or counsellor (registers.agenda)."""

    uren: tuple[str, ...] = ("ma-vr 09:00-12:00", "ma-vr 13:00-16:00")
    duur_minuten: int = 30
    standaard: str = "leerplicht"  # whose agenda an invitation uses when nobody is assigned
    standaard_rmc: str = "doorstroompunt"  # the same for the Doorstroompunt (young people of 18 and older)
    medewerkers: dict[str, Medewerker] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for text in self.uren:
            spreekuur(text)
        if not 5 <= self.duur_minuten <= 240:
            raise SettingsError(f"agenda.duur_minuten moet tussen 5 en 240 liggen, niet {self.duur_minuten}")


@dataclass(frozen=True)
class ToewijzingSettings:
    """One `[[reports.werklijst.toewijzing]]` rule (checked further by reports.worklist)."""

    naam: str
    rol: str = "LPA"
    team: str = ""
    gemeenten: tuple[str, ...] = ()
    wijken: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    letters: str | None = None
    soorten: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vervolg:
    """The next step after an action: `{ actie = "…", dagen = 14 }`."""

    actie: str
    dagen: int


@dataclass(frozen=True)
class Werklijst:
    """`[reports.werklijst]`: wijken, assignment rules and next-step deadlines of the work lists."""

    wijken: dict[str, str] = field(default_factory=dict)
    toewijzing: tuple[ToewijzingSettings, ...] = ()
    vervolg: dict[str, Vervolg] = field(default_factory=dict)


@dataclass(frozen=True)
class Kpi:
    """`[reports.kpi]`; None keeps the defaults of reports.kpi."""

    in_behandeling_binnen_schooldagen: int | None = None
    afsluiten_binnen_weken: int | None = None
    vrije_dagen: tuple[date, ...] = ()


@dataclass(frozen=True)
class ReportSettings:
    """`[reports]`."""

    werklijst: Werklijst = Werklijst()
    kpi: Kpi = Kpi()


@dataclass(frozen=True)
class VerzuimHttps:
    """`[verzuim_https]`: the verzuim endpoint with mutual TLS (no url: read a folder instead)."""

    url: str | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    ca_bundle: Path | None = None
    key_password_env: str | None = None
    timeout: float = 30.0
    attempts: int = 3
    backoff_seconds: float = 2.0


@dataclass(frozen=True)
class ScheduleSettings:
    """`[schedules.<flow>]`; a key left out keeps the flow's own schedule."""

    cron: str | None = None
    timezone: str | None = None
    active: bool | None = None


@dataclass(frozen=True)
class CatalogSettings:
    """`[catalog.<entry>]`: where one entry of pipelines/catalog.toml lives instead."""

    path: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class WebSettings:
    """`[web]`: the web application."""

    host: str = "127.0.0.1"
    port: int = 8000


@dataclass(frozen=True)
class Notifications:
    """`[notifications]`: who hears of a failed scheduled run, by e-mail (no personal data in it)."""

    smtp_host: str | None = None
    smtp_port: int = 25
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None  # the name of an environment variable, never the password
    sender: str = "inbeeld@localhost"
    to: tuple[str, ...] = ()
    timeout: float = 30.0


@dataclass(frozen=True)
class Freshness:
    """`[freshness]`: when deliveries count as stale."""

    max_days: int = 7
    weekly_max_weeks: int = 2


@dataclass(frozen=True)
class LokaleWaarde:
    """`[beleid.<parameter>]`: the gemeente's own value of a local-policy parameter of rules/law/lokaal,
    with the local decision that sets it (docs/law-layers.md)."""

    waarde: int
    besluit: str  # the collegebesluit or beleidsregel: required, as every value of the law has a reference
    sinds: date | None = None  # from this day; left out: on every day (it replaces the shipped value)

    def __post_init__(self) -> None:
        if self.waarde < 0:
            raise SettingsError(f"beleid: waarde moet 0 of meer zijn, niet {self.waarde}")
        if not self.besluit.strip():
            raise SettingsError("beleid: besluit is leeg; noem het lokale besluit dat de waarde vaststelt")


@dataclass(frozen=True)
class GemeenteBeleid:
    """`[beleid.gemeente."<code>"]`: one served gemeente's own values of the local policy that shapes
    the signals; a parameter left out takes the installation's value (`[beleid.<name>]`), which takes
    the shipped one. The retention terms are the installation's alone (`REFUSED`)."""

    marge_leerplicht_start: LokaleWaarde | None = None
    marge_na_vestiging: LokaleWaarde | None = None
    bijna_leerplichtig_venster: LokaleWaarde | None = None
    thuiszitter_wachttijd_absoluut_verzuim: LokaleWaarde | None = None

    #: Keys refused here, with why (checked before the unknown-key message, `_section`).
    REFUSED: typing.ClassVar[dict[str, str]] = {
        "bewaartermijn_staging": "een bewaartermijn geldt voor de hele installatie (één staging-bestand "
                                 "voor alle gemeenten) en kan niet per gemeente; zet hem onder "
                                 "[beleid.bewaartermijn_staging]",
        "bewaartermijn_audit": "een bewaartermijn geldt voor de hele installatie (één audittrail voor "
                               "alle gemeenten) en kan niet per gemeente (de database dwingt hem af, "
                               "docs/privacy.md)",
    }

    def overrides(self) -> dict[str, LokaleWaarde]:
        """The parameters set here (not the per-gemeente tables)."""
        return {f.name: value for f in fields(self)
                if isinstance(value := getattr(self, f.name), LokaleWaarde)}


@dataclass(frozen=True)
class BeleidSettings(GemeenteBeleid):
    """`[beleid]`: local policy overriding the values of rules/law/lokaal/beleid.toml for the whole
    installation (one field per overridable parameter there; tests/rules/test_law_layers.py keeps the
    lists equal), and per served gemeente (`gemeente`, by gemeentecode)."""

    bewaartermijn_staging: LokaleWaarde | None = None
    gemeente: dict[str, GemeenteBeleid] = field(default_factory=dict, metadata={"key": "<gemeentecode>"})

    REFUSED: typing.ClassVar[dict[str, str]] = {}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    db_url: str | None = None
    gemeenten: tuple[str, ...] = ()
    gebruiker: str | None = None  # the named user acting (`--by` / INBEELD_GEBRUIKER; never from a file)
    letters: LetterSettings = LetterSettings()
    letters_pdf: bool = True
    agenda: AgendaSettings = AgendaSettings()
    reports: ReportSettings = ReportSettings()
    verzuim_https: VerzuimHttps = VerzuimHttps()
    schedules: dict[str, ScheduleSettings] = field(default_factory=dict)
    catalog: dict[str, str | CatalogSettings] = field(default_factory=dict)
    closing_days: tuple[date, ...] = ()
    renewal_reminder_months: tuple[int, ...] | None = None
    web: WebSettings = WebSettings()
    notifications: Notifications = Notifications()
    freshness: Freshness = Freshness()
    beleid: BeleidSettings = BeleidSettings()
    config_file: Path | None = None

    @property
    def staging_path(self) -> Path:
        return self.data_dir / STAGING_FILE

    @property
    def register_url(self) -> str:
        """The register database: `INBEELD_DB_URL` (or `db_url`), else `[catalog.registers]`, else the
        SQLite file in the data directory."""
        if self.db_url:
            return self.db_url
        moved = self.catalog.get("registers")
        url = moved if isinstance(moved, str) else moved and (moved.url or moved.path)
        if url:
            return url
        return f"sqlite:///{(self.data_dir / REGISTER_FILE).resolve()}"

    def served(self) -> tuple[str, ...]:
        """The municipalities served; refuses when none are set, instead of widening to everyone."""
        if not self.gemeenten:
            raise SettingsError("welke gemeenten worden bediend? Zet INBEELD_GEMEENTEN (bijvoorbeeld 0363), "
                                "`gemeenten` in inbeeld.toml of --gemeenten")
        return self.gemeenten

    def ensure_data_dir(self) -> Path:
        """The data directory, 0700 (also when an earlier version left it 0755): nobody else on the
        server reaches what is inside, whatever the modes of the files there."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.data_dir.stat().st_uid == os.getuid():
            self.data_dir.chmod(0o700)
        return self.data_dir

    @classmethod
    def from_table(cls, table: dict[str, Any], **given: Any) -> Settings:
        """Settings from a parsed inbeeld.toml table (validated), with `given` fields on top."""
        settings = cls(**{**_section(cls, table, ""), **given})
        installation = set(settings.gemeenten)  # a run narrowed to one gemeente keeps the others' policy
        with contextlib.suppress(SettingsError):
            installation |= set(_parse_gemeenten(table.get("gemeenten")))
        for code in settings.beleid.gemeente:
            if code not in installation:
                raise SettingsError(
                    f"inbeeld.toml: beleid.gemeente.{code}: gemeente {code} wordt niet bediend (gemeenten: "
                    f"{', '.join(sorted(installation)) or 'geen'}); schrijf de gemeentecode met vier cijfers "
                    f'tussen aanhalingstekens, zoals [beleid.gemeente."0599".marge_na_vestiging]')
        return settings


#: Fields that are not keys of inbeeld.toml.
_NOT_KEYS = {"config_file", "gebruiker"}  # who acts comes from --by / INBEELD_GEBRUIKER, never a file


# -- checking a table against a section ------------------------------------------------------------

_KIND = {str: "tekst", int: "een geheel getal", float: "een getal", bool: "true of false",
         Path: "een pad", date: "een datum (2026-12-24)"}


def _where(path: str) -> str:
    return f"inbeeld.toml: {path}" if path else "inbeeld.toml"


def _scalar(kind: type, value: Any, path: str) -> Any:
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif kind is date:
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = date.fromisoformat(value)
        ok = isinstance(value, date)
    elif kind is Path:
        ok = isinstance(value, str) and bool(value)
        value = Path(value) if ok else value
    else:
        ok = isinstance(value, str)
    if not ok:
        raise SettingsError(f"{_where(path)} moet {_KIND[kind]} zijn, niet {value!r}")
    return value


def _value(kind: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        if value is None and len(options) < len(typing.get_args(kind)):
            return None
        errors = []
        for option in options:
            try:
                return _value(option, value, path)
            except SettingsError as exc:
                errors.append(exc)
        raise errors[-1]
    if origin in (tuple, list):
        item = typing.get_args(kind)[0]
        if isinstance(value, str) and item is str:
            value = [value]
        if not isinstance(value, list):
            raise SettingsError(f"{_where(path)} moet een lijst zijn, niet {value!r}")
        return tuple(_value(item, entry, f"{path}[{i}]") for i, entry in enumerate(value))
    if origin is dict:
        item = typing.get_args(kind)[1]
        if not isinstance(value, dict):
            raise SettingsError(f"{_where(path)} moet een tabel zijn, niet {value!r}")
        return {str(key): _value(item, entry, f"{path}.{key}") for key, entry in value.items()}
    if is_dataclass(kind):
        if not isinstance(value, dict):
            raise SettingsError(f"{_where(path)} moet een tabel zijn, niet {value!r}")
        return kind(**_section(kind, value, path))
    return _scalar(kind, value, path)


def _section(kind: type, table: dict[str, Any], path: str) -> dict[str, Any]:
    hints = typing.get_type_hints(kind)
    known = [f.name for f in fields(kind) if f.name not in _NOT_KEYS]
    refused = getattr(kind, "REFUSED", {})
    for key in table:
        if key in refused:
            raise SettingsError(f"{_where(f'{path}.{key}' if path else key)}: {refused[key]}")
        if key not in known:
            raise SettingsError(f"{_where(f'{path}.{key}' if path else key)}: onbekende sleutel"
                                f"{f' in [{path}]' if path else ''}; bekend: {', '.join(known)}")
    missing = [f.name for f in fields(kind) if f.name not in table and f.name in known
               and f.default is MISSING and f.default_factory is MISSING]
    if missing:
        raise SettingsError(f"{_where(path)}: {', '.join(missing)} ontbreekt")
    defaults = {f.name: f.default for f in fields(kind)}
    result = {}
    for key, value in table.items():
        where = f"{path}.{key}" if path else key
        base = defaults[key]
        if is_dataclass(base) and isinstance(value, dict):  # a table given keeps the other defaults
            result[key] = replace(base, **_section(type(base), value, where))
        else:
            result[key] = _value(hints[key], value, where)
    return result


def keys(kind: type = Settings, prefix: str = "") -> list[str]:
    """Every key of inbeeld.toml, dotted (`reports.kpi.vrije_dagen`; `<name>` where the name is free)."""
    found: list[str] = []
    hints = typing.get_type_hints(kind)
    for f in fields(kind):
        if f.name in _NOT_KEYS:
            continue
        name = f"{prefix}{f.name}"
        found.append(name)
        hint = hints[f.name]
        if typing.get_origin(hint) is dict:
            hint, name = typing.get_args(hint)[1], f"{name}.{f.metadata.get('key', '<name>')}"
        elif typing.get_origin(hint) in (tuple, list):
            hint = typing.get_args(hint)[0]
        union = typing.get_origin(hint) in (Union, types.UnionType)
        for option in typing.get_args(hint) if union else (hint,):
            if is_dataclass(option):
                found.extend(keys(typing.cast(type, option), f"{name}."))
    return found


# -- loading ---------------------------------------------------------------------------------------

def _parse_gemeenten(value: str | list | tuple | None) -> tuple[str, ...]:
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    codes = tuple(str(item).strip().zfill(4) for item in items if str(item).strip())
    bad = [code for code in codes if not (code.isdigit() and len(code) == 4)]
    if bad:
        raise SettingsError(f"gemeenten: {', '.join(bad)} is geen gemeentecode van vier cijfers")
    return codes


def read_config(path: Path) -> dict[str, Any]:
    """The table of an inbeeld.toml: its top-level keys with those under `[inbeeld]` merged in."""
    try:
        with path.open("rb") as handle:
            config = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: geen geldige TOML: {exc}") from None
    inner = config.pop("inbeeld", {})
    if not isinstance(inner, dict):
        raise SettingsError(f"{path}: inbeeld moet een tabel zijn")
    twice = sorted(set(inner) & set(config))
    if twice:
        raise SettingsError(f"{path}: {', '.join(twice)} staat zowel bovenaan als onder [inbeeld]")
    return {**config, **inner}


def config_path(environ: typing.Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env.get("INBEELD_CONFIG", "inbeeld.toml"))


def load_settings(
    data_dir: str | Path | None = None,
    db_url: str | None = None,
    gemeenten: str | None = None,
    gebruiker: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Merge options, environment and `inbeeld.toml` (options win, then environment)."""
    env = os.environ if environ is None else environ
    path = config_path(env)
    config: dict[str, Any] = {}
    if path.is_file():
        config = read_config(path)
    try:
        return Settings.from_table(
            config,
            data_dir=Path(data_dir or env.get("INBEELD_DATA_DIR") or config.get("data_dir")
                          or DEFAULT_DATA_DIR),
            db_url=db_url or env.get("INBEELD_DB_URL") or config.get("db_url"),
            gemeenten=_parse_gemeenten(gemeenten or env.get("INBEELD_GEMEENTEN") or config.get("gemeenten")),
            gebruiker=login_key(gebruiker or env.get("INBEELD_GEBRUIKER") or "") or None,
            config_file=path if path.is_file() else None,
        )
    except SettingsError as exc:
        message = str(exc)
        if message.startswith("gemeenten") and not (gemeenten or env.get("INBEELD_GEMEENTEN")):
            message = f"inbeeld.toml: {message}"
        raise SettingsError(message.replace("inbeeld.toml", str(path), 1)) from None
