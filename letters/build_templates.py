"""Build the Dutch Word templates in `letters/templates/` with python-docx.

The .docx files are committed and are what a municipality edits in Word; this script is how the
shipped versions are made, so their text can be reviewed in a diff and rebuilt byte for byte
(fixed core properties and zip timestamps). Every `{{ field }}` is written inside one run, so Word
never sees a tag split across runs. Run: `python -m letters.build_templates [OUT_DIR]`.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from letters.render import TEMPLATE_DIR  # where the letters are read from is where they are built

FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
GREY = RGBColor(0x59, 0x59, 0x59)

PRIVACY = (
    "Privacy: wij verwerken persoonsgegevens om onze wettelijke taak uit te voeren (artikel 6, eerste lid, "
    "onder e, van de Algemene verordening gegevensbescherming (AVG)). Wij bewaren ze niet langer dan nodig "
    "en delen ze alleen als de wet dat toestaat. Meer informatie en "
    "{% if aan_jongere %}je{% else %}uw{% endif %} rechten: {{ gemeente.privacy_url }}."
)


# -- layout helpers ------------------------------------------------------------------------------

def _new_document(title: str) -> Document:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    section.header_distance = section.footer_distance = Mm(8)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = "InBeeld"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.comments = "Sjabloon van InBeeld; velden staan in letters/README.md."
    return document


def _para(document: Document, text: str = "", *, bold: bool = False, size: float | None = None,
          after: float = 0, before: float = 0, align: WD_ALIGN_PARAGRAPH | None = None,
          grey: bool = False, page_break_before: bool = False) -> Paragraph:
    """One paragraph holding one run, so a tag in `text` stays whole."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.page_break_before = page_break_before or None
    if align is not None:
        paragraph.alignment = align
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        if grey:
            run.font.color.rgb = GREY
    return paragraph


def _body(document: Document, text: str) -> Paragraph:
    return _para(document, text, after=8)


def _tag_paragraph(document: Document, tag: str) -> None:
    """A docxtpl paragraph tag (`{%p ... %}`): the paragraph itself disappears when rendered."""
    _para(document, tag)


