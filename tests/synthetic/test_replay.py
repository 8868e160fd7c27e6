"""The deliveries carry the facts the truth used: replaying the C-levering and the P-leveringen
week by week gives, for every young resident, the same enrolled / not enrolled as the persons
file, and every startkwalificatie the truth counted. (A test-only replay, not the product's reader.)"""

from __future__ import annotations

from datetime import date

from .conftest import GEMEENTEN, Generated


def _day(text: str) -> date | None:
    if not text:
        return None
    day, month, year = map(int, text.split("-"))
    return date(year, month, day)


def test_replayed_enrolments_match_the_persons_file(generated: Generated) -> None:
    state: dict[tuple[str, str, str, str], dict[str, str]] = {}
    for week, d in enumerate(generated.manifest.peildatums):
        kind = "C" if week == 0 else "P"
        for g in GEMEENTEN:
            for row in generated.rows(f"{d.isoformat()}/duo/duo-{kind}-G{g}-*.csv"):
                key = (g, row["PERSOONSGEBONDENNUMMER"], row["BRIN_NR"], row["INSCHRIJVINGSVOLGNUMMER"])
                if row.get("MUTATIESOORT") == "V":
                    del state[key]
                else:
                    state[key] = row
        enrolled: set[str] = set()
        sk: set[str] = set()
        for (g, _number, _brin, _volg), row in state.items():
            if row["GEMEENTECODE"] != g:
                continue  # moved away: the old gemeente keeps the row with the new woongemeente
            numbers = {row["PERSOONSGEBONDENNUMMER"], row["BSN"]} - {""}
            begin, einde = _day(row["DATUM_INSCHRIJVING"]), _day(row["DATUM_UITSCHRIJVING"])
            assert begin is not None
            if begin <= d and (einde is None or d <= einde):
                enrolled |= numbers
            if row["INDICATIE_STARTKWALIFICATIE"] == "J":
                sk |= numbers
        checked = 0
        for person in generated.persons(d):
            if person["INGEZETENE"] != "J":
                continue
            number = person["PERSOONSNUMMER"]
            assert (number in enrolled) == (person["INGESCHREVEN"] == "J"), (d, person)
            assert (number in sk) == bool(person["STARTKWALIFICATIE"]), (d, person)
            checked += 1
        assert checked > 1000


def test_replayed_vrijstellingen_match_the_persons_file(generated: Generated) -> None:
    known: list[dict[str, str]] = []
    for d in generated.manifest.peildatums:
        known += generated.rows(f"{d.isoformat()}/vrijstellingen/*.csv")

        def day(text: str) -> date | None:
            if not text:
                return None
            return date.fromisoformat(text) if text[4] == "-" else _day(text)

        valid = {r["PERSOONSGEBONDENNUMMER"] for r in known
                 if day(r["BEGINDATUM"]) <= d and (not r["EINDDATUM"] or d <= day(r["EINDDATUM"]))}
        for person in generated.persons(d):
            if person["INGEZETENE"] == "J":
                assert (person["PERSOONSNUMMER"] in valid) == bool(person["VRIJSTELLING"]), (d, person)
