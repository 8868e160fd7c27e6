"""Fast rendering of docxtpl templates: prepare once, render many.

`DocxTemplate.render` parses the docx, pre-processes its tags, compiles a Jinja template and
serialises the whole package again for every letter (~22 ms). Here each template is prepared
once: the XML parts are patched with docxtpl's own tag pre-processing and compiled once (always
with autoescape), and the other parts are kept as compressed bytes. A letter is then one Jinja
render into the document XML string plus a zip write (see `docx_package`). `render_files` spreads
letters over a process pool in chunks; `render_merged` writes one document with every letter
in its own section (starting on the front of a new sheet, duplex-safe) for the print room.

The pool's workers are started fresh ("spawn"), never forked from the run, and end by themselves
when the run's process is gone: a killed run must leave nothing behind that keeps its locks.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import re
import threading
import time
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, Template, nodes
from markupsafe import Markup, escape

from letters.docx_package import Part, build_zip, read_parts

#: The shipped templates (`letters.build_templates` writes them here); an office's own folder is
#: `[letters] template_dir`.
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

_TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BREAK = Markup('</w:t><w:br/><w:t xml:space="preserve">')
_TAB = Markup('</w:t><w:tab/><w:t xml:space="preserve">')
_DOCXTPL_ESCAPES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_NEEDS_DOCXTPL_FIXUP = re.compile(r"{%-?\s*(tc|colspan|cellbg|vm|hm)\b")


class TemplateProblem(ValueError):
    """A template that cannot be prepared (broken tags, tags where the renderer cannot take them)."""


def _xml_value(value: Any) -> Any:
    """Jinja `finalize`: every printed value becomes text that is safe inside `<w:t>`.

    None prints as nothing; characters XML 1.0 forbids are dropped; a newline becomes a line
    break and a tab a tab, inside the same run. Autoescape then escapes `&`, `<`, `>` and quotes.
    """
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value
    text = _INVALID_XML_CHARS.sub("", str(value))
    if "\n" in text or "\t" in text or "\r" in text:
        lines = text.replace("\r\n", "\n").replace("\r", "\n")
        return Markup(escape(lines)).replace("\n", _BREAK).replace("\t", _TAB)
    return text


def make_environment() -> Environment:
    """The one Jinja environment for letters: autoescape always on, missing fields are errors."""
    return Environment(autoescape=True, undefined=StrictUndefined, finalize=_xml_value,
                       keep_trailing_newline=True)


def _patch(xml: str) -> str:
    """docxtpl's own pre-processing: joins tags Word split over runs, handles `{%p`/`{%tr` etc."""
    return DocxTemplate.patch_xml(None, xml)  # patch_xml does not use the instance


def _unescape_docxtpl(xml: str) -> str:
    for escaped, plain in _DOCXTPL_ESCAPES:
        xml = xml.replace(escaped, plain)
    return xml


@dataclass(frozen=True)
class PreparedTemplate:
    """A template ready to render: compiled XML parts and the copied rest."""

    name: str
    parts: tuple[Part, ...]
    compiled: Mapping[str, Template]
    body: Template  # the inside of <w:body> without its final <w:sectPr>, for merged documents
    document_head: str  # document.xml up to and including <w:body>
    section: str  # the final <w:sectPr>…</w:sectPr> of the body
    document_tail: str  # </w:body></w:document>
    unescape: bool  # the template uses docxtpl's {_{ escapes
    frame: tuple[tuple[str, int, int], ...]  # identity of the non-document parts (styles, rels, …)
    sources: Mapping[str, str]  # the patched Jinja source per templated part

    def fields(self) -> set[str]:
        """Every field the template reads: `datum`, `jongere.naam` (loop variables excluded).

        Lets a run check an edited template against the documented fields before printing.
        """
        environment = make_environment()
        found: set[str] = set()
        for source in self.sources.values():
            tree = environment.parse(source)
            assigned = {name.name for loop in tree.find_all(nodes.For)
                        for name in [loop.target, *loop.target.find_all(nodes.Name)]
                        if isinstance(name, nodes.Name)}
            for node in tree.find_all((nodes.Getattr, nodes.Name)):
                if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
                    if node.node.name not in assigned:
                        found.add(f"{node.node.name}.{node.attr}")
                elif isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in assigned:
                    found.add(node.name)
        parents = {name.split(".")[0] for name in found if "." in name}
        return found - parents

    def render_part(self, part_name: str, context: Mapping[str, Any]) -> str:
        xml = self.compiled[part_name].render(context)
        return _unescape_docxtpl(xml) if self.unescape else xml

    def render_docx(self, context: Mapping[str, Any]) -> bytes:
        """One complete .docx for one letter."""
        rendered = {name: self.render_part(name, context).encode("utf-8") for name in self.compiled}
        return build_zip(list(self.parts), rendered)

    def render_body(self, context: Mapping[str, Any]) -> str:
        xml = self.body.render(context)
        return _unescape_docxtpl(xml) if self.unescape else xml