def _letterhead(document: Document) -> None:
    _para(document, "Gemeente {{ gemeente.naam }}", bold=True, size=15, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(document, "{{ gemeente.afdeling }}", size=9, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(document, "{{ gemeente.bezoekadres }}", size=8, align=WD_ALIGN_PARAGRAPH.RIGHT, grey=True)
    _para(document, "{{ gemeente.telefoon }}{% if gemeente.website %} · {{ gemeente.website }}{% endif %}",
          size=8,
          align=WD_ALIGN_PARAGRAPH.RIGHT, grey=True)


def _address_block(document: Document) -> None:
    """Return address and the window-envelope block (top of the window ~50 mm from the page top)."""
    _para(document, "Retouradres: {{ gemeente.retouradres }}", size=7, before=36, after=3, grey=True)
    _tag_paragraph(document, "{%p for regel in adresregels %}")
    _para(document, "{{ regel }}")
    _tag_paragraph(document, "{%p endfor %}")
    _para(document, "", after=28)


def _onderwerp(text: str) -> str:
    """A subject as a Dutch letter writes it: with a capital, or after "Herinnering: " in a reminder."""
    return (f"{{% if herinnering %}}Herinnering: {text}{{% else %}}{text[:1].upper()}{text[1:]}"
            "{% endif %}")


def _meta(document: Document, onderwerp: str, contact: bool = True) -> None:
    rows = [("Datum", "{{ datum }}"), ("Ons kenmerk", "{{ kenmerk }}"), ("Onderwerp", onderwerp)]
    if contact:
        rows.append(("Contactpersoon", "{{ afzender.naam }}, {{ afzender.telefoon }}"))
    for label, value in rows:
        paragraph = _para(document, after=1)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(32))
        label_run = paragraph.add_run(label + "\t")
        label_run.font.color.rgb = GREY
        paragraph.add_run(value)
    _para(document, "", after=14)


def _closing(document: Document) -> None:
    _para(document, "Met vriendelijke groet,", before=4, after=22)
    _para(document, "{{ afzender.naam }}")
    _tag_paragraph(document, "{%p if afzender.functie %}")  # a team signs without a function
    _para(document, "{{ afzender.functie }}")
    _tag_paragraph(document, "{%p endif %}")
    _para(document, "namens het college van burgemeester en wethouders van {{ gemeente.naam }}", after=14)


def _small_print(document: Document, grondslag: str) -> None:
    _para(document, grondslag, size=7.5, after=3, grey=True)
    _para(document, PRIVACY, size=7.5, grey=True)


def _reminder(document: Document, text: str) -> None:
    _tag_paragraph(document, "{%p if herinnering %}")
    _body(document, text)
    _tag_paragraph(document, "{%p endif %}")


def _voices(document: Document, *branches: tuple[str, str], after: float = 8, **style: object) -> None:
    """One paragraph per voice: (Jinja condition, text) pairs, the last condition `else`. Letters to
    the young person say "je", letters to the parents "u" (addressing: who gets which letter)."""
    for index, (condition, text) in enumerate(branches):
        if condition == "else":
            _tag_paragraph(document, "{%p else %}")
        else:
            _tag_paragraph(document, f"{{%p {'if' if index == 0 else 'elif'} {condition} %}}")
        _para(document, text, after=after, **style)  # type: ignore[arg-type]
    _tag_paragraph(document, "{%p endif %}")


JIJ = "aan_jongere"  # the young person is the addressee: second person
# Who signs: a person with their function, or (nobody assigned, no desk name) the team without one.
WIE = "{{ afzender.naam }}{% if afzender.functie %}, {{ afzender.functie }}{% endif %}"
REGIO = "{% if gemeente.regio %} van de regio {{ gemeente.regio }}{% endif %}"  # optional in [letters]
AANHEF = "{% if aan_jongere %}Beste {{ jongere.voornaam }}{% else %}{{ aanhef }}{% endif %},"


def _form_table(document: Document, rows: list[tuple[str, str]], label_mm: float = 62) -> None:
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.height = Mm(8)
        row.cells[0].width, row.cells[1].width = Mm(label_mm), Mm(165 - label_mm)
        row.cells[0].paragraphs[0].add_run(label)
        if value:
            row.cells[1].paragraphs[0].add_run(value)


# -- the six letters ----------------------------------------------------------------------------

def build_absoluut_verzuim() -> Document:
    """To the parents (and at 16-17 to the young person too): no enrolment known; page 2 is the answer
    form the school stamps."""
    document = _new_document("Geen schoolinschrijving bekend")
    _letterhead(document)
    _address_block(document)
    _meta(document, _onderwerp("geen schoolinschrijving bekend van {{ jongere.naam }}"))
    _para(document, AANHEF, after=8)
    _tag_paragraph(document, "{%p if herinnering %}")
    _voices(document,
            (JIJ,
             "Op {{ eerdere_brief_datum }} stuurden wij je een brief over je inschrijving bij een school "
             "of opleiding. Wij hebben nog niets van je gehoord. Daarom sturen wij je deze herinnering."),
            ("else",
             "Op {{ eerdere_brief_datum }} stuurden wij u een brief over de schoolinschrijving "
             "van {{ jongere.naam }}. Wij hebben nog geen antwoord ontvangen. Daarom sturen wij u "
             "deze herinnering."))
    _tag_paragraph(document, "{%p endif %}")
    _voices(document,
            (JIJ,
             "Volgens de basisregistratie personen woon je in onze gemeente en ben je "
             "{{ jongere.plicht }}: je moet op een school of opleiding staan ingeschreven en de lessen "
             "volgen. Wij hebben echter geen inschrijving op een school of onderwijsinstelling gevonden, "
             "en ook geen vrijstelling."),
            ("else",
             "Volgens de basisregistratie personen woont {{ jongere.naam }}, geboren op "
             "{{ jongere.geboortedatum }}, in onze gemeente en is {{ jongere.voornaam }} "
             "{{ jongere.plicht }}. Wij hebben echter geen inschrijving op een school of "
             "onderwijsinstelling gevonden, en ook geen vrijstelling."))
    _voices(document,
            (JIJ,
             "Je ouders of verzorgers moeten ervoor zorgen dat je ingeschreven staat (artikelen 2 en 4a "
             "van de Leerplichtwet 1969), en je bent zelf verplicht de lessen te volgen (artikel 2, "
             "derde lid, en artikel 4c). De gemeente controleert dat voor alle leerplichtige en "
             "kwalificatieplichtige jongeren (artikel 19)."),
            ("else",
             "Als ouder of verzorger zorgt u ervoor dat uw kind op een school staat ingeschreven en "
             "de lessen volgt (artikel 2 van de Leerplichtwet 1969). De gemeente controleert dat voor "
             "alle leerplichtige en kwalificatieplichtige jongeren (artikel 19)."))
    _voices(document,
            (JIJ,
             "Vaak gaat het om een administratieve fout, bijvoorbeeld omdat de school je inschrijving "
             "nog niet heeft doorgegeven. Wil je het antwoordformulier bij deze brief laten invullen en "
             "stempelen door je school en het uiterlijk {{ antwoord_voor }} terugsturen? Mailen van een "
             "scan mag ook: {{ afzender.email }}."),
            ("else",
             "Vaak gaat het om een administratieve fout, bijvoorbeeld omdat de school de "
             "inschrijving nog niet heeft doorgegeven. Wilt u het antwoordformulier bij deze brief "
             "laten invullen en stempelen door de school en het uiterlijk {{ antwoord_voor }} "
             "terugsturen? Mailen van een scan mag ook: {{ afzender.email }}."))
    _voices(document,
            (JIJ,
             "Sta je niet op een school of opleiding ingeschreven? Neem dan vóór {{ antwoord_voor }} "
             "contact op met " + WIE + ", via {{ afzender.telefoon }} of "
             "{{ afzender.email }}. Samen zoeken we een oplossing."),
            ("else",
             "Staat {{ jongere.voornaam }} niet op een school ingeschreven? Neem dan vóór "
             "{{ antwoord_voor }} contact op met " + WIE + ", via "
             "{{ afzender.telefoon }} of {{ afzender.email }}. Samen zoeken wij een oplossing."))
    _voices(document,
            (JIJ,
             "Horen wij vóór {{ antwoord_voor }} niets van je, dan stelt de leerplichtambtenaar een "
             "onderzoek in en nodigt je en je ouders uit voor een gesprek (artikel 22). Niet ingeschreven "
             "staan of niet naar school gaan terwijl dat moet, is strafbaar."),
            ("else",
             "Horen wij vóór {{ antwoord_voor }} niets van u, dan stelt de leerplichtambtenaar een "
             "onderzoek in en nodigt u uit voor een gesprek (artikel 22). Het niet nakomen van de "
             "leerplicht is strafbaar."))
    _closing(document)
    _voices(document,
            (JIJ,
             "Wettelijke grondslag: artikelen 2, 4a, 4c, 19 en 22 van de Leerplichtwet 1969."),
            ("else",
             "Wettelijke grondslag: artikelen 2, 19 en 22 van de Leerplichtwet 1969."),
            after=3, size=7.5, grey=True)
    _para(document, PRIVACY, size=7.5, grey=True)
    # Page 2: the answer form, a separate sheet the school fills in and stamps.
    _para(document, "ANTWOORDFORMULIER", bold=True, size=13, after=2, page_break_before=True)
    _para(document, "Dit blad losmaken, laten invullen en stempelen door de school en terugsturen.",
          size=8, grey=True, after=4)
    _para(document, "Ons kenmerk: {{ kenmerk }}", after=2)
    _para(document, "Terugsturen vóór {{ antwoord_voor }} naar: Gemeente {{ gemeente.naam }}, "
                    "{{ gemeente.afdeling }}, {{ gemeente.antwoordadres }} (een postzegel is niet nodig).",
          after=10)
    _para(document, "Gegevens van de jongere", bold=True, after=4)
    _form_table(document, [("Naam", "{{ jongere.naam }}"), ("Geboortedatum", "{{ jongere.geboortedatum }}")])
    _para(document, "In te vullen door de school", bold=True, before=12, after=4)
    _form_table(document, [("Naam van de school", ""), ("Plaats", ""), ("Datum van inschrijving", ""),
                           ("Groep / klas / opleiding", ""), ("Naam en handtekening directeur", "")])
    _para(document, "Stempel van de school:", before=8, after=70)
    _voices(document,
            (JIJ,
             "Sta je niet op een school ingeschreven? Kruis aan wat geldt en vul aan:"),
            ("else",
             "Staat uw kind niet op een school ingeschreven? Kruis aan wat geldt en vul aan:"),
            after=4, bold=True)
    _voices(document,
            (JIJ,
             "☐  Ik woon niet (meer) op dit adres. Nieuw adres: "
             "..............................................................................."),
            ("else",
             "☐  Mijn kind woont niet (meer) op dit adres. Nieuw adres: "
             "..............................................................."), after=6)
    _voices(document,
            (JIJ,
             "☐  Ik sta niet ingeschreven, omdat: "
             "....................................................................................."),
            ("else",
             "☐  Mijn kind staat niet ingeschreven, omdat: "
             "..........................................................................."), after=6)
    _voices(document,
            (JIJ,
             "Je naam en telefoonnummer: "
             "........................................................................................"),
            ("else",
             "Naam en telefoonnummer ouder/verzorger: "
             "............................................................................"), after=6)
    return document


GRONDSLAG_DOORSTROOMPUNT = (
    "Wettelijke grondslag: {{ wet.doorstroompunt }} ({{ wet.doorstroompunt_taken }}: de "
    "Doorstroompuntfunctie, voorheen regionale meld- en coördinatiefunctie voortijdig schoolverlaten)")


def build_doorstroompunt() -> Document:
    """From the Doorstroompunt to a young person of the RMC doelgroep without startkwalificatie: "wat doe
    je nu?". From 18 to the young person alone; at 16–17 (a PrO/VSO leaver with a certificate, no longer
    kwalificatieplichtig) also to the parents, in their own voice. The age is the context's
    `rmc_leeftijd` and the WEB citation its `wet`, both the law's values on the letter's date."""
    document = _new_document("Wat doe je nu?")
    _letterhead(document)
    _address_block(document)
    _meta(document, "{% if aan_jongere %}" + _onderwerp("wat doe je nu?") + "{% else %}"
                    + _onderwerp("school, opleiding of werk voor {{ jongere.naam }}") + "{% endif %}")
    _para(document, AANHEF, after=8)
    _tag_paragraph(document, "{%p if herinnering %}")
    _voices(document,
            (JIJ, "Op {{ eerdere_brief_datum }} stuurden wij je een brief. Wij hebben nog niets van "
                  "je gehoord, daarom schrijven wij je nog een keer."),
            ("else", "Op {{ eerdere_brief_datum }} stuurden wij u een brief over {{ jongere.naam }}. Wij "
                     "hebben nog niets van u of {{ jongere.voornaam }} gehoord, daarom schrijven wij u nog "
                     "een keer."))
    _tag_paragraph(document, "{%p endif %}")
    # The opening follows from why InBeeld writes: DUO's data show an enrolment that ended (VSV), or
    # no enrolment at all. No school reported anything to us in either case.
    _voices(document,
            (f"{JIJ} and vsv",
             "Volgens de gegevens van DUO (Dienst Uitvoering Onderwijs) ben je onlangs gestopt met je "
             "opleiding en sta je nu niet ingeschreven bij een school of opleiding. Je hebt nog geen "
             "startkwalificatie: een diploma havo, vwo of mbo niveau 2 of hoger."),
            (JIJ,
             "Volgens onze gegevens sta je niet ingeschreven bij een school of opleiding en heb je "
             "nog geen startkwalificatie: een diploma havo, vwo of mbo niveau 2 of hoger."),
            ("vsv",
             "Volgens de gegevens van DUO (Dienst Uitvoering Onderwijs) is {{ jongere.naam }}, geboren op "
             "{{ jongere.geboortedatum }}, onlangs gestopt met de opleiding en staat "
             "{{ jongere.voornaam }} nu niet ingeschreven bij een school of opleiding. "
             "{{ jongere.voornaam }} heeft nog geen startkwalificatie: een diploma havo, vwo of mbo "
             "niveau 2 of hoger."),
            ("else",
             "Volgens onze gegevens staat {{ jongere.naam }}, geboren op {{ jongere.geboortedatum }}, "
             "niet ingeschreven bij een school of opleiding en heeft {{ jongere.voornaam }} nog geen "
             "startkwalificatie: een diploma havo, vwo of mbo niveau 2 of hoger."))
    _voices(document,
            (JIJ,
             "Met een startkwalificatie heb je meer kans op werk dat bij je past. Wij willen graag weten "
             "hoe het met je gaat. Werk je, zoek je een opleiding of kun je wel wat hulp gebruiken? Het "
             "Doorstroompunt (voorheen RMC)" + REGIO + " helpt jongeren tot {{ rmc_leeftijd }} jaar "
             "gratis bij het kiezen van een opleiding, het vinden van werk of het regelen van "
             "ondersteuning."),
            ("else",
             "Met een startkwalificatie heeft een jongere meer kans op werk dat past. Het Doorstroompunt "
             "(voorheen RMC)" + REGIO + " helpt jongeren tot {{ rmc_leeftijd }} jaar gratis bij het "
             "kiezen van een opleiding, het vinden van werk of het regelen van ondersteuning. Wij sturen "
             "{{ jongere.voornaam }} ook zelf een brief, en willen graag weten hoe het met "
             "{{ jongere.voornaam }} gaat."))
    _voices(document,
            (JIJ,
             "Laat je vóór {{ antwoord_voor }} even weten wat je nu doet? Bel of app " + WIE + ", op "
             "{{ afzender.telefoon }} of mail naar {{ afzender.email }}. Dan maken we een afspraak, als je "
             "dat wilt."),
            ("else",
             "Wilt u, of {{ jongere.voornaam }} zelf, vóór {{ antwoord_voor }} laten weten wat "
             "{{ jongere.voornaam }} nu doet? Neem contact op met " + WIE + ", via {{ afzender.telefoon }} "
             "of {{ afzender.email }}. Dan maken wij graag een afspraak met {{ jongere.voornaam }}, en "
             "met u als u dat wilt."))
    _voices(document,
            (JIJ,
             "Heb je inmiddels werk of ben je weer met een opleiding begonnen? Laat het ons dan ook "
             "weten, dan zijn we op de hoogte."),
            ("else",
             "Heeft {{ jongere.voornaam }} inmiddels werk of is {{ jongere.voornaam }} weer met een "
             "opleiding begonnen? Laat het ons dan ook weten, dan zijn wij op de hoogte."))
    _closing(document)
    _small_print(document, GRONDSLAG_DOORSTROOMPUNT + "; startkwalificatie: artikel 1, onder f, van de "
                           "Leerplichtwet 1969.")
    return document


def build_uitnodiging_verzuimgesprek() -> Document:
    """After a verzuimmelding: an invitation to a talk. Three voices: the parents of a minor and,
    at 16-17, the young person (Leerplichtwet art. 21, 21a, 22: the leerplichtambtenaar); from 18 the
    young person under the WEB (the school's melding, the Doorstroompunt's task; no Leerplichtwet),
    cited as the law stood on the letter's date (`wet`: art. 8.1.8a and 8.3.2 before 2026, titel 9.2 and
    art. 9.2.5 from 1 January 2026)."""
    volwassen = "aan_jongere and meerderjarig"
    document = _new_document("Uitnodiging voor een gesprek over schoolverzuim")
    _letterhead(document)
    _address_block(document)
    ouders = _onderwerp("uitnodiging gesprek over het schoolverzuim van {{ jongere.naam }}")
    _meta(document, "{% if aan_jongere %}" + _onderwerp("uitnodiging voor een gesprek over je verzuim")
                    + "{% else %}" + ouders + "{% endif %}")
    _para(document, AANHEF, after=8)
    _tag_paragraph(document, "{%p if herinnering %}")
    _voices(document,
            (JIJ,
             "Op {{ eerdere_brief_datum }} stuurden wij je een uitnodiging. Wij hebben nog niets van je "
             "gehoord. Daarom nodigen wij je opnieuw uit."),
            ("else",
             "Op {{ eerdere_brief_datum }} stuurden wij een uitnodiging. Wij hebben nog geen "
             "reactie ontvangen. Daarom nodigen wij opnieuw uit."))
    _tag_paragraph(document, "{%p endif %}")
    _voices(document,
            (volwassen,
             "{{ melding.school }} heeft op {{ melding.datum }} bij ons gemeld dat je al een tijd "
             "niet naar je opleiding gaat ({{ melding.omschrijving }}). Omdat je nog geen "
             "startkwalificatie hebt (een diploma havo, vwo of mbo niveau 2 of hoger), geeft je "
             "school dat door ({{ wet.melding_verzuim }})."),
            (JIJ,
             "{{ melding.school }} heeft op {{ melding.datum }} bij ons gemeld dat je niet geregeld naar "
             "school gaat ({{ melding.omschrijving }}). Scholen zijn verplicht dit door te geven "
             "(artikel 21 en 21a van de Leerplichtwet 1969)."),
            ("else",
             "{{ melding.school }} heeft op {{ melding.datum }} bij ons gemeld dat "
             "{{ jongere.naam }}, geboren op {{ jongere.geboortedatum }}, de school niet geregeld "
             "bezoekt ({{ melding.omschrijving }}). Scholen zijn verplicht dit door te geven "
             "(artikel 21 en 21a van de Leerplichtwet 1969)."))
    _voices(document,
            (volwassen,
             "Het Doorstroompunt (voorheen RMC)" + REGIO + " helpt jongeren "
             "tot {{ rmc_leeftijd }} jaar zonder startkwalificatie om een opleiding af te maken of "
             "werk te vinden ({{ wet.doorstroompunt_taken }}). Wij willen graag met je bespreken hoe "
             "het gaat en wat je nodig hebt. Daarom nodigen wij je uit voor een gesprek:"),
            (JIJ,
             "De leerplichtambtenaar wil graag met je bespreken wat er aan de hand is en hoe het verzuim "
             "kan stoppen (artikel 22, derde lid). Daarom nodigen wij je uit voor een gesprek:"),
            ("else",
             "De leerplichtambtenaar wil graag met u bespreken wat er aan de hand is en hoe het "
             "verzuim kan stoppen (artikel 22). Daarom nodigen wij u uit voor een gesprek:"))
    for label, value in [("Datum", "{{ gesprek.datum }}"), ("Tijd", "{{ gesprek.tijd }}"),
                         ("Plaats", "{{ gesprek.locatie }}"),
                         ("Met", "{% if afzender.functie %}{{ afzender.naam }}, {{ afzender.functie }}"
                                 "{% else %}een medewerker van {{ afzender.naam }}{% endif %}")]:
        paragraph = _para(document, after=1)
        paragraph.paragraph_format.left_indent = Mm(8)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(30))
        paragraph.add_run(label + "\t").bold = True
        paragraph.add_run(value)
    _para(document, "", after=8)
    _tag_paragraph(document, "{%p if not aan_jongere and jongere.leeftijd >= 12 %}")
    _body(document, "{{ jongere.voornaam }} is {{ jongere.leeftijd }} jaar en is vanaf 12 jaar zelf ook "
                    "verantwoordelijk voor het naar school gaan (artikel 2, derde lid). Wij verwachten "
                    "{{ jongere.voornaam }} daarom ook bij het gesprek.")
    _tag_paragraph(document, "{%p endif %}")
    _voices(document,
            (JIJ,
             "Kun je niet op dit tijdstip? Laat het ons dan vóór {{ antwoord_voor }} weten via "
             "{{ afzender.telefoon }} of {{ afzender.email }}, dan maken we een nieuwe afspraak. Neem "
             "deze brief mee naar het gesprek."),
            ("else",
             "Kunt u niet op dit tijdstip? Neem dan vóór {{ antwoord_voor }} contact op via "
             "{{ afzender.telefoon }} of {{ afzender.email }} voor een nieuwe afspraak. Neem deze "
             "brief mee naar het gesprek."))
    _closing(document)
    _voices(document,
            (volwassen,
             GRONDSLAG_DOORSTROOMPUNT + "; melding van verzuim: {{ wet.melding_verzuim }}."),
            ("else",
             "Wettelijke grondslag: artikelen 2, 21, 21a en 22 van de Leerplichtwet 1969."),
            after=3, size=7.5, grey=True)
    _para(document, PRIVACY, size=7.5, grey=True)
    return document


