"""What the generator decides about a person: the facts every delivery and the truth derive from.

A person carries a dated history (addresses, enrolments, vrijstellingen, verzuimmeldingen,
death, emigration) for the whole simulated period. A delivery on a peildatum shows the part of
that history known on that day; the truth applies the law to the same part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from synthetic.addresses import RNI, Adres
from synthetic.schools import School

KIND, OUDER = "kind", "ouder"


@dataclass(slots=True)
class Verblijf:
    """One period at one address (or abroad), from `datum_aanvang` until the next one."""

    gemeentecode: str
    datum_inschrijving: date  # 08.09.20: since when registered in this gemeente
    datum_aanvang: date       # 08.10.30: since when at this address
    adres: Adres | None       # None: abroad (RNI, VerblijfplaatsBuitenland)
    land: str = "6030"        # 6030 Nederland; abroad a land code from GBA Tabel 34


@dataclass(slots=True)
class Inschrijving:
    """One enrolment at one school, as DUO keys it (person, BRIN, volgnummer)."""

    school: School
    volgnummer: int
    soort: str
    niveau: str
    leerweg: str
    code: str               # CREBO / CROHO; VO elementcodes follow the leerjaar
    begin: date             # DATUM_INSCHRIJVING
    einde: date | None      # DATUM_UITSCHRIJVING (None: still enrolled at the end of the period)
    diploma: date | None = None
    sk: bool = False        # the diploma is a startkwalificatie
    pro_vso: bool = False   # the diploma is a PrO / VSO arbeidsmarkt-dagbesteding certificate
    bekostigd: bool = True
    gemeld_op: date | None = None      # when DUO knows it (default: begin)
    verwijderd_op: date | None = None  # deleted by the school (a V mutation)

    @property
    def bekend_op(self) -> date:
        return self.gemeld_op or self.begin

    def zichtbaar(self, d: date) -> bool:
        """Known to DUO on `d` and not deleted."""
        return self.bekend_op <= d and (self.verwijderd_op is None or d < self.verwijderd_op)

    def geldig(self, d: date) -> bool:
        """Valid on `d` (docs/formats.md §2.1): begun and not ended before `d`."""
        return self.begin <= d and (self.einde is None or d <= self.einde)


@dataclass(slots=True)
class Vrijstelling:
    grond: str
    begin: date
    einde: date | None
    toelichting: str = ""

    def geldig(self, d: date) -> bool:
        return self.begin <= d and (self.einde is None or d <= self.einde)


@dataclass(slots=True)
class Verzuimmelding:
    meldingsnummer: str
    soort: str
    inschrijving: Inschrijving
    meldingsdatum: date
    begin: date
    einde: date | None
    einde_gemeld_op: date | None  # when the school sent the einddatum (a later version of the melding)
    reden: str
    toelichting: str
    dagen: int | None
    uren: int | None

    def einde_bekend(self, d: date) -> date | None:
        """The einddatum as known on `d`."""
        if self.einde is not None and self.einde_gemeld_op is not None and self.einde_gemeld_op <= d:
            return self.einde
        return None


@dataclass(slots=True)
class Persoon:
    bsn: str | None
    anummer: str
    rol: str
    voornamen: str
    voorvoegsel: str
    geslachtsnaam: str
    geslacht: str
    geboortedatum: date          # the true date (what schools know)
    geboortedatum_brp: str       # jjjjmmdd as the BRP holds it, 00 for unknown parts
    geboorteplaats: str          # gemeentecode of birth (01.03.20)
    verblijven: list[Verblijf] = field(default_factory=list)
    ouders: list[Persoon] = field(default_factory=list)
    overlijden: date | None = None
    opschorting: tuple[str, date] | None = None   # (reden O/E/M/R/F, datum)
    geheim: int = 0
    onderzoek: tuple[str, date] | None = None     # (aanduiding 080000/081100/089999, datum ingang)
    in_brp: bool = True          # False: known to DUO only (onderwijsnummer, registered elsewhere)
    onderwijsnummer: str | None = None
    duo_nummer: str | None = None     # PERSOONSGEBONDENNUMMER in DUO files
    duo_bsn: str = ""                 # the BSN column of DUO files (the koppeling)
    inschrijvingen: list[Inschrijving] = field(default_factory=list)
    vrijstellingen: list[Vrijstelling] = field(default_factory=list)
    meldingen: list[Verzuimmelding] = field(default_factory=list)
    geplant: list[str] = field(default_factory=list)  # the planted kinds (docs/formats.md §5.2)
    gezag: str = ""                   # 11.32.10 for minors: 12, 1, 2
    hc_gba_datums: bool = False       # Haal Centraal: GBA date strings instead of Datum objects
    hc_straat_oud: bool = False       # Haal Centraal: `straat`/`korteNaam` instead of the newer names
    duo_gemeente_anders: str | None = None  # DUO's woongemeente when it differs from the BRP's

    @property
    def persoonsnummer(self) -> str:
        """The number a resident is known by (BSN), else the DUO number."""
        return self.bsn or self.duo_nummer or ""

    def verblijf_op(self, d: date) -> Verblijf | None:
        """The address period current on `d` (None before the first one)."""
        current = None
        for verblijf in self.verblijven:
            if verblijf.datum_aanvang <= d:
                current = verblijf
            else:
                break
        return current

    def gemeente_op(self, d: date) -> str | None:
        verblijf = self.verblijf_op(d)
        return verblijf.gemeentecode if verblijf else None

    def ingezetene(self, d: date, served: frozenset[str]) -> bool:
        """docs/spec.md §4.2: registered in a served gemeente, not deceased, not opgeschort, not RNI."""
        if not self.in_brp:
            return False
        gemeente = self.gemeente_op(d)
        if gemeente is None or gemeente not in served or gemeente == RNI:
            return False
        if self.overlijden is not None and self.overlijden <= d:
            return False
        return not (self.opschorting is not None and self.opschorting[1] <= d)
