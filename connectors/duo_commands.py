"""`inbeeld import duo | verzuim | vrijstellingen`: thin click wrappers over the import registry.

Why thin: cron and the weekly flow load files through the same `connectors.deliveries.load`; the
commands only name the kind, print the summary in Dutch (rows read, loaded, quarantined, what
changed since the previous delivery) and map the outcome to the exit status of docs/spec.md §7: 0
loaded or already loaded, 1 refused (file, line and field named on stderr), 2 usage error. Person numbers are
never printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from connectors.deliveries import DUO_CODES, KINDS, load
from connectors.errors import RefusedFile, StagingLocked, refusal_lines
from connectors.mappings import MappingError
from connectors.progress import file_progress
from connectors.staging import ImportResult, Staging
from inbeeld.getallen import getal
from inbeeld.settings import Settings, load_settings

ENCODINGS = click.Choice(["auto", "utf-8", "cp1252"], case_sensitive=False)
PROGRESS = click.option("--progress/--no-progress", default=None,
                        help="Progress bar for large files (default: when stderr is a terminal).")


def _settings(ctx: click.Context) -> Settings:
    obj = ctx.find_object(Settings)
    return obj if obj is not None else load_settings()


def _encoding(value: str) -> str | None:
    return None if value.lower() == "auto" else value.lower()


def _refused(exc: Exception) -> None:
    """The same two lines `inbeeld import brp` prints: the fault (file, line, field), and no change."""
    click.echo(refusal_lines(exc), err=True)


TOTALS = ("enrolments", "persons", "rows", "aantal_vsv")
#: The summary's keys (kept in English in staging's `imports.summary`) as the summary line says them.
LABELS = {"added": "nieuw", "removed": "vervallen", "changed": "gewijzigd", "updated": "bijgewerkt",
          "unchanged": "ongewijzigd", "with_einddatum": "met einddatum", "mutations": "mutaties",
          "soort_verzuim": "soort verzuim", "enrolments": "inschrijvingen", "persons": "personen",
          "rows": "regels", "aantal_vsv": "vsv'ers"}


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " "))


def _describe_changes(summary: dict) -> str:
    """'; sinds de vorige levering: nieuw 3, gewijzigd 1; totaal: inschrijvingen 5' (counts only)."""
    changes = [f"{_label(key)} {getal(value)}" for key, value in summary.items()
               if isinstance(value, int) and key not in TOTALS and not key.startswith("previous")]
    changes += [f"{_label(key)} " + ", ".join(f"{k} {getal(v)}" for k, v in value.items())
                for key, value in summary.items() if isinstance(value, dict) and value]
    totals = [f"{_label(key)} {getal(summary[key])}" for key in TOTALS if key in summary]
    text = "; sinds de vorige levering: " + ", ".join(changes) if changes else ""
    return text + ("; totaal: " + ", ".join(totals) if totals else "")


def _report(result: ImportResult, st: Staging) -> None:
    label = KINDS[result.kind].label
    if result.status == "duplicate":
        click.echo(f"{result.file_name}: {label}, dezelfde inhoud als import {result.duplicate_of}, "
                   "al ingelezen; er is niets veranderd.")
        return
    click.echo(f"{result.file_name}: {label} ingelezen als import {result.import_id}; regels: "
               f"{getal(result.rows_read)} gelezen, {getal(result.rows_loaded)} ingelezen, "
               f"{getal(result.rows_quarantined)} in quarantaine" + _describe_changes(result.summary))
    if result.rows_quarantined:
        reasons = st.con.execute(
            "SELECT field, reason, count(*) FROM quarantine WHERE import_id = ? GROUP BY ALL "
            "ORDER BY 3 DESC, 1 LIMIT 5", [result.import_id]
        ).fetchall()
        for field, reason, count in reasons:
            click.echo(f"  in quarantaine {getal(count)} × {field}: {reason}")
        click.echo(f"  alles: inbeeld quarantine list --import {result.import_id}")


def _run(ctx: click.Context, files: list[Path], kind: str, family: str, encoding: str,
         mapping: Path | None, progress: bool | None) -> None:
    """Load each file in order as `kind` ('auto': by name and header); exit 1 if any was refused."""
    settings = _settings(ctx)
    show = sys.stderr.isatty() if progress is None else progress
    refused = 0
    try:
        with Staging(settings.staging_path, gemeenten=settings.gemeenten) as st:
            for path in files:
                try:
                    with file_progress(path, show, con=st.con):
                        result = load(st, path, kind, family=family, encoding=_encoding(encoding),
                                      mapping=mapping)
                except RefusedFile as exc:
                    _refused(exc)
                    refused += 1
                    continue
                _report(result, st)
    except StagingLocked as exc:
        _refused(exc)
        ctx.exit(1)
    except MappingError as exc:
        raise click.UsageError(str(exc)) from exc
    if refused:
        ctx.exit(1)


@click.command("duo")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["auto", *DUO_CODES], case_sensitive=False), default="auto",
              show_default=True,
              help="C-levering, P-levering or monthly report; auto: by file name and header.")
@click.option("--encoding", type=ENCODINGS, default="auto", show_default=True,
              help="Declare the encoding (cp1252 is also detected).")
@click.option("--mapping", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="A municipality's own copy of the declared mapping (connectors/mappings/duo_*.toml).")
@PROGRESS
@click.pass_context
def import_duo(ctx: click.Context, file: Path, kind: str, encoding: str, mapping: Path | None,
               progress: bool | None) -> None:
    """Load a DUO C-levering, P-levering or report (A01, A02, A04, A05, A06, A14, NRSP, NenR) into staging.

    A C-levering replaces the enrolment state (a duplicate key refuses it); a P-levering applies
    its T/W/V mutations to the state left by the deliveries before it. Bad rows are quarantined;
    a broken file is refused whole (exit 1). The same file twice is a no-op.
    """
    chosen = "auto" if kind.lower() == "auto" else f"duo_{kind.lower()}"
    _run(ctx, [file], chosen, "duo", encoding, mapping, progress)


@click.command("verzuim")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--encoding", type=ENCODINGS, default="auto", show_default=True,
              help="Declare the encoding when the XML declaration does not.")
@click.option("--mapping", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="A municipality's own copy of connectors/mappings/verzuimmelding.toml.")
@PROGRESS
@click.pass_context
def import_verzuim(ctx: click.Context, source: Path, encoding: str, mapping: Path | None,
                   progress: bool | None) -> None:
    """Load verzuimmeldingen XML: one file, or every *.xml in a folder (in name order).

    Each file is validated against connectors/schemas/verzuimmelding.xsd and refused whole when it
    is not valid; a melding with a bad person number, date or soort verzuim is quarantined.
    """
    files = [source]
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix.lower() == ".xml")
    if not files:
        _refused(RefusedFile(source, None, None, "er staan geen .xml-bestanden in deze map"))
        ctx.exit(1)
    _run(ctx, files, "verzuim", "verzuim", encoding, mapping, progress)


@click.command("vrijstellingen")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--encoding", type=ENCODINGS, default="auto", show_default=True,
              help="Declare the encoding (cp1252 is also detected).")
@click.option("--mapping", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="A municipality's own copy of connectors/mappings/vrijstellingen.toml.")
@PROGRESS
@click.pass_context
def import_vrijstellingen(ctx: click.Context, file: Path, encoding: str, mapping: Path | None,
                          progress: bool | None) -> None:
    """Load a vrijstellingen CSV (PERSOONSGEBONDENNUMMER;GRONDSLAG;BEGINDATUM;EINDDATUM[;TOELICHTING]).

    GRONDSLAG must be one of LPW_5_A, LPW_5_B, LPW_5_C, LPW_5A, LPW_3A, LPW_3B, LPW_15; an unknown
    ground or an EINDDATUM before BEGINDATUM is quarantined.
    """
    _run(ctx, [file], "vrijstellingen", "vrijstellingen", encoding, mapping, progress)


#: `inbeeld import duo|verzuim|vrijstellingen`: cli.PARTS attaches them to the import group.
COMMANDS = (import_duo, import_verzuim, import_vrijstellingen)
