"""The code lists the registers store: every status, reason and action is enumerated, never free text.

The values are what the database holds (checked there too), so renaming a member is harmless but
changing a value needs a migration.
"""

from __future__ import annotations

from datetime import timedelta
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
    raise Refused(f"unknown {what} {value!r}; use one of: {', '.join(m.value for m in enum)}",
                  code="onbekende_code", wat=what, waarde=value, keuzes=", ".join(m.value for m in enum))


class Labelled(StrEnum):
    """A code list whose members carry their Dutch label, `MEMBER = "code", "label"`: the code and the
    words shown for it are declared together, once."""

    label: str

    def __new__(cls, value: str, label: str) -> Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


def labels(enum: type[Labelled] | type[SuppressionReason]) -> dict[str, str]:
    """Code → Dutch label, for tables that hold the codes as text."""
    return {member.value: member.label for member in enum}


# The signals of docs/spec.md §4.2 (and the manual-review signal of docs/formats.md §5.1) cases are for:
# the codes are those of the matching (rules.signal_codes, the one place they are defined).
# A dossier's reasons are these signals and the verzuimmeldingen DUO routes to the gemeente.
VERZUIMMELDING = "VERZUIMMELDING"
# The Dutch names are those of the signals' declaration (rules.signal_codes); RMC_SIGNALS (the reasons
# RMC works) and LEERPLICHT_SIGNALS (those that give a dossier to the leerplichtambtenaar) too. A
# reason's label is what a table or CSV shows for it (inbeeld.output.shown); JSON keeps the code.
REASON_LABELS = {code: definition.omschrijving for code, definition in DEFINITIONS.items()} | {
    VERZUIMMELDING: "Verzuimmelding"}
ReasonCode = Labelled("ReasonCode", [(code, (code, REASON_LABELS[code]))
                                     for code in (*SIGNALS, VERZUIMMELDING)])


def mid_sentence(label: object) -> str:
    """A label as it reads mid-sentence: its first letter in lower case, an abbreviation kept ('Geen
    inschrijving (RMC, …)' → 'geen inschrijving (RMC, …)', 'BRP-gegevens …' as it is); `.lower()`
    made that '(rmc, …)'."""
    text = str(label)
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


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


class CaseStatus(Labelled):
    """A dossier's (and a reason's) status; the code is stored, the label is what a person reads."""

    OPEN = "open", "open"
    CLOSED = "closed", "gesloten"


class Team(StrEnum):
    """Who works a dossier: the leerplichtambtenaar, or RMC / the Doorstroompunt from 18."""

    LPA = "lpa"
    RMC = "rmc"


class CloseReason(Labelled):
    """Why a case closed (docs/spec.md §4.3): the signal's disappearance explained, or a hand decision."""

    INSCHRIJVING_GEVONDEN = "inschrijving_gevonden", "inschrijving gevonden"
    VRIJSTELLING = "vrijstelling", "vrijstelling geregistreerd"
    VERHUISD = "verhuisd", "verhuisd naar een andere gemeente"
    ACHTTIEN_GEWORDEN = "achttien_geworden", "18 jaar geworden"
    # kept for cases closed before 2026 (migration 0006)
    DRIEENTWINTIG_GEWORDEN = "drieentwintig_geworden", "23 jaar geworden"
    # the RMC age of the law on the day (23; 27 from 2026)
    RMC_LEEFTIJD_BEREIKT = ("rmc_leeftijd_bereikt",
                            "RMC-leeftijd bereikt (23 jaar, vanaf 1 januari 2026: 27 jaar)")
    STARTKWALIFICATIE = "startkwalificatie", "startkwalificatie behaald"
    OVERLEDEN = "overleden", "overleden"
    GEEMIGREERD = "geemigreerd", "geëmigreerd"
    BRP_GECORRIGEERD = "brp_gecorrigeerd", "BRP-gegevens gecorrigeerd"
    SIGNAAL_VERVALLEN = "signaal_vervallen", "signaal vervallen (reden onbekend)"
    HANDMATIG = "handmatig", "handmatig gesloten"
    # Revision 0012: reasons that end inside a dossier that goes on.
    CONVENANTJAAR_VOORBIJ = ("convenantjaar_voorbij",
                             "convenantjaar voorbij; nog zonder inschrijving, het dossier loopt door")
    LEERPLICHTIG_GEWORDEN = "leerplichtig_geworden", "leerplichtig geworden"
    VERZUIM_BEEINDIGD = "verzuim_beeindigd", "langdurig verzuim beëindigd"
    MELDING_AFGESLOTEN = "melding_afgesloten", "verzuimmelding afgehandeld"