def build_waarschuwing_verzuim() -> Document:
    """A written warning after a verzuimmelding, written by hand from the dossier (letters/single.py).
    The Leerplichtwet sets no warning: it is the last word before the proces-verbaal of art. 22, and
    says that one may follow (art. 22, 26), which is only true while the young person is leerplichtig
    or kwalificatieplichtig: from 18 none is written (rules/verzuim_steps.py `waarschuwing_mogelijk`).
    Two voices: the parents and, at 16-17, the young person (art. 2 lid 3, 4c: their own duty)."""
    document = _new_document("Schriftelijke waarschuwing schoolverzuim")
    _letterhead(document)
    _address_block(document)
    _meta(document, "{% if aan_jongere %}" + _onderwerp("schriftelijke waarschuwing over je schoolverzuim")
                    + "{% else %}" + _onderwerp("schriftelijke waarschuwing: schoolverzuim van "
                                                "{{ jongere.naam }}") + "{% endif %}")
    _para(document, AANHEF, after=8)
    _voices(document,
            (JIJ,
             "{{ melding.school }} heeft op {{ melding.datum }} bij ons gemeld dat je niet geregeld naar "
             "school gaat ({{ melding.omschrijving }}). De leerplichtambtenaar heeft dit onderzocht "
             "(artikel 22 van de Leerplichtwet 1969)."),
            ("else",
             "{{ melding.school }} heeft op {{ melding.datum }} bij ons gemeld dat {{ jongere.naam }}, "
             "geboren op {{ jongere.geboortedatum }}, de school niet geregeld bezoekt "
             "({{ melding.omschrijving }}). De leerplichtambtenaar heeft dit onderzocht (artikel 22 van "
             "de Leerplichtwet 1969)."))
    _voices(document,
            (JIJ,
             "Je bent {{ jongere.plicht }}. Je moet dus de lessen volgen van de school of opleiding waar "
             "je staat ingeschreven (artikel 2, derde lid, en artikel 4c), en je ouders of verzorgers "
             "moeten ervoor zorgen dat je dat doet (artikel 2, eerste lid, en artikel 4a)."),
            ("else",
             "{{ jongere.voornaam }} is {{ jongere.plicht }}. Als ouder of verzorger zorgt u ervoor dat "
             "{{ jongere.voornaam }} de school geregeld bezoekt (artikel 2, eerste lid"
             "{% if jongere.plicht == 'kwalificatieplichtig' %}, en artikel 4a{% endif %})."))
    _voices(document,
            (JIJ,
             "Met deze brief krijg je een officiële waarschuwing: het verzuim moet nu stoppen. Verzuim "
             "je opnieuw zonder geldige reden, dan kan de leerplichtambtenaar proces-verbaal opmaken "
             "tegen jou en tegen je ouders (artikel 22). De officier van justitie beslist dan over de "
             "zaak; de rechter kan een straf opleggen (artikel 26)."),
            ("else",
             "Met deze brief krijgt u een officiële waarschuwing: het verzuim moet nu stoppen. Verzuimt "
             "{{ jongere.voornaam }} opnieuw zonder geldige reden, dan kan de leerplichtambtenaar "
             "proces-verbaal opmaken tegen u{% if jongere.leeftijd >= 12 %} en tegen "
             "{{ jongere.voornaam }}{% endif %} (artikel 22). De officier van justitie beslist dan over de "
             "zaak; de rechter kan een straf opleggen (artikel 26)."))
    _voices(document,
            (JIJ,
             "Rond {{ antwoord_voor }} vragen wij de school hoe het gaat. Is er iets waardoor naar school "
             "gaan moeilijk voor je is? Neem dan contact op met " + WIE + ", via {{ afzender.telefoon }} "
             "of {{ afzender.email }}. Samen zoeken we een oplossing."),
            ("else",
             "Rond {{ antwoord_voor }} vragen wij de school hoe het gaat. Is er iets waardoor naar school "
             "gaan moeilijk is voor {{ jongere.voornaam }}? Neem dan contact op met " + WIE + ", via "
             "{{ afzender.telefoon }} of {{ afzender.email }}. Samen zoeken wij een oplossing."))
    _tag_paragraph(document, "{%p if not aan_jongere and jongere.leeftijd >= 12 %}")
    _body(document, "{{ jongere.voornaam }} is {{ jongere.leeftijd }} jaar en is vanaf 12 jaar zelf ook "
                    "verantwoordelijk voor het naar school gaan (artikel 2, derde lid). Bespreek deze "
                    "brief daarom ook met {{ jongere.voornaam }}.")
    _tag_paragraph(document, "{%p endif %}")
    _closing(document)
    _small_print(document, "Wettelijke grondslag: artikelen 2, 4a, 4c, 22 en 26 van de Leerplichtwet 1969.")
    return document


