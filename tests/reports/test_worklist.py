"""Work lists: assignment rules from the configuration, computed columns, overdue first."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from inbeeld.settings import Settings
from registers.codes import REASON_LABELS
from reports.worklist import UNASSIGNED, Toewijzing, Toewijzingen, surname_letter, with_changes, worklists

PEIL = dt.date(2025, 11, 1)


def case(dossier_id: int, soort: str, naam: str, geslachtsnaam: str, postcode: str, *, wijk: str = "Centrum",
         gemeente: str = "0363", geopend: str = "2025-10-01", volgende: str | None = None,
         behandelaar: str | None = None) -> dict:
    return {"dossier_id": dossier_id, "soort": soort, "persoonsnummer": f"99999{dossier_id:04d}",
            "naam": naam,
            "geslachtsnaam": geslachtsnaam, "geboortedatum": "2012-11-02", "gemeentecode": gemeente,
            "wijk": wijk, "postcode": postcode, "geopend": geopend, "schoolstatus": "niet ingeschreven",
            "laatste_actie": "brief verstuurd", "laatste_actie_datum": "2025-10-02",
            "volgende_actie": "huisbezoek", "volgende_actie_datum": volgende, "behandelaar": behandelaar}


CONFIG = {"reports": {"werklijst": {"toewijzing": [
    {"naam": "Ria RMC", "rol": "RMC"},
    {"naam": "Piet Postcode", "postcodes": ["1000-1049"]},
    {"naam": "Wim Wijk", "wijken": ["Noord"]},
    {"naam": "Anna Alfabet", "letters": "A-K", "gemeenten": ["363"]},
    {"naam": "Lotte Rest", "letters": "L-Z"},
]}}}


def test_surname_letter_ignores_the_voorvoegsel() -> None:
    assert surname_letter("van der Berg") == "B"
    assert surname_letter("Vries") == "V"
    assert surname_letter("de") == "D"  # a surname that is only a prefix word stays itself
    assert surname_letter("") == ""


def test_surname_letter_files_an_accented_initial_under_its_letter() -> None:
    # Özdemir, Şahin, Çelik, Ünal, İnce: filed under O, S, C, U, I like any office's card index; the
    # bare code point sorts after Z and fell outside every letter range, so the case went unassigned
    assert [surname_letter(n) for n in ("Özdemir", "Şahin", "Çelik", "Ünal", "İnce", "de Ébène")] == [
        "O", "S", "C", "U", "I", "E"]
    rule = Toewijzing.from_config({"naam": "Lotte Rest", "letters": "L-Z"})
    assert rule.matches(case(1, "ABSOLUUT_VERZUIM", "Jens Şahin", "Şahin", "2000AA"))


def test_a_dossier_of_the_rmc_team_goes_to_the_rmc_rule_whatever_its_reason() -> None:
    # a school's RMC verzuimmelding (an 18-year-old) makes an RMC dossier: the dossier screen says
    # RMC, so the work list must not hand it to the LPA of the surname letter
    rules = Toewijzingen.from_settings(Settings.from_table(CONFIG).reports.werklijst)
    melding = case(1, "VERZUIMMELDING", "Lies Maas", "Maas", "2000AA")
    assert rules.assign(melding) == "Lotte Rest"  # a leerplicht dossier (no team given: by its reason)
    assert rules.assign({**melding, "team": "lpa"}) == "Lotte Rest"
    assert rules.assign({**melding, "team": "rmc"}) == "Ria RMC"
    assert rules.assign({**case(2, "THUISZITTER", "Ben Bos", "Bos", "2000AA"), "team": "rmc"}) == "Ria RMC"
    assert rules.assign({**case(3, "VSV", "Sam Smit", "Smit", "1010AB"), "team": "lpa"}) == "Piet Postcode"


def test_rules_are_read_from_the_configuration_and_checked() -> None:
    rules = Toewijzingen.from_settings(Settings.from_table(CONFIG).reports.werklijst)
    assert [r.naam for r in rules.regels] == ["Ria RMC", "Piet Postcode", "Wim Wijk", "Anna Alfabet",
                                              "Lotte Rest"]
    assert rules.regels[3].gemeenten == ("0363",)
    with pytest.raises(ValueError, match="onbekende sleutel"):
        Toewijzing.from_config({"naam": "X", "postcode": "1000-1099"})
    with pytest.raises(ValueError, match="rol"):
        Toewijzing.from_config({"naam": "X", "rol": "BOA"})


def test_assignment_and_order() -> None:
    rows = [
        case(1, "VSV", "Sam Smit", "Smit", "1010AB"),  # RMC type → Ria, before the postcode rule
        case(2, "ABSOLUUT_VERZUIM", "Ben Bos", "Bos", "1020CD", volgende="2025-11-10"),  # postcode → Piet
        case(3, "ABSOLUUT_VERZUIM", "Eva van Dam", "Dam", "2000AA", wijk="noord"),  # wijk → Wim
        {**case(4, "THUISZITTER", "Karel de Kok", "Kok", "2000AA", volgende="2025-10-20"),  # K: Anna, 12 late
         "redenen": "VERZUIMMELDING, THUISZITTER"},
        case(5, "ABSOLUUT_VERZUIM", "Lies Maas", "Maas", "2000AA", volgende="2025-10-30"),  # M → Lotte
        case(6, "ABSOLUUT_VERZUIM", "Ada Aap", "Aap", "2000AA", volgende="2025-10-31"),  # A → Anna, overdue 1
        case(7, "ABSOLUUT_VERZUIM", "Ali Arts", "Arts", "2000AA", volgende="2025-11-05",
             geopend="2025-06-01"),  # A → Anna, not yet due
        case(8, "ABSOLUUT_VERZUIM", "Ans Appel", "Appel", "2000AA", volgende=None),  # no next action: last
        case(9, "ABSOLUUT_VERZUIM", "Otto Os", "Os", "2000AA", gemeente="0518", behandelaar="Piet Postcode"),
        case(10, "ABSOLUUT_VERZUIM", "Bo Berk", "Berk", "2000AA", gemeente="0518"),  # B outside 0363: nobody
    ]
    lists = worklists(rows, Toewijzingen.from_settings(Settings.from_table(CONFIG).reports.werklijst), PEIL)
    assert set(lists) == {"Anna Alfabet", "Lotte Rest", "Piet Postcode", "Ria RMC", "Wim Wijk", UNASSIGNED}
    anna = lists["Anna Alfabet"]
    assert list(anna["dossier_id"]) == [4, 6, 7, 8]
    assert list(anna["te_laat"]) == [True, True, False, False]
    assert list(anna["dagen_te_laat"].astype(object).fillna(-1)) == [12, 1, -1, -1]
    assert anna.loc[0, "leeftijd"] == 12  # born 2 November 2012: 13 the day after the peildatum
    assert anna.loc[2, "dagen_open"] == 153  # 1 June to 1 November
    assert list(lists["Piet Postcode"]["dossier_id"]) == [2, 9]
    assert list(lists[UNASSIGNED]["dossier_id"]) == [10]
    assert lists["Ria RMC"].loc[0, "soort_label"] == "Voortijdig schoolverlater"
    # the dossier's reasons in words, as in Soort (the codes are for JSON and filters)
    assert anna.loc[0, "redenen"] == f"{REASON_LABELS['VERZUIMMELDING']}, {REASON_LABELS['THUISZITTER']}"


def test_changed_dossiers_put_into_lists_made_before_give_the_lists_made_afresh() -> None:
    """The work screen marks a dossier it changed and replaces only its rows (web.werklijst)."""
    rules = Toewijzingen.from_settings(Settings.from_table(CONFIG).reports.werklijst)
    before = [case(1, "VSV", "Sam Smit", "Smit", "1010AB"),
              case(2, "ABSOLUUT_VERZUIM", "Ben Bos", "Bos", "1020CD", volgende="2025-11-10"),
              case(4, "THUISZITTER", "Karel de Kok", "Kok", "2000AA", volgende="2025-10-20"),
              case(6, "ABSOLUUT_VERZUIM", "Ada Aap", "Aap", "2000AA", volgende="2025-10-31"),
              case(7, "ABSOLUUT_VERZUIM", "Ali Arts", "Arts", "2000AA", volgende="2025-11-05"),
              case(10, "ABSOLUUT_VERZUIM", "Bo Berk", "Berk", "2000AA", gemeente="0518")]
    after = [row for row in before if row["dossier_id"] not in (2, 4, 7)] + [
        case(4, "THUISZITTER", "Karel de Kok", "Kok", "2000AA", volgende="2025-11-20"),  # acted on: not late
        case(7, "ABSOLUUT_VERZUIM", "Ali Arts", "Arts", "2000AA", volgende="2025-10-01",
             behandelaar="Wim Wijk")]  # assigned to Wim (a new list) and late; 2 closed (Piet's list empties)
    changed = [row for row in after if row["dossier_id"] in (2, 4, 7)]
    patched = with_changes(worklists(before, rules, PEIL), worklists(changed, rules, PEIL), [2, 4, 7])
    fresh = worklists(after, rules, PEIL)
    assert set(patched) == set(fresh) == {"Anna Alfabet", "Ria RMC", "Wim Wijk", UNASSIGNED}
    for name, rows in fresh.items():
        assert patched[name].to_dict("records") == rows.to_dict("records"), name
    assert list(patched["Anna Alfabet"]["dossier_id"]) == [6, 4]


@pytest.mark.parametrize(("gba", "shown", "age"), [
    ("20121100", "november 2012", "12 of 13"),  # the peildatum (1 November) in the month: either age
    ("20120900", "september 2012", 13),  # the month before the peildatum's: 13 whichever day
    ("20120000", "2012", "12 of 13"),
    ("00000000", "onbekend", None),
])
def test_a_birth_date_known_in_part_shows_what_is_known_and_the_ages_it_allows(
        gba: str, shown: str, age: object) -> None:
    """The work list's rows of `Controle geboortedatum` ask to check the birth date: they show what
    the BRP knows of it, not a blank (a whole date stays a date)."""
    rows = [{**case(1, "CONTROLE_GEBOORTEDATUM", "Roos Os", "Os", "2000AA"), "geboortedatum": None,
             "geboortedatum_gba": gba},
            case(2, "ABSOLUUT_VERZUIM", "Ben Bos", "Bos", "2000AA")]
    lists = worklists(rows, Toewijzingen([]), PEIL)
    rows_by_id = lists[UNASSIGNED].set_index("dossier_id")
    assert rows_by_id.loc[1, "geboortedatum"] == shown
    leeftijd = rows_by_id.loc[1, "leeftijd"]
    assert (None if pd.isna(leeftijd) else leeftijd) == age
    assert rows_by_id.loc[2, "geboortedatum"] == pd.Timestamp(2012, 11, 2)
    assert rows_by_id.loc[2, "leeftijd"] == 12
