"""`inbeeld report …`: work lists, VSV figures, the Leerplichttelling, KPIs and the reconciliation
with DUO, as .xlsx, .csv or HTML (docs/spec.md §5, §7).

Thin wrappers: the stores are opened here, `reports.gather` collects the inputs and the pure
report functions compute. Figures for policy (vsv, telling) hide small counts unless `--exact`
is given (the exact figures are for the office itself and for DUO's Leerplichttelling form).
Exit status: 0 written, 1 nothing to report from (no delivery, no register), 2 usage error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.orm import Session

from connectors.output_names import inside, safe_name
from connectors.schools import school_names
from inbeeld.acting_user import act_as, by_option
from inbeeld.settings import Settings, SettingsError
from reports import gather, staging_queries
from reports.html import format_date, tables_html, write_html
from reports.kpi import empty_reason, kpi_table, month_of
from reports.kpi_report import kpi_html, kpi_tables
from reports.spreadsheet import Column, Table, write_csv, write_xlsx
from reports.telling import Schooljaar
from reports.telling_report import telling_html, telling_tables
from reports.vsv import Convenantjaar
from reports.vsv_report import vsv_html, vsv_tables
from reports.worklist_report import file_stem, worklist_html, worklist_table
from rules.date_option import DATUM

FORMATS = ("xlsx", "html", "csv")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class _Maand(click.ParamType):
    name = "jjjj-mm"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        match = _MONTH.match(str(value).strip())
        if not match:
            self.fail(f"{value!r} is geen maand: gebruik jjjj-mm, bijvoorbeeld 2026-10", param, ctx)
        return dt.date(int(match[1]), int(match[2]), 1)


MAAND = _Maand()


def _format_option(function):
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="xlsx", show_default=True,
        help="Output format: a workbook, an HTML page with charts, or CSV for Dutch Excel.")(function)


def _out_option(function):
    return click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Folder for the files (default: reports/ in the data directory).")(function)


def _strict_option(function):
    return click.option("--strict", is_flag=True,
                        help="Refuse (exit 1) when a staged delivery it uses is more than [freshness] "
                             "max_days older than the peildatum (default: a warning on stderr).")(function)


def _fresh(settings: Settings, con: object, peildatum: dt.date, strict: bool, what: str,
           uses: tuple[str, ...] = ("BRP", "DUO")) -> None:
    """Say on stderr when the staged deliveries are old for `peildatum` (connectors.freshness);
    --strict refuses instead, before anything is written."""
    from connectors.freshness import SOURCES, StaleDeliveries, stale_warning

    try:
        warning = stale_warning(con, peildatum, settings.freshness.max_days, strict=strict, what=what,
                                sources={name: SOURCES[name] for name in uses})
    except StaleDeliveries as exc:
        raise click.ClickException(str(exc)) from None
    if warning:
        click.echo(warning, err=True)


def _out_dir(settings: Settings, out: Path | None) -> Path:
    folder = out or settings.data_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_tables(folder: Path, stem: str, tables: Sequence[Table], fmt: str, title: str,
                  subtitle: str = "") -> list[Path]:
    """Tables as one workbook, one CSV per table, or one HTML page."""
    if fmt == "xlsx":
        return [write_xlsx(inside(folder, f"{stem}.xlsx"), tables)]
    if fmt == "csv":
        if len(tables) == 1:
            return [write_csv(inside(folder, f"{stem}.csv"), tables[0])]
        return [write_csv(inside(folder, f"{stem}-{safe_name(table.title)}.csv"), table) for table in tables]
    return [write_html(inside(folder, f"{stem}.html"), tables_html(title, tables, subtitle))]


def _echo(paths: Sequence[Path]) -> None:
    for path in paths:
        click.echo(str(path))


@contextmanager
def _staging(settings: Settings) -> Iterator:
    """The staging store, read-only; a clear refusal when there is none yet."""
    from connectors.staging import Staging

    if not settings.staging_path.is_file():
        raise click.ClickException(f"er is nog niets ingelezen ({settings.staging_path} bestaat niet): lees "
                                   "eerst de leveringen in met `inbeeld import …`")
    with Staging(settings.staging_path, read_only=True) as staging:
        yield staging.con


@contextmanager
def _registers(settings: Settings) -> Iterator[Session]:
    """A register session whose reads of personal data are audited."""
    from registers.db import register_session
    from registers.meldingen import nederlands

    try:
        with register_session(settings) as session:
            yield session
    except ValueError as exc:  # Refused too: no named user
        raise click.ClickException(nederlands(exc)) from None


@click.group("report")
def report() -> None:
    """Work lists, VSV figures, the Leerplichttelling and KPIs as .xlsx, .csv or HTML."""


@report.command("worklist")
@click.option("--peildatum", type=DATUM, default=None,
              help="Date the ages, days open and overdue are measured on (default today); the cases "
                   "are always the registers' current state.")
@click.option("--voor", "only", multiple=True, help="Only the list of this LPA / counsellor (repeatable).")
@_strict_option
@_format_option
@_out_option
@by_option("reading")
@click.pass_context
def worklist_command(ctx: click.Context, peildatum: dt.date | None, only: tuple[str, ...], strict: bool,
                     fmt: str, out: Path | None, by: str | None) -> None:
    """The work list of every LPA and RMC counsellor: each open case now, with its next action,
    overdue cases first. One file per person (named with the peildatum's month), assigned by the
    rules in inbeeld.toml ([[reports.werklijst.toewijzing]]). A past month's list is the file the
    monthly run wrote then."""
    settings = act_as(ctx, by)
    peildatum = peildatum or dt.date.today()
    label = f"{peildatum:%Y-%m}"
    folder = _out_dir(settings, out)
    with _registers(settings) as session:
        if settings.staging_path.is_file():
            with _staging(settings) as con:
                _fresh(settings, con, peildatum, strict, "de adressen en schoolstatus in de werklijsten")
                lists = gather.worklists_for(session, con, peildatum, settings.reports, only)
        else:
            lists = gather.worklists_for(session, None, peildatum, settings.reports, only)
    if not lists:
        click.echo("Geen open dossiers.")
    written = []
    for name, rows in lists.items():
        stem = file_stem(name, label)
        if fmt == "xlsx":
            table = worklist_table(name, rows, peildatum)
            written.append(write_xlsx(inside(folder, f"{stem}.xlsx"), [table]))
        elif fmt == "csv":
            written.append(write_csv(inside(folder, f"{stem}.csv"), worklist_table(name, rows, peildatum)))
        else:
            written.append(write_html(inside(folder, f"{stem}.html"), worklist_html(name, rows, peildatum)))
    _echo(written)


@report.command("vsv")
@click.option("--jaar", type=int, default=None,
              help="Convenantjaar by the year of its 1 October (2024 = 2024-2025); default the newest one "
                   "the staged DUO deliveries can give figures for.")
@click.option("--stand", type=DATUM, default=None,
              help="Use only the DUO deliveries up to this date (default: up to the vaststellingsdatum).")
@click.option("--exact", is_flag=True, help="Exact counts for the office (no small-count suppression).")
@_strict_option
@_format_option
@_out_option
@click.pass_obj
def vsv_command(settings: Settings, jaar: int | None, stand: dt.date | None, exact: bool, strict: bool,
                fmt: str, out: Path | None) -> None:
    """VSV figures of a convenantjaar from the staged DUO deliveries: startset, new vsv'ers and VSV %
    per school, level, gemeente, age and sex, and the trend over the years (HTML: with charts).
    Provisional figures rest on the newest DUO delivery: when it is more than [freshness] max_days
    before --stand (default today) it says so; --strict refuses."""
    with _staging(settings) as con:
        try:
            settings.served()
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from None
        try:
            year = jaar if jaar is not None else staging_queries.latest_vsv_year(con, stand)
            figures, basis = staging_queries.vsv_from_staging(con, year, stand, settings.gemeenten)
        except staging_queries.NoData as exc:
            raise click.ClickException(str(exc)) from None
        if basis.peildatum:  # voorlopig: a final year does not age
            _fresh(settings, con, stand or dt.date.today(), strict, "de voorlopige VSV-cijfers",
                   uses=("DUO",))
        trend = staging_queries.vsv_trend_from_staging(con, stand=stand, gemeenten=settings.gemeenten)
        schools = school_names(con)
    if jaar is None:
        click.echo(f"Geen --jaar gegeven: convenantjaar {figures.jaar.label}, het nieuwste met DUO-gegevens.",
                   err=True)
    stem = f"vsv-{figures.jaar.label}" + ("-exact" if exact else "")
    folder = _out_dir(settings, out)
    if fmt == "html":
        paths = [write_html(inside(folder, f"{stem}.html"),
                            vsv_html(figures, trend, beleid=not exact, schoolnamen=schools))]
    else:
        tables = vsv_tables(figures, trend, beleid=not exact, schoolnamen=schools)
        paths = _write_tables(folder, stem, tables, fmt, f"VSV {figures.jaar.label}")
    status = ("voorlopig" if basis.peildatum else "definitief, nagekomen" if basis.nagekomen
              else "definitief") + (", DUO's NRSP/NenR van " if basis.duo_lijsten else ", DUO-levering van ")
    click.echo(f"Convenantjaar {figures.jaar.label} ({status}{format_date(basis.delivery.peildatum)}): "
               f"startset {figures.startset}, nieuwe vsv'ers {figures.vsv}.", err=True)
    _echo(paths)


@report.command("telling")
@click.option("--jaar", type=int, default=None,
              help="School year by the year of its 1 August (2024 = 2024-2025); default the last "
                   "finished one.")
@click.option("--peildatum", type=DATUM, default=None, help="Count up to this date (for a running year).")
@click.option("--exact", is_flag=True, help="Exact counts, as DUO's form asks (no small-count suppression).")
@_format_option
@_out_option
@by_option("reading")
@click.pass_context
def telling_command(ctx: click.Context, jaar: int | None, peildatum: dt.date | None, exact: bool, fmt: str,
                    out: Path | None, by: str | None) -> None:
    """The Leerplichttelling of a school year (Leerplichtwet article 25) from the registers, laid
    out like DUO's form: absoluut and relatief verzuim, vrijstellingen, thuiszitters, Halt and PV."""
    settings = act_as(ctx, by)
    year = jaar if jaar is not None else Schooljaar.of(dt.date.today()).year - 1
    with _registers(settings) as session:
        result = gather.telling(session, year, peildatum)
    stem = f"leerplichttelling-{result.schooljaar.label}" + ("-exact" if exact else "")
    folder = _out_dir(settings, out)
    if fmt == "html":
        paths = [write_html(inside(folder, f"{stem}.html"), telling_html(result, beleid=not exact))]
    else:
        paths = _write_tables(folder, stem, telling_tables(result, beleid=not exact), fmt,
                              f"Leerplichttelling {result.schooljaar.label}")
    _echo(paths)


@report.command("kpi")
@click.option("--maand", type=MAAND, default=None, help="The meldingen of this month (jjjj-mm).")
@click.option("--jaar", type=int, default=None, help="The meldingen of this school year (2025 = 2025-2026).")
@click.option("--peildatum", type=DATUM, default=None, help="Measure on this date (default today).")
@_format_option
@_out_option
@by_option("reading")
@click.pass_context
def kpi_command(ctx: click.Context, maand: dt.date | None, jaar: int | None, peildatum: dt.date | None,
                fmt: str, out: Path | None, by: str | None) -> None:
    """KPIs per LPA and team: verzuimmeldingen in behandeling within 5 school days and closed within
    the configured weeks, coloured green (>= 90 %), orange (80-90 %) and red (< 80 %)."""
    settings = act_as(ctx, by)
    if maand is not None and jaar is not None:
        raise click.UsageError("geef --maand of --jaar, niet allebei")
    peildatum = peildatum or dt.date.today()
    if maand is not None:
        period, label = month_of(maand), f"{maand:%Y-%m}"
    else:
        school_year = Schooljaar(jaar) if jaar is not None else Schooljaar.of(peildatum)
        period, label = (school_year.start, school_year.end), school_year.label
    school_days, weeks, days_off = gather.kpi_settings(settings.reports.kpi)
    with _registers(settings) as session:
        meldingen = gather.kpi_input(session, settings.reports)
    table = kpi_table(meldingen, peildatum, period, school_days, weeks, days_off)
    leeg = empty_reason(meldingen, period)
    if leeg:
        click.echo(leeg, err=True)
    folder = _out_dir(settings, out)
    if fmt == "html":
        page = kpi_html(table, period, peildatum, school_days, weeks, leeg=leeg)
        paths = [write_html(inside(folder, f"kpi-{label}.html"), page)]
    else:
        tables = kpi_tables(table, period, school_days, weeks, leeg)
        paths = _write_tables(folder, f"kpi-{label}", tables, fmt, "KPI's verzuimmeldingen")
    _echo(paths)


RECONCILIATION_COLUMNS = (
    Column("persoonsnummer", "Persoonsnummer"), Column("brin", "BRIN"), Column("schoolnaam", "School"),
    Column("niveau", "Niveau"), Column("datum_uitschrijving", "Datum uitschrijving", "date"),
)


@report.command("afstemming")
@click.option("--jaar", type=int, default=None,
              help="Convenantjaar (2024 = 2024-2025); default the newest one the staged DUO deliveries "
                   "can give figures for.")
@_format_option
@_out_option
@by_option("reading")
@click.pass_context
def reconciliation_command(ctx: click.Context, jaar: int | None, fmt: str, out: Path | None,
                           by: str | None) -> None:
    """Reconcile the VSV register with DUO's A01/A02/A04 lists: who is on DUO's list but not in
    ours, and the reverse (person-level: for the RMC office, not for policy)."""
    settings = act_as(ctx, by)
    with _registers(settings) as session, _staging(settings) as con:
        try:
            year = jaar if jaar is not None else staging_queries.latest_vsv_year(con)
        except staging_queries.NoData as exc:
            raise click.ClickException(str(exc)) from None
        result = gather.vsv_reconciliation(session, con, year)
        schools = school_names(con)
    label = Convenantjaar(year).label
    if jaar is None:
        click.echo(f"Geen --jaar gegeven: convenantjaar {label}, het nieuwste met DUO-gegevens.", err=True)

    def rows(frame) -> list[dict]:
        return [{**row, "schoolnaam": schools.get(str(row.get("brin") or ""), "")}
                for row in frame.to_dict("records")]

    tables = [
        Table("Alleen bij DUO", RECONCILIATION_COLUMNS, rows(result.alleen_duo),
              notes=("Op de werkvoorraad van DUO (A04, anders A01 min A02), niet in het VSV-register.",)),
        Table("Alleen in InBeeld", [*RECONCILIATION_COLUMNS, Column("uitkomst", "Uitkomst")],
              rows(result.alleen_inbeeld),
              notes=("In het VSV-register van InBeeld, niet op de werkvoorraad van DUO. School en niveau: "
                     "de inschrijving die DUO als beëindigd leverde.",)),
        Table("In beide", RECONCILIATION_COLUMNS, rows(result.beide)),
    ]
    paths = _write_tables(_out_dir(settings, out), f"vsv-afstemming-{label}", tables, fmt,
                          f"Afstemming VSV-register met DUO {label}", f"Convenantjaar {label}.")
    _echo(paths)


LAW_CHANGE_LIST = (
    Column("team", "Team"), Column("persoonsnummer", "Persoonsnummer"), Column("naam", "Naam"),
    Column("geboortedatum", "Geboortedatum", "date"), Column("leeftijd", "Leeftijd", "int"),
    Column("gemeente", "Gemeente"), Column("adres", "Adres"), Column("status_voor", "Status voor"),
    Column("status_na", "Status na"), Column("erbij", "Signaal erbij"), Column("eraf", "Signaal eraf"),
)


@report.command("wetswijziging")
@click.option("--peildatum", type=DATUM, default=None,
              help="The deliveries of this day (default today): both laws are applied to them.")
@click.option("--voor", "voor", type=DATUM, default=None,
              help="The law as it stood on this day (default: the law in force on the peildatum).")
@click.option("--na", "na", type=DATUM, default=None,
              help="The law as it stood on this day (default: the law in force on the peildatum).")
@click.option("--voorstel", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A proposed parameters file (TOML as a file of rules/law/, only the parameters it "
                   "changes): the law after; the law files are not touched.")
@_strict_option
@_format_option
@_out_option
@by_option("reading")
@click.pass_context
def law_change_command(ctx: click.Context, peildatum: dt.date | None, voor: dt.date | None,
                       na: dt.date | None, voorstel: Path | None, strict: bool, fmt: str,
                       out: Path | None, by: str | None) -> None:
    """What a change in the law does: who changes status or signal between two laws on the same
    deliveries (the law of two days, or the law in force and a proposal), counted per gemeente, age and
    signal, with the list for the team that gets them. The persons on the lists are written to the
    audit trail.

    Example (the RMC age of 1 January 2026): --peildatum 2026-09-07 --voor 2025-12-31.
    """
    from registers.audit import AuditEvent, trail
    from reports import wetswijziging as ww

    settings = act_as(ctx, by)

    if voorstel is not None and na is not None:
        raise click.UsageError("geef --na of --voorstel, niet allebei")
    if voor is None and na is None and voorstel is None:
        raise click.UsageError("niets om te vergelijken: geef --voor DATUM, --na DATUM of --voorstel BESTAND")
    try:
        settings.served()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    peildatum = peildatum or dt.date.today()
    try:
        law_before = ww.law_on(voor) if voor else ww.law_in_force(peildatum)
        if voorstel is not None:
            law_after = ww.proposal(voorstel)
        else:
            law_after = ww.law_on(na) if na else ww.law_in_force(peildatum)
    except ww.ProposalError as exc:
        raise click.ClickException(str(exc)) from None
    # the registers first: without a named user the lists are refused before the work
    with _registers(settings) as session, _staging(settings) as con:
        _fresh(settings, con, peildatum, strict, "de uitkomsten van de vergelijking")
        comparison = ww.compare(con, peildatum, settings.gemeenten, law_before, law_after)
        people = ww.people(con, peildatum, (c.persoonsnummer for c in comparison.changes))
        rows = ww.change_rows(comparison, people)
        # names and addresses in a file: audited like a list shown
        trail(session).record_many(session, [AuditEvent("wetswijziging.listed", r["persoonsnummer"], None,
                                                        None, r["team"]) for r in rows])
    lines = ww.summary_lines(comparison)
    tables = [
        Table("Per signaal", (Column("signaal", "Signaal"), Column("voor", "Voor", "int"),
                              Column("na", "Na", "int"), Column("erbij", "Erbij", "int"),
                              Column("eraf", "Eraf", "int")),
              ww.per_signaal(comparison), notes=tuple(lines)),
        Table("Per gemeente", (Column("gemeente", "Gemeente"), Column("status_voor", "Status voor"),
                               Column("status_na", "Status na"), Column("aantal", "Aantal", "int")),
              ww.per_gemeente(comparison)),
        Table("Per leeftijd", (Column("leeftijd", "Leeftijd"), Column("signaal", "Signaal"),
                               Column("verandering", "Verandering"), Column("aantal", "Aantal", "int")),
              ww.per_leeftijd(comparison)),
    ]
    for team in (ww.TEAM_RMC, ww.TEAM_LEERPLICHT):
        note = f"Jongeren die door de wetswijziging bij het team {team} komen of eruit gaan."
        tables.append(Table(f"Lijst {team.split(' ')[0]}", LAW_CHANGE_LIST,
                            [r for r in rows if r["team"] == team], notes=(note,)))
    stem = f"wetswijziging-{peildatum.isoformat()}"
    paths = _write_tables(_out_dir(settings, out), stem, tables, fmt, "Wetswijziging",
                          f"Peildatum {format_date(peildatum)}: {law_before.label} tegenover "
                          f"{law_after.label}.")
    for line in lines:
        click.echo(line)
    _echo(paths)


VRIJSTELLING_COLUMNS = (
    Column("persoonsnummer", "Persoonsnummer"), Column("grondslag", "Grondslag"),
    Column("begindatum", "Begindatum", "date"), Column("einddatum", "Einddatum", "date"),
)


def _duo_vrijstellingen(path: Path) -> tuple[list[dict], list[dict]]:
    """DUO's view (its register as the gemeente downloads it, in the documented CSV): read through
    the import registry into a throwaway staging, so the register's own staging never holds it.
    Returns (rows, quarantined)."""
    import tempfile

    from connectors.deliveries import load
    from connectors.errors import RefusedFile
    from connectors.staging import Staging

    with tempfile.TemporaryDirectory() as folder, Staging(Path(folder) / "duo.duckdb") as staging:
        try:
            load(staging, path, "vrijstellingen")
        except RefusedFile as exc:
            raise click.ClickException(f"{path.name}: {exc}") from None
        rows = staging.con.execute(
            "SELECT persoonsnummer, grondslag, begindatum, einddatum FROM vrijstellingen_actueel").fetchall()
        quarantined = staging.quarantine()
    return ([dict(zip(("persoonsnummer", "grondslag", "begindatum", "einddatum"), row, strict=True))
             for row in rows], quarantined)


@report.command("vrijstellingen")
@click.option("--peildatum", type=DATUM, default=None,
              help="The vrijstellingen DUO must hold on this day: valid then or starting later "
                   "(default today).")
@click.option("--duo", "duo_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None,
              help="DUO's vrijstellingenregister of the gemeente (CSV, docs/formats.md §4.1): "
                   "reconcile with it.")
@_format_option
@_out_option
@by_option("reading")
@click.pass_context
def vrijstellingen_command(ctx: click.Context, peildatum: dt.date | None, duo_file: Path | None, fmt: str,
                           out: Path | None, by: str | None) -> None:
    """The vrijstellingen to register at DUO (a CSV), and with --duo the reconciliation with DUO's
    register: still to register, only at DUO, another einddatum (person-level: for the office)."""
    from reports.vrijstellingen_duo import afstemming, list_name, to_register, write_list

    settings = act_as(ctx, by)
    day = peildatum or dt.date.today()
    duo_rows, quarantined = _duo_vrijstellingen(duo_file) if duo_file else ([], [])
    with _registers(settings) as session:
        register = gather.vrijstellingen_for_duo(session, day)
    folder = _out_dir(settings, out)
    paths = [write_list(inside(folder, list_name(day)), register)]
    click.echo(f"{len(register)} vrijstelling(en) die DUO op {format_date(day)} moet hebben.", err=True)
    if duo_file is not None:
        result = afstemming(register, to_register(duo_rows, day))
        tables = [
            Table("Nog registreren bij DUO", VRIJSTELLING_COLUMNS, result.nog_registreren,
                  notes=("In het register van InBeeld, niet bij DUO: registreer in Mijn DUO of via het "
                         "administratiepakket. Tot dan telt DUO de jongere als niet vrijgesteld.",)),
            Table("Alleen bij DUO", VRIJSTELLING_COLUMNS, result.alleen_duo,
                  notes=("Bij DUO geregistreerd, niet in het register van InBeeld: leg vast of trek in "
                         "bij DUO.",)),
            Table("Andere einddatum",
                  [*VRIJSTELLING_COLUMNS, Column("einddatum_duo", "Einddatum bij DUO", "date")],
                  result.verschil),
            Table("In beide", VRIJSTELLING_COLUMNS, result.gelijk),
        ]
        notes = (f" {len(quarantined)} regel(s) van DUO's bestand niet gelezen (quarantaine)."
                 if quarantined else "")
        paths += _write_tables(folder, f"vrijstellingen-afstemming-{day.isoformat()}", tables, fmt,
                               "Afstemming vrijstellingen met DUO", f"Peildatum {format_date(day)}.{notes}")
        click.echo(f"Nog registreren: {len(result.nog_registreren)}, "
                   f"alleen bij DUO: {len(result.alleen_duo)}, andere einddatum: {len(result.verschil)}, "
                   f"in beide: {len(result.gelijk)}.{notes}", err=True)
    _echo(paths)
