"""The next step on a dossier and when it is due, for the work lists, the inbox and `cases list`.

The registers keep what happened in a dossier (docs/spec.md §4.3); what should happen next follows
from its leading reason and the last step taken. The defaults below follow the letters' own
deadlines (a letter asks for an answer within 4 weeks, docs/law.md (local policy)) and common
practice; an office sets its own in `inbeeld.toml`:

```toml
[reports.werklijst.vervolg]
brief_verstuurd = { actie = "reactie nagaan, anders huisbezoek", dagen = 21 }
```

Keys are the registers' action codes (`registers.codes.ActionType`). A dossier whose address is
under investigation in the BRP waits for that investigation (no letter may go out); one whose
birth date leaves the status open needs the birth date checked first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from inbeeld.settings import Vervolg
from registers.codes import SuppressionReason, labels

DEFAULTS: dict[str, Vervolg] = {
    "geopend": Vervolg("eerste brief versturen", 7),
    "brief_verstuurd": Vervolg("reactie nagaan, zo nodig huisbezoek", 28),
    "antwoord_ontvangen": Vervolg("antwoord beoordelen en dossier sluiten of vervolgen", 7),
    "huisbezoek": Vervolg("gesprek voeren of vervolgbrief sturen", 14),
    "gesprek": Vervolg("afspraken uit het gesprek nagaan", 28),
    "waarschuwing": Vervolg("verzuim na de waarschuwing nagaan", 28),
    "halt_verwijzing": Vervolg("afloop van de Halt-afdoening nagaan", 56),
    "proces_verbaal": Vervolg("afloop bij het Openbaar Ministerie nagaan", 90),
    "doorverwijzing": Vervolg("terugkoppeling van de doorverwijzing nagaan", 28),
}
ADRES_IN_ONDERZOEK = Vervolg("uitkomst BRP-adresonderzoek afwachten (geen brief)", 28)
CONTROLE_GEBOORTEDATUM = Vervolg("geboortedatum controleren", 7)
FALLBACK = Vervolg("dossier bekijken", 28)
BEOORDELEN = 7  # days to assess a letter that was held back
# The first step of a dossier whose reason has no letter of its own, or whose letter is not the start.
FIRST_STEPS: dict[str, Vervolg] = {
    "THUISZITTER": Vervolg("contact opnemen met school en samenwerkingsverband", 7),
    "ONBEKEND_IN_BRP": Vervolg("uitzoeken waar de jongere woont (geen brief)", 14),
    "ONVOLLEDIGE_PERSOONSLIJST": Vervolg("persoonslijst laten corrigeren (BRP)", 7),
    "CONTROLE_GEBOORTEDATUM": CONTROLE_GEBOORTEDATUM,
    "VERZUIMMELDING": Vervolg("uitnodiging verzuimgesprek versturen", 7),
    "BIJNA_LEERPLICHTIG": Vervolg("informatiebrief versturen", 7),
}
AFTER_STEPS: dict[str, Vervolg] = {
    "overleg": Vervolg("afspraken met school en samenwerkingsverband nagaan", 28),
    "onderzoek": Vervolg("uitkomst van het onderzoek verwerken: dossier sluiten of vervolgen", 7),
    "beoordeeld": FALLBACK,
}
# Reasons whose letter only informs: after it nothing is due (no huisbezoek before leerplicht begins).
INFORM_ONLY = frozenset({"BIJNA_LEERPLICHTIG"})
NOTHING_DUE = "geen actie nodig: volgen tot de leerplicht begint"
SUPPRESSION_LABELS = labels(SuppressionReason)


def schedule(config: Mapping[str, Vervolg] | None = None) -> dict[str, Vervolg]:
    """The defaults with the office's `[reports.werklijst.vervolg]` entries applied."""
    return {**DEFAULTS, **(config or {})}


def next_action(reason: str, step: str, on: dt.date, *, adres_in_onderzoek: bool = False,
                controle_nodig: bool = False, held_back: str | None = None, held_on: dt.date | None = None,
                plan: Mapping[str, Vervolg] = DEFAULTS) -> tuple[str, dt.date | None]:
    """The next action on a dossier whose leading open `reason` had its latest step `step` on `on`,
    and its due date (None: nothing is due). docs/spec.md §4.3: the action that really applies.

    A letter held back after that step (`held_back`, the suppression reason, on `held_on`) is
    assessed first; a birth date or address under investigation waits for that; a reason without a
    letter of its own starts with its own first step; an information letter asks nothing more."""
    held_back = held_back if isinstance(held_back, str) and held_back else None  # pandas' NaN is "none"
    held_on = held_on if isinstance(held_on, dt.date) and held_back else None
    if controle_nodig and step == "geopend":
        return _due(FIRST_STEPS.get(reason, CONTROLE_GEBOORTEDATUM), on)
    if held_back == "adres_in_onderzoek" or (adres_in_onderzoek and step == "geopend"):
        return _due(ADRES_IN_ONDERZOEK, held_on or on)
    if held_back:
        label = SUPPRESSION_LABELS.get(held_back, held_back.replace("_", " "))
        return f"beoordelen: brief tegengehouden ({label})", (held_on or on) + dt.timedelta(days=BEOORDELEN)
    if step == "geopend":
        return _due(FIRST_STEPS.get(reason) or plan.get("geopend", FALLBACK), on)
    if reason in INFORM_ONLY and step == "brief_verstuurd":
        return NOTHING_DUE, None
    return _due(AFTER_STEPS.get(step) or plan.get(step, FALLBACK), on)


def _due(follow: Vervolg, on: dt.date) -> tuple[str, dt.date]:
    return follow.actie, on + dt.timedelta(days=follow.dagen)
