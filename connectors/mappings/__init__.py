"""Declared mappings: one TOML file per source format, source column/element/path -> named field.

The one mapping format and the one loader, for every connector (BRP, DUO, verzuim, vrijstellingen).
Why: suppliers and DUO's own files differ in their column names, so the readers never hard-code
one. The field names and their types (for the BRP: with their fault rules, in the contract
`brp_personen.toml`, see below) are the staging contract the rest of InBeeld reads; the sources
are configuration (docs/spec.md §5): a municipality whose supplier names a column differently
copies the file, changes `source` or adds `aliases`, and puts the copy under the same name in the
folder named by `INBEELD_MAPPINGS_DIR` (used for every import) or passes it with `--mapping FILE`
(for one import).

By name (`duo_a04`) a mapping is looked for:

1. in the folder named by the environment variable `INBEELD_MAPPINGS_DIR` (the municipality's
   overrides, `<name>.toml`; a name not there falls through), then
2. here, as shipped.

A path to a `.toml` file is read as it is.

File layout::

    [mapping]
    format = "duo_c"              # the format this mapping reads
    table = "duo_clevering"       # the staging table it loads
    delimiter = ";"               # CSV only
    quote = '"'                   # CSV only
    record = "object"             # XML: the element of one record; JSON: the array of the records
    key = ["persoonsnummer", "brin", "volgnummer"]   # optional
    dot_zero = true               # numbers may carry a spreadsheet's '.0' ('363.0'): it is dropped

    [[field]]
    name = "persoonsnummer"       # the field (staging column)
    source = "PERSOONSGEBONDENNUMMER"   # CSV header, XML element path or JSON path
    type = "persoonsnummer"       # see TYPES (default text)
    required = true               # empty value -> quarantine; missing column -> file refused
    required_column = true        # the column must be in the header, its value may be empty
                                  # (for columns whose absence would silently change meaning,
                                  # such as an EINDDATUM that would make everything open-ended)
    aliases = ["PGN"]             # other spellings: the first one present counts (optional)
    values = ["M", "V", "O"]      # allowed codes (optional; others -> quarantine)
    pattern = "[0-9]{2}[A-Z0-9]{2}"   # full-match regex (optional; others -> quarantine)
    default = false               # value used when the source is empty (optional)
    empty = ["0"]                 # values that mean "no value" (DUO's BSN 0)
    otherwise = "onderwijsnummer" # the field whose value counts when this one is empty

    [group.ouders]                # a repeated part of a record with fields of its own (optional)
    path = "$.ouders"             # JSON: the array; XML: the element of one occurrence
    aanduiding = "$.ouderAanduiding"  # what numbers an occurrence (else its position)

    [[group.ouders.field]]
    name = "bsn"
    source = "$.burgerservicenummer"

    [option]                      # settings of one reader only (the LO3 history's group numbers)

A contract: the fields of one staging table that several source mappings feed, in the same
layout but without sources. The BRP has one (`brp_personen.toml`): its three formats
(`brp_lo3csv`, `brp_haalcentraal`, `brp_stufbg`) fill one table and are typed and checked once,
together, by `connectors.brp_schema`, so the types and fault rules are declared once, there, in
column order, and the format mappings name only sources (a `type`, `required`, `on_fault` or
`max_length` in them is refused, by `connectors.brp_fields.check_format_mapping`). The contract is
read as shipped, never from `INBEELD_MAPPINGS_DIR`: it is what the code relies on. ::

    [mapping]
    contract = true               # fields without `source`; `format` may be left out
    table = "brp_personen"

    [[field]]
    name = "bsn"
    type = "bsn"                  # text, bsn, integer or one of the brp_ types in TYPES
    required = true               # an empty value is a fault
    on_fault = "refuse"           # contract only: what a fault does (ON_FAULTS; default "leeg")
    max_length = 200              # contract only: a name or address, checked for control and
                                  # bidi characters and against this length (the LO3 maximum)
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MAPPINGS_DIR = "INBEELD_MAPPINGS_DIR"

# field type -> DuckDB column type. The first nine are typed by `connectors.typed_rows` (DUO,
# verzuim, vrijstellingen); `text`, `bsn`, `integer` and the `brp_` ones by `connectors.brp_schema`
# (the BRP contract), whose GBA rules differ from the DUO ones: a date may have unknown parts, a
# gemeentecode is 4 digits as it is (no zeros added).
TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "code": "VARCHAR",            # upper-cased text, usually with `values`
    "persoonsnummer": "VARCHAR",  # BSN or onderwijsnummer (elfproef)
    "bsn": "VARCHAR",             # BSN only (elfproef)
    "gemeentecode": "VARCHAR",    # 4 digits
    "date": "DATE",               # jjjj-mm-dd, jjjjmmdd or dd-mm-jjjj
    "jn": "BOOLEAN",              # J / N
    "integer": "INTEGER",
    "decimal": "DECIMAL(12,3)",   # '.' or ',' as decimal separator
    "brp_date": "DATE",           # GBA date jjjjmmdd, 00 for an unknown day or month (or ISO, dd-mm-jjjj)
    "brp_gemeentecode": "VARCHAR",  # exactly 4 digits
    "brp_geheim": "INTEGER",      # indicatie geheim: 0-9, true / false
    "brp_flag": "BOOLEAN",        # j / ja / true / 1 / y is true, anything else false (never a fault)
}

# What a fault in a contract field does (docs/spec.md §6, no one lost; docs/formats.md §1.4): the
# record is refused (the field is its key), kept with the field empty and marked incomplete (a
# field the law needs: signal ONVOLLEDIGE_PERSOONSLIJST), or kept with the field empty.
REFUSE, ONVOLLEDIG, LEEG = "refuse", "onvolledig", "leeg"
ON_FAULTS = (REFUSE, ONVOLLEDIG, LEEG)


class MappingError(ValueError):
    """A mapping file that does not follow the layout above (a configuration error, not bad input)."""


@dataclass(frozen=True)
class Field:
    """One field and where its value comes from."""

    name: str
    source: str
    type: str = "text"
    required: bool = False
    required_column: bool = False
    aliases: tuple[str, ...] = ()
    values: tuple[str, ...] | None = None
    pattern: str | None = None
    default: object = None
    empty: tuple[str, ...] = ()
    otherwise: str | None = None
    on_fault: str | None = None     # contract only (ON_FAULTS)
    max_length: int | None = None   # contract only

    @property
    def sql_type(self) -> str:
        return TYPES[self.type]

    @property
    def sources(self) -> tuple[str, ...]:
        """The source and its aliases, as written (element names and JSON paths are case-sensitive)."""
        return (self.source, *self.aliases)

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every header spelling that feeds this field, upper-cased (CSV headers are case-insensitive)."""
        return tuple(s.upper() for s in self.sources)


