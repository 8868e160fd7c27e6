"""Dated parameters: the value that holds on a date, its reference, and clear errors."""

from datetime import date

import pytest

from rules.dates import MaandDag
from rules.parameters import (
    PARAMETERS,
    DatedValue,
    Parameter,
    ParameterError,
    load_parameters,
    parameters_from_mapping,
    reference,
    value,
)

D = date.fromisoformat


@pytest.mark.parametrize("name,expected,article", [
    ("leerplicht_startleeftijd", 5, "art. 3 lid 1"),
    ("leerplicht_eindleeftijd", 16, "art. 3 lid 1 onder b"),
    ("leerplicht_schooljaren", 12, "art. 3 lid 1 onder a"),
    ("kwalificatieplicht_leeftijd", 18, "art. 4a lid 1 en art. 4b"),
    ("rmc_leeftijd", 23, "titel 8.3"),
    ("schooljaar_start", MaandDag(8, 1), "schooljaar"),
    ("marge_leerplicht_start", 4, "docs/spec.md"),
    ("marge_na_vestiging", 4, "docs/spec.md"),
    ("bijna_leerplichtig_venster", 2, "docs/spec.md"),
    ("thuiszitter_drempel", 4, "26 695 nr. 108"),
    ("thuiszitter_lang", 3, "26 695 nr. 108"),
])
def test_shipped_values_and_references(name: str, expected: object, article: str) -> None:
    assert value(name, D("2025-10-01")) == expected
    assert article in reference(name, D("2025-10-01"))


def test_units_say_how_to_read_the_grace_periods() -> None:
    assert PARAMETERS.parameter("marge_leerplicht_start").unit == "weken"
    assert PARAMETERS.parameter("thuiszitter_lang").unit == "maanden"
    assert PARAMETERS.parameter("bijna_leerplichtig_venster").unit == "maanden"


def test_leerplicht_references_name_the_act_and_its_bwb_id() -> None:
    for name in ("leerplicht_startleeftijd", "leerplicht_eindleeftijd", "kwalificatieplicht_leeftijd"):
        assert reference(name, D("2025-01-01")).startswith("Leerplichtwet 1969 (BWBR0002628) art. ")


def test_unknown_name_is_a_clear_error() -> None:
    with pytest.raises(ParameterError, match="onbekende parameter 'rmc_age'.*rmc_leeftijd"):
        value("rmc_age", D("2025-01-01"))


def test_date_before_the_first_value_is_a_clear_error() -> None:
    with pytest.raises(ParameterError, match=r"geen waarde op 31 juli 2007.*1 augustus 2007"):
        value("kwalificatieplicht_leeftijd", D("2007-07-31"))
    assert value("kwalificatieplicht_leeftijd", D("2007-08-01")) == 18


def test_the_rmc_age_is_23_and_27_from_1_january_2026() -> None:
    assert PARAMETERS.value("rmc_leeftijd", D("2025-12-31")) == 23
    assert PARAMETERS.value("rmc_leeftijd", D("2026-01-01")) == 27
    assert "Kamerstuk 36 667" in PARAMETERS.reference("rmc_leeftijd", D("2026-01-01"))
    assert "Kamerstuk 36 667" not in PARAMETERS.reference("rmc_leeftijd", D("2025-12-31"))


def test_a_new_dated_value_holds_from_its_date_only() -> None:
    changed = PARAMETERS.with_value("rmc_leeftijd", D("2030-01-01"), 30, "a proposed RMC age")
    assert changed.value("rmc_leeftijd", D("2029-12-31")) == 27
    assert changed.value("rmc_leeftijd", D("2030-01-01")) == 30
    assert changed.reference("rmc_leeftijd", D("2031-01-01")) == "a proposed RMC age"
    assert PARAMETERS.value("rmc_leeftijd", D("2031-01-01")) == 27  # the original is untouched


def test_with_value_on_an_existing_date_replaces_it() -> None:
    changed = PARAMETERS.with_value("rmc_leeftijd", D("2007-08-01"), 24, "test")
    assert [v.value for v in changed.parameter("rmc_leeftijd").values] == [24, 27]


def test_segments_cut_at_every_change_of_any_parameter() -> None:
    changed = PARAMETERS.with_value("rmc_leeftijd", D("2030-01-01"), 30, "bill")
    segments = changed.segments(["kwalificatieplicht_leeftijd", "rmc_leeftijd"])
    assert [(s.start, s.end) for s in segments] == [
        (D("2007-08-01"), D("2026-01-01")), (D("2026-01-01"), D("2030-01-01")), (D("2030-01-01"), None)]
    assert [s.values["rmc_leeftijd"] for s in segments] == [23, 27, 30]
    # Segments start when every parameter has a value: leerplicht alone starts earlier.
    assert PARAMETERS.segments(["leerplicht_startleeftijd"])[0].start == D("1985-08-01")


@pytest.mark.parametrize("values,unit,message", [
    ((), "jaar", "geen waarden"),
    ((DatedValue(D("2020-01-01"), 1, "r"), DatedValue(D("2019-01-01"), 2, "r")), "jaar", "oplopende datum"),
    ((DatedValue(D("2020-01-01"), 1, "r"),), "eeuwen", "onbekende eenheid"),
    ((DatedValue(D("2020-01-01"), 1, " "),), "jaar", "geen wettelijke bron"),
    ((DatedValue(D("2020-01-01"), "5", "r"),), "jaar", "is geen jaar"),
])
def test_parameter_validation(values: tuple, unit: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Parameter("x", "", unit, values)


def test_bad_day_of_year_is_refused() -> None:
    data = {"schooljaar_start": {"unit": "maand-dag", "values": [
        {"since": D("2000-01-01"), "value": "13-01", "reference": "r"}]}}
    with pytest.raises(ValueError, match="geen dag van het jaar"):
        parameters_from_mapping(data)


def test_a_file_with_a_changed_law_is_read(tmp_path) -> None:
    path = tmp_path / "parameters.toml"
    path.write_text(
        '[rmc_leeftijd]\ndescription = "d"\nunit = "jaar"\n'
        '[[rmc_leeftijd.values]]\nsince = 2007-08-01\nvalue = 23\nreference = "WEB"\n'
        '[[rmc_leeftijd.values]]\nsince = 2026-01-01\nvalue = 27\nreference = "bill"\n',
        encoding="utf-8",
    )
    params = load_parameters(path)
    assert params.names() == ["rmc_leeftijd"]
    assert params.value("rmc_leeftijd", D("2026-06-01")) == 27
    assert value("rmc_leeftijd", D("2026-06-01"), params) == 27
