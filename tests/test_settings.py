"""inbeeld.toml read into typed sections: a bad key or value stops with a message naming it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from inbeeld.settings import SettingsError, load_settings, login_key


def _load(tmp_path: Path, text: str, **env: str):
    path = tmp_path / "inbeeld.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(environ={"INBEELD_CONFIG": str(path), **env})


def test_sections_are_typed_and_keep_their_defaults(tmp_path: Path) -> None:
    settings = _load(tmp_path, """
gemeenten = ["363", "0344"]
closing_days = [2026-12-24, "2026-12-31"]
[inbeeld.letters.rmc]
naam = "B. de Boer"
[reports.kpi]
afsluiten_binnen_weken = 10
[[reports.werklijst.toewijzing]]
naam = "A. de Boer"
gemeenten = "0363"
[schedules.weekly]
active = false
[catalog.inbox]
path = "/mnt/in"
[notifications]
smtp_host = "localhost"
to = ["beheer@voorbeeldstad.nl"]
""")
    assert settings.gemeenten == ("0363", "0344")
    assert settings.closing_days == (date(2026, 12, 24), date(2026, 12, 31))
    assert (settings.letters.rmc.naam, settings.letters.rmc.functie) == ("B. de Boer", "trajectbegeleider")
    assert settings.reports.kpi.afsluiten_binnen_weken == 10
    assert settings.reports.werklijst.toewijzing[0].gemeenten == ("0363",)
    assert settings.schedules["weekly"].active is False and settings.schedules["weekly"].cron is None
    assert settings.catalog["inbox"].path == "/mnt/in"
    assert settings.notifications.to == ("beheer@voorbeeldstad.nl",)
    assert settings.notifications.smtp_port == 25
    assert settings.freshness.max_days == 7


@pytest.mark.parametrize("text,message", [
    ("foo = 1\n", r"foo: onbekende sleutel; bekend: data_dir"),
    ("[letters.kantoor]\nburgemeester = 'X'\n",
     r"letters\.kantoor\.burgemeester: onbekende sleutel in \[letters\.kantoor\]"),
    ("[reports.kpi]\nafsluiten_binnen_weken = 'twaalf'\n",
     r"reports\.kpi\.afsluiten_binnen_weken moet een geheel getal zijn, niet 'twaalf'"),
    ("closing_days = ['24-12-2026']\n", r"closing_days\[0\] moet een datum"),
    ("letters_pdf = 'nee'\n", "letters_pdf moet true of false zijn"),
    ("[[reports.werklijst.toewijzing]]\nrol = 'RMC'\n",
     r"reports\.werklijst\.toewijzing\[0\]: naam ontbreekt"),
    ("[web]\nport = '80'\n", r"web\.port moet een geheel getal zijn"),
    ("gemeenten = ['Utrecht']\n", "gemeenten: Utrecht is geen gemeentecode van vier cijfers"),
    ("letters_pdf = false\n[inbeeld]\nletters_pdf = true\n", "letters_pdf staat zowel bovenaan"),
    ("[letters\n", "geen geldige TOML"),
])
def test_a_bad_key_or_value_is_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as raised:
        _load(tmp_path, text)
    assert str(tmp_path / "inbeeld.toml") in str(raised.value)


def test_a_config_file_named_but_missing_means_defaults(tmp_path: Path) -> None:
    settings = load_settings(environ={"INBEELD_CONFIG": str(tmp_path / "nope.toml")})
    assert settings.config_file is None and settings.letters_pdf is True


def test_commands_stop_with_the_message(tmp_path: Path) -> None:
    path = tmp_path / "inbeeld.toml"
    path.write_text("[reports.kpi]\nafsluiten_binnen_weken = 'twaalf'\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "cases", "list"],
                                env={"INBEELD_CONFIG": str(path)})
    assert result.exit_code == 1
    assert "reports.kpi.afsluiten_binnen_weken moet een geheel getal zijn" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("typed", "key"), [
    (" JJansen ", "jjansen"), ("jjansen", "jjansen"), ("\tPIET\n", "piet"), ("", ""), ("   ", ""),
    (" Zoë ", "zoë"), ("Straße", "straße"),  # lower-cased, not ASCII-folded nor case-folded
])
def test_a_login_is_keyed_trimmed_and_lower_cased(typed: str, key: str) -> None:
    assert login_key(typed) == key


def test_inbeeld_gebruiker_is_keyed_as_a_login(tmp_path: Path) -> None:
    env = {"INBEELD_CONFIG": str(tmp_path / "none.toml")}
    assert load_settings(environ={**env, "INBEELD_GEBRUIKER": " JJansen "}).gebruiker == "jjansen"
    assert load_settings(environ={**env, "INBEELD_GEBRUIKER": "  "}).gebruiker is None
