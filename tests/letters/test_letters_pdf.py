"""PDF through LibreOffice: the merged print file keeps every letter's pages (CI installs soffice)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from letters.kinds import Soort
from letters.pdf import page_count, soffice_path, to_pdf
from letters.render import load, render_merged
from tests.letters.letter_people import context_for, kind

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed; "
                       "apt-get install -y libreoffice-writer-nogui fonts-liberation2"),
]


def test_merged_print_file_converts_with_one_page_count_per_letter(tmp_path: Path) -> None:
    """absoluut_verzuim is 2 pages (letter + answer form), the others 1: no letter spills over, not
    even a reminder about a child with very long names."""
    adult = kind(geboortedatum=date(2006, 3, 15))
    long_name = kind(voornamen="Alexandra Wilhelmina Catharina Josephina", geslachtsnaam="Oldenbarnevelt-Tot")
    items = []
    for number in range(3):
        items.append((load("absoluut_verzuim"),
                      context_for(Soort.ABSOLUUT_VERZUIM, jongere=kind(voornamen=f"Kind{number}"))))
    items.append((load("absoluut_verzuim"),
                  context_for(Soort.ABSOLUUT_VERZUIM, jongere=long_name, eerdere_brief=date(2026, 8, 3))))
    items.append((load("rmc_18_23"), context_for(Soort.RMC_18_23, jongere=adult)))
    items.append((load("uitnodiging_verzuimgesprek"), context_for(Soort.UITNODIGING_VERZUIMGESPREK)))
    items.append((load("herinnering_vrijstelling"), context_for(Soort.HERINNERING_VRIJSTELLING)))
    items.append((load("informatie_leerplicht"), context_for(Soort.INFORMATIE_LEERPLICHT)))
    merged = tmp_path / "drukwerk.docx"
    merged.write_bytes(render_merged(items))
    pdf = to_pdf(merged)
    assert pdf == tmp_path / "drukwerk.pdf"
    assert page_count(pdf) == 4 * 2 + 4
