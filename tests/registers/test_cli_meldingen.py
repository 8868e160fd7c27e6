"""Every refusal code reaches the command line in Dutch (issue 14 item 9): each code a register or the
letters can give is either met here by running the command that meets it, against a real SQLite
register, and its Dutch line from registers/meldingen.py is what the user reads; or it is listed in
NOT_FROM_A_COMMAND with the reason no command meets it (then its line is checked for its parameters).
A new code without a Dutch line, or without one of the two, fails here."""

from __future__ import annotations

import ast
import shutil
import string
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from cli import main
from registers.audit import AuditTrail, load_key
from registers.case_sync import sync_cases
from registers.codes import ReasonCode
from registers.db import open_registers
from registers.errors import Refused
from registers.meldingen import NL, nederlands
from registers.models import Bijlage, Dossier, Persoon
from registers.verzuim import register_meldingen
from tests.named_user import add_tester
from tests.registers.factories import BSNS, WEEK1, WEEK2, signal_row

ROOT = Path(__file__).resolve().parents[2]


def refusals(folder: str) -> list[tuple[Path, ast.Call]]:
    """Every `Refused(...)` call in the modules of `folder` (migrations aside)."""
    return [(path, node) for path in sorted((ROOT / folder).rglob("*.py")) if "migrations" not in path.parts
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refused"]


CODES = {keyword.value.value for folder in ("registers", "letters") for _, call in refusals(folder)
         for keyword in call.keywords if keyword.arg == "code" and isinstance(keyword.value, ast.Constant)}

#: Codes no command meets, and why; their Dutch lines are checked on their own.
LETTER = ("a single letter: met by letters draft / store and the screen's letter form, asserted in "
          "tests/letters/test_letters_run.py and tests/web/test_stukken.py (it needs a staged municipality)")
NOT_FROM_A_COMMAND = {
    "geen_afspraak": LETTER,
    "geen_brief_bij_aanleiding": LETTER,
    "brief_past_niet": LETTER,
    "geen_geadresseerde": LETTER,
    "geen_docx": LETTER,
    "docx_beschadigd": LETTER,
    "docx_te_groot": LETTER,
    "kenmerk_weg": LETTER,
    "brief_al_opgeslagen": LETTER,
    "waarschuwing_niet_toegestaan": LETTER,
    "bijlage_zonder_map": "the commands and the screen always give the data directory",
    "onbekend_tegen": "--tegen is a click choice: another word is a usage error (exit 2) before the register",
    "staging_bezet": "needs another process holding the staging lock (tests/connectors/test_staging.py)",
    "staging_onleesbaar": "the weekly flow registers the staged meldingen; a broken staging file",
    "melding_al_definitief": "registers.verzuim.withdraw: DUO's withdrawal, read by the weekly flow",
    "melding_datum": "registers.verzuim.register_meldingen checks the verzuim reader's rows (weekly flow)",
    "melding_elfproef": "as melding_datum",
    "melding_soort": "as melding_datum",
    "melding_onvolledig": "as melding_datum",
    "melding_eind_voor_begin": "as melding_datum",
    "melding_zonder_nummer": "as melding_datum",
    "sync_geen_datum": "registers.case_sync checks the signals the weekly flow computes",
    "sync_elfproef": "as sync_geen_datum",
    "sync_onbekend_signaal": "as sync_geen_datum",
    "sync_gemeentecode": "as sync_geen_datum",
    "sync_buiten_gemeenten": "as sync_geen_datum",
    "sync_peildatum": "as sync_geen_datum",
    "sync_sluitreden": "as sync_geen_datum",
    "geen_vsv": "registers.vsv.set_outcome has no command (yet)",
    "uitkomst_voor_startset": "as geen_vsv",
    "onbekende_code": "every code option of a command is a click choice (exit 2); the register's own check "
                      "guards the API and the screen",
}

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


class Register:
    """A real SQLite register in a data directory, three dossiers in it, and `run` for the commands."""

    def __init__(self, tmp_path: Path, template: Register | None = None) -> None:
        self.tmp = tmp_path
        self.data = tmp_path / "data"
        self.url = f"sqlite:///{tmp_path / 'register.sqlite'}"
        if template is not None:  # a copy of the files: migrating and hashing a password once is enough
            shutil.copytree(template.data, self.data)
            shutil.copy2(template.tmp / "register.sqlite", tmp_path / "register.sqlite")
            self.by, self.dossier, self.reasons = template.by, template.dossier, template.reasons
            return
        self.by = add_tester(self.data, self.url)
        factory = open_registers(self.url, AuditTrail(load_key(self.data), actor="systeem"))
        try:
            with factory() as session:
                # BSNS[0]: absoluut verzuim; BSNS[1]: a verzuimmelding; BSNS[2]: two reasons
                sync_cases(session, WEEK1, self.signals(WEEK1), {})
                register_meldingen(session, [{
                    "meldingsnummer": "VM-1", "brin": "12AB", "persoonsnummer": BSNS[1], "soort": "16U_4W",
                    "begindatum": date(2026, 9, 1), "meldingsdatum": date(2026, 9, 4)}], today=WEEK2)
                sync_cases(session, WEEK2, self.signals(WEEK2), {}, gemeenten=["0363"])
                session.add(Persoon(persoonsnummer=BSNS[3], gemeentecode="0363",
                                    geboortedatum=date(2017, 3, 1), bijgewerkt_op=WEEK1))
                session.commit()
                self.dossier = {n: session.scalar(select(Dossier.id).where(
                    Dossier.persoonsnummer == BSNS[n])) for n in (0, 1, 2)}
                self.reasons = sorted(r.id for r in session.get(Dossier, self.dossier[2]).reasons)
        finally:
            factory.kw["bind"].dispose()

    @staticmethod
    def signals(week: date) -> list[dict[str, Any]]:
        return [signal_row(BSNS[0], ReasonCode.ABSOLUUT_VERZUIM, peildatum=week, sinds=date(2026, 8, 24)),
                signal_row(BSNS[2], ReasonCode.ABSOLUUT_VERZUIM, peildatum=week),
                signal_row(BSNS[2], ReasonCode.THUISZITTER, peildatum=week)]

    def run(self, *args: object) -> Result:
        return CliRunner().invoke(main, ["--data-dir", str(self.data), "--db-url", self.url, *self.by,
                                         *[str(a) for a in args]])

    def file(self, name: str, content: bytes) -> Path:
        path = self.tmp / name
        path.write_bytes(content)
        return path

    def bijlage(self) -> tuple[int, Path]:
        """An attachment on dossier 0, and where its content is kept."""
        ok = self.run("cases", "act", self.dossier[0], "gesprek", "--bijlage",
                      self.file("verslag.txt", b"hallo"))
        assert ok.exit_code == 0, ok.output
        factory = open_registers(self.url, AuditTrail(load_key(self.data), actor="systeem"))
        try:
            with factory() as session:
                entry = session.scalars(select(Bijlage)).one()
                return entry.id, self.data / "bijlagen" / entry.sha256[:2] / entry.sha256
        finally:
            factory.kw["bind"].dispose()


def _changed_on_disk(r: Register) -> Result:
    number, path = r.bijlage()
    path.chmod(0o600)
    path.write_bytes(b"anders")
    return r.run("cases", "bijlage", number, "-o", r.tmp / "uit.txt")


def _missing_on_disk(r: Register) -> Result:
    number, path = r.bijlage()
    path.unlink()
    return r.run("cases", "bijlage", number, "-o", r.tmp / "uit.txt")


def _then(*steps: tuple[object, ...]) -> Callable[[Register], Result]:
    """Run the commands in turn; the last one is the refusal (the earlier ones must succeed)."""
    def run(r: Register) -> Result:
        *setup, last = steps
        for step in setup:
            done = r.run(*[_fill(r, a) for a in step])
            assert done.exit_code == 0, (step, done.output)
        return r.run(*[_fill(r, a) for a in last])
    return run


def _fill(r: Register, value: object) -> object:
    """`{d0}`, `{d1}`, `{d2}`: the dossiers; `{r0}`, `{r1}`: dossier 2's reasons."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        kind, number = value[1], int(value[2:-1])
        return r.dossier[number] if kind == "d" else r.reasons[number]
    return value


ACT = ("cases", "act")
SCENARIOS: dict[str, Callable[[Register], Result]] = {
    # dossiers
    "geen_dossier": _then(("cases", "show", "4242")),
    "andere_aanleiding": _then((*ACT, "{d0}", "gesprek", "--reden", "999")),
    "datum_toekomst": _then((*ACT, "{d0}", "gesprek", "--date", TOMORROW)),
    "voor_opening": _then((*ACT, "{d0}", "gesprek", "--date", "2026-01-05")),
    "dossier_gesloten": _then((*ACT, "{d0}", "close", "--date", "2026-09-10"),
                              (*ACT, "{d0}", "gesprek", "--date", "2026-09-11")),
    "aanleiding_beeindigd": _then((*ACT, "{d2}", "close", "--reden", "{r0}", "--date", "2026-09-10"),
                                  (*ACT, "{d2}", "gesprek", "--reden", "{r0}", "--date", "2026-09-11")),
    "sluiten_voor_stap": _then((*ACT, "{d0}", "gesprek", "--date", "2026-09-20"),
                               (*ACT, "{d0}", "close", "--date", "2026-09-10")),
    "onbekende_actie": _then((*ACT, "{d0}", "spijbelen")),
    "actie_van_sync": _then((*ACT, "{d0}", "geopend")),
    "sluitreden_alleen_bij_sluiten": _then((*ACT, "{d0}", "gesprek", "--reason", "verhuisd")),
    "reden_afsluiting_alleen_melding": _then((*ACT, "{d0}", "close", "--reden-afsluiting",
                                              "terug_naar_school")),
    "stap_niet_toegestaan": _then((*ACT, "{d0}", "halt")),  # Halt is not for absoluut verzuim
    "halt_al_eerder": _then((*ACT, "{d1}", "halt", "--date", "2026-09-20"),  # once per young person
                            (*ACT, "{d1}", "halt")),
    "tegen_alleen_pv": _then((*ACT, "{d0}", "gesprek", "--tegen", "ouders")),
    # attachments
    "bijlage_leeg": lambda r: r.run(*ACT, r.dossier[0], "gesprek", "--bijlage", r.file("leeg.txt", b"")),
    "bijlage_naam": lambda r: r.run(*ACT, r.dossier[0], "gesprek", "--bijlage", r.file(" ", b"x")),
    "bijlage_te_groot": lambda r: r.run(*ACT, r.dossier[0], "gesprek", "--bijlage",
                                        r.file("scan.pdf", b"x" * (20 * 1024 * 1024 + 1))),
    "geen_bijlage": lambda r: r.run("cases", "bijlage", "999", "-o", r.tmp / "uit.txt"),
    "bijlage_weg": _missing_on_disk,
    "bijlage_gewijzigd": _changed_on_disk,
    # verzuimmeldingen
    "reden_afsluiting_nodig": _then(("verzuim", "handle", "VM-1", "--status", "afgesloten")),
    "reden_alleen_bij_afsluiten": _then(("verzuim", "handle", "VM-1", "--status", "in_behandeling", "--reden",
                                         "terug_naar_school")),
    "melding_definitief": _then(("verzuim", "handle", "VM-1", "--status", "ter_kennisgeving_aangenomen",
                                 "--date", "2026-09-20"),
                                ("verzuim", "handle", "VM-1", "--status", "in_behandeling")),
    "melding_overgang": _then(("verzuim", "handle", "VM-1", "--status", "in_behandeling", "--date",
                               "2026-09-20"),
                              ("verzuim", "handle", "VM-1", "--status", "ter_kennisgeving_aangenomen")),
    "voor_status": _then(("verzuim", "handle", "VM-1", "--status", "in_behandeling", "--date", "2026-01-05")),
    "geen_melding": _then(("verzuim", "handle", "VM-404", "--status", "in_behandeling")),
    "terugkoppeling_ongeldig": _then(("verzuim", "handle", "VM-1", "--status", "in_behandeling", "--email",
                                      "geen-adres")),
    # vrijstellingen
    "eind_voor_begin": _then(("vrijstelling", "add", BSNS[5], "--grond", "LPW_5_B", "--begin", "2026-09-01",
                              "--eind", "2026-08-31")),
    "nooit_geschikt_grond": _then(("vrijstelling", "add", BSNS[5], "--grond", "LPW_5_B", "--begin",
                                   "2026-09-01", "--nooit-geschikt")),
    "geen_verklaring": _then(("vrijstelling", "add", BSNS[5], "--grond", "LPW_5_B", "--begin", "2026-09-01",
                              "--verklaring-datum", "2026-08-01")),
    "verklaring_na_begin": _then(("vrijstelling", "add", BSNS[5], "--grond", "LPW_5_A", "--begin",
                                  "2026-09-01", "--verklaring-datum", "2026-09-02")),
    "verklaring_te_oud": _then(("vrijstelling", "add", BSNS[5], "--grond", "LPW_5_A", "--begin", "2026-09-01",
                                "--verklaring-datum", "2026-01-02")),
    "buiten_seizoen": _then(("vrijstelling", "add", BSNS[5], "--grond", "LPW_5A", "--begin", "2026-12-01",
                             "--eind", "2026-12-20")),
    "seizoen_einde": _then(("vrijstelling", "add", BSNS[5], "--grond", "LPW_5A", "--begin", "2026-04-01")),
    "per_schooljaar": _then(("vrijstelling", "add", BSNS[5], "--grond", "LPW_3A", "--begin", "2026-09-01")),
    "overlapt": _then(("vrijstelling", "add", BSNS[5], "--grond", "LPW_5_B", "--begin", "2026-09-01"),
                      ("vrijstelling", "add", BSNS[5], "--grond", "LPW_5_B", "--begin", "2026-10-01")),
    "onbekende_grond": _then(("vrijstelling", "add", BSNS[5], "--grond", "5a", "--begin", "2026-09-01")),
    "niet_toegestaan": _then(("vrijstelling", "add", BSNS[3], "--grond", "LPW_3A", "--begin", "2026-09-01",
                              "--eind", "2027-07-31")),  # BSNS[3] is 9: art. 3a asks for 14
    "elfproef": _then(("vrijstelling", "add", "123456789", "--grond", "LPW_5_B", "--begin", "2026-09-01")),
    "geen_vrijstelling": _then(("vrijstelling", "end", "999", "--eind", "2026-09-01")),
    "vrijstelling_al_geeindigd": _then(("vrijstelling", "add", BSNS[5], "--grond", "LPW_5_B", "--begin",
                                        "2026-09-01", "--eind", "2026-12-31"),
                                       ("vrijstelling", "end", "1", "--eind", "2026-11-30")),
}


def _dutch(code: str, params: dict[str, Any]) -> str:
    return nederlands(Refused("", code=code, **params))


def test_every_code_has_a_dutch_line_and_is_met_or_explained() -> None:
    assert CODES, "no refusal has a code"
    missing = sorted(CODES - set(NL))
    assert not missing, f"codes without a Dutch line in registers/meldingen.py: {missing}"
    unexplained = CODES - set(SCENARIOS) - set(NOT_FROM_A_COMMAND)
    assert not unexplained, f"codes neither met by a command here nor explained: {sorted(unexplained)}"
    assert not set(SCENARIOS) & set(NOT_FROM_A_COMMAND)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Register:
    """The register every scenario starts from, made once; each test works on its own copy."""
    return Register(tmp_path_factory.mktemp("template"))


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_the_command_line_says_the_refusal_in_dutch(code: str, tmp_path: Path, template: Register,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Refused] = []
    original = Refused.__init__

    def spy(self: Refused, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        seen.append(self)

    register = Register(tmp_path, template)
    monkeypatch.setattr(Refused, "__init__", spy)  # to know which refusal was raised, not to change it
    result = SCENARIOS[code](register)
    assert result.exit_code == 1, result.output
    refusal = next((r for r in reversed(seen) if r.code == code), None)
    assert refusal is not None, (code, [r.code for r in seen], result.output)
    expected = nederlands(refusal)
    assert f"Fout: {expected}" in result.output, result.output
    assert expected != str(refusal)  # the table's line, not the register's English message


@pytest.mark.parametrize("code", sorted(NOT_FROM_A_COMMAND))
def test_a_code_no_command_meets_still_has_a_dutch_line_for_its_parameters(code: str) -> None:
    names = {name for _, name, _, _ in string.Formatter().parse(NL[code]) if name}
    text = _dutch(code, {name: "x" for name in names})
    assert text and "{" not in text and text[0].isupper()
