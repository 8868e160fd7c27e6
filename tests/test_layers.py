"""Modules import only from their own layer or below (README "Layout", #17 item 7).

Read from the source with `ast`, so an import inside a function counts as much as one at the top:
the rule is about what a module depends on, not about when it loads it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The layers, lowest first. A module may import from its own rank or a lower one.
RANKS = {"inbeeld": 0, "rules": 1, "connectors": 2, "registers": 3, "letters": 4, "reports": 4,
         "pipelines": 5, "web": 6, "cli": 7}
#: synthetic/ is the test and demo data: it builds on the law and the delivery formats only.
SYNTHETIC_MAY_IMPORT = {"inbeeld", "rules", "connectors", "synthetic"}
#: Who may use synthetic/: the demo (pipelines) and the command line.
SYNTHETIC_USED_BY = {"pipelines", "synthetic", "cli"}
PACKAGES = {*RANKS, "synthetic"} - {"cli"}

#: Imports that wait for another engineer's work. Each must still exist (remove it here when it is
#: fixed); empty: none is pending.
PENDING: set[tuple[str, str]] = set()


def is_command_module(module: str) -> bool:
    """A command-line module: `*/commands.py` or `*/*_commands.py` (cli.py assembles them)."""
    last = module.rsplit(".", 1)[-1]
    return last == "commands" or last.endswith("_commands")


def rank(module: str) -> float:
    if module == "cli" or is_command_module(module):
        return RANKS["cli"]
    return RANKS[module.split(".")[0]]


def _modules() -> dict[str, Path]:
    found = {"cli": ROOT / "cli.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _target(name: str) -> str | None:
    """The project module an imported name lives in (longest known prefix), None for a library."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in MODULES:
            return ".".join(parts[:end])
    return None


def imports_of(module: str) -> list[tuple[str, int]]:
    """(project module imported, line) for every import statement in `module`, nested ones included."""
    path = MODULES[module]
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1] + [node.module or ""]).strip(".") \
                if node.level else node.module or ""
            names = [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            target = _target(name)
            if target is not None and target != module:
                found.append((target, node.lineno))
    return found


def violation(importer: str, imported: str) -> str | None:
    """Why `importer` may not import `imported` (None: it may)."""
    if is_command_module(imported) and importer != "cli":
        return "a command module is the command line: only cli.py imports it"
    top, target_top = importer.split(".")[0], imported.split(".")[0]
    if top == "synthetic" and target_top not in SYNTHETIC_MAY_IMPORT:
        return "synthetic/ builds on inbeeld, rules and connectors only"
    if target_top == "synthetic":
        return None if top in SYNTHETIC_USED_BY or is_command_module(importer) else \
            "only the demo (pipelines) and the command line use synthetic/"
    if top == "synthetic":
        return None
    if rank(imported) > rank(importer):
        return f"{imported} is in a higher layer ({rank(imported)}) than {importer} ({rank(importer)})"
    return None


def test_no_module_imports_from_a_layer_above_it() -> None:
    problems = sorted({f"{importer}:{line} imports {imported}: {why}"
                       for importer in MODULES for imported, line in imports_of(importer)
                       if (why := violation(importer, imported)) and (importer, imported) not in PENDING})
    assert not problems, "\n".join(problems)


def test_pending_exceptions_are_still_needed() -> None:
    """A pending import that has gone must leave PENDING, so the list never hides a new one."""
    for importer, imported in PENDING:
        assert imported in {target for target, _ in imports_of(importer)}, (importer, imported)


@pytest.mark.parametrize("importer,imported,allowed", [
    ("registers.dossiers", "connectors.staging", True),      # the registers read staging
    ("connectors.staging", "registers.models", False),       # upward
    ("rules.signals", "connectors.freshness", False),        # rules are below connectors
    ("reports.gather", "registers.dossiers", True),
    ("registers.verzuim", "reports.follow_up", False),
    ("registers.dossiers", "registers.commands", False),     # a command module
    ("registers.zoek_commands", "registers.commands", False),
    ("cli", "registers.commands", True),
    ("synthetic.generator", "registers.models", False),
    ("connectors.deliveries", "synthetic.generator", False),
    ("pipelines.demo", "synthetic.generator", True),
    ("web.app", "pipelines.doctor", True),
])
def test_the_rule_itself(importer: str, imported: str, allowed: bool) -> None:
    """The checker can fail: an upward import, a command module or synthetic data used below."""
    assert (violation(importer, imported) is None) is allowed
