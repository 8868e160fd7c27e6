"""The raw canonical BRP fields every reader delivers (all text), with the type and fault rule
each gets: read from the BRP staging contract `connectors/mappings/brp_personen.toml`, in the one
mapping format, so the rules live in one declared place and the code only applies them.

Why a module of its own: the StUF-BG worker processes (`connectors/stufbg_worker.py`) name these
columns too, and must not load DuckDB (`connectors/brp_schema.py`, which types and checks them) into
every worker's memory; reading the contract takes `tomllib` only.
"""

from __future__ import annotations

from connectors.mappings import LEEG, ONVOLLEDIG, REFUSE, Field, Mapping, MappingError, shipped_mapping

CONTRACT = "brp_personen"
# the types `connectors.brp_schema` checks (connectors.mappings.TYPES); others are refused here
BRP_TYPES = ("text", "bsn", "integer", "brp_date", "brp_gemeentecode", "brp_geheim", "brp_flag")
# the keys a BRP format mapping may not carry: they are the contract's
CONTRACT_KEYS = ("type", "required", "on_fault", "max_length")


def _contract() -> tuple[Field, ...]:
    """The contract's fields, checked against what `connectors.brp_schema` can apply."""
    contract = shipped_mapping(CONTRACT)
    if not contract.contract or contract.table != "brp_personen":
        raise MappingError(f"{contract.path}: geen contract van brp_personen")
    for item in contract.fields:
        if item.type not in BRP_TYPES:
            raise MappingError(f"{contract.path} ({item.name}): type {item.type!r}; "
                               f"een van {list(BRP_TYPES)}")
    return contract.fields


RAW_FIELDS: tuple[Field, ...] = _contract()
RAW_NAMES = tuple(f.name for f in RAW_FIELDS)
FIELD_BY_NAME = {f.name: f for f in RAW_FIELDS}
FIELDS_ON_FAULT = {what: tuple(f.name for f in RAW_FIELDS if f.on_fault == what)
                   for what in (REFUSE, ONVOLLEDIG, LEEG)}
# a parent's fields: `ouder1_<name>` and `ouder2_<name>` in the contract, `[group.ouders]` fields in
# the Haal Centraal and StUF-BG mappings
OUDER_FIELDS = tuple(name.removeprefix("ouder1_") for name in RAW_NAMES if name.startswith("ouder1_"))


def check_format_mapping(mapping: Mapping) -> None:
    """Refuse a BRP format mapping that is the contract, names a field outside it, or declares what
    the contract declares (a type or fault rule there would look as if it counted, and would not)."""
    if mapping.contract:
        raise MappingError(f"{mapping.path}: een contract, geen mapping van een BRP-formaat")
    unknown = [f.name for f in mapping.fields if f.name not in FIELD_BY_NAME]
    unknown += [f"{name}.{f.name}" for name, group in mapping.groups.items() for f in group.fields
                if f.name not in OUDER_FIELDS]
    if unknown:
        raise MappingError(f"{mapping.path}: onbekende BRP-velden {sorted(unknown)} (de velden staan in "
                           f"connectors/mappings/{CONTRACT}.toml)")
    for item in (*mapping.fields, *(f for group in mapping.groups.values() for f in group.fields)):
        if item.type != "text" or item.required or item.on_fault or item.max_length:
            raise MappingError(f"{mapping.path} ({item.name}): {', '.join(CONTRACT_KEYS)} staan in "
                               f"connectors/mappings/{CONTRACT}.toml, niet in de mapping van een formaat")


def parse_gezag(code: str | None, ouder1: str | None, ouder2: str | None
                ) -> tuple[tuple[str, ...] | None, bool]:
    """LO3 11.32.10 indicatie gezag minderjarige → (parents with gezag, third party has gezag).

    `1`, `2`, `12` name the parents; `D` a third party (voogd); `1D`, `2D` a parent together with a
    third party. Empty or unknown: (None, False), "the BRP says nothing".
    """
    text = (code or "").strip().upper()
    if not text or set(text) - {"1", "2", "D"}:
        return None, False
    parents = tuple(number for digit, number in (("1", ouder1), ("2", ouder2)) if digit in text and number)
    return parents, "D" in text
