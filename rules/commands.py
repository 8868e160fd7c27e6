"""`inbeeld status`: the Leerplichtwet status of one person, for people and scripts (docs/spec.md §7)."""

from __future__ import annotations

import json
from datetime import date

import click

from rules.date_option import DATUM
from rules.dates import PartialDate, format_nl
from rules.parameters import ParameterError
from rules.status import Status, StatusBereik, StatusCode, bepaal_status_onzeker


class _Geboortedatum(click.ParamType):
    name = "geboortedatum"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> PartialDate:
        if isinstance(value, PartialDate):
            return value
        try:
            return PartialDate.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _periode_nl(start: date | None, einde: date | None) -> str:
    if start is None or einde is None:
        return "niet van toepassing"
    return f"{format_nl(start)} t/m {format_nl(einde)}"


def _status_regels(status: Status) -> list[str]:
    return [
        f"Status:              {status.status.omschrijving}",
        f"Grondslag:           {status.grondslag}",
        f"Leerplicht:          {_periode_nl(status.leerplicht_start, status.leerplicht_einde)}",
        "Kwalificatieplicht:  "
        f"{_periode_nl(status.kwalificatieplicht_start, status.kwalificatieplicht_einde)}",
        f"RMC-doelgroep:       {_periode_nl(status.rmc_start, status.rmc_einde)}",
    ]


def samenvatting(bereik: StatusBereik, sk_datum: date | None) -> str:
    """The readable Dutch summary printed without --json."""
    g = bereik.geboortedatum
    lines = []
    if g.exact is not None:
        lines.append(f"Geboortedatum:       {format_nl(g.exact)}")
    else:
        lines.append(f"Geboortedatum:       {g.format_nl()} (onvolledig in de BRP: tussen "
                     f"{format_nl(g.earliest)} en {format_nl(g.latest)})")
    lines.append(f"Peildatum:           {format_nl(bereik.peildatum)}")
    if sk_datum is not None:
        lines.append(f"Startkwalificatie:   {format_nl(sk_datum)}")
    if g.exact is not None:
        lines.extend(_status_regels(bereik.vroegst))
    elif not bereik.controle_nodig:
        lines.append(f"Status:              {bereik.vroegst.status.omschrijving} "
                     "(bij elke mogelijke geboortedatum)")
        lines.append(f"Grondslag:           {bereik.vroegst.grondslag}")
    else:
        mogelijk = [s.omschrijving for s in StatusCode if s in bereik.mogelijke_statussen]
        lines.append("Status:              onzeker, mogelijk: " + "; ".join(mogelijk))
        lines.append("Controle nodig:      ja, stel de geboortedatum vast voordat er een brief uitgaat")
    if g.exact is None:
        lines.append(f"Bij vroegste geboortedatum ({format_nl(g.earliest)}): "
                     f"{bereik.status_vroegst.omschrijving}")
        lines.append(f"Bij laatste geboortedatum ({format_nl(g.latest)}): "
                     f"{bereik.status_laatst.omschrijving}")
    return "\n".join(lines)


@click.command("status")
@click.option("--geboortedatum", required=True, type=_Geboortedatum(),
              help="Birth date: jjjj-mm-dd, jjjjmmdd or dd-mm-jjjj; BRP partial dates such as 20100800, "
                   "2010 or 00000000 give the possible statuses and a review flag.")
@click.option("--peildatum", type=DATUM, default=None, help="Reference date (default: today).")
@click.option("--sk-datum", type=DATUM, default=None, help="Date the startkwalificatie was obtained.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a Dutch summary.")
def status(geboortedatum: PartialDate, peildatum: date | None, sk_datum: date | None, as_json: bool) -> None:
    """The Leerplichtwet status of one person on a peildatum (leerplicht, kwalificatieplicht, RMC),
    with the dates and the article it rests on."""
    peil = peildatum or date.today()
    try:
        bereik = bepaal_status_onzeker(geboortedatum, peil, sk_datum)
    except ParameterError as exc:
        raise click.BadParameter(str(exc), param_hint="'--peildatum'") from None
    if as_json:
        click.echo(json.dumps(bereik.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(samenvatting(bereik, sk_datum))
