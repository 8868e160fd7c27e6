"""Declared mappings: which source column (or XML element) feeds which typed staging field.

Why: suppliers and DUO's own files differ in their column names, so the readers never hard-code
one. A mapping is a TOML file in `connectors/mappings/`, found and read by `connectors.mappings`
(the one loader, also of the BRP mappings); this module reads the typed layout the DUO, verzuim and
vrijstellingen readers share.
The field names and types are the staging contract the rest of InBeeld reads; the sources are
configuration: a municipality whose supplier names a column differently copies the file, changes
`source` or adds `aliases`, and puts the copy in its `INBEELD_MAPPINGS_DIR` folder (used for every
import) or passes it with `--mapping FILE` (for one import).

File layout::

    [mapping]
    format = "duo_c"              # the kind this mapping reads
    table = "duo_clevering"       # the staging table it loads
    delimiter = ";"               # CSV only
    key = ["persoonsnummer", "brin", "volgnummer"]   # optional
    dot_zero = true               # numbers may carry a spreadsheet's '.0' ('363.0'): it is dropped

    [[field]]
    name = "persoonsnummer"       # typed staging column
    source = "PERSOONSGEBONDENNUMMER"   # CSV header (case-insensitive) or XML path
    type = "persoonsnummer"       # see TYPES
    required = true               # empty value -> quarantine; missing column -> file refused
    required_column = true        # the column must be in the header, its value may be empty
                                  # (for columns whose absence would silently change meaning,
                                  # such as an EINDDATUM that would make everything open-ended)
    aliases = ["PGN"]             # other header spellings (optional)
    values = ["M", "V", "O"]      # allowed codes (optional; others -> quarantine)
    pattern = "[0-9]{2}[A-Z0-9]{2}"   # full-match regex (optional; others -> quarantine)
    default = false               # value used when the source is empty (optional)
    empty = ["0"]                 # values that mean "no value" (DUO's BSN 0)
    otherwise = "onderwijsnummer" # the field whose value counts when this one is empty
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from connectors.mappings import load_mapping as read_mapping_file
from connectors.mappings import local_path, shipped_path

# field type -> DuckDB column type
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
}


class MappingError(ValueError):
    """A mapping file that does not follow the layout above (a configuration error, not bad input)."""


@dataclass(frozen=True)
class Field:
    """One typed staging column and where its value comes from."""

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

    @property
    def sql_type(self) -> str:
        return TYPES[self.type]

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every header spelling that feeds this field, upper-cased."""
        return tuple(s.upper() for s in (self.source, *self.aliases))


@dataclass(frozen=True)
class Mapping:
    """A declared mapping: the format, its staging table and its fields in source order."""

    format: str
    table: str
    fields: tuple[Field, ...]
    delimiter: str = ";"
    key: tuple[str, ...] = ()
    record: str | None = None       # XML: the element that holds one record
    namespace: str | None = None    # XML: the default namespace of the elements
    path: Path | None = None
    dot_zero: bool = False          # numbers may end in '.0' (a file that went through a spreadsheet)

    def field(self, name: str) -> Field:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    def ddl(self, extra_columns: dict[str, str] | None = None) -> str:
        """`CREATE TABLE IF NOT EXISTS` for the staging table: import id, line, fields, `extra` JSON."""
        columns = ["import_id BIGINT NOT NULL", "line BIGINT"]
        columns += [f"{name} {sql_type}" for name, sql_type in (extra_columns or {}).items()]
        columns += [f"{f.name} {f.sql_type}" for f in self.fields]
        columns.append("extra JSON")
        return f"CREATE TABLE IF NOT EXISTS {self.table} (\n    " + ",\n    ".join(columns) + "\n)"


def load_mapping(name_or_path: str | Path) -> Mapping:
    """Read and check a mapping: by name the shipped one (the staging contract: its tables and
    fields), or the file at a path; errors name file and field."""
    if Path(name_or_path).suffix != ".toml":
        name_or_path = shipped_path(str(name_or_path))
    try:
        data = read_mapping_file(name_or_path)
    except FileNotFoundError as exc:
        raise MappingError(f"no mapping file {exc.filename}") from exc
    path = Path(data["source"])
    head = data.get("mapping", {})
    fields = []
    for number, raw in enumerate(data.get("field", []), start=1):
        where = f"{path.name} field {number}"
        try:
            field = Field(
                name=raw["name"],
                source=raw["source"],
                type=raw.get("type", "text"),
                required=bool(raw.get("required", False)),
                required_column=bool(raw.get("required_column", raw.get("required", False))),
                aliases=tuple(raw.get("aliases", ())),
                values=tuple(raw["values"]) if "values" in raw else None,
                pattern=raw.get("pattern"),
                default=raw.get("default"),
                empty=tuple(str(v) for v in raw.get("empty", ())),
                otherwise=raw.get("otherwise"),
            )
        except KeyError as exc:
            raise MappingError(f"{where}: missing {exc.args[0]!r}") from exc
        if field.type not in TYPES:
            raise MappingError(f"{where} ({field.name}): unknown type {field.type!r}; one of {sorted(TYPES)}")
        if not field.name.isidentifier() or field.name.lower() != field.name:
            raise MappingError(f"{where}: field name {field.name!r} must be a lower-case identifier")
        fields.append(field)
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise MappingError(f"{path.name}: a field name appears twice")
    spellings = [s for f in fields for s in f.spellings]
    if len(set(spellings)) != len(spellings):
        raise MappingError(f"{path.name}: a source column feeds two fields")
    try:
        mapping = Mapping(
            format=head["format"],
            table=head["table"],
            fields=tuple(fields),
            delimiter=head.get("delimiter", ";"),
            key=tuple(head.get("key", ())),
            record=head.get("record"),
            namespace=head.get("namespace"),
            path=path,
            dot_zero=bool(head.get("dot_zero", False)),
        )
    except KeyError as exc:
        raise MappingError(f"{path.name}: [mapping] needs {exc.args[0]!r}") from exc
    for key in mapping.key:
        if key not in names:
            raise MappingError(f"{path.name}: key field {key!r} is not declared")
    for item in fields:
        if item.otherwise is not None and item.otherwise not in names:
            raise MappingError(f"{path.name} ({item.name}): otherwise field {item.otherwise!r} "
                               "is not declared")
    return mapping


def load_declared(name: str, override: str | Path | None = None) -> Mapping:
    """The mapping `name` a reader uses: `override` (`--mapping FILE`), else the municipality's copy
    in `INBEELD_MAPPINGS_DIR`, else the shipped one.

    An override may change sources, aliases, requiredness and allowed values, but its fields must be
    fields of the shipped mapping with the same type: the staging tables are the contract.
    """
    shipped = load_mapping(name)
    override = override or local_path(name)
    if override is None:
        return shipped
    mapping = load_mapping(override)
    known = {f.name: f for f in shipped.fields}
    for item in mapping.fields:
        if item.name not in known:
            raise MappingError(f"{mapping.path}: field {item.name!r} is not a field of {name}")
        if item.type != known[item.name].type:
            expected = known[item.name].type
            raise MappingError(f"{mapping.path}: field {item.name!r} must keep type {expected!r}")
    if mapping.table != shipped.table or mapping.format != shipped.format:
        raise MappingError(f"{mapping.path}: format/table must stay {shipped.format}/{shipped.table}")
    return mapping

