"""Which sanction steps the law allows on a verzuim, for whom, by the dates (docs/law.md, "Steps").

The Leerplichtwet 1969 gives the leerplichtambtenaar one investigation (art. 22 lid 1: onderzoek,
hear the parents and try to move them) and two sanctions, both about a feit, the verzuim itself:

- **Proces-verbaal against the parents** (art. 22 lid 2, punishable under art. 26 lid 1): they must
  see to the enrolment and regular attendance of a leerplichtige (art. 2 lid 1) or
  kwalificatieplichtige (art. 4a lid 1) young person, so only verzuim on a day on which the young
  person was leerplichtig or kwalificatieplichtig is theirs to answer for.
- **Proces-verbaal against the young person** (art. 22 lid 3, punishable under art. 26 lid 2): the
  leerplichtige young person from 12 (art. 2 lid 3) and the kwalificatieplichtige (art. 4c) must
  attend the school they are enrolled at. Before 12 there is no feit of the young person's own; a
  young person who is not enrolled breaks no attendance duty (absoluut verzuim is the parents').
- **Halt** (Wetboek van Strafrecht art. 77e): an offer to a suspect instead of sending the
  proces-verbaal, for the feiten the Besluit aanwijzing Halt-feiten names; art. 1 onder l names
  Lpw art. 2 lid 3 and 4c (the young person's attendance), "meerdere dagdelen verzuim of meer dan
  negen keer te laat" and no more than a week of unbroken verzuim. Art. 77e stands in titel VIII A,
  which art. 77a applies to whoever was 12 up to 18 "ten tijde van het begaan van een strafbaar
  feit"; art. 77c lid 2 keeps it from those of 18 and older. So: verzuim of the young person's own
  (as above), committed before the 18th birthday, a short relatief verzuim (not LRV). And Halt's own
  rule, not the law's: once per young person (`HALT_EEN_KEER`).

The age that counts is the age at the feit (art. 77a Sr; art. 2 lid 3 Lpw speaks of the young person
"die de leeftijd van 12 jaren heeft bereikt"), not on the day the step is recorded: a young person
whose verzuim ran past their 12th birthday can be referred for the verzuim after it; one who turned
18 after the verzuim can still be referred for it. A step allows when at least one day of the
verzuim (`van` up to `tot`) falls in the window the law gives; which of those days the step is about
is the leerplichtambtenaar's finding, written in the verslag. Every obligation here is a stretch of
days bounded by dates `bepaal_status` knows, so checking the days where a status may change, and
the ends of the verzuim, finds every window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from rules.dates import anniversary, format_nl
from rules.parameters import Parameters, active
from rules.status import LPW, StatusCode, bepaal_status

SR = "Wetboek van Strafrecht"
HALT_BESLUIT = "Besluit aanwijzing Halt-feiten (BWBR0007217) art. 1 onder l"
DAG = timedelta(days=1)
LEERPLICHTIG, KWALIFICATIEPLICHTIG = StatusCode.LEERPLICHTIG, StatusCode.KWALIFICATIEPLICHTIG

#: Dated parameters (rules/law/wet/): Lpw art. 2 lid 3, 22 lid 3, 26 lid 2 "de leerplichtige jongere die
#: de leeftijd van 12 jaren heeft bereikt"; Sr art. 77a "de leeftijd van twaalf jaren doch nog niet die
#: van achttien jaren" (ten tijde van het feit), art. 77c lid 2.
EIGEN_PLICHT_LEEFTIJD = "eigen_schoolbezoek_leeftijd"
HALT_LEEFTIJD_VAN = "halt_leeftijd_van"
HALT_LEEFTIJD_TOT = "halt_leeftijd_tot"

#: Halt's rule, not the law's: "de jongere is nog niet eerder naar Halt verwezen voor schoolverzuim"
#: (Halt, "Leerplichtambtenaren", criteria of the Methodische Aanpak Schoolverzuim; docs/law.md S23).
#: A constant, not a dated value of rules/law/: its layers are regulations (law, regeling, selectielijst,
#: national definitions) and the gemeente's policy, and this is neither: Halt and the OM set it, a
#: gemeente cannot change it, and the page states no date it took effect. A change is an edit here.
HALT_EEN_KEER = "Halt-interventie schoolverzuim: één keer per jongere (Methodische Aanpak Schoolverzuim)"


class Stap(StrEnum):
    """The steps the law sets conditions for, by the register's action codes."""

    HALT_VERWIJZING = "halt_verwijzing"
    PROCES_VERBAAL = "proces_verbaal"


