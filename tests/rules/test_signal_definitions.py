"""Each signal is declared once (rules.signal_codes) and its SQL is a file of its own (rules/signal_sql).

The declaration gives the code, the Dutch description and the legal reference; the registers, the
work lists and the web screens take their labels and their RMC / leerplicht split from it, and the
builder of rules.signals takes one SELECT per declared signal and binds the dated parameters the
declaration names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registers.codes import LEERPLICHT_SIGNALS, REASON_LABELS, RMC_SIGNALS, VERZUIMMELDING, ReasonCode
from reports.worklist import RMC_CASE_TYPES
from rules.parameters import PARAMETERS
from rules.signal_codes import DEFINITIONS, SIGNALS
from rules.signals import SQL_DIR, sql_file
from rules.status import StatusCode

ROOT = Path(__file__).resolve().parents[2]
SHARED = ("basis.sql", "person_state.sql")


def _placeholders(name: str) -> set[str]:
    return set(re.findall(r"\{(\w+)(?::[\w.]+)?\}", sql_file(name)))


@pytest.mark.parametrize("code", SIGNALS)
def test_every_signal_has_a_description_a_reference_and_its_own_sql(code: str) -> None:
    definition = DEFINITIONS[code]
    assert definition.omschrijving and definition.grondslag
    assert (SQL_DIR / definition.sql_file).is_file(), f"no rules/signal_sql/{definition.sql_file}"
    assert "signal" in _placeholders(definition.sql_file)
    assert sql_file(definition.sql_file).lstrip().startswith(f"-- {code}"), "the file begins by naming it"


def test_every_sql_file_belongs_to_a_signal() -> None:
    files = {path.name for path in SQL_DIR.glob("*.sql")}
    assert files == {d.sql_file for d in DEFINITIONS.values()} | set(SHARED)


def test_each_dated_parameter_a_signal_declares_is_bound_in_its_sql_and_no_other() -> None:
    declared = {name for d in DEFINITIONS.values() for name in d.parameters}
    assert declared <= set(PARAMETERS.names())
    for d in DEFINITIONS.values():
        for name in d.parameters:
            assert name in _placeholders(d.sql_file) | _placeholders("basis.sql"), (d.code, name)
    used = set().union(*(_placeholders(path.name) for path in SQL_DIR.glob("*.sql")))
    assert used & set(PARAMETERS.names()) == declared


def test_status_literals_in_the_sql_are_status_codes() -> None:
    statuses = {s.value for s in StatusCode}
    for path in SQL_DIR.glob("*.sql"):
        text = "\n".join(line.split("--")[0] for line in path.read_text(encoding="utf-8").splitlines())
        literals = set(re.findall(r"'([a-z_]+)'", text)) - {"loaded", "brp", "duo_c", "duo_p"}
        assert literals <= statuses, (path.name, literals - statuses)


def test_the_labels_and_teams_elsewhere_are_the_declarations() -> None:
    assert set(ReasonCode) == {*SIGNALS, VERZUIMMELDING}
    for code, definition in DEFINITIONS.items():
        assert REASON_LABELS[code] == definition.omschrijving  # the work list reads REASON_LABELS too
    assert RMC_SIGNALS == RMC_CASE_TYPES == {"GEEN_INSCHRIJVING_RMC", "VSV"}
    assert {"ABSOLUUT_VERZUIM", "BIJNA_LEERPLICHTIG"} == LEERPLICHT_SIGNALS


def test_the_jurists_table_names_every_signal() -> None:
    text = (ROOT / "docs" / "law.md").read_text(encoding="utf-8")
    missing = [code for code in SIGNALS if f"`{code}`" not in text]
    assert not missing, f"docs/law.md does not name {missing}"
