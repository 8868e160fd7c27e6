"""The next step on a case and when it is due, for the work lists.

The registers keep what happened on a case (docs/spec.md §4.3); what should happen next follows from the
last step taken. The defaults below follow the letters' own deadlines (a letter asks for an answer
within 4 weeks, docs/law.md (local policy)) and common practice; an office sets its own in `inbeeld.toml`:

```toml
[reports.werklijst.vervolg]
brief_verstuurd = { actie = "reactie nagaan, anders huisbezoek", dagen = 21 }
```

Keys are the registers' action codes (`registers.codes.ActionType`). A case whose address is
under investigation in the BRP waits for that investigation (no letter may go out); a case whose
birth date leaves the status open needs the birth date checked first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from inbeeld.settings import Vervolg

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


def schedule(config: Mapping[str, Vervolg] | None = None) -> dict[str, Vervolg]:
    """The defaults with the office's `[reports.werklijst.vervolg]` entries applied."""
    return {**DEFAULTS, **(config or {})}


def next_step(step: str, on: dt.date, *, adres_in_onderzoek: bool = False, controle_nodig: bool = False,
              plan: Mapping[str, Vervolg] = DEFAULTS) -> tuple[str, dt.date]:
    """The next action after `step` taken `on`, and its due date."""
    if controle_nodig:
        follow = CONTROLE_GEBOORTEDATUM
    elif adres_in_onderzoek:
        follow = ADRES_IN_ONDERZOEK
    else:
        follow = plan.get(step, FALLBACK)
    return follow.actie, on + dt.timedelta(days=follow.dagen)
