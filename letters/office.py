"""The office a letter comes from, as configured: never a placeholder (issue 19).

A letter carries the office's letterhead, return and answer address, telephone and privacy statement,
and is signed by the person who works the case. Nothing of that is invented: what `[letters]` in
inbeeld.toml does not set is derived where the data allows it (the gemeente's name from the CBS table
when one gemeente is served, the talks' place from the visiting address, a desk's telephone from the
office's), and otherwise the letter is not written: `ready` refuses, naming the missing keys. The
weekly run then writes no letters and says why; they follow in the first run after the office is
configured (a due letter stays due).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from connectors.gemeenten import gemeentenamen
from inbeeld.settings import Afzender, LetterSettings
from registers.codes import LETTER_KIND_ALIASES, LetterKind
from registers.errors import Refused


class KantoorOnvolledig(Refused):
    """`[letters]` lacks what every letter prints (docs/configuration.md)."""


def ready(config: LetterSettings, gemeenten: Sequence[str] = ()) -> LetterSettings:
    """`config` with its derivable blanks filled; KantoorOnvolledig when a letter would need a key
    that is not set (so no letter ever shows a made-up office)."""
    kantoor = config.kantoor
    served = [code.zfill(4) for code in gemeenten]
    if not kantoor.gemeente.strip() and len(served) == 1 and served[0] in gemeentenamen():
        kantoor = replace(kantoor, gemeente=gemeentenamen()[served[0]])
    if not kantoor.gesprekslocatie.strip():
        kantoor = replace(kantoor, gesprekslocatie=kantoor.bezoekadres)
    desks = {name: replace(desk, telefoon=desk.telefoon.strip() or kantoor.telefoon)
             for name, desk in (("leerplicht", config.leerplicht), ("rmc", config.rmc))}
    config = replace(config, kantoor=kantoor, **desks)
    missing = config.ontbreekt()
    if missing:
        raise KantoorOnvolledig(
            "letters need the office's details in inbeeld.toml (docs/configuration.md, [letters]); not set: "
            + ", ".join(missing), code="kantoor_onvolledig", sleutels=", ".join(missing))
    _own_templates(config)
    return config


def _own_templates(config: LetterSettings) -> None:
    """An office's own template folder (`template_dir`) holds every letter's template: refused before
    a run writes anything, not at the first letter of a kind it lacks. A template under a kind's old
    name (`rmc_18_23.docx`) is named with the new one it should be renamed to."""
    if config.template_dir is None:
        return
    folder = config.template_dir
    missing = [kind.template for kind in LetterKind if not (folder / f"{kind.template}.docx").is_file()]
    if not missing:
        return
    old = {new: f"{former}.docx" for former, new in LETTER_KIND_ALIASES.items()}
    named = ", ".join(f"{old[name]} → {name}.docx" if name in old and (folder / old[name]).is_file()
                      else f"{name}.docx" for name in missing)
    raise KantoorOnvolledig(f"the letters' template folder {folder} lacks {named} (old → new: rename it)",
                            code="sjabloon_ontbreekt", map=str(folder), bestanden=named)


def desk_name(config: LetterSettings, rmc: bool) -> str:
    """Who a letter names when nobody is assigned: the desk's configured name, else the team's."""
    desk = config.rmc if rmc else config.leerplicht
    return desk.naam.strip() or config.kantoor.afdeling


def afzender(config: LetterSettings, rmc: bool, assigned: str | None = None,
             namen: Mapping[str, str] | None = None) -> Afzender:
    """The signer: the case's behandelaar by name (the user register's naam, else as the case has it)
    with the desk's function, phone and e-mail; else the desk as configured; else the team, without a
    function line ("Team Leerplicht en RMC", not "Team …, leerplichtambtenaar")."""
    desk = config.rmc if rmc else config.leerplicht
    if assigned:
        return replace(desk, naam=(namen or {}).get(assigned, assigned))
    if desk.naam.strip():
        return desk
    return replace(desk, naam=config.kantoor.afdeling, functie="")
