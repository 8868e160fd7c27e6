"""PDF through LibreOffice: the merged print file keeps every letter's pages (CI installs soffice)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from letters.pdf import page_count, soffice_path, to_pdf
from letters.render import load, render_merged
from registers.codes import LetterKind
from tests.letters.letter_people import context_for, kind

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed; "
                       "apt-get install -y libreoffice-writer-nogui fonts-liberation2"),
]


def test_merged_print_file_converts_with_one_page_count_per_letter(tmp_path: Path) -> None:
    """absoluut_verzuim is 2 pages (letter + answer form), the others 1: no letter spills over, not
    even a reminder about a child with very long names; printed duplex, every letter starts on the
    front of a new sheet (a blank back after a one-page letter), so an answer form is never on the
    back of another family's letter."""
    adult = kind(geboortedatum=date(2006, 3, 15))
    long_name = kind(voornamen="Alexandra Wilhelmina Catharina Josephina", geslachtsnaam="Oldenbarnevelt-Tot")
    items = []
    for number in range(3):
        items.append((load("absoluut_verzuim"),
                      context_for(LetterKind.ABSOLUUT_VERZUIM, jongere=kind(voornamen=f"Kind{number}"))))
    items.append((load("absoluut_verzuim"),
                  context_for(LetterKind.ABSOLUUT_VERZUIM, jongere=long_name,
                              eerdere_brief=date(2026, 8, 3))))
    items.append((load("doorstroompunt"), context_for(LetterKind.DOORSTROOMPUNT, jongere=adult)))
    items.append((load("uitnodiging_verzuimgesprek"), context_for(LetterKind.UITNODIGING_VERZUIMGESPREK)))
    items.append((load("herinnering_vrijstelling"), context_for(LetterKind.HERINNERING_VRIJSTELLING)))
    items.append((load("informatie_leerplicht"), context_for(LetterKind.INFORMATIE_LEERPLICHT)))
    merged = tmp_path / "drukwerk.docx"
    merged.write_bytes(render_merged(items))
    pdf = to_pdf(merged)
    assert pdf == tmp_path / "drukwerk.pdf"
    # duplex: each one-page letter is followed by a blank back, except the last
    assert page_count(pdf) == 4 * 2 + 3 * 2 + 1
    pages = page_texts(pdf)
    assert len(pages) == page_count(pdf)
    starts = [number for number, text in enumerate(pages, start=1) if text.startswith("Gemeente Amsterdam")]
    assert starts == [1, 3, 5, 7, 9, 11, 13, 15]  # every letter on the front of a new sheet
    assert [number for number, text in enumerate(pages, start=1) if not text] == [10, 12, 14]
    assert all(pages[number].startswith("ANTWOORDFORMULIER") for number in (1, 3, 5, 7))  # on the back


def page_texts(pdf: Path) -> list[str]:
    """The text of every page of the real PDF (poppler's pdftotext; pages end with a form feed)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [page.strip() for page in text.split("\f")][:-1]