def build_herinnering_vrijstelling() -> Document:
    """Reminder to renew a vrijstelling: a new kennisgeving before 1 July."""
    document = _new_document("Vrijstelling van de leerplicht verlengen")
    _letterhead(document)
    _address_block(document)
    _meta(document, _onderwerp("vrijstelling van de leerplicht verlengen voor {{ jongere.naam }}"))
    _para(document, "{{ aanhef }},", after=8)
    _reminder(document, "Op {{ eerdere_brief_datum }} stuurden wij u een brief over het verlengen van de "
                        "vrijstelling. Wij hebben nog geen nieuwe kennisgeving van u ontvangen.")
    _body(document, "Voor {{ jongere.naam }}, geboren op {{ jongere.geboortedatum }}, heeft u een beroep "
                    "gedaan op vrijstelling van de leerplicht wegens {{ vrijstelling.omschrijving }} "
                    "({{ vrijstelling.artikel }} van de Leerplichtwet 1969).")
    _body(document, "Een beroep op vrijstelling geldt voor één schooljaar. Wilt u de vrijstelling ook in "
                    "het schooljaar {{ vrijstelling.schooljaar }} gebruiken, dan moet u dat vóór "
                    "{{ antwoord_voor }} opnieuw aan ons laten weten (artikel 6 van de Leerplichtwet 1969).")
    _body(document, "Stuur bij de kennisgeving mee: {{ vrijstelling.bewijs }}.")
    _body(document, "Heeft u geen nieuwe kennisgeving gedaan, dan geldt de vrijstelling na dit schooljaar "
                    "niet meer en moet {{ jongere.voornaam }} weer op een school worden ingeschreven. "
                    "Vragen? Neem contact op met " + WIE + ", via "
                    "{{ afzender.telefoon }} of {{ afzender.email }}.")
    _closing(document)
    _small_print(document, "Wettelijke grondslag: artikelen 5, 6 en 7 tot en met 9 van de Leerplichtwet "
                           "1969.")
    return document