class ActionType(Labelled):
    """The dated steps on a case's timeline (docs/spec.md §4.3); the sync writes `geopend`/`bijgewerkt`."""

    GEOPEND = "geopend", "geopend"
    BIJGEWERKT = "bijgewerkt", "bijgewerkt"
    BRIEF_VERSTUURD = "brief_verstuurd", "brief verstuurd"
    ANTWOORD_ONTVANGEN = "antwoord_ontvangen", "antwoord ontvangen"
    HUISBEZOEK = "huisbezoek", "huisbezoek"
    GESPREK = "gesprek", "gesprek"
    WAARSCHUWING = "waarschuwing", "waarschuwing"
    HALT_VERWIJZING = "halt_verwijzing", "Halt-verwijzing"
    PROCES_VERBAAL = "proces_verbaal", "proces-verbaal"
    DOORVERWIJZING = "doorverwijzing", "doorverwijzing"
    NOTITIE = "notitie", "notitie"
    GESLOTEN = "gesloten", "gesloten"
    # Revision 0012
    OVERGEDRAGEN = "overgedragen", "overgedragen aan RMC"
    OVERLEG = "overleg", "overleg met school / samenwerkingsverband"
    ONDERZOEK = "onderzoek", "onderzoek gedaan"
    BEOORDEELD = "beoordeeld", "beoordeeld"

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


#: The leerplichtambtenaar's own steps as boa (Leerplichtwet 1969 art. 22; docs/spec.md §1): a formal
#: warning, a Halt-verwijzing, a proces-verbaal. The RMC trajectbegeleider has no sanction: the RMC
#: doelgroep has no obligation to enforce, and a kwalificatieplichtige VSV'er's sanctions are the LPA's.
LPA_STEPS = frozenset({ActionType.WAARSCHUWING, ActionType.HALT_VERWIJZING, ActionType.PROCES_VERBAAL})


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


class MeldingStatus(Labelled):
    """DUO's verzuimmelding statuses since 12 August 2020 (docs/formats.md)."""

    GEREGISTREERD = "geregistreerd", "Geregistreerd"
    IN_BEHANDELING = "in_behandeling", "In behandeling"
    AFGESLOTEN = "afgesloten", "Afgesloten"
    TER_KENNISGEVING_AANGENOMEN = "ter_kennisgeving_aangenomen", "Ter kennisgeving aangenomen"
    INGETROKKEN = "ingetrokken", "Ingetrokken"

    @property
    def is_final(self) -> bool:
        return self in (MeldingStatus.AFGESLOTEN, MeldingStatus.TER_KENNISGEVING_AANGENOMEN,
                        MeldingStatus.INGETROKKEN)


class RedenAfsluiting(Labelled):
    """Why the gemeente closed a verzuimmelding (Besluit verzuimmelding, docs/formats.md)."""

    TERUG_NAAR_SCHOOL = "terug_naar_school", "Terug naar school"
    BEEINDIGD_ANDERE_OPLEIDING = ("inschrijving_beeindigd_andere_opleiding",
                                  "Inschrijving beëindigd – andere opleiding")
    BEEINDIGD_WERK = "inschrijving_beeindigd_werk", "Inschrijving beëindigd – werk"
    BEEINDIGD_OVERIGE_REDENEN = ("inschrijving_beeindigd_overige_redenen",
                                 "Inschrijving beëindigd – overige redenen")
    BEEINDIGD_LEERLING_OVERLEDEN = ("inschrijving_beeindigd_leerling_overleden",
                                    "Inschrijving beëindigd – leerling overleden")
    GEEN_VERZUIM_LANGDURIG_ZIEK = "geen_verzuim_langdurig_ziek", "Geen verzuim – langdurig ziek"
    GEEN_VERZUIM_LEGITIEM_AFWEZIG = "geen_verzuim_legitiem_afwezig", "Geen verzuim – legitiem afwezig"


