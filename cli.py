"""The `inbeeld` command: one entry point for scripts, cron and people.

Each area keeps its click commands in its own `commands.py` (thin wrappers over plain
functions); this module only names them. A command's module is imported when the command runs,
not before, so `inbeeld --help` and `inbeeld status` answer without loading DuckDB, pandas or
Prefect. Exit status: 0 success, 1 refused input or a failed run, 2 usage error (docs/running.md).
The console script is `run`: `main` with the garbage collector kept out of the way of the imports.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Callable
from typing import Any

import click

from inbeeld.acting_user import by_option
from inbeeld.fouten import Afgebroken, in_dutch

#: Every command: name → (module:attribute, the one-line help `inbeeld --help` shows).
#: Add a command with one line; tests/test_cli_lazy.py checks the help against the command's own.
COMMANDS: dict[str, tuple[str, str]] = {
    "status": ("rules.commands:status", "The Leerplichtwet status of one person on a peildatum (leerplicht, "
               "kwalificatieplicht, RMC), with the dates and the article it rests on."),
    "demo": ("pipelines.commands:demo", "Generate a synthetic municipality and run the weekly job on it."),
    "import": ("connectors.commands:import_group",
               "Load a delivery into staging: one transaction per file, all of it or nothing."),
    "quarantine": ("connectors.commands:quarantine_group", "Rows kept out of staging because of a "
                   "row-level fault, with file, line, field and reason."),
    "signals": ("registers.commands:signals", "The signals (docs/spec.md §4.2) on a peildatum, over the "
                "staged deliveries and the vrijstellingen register."),
    "cases": ("registers.commands:cases",
              "Dossiers: one per young person, with their reasons; list, show, record steps, assign, close."),
    "zoek": ("registers.zoek_commands:zoek_command",
             "Find a person by name, BSN / onderwijsnummer, a letter's kenmerk or postcode + huisnummer."),
    "persoon": ("registers.zoek_commands:persoon",
                "A person's card: BRP, school history, dossiers, letters, meldingen, vrijstellingen."),
    "vrijstelling": ("registers.commands:vrijstelling",
                     "Vrijstellingen: add, end, list and import exemptions (grounds of docs/spec.md §4.4)."),
    "verzuim": ("registers.commands:verzuim",
                "Verzuimmeldingen: list, handle (status for DUO) and export the feedback XML."),
    "agenda": ("registers.agenda_commands:agenda",
               "The agenda of each LPA and counsellor: free slots, appointments, plan, rebook, cancel."),
    "letters": ("letters.commands:letters_group",
                "Letters to parents and young people: the letter run and the letter log."),
    "report": ("reports.commands:report",
               "Work lists, VSV figures, the Leerplichttelling and KPIs as .xlsx, .csv or HTML."),
    "run": ("pipelines.commands:run_command",
            "Run one flow once (weekly, monthly, daily, verzuim-sync), with no server to manage."),
    "serve": ("pipelines.commands:serve_command",
              "Run the flows on their schedules (Prefect) until stopped."),
    "retention": ("pipelines.retention_commands:retention",
                  "Retention: destroy what has passed its term (registers, staging, audit trail)."),
    "doctor": ("pipelines.commands:doctor", "Check the installation: settings, register database, staging, "
               "disk, LibreOffice, Chromium, Prefect, the verzuim certificate."),
    "gebruiker": ("registers.gebruiker_commands:gebruiker",
                  "Named users: add, list, disable (roles lpa, rmc, administratie, beleid, beheer)."),
    "audit": ("registers.audit_commands:audit", "The audit trail: who read or changed which person's data "
              "(beheer)."),
    "web": ("web.commands:web_command",
            "The work screen in a browser: inbox, search, dossiers, work lists, figures and beheer."),
}

#: Subcommands of a group kept in another module, attached here when the group loads (no command
#: module imports another: tests/test_layers.py). module:attribute names a command or a list of them.
PARTS: dict[str, tuple[str, ...]] = {
    "import": ("connectors.duo_commands:COMMANDS",),  # import duo|verzuim|vrijstellingen
    "demo": ("synthetic.commands:generate_command",),  # demo generate
}


def _attribute(path: str) -> object:
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


def load_command(name: str) -> click.Command:
    """The command registered as `name`, its module imported now (with its PARTS)."""
    command = _attribute(COMMANDS[name][0])
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name][0]} is not a click command")
    for part in PARTS.get(name, ()):
        found = _attribute(part)
        for sub in found if isinstance(found, list | tuple) else [found]:
            if isinstance(command, click.Group) and sub.name not in command.commands:
                command.add_command(sub)
    return command


class LazyGroup(click.Group):
    """A group whose commands are imported only when one of them runs (or shows its own help).

    Every error of click's on the way, in parsing the arguments or raised by a command, reaches the
    user in Dutch (`inbeeld.fouten`: `Fout: …`, the same exit status), and a command broken off says
    `Afgebroken.`."""

    #: Called when a command's module has been imported (`run` sets it).
    after_load: Callable[[], None] | None = None

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            raise in_dutch(exc) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            raise in_dutch(exc) from exc
        except click.Abort as exc:
            raise Afgebroken() from exc
        except (EOFError, KeyboardInterrupt) as exc:
            click.echo(err=True)  # ends the terminal's ^C line, as click does
            raise Afgebroken() from exc

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command = load_command(cmd_name)
        if self.after_load is not None:
            self.after_load()
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from COMMANDS, without importing a command module."""
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Data directory (staging, registers, letters, reports). Env: INBEELD_DATA_DIR.")
@click.option("--db-url", default=None, help="Register database URL. Env: INBEELD_DB_URL.")
@click.option("--gemeenten", default=None,
              help="Municipality codes served, comma separated. Env: INBEELD_GEMEENTEN.")