def build_informatie_leerplicht() -> Document:
    """Information to the parents before leerplicht starts (at the month after the 5th birthday)."""
    document = _new_document("Uw kind wordt leerplichtig")
    _letterhead(document)
    _address_block(document)
    _meta(document, "{{ jongere.voornaam }} wordt leerplichtig")
    _para(document, "{{ aanhef }},", after=8)
    _body(document, "{{ jongere.naam }}, geboren op {{ jongere.geboortedatum }}, "
                    "{% if jongere.leeftijd >= 5 %}is onlangs vijf jaar geworden{% else %}wordt binnenkort "
                    "vijf jaar{% endif %}. "
                    "Vanaf {{ leerplicht_start }} is {{ jongere.voornaam }} leerplichtig: vanaf dan moet "
                    "uw kind op een school staan ingeschreven en elke schooldag naar school gaan "
                    "(artikelen 2 en 3 van de Leerplichtwet 1969).")
    _body(document, "Wij hebben nog geen inschrijving op een basisschool gevonden. Heeft u "
                    "{{ jongere.voornaam }} nog niet aangemeld? Doe dat dan vóór {{ antwoord_voor }} bij "
                    "een school naar keuze. Staat uw kind al ingeschreven, dan hoeft u niets te doen.")
    _tag_paragraph(document, "{%p if not vrijstelling_termijn_voorbij %}")
    _body(document, "Kan uw kind niet naar school, bijvoorbeeld om lichamelijke of psychische redenen? "
                    "Dan kunt u een beroep doen op vrijstelling. Laat ons dat uiterlijk "
                    "{{ vrijstelling_uiterlijk }} weten: één maand voordat de leerplicht begint "
                    "(artikelen 5 en 6 van de Leerplichtwet 1969).")
    _tag_paragraph(document, "{%p else %}")
    _body(document, "Kan uw kind niet naar school, bijvoorbeeld om lichamelijke of psychische redenen? "
                    "Dan kunt u een beroep doen op vrijstelling. De wet vraagt dat u dat uiterlijk één "
                    "maand voordat de leerplicht begint laat weten (artikelen 5 en 6 van de Leerplichtwet "
                    "1969); die datum, {{ vrijstelling_uiterlijk }}, is voorbij. Denkt u toch aan "
                    "vrijstelling? Neem dan zo snel mogelijk contact op met "
                    "{{ afzender.naam }}; dan bespreken wij wat nog kan. Tot er duidelijkheid is, geldt de "
                    "leerplicht vanaf {{ leerplicht_start }}.")
    _tag_paragraph(document, "{%p endif %}")
    _body(document, "Heeft u vragen? Neem contact op met " + WIE + ", via "
                    "{{ afzender.telefoon }} of {{ afzender.email }}.")
    _closing(document)
    _small_print(document, "Wettelijke grondslag: artikelen 2, 3, 5 en 6 van de Leerplichtwet 1969.")
    return document


BUILDERS: dict[str, Callable[[], Document]] = {
    "absoluut_verzuim": build_absoluut_verzuim,
    "doorstroompunt": build_doorstroompunt,
    "uitnodiging_verzuimgesprek": build_uitnodiging_verzuimgesprek,
    "herinnering_vrijstelling": build_herinnering_vrijstelling,
    "informatie_leerplicht": build_informatie_leerplicht,
    "waarschuwing_verzuim": build_waarschuwing_verzuim,
}


def _reproducible(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps so a rebuild gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def build_all(out_dir: Path = TEMPLATE_DIR) -> list[Path]:
    """Write every template to `out_dir`; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in BUILDERS.items():
        buffer = io.BytesIO()
        builder().save(buffer)
        path = out_dir / f"{name}.docx"
        path.write_bytes(_reproducible(buffer.getvalue()))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_DIR):
        print(written_path)
