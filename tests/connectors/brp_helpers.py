"""Small helpers for the BRP tests: import into a fresh staging file, and write LO3 CSVs."""

from __future__ import annotations

from pathlib import Path

from connectors.brp import import_brp
from connectors.persoonsnummer import is_bsn
from connectors.staging import ImportResult, Staging

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "brp"
HEADER = ";01.01.20;01.02.10;01.02.40;01.03.10;08.09.10;08.11.10;08.11.20;08.11.60;08.11.70"


def valid_bsns(count: int, start: int = 999_910_000) -> list[str]:
    """`count` BSNs passing the elfproef, in the 9999… test range."""
    out = []
    n = start
    while len(out) < count:
        if is_bsn(str(n)):
            out.append(str(n))
        n += 1
    return out


def lo3_file(path: Path, bsns: list[str], *, street: dict[str, str] | None = None,
             gemeente: str = "0363") -> Path:
    """A minimal LO3 selectie: one persoonslijst per BSN, born 2012-01-01, living in `gemeente`."""
    street = street or {}
    lines = [HEADER] + [
        f"Lg01_{i};{b};Kim;Jansen;20120101;{gemeente};{street.get(b, 'Kerkstraat')};{int(b[-3:]) + 1};"
        "1017GC;Amsterdam"
        for i, b in enumerate(bsns, start=1)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(staging_path: Path, file: Path, **options) -> ImportResult:
    with Staging(staging_path) as st:
        return import_brp(st, file, **options)


# -- one set of persons in each of the three formats (crafted files for the field rules) ----------
LO3_ELEMENTS = {"bsn": "01.01.20", "voornamen": "01.02.10", "voorvoegsel": "01.02.30",
                "geslachtsnaam": "01.02.40", "geboortedatum": "01.03.10",
                "ouder1_geboortedatum": "02.03.10", "ouder1_geslachtsnaam": "02.02.40",
                "gemeente_inschrijving": "08.09.10",
                "datum_aanvang_adres": "08.10.30", "straat": "08.11.10", "huisnummer": "08.11.20",
                "huisletter": "08.11.30", "huisnummertoevoeging": "08.11.40", "postcode": "08.11.60",
                "woonplaats": "08.11.70"}
PERSON = {"voornamen": "Kim", "geslachtsnaam": "Jansen", "geboortedatum": "20150902",
          "ouder1_geboortedatum": "19800101", "ouder1_geslachtsnaam": "Jansen",
          "gemeente_inschrijving": "0363",
          "datum_aanvang_adres": "20150902", "straat": "Kerkstraat", "huisnummer": "1",
          "postcode": "1017GC", "woonplaats": "Amsterdam"}
FORMAT_SUFFIX = {"lo3csv": ".lo3.csv", "haalcentraal": ".haalcentraal.json", "stufbg": ".stufbg.xml"}


def write_persons(fmt: str, path: Path, persons: list[dict[str, str]]) -> Path:
    """`persons` (raw field -> value, over PERSON's defaults) as a file of `fmt`; values are written
    as they are (line breaks, bidi characters), each format escaping only what its syntax needs."""
    import csv
    import json
    from xml.sax.saxutils import escape

    full = [{**PERSON, **p} for p in persons]
    if fmt == "lo3csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, delimiter=";", lineterminator="\n")
            out.writerow(["", *LO3_ELEMENTS.values()])
            for i, p in enumerate(full, start=1):
                out.writerow([f"Lg01_{i}", *(p.get(f, "") for f in LO3_ELEMENTS)])
        return path
    if fmt == "haalcentraal":
        def date(v: str) -> dict:
            iso = f"{v[:4]}-{v[4:6]}-{v[6:]}" if len(v) == 8 and v.isdigit() else v
            return {"type": "Datum", "datum": iso}
        body = [{
            "burgerservicenummer": p["bsn"],
            "naam": {k: p[k] for k in ("voornamen", "voorvoegsel", "geslachtsnaam") if p.get(k)},
            "geboorte": {"datum": date(p["geboortedatum"])},
            "gemeenteVanInschrijving": {"code": p["gemeente_inschrijving"]},
            "ouders": [{"ouderAanduiding": "1", "naam": {"geslachtsnaam": p["ouder1_geslachtsnaam"]},
                        "geboorte": {"datum": date(p["ouder1_geboortedatum"])}}],
            "verblijfplaats": {"type": "Adres", "datumVan": date(p["datum_aanvang_adres"]), "verblijfadres": {
                k: p[f] for k, f in (("officieleStraatnaam", "straat"), ("huisnummer", "huisnummer"),
                                     ("huisletter", "huisletter"),
                                     ("huisnummertoevoeging", "huisnummertoevoeging"),
                                     ("postcode", "postcode"), ("woonplaats", "woonplaats")) if p.get(f)}},
        } for p in full]
        path.write_text(json.dumps({"type": "RaadpleegMetBurgerservicenummer", "personen": body},
                                   ensure_ascii=False, indent=1), encoding="utf-8")
        return path
    if fmt == "stufbg":
        def el(name: str, value: str | None) -> str:
            if not value:
                return ""
            text = escape(value).replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")
            return f"<BG:{name}>{text}</BG:{name}>"
        person = [("inp.bsn", "bsn"), ("voornamen", "voornamen"), ("voorvoegselGeslachtsnaam", "voorvoegsel"),
                  ("geslachtsnaam", "geslachtsnaam"), ("geboortedatum", "geboortedatum"),
                  ("inp.gemeenteVanInschrijving", "gemeente_inschrijving")]
        adres = [("gor.straatnaam", "straat"), ("aoa.huisnummer", "huisnummer"),
                 ("aoa.huisletter", "huisletter"),
                 ("aoa.huisnummertoevoeging", "huisnummertoevoeging"), ("aoa.postcode", "postcode"),
                 ("wpl.woonplaatsNaam", "woonplaats"), ("begindatumVerblijf", "datum_aanvang_adres")]
        objects = "".join(
            '<BG:object StUF:entiteittype="NPS">' + "".join(el(e, p.get(k)) for e, k in person)
            + "<BG:verblijfsadres>" + "".join(el(e, p.get(k)) for e, k in adres) + "</BG:verblijfsadres>"
            + "<BG:inp.heeftAlsOuders><BG:gerelateerde>" + el("geslachtsnaam", p["ouder1_geslachtsnaam"])
            + el("geboortedatum", p["ouder1_geboortedatum"]) + "</BG:gerelateerde>"
            + el("ouderAanduiding", "1") + "</BG:inp.heeftAlsOuders></BG:object>\n"
            for p in full)
        path.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope '
            'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:StUF="http://www.egem.nl/StUF/StUF0301" '
            'xmlns:BG="http://www.egem.nl/StUF/sector/bg/0310"><soapenv:Body><BG:npsLa01><BG:antwoord>\n'
            + objects + "</BG:antwoord></BG:npsLa01></soapenv:Body></soapenv:Envelope>\n", encoding="utf-8")
        return path
    raise ValueError(fmt)
