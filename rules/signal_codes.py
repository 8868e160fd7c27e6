"""The signals of docs/spec.md §4.2, each declared once: code, Dutch description, legal reference.

Every other place reads them from here: the registers' code list and reason labels
(`registers.codes`), the work lists and the web screens (their labels and which team works them),
the command line (`--type`), the what-if report and the oracle of `synthetic/`. The SQL of each
signal is `rules/signal_sql/<code>.sql` (`rules.signals`). Kept apart from `rules.signals` (the
DuckDB query) so that the registers and the command line can name the signals without loading
DuckDB and pyarrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Team = Literal["lpa", "rmc"]


@dataclass(frozen=True)
class SignalDefinition:
    """What a signal is: its code, what the screens call it, the law it rests on, and the dated
    parameters (rules/law) its SQL reads."""

    code: str
    omschrijving: str  # Dutch, as the screens, lists and letters name it
    grondslag: str  # the articles it rests on (docs/law.md "Signals"); "—" for a data-quality check
    team: Team | None = None  # the team an open signal gives the dossier; None keeps the dossier's team
    parameters: tuple[str, ...] = ()  # the dated values its SQL binds (rules/law)

    @property
    def sql_file(self) -> str:
        """The file under rules/signal_sql/ with the SELECT of this signal."""
        return f"{self.code.lower()}.sql"


#: Every signal, by code, in the order declared below.
DEFINITIONS: dict[str, SignalDefinition] = {}


def _declare(code: str, omschrijving: str, grondslag: str, team: Team | None = None,
             parameters: tuple[str, ...] = ()) -> str:
    if code in DEFINITIONS:
        raise ValueError(f"signal {code} is declared twice")
    DEFINITIONS[code] = SignalDefinition(code, omschrijving, grondslag, team, parameters)
    return code


ABSOLUUT_VERZUIM = _declare(
    "ABSOLUUT_VERZUIM", "Absoluut verzuim",
    "Leerplichtwet 1969 art. 2 lid 1 en art. 4a lid 1: leer- of kwalificatieplichtig en niet ingeschreven "
    "(zonder vrijstelling); de marges na het begin van de leerplicht en na vestiging zijn lokaal beleid",
    team="lpa", parameters=("marge_leerplicht_start", "marge_na_vestiging"))
GEEN_INSCHRIJVING_RMC = _declare(
    "GEEN_INSCHRIJVING_RMC", "Geen inschrijving (RMC, zonder startkwalificatie)",
    "Wet educatie en beroepsonderwijs titel 8.3 (art. 8.3.2, tot 2026); vanaf 1 januari 2026 hoofdstuk 9 "
    "titel 9.2 (art. 9.2.5, Doorstroompuntfunctie)",
    team="rmc")
VSV = _declare(
    "VSV", "Voortijdig schoolverlater",
    "CBS/DUO-definitie voortijdig schoolverlater (jonger dan vsv_leeftijd, "
    "rules/law/definities/cbs_duo.toml); wettelijk WEB art. 8.3.1 (tot 2026), titel 9.2 (vanaf 2026)",
    team="rmc", parameters=("vsv_leeftijd",))
THUISZITTER = _declare(
    "THUISZITTER", "Thuiszitter",
    "Kamerbrief thuiszitters, Kamerstuk 26 695 nr. 108 §1: langdurig relatief verzuim en absoluut verzuim; "
    "de wachttijd bij absoluut verzuim is lokaal beleid",
    parameters=("thuiszitter_drempel", "thuiszitter_wachttijd_absoluut_verzuim", "thuiszitter_lang"))
ONBEKEND_IN_BRP = _declare(
    "ONBEKEND_IN_BRP", "Onbekend in BRP",
    "— (gegevenskwaliteit: een inschrijving met een van onze gemeenten als woongemeente, zonder ingezetene)")
BIJNA_LEERPLICHTIG = _declare(
    "BIJNA_LEERPLICHTIG", "Bijna leerplichtig",
    "Leerplichtwet 1969 art. 3 lid 1 en art. 6 lid 2 onder a (kennisgeving ten minste een maand voordat "
    "de leerplicht begint); het venster is lokaal beleid",
    team="lpa", parameters=("bijna_leerplichtig_venster",))
CONTROLE_GEBOORTEDATUM = _declare(
    "CONTROLE_GEBOORTEDATUM", "Controle geboortedatum",
    "— (gegevenskwaliteit: een geboortedatum met onbekende dag of maand laat meer dan één status open)")
ONVOLLEDIGE_PERSOONSLIJST = _declare(
    "ONVOLLEDIGE_PERSOONSLIJST", "Onvolledige persoonslijst",
    "— (gegevenskwaliteit: een fout in een gegeven van de persoonslijst dat de wet nodig heeft, "
    "docs/spec.md §6)")

#: The codes, sorted (the order of the signal output and the registers' code list).
SIGNALS = tuple(sorted(DEFINITIONS))
#: The signals RMC / the Doorstroompunt works, and those that give a dossier to the leerplichtambtenaar.
RMC_SIGNALS = frozenset(code for code, d in DEFINITIONS.items() if d.team == "rmc")
LEERPLICHT_SIGNALS = frozenset(code for code, d in DEFINITIONS.items() if d.team == "lpa")

# Codes of earlier releases, still accepted where a person types a code (`--type`) and rewritten in the
# registers by migration 0006. GEEN_INSCHRIJVING_18_23 named the RMC ages of before 1 January 2026.
SIGNAL_ALIASES = {"GEEN_INSCHRIJVING_18_23": GEEN_INSCHRIJVING_RMC}

# The columns of a signal row (rules.signals.SignalRow, `inbeeld signals --format json`).
COLUMNS = ("signal", "persoonsnummer", "gemeentecode", "peildatum", "sinds", "status",
           "adres_in_onderzoek", "geheimhouding", "thuiszitter_lang")


def signal_code(code: str) -> str:
    """The current code for `code` (an alias of an earlier release, or any case); unknown codes unchanged."""
    text = code.strip().upper()
    return SIGNAL_ALIASES.get(text, text)


def omschrijving(code: str) -> str:
    """The Dutch name of a signal (the code itself for one that is not a signal)."""
    found = DEFINITIONS.get(code)
    return found.omschrijving if found else code