class Tegen(StrEnum):
    """Whom a proces-verbaal is against: the parents (art. 22 lid 2) or the young person (lid 3)."""

    OUDERS = "ouders"
    JONGERE = "jongere"


class Verzuim(StrEnum):
    """What the step is about: the kind of verzuim the dossier's reason stands for."""

    RELATIEF = "relatief"  # a verzuimmelding: the young person enrolled and not attending
    LANGDURIG_RELATIEF = "langdurig_relatief"  # LRV melding or thuiszitter: more than a week unbroken
    ABSOLUUT = "absoluut"  # not enrolled (absoluut verzuim, and reasons that are not a melding)


@dataclass(frozen=True)
class StapToets:
    """Whether the law allows `stap` on the verzuim of `van` up to `tot`: `reden` says why not (Dutch,
    with the article), empty when it does; `code` names the refusal for the register's table."""

    stap: Stap
    toegestaan: bool
    reden: str = ""
    code: str = ""
    params: dict[str, object] = field(default_factory=dict)


#: The rules in words, for docs/law.md and a jurist reading the tests.
STAPPEN_TABEL = {
    (Stap.PROCES_VERBAAL, Tegen.OUDERS): (
        "op ten minste één dag van het verzuim was de jongere leerplichtig of kwalificatieplichtig "
        f"({LPW} art. 2 lid 1, 4a lid 1, 22 lid 2, 26 lid 1)"),
    (Stap.PROCES_VERBAAL, Tegen.JONGERE): (
        "relatief verzuim, op ten minste één dag waarop de jongere leerplichtig en 12 jaar of ouder, of "
        f"kwalificatieplichtig was ({LPW} art. 2 lid 3, 4c, 22 lid 3, 26 lid 2)"),
    (Stap.HALT_VERWIJZING, Tegen.JONGERE): (
        "relatief verzuim dat niet langdurig is, op ten minste één dag waarop de jongere 12 tot 18 jaar "
        f"en leerplichtig of kwalificatieplichtig was ({SR} art. 77a, 77c lid 2, 77e; {HALT_BESLUIT}; "
        f"{LPW} art. 2 lid 3, 4c); de jongere is nog niet eerder naar Halt verwezen ({HALT_EEN_KEER})"),
}


def _verjaardag(geboortedatum: date, name: str, on: date, parameters: Parameters) -> date:
    """The birthday on which the young person reaches the age `name` holds on `on`."""
    return anniversary(geboortedatum, int(parameters.value(name, on)))


def _grenzen(geboortedatum: date, tot: date, sk_datum: date | None, pro_vso_datum: date | None,
             parameters: Parameters) -> set[date]:
    """The days on which a status or an age that matters here can change (the ages as on `tot`)."""
    status = bepaal_status(geboortedatum, tot, sk_datum, pro_vso_datum, parameters=parameters)
    dagen = {_verjaardag(geboortedatum, name, tot, parameters)
             for name in (EIGEN_PLICHT_LEEFTIJD, HALT_LEEFTIJD_VAN, HALT_LEEFTIJD_TOT)}
    for dag in (status.leerplicht_start, status.kwalificatieplicht_start, sk_datum, pro_vso_datum):
        if dag is not None:
            dagen.add(dag)
    for dag in (status.leerplicht_einde, status.kwalificatieplicht_einde):
        if dag is not None:
            dagen.add(dag + DAG)
    return dagen


def _in_venster(stap: Stap, tegen: Tegen, geboortedatum: date, dag: date, sk_datum: date | None,
                pro_vso_datum: date | None, parameters: Parameters) -> bool:
    """Whether verzuim on `dag` is a feit the step can be about (STAPPEN_TABEL), by the law of that day."""
    status = bepaal_status(geboortedatum, dag, sk_datum, pro_vso_datum, parameters=parameters).status
    if tegen is Tegen.OUDERS:
        return status in (LEERPLICHTIG, KWALIFICATIEPLICHTIG)
    eigen = status == KWALIFICATIEPLICHTIG or (
        status == LEERPLICHTIG and dag >= _verjaardag(geboortedatum, EIGEN_PLICHT_LEEFTIJD, dag, parameters))
    if stap is Stap.HALT_VERWIJZING:
        return (eigen and _verjaardag(geboortedatum, HALT_LEEFTIJD_VAN, dag, parameters) <= dag
                < _verjaardag(geboortedatum, HALT_LEEFTIJD_TOT, dag, parameters))
    return eigen


