"""The shipped templates: reproducible, every field documented, every field renders, Dutch content right."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import pytest

from letters import build_templates
from letters.render import TEMPLATE_DIR, load, prepare
from registers.codes import LetterKind
from tests.letters.letter_people import (
    DORPSWEG,
    KIND_BSN,
    MOEDER_BSN,
    VADER_BSN,
    context_for,
    kind,
    moeder,
    ouders,
    vader,
)

README = (Path(__file__).resolve().parents[2] / "letters" / "README.md").read_text(encoding="utf-8")


def _text(data: bytes) -> str:
    """All visible text of a .docx: paragraphs and table cells."""
    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def _paragraphs(data: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("templates")
    return {path.name: path.read_bytes() for path in build_templates.build_all(folder)}


@pytest.mark.parametrize("soort", list(LetterKind))
def test_committed_template_is_what_the_script_builds(soort: LetterKind, built: dict[str, bytes]) -> None:
    assert built[f"{soort.value}.docx"] == (TEMPLATE_DIR / f"{soort.value}.docx").read_bytes()


@pytest.mark.parametrize("soort", list(LetterKind))
def test_every_field_of_the_template_is_documented(soort: LetterKind) -> None:
    fields = load(soort.value).fields()
    assert {"datum", "kenmerk", "adresregels", "jongere.voornaam", "afzender.telefoon"} <= fields
    for name in sorted(fields):
        assert f"`{name}`" in README, f"{soort.value}: field {name} is not in letters/README.md"


@pytest.mark.parametrize("soort", list(LetterKind))
def test_every_template_renders_every_field(soort: LetterKind) -> None:
    """No tag survives rendering (a tag Word split over runs would) and no field is missing."""
    data = load(soort.value).render_docx(context_for(soort, jongere=_jongere_for(soort)))
    text = _text(data)
    for marker in ("{{", "}}", "{%", "%}", "{#"):
        assert marker not in text, f"{soort.value}: {marker!r} left in the letter"
    assert "Amsterdam" in text and "A. Jansen" in text and "LP-000042-01" in text


def _jongere_for(soort: LetterKind):
    return kind(geboortedatum=date(2006, 3, 15)) if soort is LetterKind.DOORSTROOMPUNT else kind()


@pytest.mark.parametrize("soort", list(LetterKind))
def test_no_bsn_and_the_required_content(soort: LetterKind) -> None:
    data = load(soort.value).render_docx(context_for(soort, jongere=_jongere_for(soort)))
    text = _text(data)
    for bsn in (KIND_BSN, VADER_BSN, MOEDER_BSN):
        assert bsn not in text
    assert not re.search(r"\b\d{9}\b", text), "a nine-digit number (BSN-like) is printed"
    assert "Wettelijke grondslag" in text
    assert re.search(r"(Leerplichtwet 1969|Wet educatie en beroepsonderwijs)", text)
    assert "AVG" in text and "www.amsterdam.invalid/privacy" in text
    assert "020 123 4567" in text and "leerplicht@voorbeeldstad.nl" in text  # how to reach the sender
    assert "7 september 2026" in text  # the letter date, in Dutch


def test_absoluut_verzuim_letter_to_both_parents_at_one_address() -> None:
    data = load("absoluut_verzuim").render_docx(context_for(LetterKind.ABSOLUUT_VERZUIM))
    paragraphs = _paragraphs(data)
    block_start = paragraphs.index("De heer J. de Vries")  # the pair is too wide for one window line
    assert paragraphs[block_start + 1: block_start + 4] == [
        "en mevrouw S.M. van der Berg", "Kerkstraat 12 A2", "1017 GC  AMSTERDAM"]
    text = _text(data)
    assert "Geachte heer De Vries en mevrouw Van der Berg," in text
    assert "Sanne Maria de Vries, geboren op 2 september 2015" in text
    assert "is Sanne leerplichtig" in text
    assert "uiterlijk 21 september 2026 terugsturen" in text  # two weeks after 7 September
    assert "artikel 2 van de Leerplichtwet 1969" in text
    assert "ANTWOORDFORMULIER" in text and "Stempel van de school" in text
    assert "Herinnering" not in text


def test_absoluut_verzuim_reminder_names_the_first_letter() -> None:
    context = context_for(LetterKind.ABSOLUUT_VERZUIM, eerdere_brief=date(2026, 8, 3),
                          datum=date(2026, 8, 24))
    text = _text(load("absoluut_verzuim").render_docx(context))
    assert "Herinnering: geen schoolinschrijving bekend van Sanne Maria de Vries" in text
    assert "Op 3 augustus 2026 stuurden wij u een brief" in text


def test_letter_to_unknown_parents() -> None:
    context = context_for(LetterKind.ABSOLUUT_VERZUIM, jongere=kind(ouders=()), personen={})
    paragraphs = _paragraphs(load("absoluut_verzuim").render_docx(context))
    start = paragraphs.index("Aan de ouder(s)/verzorger(s) van")
    assert paragraphs[start + 1: start + 4] == ["Sanne de Vries", "Kerkstraat 12 A2", "1017 GC  AMSTERDAM"]
    assert "Geachte ouder(s)/verzorger(s)," in paragraphs


def test_rmc_letter_to_the_young_person() -> None:
    jongere = kind(voornamen="Daan", voorvoegsel="", geslachtsnaam="Bakker", geslacht="M",
                   geboortedatum=date(2006, 3, 15), adres=DORPSWEG)
    data = load("doorstroompunt").render_docx(context_for(LetterKind.DOORSTROOMPUNT, jongere=jongere))
    paragraphs = _paragraphs(data)
    start = paragraphs.index("De heer D. Bakker")
    assert paragraphs[start + 1: start + 3] == ["Dorpsweg 3", "1234 AB  VOORBEELDSTAD"]
    text = _text(data)
    assert "Beste Daan," in text and "Onderwerp\tWat doe je nu?" in text  # a subject with a capital
    assert "gestopt met je opleiding" in text  # vsv
    assert "vóór 21 september 2026" in text
    assert "hoofdstuk 9, titel 9.2 van de Wet educatie en beroepsonderwijs" in text  # dated 2026
    assert "Wet van school naar duurzaam werk (artikel 9.2.5" in text and "titel 8.3" not in text
    assert "helpt jongeren tot 27 jaar" in text  # the RMC age of the letter date (September 2026)


def test_rmc_letter_names_the_rmc_age_of_its_date() -> None:
    """Before 1 January 2026 the Doorstroompunt helped young people up to 23; the letter says the age of
    the law on its own date, from the dated parameter."""
    jongere = kind(geboortedatum=date(2004, 3, 15), adres=DORPSWEG)
    context = context_for(LetterKind.DOORSTROOMPUNT, jongere=jongere, datum=date(2025, 12, 31))
    before = _text(load("doorstroompunt").render_docx(context))
    assert "helpt jongeren tot 23 jaar" in before
    # and the WEB as it was numbered then (a dated value, rules/law/wet/web.toml `web_doorstroompunt`)
    assert "Wettelijke grondslag: titel 8.3 van de Wet educatie en beroepsonderwijs (artikel 8.3.2" in before
    assert "9.2" not in before and "duurzaam werk" not in before
    context = context_for(LetterKind.DOORSTROOMPUNT, jongere=jongere, datum=date(2026, 1, 1))
    after = _text(load("doorstroompunt").render_docx(context))
    assert "helpt jongeren tot 27 jaar" in after
    assert "titel 9.2 van de Wet educatie en beroepsonderwijs" in after and "titel 8.3" not in after


def test_invitation_asks_a_child_of_twelve_to_come_too() -> None:
    older = kind(geboortedatum=date(2012, 5, 1))
    text = _text(load("uitnodiging_verzuimgesprek").render_docx(
        context_for(LetterKind.UITNODIGING_VERZUIMGESPREK, jongere=older)))
    assert "Het Baken heeft op 1 september 2026 bij ons gemeld" in text
    assert "16 uur of meer ongeoorloofd verzuim in 4 lesweken" in text
    assert "21 september 2026" in text and "10:00 uur" in text and "Stadhuis" in text
    assert "Sanne is 14 jaar" in text
    younger_context = context_for(LetterKind.UITNODIGING_VERZUIMGESPREK)
    younger = _text(load("uitnodiging_verzuimgesprek").render_docx(younger_context))
    assert "vanaf 12 jaar zelf" not in younger


def test_vrijstelling_reminder_says_before_1_july() -> None:
    context = context_for(LetterKind.HERINNERING_VRIJSTELLING)
    text = _text(load("herinnering_vrijstelling").render_docx(context))
    assert "vóór 1 juli 2027 opnieuw aan ons laten weten" in text
    assert "artikel 5, onder a" in text and "2027-2028" in text
    assert "niet ouder dan drie maanden" in text


def test_information_letter_gives_the_start_date() -> None:
    text = _text(load("informatie_leerplicht").render_docx(context_for(LetterKind.INFORMATIE_LEERPLICHT)))
    assert "Vanaf 1 oktober 2026 is Sanne leerplichtig" in text
    assert "artikelen 2 en 3 van de Leerplichtwet 1969" in text


def test_letters_to_parents_living_apart() -> None:
    personen = ouders(vader(adres=DORPSWEG), moeder())
    context_father = context_for(LetterKind.ABSOLUUT_VERZUIM, personen=personen)
    paragraphs = _paragraphs(load("absoluut_verzuim").render_docx(context_father))
    assert "De heer J. de Vries" in paragraphs and "Dorpsweg 3" in paragraphs
    assert "Geachte heer De Vries," in paragraphs


def test_a_tag_word_split_over_runs_still_renders(tmp_path: Path) -> None:
    """Word often saves `{{ jongere.naam }}` as several runs; docxtpl's pre-processing joins them."""
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Naam: {{ jon")
    paragraph.add_run("gere.").bold = True
    paragraph.add_run("naam }} en {")
    paragraph.add_run("{ datum }}")
    path = tmp_path / "split.docx"
    document.save(path)
    data = prepare(path).render_docx({"jongere": {"naam": "Sanne"}, "datum": "7 september 2026"})
    assert "Naam: Sanne en 7 september 2026" in _text(data)
