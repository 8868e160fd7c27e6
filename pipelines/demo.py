"""`inbeeld demo`: the whole job on a synthetic municipality, as a newcomer's first run.

Generates a municipality (`synthetic.generate`), then for each weekly peildatum drops that week's
deliveries into the inbox — one BRP format per week, in turn, so every reader is exercised — and
runs the real weekly flow; after the last week the monthly flow. What a municipality would look at
is left in the output folder: the letters, the work lists, the VSV figures and the policy report.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from inbeeld.getallen import getal
from pipelines.working_days import first_working_day
from rules.dates import format_nl
from synthetic import generate

BRP_FORMATS = ("lo3.csv", "haalcentraal.json", "stufbg.xml")
DELIVERY_FOLDERS = ("duo", "verzuim", "vrijstellingen")
# The named users to look at the work screen with (`inbeeld web`): login, naam, rol. The RMC
# trajectbegeleider has the name DEMO_CONFIG gives the RMC dossiers, so her inbox holds them.
DEMO_USERS = (("demo-lpa", "Demo Leerplichtambtenaar", "lpa"), ("demo-rmc", "R. Haddou", "rmc"),
              ("demo-beleid", "Demo Beleid", "beleid"), ("demo-beheer", "Demo Beheer", "beheer"))


@dataclass
class DemoResult:
    out: Path
    data_dir: Path
    weeks: list[tuple[date, dict[str, int]]] = field(default_factory=list)
    monthly: dict[str, int] = field(default_factory=dict)
    web_password: str | None = None  # of the DEMO_USERS

    def outputs(self) -> dict[str, list[Path]]:
        """The files a user opens: letters (print files), work lists and the HTML reports."""
        return {
            "letters": sorted(self.data_dir.glob("letters/*/drukwerk.*")),
            "reports": sorted(p for p in (self.data_dir / "reports").rglob("*") if p.is_file()),
        }


def stage_week(deliveries: Path, peildatum: date, inbox: Path, brp_format: str) -> list[Path]:
    """Copy one generated week into the inbox (one BRP format; the truth files stay behind)."""
    week = deliveries / peildatum.isoformat()
    target = inbox / peildatum.isoformat()
    target.mkdir(parents=True, exist_ok=True)
    sources = sorted((week / "brp").glob(f"*.{brp_format}"))
    for folder in DELIVERY_FOLDERS:
        sources += sorted(p for p in (week / folder).glob("*") if p.is_file())
    copied = []
    for source in sources:
        copied.append(Path(shutil.copy2(source, target / source.name)))
    return copied


def check_unused(out: Path) -> None:
    """The demo writes a fresh municipality: refuse a folder that already holds something."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is niet leeg: kies een andere --out of verwijder de map")


#: The demo office's staff: who handles which cases (work lists; the weekly run assigns new cases by it,
#: so the letters name the person). Synthetic names.
DEMO_CONFIG = """\
[[reports.werklijst.toewijzing]]
naam = "A. de Boer"
rol = "LPA"
letters = "A-K"
team = "Leerplicht"

[[reports.werklijst.toewijzing]]
naam = "S. Visser"
rol = "LPA"
letters = "L-Z"
team = "Leerplicht"

[[reports.werklijst.toewijzing]]
naam = "R. Haddou"
rol = "RMC"
team = "Doorstroompunt"

# The demo office, fictional and plainly so: a .invalid domain, postcodes 0000 that no Dutch address
# has. A municipality sets its own; without them no letter is written (docs/configuration.md).
[letters.kantoor]
gemeente = "Demostad"
afdeling = "Team Leerplicht en Doorstroompunt (demo)"
bezoekadres = "Demoplein 1, Demostad"
retouradres = "Postbus 1, 0000 AA  DEMOSTAD"
antwoordadres = "Antwoordnummer 1, 0000 AB  DEMOSTAD"
telefoon = "000 000 0000 (demo)"
website = "www.demostad.invalid"
privacy_url = "www.demostad.invalid/privacy"
regio = "Demoregio"
gesprekslocatie = "Stadskantoor, Demoplein 1, Demostad"

[letters.leerplicht]
email = "leerplicht@demostad.invalid"

[letters.rmc]
email = "doorstroompunt@demostad.invalid"
"""


def run_demo(out: Path, *, persons: int = 5000, seed: int = 1, gemeente: str = "0363", weeks: int = 4,
             echo: Callable[[str], None] = print) -> DemoResult:
    """Generate, then run the weekly flow for every week and the monthly flow once, with the demo
    office's staff (`DEMO_CONFIG`, written to `inbeeld.toml` beside the data)."""
    out = Path(out)
    deliveries, data_dir = out / "deliveries", out / "inbeeld-data"
    config = out / "inbeeld.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    # the municipality served: the commands the demo suggests (signals, reports) refuse without it
    config.write_text(f'gemeenten = ["{gemeente}"]\n\n{DEMO_CONFIG}', encoding="utf-8")
    previous = os.environ.get("INBEELD_CONFIG")
    os.environ["INBEELD_CONFIG"] = str(config)
    try:
        return _run(out, deliveries, data_dir, persons=persons, seed=seed, gemeente=gemeente, weeks=weeks,
                    echo=echo)
    finally:
        if previous is None:
            os.environ.pop("INBEELD_CONFIG", None)
        else:
            os.environ["INBEELD_CONFIG"] = previous


