"""The code lists the registers store: every status, reason and action is enumerated, never free text.

The values are what the database holds (checked there too), so renaming a member is harmless but
changing a value needs a migration.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from registers.errors import Refused
from rules.signal_codes import (  # noqa: F401 (LEERPLICHT_SIGNALS, RMC_SIGNALS: the registers' names for them)
    DEFINITIONS,
    LEERPLICHT_SIGNALS,
    RMC_SIGNALS,
    SIGNALS,
    signal_code,
)

E = TypeVar("E", bound=StrEnum)


def parse_code(enum: type[E], value: object, what: str) -> E:
    """The member for a code typed by a person or read from a file (`In behandeling`, `lrv`, `LPW_5_A`);
    Refused with the valid codes otherwise."""
    if isinstance(value, enum):
        return value
    text = str(value).strip()
    for candidate in (text, text.lower(), text.upper(), text.lower().replace(" ", "_").replace("-", "_")):
        try:
            return enum(candidate)
        except ValueError:
            continue
    raise Refused(f"unknown {what} {value!r}; use one of: {', '.join(m.value for m in enum)}")


# The signals of docs/spec.md §4.2 (and the manual-review signal of docs/formats.md §5.1) cases are for:
# the codes are those of the matching (rules.signal_codes, the one place they are defined).
# A dossier's reasons are these signals and the verzuimmeldingen DUO routes to the gemeente.
VERZUIMMELDING = "VERZUIMMELDING"
ReasonCode = StrEnum("ReasonCode", [(code, code) for code in (*SIGNALS, VERZUIMMELDING)])
# The Dutch names are those of the signals' declaration (rules.signal_codes); RMC_SIGNALS (the reasons
# RMC works) and LEERPLICHT_SIGNALS (those that give a dossier to the leerplichtambtenaar) too.
REASON_LABELS = {code: definition.omschrijving for code, definition in DEFINITIONS.items()} | {
    VERZUIMMELDING: "Verzuimmelding"}


def parse_signal(value: object) -> ReasonCode:
    """The signal for a code typed by a person; an earlier release's code (GEEN_INSCHRIJVING_18_23) too."""
    code = value if isinstance(value, ReasonCode) else signal_code(str(value))
    return parse_code(ReasonCode, code, "signal type")


class Rol(StrEnum):
    """The roles of docs/spec.md §6/§7: what a named user may do (PostgreSQL: the role it maps to)."""

    LPA = "lpa"
    RMC = "rmc"
    ADMINISTRATIE = "administratie"
    BELEID = "beleid"
    BEHEER = "beheer"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Team(StrEnum):
    """Who works a dossier: the leerplichtambtenaar, or RMC / the Doorstroompunt from 18."""

    LPA = "lpa"
    RMC = "rmc"


class CloseReason(StrEnum):
    """Why a case closed (docs/spec.md §4.3): the signal's disappearance explained, or a hand decision."""

    INSCHRIJVING_GEVONDEN = "inschrijving_gevonden"
    VRIJSTELLING = "vrijstelling"
    VERHUISD = "verhuisd"
    ACHTTIEN_GEWORDEN = "achttien_geworden"
    DRIEENTWINTIG_GEWORDEN = "drieentwintig_geworden"  # kept for cases closed before 2026 (migration 0006)
    RMC_LEEFTIJD_BEREIKT = "rmc_leeftijd_bereikt"  # the RMC age of the law on the day (23; 27 from 2026)
    STARTKWALIFICATIE = "startkwalificatie"
    OVERLEDEN = "overleden"
    GEEMIGREERD = "geemigreerd"
    BRP_GECORRIGEERD = "brp_gecorrigeerd"
    SIGNAAL_VERVALLEN = "signaal_vervallen"
    HANDMATIG = "handmatig"
    # Revision 0012: reasons that end inside a dossier that goes on.
    CONVENANTJAAR_VOORBIJ = "convenantjaar_voorbij"
    LEERPLICHTIG_GEWORDEN = "leerplichtig_geworden"
    VERZUIM_BEEINDIGD = "verzuim_beeindigd"
    MELDING_AFGESLOTEN = "melding_afgesloten"

    @property
    def label(self) -> str:
        return _CLOSE_REASON_LABELS[self]


