"""Splitting a large XML file into parts that parse on their own, so that they can be parsed in parallel.

Splits fall right after an end tag of a repeated element (the StUF-BG person `object`), found by
pattern in the bytes. The head (prolog, the envelope's start tags and the first such element) is
parsed with end tags added for the elements still open; those open elements give every middle part
its namespace context (a wrapper element declaring the namespaces in scope) and the tail (what
follows the last such end tag) its start tags.

Why a part that parses can be trusted: it is balanced and ends in that end tag, so the end tag is
real (not in a comment, CDATA section, processing instruction or attribute) and at the level of the
split, and the next part starts where this one ended. A split anywhere else (a comment holding the
end tag, a nested element of the same name) leaves a part that does not parse: `NotWellFormed`, and
the caller reads the file in one pass, which also names the exact line of a real error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

from lxml import etree

from connectors.xml_safety import NotWellFormed, parse_fragment, pull_parser

WINDOW = 1 << 16  # bytes looked at for a split; doubled while none is found
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def end_tag(local: str) -> re.Pattern[bytes]:
    """`</local>` or `</prefix:local>` (any prefix, optional white space before `>`)."""
    return re.compile(rb"</(?:[^\s<>/:!?]+:)?" + re.escape(local.encode()) + rb"\s*>")


def first_end(handle: BinaryIO, pattern: re.Pattern[bytes]) -> int | None:
    """Offset just after the first match in the file, or None."""
    size = WINDOW
    while True:
        handle.seek(0)
        data = handle.read(size)
        found = pattern.search(data)
        if found:
            return found.end()
        if len(data) < size:
            return None
        size *= 2


def last_end(handle: BinaryIO, pattern: re.Pattern[bytes]) -> int | None:
    """Offset just after the last match in the file, or None."""
    total = handle.seek(0, 2)
    size = WINDOW
    while True:
        start = max(0, total - size)
        handle.seek(start)
        ends = [found.end() for found in pattern.finditer(handle.read(total - start))]
        if ends:
            return start + ends[-1]
        if start == 0:
            return None
        size *= 2


@dataclass(frozen=True)
class Head:
    """The head parsed, and the context the other parts are parsed in."""

    root: etree._Element  # the head as a document (its open elements closed)
    lines: int  # newlines in the head
    wrapper: tuple[bytes, bytes]  # start and end tag around a middle part
    openers: bytes  # start tags of the open elements, before the tail


def _local(element: etree._Element) -> str:
    """The local name (an undeclared prefix, which libxml2 lets through, stays in it)."""
    return element.tag.rpartition("}")[2]


def _qname(element: etree._Element) -> str:
    """The name as written in the start tag."""
    return f"{element.prefix}:{_local(element)}" if element.prefix else _local(element)


def _declarations(nsmap: dict, outer: dict) -> str:
    """The namespace declarations an element with in-scope `nsmap` makes inside `outer`."""
    parts = [f" xmlns{':' + prefix if prefix else ''}={quoteattr(uri)}"
             for prefix, uri in nsmap.items() if outer.get(prefix) != uri]
    if None in outer and None not in nsmap:
        parts.append(' xmlns=""')
    return "".join(parts)


def read_head(data: bytes, local: str, encoding: str | None, codec: str) -> Head:
    """Parse the head (ending in the first end tag of `local`); `NotWellFormed` unless that end tag
    closes an element at the level every later one is expected at (no open element named `local`)."""
    parser = pull_parser(encoding)
    stack: list[etree._Element] = []
    last = None
    try:
        parser.feed(data)
        for event, element in parser.read_events():
            if event == "start":
                stack.append(element)
            else:
                stack.pop()
            last = (event, element)
        if last is None or last[0] != "end" or _local(last[1]) != local or not stack \
                or any(_local(e) == local for e in stack):
            raise NotWellFormed(f"the head does not end in a `{local}` end tag at the level of a split")
        parser.feed("".join(f"</{_qname(e)}>" for e in reversed(stack)).encode(codec, "xmlcharrefreplace"))
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise NotWellFormed(f"head: {exc.msg}") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise NotWellFormed("DOCTYPE")
    openers, outer, space = [], {}, None
    for element in stack:
        own_space = element.get(XML_SPACE)
        space = own_space or space
        attrs = _declarations(element.nsmap, outer)
        if own_space:
            attrs += f" xml:space={quoteattr(own_space)}"
        openers.append(f"<{_qname(element)}{attrs}>")
        outer = element.nsmap
    wrap = "<inbeeld-part" + _declarations(outer, {})
    wrap += (f" xml:space={quoteattr(space)}" if space else "") + ">"
    return Head(root, data.count(b"\n"), (wrap.encode(codec, "xmlcharrefreplace"), b"</inbeeld-part>"),
                "".join(openers).encode(codec, "xmlcharrefreplace"))


def last_end_in(buf: bytes, pattern: re.Pattern[bytes], local: bytes) -> int | None:
    """Offset just after the last match in `buf`, found from the end (a part is cut there)."""
    end = len(buf)
    while True:
        at = buf.rfind(local, 0, end)
        if at < 0:
            return None
        start = buf.rfind(b"</", 0, at)
        found = pattern.match(buf, start) if start >= 0 else None
        if found and found.start() + 2 <= at < found.end():
            return found.end()
        end = at


def parts(handle: BinaryIO, start: int, stop: int, size: int, pattern: re.Pattern[bytes],
          local: str) -> Iterator[bytes]:
    """The bytes from `start` to `stop` (both just after a match) in parts of about `size` bytes,
    each ending just after a match."""
    name = local.encode()
    handle.seek(start)
    buf = b""
    pos = start  # file offset of buf[0]
    while pos < stop:
        if len(buf) < size:
            buf += handle.read(min(size, stop - pos - len(buf)))
        if pos + len(buf) >= stop:
            yield buf
            return
        cut = last_end_in(buf, pattern, name)
        if cut is None:  # one element larger than a part: read on (doubling, so a huge one costs O(n))
            buf += handle.read(min(max(size, len(buf)), stop - pos - len(buf)))
            continue
        yield buf[:cut]
        buf = buf[cut:]
        pos += cut


def parse_tail(tail: bytes, head: Head, encoding: str | None) -> etree._Element:
    """The tail (the end tags of the envelope, or more) as a document after the head's open elements."""
    return parse_fragment(head.openers + tail, encoding)
