"""The five letters InBeeld writes, with their template, reply period and reference prefix."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class Soort(StrEnum):
    """A kind of letter; the value is the template's file name in `letters/templates/`."""

    ABSOLUUT_VERZUIM = "absoluut_verzuim"
    RMC_18_23 = "rmc_18_23"
    UITNODIGING_VERZUIMGESPREK = "uitnodiging_verzuimgesprek"
    HERINNERING_VRIJSTELLING = "herinnering_vrijstelling"
    INFORMATIE_LEERPLICHT = "informatie_leerplicht"

    @property
    def template(self) -> str:
        return self.value

    @property
    def antwoordtermijn(self) -> timedelta:
        """Default time to reply, counted from the letter date (a run may set another deadline)."""
        return _TERMIJN[self]

    @property
    def ook_aan_jongere(self) -> bool:
        """Letters about the young person's own obligation to be enrolled and attend: at 16 and 17
        (kwalificatieplicht) the young person gets one too (Leerplichtwet art. 2 lid 3, 4c, 22 lid 3)."""
        return self in (Soort.ABSOLUUT_VERZUIM, Soort.UITNODIGING_VERZUIMGESPREK)

    @property
    def omschrijving(self) -> str:
        """Dutch name of the letter for the case file and `inbeeld letters list`."""
        return _OMSCHRIJVING[self]


_TERMIJN = {
    Soort.ABSOLUUT_VERZUIM: timedelta(weeks=2),
    Soort.RMC_18_23: timedelta(weeks=2),
    Soort.UITNODIGING_VERZUIMGESPREK: timedelta(weeks=1),
    Soort.HERINNERING_VRIJSTELLING: timedelta(weeks=4),
    Soort.INFORMATIE_LEERPLICHT: timedelta(weeks=4),
}

_OMSCHRIJVING = {
    Soort.ABSOLUUT_VERZUIM: "brief geen schoolinschrijving bekend (met antwoordformulier)",
    Soort.RMC_18_23: "brief 'wat doe je nu?' (RMC)",
    Soort.UITNODIGING_VERZUIMGESPREK: "uitnodiging verzuimgesprek",
    Soort.HERINNERING_VRIJSTELLING: "herinnering vrijstelling verlengen",
    Soort.INFORMATIE_LEERPLICHT: "informatiebrief begin leerplicht",
}
