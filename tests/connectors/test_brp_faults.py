"""No one lost (docs/spec.md §6), in all three BRP formats: a fault in a field the law does not need keeps
the person with that field empty; a fault in one it needs (birth date, gemeente) keeps the person
and gives ONVOLLEDIGE_PERSOONSLIJST; only a persoonslijst without a valid BSN is refused. Every
fault is reported with its line or record, field and value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from brp_helpers import FORMAT_SUFFIX, valid_bsns, write_persons

from connectors.brp import import_brp
from connectors.staging import Staging
from rules.signals import ONVOLLEDIGE_PERSOONSLIJST, person_state, signals_as_list

PEIL = date(2026, 10, 1)
B = valid_bsns(6)
FAULTY = [
    {"bsn": B[0]},                                    # complete
    {"bsn": B[1], "ouder1_geboortedatum": "19821291"},  # not needed by the law: kept, field empty
    {"bsn": B[2], "geboortedatum": "20151332"},        # needed: kept, signalled
    {"bsn": B[3], "gemeente_inschrijving": "03a3"},    # needed: kept, signalled for the served gemeente
    {"bsn": "123456789"},                              # the key: refused
    {"bsn": B[4], "datum_aanvang_adres": "20151301", "huisnummer": "twaalf"},  # two faults, kept
]


@pytest.mark.parametrize("fmt", sorted(FORMAT_SUFFIX))
def test_faults_keep_the_person_and_say_what_became_of_them(fmt: str, tmp_path: Path) -> None:
    file = write_persons(fmt, tmp_path / f"brp-20260907{FORMAT_SUFFIX[fmt]}", FAULTY)
    with Staging(tmp_path / "staging.duckdb", gemeenten=("0363",)) as st:
        result = import_brp(st, file)
        assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 5, 1)
        assert (result.details["kept_with_faults"], result.details["onvolledig"]) == (4, 2)
        rows = {r[0]: r[1:] for r in st.con.execute(
            "SELECT bsn, geboortedatum_vroegst, gemeente_inschrijving, ouder1_geboortedatum, "
            "ouder1_geslachtsnaam, datum_aanvang_adres, huisnummer, straat, onvolledig FROM brp_personen"
        ).fetchall()}
        faults = [(q["field"], q["value"], q["reason"]) for q in st.quarantine(result.import_id)]
        signals = {(s.persoonsnummer, s.signal, s.gemeentecode)
                   for s in signals_as_list(st.con, PEIL, ["0363"])}
        state = person_state(st.con, PEIL, ["0363"], [B[1]])[B[1]]
    assert sorted(rows) == sorted([B[0], B[1], B[2], B[3], B[4]])
    day = date(2015, 9, 2)
    assert rows[B[0]] == (day, "0363", "19800101", "Jansen", day, 1, "Kerkstraat", None)
    assert rows[B[1]] == (day, "0363", None, "Jansen", day, 1, "Kerkstraat", None)
    assert rows[B[2]][:2] == (None, "0363") and rows[B[2]][-1] == "geboortedatum"
    assert rows[B[3]][:2] == (date(2015, 9, 2), None) and rows[B[3]][-1] == "gemeente_inschrijving"
    assert rows[B[4]][4:6] == (None, None) and rows[B[4]][-1] is None
    values = {field: value for field, value, _ in faults}  # as delivered (Haal Centraal: ISO dates)
    assert values["ouder1_geboortedatum"] in ("19821291", "1982-12-91") and values["bsn"] == "123456789"
    assert values["gemeente_inschrijving"] == "03a3" and values["huisnummer"] == "twaalf"
    assert len(faults) == 6 and set(values) == {"ouder1_geboortedatum", "bsn", "gemeente_inschrijving",
                                                "huisnummer", "geboortedatum", "datum_aanvang_adres"}
    reasons = {field: reason for field, _, reason in faults}
    assert reasons["bsn"].endswith("persoonslijst geweigerd")
    assert reasons["geboortedatum"].endswith("signaal ONVOLLEDIGE_PERSOONSLIJST")
    assert reasons["ouder1_geboortedatum"].endswith("persoon geladen met dit veld leeg")
    onvolledig = {(bsn, g) for bsn, signal, g in signals if signal == ONVOLLEDIGE_PERSOONSLIJST}
    assert onvolledig == {(B[2], "0363"), (B[3], "0363")}
    assert {s for bsn, s, _ in signals if bsn == B[2]} == {ONVOLLEDIGE_PERSOONSLIJST}  # not also CONTROLE_…
    assert state["resident"] and state["status"] == "leerplichtig"  # the child with a faulty parent: checked
