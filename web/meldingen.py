"""What a register refuses, said in Dutch on the screen: one table keyed by the refusal's stable
code (`Refused.code`, with its `params`), so the register keeps one message for the command line
and the log, and the screen never shows English. A refusal without a code is shown as the register
says it (the agenda, the users and the letters already speak Dutch); a register refusal the screen
can meet and that is not Dutch gets a code and a line here."""

from __future__ import annotations

import datetime as dt

from rules.dates import format_nl

NL = {
    "geen_dossier": "dossier {id} bestaat niet.",
    "andere_aanleiding": "deze aanleiding hoort niet bij dit dossier.",
    "datum_toekomst": "de datum {datum} ligt in de toekomst.",
    "voor_opening": "de datum {datum} ligt vóór de opening van het dossier op {geopend}.",
    "dossier_gesloten": "het dossier is gesloten op {gesloten}; er kan alleen nog een notitie bij.",
    "aanleiding_beeindigd": "deze aanleiding is beëindigd op {beeindigd}; kies een open aanleiding.",
    "sluiten_voor_stap": "sluiten op {datum} ligt vóór de stap van {stap} ({actie}); sluit op of na die "
                         "datum.",
    "reden_afsluiting_nodig": "voor het afsluiten van verzuimmelding {melding} is de reden afsluiting "
                              "voor DUO nodig.",
    "reden_alleen_bij_afsluiten": "een reden van afsluiten hoort alleen bij de status afgesloten.",
    "melding_definitief": "melding {melding} is {status}; DUO staat geen andere status meer toe.",
    "melding_overgang": "DUO staat de overgang van '{van}' naar '{naar}' niet toe.",
    "voor_status": "de datum {datum} ligt vóór de huidige status van {status_datum}.",
    "eind_voor_begin": "de einddatum {eind} ligt vóór de begindatum {begin}.",
    "nooit_geschikt_grond": "'nooit geschikt' hoort bij art. 5 onder a, niet bij {artikel}.",
    "geen_verklaring": "bij {artikel} hoort geen verklaring; laat de datum van de verklaring leeg.",
    "verklaring_na_begin": "de verklaring van {verklaring} is van na de begindatum {begin}.",
    "verklaring_te_oud": "de verklaring van {verklaring} is bij de begindatum ouder dan 3 maanden (art. 7: "
                         "op zijn vroegst {vroegst}).",
    "buiten_seizoen": "art. 5a (trekkend bestaan) geldt alleen van maart tot en met oktober; {begin} valt "
                      "daarbuiten.",
    "seizoen_einde": "art. 5a (trekkend bestaan) geldt alleen van maart tot en met oktober: kies een "
                     "einddatum van {eerste} tot en met {laatste}.",
    "per_schooljaar": "art. 3a geldt per schooljaar: kies een einddatum op of vóór {laatste}.",
    "overlapt": "deze vrijstelling overlapt vrijstelling {id} van dezelfde persoon (vanaf {begin}).",
    "bijlage_te_groot": "de bijlage '{naam}' is groter dan 20 MB.",
    "bijlage_leeg": "de bijlage '{naam}' is leeg.",
    "bijlage_naam": "de bijlage heeft geen bruikbare bestandsnaam.",
    "bijlage_zonder_map": "bijlagen kunnen niet worden bewaard: er is geen datamap ingesteld.",
    "stap_niet_toegestaan": "niet toegestaan: {reden}.",
    "tegen_alleen_pv": "'tegen' (de ouders of de jongere) hoort alleen bij een proces-verbaal.",
    "onbekend_tegen": "onbekend: tegen '{waarde}'; kies de ouders of de jongere.",
}


def _shown(value: object) -> object:
    return format_nl(value) if isinstance(value, dt.date) else value


def nederlands(exc: Exception) -> str:
    """The Dutch sentence for a refusal: from the table when it has a code, else its own message."""
    code = getattr(exc, "code", None)
    if code in NL:
        params = {name: _shown(value) for name, value in getattr(exc, "params", {}).items()}
        text = NL[code].format(**params)
        return text[0].upper() + text[1:]
    return str(exc)