def sources_of(fields: tuple[Field, ...]) -> dict[str, str | list[str]]:
    """Field name -> its source, or the list of its spellings when it has aliases (first present)."""
    return {f.name: f.source if not f.aliases else list(f.sources) for f in fields}


@dataclass(frozen=True)
class Group:
    """A repeated part of a record with fields of its own (BRP: the parents)."""

    name: str
    path: str
    fields: tuple[Field, ...]
    aanduiding: str | None = None

    def sources(self) -> dict[str, str | list[str]]:
        return sources_of(self.fields)


@dataclass(frozen=True)
class Mapping:
    """A declared mapping: the format, its staging table and its fields in source order (or, for
    a contract, in column order)."""

    format: str
    table: str
    fields: tuple[Field, ...]
    delimiter: str = ";"
    quote: str = '"'
    key: tuple[str, ...] = ()
    record: str | None = None       # XML: the element that holds one record; JSON: their array
    namespace: str | None = None    # XML: the default namespace of the elements
    path: Path | None = None
    dot_zero: bool = False          # numbers may end in '.0' (a file that went through a spreadsheet)
    groups: dict[str, Group] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    contract: bool = False          # fields without sources: the contract several mappings feed

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    def sources(self) -> dict[str, str | list[str]]:
        """Field name -> source (a list where aliases give other spellings, the first present counts)."""
        return sources_of(self.fields)

    def ddl(self, extra_columns: dict[str, str] | None = None) -> str:
        """`CREATE TABLE IF NOT EXISTS` for the staging table: import id, line, fields, `extra` JSON."""
        columns = ["import_id BIGINT NOT NULL", "line BIGINT"]
        columns += [f"{name} {sql_type}" for name, sql_type in (extra_columns or {}).items()]
        columns += [f"{f.name} {f.sql_type}" for f in self.fields]
        columns.append("extra JSON")
        return f"CREATE TABLE IF NOT EXISTS {self.table} (\n    " + ",\n    ".join(columns) + "\n)"