@by_option("acting (actions and readings are recorded under it)", everywhere=True)
@click.version_option(package_name="inbeeld")
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, db_url: str | None, gemeenten: str | None,
         by: str | None) -> None:
    """InBeeld: leerplicht and RMC administration for Dutch municipalities.

    Loads the weekly BRP and DUO deliveries, applies the Leerplichtwet on a peildatum, finds
    absoluut verzuim and early school leavers, and keeps the cases, registers, letters and figures.
    Settings: the options below, the environment, and inbeeld.toml (docs/configuration.md).
    """
    from inbeeld.settings import SettingsError, keep_files_private, load_settings
    from rules.parameters import ParameterError, use_settings

    keep_files_private()

    given = {"data_dir": data_dir, "db_url": db_url, "gemeenten": gemeenten, "gebruiker": by}
    try:
        ctx.obj = load_settings(**given)
        use_settings(ctx.obj)  # the gemeente's local policy ([beleid]) for every rule of this command
    except (SettingsError, ParameterError) as exc:
        if ctx.invoked_subcommand != "doctor":  # the doctor reports it as one of its lines
            raise click.ClickException(str(exc)) from None
        ctx.meta["settings_error"] = exc
        ctx.meta["settings_args"] = given


def _keep_loaded() -> None:
    """What the imports built lives as long as the process: out of the collector's sight, which is on
    again for what the command makes."""
    gc.freeze()
    gc.enable()


def run() -> None:
    """The console script `inbeeld` (pyproject.toml): `main`, with the garbage collector off while the
    command's modules load and those modules frozen out of its way after (gc.freeze). Walking them,
    again and again while they load and in the full collections at exit, was a quarter of a short
    command's CPU (`cases show`: 0.15 of 0.6 s, docs/performance.md). Tests call `main` itself."""
    gc.disable()
    main.after_load = _keep_loaded
    try:
        main()
    finally:
        if "duckdb" in sys.modules:  # its objects must be collected at exit, or nanobind reports leaks
            gc.unfreeze()


if __name__ == "__main__":
    run()
