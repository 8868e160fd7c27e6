"""The expected signals (the oracle): the law applied to what the generator decided.

For every young person and peildatum this module takes the facts as the deliveries of that day
carry them (enrolments known to DUO, vrijstellingen and verzuimmeldingen sent so far, the BRP
record) and applies `rules.status` and `rules.vrijstellingen`. It never looks at the generated
files and shares no code with the matching: it is an independent oracle. The semantics are those
of docs/formats.md §5.1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rules.dates import PartialDate, add_months
from rules.parameters import value
from rules.signal_codes import (
    ABSOLUUT_VERZUIM,
    BIJNA_LEERPLICHTIG,
    CONTROLE_GEBOORTEDATUM,
    GEEN_INSCHRIJVING_RMC,
    ONBEKEND_IN_BRP,
    THUISZITTER,
    VSV,
)
from rules.status import (
    Status,
    StatusCode,
    bepaal_fase,
    bepaal_status,
    bepaal_status_onzeker,
    status_uit_fase,
)
from rules.vrijstellingen import past, telt_tegen
from synthetic.model import Inschrijving, Persoon, Verzuimmelding, Vrijstelling
from synthetic.vsv import convenantjaar_start, jonger_dan_vsv_leeftijd, telt_voor_startset

# The truth file's signals (the generator makes no faulty persoonslijsten), sorted: the order of the
# file. The codes are those of the declaration (rules.signal_codes); the rules that find them are this
# module's own.
SIGNALS = (ABSOLUUT_VERZUIM, BIJNA_LEERPLICHTIG, CONTROLE_GEBOORTEDATUM, GEEN_INSCHRIJVING_RMC,
           ONBEKEND_IN_BRP, THUISZITTER, VSV)

DAY = timedelta(days=1)
OBLIGED = (StatusCode.LEERPLICHTIG, StatusCode.KWALIFICATIEPLICHTIG)


@dataclass(frozen=True, slots=True)
class Signaal:
    signal: str
    gemeentecode: str
    persoonsnummer: str
    sinds: date | None


@dataclass(slots=True)
class Oordeel:
    """Everything the truth concluded about one young person on one peildatum."""

    peildatum: date
    gemeentecode: str
    ingezetene: bool
    status: str                       # a StatusCode value, "controle", or "" (not in the BRP)
    geldig: list[Inschrijving]        # enrolments valid on the peildatum (known to DUO)
    sk_datum: date | None
    pro_vso_datum: date | None
    vrijstelling: str                 # the grond of a vrijstelling valid on the peildatum
    signalen: list[Signaal]


def _known_enrolments(p: Persoon, d: date) -> list[Inschrijving]:
    return [e for e in p.inschrijvingen if e.zichtbaar(d)]


def _first_diploma(items: list[Inschrijving], d: date, *, sk: bool) -> date | None:
    dates = [e.diploma for e in items
             if e.diploma is not None and e.diploma <= d and (e.sk if sk else e.pro_vso)]
    return min(dates) if dates else None


def _weeks(name: str, d: date, gemeente: str) -> timedelta:
    """A parameter in weeks, as it holds in `gemeente` (its own local policy, docs/law-layers.md)."""
    return timedelta(weeks=int(value(name, d, gemeente=gemeente)))


def beoordeel(p: Persoon, d: date, served: frozenset[str]) -> Oordeel:
    """The signals of docs/spec.md §4.2 for `p` on `d`, from the facts known on `d`."""
    known = _known_enrolments(p, d)
    geldig = [e for e in known if e.geldig(d)]
    sk = _first_diploma(known, d, sk=True)
    pro_vso = _first_diploma(known, d, sk=False)
    ingezetene = p.ingezetene(d, served)
    verblijf = p.verblijf_op(d)
    duo_gemeente = p.duo_gemeente_anders or (verblijf.gemeentecode if verblijf else "")
    gemeente = (verblijf.gemeentecode if verblijf else "") if p.in_brp else duo_gemeente
    vrijstellingen = [v for v in p.vrijstellingen if v.begin <= d]
    signalen: list[Signaal] = []
    status_text = ""
    valid_vrijstelling = ""

    if p.in_brp:
        birth = p.geboortedatum_brp
        if birth.endswith("00") or birth.startswith("0000"):
            bereik = bepaal_status_onzeker(PartialDate.parse(birth), d, sk, pro_vso)
            status = bereik.status
            # Dates that depend on the birth date are those of the earliest possible birth date.
            detail = bereik.vroegst
        elif geldig:
            # Enrolled: no signal needs the obligation's dates, the phase gives the status.
            detail = None
            status = status_uit_fase(bepaal_fase(p.geboortedatum, d), d, sk, pro_vso)
        else:
            detail = bepaal_status(p.geboortedatum, d, sk, pro_vso)
            status = detail.status
        status_text = "controle" if status is None else str(status)
        for v in vrijstellingen:
            if v.geldig(d):
                valid_vrijstelling = v.grond
        if ingezetene:
            number = p.bsn or ""
            if status is None:
                signalen.append(Signaal(CONTROLE_GEBOORTEDATUM, gemeente, number, None))
            else:
                # a vrijstelling counts only when the law allowed its ground on its begindatum
                lawful = [v for v in vrijstellingen
                          if past(v.grond, PartialDate.parse(birth), v.begin, sk, pro_vso).past is True]
                signalen += _status_signals(d, status, detail, known, geldig, vrijstellingen, p.meldingen,
                                            sk, gemeente, number,
                                            verblijf.datum_inschrijving if verblijf else d, lawful)

    if not ingezetene and geldig and duo_gemeente in served:
        first = min(e.begin for e in geldig)
        signalen.append(Signaal(ONBEKEND_IN_BRP, duo_gemeente, p.duo_nummer or "", first))
    signalen.sort(key=lambda s: s.signal)
    return Oordeel(d, gemeente, ingezetene, status_text, geldig, sk, pro_vso, valid_vrijstelling, signalen)


def _status_signals(d: date, status: StatusCode, detail: Status | None, known: list[Inschrijving],
                    geldig: list[Inschrijving], vrijstellingen: list[Vrijstelling],
                    meldingen: list[Verzuimmelding], sk: date | None,
                    gemeente: str, number: str, inschrijving_gemeente: date,
                    lawful: list[Vrijstelling] | None = None) -> list[Signaal]:
    """The status signals of a resident; `detail` (the obligation's dates) is None only when enrolled;
    `lawful` the vrijstellingen whose ground fitted the person on their begindatum (default all)."""
    out: list[Signaal] = []
    drempel = _weeks("thuiszitter_drempel", d, gemeente)
    wachttijd_av = _weeks("thuiszitter_wachttijd_absoluut_verzuim", d, gemeente)
    if detail is None:
        assert geldig
        since = _open_lrv(meldingen, d, drempel)
        return [Signaal(THUISZITTER, gemeente, number, min(since))] if since else []
    leerplicht_start, rmc_start = detail.leerplicht_start, detail.rmc_start
    ended = [e.einde + DAY for e in known if e.einde is not None and e.einde < d]
    absoluut: Signaal | None = None

    if status in OBLIGED and not geldig and not any(
            v.geldig(d) and telt_tegen(v.grond, status, d)
            for v in (vrijstellingen if lawful is None else lawful)):
        assert leerplicht_start is not None
        vrij_ended = [v.einde + DAY for v in vrijstellingen if v.einde is not None and v.einde < d]
        sinds = max([leerplicht_start, inschrijving_gemeente, *ended, *vrij_ended])
        grace = timedelta(0)
        if sinds == leerplicht_start:
            grace = _weeks("marge_leerplicht_start", d, gemeente)
        if sinds == inschrijving_gemeente:
            grace = max(grace, _weeks("marge_na_vestiging", d, gemeente))
        if d >= sinds + grace:
            absoluut = Signaal(ABSOLUUT_VERZUIM, gemeente, number, sinds)
            out.append(absoluut)

    if status == StatusCode.RMC_DOELGROEP and not geldig:
        assert rmc_start is not None
        out.append(Signaal(GEEN_INSCHRIJVING_RMC, gemeente, number,
                           max([rmc_start, inschrijving_gemeente, *ended])))

    venster = int(value("bijna_leerplichtig_venster", d, gemeente=gemeente))
    if (status == StatusCode.NIET_LEERPLICHTIG and not geldig and leerplicht_start is not None
            and add_months(leerplicht_start, -venster) <= d):
        out.append(Signaal(BIJNA_LEERPLICHTIG, gemeente, number, add_months(leerplicht_start, -venster)))

    teldatum = convenantjaar_start(d)
    if not geldig and sk is None and jonger_dan_vsv_leeftijd(detail.geboortedatum, d):
        counted = [e for e in known if telt_voor_startset(e) and e.geldig(teldatum)]
        if counted:
            left = max(e.einde for e in counted if e.einde is not None)
            out.append(Signaal(VSV, gemeente, number, left + DAY))

    since = _open_lrv(meldingen, d, drempel)
    if absoluut is not None and absoluut.sinds is not None and d - absoluut.sinds > wachttijd_av:
        since.append(absoluut.sinds)
    if since:
        out.append(Signaal(THUISZITTER, gemeente, number, min(since)))
    return out


def _open_lrv(meldingen: list[Verzuimmelding], d: date, drempel: timedelta) -> list[date]:
    """Begindatums of LRV meldingen known on `d`, begun more than `drempel` ago, not ended before `d`."""
    since: list[date] = []
    for melding in meldingen:
        if melding.soort != "LRV" or melding.meldingsdatum > d:
            continue
        einde = melding.einde_bekend(d)
        if d - melding.begin > drempel and (einde is None or einde >= d):
            since.append(melding.begin)
    return since