class ToelichtingAfsluiting(StrEnum):
    """The Besluit verzuimmelding's explanation of a closure: a choice, so no personal text goes to DUO."""

    LEERLING_GEZIEN = "leerling_gezien"
    ACTIE_LOOPT = "actie_loopt"
    GEEN_ACTIE_MEER = "geen_actie_meer"


class ThuiszitterBron(StrEnum):
    """What made someone a thuiszitter (Kamerstuk 26 695 nr. 108): LRV or absoluut verzuim."""

    ABSOLUUT_VERZUIM = "absoluut_verzuim"
    LRV = "lrv"


class VsvUitkomst(Labelled):
    """Where an early school leaver went, as the RMC registers it."""

    TERUG_NAAR_SCHOOL = "terug_naar_school", "terug naar school"
    WERK = "werk", "werk"
    SK_BEHAALD = "sk_behaald", "startkwalificatie behaald"
    DRIEENTWINTIG = "drieentwintig", "23 jaar geworden"
    VERHUISD = "verhuisd", "verhuisd"
    BUITENLAND = "buitenland", "naar het buitenland"
    OVERLEDEN = "overleden", "overleden"
    ZORG_OF_DAGBESTEDING = "zorg_of_dagbesteding", "zorg of dagbesteding"
    NIET_BEREIKT = "niet_bereikt", "niet bereikt"
    OVERIG = "overig", "overig"


# -- the letter log (revision 0003, written by the letter run in letters/run.py) ---------------------

class LetterKind(StrEnum):
    """The letters InBeeld writes (letters/): `MEMBER = template name, Dutch name, weeks to reply`."""

    omschrijving: str  # Dutch name of the letter for the case file and `inbeeld letters list`
    antwoordtermijn: timedelta  # default time to reply from the letter date (a run may set another)

    def __new__(cls, value: str, omschrijving: str, weken: int) -> LetterKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.omschrijving = omschrijving
        member.antwoordtermijn = timedelta(weeks=weken)
        return member

    ABSOLUUT_VERZUIM = "absoluut_verzuim", "brief geen schoolinschrijving bekend (met antwoordformulier)", 2
    DOORSTROOMPUNT = "doorstroompunt", "brief 'wat doe je nu?' (Doorstroompunt)", 2
    UITNODIGING_VERZUIMGESPREK = "uitnodiging_verzuimgesprek", "uitnodiging verzuimgesprek", 1
    HERINNERING_VRIJSTELLING = "herinnering_vrijstelling", "herinnering vrijstelling verlengen", 4
    INFORMATIE_LEERPLICHT = "informatie_leerplicht", "informatiebrief begin leerplicht", 4
    # by hand only (letters/single.py), after a verzuimmelding; four weeks: when the work list asks
    # whether the verzuim stopped (reports/follow_up.py, "verzuim na de waarschuwing nagaan")
    WAARSCHUWING_VERZUIM = "waarschuwing_verzuim", "schriftelijke waarschuwing schoolverzuim", 4

    @classmethod
    def _missing_(cls, value: object) -> LetterKind | None:
        """An earlier release's name, still in a draft's sidecar, an open form or a typed option."""
        known = LETTER_KIND_ALIASES.get(value) if isinstance(value, str) else None
        return cls(known) if known else None

    @property
    def template(self) -> str:
        """The template's file name in `letters/templates/` (without `.docx`)."""
        return self.value

    @property
    def ook_aan_jongere(self) -> bool:
        """Letters about the young person's own obligation to be enrolled and attend: at 16 and 17
        (kwalificatieplicht) the young person gets one too (Leerplichtwet art. 2 lid 3, 4c, 22 lid 3).
        The Doorstroompunt's letter at 16–17 (a PrO/VSO leaver with a certificate, in the RMC doelgroep)
        goes to the young person it offers help to, and to the parents who still have gezag."""
        return self in (LetterKind.ABSOLUUT_VERZUIM, LetterKind.UITNODIGING_VERZUIMGESPREK,
                        LetterKind.DOORSTROOMPUNT, LetterKind.WAARSCHUWING_VERZUIM)


