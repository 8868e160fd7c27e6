"""One chunk of households rendered into every week's files: the unit of streaming and parallelism.

`render_chunk` is a pure function of (seed, size, gemeenten, period, chunk index): it returns the
text each file gets from this chunk, the chunk's expected signals (sorted, for the global merge),
its share of the A06 aggregates and its counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from synthetic import layout
from synthetic.model import Persoon
from synthetic.population import build_chunk
from synthetic.schools import SchoolRegistry
from synthetic.truth import Oordeel, beoordeel
from synthetic.window import Window
from synthetic.writers_brp import haalcentraal, lo3_rows, stufbg
from synthetic.writers_duo import (
    a06_counts,
    duo_gemeente,
    enrolment_deliveries,
    format_enrolment,
    monthly_rows,
    report_weeks,
    vsv_list_rows,
    vsv_lists,
)
from synthetic.writers_verzuim import (
    meldingen_in_week,
    verzuimmelding,
    vrijstelling_row,
    vrijstellingen_in_week,
)

PERSONS_HEADER = (
    "PEILDATUM;GEMEENTECODE;PERSOONSNUMMER;BSN;ONDERWIJSNUMMER;GEBOORTEDATUM;GEBOORTEDATUM_BRP;IN_BRP;"
    "INGEZETENE;STATUS;INGESCHREVEN;ONDERWIJSSOORT;NIVEAU;BRIN_NR;BEKOSTIGD;STARTKWALIFICATIE;"
    "PRO_VSO_CERTIFICAAT;VRIJSTELLING;VERZUIM;OVERLEDEN;OPSCHORTING;GEHEIM;ADRES_IN_ONDERZOEK;GEPLANT;SIGNALEN"
)
SIGNALS_HEADER = "PEILDATUM;GEMEENTECODE;PERSOONSNUMMER;SIGNAL;SINDS"
CRLF = "\r\n"
RECORD_SEPARATOR = ",\n"  # between the records of a JSON array; line-based files end each record


@dataclass
class ChunkOutput:
    index: int
    texts: dict[str, list[str]] = field(default_factory=dict)
    # (week, signal, 0 for onderwijsnummers / 1 for BSNs) -> rows sorted by person number
    signals: dict[tuple[int, str, int], list[str]] = field(default_factory=dict)
    a06: dict[str, dict[tuple[str, str, str, str, str], list[int]]] = field(default_factory=dict)
    stats: Counter = field(default_factory=Counter)

    # path -> the chunk's bytes for that file, records joined (filled by `pack`)
    data: dict[str, bytes] = field(default_factory=dict)

    def add(self, path: str, text: str) -> None:
        self.texts.setdefault(path, []).append(text)

    def pack(self) -> None:
        """Join and encode in the worker, so the writing process only writes and hashes."""
        for path, records in self.texts.items():
            separator = RECORD_SEPARATOR if path.endswith(".json") else ""
            self.data[path] = separator.join(records).encode("utf-8")
        self.texts = {}


def _iso(d: date | None) -> str:
    return "" if d is None else d.isoformat()


def _person_row(p: Persoon, o: Oordeel) -> str:
    d = o.peildatum
    e = o.geldig[0] if o.geldig else None
    meldingen = "|".join(sorted(m.soort for m in p.meldingen if m.meldingsdatum <= d))
    return ";".join((
        _iso(d), o.gemeentecode, p.persoonsnummer, p.bsn or "", p.onderwijsnummer or "",
        _iso(p.geboortedatum),
        p.geboortedatum_brp if p.in_brp else "", "J" if p.in_brp else "N", "J" if o.ingezetene else "N",
        o.status, "J" if o.geldig else "N", e.soort if e else "", e.niveau if e else "",
        e.school.brin if e else "",
        ("J" if e.bekostigd else "N") if e else "", _iso(o.sk_datum), _iso(o.pro_vso_datum), o.vrijstelling,
        meldingen, _iso(p.overlijden if p.overlijden and p.overlijden <= d else None),
        p.opschorting[0] if p.opschorting and p.opschorting[1] <= d else "", str(p.geheim),
        p.onderzoek[0] if p.onderzoek and p.onderzoek[1] <= d else "", "|".join(p.geplant),
        "|".join(s.signal for s in o.signalen),
    ))


def render_chunk(seed: int, index: int, size: int, window: Window, registry: SchoolRegistry) -> ChunkOutput:
    chunk = build_chunk(seed, index, size, window, registry)
    out = ChunkOutput(index)
    served = window.served
    peildatums = window.peildatums
    previous = [window.first - timedelta(days=7), *peildatums[:-1]]
    reports = report_weeks(window)
    labels: Counter = Counter()
    stats = out.stats

    for gezin in chunk.gezinnen:
        for week, d in enumerate(peildatums):
            prev = previous[week]
            included: dict[str, list[Persoon]] = {}
            for child in gezin.kinderen:
                if not child.in_brp:
                    continue
                now, before = child.gemeente_op(d), child.gemeente_op(prev)
                gone = child.overlijden is not None and child.overlijden <= prev
                if now in served and not gone:
                    included.setdefault(now, []).append(child)
                if before in served and before != now:
                    included.setdefault(before, []).append(child)
            for gemeente, members in included.items():
                pls = members + [o for o in gezin.ouders if o.bsn]
                hc, lo3, stuf = (layout.brp(d, gemeente, kind) for kind in ("haalcentraal.json", "lo3.csv",
                                                                             "stufbg.xml"))
                for person in pls:
                    labels[(week, gemeente)] += 1
                    label = f"Lg01_{index * 100000 + labels[(week, gemeente)]}"
                    out.add(hc, haalcentraal(person, d))
                    out.add(lo3, lo3_rows(person, d, label) + "\n")
                    out.add(stuf, stufbg(person, d) + "\n")
                stats[(week, "persoonslijsten")] += len(pls)

        for child in gezin.kinderen:
            for week, rows in enumerate(enrolment_deliveries(child, window)):
                d = peildatums[week]
                for gemeente, mutatie, when, row in rows:
                    out.add(layout.duo(d, gemeente, week), format_enrolment(row, mutatie, when) + CRLF)
                    stats[(week, "inschrijvingen" if week == 0 else f"mutaties_{mutatie}")] += 1
            for week, ref in reports:
                d = peildatums[week]
                for kind, lines in monthly_rows(child, ref, served).items():
                    gemeente = duo_gemeente(child, ref) or ""
                    for line in lines:
                        out.add(layout.report(d, ref, kind, gemeente), line + CRLF)
                for year, definitief in vsv_lists(ref):
                    for kind, line in vsv_list_rows(child, ref, served, year).items():
                        gemeente = duo_gemeente(child, date(year + 1, 10, 1)) or ""
                        out.add(layout.vsv_list(d, kind, year, definitief, gemeente), line + CRLF)
                cell = a06_counts(child, ref, served)
                if cell is not None:
                    key, vsv = cell
                    cells = out.a06.setdefault(layout.report(d, ref, "A06", key[1]), {})
                    counts = cells.setdefault(key, [0, 0])
                    counts[0] += 1
                    counts[1] += vsv
            for week, d in enumerate(peildatums):
                prev = previous[week]
                gemeente = duo_gemeente(child, d)
                if gemeente in served:
                    for melding in meldingen_in_week(child, week, d, prev):
                        out.add(layout.verzuim(d, gemeente), verzuimmelding(melding, child, d) + "\n")
                        stats[(week, f"verzuim_{melding.soort}")] += 1
                    for vrij in vrijstellingen_in_week(child, week, d, prev):
                        row = vrijstelling_row(vrij, child, iso=week % 2 == 1)
                        out.add(layout.vrijstellingen(d, gemeente), row + "\n")
                        stats[(week, f"vrijstelling_{vrij.grond}")] += 1
                oordeel = beoordeel(child, d, served)
                out.add(layout.persons(d), _person_row(child, oordeel) + "\n")
                stats[(week, "jongeren")] += 1
                stats[(week, "ingezetenen")] += oordeel.ingezetene
                for signaal in oordeel.signalen:
                    group = 0 if signaal.persoonsnummer.startswith("10") else 1
                    row = ";".join((d.isoformat(), signaal.gemeentecode, signaal.persoonsnummer,
                                    signaal.signal, _iso(signaal.sinds)))
                    out.signals.setdefault((week, signaal.signal, group), []).append(row)
                    stats[(week, f"signal_{signaal.signal}")] += 1
        stats[(0, "ouders")] += sum(1 for o in gezin.ouders if o.bsn)

    for rows in out.signals.values():
        rows.sort(key=lambda r: (r.split(";", 3)[2], r))
    out.pack()
    return out