def prepare(path: Path | str, environment: Environment | None = None) -> PreparedTemplate:
    """Read, patch and compile a template once."""
    path = Path(path)
    environment = environment or make_environment()
    parts, texts = read_parts(path)
    if "word/document.xml" not in texts:
        raise TemplateProblem(f"{path}: no word/document.xml, not a Word document")
    compiled: dict[str, Template] = {}
    sources: dict[str, str] = {}
    patched_document = ""
    uses_escapes = False
    for name, data in texts.items():
        if not _TEMPLATED_PART.match(name):
            continue
        source = data.decode("utf-8")
        if _NEEDS_DOCXTPL_FIXUP.search(source):
            raise TemplateProblem(f"{path}: {name} uses table-cell tags (tc, colspan, cellbg, vm, hm); "
                                  "the fast renderer supports text, paragraph, row and run tags only")
        patched = _patch(source)
        uses_escapes = uses_escapes or any(escaped in patched for escaped, _ in _DOCXTPL_ESCAPES)
        try:
            compiled[name] = environment.from_string(patched)
            sources[name] = patched
        except Exception as exc:  # jinja2.TemplateSyntaxError and friends: name the file and part
            raise TemplateProblem(f"{path}: {name}: {exc}") from exc
        if name == "word/document.xml":
            patched_document = patched
    head, body, section, tail = _split_body(path, patched_document)
    try:
        body_template = environment.from_string(body)
    except Exception as exc:
        raise TemplateProblem(f"{path}: the body cannot be compiled on its own: {exc}") from exc
    frame = (*((p.name, p.crc, p.size) for p in parts
               if p.name != "word/document.xml" and not p.name.startswith("docProps/")),
             _head_identity(head))
    return PreparedTemplate(path.stem, tuple(parts), compiled, body_template, head, section, tail,
                            uses_escapes, frame, sources)


def _split_body(path: Path, xml: str, allow_tags: bool = False) -> tuple[str, str, str, str]:
    """head (up to <w:body>), body, the final <w:sectPr>, tail; tags only in the body."""
    body_open = re.search(r"<w:body\s*>", xml)
    section_start = xml.rfind("<w:sectPr")
    body_close = xml.rfind("</w:body>")
    if not body_open or section_start < body_open.end() or body_close < section_start:
        raise TemplateProblem(f"{path}: document.xml has no <w:body> ending in a <w:sectPr>")
    head, body = xml[: body_open.end()], xml[body_open.end(): section_start]
    section, tail = xml[section_start:body_close], xml[body_close:]
    if not allow_tags and ("{{" in head + section + tail or "{%" in head + section + tail):
        raise TemplateProblem(f"{path}: template tags outside the document body")
    return head, body, section, tail


@lru_cache(maxsize=64)
def load(name_or_path: str, template_dir: str | None = None) -> PreparedTemplate:
    """A prepared template by name (`absoluut_verzuim`) or path, cached per process."""
    path = Path(name_or_path)
    if path.suffix != ".docx":
        path = Path(template_dir or TEMPLATE_DIR) / f"{name_or_path}.docx"
    return prepare(path)


# -- many letters, many files ---------------------------------------------------------------------

@dataclass(frozen=True)
class LetterJob:
    """One letter to write: which template, the filled-in fields, and where the file goes."""

    template: str
    context: Mapping[str, Any]
    path: Path


def _write(job: LetterJob, template_dir: str | None) -> tuple[str, int]:
    data = load(job.template, template_dir).render_docx(job.context)
    tmp = job.path.with_name(job.path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, job.path)  # never a half-written letter under the real name
    return str(job.path), len(data)


def _write_chunk(jobs: Sequence[LetterJob], template_dir: str | None) -> list[tuple[str, int]]:
    return [_write(job, template_dir) for job in jobs]


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start: start + size]


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


PARENT_CHECK_SECONDS = 0.5


