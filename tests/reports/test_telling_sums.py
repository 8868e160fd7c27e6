"""The Leerplichttelling adds up (#14 item 8): on registers synced from a generated municipality,
every total is the sum of its parts and the sections agree with each other."""

from __future__ import annotations

from collections import defaultdict

import pytest

from reports.gather import telling
from reports.telling import Leerplichttelling
from tests.synced_registers import SyncedRegisters, synced


@pytest.fixture(scope="module")
def registers(tmp_path_factory) -> SyncedRegisters:
    return synced(tmp_path_factory.mktemp("telling-sums"), persons=800, seed=3, weeks=4)


def _forms(registers: SyncedRegisters) -> list[Leerplichttelling]:
    last = registers.municipality.peildatums[-1]
    with registers.sessions() as session:
        # the school year that ended on 31 July before the first week, and the running one
        return [telling(session, 2025), telling(session, 2026, last)]


def test_every_total_is_the_sum_of_its_parts(registers: SyncedRegisters) -> None:
    for form in _forms(registers):
        groups: dict[tuple[str, str], int] = defaultdict(int)
        for regel in form.regels:
            if regel.groep is not None and regel.totaal is not None:
                groups[(regel.groep, regel.totaal)] += regel.aantal
        assert {"av.duur", "av.afloop", "vr.grond", "tz.bron", "tz.duur"} <= {g for g, _ in groups}
        for (groep, totaal), parts in groups.items():
            assert parts == form.aantal(totaal), (form.schooljaar.label, groep)


def test_the_sections_agree_with_each_other(registers: SyncedRegisters) -> None:
    forms = _forms(registers)
    for form in forms:
        av, tz_av = form.aantal("av.totaal"), form.aantal("tz.bron.absoluut_verzuim")
        # every thuiszitter by absoluut verzuim is an absoluut verzuimer of the same year
        assert tz_av <= av, (form.schooljaar.label, tz_av, av)
        assert form.aantal("av.nieuw") <= av
        for regel in form.regels:
            if regel.sleutel.startswith("vr.") and regel.sleutel.endswith(".nieuw"):
                assert regel.aantal <= form.aantal(regel.sleutel.removesuffix(".nieuw"))
    # the generated municipality has absoluut verzuimers whose verzuim began before 1 August 2026:
    # the year before counts them, as it counts them as thuiszitters (it said 0 and then 41)
    previous, running = forms
    assert previous.aantal("tz.bron.absoluut_verzuim") > 0
    assert previous.aantal("av.totaal") >= previous.aantal("tz.bron.absoluut_verzuim")
    assert running.aantal("av.totaal") > 0