# Letter kinds of an earlier release -> today's. `rmc_18_23` named the RMC ages of before 1 January 2026
# (the doelgroep runs to 27 since); stored letters were rewritten by migration 0016, files of runs
# already written keep the old name.
LETTER_KIND_ALIASES = {"rmc_18_23": "doorstroompunt"}


class LetterStatus(StrEnum):
    """`gepland` is written before the file, `aangemaakt` after it: a killed run leaves `gepland` rows
    that the next run redoes; `onderdrukt` records a letter that did not go out, with its reason."""

    GEPLAND = "gepland"
    AANGEMAAKT = "aangemaakt"
    ONDERDRUKT = "onderdrukt"


class SuppressionReason(StrEnum):
    """Why a letter did not go out (letters/suppression.py decides which apply); the value is what the
    letter log and the case record. `MEMBER = code, short label (work list), sentence for the case file`."""

    label: str
    omschrijving: str

    def __new__(cls, value: str, label: str, omschrijving: str) -> SuppressionReason:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.omschrijving = omschrijving
        return member

    OVERLEDEN = "overleden", "overleden", "overleden volgens de BRP"
    GEEMIGREERD = "geemigreerd", "geëmigreerd", "geëmigreerd (bijhouding opgeschort)"
    RNI = "rni", "ingeschreven in de RNI", "ingeschreven in de RNI (niet-ingezetene)"
    # bijhouding opgeschort for another reason (M, F)
    OPSCHORTING = "opschorting", "persoonslijst opgeschort", "bijhouding in de BRP opgeschort"
    # moved out of the served gemeenten
    VERHUISD = "verhuisd", "verhuisd", "verhuisd naar een gemeente buiten ons werkgebied"
    # no complete Dutch address to write to
    GEEN_ADRES = "geen_adres", "geen adres bekend", "geen volledig adres in de BRP"
    ADRES_IN_ONDERZOEK = ("adres_in_onderzoek", "adres in onderzoek",
                          "adres in onderzoek bij de BRP; brief aangehouden tot het onderzoek klaar is")
    GEHEIMHOUDING = ("geheimhouding", "geheimhouding in de BRP",
                     "geheimhouding persoonsgegevens; brief aangehouden voor beoordeling")
    # the person is not in the latest BRP delivery
    NIET_IN_BRP = "niet_in_brp", "niet in de BRP", "niet gevonden in de laatste BRP-levering"
    # partly unknown: never a letter on a guess
    GEBOORTEDATUM_ONBEKEND = ("geboortedatum_onbekend", "geboortedatum onbekend",
                              "geboortedatum (deels) onbekend; eerst handmatig controleren")

    @property
    def aangehouden(self) -> bool:
        """Held, not dropped: the letter can go once the reason is gone (or a person approved it)."""
        return self in (SuppressionReason.ADRES_IN_ONDERZOEK, SuppressionReason.GEHEIMHOUDING,
                        SuppressionReason.NIET_IN_BRP, SuppressionReason.GEBOORTEDATUM_ONBEKEND)


class AfspraakStatus(StrEnum):
    """An appointment in an LPA's or counsellor's agenda (registers.agenda): planned or cancelled.
    A rebooked appointment stays `gepland` at its new time; a cancelled one frees its slot."""

    GEPLAND = "gepland"
    GEANNULEERD = "geannuleerd"
