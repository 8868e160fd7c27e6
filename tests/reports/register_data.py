"""A small register database for the report tests, written through the registers' own models."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from registers.audit import AuditTrail
from registers.db import make_engine, session_factory, upgrade
from registers.models import (
    Case,
    CaseAction,
    Thuiszitter,
    Verzuimmelding,
    VerzuimStatusChange,
    Vrijstelling,
    VsvEntry,
)

D = dt.date
AT = dt.datetime(2025, 10, 6, 9, 0)
KEY = b"report-tests-audit-key-0123456789"


def fill(url: str, numbers: list[str]) -> None:
    """Cases, actions, meldingen with their status history, a vrijstelling, a thuiszitter and a
    VSV register entry: every count in the report tests is computed by hand from these rows."""
    upgrade(url)
    engine = make_engine(url)
    with session_factory(engine, AuditTrail(KEY, actor="test"))() as session:
        c1 = Case(persoonsnummer=numbers[0], gemeentecode="0363", signal="ABSOLUUT_VERZUIM",
                  status="open", opened_on=D(2025, 9, 1), last_seen=D(2025, 10, 6))
        c2 = Case(persoonsnummer=numbers[1], gemeentecode="0363", signal="GEEN_INSCHRIJVING_RMC",
                  status="open", opened_on=D(2025, 9, 20), last_seen=D(2025, 10, 6))
        c3 = Case(persoonsnummer=numbers[2], gemeentecode="0363", signal="ABSOLUUT_VERZUIM",
                  status="closed", opened_on=D(2025, 2, 1), last_seen=D(2025, 6, 1), closed_on=D(2025, 6, 1),
                  close_reason="inschrijving_gevonden")
        session.add_all([c1, c2, c3])
        session.flush()
        for case, action, on in ((c1, "geopend", D(2025, 9, 1)), (c1, "brief_verstuurd", D(2025, 9, 3)),
                                 (c1, "bijgewerkt", D(2025, 9, 8)), (c1, "notitie", D(2025, 9, 10)),
                                 (c2, "geopend", D(2025, 9, 20)), (c3, "geopend", D(2025, 2, 1)),
                                 (c3, "halt_verwijzing", D(2025, 3, 1)),
                                 (c3, "proces_verbaal", D(2025, 4, 1)),
                                 (c3, "gesloten", D(2025, 6, 1))):
            session.add(CaseAction(case_id=case.id, action=action, on_date=on, by="test", recorded_at=AT))
        m1 = Verzuimmelding(meldingsnummer="VM1", meldingsdatum=D(2025, 1, 10), brin="10AA",
                            persoonsnummer=numbers[3], soort="LRV", begindatum=D(2024, 12, 1),
                            status="afgesloten", status_datum=D(2025, 2, 1),
                            reden_afsluiting="terug_naar_school")
        m2 = Verzuimmelding(meldingsnummer="VM2", meldingsdatum=D(2025, 3, 3), brin="10AA",
                            persoonsnummer=numbers[4], soort="16U_4W", begindatum=D(2025, 2, 10),
                            status="in_behandeling", status_datum=D(2025, 3, 20))
        m3 = Verzuimmelding(meldingsnummer="VM3", meldingsdatum=D(2025, 8, 15), brin="10AA",
                            persoonsnummer=numbers[4], soort="LUXE", begindatum=D(2025, 8, 11),
                            status="ter_kennisgeving_aangenomen", status_datum=D(2025, 8, 16))
        session.add_all([m1, m2, m3])
        session.flush()
        for melding, status, on, by, reason in (
                (m1, "in_behandeling", D(2025, 1, 13), "Anna Alfabet", None),
                (m1, "afgesloten", D(2025, 2, 1), "Anna Alfabet", "terug_naar_school"),
                (m2, "in_behandeling", D(2025, 3, 20), "Bram Bos", None),
                (m3, "ter_kennisgeving_aangenomen", D(2025, 8, 16), "Anna Alfabet", None)):
            session.add(VerzuimStatusChange(melding_id=melding.id, status=status, on_date=on, by=by,
                                            reden_afsluiting=reason, recorded_at=AT))
        session.add(Vrijstelling(persoonsnummer=numbers[5], grond="LPW_5_A", begindatum=D(2024, 9, 1)))
        session.add(Thuiszitter(persoonsnummer=numbers[3], bron="lrv", verzuimmelding_id=m1.id,
                                startdatum=D(2024, 12, 1), last_seen=D(2025, 2, 1), einddatum=D(2025, 2, 1)))
        session.add(VsvEntry(persoonsnummer=numbers[6], convenantjaar=2024, startset_datum=D(2024, 10, 1),
                             brin="10AA", niveau="HAVO"))
        # registered from a signal: no school or level of its own (the enrolment in staging has them)
        session.add(VsvEntry(persoonsnummer=numbers[0], convenantjaar=2024, startset_datum=D(2024, 10, 1)))
        session.commit()
    engine.dispose()


def register_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'registers.sqlite').resolve()}"