# -- finding a mapping file ---------------------------------------------------------------------

def shipped_path(name: str) -> Path:
    """The mapping `name` as shipped with InBeeld."""
    return HERE / f"{name}.toml"


def local_path(name: str) -> Path | None:
    """The municipality's own copy of mapping `name` in `INBEELD_MAPPINGS_DIR`, if there is one."""
    folder = os.environ.get(MAPPINGS_DIR)
    if not folder:
        return None
    path = Path(folder) / f"{name}.toml"
    return path if path.is_file() else None


def mapping_path(name_or_path: str | Path) -> Path:
    """A `.toml` path as given; a name: the municipality's copy, else the shipped file."""
    path = Path(name_or_path)
    if path.suffix == ".toml":
        return path
    return local_path(str(name_or_path)) or shipped_path(str(name_or_path))


# -- reading and checking one ---------------------------------------------------------------------

def _fields(raws: list[dict], where: str, contract: bool = False) -> tuple[Field, ...]:
    """The `[[field]]` entries, checked; `where` names the file (and group) in errors."""
    fields = []
    for number, raw in enumerate(raws, start=1):
        here = f"{where} field {number}"
        if contract and ("source" in raw or "aliases" in raw):
            raise MappingError(f"{here}: een contract noemt geen bron (source, aliases)")
        if not contract and ("on_fault" in raw or "max_length" in raw):
            raise MappingError(f"{here}: on_fault en max_length horen in een contract, niet in een mapping")
        try:
            item = Field(
                name=raw["name"],
                source="" if contract else raw["source"],
                type=raw.get("type", "text"),
                required=bool(raw.get("required", False)),
                required_column=bool(raw.get("required_column", raw.get("required", False))),
                aliases=tuple(raw.get("aliases", ())),
                values=tuple(raw["values"]) if "values" in raw else None,
                pattern=raw.get("pattern"),
                default=raw.get("default"),
                empty=tuple(str(v) for v in raw.get("empty", ())),
                otherwise=raw.get("otherwise"),
                on_fault=raw.get("on_fault", LEEG) if contract else None,
                max_length=raw.get("max_length"),
            )
        except KeyError as exc:
            raise MappingError(f"{here}: {exc.args[0]!r} ontbreekt") from exc
        if item.on_fault is not None and item.on_fault not in ON_FAULTS:
            raise MappingError(f"{here} ({item.name}): on_fault {item.on_fault!r}; een van {list(ON_FAULTS)}")
        if item.max_length is not None and (type(item.max_length) is not int or item.max_length < 1):
            raise MappingError(f"{here} ({item.name}): max_length moet een positief geheel getal zijn")
        if item.type not in TYPES:
            raise MappingError(f"{here} ({item.name}): onbekend type {item.type!r}; een van {sorted(TYPES)}")
        if not item.name.isidentifier() or item.name.lower() != item.name:
            raise MappingError(f"{here}: veldnaam {item.name!r} moet een naam in kleine letters zijn")
        fields.append(item)
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise MappingError(f"{where}: een veldnaam staat er twee keer in")
    spellings = [s for f in fields for s in f.spellings]
    if not contract and len(set(spellings)) != len(spellings):
        raise MappingError(f"{where}: één bronkolom vult twee velden")
    for item in fields:
        if item.otherwise is not None and item.otherwise not in names:
            raise MappingError(f"{where} ({item.name}): otherwise-veld {item.otherwise!r} is niet "
                               "gedeclareerd")
    return tuple(fields)