def _weigering(stap: Stap, tegen: Tegen, geboortedatum: date, van: date, tot: date,
               parameters: Parameters) -> tuple[str, str, dict[str, object]]:
    """Why no day of the verzuim fits: the text, the code and its parameters (the ages as on `tot`)."""
    eigen, halt_van, halt_tot = (int(parameters.value(name, tot))
                                 for name in (EIGEN_PLICHT_LEEFTIJD, HALT_LEEFTIJD_VAN, HALT_LEEFTIJD_TOT))
    twaalf, halt_vanaf, achttien = (anniversary(geboortedatum, eigen), anniversary(geboortedatum, halt_van),
                                    anniversary(geboortedatum, halt_tot))
    periode = f"het verzuim van {format_nl(van)} tot en met {format_nl(tot)}"
    params: dict[str, object] = {"van": van, "tot": tot, "twaalf": twaalf, "achttien": achttien}
    if stap is Stap.HALT_VERWIJZING and tot < max(twaalf, halt_vanaf):
        leeftijd, verjaardag = max((eigen, twaalf), (halt_van, halt_vanaf), key=lambda pair: pair[1])
        return (f"een Halt-verwijzing is alleen mogelijk voor verzuim van een jongere van {halt_van} tot "
                f"{halt_tot} jaar ({SR} art. 77a en 77e; {HALT_BESLUIT}; {LPW} art. 2 lid 3); de jongere "
                f"wordt {leeftijd} op {format_nl(verjaardag)}, na {periode}", "halt_jonger_dan_12", params)
    if stap is Stap.HALT_VERWIJZING and van >= achttien:
        return (f"een Halt-verwijzing is alleen mogelijk voor verzuim van vóór de {halt_tot}e verjaardag "
                f"({SR} art. 77a, 77c lid 2 en 77e); de jongere werd {halt_tot} op {format_nl(achttien)}, "
                f"vóór {periode}", "halt_18_of_ouder", params)
    if tegen is Tegen.JONGERE and tot < twaalf:
        return (f"een proces-verbaal tegen de jongere kan pas voor verzuim vanaf {eigen} jaar ({LPW} art. 2 "
                f"lid 3, 22 lid 3 en 26 lid 2); de jongere wordt {eigen} op {format_nl(twaalf)}, na "
                f"{periode}; een proces-verbaal tegen de ouders kan wel (art. 22 lid 2)",
                "pv_jongere_jonger_dan_12", params)
    wie = "de ouders" if tegen is Tegen.OUDERS else "de jongere"
    artikel = ("art. 2 lid 1, 4a lid 1, 22 lid 2 en 26 lid 1" if tegen is Tegen.OUDERS
               else "art. 2 lid 3, 4c, 22 lid 3 en 26 lid 2")
    naam = "een Halt-verwijzing" if stap is Stap.HALT_VERWIJZING else f"een proces-verbaal tegen {wie}"
    return (f"{naam} gaat over verzuim van een leerplichtige of kwalificatieplichtige jongere ({LPW} "
            f"{artikel}); tijdens {periode} was de jongere geen van beide", "stap_buiten_plicht",
            {**params, "stap": naam})