_CLOSE_REASON_LABELS = {
    CloseReason.INSCHRIJVING_GEVONDEN: "inschrijving gevonden",
    CloseReason.VRIJSTELLING: "vrijstelling geregistreerd",
    CloseReason.VERHUISD: "verhuisd naar een andere gemeente",
    CloseReason.ACHTTIEN_GEWORDEN: "18 jaar geworden",
    CloseReason.DRIEENTWINTIG_GEWORDEN: "23 jaar geworden",
    CloseReason.RMC_LEEFTIJD_BEREIKT: "RMC-leeftijd bereikt (23 jaar, vanaf 1 januari 2026: 27 jaar)",
    CloseReason.STARTKWALIFICATIE: "startkwalificatie behaald",
    CloseReason.OVERLEDEN: "overleden",
    CloseReason.GEEMIGREERD: "geëmigreerd",
    CloseReason.BRP_GECORRIGEERD: "BRP-gegevens gecorrigeerd",
    CloseReason.SIGNAAL_VERVALLEN: "signaal vervallen (reden onbekend)",
    CloseReason.HANDMATIG: "handmatig gesloten",
    CloseReason.CONVENANTJAAR_VOORBIJ: "convenantjaar voorbij; nog zonder inschrijving, RMC loopt door",
    CloseReason.LEERPLICHTIG_GEWORDEN: "leerplichtig geworden; absoluut verzuim loopt door",
    CloseReason.VERZUIM_BEEINDIGD: "langdurig verzuim beëindigd",
    CloseReason.MELDING_AFGESLOTEN: "verzuimmelding afgehandeld",
}


class ActionType(StrEnum):
    """The dated steps on a case's timeline (docs/spec.md §4.3); the sync writes `geopend`/`bijgewerkt`."""

    GEOPEND = "geopend"
    BIJGEWERKT = "bijgewerkt"
    BRIEF_VERSTUURD = "brief_verstuurd"
    ANTWOORD_ONTVANGEN = "antwoord_ontvangen"
    HUISBEZOEK = "huisbezoek"
    GESPREK = "gesprek"
    WAARSCHUWING = "waarschuwing"
    HALT_VERWIJZING = "halt_verwijzing"
    PROCES_VERBAAL = "proces_verbaal"
    DOORVERWIJZING = "doorverwijzing"
    NOTITIE = "notitie"
    GESLOTEN = "gesloten"
    # Revision 0012
    OVERGEDRAGEN = "overgedragen"
    OVERLEG = "overleg"
    ONDERZOEK = "onderzoek"
    BEOORDEELD = "beoordeeld"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]

    @property
    def is_system(self) -> bool:
        """Written by the case sync, never entered by hand."""
        return self in (ActionType.GEOPEND, ActionType.BIJGEWERKT, ActionType.OVERGEDRAGEN)

    @classmethod
    def parse(cls, text: str) -> ActionType:
        """Accept the code or a common word for it (`letter`, `reply`, `halt`, `pv`, `note`, `close`)."""
        key = text.strip().lower().replace("-", "_").replace(" ", "_")
        found = _ACTION_ALIASES.get(key) or next((a for a in cls if a.value == key), None)
        if found is None:
            raise ValueError(f"unknown action {text!r}")
        return found


