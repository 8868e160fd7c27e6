"""The signal codes (docs/spec.md §4.2), the one place they are defined.

Kept apart from `rules.signals` (the DuckDB query) so that the registers' code lists and the command
line can name the signals without loading DuckDB and pyarrow.
"""

from __future__ import annotations

ABSOLUUT_VERZUIM = "ABSOLUUT_VERZUIM"
GEEN_INSCHRIJVING_RMC = "GEEN_INSCHRIJVING_RMC"
VSV = "VSV"
THUISZITTER = "THUISZITTER"
ONBEKEND_IN_BRP = "ONBEKEND_IN_BRP"
BIJNA_LEERPLICHTIG = "BIJNA_LEERPLICHTIG"
CONTROLE_GEBOORTEDATUM = "CONTROLE_GEBOORTEDATUM"
ONVOLLEDIGE_PERSOONSLIJST = "ONVOLLEDIGE_PERSOONSLIJST"
SIGNALS = (ABSOLUUT_VERZUIM, BIJNA_LEERPLICHTIG, CONTROLE_GEBOORTEDATUM, GEEN_INSCHRIJVING_RMC,
           ONBEKEND_IN_BRP, ONVOLLEDIGE_PERSOONSLIJST, THUISZITTER, VSV)

# Codes of earlier releases, still accepted where a person types a code (`--type`) and rewritten in the
# registers by migration 0006. GEEN_INSCHRIJVING_18_23 named the RMC ages of before 1 January 2026.
SIGNAL_ALIASES = {"GEEN_INSCHRIJVING_18_23": GEEN_INSCHRIJVING_RMC}

# The columns of a signal row (rules.signals.Signal, `inbeeld signals --format json`).
COLUMNS = ("signal", "persoonsnummer", "gemeentecode", "peildatum", "sinds", "status",
           "adres_in_onderzoek", "geheimhouding", "thuiszitter_lang")


def signal_code(code: str) -> str:
    """The current code for `code` (an alias of an earlier release, or any case); unknown codes unchanged."""
    text = code.strip().upper()
    return SIGNAL_ALIASES.get(text, text)
