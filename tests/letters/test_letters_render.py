"""The fast renderer: escaping, valid packages, one file per letter in parallel, the merged print file."""

from __future__ import annotations

import fcntl
import io
import os
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from jinja2 import UndefinedError

from letters import render
from letters.render import (
    TEMPLATE_DIR,
    LetterJob,
    TemplateProblem,
    load,
    merge_files,
    merge_files_grouped,
    prepare,
    render_files,
    render_merged,
)
from registers.codes import LetterKind
from tests.letters.letter_people import context_for, kind, moeder, ouders, vader


def _paragraphs(data: bytes) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(io.BytesIO(data)).paragraphs]


def test_ampersand_and_angle_brackets_in_names_do_not_corrupt_the_letter() -> None:
    nasty = kind(voornamen="Anne & <Bo>", geslachtsnaam='O"Brien & Zn')
    personen = ouders(vader(geslachtsnaam="Smit & Co <BV>"), moeder())
    context = context_for(LetterKind.ABSOLUUT_VERZUIM, jongere=nasty, personen=personen)
    data = load("absoluut_verzuim").render_docx(context)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    paragraphs = _paragraphs(data)  # python-docx parses the XML: a stray & or < would raise here
    assert "De heer J. de Smit & Co <BV>" in paragraphs
    assert any('Anne & <Bo> de O"Brien & Zn, geboren op 2 september 2015' in p for p in paragraphs)


def test_control_characters_are_dropped_and_newlines_become_breaks() -> None:
    context = context_for(LetterKind.INFORMATIE_LEERPLICHT)
    context["afzender"] = dict(context["afzender"], naam="A.\x0b Jansen\x00",
                               functie="leerplicht-\nambtenaar")
    data = load("informatie_leerplicht").render_docx(context)
    paragraphs = _paragraphs(data)
    assert "A. Jansen" in paragraphs
    assert "leerplicht-\nambtenaar" in paragraphs  # python-docx reads <w:br/> as a newline
    assert b"<w:br/>" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def test_a_missing_field_is_an_error_not_an_empty_spot() -> None:
    context = context_for(LetterKind.ABSOLUUT_VERZUIM)
    del context["kenmerk"]
    with pytest.raises(UndefinedError):
        load("absoluut_verzuim").render_docx(context)


def test_static_parts_are_copied_byte_for_byte() -> None:
    adult = kind(geboortedatum=date(2006, 3, 15))
    data = load("doorstroompunt").render_docx(context_for(LetterKind.DOORSTROOMPUNT, jongere=adult))
    rendered = zipfile.ZipFile(io.BytesIO(data))
    original = zipfile.ZipFile(TEMPLATE_DIR / "doorstroompunt.docx")
    assert rendered.namelist() == original.namelist()
    for name in original.namelist():
        if name != "word/document.xml":
            assert rendered.read(name) == original.read(name), name
    assert rendered.read("word/document.xml") != original.read("word/document.xml")


def test_render_files_in_parallel_writes_every_letter(tmp_path: Path) -> None:
    jobs = []
    for number in range(120):
        soort = [LetterKind.ABSOLUUT_VERZUIM, LetterKind.INFORMATIE_LEERPLICHT][number % 2]
        context = context_for(soort, jongere=kind(voornamen=f"Kind{number}"))
        jobs.append(LetterJob(soort.template, context, tmp_path / f"brief-{number:03d}.docx"))
    results = render_files(jobs, workers=2, chunk_size=25)
    assert [Path(path).name for path, _ in results] == [f"brief-{n:03d}.docx" for n in range(120)]
    assert not list(tmp_path.glob("*.part"))
    for number in (0, 57, 119):
        text = "\n".join(_paragraphs((tmp_path / f"brief-{number:03d}.docx").read_bytes()))
        assert f"Kind{number} de Vries" in text


def _open_files() -> list[str]:
    return [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
            if os.path.exists(f"/proc/self/fd/{fd}")]