_ACTION_LABELS = {
    ActionType.GEOPEND: "geopend",
    ActionType.BIJGEWERKT: "bijgewerkt",
    ActionType.BRIEF_VERSTUURD: "brief verstuurd",
    ActionType.ANTWOORD_ONTVANGEN: "antwoord ontvangen",
    ActionType.HUISBEZOEK: "huisbezoek",
    ActionType.GESPREK: "gesprek",
    ActionType.WAARSCHUWING: "waarschuwing",
    ActionType.HALT_VERWIJZING: "Halt-verwijzing",
    ActionType.PROCES_VERBAAL: "proces-verbaal",
    ActionType.DOORVERWIJZING: "doorverwijzing",
    ActionType.NOTITIE: "notitie",
    ActionType.GESLOTEN: "gesloten",
    ActionType.OVERGEDRAGEN: "overgedragen aan RMC",
    ActionType.OVERLEG: "overleg met school / samenwerkingsverband",
    ActionType.ONDERZOEK: "onderzoek gedaan",
    ActionType.BEOORDEELD: "beoordeeld",
}

_ACTION_ALIASES = {
    "letter": ActionType.BRIEF_VERSTUURD,
    "brief": ActionType.BRIEF_VERSTUURD,
    "reply": ActionType.ANTWOORD_ONTVANGEN,
    "antwoord": ActionType.ANTWOORD_ONTVANGEN,
    "halt": ActionType.HALT_VERWIJZING,
    "pv": ActionType.PROCES_VERBAAL,
    "note": ActionType.NOTITIE,
    "close": ActionType.GESLOTEN,
    "sluiten": ActionType.GESLOTEN,
}


class VerzuimSoort(StrEnum):
    """DUO's kinds of verzuimmelding (docs/law.md)."""

    ZESTIEN_UUR_VIER_WEKEN = "16U_4W"
    LRV = "LRV"
    LUXE = "LUXE"
    RMC = "RMC"
    OVERIG = "OVERIG"


class MeldingStatus(StrEnum):
    """DUO's verzuimmelding statuses since 12 August 2020 (docs/formats.md)."""

    GEREGISTREERD = "geregistreerd"
    IN_BEHANDELING = "in_behandeling"
    AFGESLOTEN = "afgesloten"
    TER_KENNISGEVING_AANGENOMEN = "ter_kennisgeving_aangenomen"
    INGETROKKEN = "ingetrokken"

    @property
    def label(self) -> str:
        return _MELDING_STATUS_LABELS[self]

    @property
    def is_final(self) -> bool:
        return self in (MeldingStatus.AFGESLOTEN, MeldingStatus.TER_KENNISGEVING_AANGENOMEN,
                        MeldingStatus.INGETROKKEN)


_MELDING_STATUS_LABELS = {
    MeldingStatus.GEREGISTREERD: "Geregistreerd",
    MeldingStatus.IN_BEHANDELING: "In behandeling",
    MeldingStatus.AFGESLOTEN: "Afgesloten",
    MeldingStatus.TER_KENNISGEVING_AANGENOMEN: "Ter kennisgeving aangenomen",
    MeldingStatus.INGETROKKEN: "Ingetrokken",
}


class RedenAfsluiting(StrEnum):
    """Why the gemeente closed a verzuimmelding (Besluit verzuimmelding, docs/formats.md)."""

    TERUG_NAAR_SCHOOL = "terug_naar_school"
    BEEINDIGD_ANDERE_OPLEIDING = "inschrijving_beeindigd_andere_opleiding"
    BEEINDIGD_WERK = "inschrijving_beeindigd_werk"
    BEEINDIGD_OVERIGE_REDENEN = "inschrijving_beeindigd_overige_redenen"
    BEEINDIGD_LEERLING_OVERLEDEN = "inschrijving_beeindigd_leerling_overleden"
    GEEN_VERZUIM_LANGDURIG_ZIEK = "geen_verzuim_langdurig_ziek"
    GEEN_VERZUIM_LEGITIEM_AFWEZIG = "geen_verzuim_legitiem_afwezig"

    @property
    def label(self) -> str:
        return _REDEN_LABELS[self]