def stap_toegestaan(stap: Stap | str, geboortedatum: date | None, van: date, tot: date, *,
                    tegen: Tegen | str | None = None, verzuim: Verzuim | str = Verzuim.RELATIEF,
                    sk_datum: date | None = None, pro_vso_datum: date | None = None,
                    eerdere_halt: date | None = None, parameters: Parameters | None = None) -> StapToets:
    """Whether the law allows `stap` on the verzuim of `van` up to and including `tot` (STAPPEN_TABEL).

    `tegen`: a proces-verbaal's addressee; None means either (the parents' window is the wider one).
    A Halt-verwijzing is always the young person's. `verzuim` is the kind the step is about:
    the young person's own duty (art. 2 lid 3, 4c) is to attend the school they are enrolled at, so
    absoluut verzuim is the parents' alone, and Halt is for short relatief verzuim only. Without a
    birth date (`None`) only those rules are checked: the ages cannot be. `eerdere_halt`: the date of
    a Halt-verwijzing the young person already had (any dossier, the register's fact), which refuses
    another (`HALT_EEN_KEER`).
    Leerplichtwet 1969 art. 2, 4a, 4c, 22, 26; Wetboek van Strafrecht art. 77a, 77c, 77e;
    Besluit aanwijzing Halt-feiten art. 1 onder l.
    """
    stap, verzuim = Stap(stap), Verzuim(verzuim)
    params = parameters or active()
    if van > tot:
        return StapToets(stap, False, f"het verzuim begint op {format_nl(van)}, na de datum van de stap "
                         f"({format_nl(tot)}): een stap gaat over verzuim dat al is gebeurd ({LPW} art. 22)",
                         "stap_voor_verzuim", {"van": van, "tot": tot})
    if stap is Stap.HALT_VERWIJZING:
        if tegen is not None and Tegen(tegen) is Tegen.OUDERS:
            return StapToets(stap, False, f"Halt is een afdoening voor de jongere zelf ({SR} art. 77e; "
                             f"{HALT_BESLUIT}: Lpw art. 2 lid 3 en 4c), niet voor de ouders",
                             "halt_ouders", {})
        if verzuim is not Verzuim.RELATIEF:
            soort = "langdurig relatief" if verzuim is Verzuim.LANGDURIG_RELATIEF else "absoluut"
            return StapToets(stap, False, f"Halt is alleen voor relatief verzuim van ten hoogste een week "
                             f"onafgebroken ({HALT_BESLUIT}: Lpw art. 2 lid 3 en 4c); dit is {soort} "
                             "verzuim", "halt_soort_verzuim", {"soort": verzuim.value})
        if eerdere_halt is not None:
            return StapToets(stap, False, f"de jongere is al naar Halt verwezen op {format_nl(eerdere_halt)} "
                             f"({HALT_EEN_KEER})", "halt_al_eerder", {"eerder": eerdere_halt})
        kandidaten = [Tegen.JONGERE]
    elif tegen is not None:
        kandidaten = [Tegen(tegen)]
    else:
        kandidaten = [Tegen.OUDERS, Tegen.JONGERE]
    if Tegen.JONGERE in kandidaten and stap is Stap.PROCES_VERBAAL and verzuim is Verzuim.ABSOLUUT:
        if kandidaten == [Tegen.JONGERE]:
            return StapToets(stap, False, f"een proces-verbaal tegen de jongere gaat over het niet geregeld "
                             f"bezoeken van de school waar de jongere staat ingeschreven ({LPW} art. 2 "
                             "lid 3, 4c en 22 lid 3); bij absoluut verzuim zijn de ouders aan zet (art. 22 "
                             "lid 2)",
                             "pv_jongere_absoluut", {})
        kandidaten = [Tegen.OUDERS]
    if geboortedatum is None:
        return StapToets(stap, True)
    dagen = {van, tot} | {d for d in _grenzen(geboortedatum, tot, sk_datum, pro_vso_datum, params)
                          if van <= d <= tot}
    for tegen_wie in kandidaten:
        if any(_in_venster(stap, tegen_wie, geboortedatum, dag, sk_datum, pro_vso_datum, params)
               for dag in sorted(dagen)):
            return StapToets(stap, True)
    reden, code, extra = _weigering(stap, kandidaten[-1] if stap is Stap.HALT_VERWIJZING else kandidaten[0],
                                    geboortedatum, van, tot, params)
    return StapToets(stap, False, reden, code, extra)


def waarschuwing_mogelijk(geboortedatum: date | None, op: date, *, sk_datum: date | None = None,
                          pro_vso_datum: date | None = None, parameters: Parameters | None = None,
                          ) -> tuple[bool, str]:
    """Whether a written warning dated `op` may be sent, and why not (Dutch, with the article).

    The Leerplichtwet sets no waarschuwing: it is the office's last word before the proces-verbaal of
    art. 22 (against the parents, lid 2, or the young person, lid 3; punishable under art. 26), and it
    says that one may follow. That is only true while the young person is leerplichtig or
    kwalificatieplichtig (art. 2 lid 1, 4a lid 1): from the 18th birthday, or a startkwalificatie, no
    verzuim is a feit any more and the letter would threaten what the law does not allow. Without a
    birth date the age cannot be checked (as `stap_toegestaan`)."""
    if geboortedatum is None:
        return True, ""
    status = bepaal_status(geboortedatum, op, sk_datum, pro_vso_datum, parameters=parameters or active())
    if status.status in (LEERPLICHTIG, KWALIFICATIEPLICHTIG):
        return True, ""
    return False, (f"een schriftelijke waarschuwing kondigt een proces-verbaal aan ({LPW} art. 22 en 26); "
                   f"op {format_nl(op)} is de jongere leerplichtig noch kwalificatieplichtig (art. 2 lid 1, "
                   "4a lid 1), dus verder verzuim is geen strafbaar feit meer")