def test_pool_workers_hold_none_of_the_runs_open_files(tmp_path: Path) -> None:
    """A worker that held the run lock's file would keep the lock after the run was killed."""
    lock = tmp_path / "inbeeld.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with render._pool(1) as pool:
            held = pool.submit(_open_files).result()
            parent = pool.submit(os.getppid).result()
    assert str(lock) not in held
    assert parent == os.getpid()  # the worker's watch (`_end_with`) follows this process


def test_merged_print_file_has_every_letter_in_its_own_section() -> None:
    absoluut, informatie = load("absoluut_verzuim"), load("informatie_leerplicht")
    items = [(absoluut, context_for(LetterKind.ABSOLUUT_VERZUIM, jongere=kind(voornamen=f"Kind{n}")))
             for n in range(3)]
    items.append((informatie,
                  context_for(LetterKind.INFORMATIE_LEERPLICHT, jongere=kind(voornamen="Laatste"))))
    data = render_merged(items)
    document = docx.Document(io.BytesIO(data))
    assert len(document.sections) == 4
    assert all(round(section.page_width.mm) == 210 for section in document.sections)
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    positions = [text.index(f"{name} de Vries") for name in ("Kind0", "Kind1", "Kind2", "Laatste")]
    assert positions == sorted(positions)
    assert text.count("ANTWOORDFORMULIER") == 3


def test_templates_with_different_styles_cannot_share_a_print_file(tmp_path: Path) -> None:
    other = docx.Document()
    other.styles["Normal"].font.size = docx.shared.Pt(13)
    other.add_paragraph("{{ datum }}")
    path = tmp_path / "ander.docx"
    other.save(path)
    items = [(load("doorstroompunt"), {"datum": "x"}), (prepare(path), {"datum": "y"})]
    with pytest.raises(TemplateProblem, match="separate print files"):
        render_merged(items)


def test_table_cell_tags_are_refused_clearly(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=1)
    table.rows[0].cells[0].paragraphs[0].add_run("{%tc for x in y %}{{ x }}{%tc endfor %}")
    path = tmp_path / "tc.docx"
    document.save(path)
    with pytest.raises(TemplateProblem, match="table-cell tags"):
        prepare(path)


def test_print_files_from_letter_files_one_per_frame(tmp_path: Path) -> None:
    other = docx.Document()
    other.styles["Normal"].font.size = docx.shared.Pt(13)
    other.add_paragraph("Brief over {{ jongere.naam }}")
    other.save(tmp_path / "ander.docx")
    jobs = [LetterJob("absoluut_verzuim",
                      context_for(LetterKind.ABSOLUUT_VERZUIM, jongere=kind(voornamen="Een")),
                      tmp_path / "1.docx"),
            LetterJob(str(tmp_path / "ander.docx"), {"jongere": {"naam": "Twee & co"}}, tmp_path / "2.docx"),
            LetterJob("informatie_leerplicht",
                      context_for(LetterKind.INFORMATIE_LEERPLICHT, jongere=kind(voornamen="Drie")),
                      tmp_path / "3.docx")]
    render_files(jobs, workers=1)
    groups = merge_files_grouped([job.path for job in jobs])
    assert [[Path(p).name for p in members] for members, _ in groups] == [["1.docx", "3.docx"], ["2.docx"]]
    first = docx.Document(io.BytesIO(groups[0][1]))
    assert len(first.sections) == 2
    # the print file's title (and so its PDF's) says what it holds, not the first template's title
    assert first.core_properties.title == ("Drukwerk, 2 brieven: 1 × Geen schoolinschrijving bekend, "
                                           "1 × Uw kind wordt leerplichtig")
    text = "\n".join(p.text for p in first.paragraphs)
    assert text.index("Een de Vries") < text.index("Drie de Vries")
    assert [p.text for p in docx.Document(io.BytesIO(groups[1][1])).paragraphs] == ["Brief over Twee & co"]
    with pytest.raises(TemplateProblem, match="separate print files"):
        merge_files([job.path for job in jobs])