def _pool(workers: int) -> ProcessPoolExecutor:
    """The letter-writing pool. Spawned, not forked: a forked worker holds copies of every file and
    socket the run has open (the run lock's flock, the PostgreSQL advisory lock's connection, the
    letter folder's lock), so after a SIGKILL of the run it kept them, and the rerun that should
    complete the killed run was refused as "another run is working". (Forking the threaded Prefect
    process is not safe either.) Each worker also watches for the run's end (`_end_with`)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_end_with, initargs=(os.getpid(),))


def _end_with(parent: int) -> None:
    """Worker start: end the worker once `parent` is gone. A worker waits for work forever, so one
    whose run was killed would otherwise stay until the machine restarts."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def render_files(jobs: Sequence[LetterJob], workers: int | None = None, chunk_size: int = 50,
                 template_dir: Path | str | None = None) -> list[tuple[str, int]]:
    """Write every job's .docx; returns (path, bytes) per job in order.

    With more than one worker and enough letters, chunks go to a process pool; each worker
    prepares a template the first time it meets it.
    """
    workers = workers or default_workers()
    folder = str(template_dir) if template_dir else None
    if workers == 1 or len(jobs) <= chunk_size:
        return _write_chunk(jobs, folder)
    results: list[tuple[str, int]] = []
    with _pool(workers) as pool:
        for chunk_result in pool.map(_write_chunk, _chunks(jobs, chunk_size),
                                     [folder] * ((len(jobs) + chunk_size - 1) // chunk_size)):
            results.extend(chunk_result)
    return results


# -- one merged document for the print room -------------------------------------------------------

_DOC_PR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")\d+')
_SECTION_BREAK = (
    '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
    '<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>{section}</w:pPr></w:p>'
)


def _section_with_restart(section: str) -> str:
    """The letter's own page setup, numbering pages from 1 again (so 'pagina 1' is per letter), and
    starting on an odd page: printed duplex, every letter begins on the front of a new sheet, so a
    reply form is never on the back of another family's letter. Word and LibreOffice put in the
    blank page a letter with an odd number of pages needs (the PDF keeps it: letters.pdf)."""
    section = re.sub(r"<w:pgNumType[^>]*/>", "", section)
    section = re.sub(r"<w:type\b[^>]*/>", "", section)
    section = re.sub(r"(<w:pgSz\b)", r'<w:type w:val="oddPage"/>\1', section, count=1)
    return re.sub(r"(<w:pgSz[^>]*/>)", r'\1<w:pgNumType w:start="1"/>', section, count=1)


def _merge_pieces(head: str, tail: str, pieces: Iterable[tuple[str, str]]) -> str:
    """document.xml from (body, section) pieces: every piece its own section on a new page."""
    pieces = list(pieces)
    chunks = [head]
    last = len(pieces) - 1
    for index, (body, section) in enumerate(pieces):
        chunks.append(body)
        section = _section_with_restart(section)
        chunks.append(section if index == last else _SECTION_BREAK.format(section=section))
    chunks.append(tail)
    document = "".join(chunks)
    if "docPr" in document:  # pictures repeated per letter need unique drawing ids
        counter = iter(range(1000, 1 << 30))
        document = _DOC_PR_ID.sub(lambda m: f"{m.group(1)}{next(counter)}", document)
    return document


def merged_document_xml(items: Sequence[tuple[PreparedTemplate, Mapping[str, Any]]]) -> str:
    """document.xml with every letter in its own section, each starting on a new page."""
    if not items:
        raise ValueError("no letters to merge")
    first = items[0][0]
    for template, _ in items:
        if template.frame != first.frame:
            raise TemplateProblem(f"{template.name} and {first.name} have different styles or parts; "
                                  "merge them into separate print files")
    return _merge_pieces(first.document_head, first.document_tail,
                         ((template.render_body(context), template.section) for template, context in items))


def render_merged(items: Sequence[tuple[PreparedTemplate, Mapping[str, Any]]], level: int = 1) -> bytes:
    """One .docx holding every letter; headers and footers are rendered with the first letter.

    All templates must share their styles and other parts (`frame`); the shipped ones do.
    Compression level 1: a print file is large, repetitive and short-lived.
    """
    document = merged_document_xml(items)
    first_template, first_context = items[0]
    rendered = {"word/document.xml": document.encode("utf-8")}
    for name in first_template.compiled:
        if name != "word/document.xml":
            rendered[name] = first_template.render_part(name, first_context).encode("utf-8")
    return build_zip(list(first_template.parts), rendered, level=level)


def _head_identity(head: str) -> tuple[str, int, int]:
    """The document root with its namespace declarations: bodies merge only under the same root."""
    return ("word/document.xml#head", zlib.crc32(head.encode("utf-8")), len(head))


def _read_letter(path: Path | str) -> tuple[tuple[tuple[str, int, int], ...], str]:
    """A letter file's frame (its parts other than the text, and the document root) and its XML."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
        infos = archive.infolist()
    body_open = re.search(r"<w:body\s*>", xml)
    head = xml[: body_open.end()] if body_open else xml
    frame = (*((info.filename, info.CRC, info.file_size) for info in infos
               if info.filename != "word/document.xml" and not info.filename.startswith("docProps/")),
             _head_identity(head))
    return frame, xml


_TITLE = re.compile(r"(<dc:title>)(.*?)(</dc:title>)", re.S)


def letter_title(path: Path | str) -> str:
    """The title in a letter file's properties (the template's: "Wat doe je nu?")."""
    with zipfile.ZipFile(path) as archive:
        try:
            core = archive.read("docProps/core.xml").decode("utf-8")
        except KeyError:
            return ""
    found = _TITLE.search(core)
    return html.unescape(found.group(2)) if found else ""


def print_file_title(titles: Sequence[str]) -> str:
    """`Drukwerk, 3 brieven: 2 × Geen schoolinschrijving bekend, 1 × Wat doe je nu?`: what a print
    file holds, for its title (and so its PDF's), in the order the kinds come."""
    counts: dict[str, int] = {}
    for title in titles:
        counts[title or "brief"] = counts.get(title or "brief", 0) + 1
    kinds = ", ".join(f"{count} × {title}" for title, count in counts.items())
    return f"Drukwerk, {len(titles)} {'brief' if len(titles) == 1 else 'brieven'}: {kinds}"


def _with_title(texts: Mapping[str, bytes], title: str) -> dict[str, bytes]:
    """The core properties part with `title` as its title (empty when the package has none)."""
    core = texts.get("docProps/core.xml")
    if core is None:
        return {}
    text = core.decode("utf-8")
    escaped = html.escape(title, quote=False)
    if _TITLE.search(text):
        text = _TITLE.sub(lambda m: m.group(1) + escaped + m.group(3), text, count=1)
    else:
        text = text.replace("</cp:coreProperties>", f"<dc:title>{escaped}</dc:title></cp:coreProperties>")
    return {"docProps/core.xml": text.encode("utf-8")}


def _merge_read(paths: Sequence[Path | str], xmls: Sequence[str], level: int) -> bytes:
    head = tail = ""
    pieces: list[tuple[str, str]] = []
    for path, xml in zip(paths, xmls, strict=True):
        head_, body, section, tail_ = _split_body(Path(path), xml, allow_tags=True)
        head, tail = head or head_, tail or tail_
        pieces.append((body, section))
    parts, texts = read_parts(paths[0])
    document = _merge_pieces(head, tail, pieces)
    rendered = {"word/document.xml": document.encode("utf-8"),
                **_with_title(texts, print_file_title([letter_title(path) for path in paths]))}
    return build_zip(parts, rendered, level=level)


def merge_files(paths: Sequence[Path | str], level: int = 1) -> bytes:
    """One print file from letter files written by this renderer, in the order given.

    Merging the files (not re-rendering) makes the print file exactly the letters on record. The
    files must share their frame (the parts other than the text); headers and footers are the first file's.
    """
    groups = merge_files_grouped(paths, level)
    if len(groups) > 1:
        raise TemplateProblem(f"{groups[1][0][0]} has other styles or parts than {paths[0]}; "
                              "merge them into separate print files")
    return groups[0][1]


def merge_files_grouped(paths: Sequence[Path | str], level: int = 1
                        ) -> list[tuple[list[Path | str], bytes]]:
    """Print files for letter files of possibly different templates: one per frame, in the order the
    frames first occur, each with the files it holds. Every file is read once."""
    if not paths:
        raise ValueError("no letters to merge")
    groups: dict[tuple, tuple[list[Path | str], list[str]]] = {}
    for path in paths:
        frame, xml = _read_letter(path)
        members, xmls = groups.setdefault(frame, ([], []))
        members.append(path)
        xmls.append(xml)
    return [(members, _merge_read(members, xmls, level)) for members, xmls in groups.values()]
