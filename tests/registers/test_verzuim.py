"""Verzuimmeldingen: registration, the statuses DUO allows, and the feedback XML valid against its XSD."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.orm import Session

from connectors.staging import Staging
from connectors.verzuim_xml import KIND, read_verzuim
from registers.codes import MeldingStatus, RedenAfsluiting, ToelichtingAfsluiting
from registers.errors import Refused
from registers.verzuim import (
    NAMESPACE,
    SCHEMA,
    Contactpersoon,
    export_feedback_xml,
    get_melding,
    handle_melding,
    list_meldingen,
    load_schema,
    register_from_staging,
    register_meldingen,
    withdraw,
)
from tests.registers.factories import BSNS

TODAY = date(2026, 10, 1)
NS = {"t": NAMESPACE}


def melding(nummer: str, pn: str = BSNS[0], soort: str = "16U_4W", **extra) -> dict:
    return {"meldingsnummer": nummer, "meldingsdatum": "2026-09-10", "brin": "12AB", "vestiging": "00",
            "persoonsnummer": pn, "soort": soort, "vermoedelijke_reden": "ziekte", "begindatum": "24-08-2026",
            "einddatum": "2026-09-04", "verzuimuren": 18, "melder_naam": "J. Jansen", **extra}


@pytest.fixture
def registered(session: Session) -> Session:
    register_meldingen(session, [melding("VM-1"), melding("VM-2", BSNS[1], "LRV", einddatum=None),
                                 melding("VM-3", BSNS[2], "LUXE")], today=TODAY)
    return session


def test_new_meldingen_are_registered_once_and_updates_keep_the_gemeentes_status(registered: Session) -> None:
    session = registered
    first = get_melding(session, "VM-1")
    assert (first.status, first.status_datum, first.begindatum) == (MeldingStatus.GEREGISTREERD,
                                                                    date(2026, 9, 10), date(2026, 8, 24))
    handle_melding(session, "VM-1", "in_behandeling", on=date(2026, 9, 11), by="P. de Vries", today=TODAY)

    summary = register_meldingen(session, [melding("VM-1", verzuimuren=24), melding("VM-3", BSNS[2], "LUXE")],
                                 today=TODAY)

    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 1)
    again = get_melding(session, "VM-1")
    assert (again.verzuimuren, again.status) == (24, MeldingStatus.IN_BEHANDELING)


@pytest.mark.parametrize("bad, message", [
    ({"persoonsnummer": "123456789"}, "elfproef"),
    ({"soort": "SPIJBELEN"}, "unknown soort verzuim"),
    ({"begindatum": "31-02-2026"}, "is geen bestaande datum"),
    ({"einddatum": "2026-08-01"}, "lies before"),
    ({"meldingsnummer": ""}, "meldingsnummer is required"),
])
def test_a_bad_melding_refuses_the_whole_batch(session: Session, bad: dict, message: str) -> None:
    with pytest.raises(Refused, match=message):
        register_meldingen(session, [melding("VM-9", BSNS[3]), melding("VM-1", **bad)], today=TODAY)
    assert list_meldingen(session) == []


def test_the_lifecycle_is_a_dated_history(registered: Session) -> None:
    session = registered
    handle_melding(session, "VM-1", "In behandeling", on=date(2026, 9, 11), by="P. de Vries", today=TODAY)
    handle_melding(session, "VM-1", "afgesloten", on=date(2026, 9, 20), reden="terug_naar_school",
                   toelichting="leerling_gezien", by="P. de Vries", today=TODAY)

    found = get_melding(session, "VM-1")
    assert [(c.status, c.on_date, c.by) for c in found.changes] == [
        (MeldingStatus.GEREGISTREERD, date(2026, 9, 10), "school"),
        (MeldingStatus.IN_BEHANDELING, date(2026, 9, 11), "P. de Vries"),
        (MeldingStatus.AFGESLOTEN, date(2026, 9, 20), "P. de Vries")]
    assert (found.reden_afsluiting, found.toelichting_afsluiting) == (RedenAfsluiting.TERUG_NAAR_SCHOOL,
                                                                      ToelichtingAfsluiting.LEERLING_GEZIEN)
    assert [m.meldingsnummer for m in list_meldingen(session, status="afgesloten")] == ["VM-1"]
    assert [m.meldingsnummer for m in list_meldingen(session, soort="lrv")] == ["VM-2"]


@pytest.mark.parametrize("steps, message", [
    ([("afgesloten", {})], "needs a reden afsluiting"),
    ([("in_behandeling", {"reden": "terug_naar_school"})], "belongs to closing"),
    ([("ingetrokken", {})], "does not allow 'Geregistreerd' → 'Ingetrokken'"),
    ([("geregistreerd", {})], "does not allow"),
    ([("in_behandeling", {}), ("in_behandeling", {})], "does not allow 'In behandeling' → 'In behandeling'"),
    ([("in_behandeling", {}), ("ter_kennisgeving_aangenomen", {})], "from here: afgesloten"),
    ([("ter_kennisgeving_aangenomen", {}), ("afgesloten", {"reden": "terug_naar_school"})],
     "DUO allows no further status"),
    ([("afgesloten", {"reden": "weggelopen"})], "unknown reden afsluiting"),
    ([("afgesloten", {"reden": "terug_naar_school", "on": date(2026, 9, 9)})], "before the current status"),
    ([("in_behandeling", {"on": date(2026, 10, 2)})], "in the future"),
    ([("in_behandeling", {"contact": Contactpersoon("P. de Vries", telefoon="bel maar")})], "breaks"),
])
def test_status_changes_duo_does_not_allow_are_refused(registered: Session, steps: list,
                                                        message: str) -> None:
    *allowed, (status, options) = steps
    for earlier, earlier_options in allowed:
        handle_melding(registered, "VM-1", earlier, today=TODAY, **earlier_options)
    with pytest.raises(Refused, match=message):
        handle_melding(registered, "VM-1", status, today=TODAY, **{"on": TODAY, **options})


def test_an_unknown_melding_is_refused(registered: Session) -> None:
    with pytest.raises(Refused, match="no verzuimmelding 'VM-404'"):
        handle_melding(registered, "VM-404", "in_behandeling", today=TODAY)


def test_the_school_withdraws_and_then_nothing_more_is_allowed(registered: Session) -> None:
    withdraw(registered, "VM-3", date(2026, 9, 12))
    with pytest.raises(Refused, match="ingetrokken since 12 september 2026"):
        handle_melding(registered, "VM-3", "in_behandeling", today=TODAY)


def test_the_feedback_xml_is_valid_against_its_xsd_and_carries_what_duo_needs(registered: Session,
                                                                             tmp_path: Path) -> None:
    session = registered
    contact = Contactpersoon("P. de Vries", functie="leerplichtambtenaar", telefoon="020-1234567",
                             email="leerplicht@gemeente.nl")
    handle_melding(session, "VM-1", "afgesloten", on=date(2026, 9, 20), reden="geen_verzuim_langdurig_ziek",
                   contact=contact, today=TODAY)
    handle_melding(session, "VM-2", "in_behandeling", on=date(2026, 9, 21), by="P. de Vries", today=TODAY)
    out = tmp_path / "terugkoppeling.xml"

    count = export_feedback_xml(session, out, today=TODAY)

    assert count == 2
    document = etree.parse(str(out), etree.XMLParser(resolve_entities=False, no_network=True))
    assert load_schema().validate(document), load_schema().error_log
    items = document.findall("t:terugkoppeling", NS)
    assert [i.findtext("t:meldingsnummer", namespaces=NS) for i in items] == ["VM-1", "VM-2"]
    closed = items[0]
    assert closed.findtext("t:afgesloten/t:redenAfsluiting", namespaces=NS) == "geen_verzuim_langdurig_ziek"
    assert closed.findtext("t:statusdatum", namespaces=NS) == "2026-09-20"
    assert closed.findtext("t:contactpersoon/t:email", namespaces=NS) == "leerplicht@gemeente.nl"
    assert items[1].find("t:inBehandeling", NS) is not None
    assert BSNS[0].encode() not in out.read_bytes()  # the melding is named by its number, not the child's BSN

    assert export_feedback_xml(session, out, since=date(2026, 9, 21), today=TODAY) == 1


def test_the_xsd_refuses_a_closure_without_reden_and_unknown_codes() -> None:
    schema = load_schema()

    def document(status_xml: str) -> etree._Element:
        return etree.fromstring(
            f'<verzuimterugkoppelingen xmlns="{NAMESPACE}" aangemaakt="2026-10-01"><terugkoppeling>'
            f"<meldingsnummer>VM-1</meldingsnummer><statusdatum>2026-09-20</statusdatum>{status_xml}"
            "<contactpersoon><naam>P</naam></contactpersoon></terugkoppeling></verzuimterugkoppelingen>")

    def closed(reden: str) -> str:
        return f"<afgesloten><redenAfsluiting>{reden}</redenAfsluiting></afgesloten>"

    assert schema.validate(document(closed("terug_naar_school")))
    assert not schema.validate(document("<afgesloten/>"))
    assert not schema.validate(document(closed("spijbelen")))
    assert not schema.validate(document("<ingetrokken/>"))


def test_the_xsd_enumerations_are_the_codes_of_the_register() -> None:
    """The XSD and registers/codes.py cannot drift apart unnoticed."""
    tree = etree.parse(str(SCHEMA))
    xs = {"xs": "http://www.w3.org/2001/XMLSchema"}

    def values(name: str) -> set[str]:
        return set(tree.xpath(f"//xs:simpleType[@name='{name}']//xs:enumeration/@value", namespaces=xs))

    assert values("RedenAfsluiting") == {r.value for r in RedenAfsluiting}
    assert values("ToelichtingAfsluiting") == {t.value for t in ToelichtingAfsluiting}


def _xml(meldingen: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<verzuimmeldingen xmlns="urn:inbeeld:verzuimmelding:1">{meldingen}</verzuimmeldingen>\n')


def _melding_xml(nummer: str, pn: str, soort: str, einde: str = "", uren: str = "18.5") -> str:
    return (f"<verzuimmelding><meldingsnummer>{nummer}</meldingsnummer>"
            "<meldingsdatum>2026-09-10</meldingsdatum>"
            "<school><brin>12AB</brin><vestiging>00</vestiging></school>"
            f"<leerling><persoonsgebondennummer>{pn}</persoonsgebondennummer></leerling>"
            f"<soortVerzuim>{soort}</soortVerzuim><begindatum>2026-08-24</begindatum>{einde}"
            f"<verzuimuren>{uren}</verzuimuren><melder><naam>J. Jansen</naam></melder></verzuimmelding>")


def test_meldingen_come_from_staging_as_the_verzuim_reader_left_them(session: Session,
                                                                     tmp_path: Path) -> None:
    """connectors.verzuim_xml reads the file into staging; the register takes the current version of each."""
    staging = tmp_path / "staging.duckdb"
    week1, week2 = tmp_path / "verzuim-G0363-20260914.xml", tmp_path / "verzuim-G0363-20260921.xml"
    week1.write_text(_xml(_melding_xml("VM-1", BSNS[0], "LRV") + _melding_xml("VM-2", "123456789", "LUXE")))
    week2.write_text(_xml(_melding_xml("VM-1", BSNS[0], "LRV", "<einddatum>2026-09-18</einddatum>", "40")))
    with Staging(staging) as st:
        st.import_file(KIND, week1, reader=read_verzuim)

    first = register_from_staging(session, staging, today=TODAY)
    handle_melding(session, "VM-1", "in_behandeling", by="LPA", on=date(2026, 9, 15), today=TODAY)
    with Staging(staging) as st:
        st.import_file(KIND, week2, reader=read_verzuim)
    second = register_from_staging(session, staging, today=TODAY)

    assert (first.new, second.new, second.updated) == (1, 0, 1)  # VM-2 stayed in staging's quarantine
    melding = get_melding(session, "VM-1")
    assert (melding.soort.value, melding.einddatum, float(melding.verzuimuren), melding.status) == (
        "LRV", date(2026, 9, 18), 40.0, MeldingStatus.IN_BEHANDELING)
