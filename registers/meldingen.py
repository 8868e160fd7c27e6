"""What a register refuses, said in Dutch: one table keyed by the refusal's stable code
(`Refused.code`, with its `params`), for the command line (registers/command_session.py and the
other command modules) and the screen (web/) alike, so neither shows English. The register keeps its
own message for the log. Every Refused raised in registers/ and letters/ has a code and a line here,
except in the modules that write their refusals in Dutch already (the agenda, the users, the search
and the single letter: tests/registers/test_meldingen.py lists them); a new code without a line fails
that test.
"""

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
    "kantoor_onvolledig": "in de instellingen (inbeeld.toml, [letters]) ontbreken gegevens die elke brief "
                          "nodig heeft: {sleutels}. Vraag beheer ze in te vullen.",
    "sjabloon_ontbreekt": "in de map met de eigen briefsjablonen ({map}, [letters] template_dir) ontbreekt: "
                          "{bestanden}. Vraag beheer het sjabloon toe te voegen (bij 'oud → nieuw': het "
                          "bestand te hernoemen).",
    # a single letter (letters draft / store, the screen's letter form)
    "geen_afspraak": "een uitnodiging noemt het gesprek: plan eerst een afspraak in de agenda.",
    "geen_brief_bij_aanleiding": "bij deze aanleiding ({aanleiding}) hoort geen brief.",
    "brief_past_niet": "de brief '{brief}' past niet bij aanleiding {aanleiding} ({signaal}); kies {kies}.",
    "geen_geadresseerde": "er gaat geen brief uit voor dossier {id}: {reden}.",
    "geen_docx": "{naam} is geen Word-document (.docx).",
    "docx_beschadigd": "{naam} is geen geldig Word-document (.docx): het bestand is beschadigd.",
    "docx_te_groot": "{naam} is groter dan 5 MB; een brief uit een sjabloon is kleiner.",
    "kenmerk_weg": "het kenmerk {kenmerk} staat niet meer in de brief; zet het terug.",
    "brief_al_opgeslagen": "brief {kenmerk} is al opgeslagen.",
    "bijlage_zonder_map": "bijlagen kunnen niet worden bewaard: er is geen datamap ingesteld.",
    "stap_niet_toegestaan": "niet toegestaan: {reden}.",
    "waarschuwing_niet_toegestaan": "geen waarschuwing: {reden}; vanaf 18 jaar helpt het Doorstroompunt "
                                    "(kies de uitnodiging).",
    "halt_al_eerder": "niet toegestaan: de jongere is al naar Halt verwezen voor schoolverzuim, op {eerder} "
                      "(Halt-interventie schoolverzuim: één keer per jongere, Methodische Aanpak "
                      "Schoolverzuim).",
    "tegen_alleen_pv": "'tegen' (de ouders of de jongere) hoort alleen bij een proces-verbaal.",
    "onbekend_tegen": "onbekend: tegen '{waarde}'; kies de ouders of de jongere.",
    # dossiers and codes
    "onbekende_actie": "onbekende actie '{waarde}'; kies uit: {keuzes}.",
    "actie_van_sync": "'{actie}' legt de wekelijkse verwerking vast, niet een gebruiker.",
    "sluitreden_alleen_bij_sluiten": "een reden van sluiten hoort alleen bij het sluiten (actie gesloten).",
    "reden_afsluiting_alleen_melding": "een reden afsluiting hoort alleen bij het sluiten van een "
                                       "verzuimmelding.",
    "onbekende_code": "onbekende {wat} '{waarde}'; kies uit: {keuzes}.",
    # bijlagen
    "geen_bijlage": "bijlage {id} bestaat niet.",
    "bijlage_weg": "bijlage {id} ({naam}) ontbreekt in de datamap.",
    "bijlage_gewijzigd": "bijlage {id} ({naam}) is op schijf gewijzigd: de hash klopt niet meer.",
    # verzuimmeldingen
    "geen_melding": "verzuimmelding {melding} bestaat niet.",
    "melding_al_definitief": "melding {melding} is al {status}.",
    "melding_datum": "{waar}: {veld} is geen geldige datum ({fout}).",
    "melding_elfproef": "{waar}: het persoonsnummer is geen geldig BSN of onderwijsnummer (elfproef).",
    "melding_soort": "{waar}: onbekende soort verzuim '{waarde}'.",
    "melding_onvolledig": "{waar}: BRIN en begindatum zijn verplicht.",
    "melding_eind_voor_begin": "{waar}: de einddatum {eind} ligt vóór de begindatum {begin}.",
    "melding_zonder_nummer": "melding {nummer}: het meldingsnummer ontbreekt.",
    "staging_onleesbaar": "de verzuimmeldingen in {pad} zijn niet te lezen: {fout}.",
    "terugkoppeling_ongeldig": "de terugkoppeling voor DUO voldoet niet aan {schema}: {fout}.",
    # vrijstellingen
    "onbekende_grond": "onbekende vrijstellingsgrond '{waarde}'; kies uit: {keuzes}.",
    "niet_toegestaan": "niet toegestaan: {reden}.",
    "staging_bezet": "het stagingbestand is in gebruik door een ander proces; probeer het zo opnieuw.",
    "elfproef": "het persoonsnummer is geen geldig BSN of onderwijsnummer (elfproef).",
    "geen_vrijstelling": "vrijstelling {id} bestaat niet.",
    "vrijstelling_al_geeindigd": "vrijstelling {id} eindigt al op {eind}.",
    # VSV-register
    "geen_vsv": "VSV-registratie {id} bestaat niet.",
    "uitkomst_voor_startset": "de datum van de uitkomst {datum} ligt vóór de startset van {startset}.",
    # the weekly sync's own input (a fault of the computation, not of the user)
    "sync_geen_datum": "{waar}: '{waarde}' is geen ISO-datum.",
    "sync_elfproef": "{waar}: het persoonsnummer is geen geldig BSN of onderwijsnummer (elfproef).",
    "sync_onbekend_signaal": "{waar}: onbekend signaal '{waarde}'.",
    "sync_gemeentecode": "{waar}: gemeentecode '{waarde}' bestaat niet uit 4 cijfers.",
    "sync_buiten_gemeenten": "{waar}: gemeente {gemeente} hoort niet bij deze verwerking.",
    "sync_peildatum": "{waar}: peildatum {datum} wijkt af van die van de verwerking ({peildatum}).",
    "sync_sluitreden": "onbekende reden van sluiten '{waarde}'.",
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
