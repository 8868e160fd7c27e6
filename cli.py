"""The `inbeeld` command: one entry point for scripts, cron and people.

Each area keeps its click commands in its own `commands.py` (thin wrappers over plain
functions); this module only assembles them. Exit status: 0 success, 1 refused input,
2 usage error.
"""

from __future__ import annotations

import click

from inbeeld.settings import load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--data-dir", type=click.Path(file_okay=False), default=None,
              help="Data directory (staging, registers, letters, reports). Env: INBEELD_DATA_DIR.")
@click.option("--db-url", default=None, help="Register database URL. Env: INBEELD_DB_URL.")
@click.option("--gemeenten", default=None,
              help="Municipality codes served, comma separated. Env: INBEELD_GEMEENTEN.")
@click.option("--by", "gebruiker", default=None, metavar="LOGIN",
              help="The named user acting (actions and readings are recorded under it). "
                   "Env: INBEELD_GEBRUIKER.")
@click.version_option(package_name="inbeeld")
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, db_url: str | None, gemeenten: str | None,
         gebruiker: str | None) -> None:
    """InBeeld: leerplicht and RMC administration for Dutch municipalities.

    Loads the weekly BRP and DUO deliveries, applies the Leerplichtwet on a peildatum, finds
    absoluut verzuim and early school leavers, and keeps the cases, registers, letters and figures.
    """
    ctx.obj = load_settings(data_dir=data_dir, db_url=db_url, gemeenten=gemeenten, gebruiker=gebruiker)


def _register_commands() -> None:
    """Attach each area's commands (imported here so `inbeeld --help` stays one place)."""
    from connectors.commands import import_group, quarantine_group
    from connectors.duo_commands import register as register_duo_commands
    from letters.commands import letters_group
    from pipelines.commands import demo, run_command, serve_command
    from pipelines.retention_commands import retention
    from registers.audit_commands import audit
    from registers.commands import cases, signals, verzuim, vrijstelling
    from registers.gebruiker_commands import gebruiker
    from reports.commands import report
    from rules.commands import status

    register_duo_commands(import_group)
    commands: list[click.Command] = [status, demo, import_group, quarantine_group, signals, cases,
                                     vrijstelling, verzuim, letters_group, report, run_command, serve_command,
                                     retention, audit, gebruiker]
    for command in commands:
        main.add_command(command)


_register_commands()

if __name__ == "__main__":
    main()
