"""Reader for StUF-BG 3.10 `npsLa01` answers (docs/formats.md §1.3), in constant memory.

lxml `iterparse` on the person `object` elements through `xml_safety` (no DOCTYPE, no entities);
each person is read into one flat row of raw canonical fields, the element is cleared and its
earlier siblings deleted; every `BATCH` rows become one Arrow table and every `FLUSH` rows go
through the shared validation and insert of `brp_schema` straight into `brp_personen`. Elements
are matched by local name, so a namespace version change is not a code change.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa

from connectors.brp_schema import (
    FIELD_BY_NAME,
    OUDER_FIELDS,
    RAW_NAMES,
    create_tables,
    finish_persons,
    load_batch,
)
from connectors.errors import RefusedFile
from connectors.mappings import load_mapping
from connectors.staging import ReaderResult
from connectors.textfile import check_text
from connectors.xml_safety import check_prolog, safe_iterparse

FORMAT = "stufbg"
BATCH = 10_000  # rows held as Python lists before they become one Arrow table
FLUSH = 100_000  # rows checked and inserted per DuckDB statement (planning cost vs memory)
COLUMNS = ("bron_regel", *RAW_NAMES, "extra")
ARROW_SCHEMA = pa.schema([("bron_regel", pa.int64())] + [(n, pa.string()) for n in RAW_NAMES]
                         + [("extra", pa.string())])


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


LEAF, CONTAINER, OUDER, UNMAPPED = 0, 1, 2, 3


class _Layout:
    """The mapping as lookup tables keyed by the full (Clark) tag, filled as tags are met, so the
    per-element work is one dict lookup: no local-name computation per element."""

    def __init__(self, mapping: dict) -> None:
        unknown = set(mapping["fields"]) - set(FIELD_BY_NAME)
        if unknown:
            raise ValueError(f"mapping {mapping['source']} names unknown fields: {sorted(unknown)}")
        self.index = {name: i for i, name in enumerate(COLUMNS)}
        self.paths = {path: self.index[field] for field, path in mapping["fields"].items()}
        self.containers = {path.split("/", 1)[0] for path in self.paths if "/" in path}
        ouders = mapping.get("ouders", {})
        self.ouder_element = ouders.get("element")
        self.aanduiding = ouders.get("aanduiding", "ouderAanduiding")
        self.ouder_paths = {path: f for f, path in ouders.get("fields", {}).items() if f in OUDER_FIELDS}
        self.width = len(COLUMNS)
        self.top: dict[str, tuple[int, object, str]] = {}
        self.nested: dict[tuple[str, str], tuple[int | None, str]] = {}
        self.locals: dict[str, str] = {}

    def local(self, tag: str) -> str:
        name = self.locals.get(tag)
        if name is None:
            name = self.locals[tag] = _local(tag)
        return name

    def top_tag(self, tag: str) -> tuple[int, object, str]:
        """(kind, column or container name, local name) for a child of the person object."""
        found = self.top.get(tag)
        if found is None:
            name = _local(tag)
            if name == self.ouder_element:
                found = (OUDER, None, name)
            elif name in self.containers:
                found = (CONTAINER, name, name)
            elif name in self.paths:
                found = (LEAF, self.paths[name], name)
            else:
                found = (UNMAPPED, None, name)
            self.top[tag] = found
        return found

    def nested_tag(self, container: str, tag: str) -> tuple[int | None, str]:
        """(column or None, path) for an element inside a container such as verblijfsadres."""
        key = (container, tag)
        found = self.nested.get(key)
        if found is None:
            path = container + "/" + _local(tag)
            found = self.nested[key] = (self.paths.get(path), path)
        return found


def _read_object(obj, layout: _Layout, row: list, extra: dict) -> None:
    """Fill `row` from one person element; unmapped leaves go to `extra` (path -> text).
    Empty (`xsi:nil`, `StUF:noValue`) elements have no text and stay empty."""
    top_tag = layout.top_tag
    ouders = []
    for child in obj:
        kind, target, name = top_tag(child.tag)
        if kind == LEAF:
            row[target] = child.text
        elif kind == CONTAINER or (kind == UNMAPPED and len(child)):
            nested_tag = layout.nested_tag
            for sub in child:
                col, path = nested_tag(name, sub.tag)
                if col is not None:
                    row[col] = sub.text
                elif sub.text is not None and not len(sub):
                    extra[path] = sub.text
        elif kind == OUDER:
            ouders.append(child)
        elif child.text is not None:
            extra[name] = child.text
    local = layout.local
    for position, relation in enumerate(ouders, start=1):
        values: dict[str, str | None] = {}
        aanduiding = None
        for child in relation:
            name = local(child.tag)
            if name == layout.aanduiding:
                aanduiding = child.text
            else:
                for sub in child:
                    field = layout.ouder_paths.get(name + "/" + local(sub.tag))
                    if field:
                        values[field] = sub.text
        number = (aanduiding or str(position)).strip()
        if number in ("1", "2"):
            for field, value in values.items():
                row[layout.index[f"ouder{number}_{field}"]] = value


def read_stufbg(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    import_id: int,
    *,
    mapping: dict | None = None,
    encoding: str | None = None,
    duplicates: str = "refuse",
    batch: int = BATCH,
    flush: int = FLUSH,
) -> ReaderResult:
    """Load a StUF-BG npsLa01 answer into `brp_personen`."""
    mapping = mapping or load_mapping("brp_stufbg")
    layout = _Layout(mapping)
    declared = check_prolog(path)
    override = None
    if encoding or not declared:
        info = check_text(path, encoding)  # undeclared: UTF-8, or detected cp1252
        override = "cp1252" if info.encoding == "cp1252" else None
        used = info.encoding
    else:
        used = declared
    if used not in ("utf-8", "utf8", "cp1252", "windows-1252", "us-ascii", "iso-8859-1"):
        raise RefusedFile(path, 1, "encoding", f"XML encoding {used!r} is not accepted (UTF-8 or cp1252)")
    create_tables(con)
    object_tag = mapping.get("object", "object")
    rows: list[list] = []
    pending: list[pa.Table] = []
    read = 0
    seen_root = False
    for _, obj in safe_iterparse(path, tag=f"{{*}}{object_tag}", encoding=override):
        seen_root = True
        row = [None] * layout.width
        row[0] = obj.sourceline
        extra: dict[str, str] = {}
        _read_object(obj, layout, row, extra)
        if extra:
            row[-1] = json.dumps(extra, ensure_ascii=False)
        rows.append(row)
        obj.clear()
        parent = obj.getparent()
        if parent is not None:
            while obj.getprevious() is not None:
                del parent[0]
        if len(rows) >= batch:
            pending.append(_arrow(rows))
            rows = []
            if len(pending) * batch >= flush:
                read += _load(con, import_id, pending)
                pending = []
    if rows:
        pending.append(_arrow(rows))
    if pending:
        read += _load(con, import_id, pending)
    if not seen_root:
        raise RefusedFile(path, None, object_tag,
                          f"no person `{object_tag}` elements: not an npsLa01 answer?")
    counts = finish_persons(con, import_id, path, read, duplicates)
    return ReaderResult(
        rows_read=counts.rows_read, rows_loaded=counts.rows_loaded, rows_quarantined=counts.rows_quarantined,
        format=FORMAT, encoding="cp1252" if override or used in ("cp1252", "windows-1252") else "utf-8",
        gemeenten=counts.gemeenten,
    )


def _arrow(rows: list[list]) -> pa.Table:
    """Python rows as one Arrow table (column-wise), so they leave the Python heap at once."""
    return pa.Table.from_arrays([pa.array(col, type=ARROW_SCHEMA.field(i).type)
                                 for i, col in enumerate(zip(*rows, strict=True))], schema=ARROW_SCHEMA)


def _load(con: duckdb.DuckDBPyConnection, import_id: int, tables: list[pa.Table]) -> int:
    """Check and insert one chunk straight into `brp_personen` (whose uncommitted rows DuckDB writes
    to the staging file as it goes: memory stays flat, unlike a temp table in the transaction)."""
    con.register("stuf_batch", pa.concat_tables(tables))
    try:
        read, _ = load_batch(con, import_id, "stuf_batch")
    finally:
        con.unregister("stuf_batch")
    return read
