"""The law in layers (docs/law-layers.md), checked as a jurist would read it.

Every value InBeeld computes with sits in a file of `rules/law/<layer>/`, has a date from which it
holds and a reference to the text it comes from; the loader refuses a file that breaks this; and only
local policy (the `lokaal` layer) can be changed by a gemeente in its inbeeld.toml.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from inbeeld.settings import BeleidSettings, GemeenteBeleid, SettingsError, load_settings
from rules.parameters import (
    LAW_DIR,
    LAYERS,
    LOCAL_LAYER,
    NOT_OVERRIDABLE,
    PARAMETERS,
    PER_INSTALLATION,
    LocalValue,
    ParameterError,
    active,
    law_files,
    load_law,
    use,
    use_settings,
    value,
)

D = date.fromisoformat
LEERPLICHT = '''[source]
title = "Leerplichtwet 1969"

[leerplicht_startleeftijd]
description = "d"
unit = "jaar"

[[leerplicht_startleeftijd.values]]
since = 1985-08-01
value = 5
reference = "Leerplichtwet 1969 art. 3 lid 1"
'''


@pytest.mark.parametrize("name", PARAMETERS.names())
def test_every_value_has_a_date_a_reference_and_a_layer(name: str) -> None:
    parameter = PARAMETERS.parameter(name)
    assert parameter.layer in LAYERS, f"{name} is in no layer"
    assert parameter.source.startswith(f"{parameter.layer}/"), f"{name}: file {parameter.source}"
    assert parameter.source_title, f"rules/law/{parameter.source} names no source ([source] title)"
    assert parameter.description and parameter.unit
    for item in parameter.values:
        assert isinstance(item.since, date)
        assert item.reference.strip(), f"{name}: the value from {item.since} has no reference"


def test_every_file_is_in_a_layer_folder_and_declares_its_source() -> None:
    files = law_files()
    assert files, "no law files found"
    for path in files:
        layer = path.relative_to(LAW_DIR).parts[0]
        assert layer in LAYERS, f"{path} is not in a layer folder"
    assert {PARAMETERS.parameter(n).source for n in PARAMETERS.names()} == {
        path.relative_to(LAW_DIR).as_posix() for path in files}


def test_the_laws_are_where_a_jurist_looks_for_them() -> None:
    layer = {name: PARAMETERS.parameter(name).layer for name in PARAMETERS.names()}
    assert layer["leerplicht_startleeftijd"] == layer["rmc_leeftijd"] == "wet"
    assert layer["vsv_leeftijd"] == "definities"
    assert layer["bewaartermijn_leerplicht"] == "selectielijst"
    assert layer["thuiszitter_wachttijd_absoluut_verzuim"] == LOCAL_LAYER
    assert PARAMETERS.parameter("rmc_leeftijd").source == "wet/web.toml"


def _law(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_well_formed_law_is_read(tmp_path: Path) -> None:
    law = load_law(_law(tmp_path, {"wet/leerplichtwet.toml": LEERPLICHT}))
    assert law.value("leerplicht_startleeftijd", D("2025-01-01")) == 5
    assert law.parameter("leerplicht_startleeftijd").layer == "wet"


@pytest.mark.parametrize("files,message", [
    ({"wet/lpw.toml": LEERPLICHT.replace('reference = "Leerplichtwet 1969 art. 3 lid 1"\n', "")},
     "rules/law/wet/lpw.toml: parameter leerplicht_startleeftijd: de waarde vanaf 1985-08-01 heeft geen"),
    ({"wet/lpw.toml": LEERPLICHT, "wet/lpw2.toml": LEERPLICHT},
     "lpw2.toml: parameter leerplicht_startleeftijd staat al in rules/law/wet/lpw.toml"),
    ({"wet/lpw.toml": LEERPLICHT + LEERPLICHT.split("\n\n")[2].replace("value = 5", "value = 6")},
     "twee waarden vanaf 1985-08-01"),
    ({"lpw.toml": LEERPLICHT}, "lpw.toml: staat niet in de map van een laag"),
    ({"gemeente/lpw.toml": LEERPLICHT}, "staat niet in de map van een laag"),
])
def test_the_loader_refuses_a_faulty_law(tmp_path: Path, files: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_law(_law(tmp_path, files))


def test_inbeeld_toml_can_override_every_local_policy_value_and_nothing_else() -> None:
    local = {n for n in PARAMETERS.names() if PARAMETERS.parameter(n).layer == LOCAL_LAYER}
    assert {f.name for f in fields(BeleidSettings)} - {"gemeente"} == local - NOT_OVERRIDABLE
    assert {f.name for f in fields(GemeenteBeleid)} == local - PER_INSTALLATION  # per gemeente
    assert set(GemeenteBeleid.REFUSED) == PER_INSTALLATION
    with pytest.raises(ParameterError, match="rmc_leeftijd.*geen lokaal beleid"):
        PARAMETERS.with_local_policy({"rmc_leeftijd": LocalValue(30, "raadsbesluit")})
    with pytest.raises(ParameterError, match="bewaartermijn_audit.*geen lokaal beleid"):
        PARAMETERS.with_local_policy({"bewaartermijn_audit": LocalValue(7, "raadsbesluit")})
    with pytest.raises(ParameterError, match="gemeente.0599.bewaartermijn_staging: .*hele installatie"):
        PARAMETERS.with_local_policy({"bewaartermijn_staging": LocalValue(70, "besluit")}, "0599")


def test_a_gemeente_sets_its_own_wait_in_inbeeld_toml(tmp_path: Path) -> None:
    config = tmp_path / "inbeeld.toml"
    config.write_text('[beleid.thuiszitter_wachttijd_absoluut_verzuim]\nwaarde = 0\n'
                      'besluit = "Collegebesluit 12 maart 2026, nr. 42"\n'
                      '[beleid.marge_na_vestiging]\nwaarde = 6\nsinds = 2026-08-01\n'
                      'besluit = "Beleidsregel leerplicht 2026"\n', encoding="utf-8")
    settings = load_settings(environ={"INBEELD_CONFIG": str(config)})
    try:
        law = use_settings(settings)
        assert active() is law
        assert value("thuiszitter_wachttijd_absoluut_verzuim", D("2020-01-01")) == 0
        assert "Collegebesluit 12 maart 2026" in law.reference("thuiszitter_wachttijd_absoluut_verzuim",
                                                                  D("2020-01-01"))
        assert law.parameter("thuiszitter_wachttijd_absoluut_verzuim").values[-1].local
        assert value("marge_na_vestiging", D("2026-07-31")) == 4  # the shipped value until its sinds
        assert value("marge_na_vestiging", D("2026-08-01")) == 6
        assert PARAMETERS.value("thuiszitter_wachttijd_absoluut_verzuim", D("2020-01-01")) == 4
    finally:
        use({})
    assert active() is PARAMETERS


@pytest.mark.parametrize("text,message", [
    ('[beleid.rmc_leeftijd]\nwaarde = 30\nbesluit = "x"\n',
     "beleid.rmc_leeftijd: onbekende sleutel in \\[beleid\\]"),
    ('[beleid.marge_na_vestiging]\nwaarde = 6\n', "besluit ontbreekt"),
    ('[beleid.marge_na_vestiging]\nwaarde = "zes"\nbesluit = "x"\n', "waarde moet een geheel getal zijn"),
    ('[beleid.marge_na_vestiging]\nwaarde = 6\nbesluit = " "\n', "besluit is leeg"),
])
def test_a_bad_local_policy_stops_with_the_key(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "inbeeld.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        load_settings(environ={"INBEELD_CONFIG": str(config)})


def test_the_signal_sql_binds_the_gemeentes_own_value() -> None:
    """The bulk SQL reads the active law: a gemeente's wait of 0 weeks is the query's constant."""
    import duckdb

    from rules.signals import signals_query

    con = duckdb.connect()
    peil = D("2026-10-01")
    shipped = signals_query(con, peil, ["0363"])
    assert f"DATE '{peil.isoformat()}' - a.sinds > 4 * 7" in shipped
    try:
        use({"thuiszitter_wachttijd_absoluut_verzuim": LocalValue(0, "Collegebesluit (test)")})
        assert f"DATE '{peil.isoformat()}' - a.sinds > 0 * 7" in signals_query(con, peil, ["0363"])
    finally:
        use({})
        con.close()


TWEE = ('gemeenten = ["0363", "0599"]\n'
        '[beleid.marge_na_vestiging]\nwaarde = 5\nbesluit = "Regionaal besluit 2025"\n')


def test_each_gemeente_of_a_region_sets_its_own_value(tmp_path: Path) -> None:
    """A gemeente named in [beleid.gemeente] takes its own value (from its sinds), one not named the
    installation's, which takes the shipped default; the reference names the gemeente's key."""
    config = tmp_path / "inbeeld.toml"
    config.write_text(TWEE + '[beleid.gemeente."0599".marge_na_vestiging]\nwaarde = 6\nsinds = 2026-08-01\n'
                      'besluit = "Collegebesluit Rotterdam 3 juni 2026"\n', encoding="utf-8")
    settings = load_settings(environ={"INBEELD_CONFIG": str(config)})
    try:
        law = use_settings(settings)
        on = D("2026-08-01")
        assert value("marge_na_vestiging", on, gemeente="0599") == 6
        # the installation's value until the gemeente's sinds
        assert value("marge_na_vestiging", D("2026-07-31"), gemeente="0599") == 5
        assert value("marge_na_vestiging", on, gemeente="0363") == value("marge_na_vestiging", on) == 5
        assert value("marge_leerplicht_start", on, gemeente="0599") == 4  # shipped
        assert law.reference("marge_na_vestiging", on, "0599") == (
            "Lokaal beleid (inbeeld.toml, beleid.gemeente.0599.marge_na_vestiging): "
            "Collegebesluit Rotterdam 3 juni 2026")
        assert law.as_of(on).value("marge_na_vestiging", D("2020-01-01"), "0599") == 6
    finally:
        use({})
    # a run narrowed to one gemeente (a flow deployment, --gemeenten) keeps the other's policy valid
    narrowed = load_settings(gemeenten="0363", environ={"INBEELD_CONFIG": str(config)})
    assert set(narrowed.beleid.gemeente) == {"0599"}


@pytest.mark.parametrize("text,message", [
    ('[beleid.gemeente."0599".bewaartermijn_staging]\nwaarde = 70\nbesluit = "x"\n',
     "beleid.gemeente.0599.bewaartermijn_staging: een bewaartermijn geldt voor de hele installatie"),
    ('[beleid.gemeente."0599".bewaartermijn_audit]\nwaarde = 7\nbesluit = "x"\n',
     "beleid.gemeente.0599.bewaartermijn_audit: een bewaartermijn geldt voor de hele installatie"),
    ('[beleid.gemeente."0518".marge_na_vestiging]\nwaarde = 6\nbesluit = "x"\n',
     "beleid.gemeente.0518: gemeente 0518 wordt niet bediend \\(gemeenten: 0363, 0599\\)"),
    ('[beleid.gemeente.599.marge_na_vestiging]\nwaarde = 6\nbesluit = "x"\n',
     "beleid.gemeente.599: gemeente 599 wordt niet bediend"),
    ('[beleid.gemeente."0599".rmc_leeftijd]\nwaarde = 30\nbesluit = "x"\n',
     "beleid.gemeente.0599.rmc_leeftijd: onbekende sleutel"),
    ('[beleid.gemeente."0599".marge_na_vestiging]\nwaarde = 6\n',
     "beleid.gemeente.0599.marge_na_vestiging: besluit ontbreekt"),
])
def test_a_bad_gemeente_policy_stops_with_the_key(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "inbeeld.toml"
    config.write_text(TWEE + text, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        load_settings(environ={"INBEELD_CONFIG": str(config)})


def test_the_signal_sql_keeps_the_literal_unless_the_served_gemeenten_differ() -> None:
    """One value for all served gemeenten: the plain number, so the query (and its speed) stays that of
    one gemeente; different values: one CASE on the person's gemeentecode."""
    from rules.sql import value_per_gemeente

    peil = D("2026-10-01")
    law = PARAMETERS.with_local_policy({"marge_na_vestiging": LocalValue(6, "Collegebesluit (test)")}, "0599")
    assert value_per_gemeente(law, "marge_na_vestiging", peil, ["0363"]) == "4"
    assert value_per_gemeente(law, "marge_na_vestiging", peil, ["0599"]) == "6"
    assert value_per_gemeente(law, "marge_na_vestiging", peil, ["0599", "0363"], "b.gemeentecode") == (
        "(CASE b.gemeentecode WHEN '0599' THEN 6 ELSE 4 END)")
    same = law.with_local_policy({"marge_na_vestiging": LocalValue(6, "Collegebesluit (test)")}, "0363")
    assert value_per_gemeente(same, "marge_na_vestiging", peil, ["0363", "0599"]) == "6"
    assert value_per_gemeente(law, "marge_leerplicht_start", peil, ["0363", "0599"]) == "4"