def read_mapping(path: str | Path) -> Mapping:
    """Read and check the mapping file at `path`; errors name file and field."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise MappingError(f"geen mappingbestand {exc.filename}") from exc
    head = data.get("mapping", {})
    contract = bool(head.get("contract", False))
    fields = _fields(data.get("field", []), path.name, contract)
    groups = {}
    for name, raw in data.get("group", {}).items():
        try:
            fields_of_group = _fields(raw.get("field", []), f"{path.name} group {name}", contract)
            groups[name] = Group(name, raw["path"], fields_of_group, raw.get("aanduiding"))
        except KeyError as exc:
            raise MappingError(f"{path.name}: [group.{name}] mist {exc.args[0]!r}") from exc
    try:
        mapping = Mapping(
            format=head.get("format", "") if contract else head["format"],
            table=head["table"],
            fields=fields,
            delimiter=head.get("delimiter", ";"),
            quote=head.get("quote", '"'),
            key=tuple(head.get("key", ())),
            record=head.get("record"),
            namespace=head.get("namespace"),
            path=path,
            dot_zero=bool(head.get("dot_zero", False)),
            groups=groups,
            options=dict(data.get("option", {})),
            contract=contract,
        )
    except KeyError as exc:
        raise MappingError(f"{path.name}: [mapping] mist {exc.args[0]!r}") from exc
    names = [f.name for f in fields]
    for key in mapping.key:
        if key not in names:
            raise MappingError(f"{path.name}: sleutelveld {key!r} is niet gedeclareerd")
    return mapping


def load_mapping(name_or_path: str | Path) -> Mapping:
    """The mapping a reader uses by default: a `.toml` path as given; a name: the municipality's
    copy in `INBEELD_MAPPINGS_DIR`, else the shipped file (`mapping_path`)."""
    return read_mapping(mapping_path(name_or_path))


def shipped_mapping(name: str) -> Mapping:
    """The mapping `name` as shipped: the staging contract (its tables and fields)."""
    return read_mapping(shipped_path(name))


def load_declared(name: str, override: str | Path | None = None) -> Mapping:
    """The mapping `name` a typed reader (DUO, verzuim, vrijstellingen) uses: `override`
    (`--mapping FILE`), else the municipality's copy in `INBEELD_MAPPINGS_DIR`, else the shipped one.

    An override may change sources, aliases, requiredness and allowed values, but its fields must be
    fields of the shipped mapping with the same type: the staging tables are the contract.
    """
    shipped = shipped_mapping(name)
    override = override or local_path(name)
    if override is None:
        return shipped
    mapping = read_mapping(override)
    known = {f.name: f for f in shipped.fields}
    for item in mapping.fields:
        if item.name not in known:
            raise MappingError(f"{mapping.path}: veld {item.name!r} is geen veld van {name}")
        if item.type != known[item.name].type:
            expected = known[item.name].type
            raise MappingError(f"{mapping.path}: veld {item.name!r} moet type {expected!r} houden")
    if mapping.table != shipped.table or mapping.format != shipped.format:
        raise MappingError(f"{mapping.path}: format/table moet {shipped.format}/{shipped.table} blijven")
    return mapping
