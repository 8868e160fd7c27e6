"""The one place where InBeeld parses XML: no DOCTYPE, no entities, no network, no huge trees.

docs/spec.md §6: XML parsing never resolves external entities. docs/formats.md: any DOCTYPE or entity
declaration refuses the file. Two layers, so that one mistake is not enough: the prolog bytes are
checked before parsing, and the parser itself is hardened (resolve_entities=False,
no_network=True, load_dtd=False, huge_tree=False). Every XML reader uses `safe_iterparse` (large
files, constant memory) or `safe_parser` / `parse_bytes` (small documents, XSD validation), and
every XSD InBeeld ships is loaded with `load_schema`. A large file read in parallel parts
(`connectors/xml_chunks.py`) goes through `pull_parser` and `parse_fragment`, with the same options
as `safe_iterparse`. `tests/privacy/test_xml_parsing.py` fails when
a module outside this one calls lxml's parsers directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from connectors.errors import RefusedFile

PROLOG_LIMIT = 1 << 16
_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                       dtd_validation=False)
# the tree `safe_iterparse` builds: a part of a file read on its own must give the same elements
_STREAM_OPTIONS = dict(_PARSER_OPTIONS, remove_blank_text=True, remove_comments=True, remove_pis=True)


class NotWellFormed(Exception):
    """A part of a file that does not parse on its own (the caller reads the whole file in one
    pass, which names the exact line and error)."""


def safe_parser(**extra: object) -> etree.XMLParser:
    """A hardened lxml parser (pass `schema=` for XSD validation while parsing)."""
    return etree.XMLParser(**_PARSER_OPTIONS, **extra)


def load_schema(path: Path) -> etree.XMLSchema:
    """An XSD shipped with InBeeld, parsed with the hardened parser (imports only from local files)."""
    return etree.XMLSchema(etree.parse(str(path), safe_parser()))


def _prolog(head: bytes) -> bytes:
    """Everything before the root element's start tag (comments and PIs included)."""
    pos = 0
    while True:
        lt = head.find(b"<", pos)
        if lt < 0 or lt + 1 >= len(head):
            return head
        nxt = head[lt + 1:lt + 2]
        if nxt == b"?":
            end = head.find(b"?>", lt)
        elif head.startswith(b"<!--", lt):
            end = head.find(b"-->", lt)
        elif nxt == b"!":
            return head  # a declaration (DOCTYPE, ENTITY, CDATA before root): checked below
        else:
            return head[:lt]
        if end < 0:
            return head
        pos = end + 2


def check_prolog(path: Path, head: bytes | None = None) -> str | None:
    """Refuse a DOCTYPE or entity declaration; return the declared encoding (lower case) if any."""
    if head is None:
        with path.open("rb") as handle:
            head = handle.read(PROLOG_LIMIT)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RefusedFile(path, 1, None, "XML in UTF-16 wordt niet aanvaard: lever UTF-8 (of cp1252)")
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    prolog = _prolog(body.lstrip())
    match = _FORBIDDEN.search(prolog)
    if match:
        line = body[:body.find(match[0])].count(b"\n") + 1
        raise RefusedFile(path, line, match[1].decode().upper(),
                          "XML met een DOCTYPE of een entity-declaratie wordt geweigerd "
                          "(geen entities, geen DTD's)")
    declared = _DECL_ENCODING.match(body.lstrip())
    return declared[1].decode().lower() if declared else None


def safe_iterparse(
    path: Path, tag: str | None = None, events: tuple[str, ...] = ("end",), encoding: str | None = None
) -> Iterator[tuple[str, etree._Element]]:
    """`lxml.etree.iterparse` with the hardened options; a parse error becomes RefusedFile
    (file, line, element). `encoding` overrides the document's declaration (a detected cp1252)."""
    check_prolog(path)
    options = dict(_PARSER_OPTIONS)
    options.pop("dtd_validation")
    context = etree.iterparse(str(path), events=events, tag=tag, encoding=encoding, remove_blank_text=True,
                              remove_comments=True, remove_pis=True, **options)
    try:
        yield from context
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise RefusedFile(path, line, None, f"XML niet welgevormd: {exc.msg}") from exc
    docinfo = context.root.getroottree().docinfo if context.root is not None else None
    if docinfo is not None and (docinfo.doctype or docinfo.internalDTD is not None):
        raise RefusedFile(path, 1, "DOCTYPE", "XML met een DOCTYPE wordt geweigerd")


def parse_bytes(data: bytes, source: str | Path = "<bytes>", schema: etree.XMLSchema | None = None
                ) -> etree._Element:
    """Parse a small document with the hardened parser (and validate it when `schema` is given)."""
    path = Path(str(source))
    check_prolog(path, data[:PROLOG_LIMIT])
    try:
        root = etree.fromstring(data, safe_parser(schema=schema) if schema is not None else safe_parser())
    except etree.XMLSyntaxError as exc:
        raise RefusedFile(path, exc.lineno or None, None,
                          f"XML niet welgevormd of niet geldig: {exc.msg}") from exc
    if root.getroottree().docinfo.doctype:
        raise RefusedFile(path, 1, "DOCTYPE", "XML met een DOCTYPE wordt geweigerd")
    return root


def pull_parser(encoding: str | None = None) -> etree.XMLPullParser:
    """A hardened push parser reporting start and end events, for the head of a file split in parts:
    feed it, read the open elements from its events, feed the end tags that close them, close it."""
    options = dict(_STREAM_OPTIONS)
    options.pop("dtd_validation")
    return etree.XMLPullParser(events=("start", "end"), encoding=encoding, **options)


def parse_fragment(data: bytes, encoding: str | None = None) -> etree._Element:
    """One part of a large file made into a document of its own (wrapped in the namespace context it
    had): the hardened parser, the tree `safe_iterparse` builds; `NotWellFormed` if it does not parse."""
    parser = etree.XMLParser(encoding=encoding, **_STREAM_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise NotWellFormed(f"line {exc.lineno}: {exc.msg}") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise NotWellFormed("DOCTYPE")
    return root


def walk_ends(root: etree._Element, tag: str) -> Iterator[etree._Element]:
    """The elements named `tag` below `root` in the order `safe_iterparse` reports their end events."""
    for _, element in etree.iterwalk(root, events=("end",), tag=tag):
        yield element