_REDEN_LABELS = {
    RedenAfsluiting.TERUG_NAAR_SCHOOL: "Terug naar school",
    RedenAfsluiting.BEEINDIGD_ANDERE_OPLEIDING: "Inschrijving beëindigd – andere opleiding",
    RedenAfsluiting.BEEINDIGD_WERK: "Inschrijving beëindigd – werk",
    RedenAfsluiting.BEEINDIGD_OVERIGE_REDENEN: "Inschrijving beëindigd – overige redenen",
    RedenAfsluiting.BEEINDIGD_LEERLING_OVERLEDEN: "Inschrijving beëindigd – leerling overleden",
    RedenAfsluiting.GEEN_VERZUIM_LANGDURIG_ZIEK: "Geen verzuim – langdurig ziek",
    RedenAfsluiting.GEEN_VERZUIM_LEGITIEM_AFWEZIG: "Geen verzuim – legitiem afwezig",
}


class ToelichtingAfsluiting(StrEnum):
    """The Besluit verzuimmelding's explanation of a closure: a choice, so no personal text goes to DUO."""

    LEERLING_GEZIEN = "leerling_gezien"
    ACTIE_LOOPT = "actie_loopt"
    GEEN_ACTIE_MEER = "geen_actie_meer"


class ThuiszitterBron(StrEnum):
    """What made someone a thuiszitter (Kamerstuk 26 695 nr. 108): LRV or absoluut verzuim."""

    ABSOLUUT_VERZUIM = "absoluut_verzuim"
    LRV = "lrv"


class VsvUitkomst(StrEnum):
    """Where an early school leaver went, as the RMC registers it."""

    TERUG_NAAR_SCHOOL = "terug_naar_school"
    WERK = "werk"
    SK_BEHAALD = "sk_behaald"
    DRIEENTWINTIG = "drieentwintig"
    VERHUISD = "verhuisd"
    BUITENLAND = "buitenland"
    OVERLEDEN = "overleden"
    ZORG_OF_DAGBESTEDING = "zorg_of_dagbesteding"
    NIET_BEREIKT = "niet_bereikt"
    OVERIG = "overig"


# -- the letter log (revision 0003, written by the letter run in letters/run.py) ---------------------

class LetterKind(StrEnum):
    """The letters InBeeld writes; the value is the template's name (letters/kinds.py holds the rest)."""

    ABSOLUUT_VERZUIM = "absoluut_verzuim"
    RMC_18_23 = "rmc_18_23"
    UITNODIGING_VERZUIMGESPREK = "uitnodiging_verzuimgesprek"
    HERINNERING_VRIJSTELLING = "herinnering_vrijstelling"
    INFORMATIE_LEERPLICHT = "informatie_leerplicht"


class LetterStatus(StrEnum):
    """`gepland` is written before the file, `aangemaakt` after it: a killed run leaves `gepland` rows
    that the next run redoes; `onderdrukt` records a letter that did not go out, with its reason."""

    GEPLAND = "gepland"
    AANGEMAAKT = "aangemaakt"
    ONDERDRUKT = "onderdrukt"


class SuppressionReason(StrEnum):
    """Why a letter did not go out (letters/suppression.py decides; the values match its `Reden`)."""

    OVERLEDEN = "overleden"
    GEEMIGREERD = "geemigreerd"
    RNI = "rni"
    OPSCHORTING = "opschorting"
    VERHUISD = "verhuisd"
    GEEN_ADRES = "geen_adres"
    ADRES_IN_ONDERZOEK = "adres_in_onderzoek"
    GEHEIMHOUDING = "geheimhouding"
    NIET_IN_BRP = "niet_in_brp"
    GEBOORTEDATUM_ONBEKEND = "geboortedatum_onbekend"


class AfspraakStatus(StrEnum):
    """An appointment in an LPA's or counsellor's agenda (registers.agenda): planned or cancelled.
    A rebooked appointment stays `gepland` at its new time; a cancelled one frees its slot."""

    GEPLAND = "gepland"
    GEANNULEERD = "geannuleerd"
