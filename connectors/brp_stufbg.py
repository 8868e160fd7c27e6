"""Reader for StUF-BG 3.10 `npsLa01` answers (docs/formats.md §1.3), in constant memory.

lxml `iterparse` on the person `object` elements through `xml_safety` (no DOCTYPE, no entities);
each person is read into one flat row of raw canonical fields, the element is cleared and its
earlier siblings deleted, and every `BATCH` rows go to DuckDB as one Arrow table through the
shared validation and insert of `brp_schema`. Elements are matched by local name, so a namespace
version change is not a code change.
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
BATCH = 50_000
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
COLUMNS = ("bron_regel", *RAW_NAMES, "extra")
ARROW_SCHEMA = pa.schema([("bron_regel", pa.int64())] + [(n, pa.string()) for n in RAW_NAMES]
                         + [("extra", pa.string())])


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _Layout:
    """The mapping as lookup tables: element local-name path -> column index."""

    def __init__(self, mapping: dict) -> None:
        self.index = {name: i for i, name in enumerate(COLUMNS)}
        self.paths = {path: self.index[field] for field, path in mapping["fields"].items()}
        ouders = mapping.get("ouders", {})
        self.ouder_element = ouders.get("element")
        self.aanduiding = ouders.get("aanduiding", "ouderAanduiding")
        self.ouder_paths = {path: f for f, path in ouders.get("fields", {}).items() if f in OUDER_FIELDS}
        unknown = set(mapping["fields"]) - set(FIELD_BY_NAME)
        if unknown:
            raise ValueError(f"mapping {mapping['source']} names unknown fields: {sorted(unknown)}")
        self.width = len(COLUMNS)
        self.local_cache: dict[str, str] = {}

    def local(self, tag: str) -> str:
        name = self.local_cache.get(tag)
        if name is None:
            name = self.local_cache[tag] = _local(tag)
        return name


def _text(element) -> str | None:
    if element.get(XSI_NIL) == "true":
        return None
    return element.text


def _read_object(obj, layout: _Layout, row: list, extra: dict) -> None:
    """Fill `row` from one person element; unmapped leaves go to `extra` (path -> text)."""
    paths = layout.paths
    local = layout.local
    ouders = []
    for child in obj:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions
        name = local(tag)
        if len(child):
            if name == layout.ouder_element:
                ouders.append(child)
                continue
            for sub in child:
                if not isinstance(sub.tag, str):
                    continue
                path = name + "/" + local(sub.tag)
                col = paths.get(path)
                value = _text(sub)
                if col is not None:
                    row[col] = value
                elif value is not None and not len(sub):
                    extra[path] = value
            continue
        col = paths.get(name)
        value = _text(child)
        if col is not None:
            row[col] = value
        elif value is not None:
            extra[name] = value
    for position, relation in enumerate(ouders, start=1):
        values: dict[str, str | None] = {}
        aanduiding = None
        for child in relation:
            if not isinstance(child.tag, str):
                continue
            name = local(child.tag)
            if name == layout.aanduiding:
                aanduiding = child.text
            elif len(child):
                for sub in child:
                    if isinstance(sub.tag, str):
                        field = layout.ouder_paths.get(name + "/" + local(sub.tag))
                        if field:
                            values[field] = _text(sub)
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
            read += _flush(con, import_id, rows)
            rows = []
    if rows:
        read += _flush(con, import_id, rows)
    if not seen_root:
        raise RefusedFile(path, None, object_tag,
                          f"no person `{object_tag}` elements: not an npsLa01 answer?")
    counts = finish_persons(con, import_id, path, read, duplicates)
    return ReaderResult(
        rows_read=counts.rows_read, rows_loaded=counts.rows_loaded, rows_quarantined=counts.rows_quarantined,
        format=FORMAT, encoding="cp1252" if override or used in ("cp1252", "windows-1252") else "utf-8",
        gemeenten=counts.gemeenten,
    )


def _flush(con: duckdb.DuckDBPyConnection, import_id: int, rows: list[list]) -> int:
    """One batch through the shared validation and insert."""
    table = pa.Table.from_arrays([pa.array(col, type=ARROW_SCHEMA.field(i).type)
                                  for i, col in enumerate(zip(*rows, strict=True))], schema=ARROW_SCHEMA)
    con.register("stuf_batch", table)
    try:
        read, _ = load_batch(con, import_id, "stuf_batch")
    finally:
        con.unregister("stuf_batch")
    return read