def _run(out: Path, deliveries: Path, data_dir: Path, *, persons: int, seed: int, gemeente: str, weeks: int,
         echo: Callable[[str], None]) -> DemoResult:
    from pipelines.monthly import monthly_flow
    from pipelines.weekly import weekly_flow

    echo(f"Een gemeente met {getal(persons)} jongeren wordt gemaakt (gemeente {gemeente}, seed {seed}) ...")
    manifest = generate(deliveries, persons=persons, seed=seed, gemeenten=[gemeente], weeks=weeks)
    result = DemoResult(out, data_dir)
    inbox = data_dir / "inbox"
    for index, peildatum in enumerate(manifest.peildatums):
        brp_format = BRP_FORMATS[index % len(BRP_FORMATS)]
        stage_week(deliveries, peildatum, inbox, brp_format)
        echo(f"Week van {format_nl(peildatum)}: wekelijkse run (BRP als {brp_format}) ...")
        counts = weekly_flow(peildatum=peildatum, data_dir=str(data_dir), gemeente=gemeente)
        result.weeks.append((peildatum, counts))
    # the monthly flow runs on the first working day of a month: the one after the last week
    last = manifest.peildatums[-1]
    following = last.replace(day=28) + timedelta(days=4)
    monthly_day = first_working_day(following.year, following.month)
    echo(f"Maandelijkse run van {format_nl(monthly_day)}: werklijsten, VSV-cijfers, vrijstellingen voor "
         "DUO, KPI's ...")
    result.monthly = monthly_flow(peildatum=monthly_day, data_dir=str(data_dir), gemeente=gemeente)
    result.web_password = add_demo_users(data_dir, gemeente)
    return result


def add_demo_users(data_dir: Path, gemeente: str) -> str:
    """The DEMO_USERS, with one new random password (synthetic data only: it is printed)."""
    from inbeeld.settings import load_settings
    from registers.audit import SYSTEEM, AuditTrail, load_key
    from registers.db import open_registers
    from registers.gebruikers import add_user

    settings = load_settings(data_dir=data_dir, environ={})
    password = secrets.token_urlsafe(12)
    factory = open_registers(settings.register_url, AuditTrail(load_key(settings.data_dir), actor=SYSTEEM))
    try:
        with factory() as session:
            for login, naam, rol in DEMO_USERS:
                add_user(session, login, naam, rol, password, [gemeente])
            session.commit()
    finally:
        factory.kw["bind"].dispose()
    return password


#: The weekly counts the demo's table shows (besides the signals), by their Dutch names.
WEEK_ROWS = {"cases_opened": "dossiers geopend", "cases_closed": "dossiers gesloten", "letters": "brieven",
             "letters_suppressed": "brieven onderdrukt", "rows_quarantined": "regels in quarantaine"}


def describe(result: DemoResult) -> str:
    """What the demo did and where to look, for the terminal (in Dutch; the signals by their codes)."""
    signal_names = sorted({k for _, c in result.weeks for k in c if k.startswith("signal_")})
    header = "  " + "".ljust(28) + "".join(d.isoformat().rjust(12) for d, _ in result.weeks)
    lines = ["", "Wekelijkse runs:", header]
    rows = {**{name: name.removeprefix("signal_") for name in signal_names}, **WEEK_ROWS}
    for name, label in rows.items():
        lines.append("  " + label.ljust(28)
                     + "".join(getal(c.get(name, 0)).rjust(12) for _, c in result.weeks))
    outputs = result.outputs()
    lines += ["", f"Gemaakte leveringen: {result.out / 'deliveries'}",
              f"Datamap (staging, registers, archief): {result.data_dir}",
              f"Brieven: {getal(len(list(result.data_dir.glob('letters/*/*.docx'))))} .docx-bestanden in "
              f"{result.data_dir / 'letters'}"]
    lines += [f"  drukwerk: {p}" for p in outputs["letters"]]
    lines.append(f"Werklijsten en cijfers in {result.data_dir / 'reports'}:")
    lines += [f"  {p.relative_to(result.data_dir / 'reports')}" for p in outputs["reports"]]
    lines += ["", f"Rondkijken: INBEELD_CONFIG={result.out / 'inbeeld.toml'} "
                  f"INBEELD_DATA_DIR={result.data_dir} inbeeld --by demo-lpa cases list"]
    if result.web_password:
        logins = [login for login, _naam, _rol in DEMO_USERS]
        lines += ["", f"Het werkscherm: INBEELD_CONFIG={result.out / 'inbeeld.toml'} "
                      f"INBEELD_DATA_DIR={result.data_dir} inbeeld web",
                  "  open dan http://127.0.0.1:8765/ en log in als " + ", ".join(logins[:-1])
                  + f" of {logins[-1]} met het wachtwoord {result.web_password}"]
    return "\n".join(lines)
