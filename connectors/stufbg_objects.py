"""One StUF-BG person `object` element as one flat row of raw canonical fields (docs/formats.md §1.3).

Shared by the one-pass reading of `connectors/brp_stufbg.py` and its worker processes
(`connectors/stufbg_worker.py`), so it imports nothing heavy. This is the Python work per element
of a delivery of millions, so the mapping is turned into lookup tables keyed by the full (Clark)
tag, filled as tags are met: one dict lookup per element, no local-name computation. Elements are
matched by local name, so a namespace version change is not a code change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from connectors.brp_fields import RAW_NAMES, check_format_mapping
from connectors.xml_safety import walk_ends

if TYPE_CHECKING:
    from connectors.mappings import Mapping

COLUMNS = ("bron_regel", *RAW_NAMES, "extra")
LEAF, CONTAINER, OUDER, UNMAPPED = 0, 1, 2, 3
NO_TAGS: dict = {}  # a table not filled yet: every lookup misses


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class Layout:
    """The mapping as lookup tables; `top`, `nested`, `relation` and `related` grow as tags are met.
    A field's `aliases` are other element paths for it (should a person hold both, the last counts)."""

    def __init__(self, mapping: Mapping) -> None:
        check_format_mapping(mapping)
        self.object = mapping.record or "object"
        self.index = {name: i for i, name in enumerate(COLUMNS)}
        self.width = len(COLUMNS)
        self.paths = {path: self.index[f.name] for f in mapping.fields for path in f.sources}
        self.containers = {path.split("/", 1)[0] for path in self.paths if "/" in path}
        ouders = mapping.groups.get("ouders")
        self.ouder_element = ouders.path if ouders else None
        self.aanduiding = (ouders.aanduiding if ouders else None) or "ouderAanduiding"
        self.ouder_paths = {path: f.name for f in (ouders.fields if ouders else ()) for path in f.sources}
        self.top: dict[str, tuple[int, int | None, str]] = {}
        self.nested: dict[str, dict[str, tuple[int | None, str]]] = {}  # container -> tag -> ...
        self.relation: dict[str, tuple[bool, str]] = {}
        self.related: dict[str, dict[str, tuple[int, int] | None]] = {}  # relation child -> tag -> ...

    def top_tag(self, tag: str) -> tuple[int, int | None, str]:
        """(kind, column, local name) for a child of the person object."""
        name = _local(tag)
        if name == self.ouder_element:
            found = (OUDER, None, name)
        elif name in self.containers:
            found = (CONTAINER, None, name)
        elif name in self.paths:
            found = (LEAF, self.paths[name], name)
        else:
            found = (UNMAPPED, None, name)
        self.top[tag] = found
        return found

    def nested_tag(self, container: str, tag: str) -> tuple[int | None, str]:
        """(column or None, path) for an element inside a container such as verblijfsadres."""
        path = container + "/" + _local(tag)
        found = self.nested.setdefault(container, {})[tag] = (self.paths.get(path), path)
        return found

    def relation_tag(self, tag: str) -> tuple[bool, str]:
        """(is the ouderAanduiding, local name) for a child of an ouder relation."""
        name = _local(tag)
        found = self.relation[tag] = (name == self.aanduiding, name)
        return found

    def related_tag(self, name: str, tag: str) -> tuple[int, int] | None:
        """(column for ouder 1, for ouder 2) of an element inside `gerelateerde`, or None."""
        field = self.ouder_paths.get(name + "/" + _local(tag))
        found = self.related.setdefault(name, {})[tag] = (
            (self.index[f"ouder1_{field}"], self.index[f"ouder2_{field}"]) if field else None)
        return found


def read_object(obj, layout: Layout, line: int) -> list[str]:
    """The row of one person element as text: `bron_regel` = `line`, raw values, unmapped leaves as
    `extra` JSON (path -> text); "" where there is no value (`connectors/row_files.py`). Empty
    (`xsi:nil`, `StUF:noValue`) elements have no text and stay empty; of a repeated element the last
    one counts."""
    row = [""] * layout.width
    row[0] = str(line)
    extra = None
    ouders = None
    top = layout.top
    for child in obj:
        tag = child.tag
        kind, column, name = top.get(tag) or layout.top_tag(tag)
        if kind == LEAF:
            row[column] = child.text or ""
        elif kind == OUDER:
            if ouders is None:
                ouders = [child]
            else:
                ouders.append(child)
        elif kind == CONTAINER or len(child):
            nested = layout.nested.get(name, NO_TAGS)
            for sub in child:
                subtag = sub.tag
                column, path = nested.get(subtag) or layout.nested_tag(name, subtag)
                if column is not None:
                    row[column] = sub.text or ""
                else:
                    text = sub.text
                    if text is not None and not len(sub):
                        if extra is None:
                            extra = {}
                        extra[path] = text
        else:
            text = child.text
            if text is not None:
                if extra is None:
                    extra = {}
                extra[name] = text
    if ouders is not None:
        _read_ouders(ouders, layout, row)
    if extra:
        row[-1] = json.dumps(extra, ensure_ascii=False)
    return row


def _read_ouders(ouders: list, layout: Layout, row: list) -> None:
    """One `inp.heeftAlsOuders` relation per parent; `ouderAanduiding` 1/2, else document order."""
    relation_tags = layout.relation
    for position, relation in enumerate(ouders, start=1):
        aanduiding = None
        related = []
        for child in relation:
            tag = child.tag
            is_aanduiding, name = relation_tags.get(tag) or layout.relation_tag(tag)
            if is_aanduiding:
                aanduiding = child.text
            else:
                related.append((name, child))
        number = (aanduiding or str(position)).strip()
        if number not in ("1", "2"):
            continue
        which = int(number) - 1
        for name, child in related:
            columns_of = layout.related.get(name, NO_TAGS)
            for sub in child:
                subtag = sub.tag
                columns = columns_of[subtag] if subtag in columns_of else layout.related_tag(name, subtag)
                if columns is not None:
                    row[columns[which]] = sub.text or ""


def in_stream_order(root, tag: str) -> Iterator:
    """The person elements below `root` as one pass meets them: in document order when none holds
    another (the usual), else by end event, each cleared and its earlier siblings dropped once read."""
    found = list(root.iter(tag))
    if all(element.getparent() is root for element in found):
        yield from found
        return
    for element in walk_ends(root, tag):
        yield element
        element.clear()
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
