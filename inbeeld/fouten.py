"""The command line's errors in Dutch: `Fout: …` for click's `Error: …` (issue 14 item 9).

click writes its own errors (an unknown option, a missing argument, a value its type refuses) in
English, and prefixes every error, ours too, with `Error:`. The root group (cli.py) hands every
`click.ClickException` to `in_dutch`, which keeps the exception's exit status (1, or 2 for a usage
error: docs/running.md) and shows it as `Fout: …`, the messages of click users meet said in Dutch
(`TEKSTEN`, by click's English wording; a message not in it keeps its words, never the English
prefix). Our own messages pass unchanged: they are worded in Dutch where they are raised.
A command broken off (Ctrl-C, the end of input at a prompt) says `Afgebroken.` instead of click's
`Aborted!` (`Afgebroken`, exit status 1 as click's). `--help` stays as it is.
tests/test_cli_fouten.py runs each message through the command line.
"""

from __future__ import annotations

import re
from typing import IO, Any

import click

#: A message that wraps another (a type's own message): the last group is said in Dutch in turn.
OMHULSELS: tuple[tuple[str, str], ...] = (
    (r"Invalid value for (.+?): (.*)", "ongeldige waarde voor {0}: {1}"),
    (r"Invalid value: (.*)", "ongeldige waarde: {0}"),
)
#: click's wording (8.x as constraints.txt pins it) → the Dutch a user reads; `{0}`, `{1}` are the
#: pattern's groups, and a group naming a kind of path (File …) is said as WOORDEN says it.
TEKSTEN: tuple[tuple[str, str], ...] = (
    (r"Missing argument (.+?)\.", "het argument {0} ontbreekt."),
    (r"Missing option (.+?)\.", "de optie {0} ontbreekt."),
    (r"Missing parameter:? (.+?)\.?", "de waarde {0} ontbreekt."),
    (r"Missing command\.", "geef een opdracht."),
    (r"No such option:? (.+?)\.?", "onbekende optie {0}."),
    (r"No such command:? (.+?)\.?", "onbekende opdracht {0}."),
    (r"Got unexpected extra arguments? \((.*)\)", "te veel argumenten: {0}."),
    (r"Option (.+?) requires an argument\.", "bij de optie {0} hoort een waarde."),
    (r"Option (.+?) requires (\d+) arguments\.", "bij de optie {0} horen {1} waarden."),
    (r"Option (.+?) does not take a value\.", "de optie {0} neemt geen waarde."),
    (r"(.+?) is not one of (.+)\.", "{0} kan niet: kies uit {1}."),
    (r"(.+?) is not a valid integer\.", "{0} is geen geheel getal."),
    (r"(.+?) is not a valid float\.", "{0} is geen getal."),
    (r"(.+?) is not a valid boolean\. Recognized values: (.*)", "{0} is geen ja of nee; mogelijk: {1}."),
    (r"(.+?) is not in the range (.+)\.", "{0} ligt niet in het bereik {1}."),
    (r"(.+?) does not match the formats? (.+)\.", "{0} heeft niet de vorm {1}."),
    (r"(File|Directory|Path) (.+?) does not exist\.", "{0} {1} bestaat niet."),
    (r"(File|Directory|Path) (.+?) is a file\.", "{0} {1} is een bestand, geen map."),
    (r"(File|Directory|Path) (.+?) is a directory\.", "{0} {1} is een map, geen bestand."),
    (r"(File|Directory|Path) (.+?) is not readable\.", "{0} {1} is niet leesbaar."),
    (r"(File|Directory|Path) (.+?) is not writable\.", "{0} {1} is niet schrijfbaar."),
    (r"Could not open file (.+?): (.*)", "het bestand {0} kan niet worden geopend: {1}"),
)
WOORDEN = {"File": "het bestand", "Directory": "de map", "Path": "het pad"}
#: What click adds at the end of a message: a guess at what was meant, the choices of a missing value.
TOEVOEGINGEN: tuple[tuple[str, str], ...] = (
    (r"\s*\(Did you mean one of: (.+)\?\)", "Bedoelt u een van: {0}?"),
    (r"\s*Did you mean (.+)\?", "Bedoelt u {0}?"),
    (r"\s*Choose from:\s*(.*)", "Kies uit: {0}."),
)
_OMHULSELS = tuple((re.compile(p, re.S), nl) for p, nl in OMHULSELS)
_TEKSTEN = tuple((re.compile(p, re.S), nl) for p, nl in TEKSTEN)
_TOEVOEGINGEN = tuple((re.compile(p + "$", re.S), nl) for p, nl in TOEVOEGINGEN)


def nederlands(message: str) -> str:
    """click's English `message` in Dutch; a message TEKSTEN does not know keeps its words."""
    ending = ""
    for pattern, dutch in _TOEVOEGINGEN:
        found = pattern.search(message)
        if found:
            ending = " " + dutch.format(re.sub(r",\s+", ", ", found.group(1).strip()))
            message = message[:found.start()]
            break
    text = _said(message)
    return (text[:1].upper() + text[1:] if text != message else message) + ending


def _said(message: str) -> str:
    for pattern, dutch in _OMHULSELS:
        found = pattern.fullmatch(message)
        if found:
            *groups, inner = found.groups()
            return dutch.format(*groups, _said(inner))
    for pattern, dutch in _TEKSTEN:
        found = pattern.fullmatch(message)
        if found:
            return dutch.format(*(WOORDEN.get(group, group) for group in found.groups()))
    return message


class Fout(click.ClickException):
    """A ClickException shown in Dutch, with the exit status of the one it stands for."""

    def __init__(self, original: click.ClickException) -> None:
        super().__init__(original.format_message())
        self.original = original
        self.exit_code = original.exit_code  # 2 for a usage error, 1 otherwise (docs/running.md)

    def show(self, file: IO[Any] | None = None) -> None:
        ctx = getattr(self.original, "ctx", None)
        if isinstance(self.original, click.UsageError) and ctx is not None:
            usage = ctx.get_usage()
            if usage.startswith("Usage:"):
                usage = "Gebruik:" + usage[len("Usage:"):]
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                names = ctx.command.get_help_option_names(ctx)
                hint = f"Zie '{ctx.command_path} {max(names, key=len)}' voor hulp.\n"
            click.echo(f"{usage}\n{hint}", file=file, err=file is None, color=ctx.color)
        click.echo(f"Fout: {nederlands(self.message)}", file=file, err=file is None, color=self.show_color)


class Afgebroken(click.ClickException):
    """The command was broken off by the user: `Afgebroken.` on stderr, exit status 1 (click: `Aborted!`)."""

    def __init__(self) -> None:
        super().__init__("Afgebroken.")

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.message, file=file, err=file is None)


def in_dutch(exc: click.ClickException) -> click.ClickException:
    """`exc` as the command line shows it: in Dutch, with its exit status. One that shows itself its
    own way (a group called without a command shows its help) is left as it is."""
    own_way = type(exc).show not in (click.ClickException.show, click.UsageError.show)
    return exc if own_way or isinstance(exc, Fout) else Fout(exc)
