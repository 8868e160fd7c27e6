"""School names by BRIN from the real staged deliveries: DUO's reports and the verzuimmeldingen."""

from __future__ import annotations

from pathlib import Path

from connectors import deliveries
from connectors.schools import school_names
from connectors.staging import Staging
from connectors.verzuim_xml import read_verzuim, verzuim_changes

FIXTURES = Path(__file__).parent / "fixtures"


def test_names_come_from_the_reports_and_the_meldingen(tmp_path: Path) -> None:
    with Staging(tmp_path / "staging.duckdb") as staging:
        assert school_names(staging.con) == {}  # nothing staged yet: no names, no error
        deliveries.load(staging, FIXTURES / "duo" / "202611A04G0363.csv", "duo_a04")
        staging.import_file("verzuim", FIXTURES / "verzuim" / "verzuim-G0363-20260914.xml", read_verzuim,
                            summarize=verzuim_changes)
        names = school_names(staging.con)
    assert names["13CD"] == names["14EF"] == "Testcollege"  # A04: NAAM_INST of BRIN_NR
    assert names["12AB"] == "Het Baken"  # the melding's schoolnaam
