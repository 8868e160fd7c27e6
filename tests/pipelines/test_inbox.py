"""The inbox: deliveries found in import order, strangers left alone, archiving safe to repeat."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from connectors.deliveries import read_name
from pipelines.inbox import archive, scan, set_aside

FILES = [
    "2026-09-14/vrijstellingen/vrijstellingen-G0363-20260914.csv",
    "2026-09-14/verzuim/verzuim-G0363-20260914.xml",
    "2026-09-14/duo/duo-P-G0363-20260914.csv",
    "2026-09-07/duo/duo-P-G0363-20260907.csv",
    "2026-09-07/duo/duo-C-G0363-20260907.csv",
    "2026-09-07/duo/202609A04G0363.csv",
    "2026-09-14/brp/brp-G0363-20260914.lo3.csv",
    "2026-09-07/brp/brp-G0363-20260907.haalcentraal.json",
    "verzuim-https-VM2026-000123.xml",
    "2026-09-07/truth/signals-20260907.csv",       # the generator's oracle: never a delivery
    "2026-09-07/brp/.brp-G0363-20260921.lo3.csv",  # hidden
    "brp-G0363-20260921.stufbg.xml.part",          # still being uploaded
    "notes.txt",
]


def _make(inbox: Path) -> None:
    for name in FILES:
        path = inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)


def test_deliveries_come_in_import_order(tmp_path: Path) -> None:
    _make(tmp_path)
    found = scan(tmp_path)
    assert [(d.kind, d.path.name) for d in found.deliveries] == [
        ("brp", "brp-G0363-20260907.haalcentraal.json"),
        ("brp", "brp-G0363-20260914.lo3.csv"),
        ("duo_c", "duo-C-G0363-20260907.csv"),
        ("duo_p", "duo-P-G0363-20260907.csv"),
        ("duo_p", "duo-P-G0363-20260914.csv"),
        ("duo_a04", "202609A04G0363.csv"),
        ("verzuim", "verzuim-https-VM2026-000123.xml"),  # no delivery date: first
        ("verzuim", "verzuim-G0363-20260914.xml"),
        ("vrijstellingen", "vrijstellingen-G0363-20260914.csv"),
    ]
    assert [p.name for p in found.unrecognised] == ["notes.txt"]


def test_the_registry_reads_the_file_names() -> None:
    assert read_name(Path("brp-G0599-20260907.stufbg.xml")).kind == "brp"
    assert read_name(Path("202610A06R0027.csv")).kind == "duo_a06"
    assert read_name(Path("202610A03G0363.csv")) is None  # there is no A03
    assert read_name(Path("duo-c-g0363-20260907.CSV")).kind == "duo_c"
    # the identity: what the name says beyond the content (delivery identity, connectors/deliveries.py)
    assert read_name(Path("202610A04G0363.csv")).identity == "A04 G0363 2026-10"
    assert read_name(Path("duo-P-G0363-20260914.csv")).identity == "P G0363 2026-09-14"
    assert read_name(Path("duo-P-levering.csv")).identity is None
    assert read_name(Path("verzuim-G0363-20260914.xml")).identity is None


def test_a_missing_inbox_is_empty(tmp_path: Path) -> None:
    assert scan(tmp_path / "nope").deliveries == []


def test_archive_keeps_the_layout_and_is_safe_to_repeat(tmp_path: Path) -> None:
    inbox, archive_root = tmp_path / "inbox", tmp_path / "archive"
    _make(inbox)
    delivery = inbox / FILES[4]
    target = archive(delivery, inbox, archive_root, date(2026, 9, 14))
    assert target == archive_root / "2026-09-14" / FILES[4]
    assert target.read_text() == FILES[4] and not delivery.exists()
    # a rerun after a crash between the move and the end of the run finds the file again
    delivery.write_text(FILES[4])
    assert archive(delivery, inbox, archive_root, date(2026, 9, 14)) == target and not delivery.exists()
    # a different file of the same name is never overwritten
    delivery.write_text("a corrected delivery")
    second = archive(delivery, inbox, archive_root, date(2026, 9, 14))
    assert second.name == "duo-C-G0363-20260907.1.csv" and second.read_text() == "a corrected delivery"
    assert target.read_text() == FILES[4]


def test_links_and_other_non_regular_files_are_refused_never_followed(tmp_path: Path) -> None:
    """Issue 20 #5: a link named like a delivery was imported from elsewhere."""
    inbox, elsewhere = tmp_path / "inbox", tmp_path / "elsewhere"
    _make(inbox)
    elsewhere.mkdir()
    secret = elsewhere / "brp.lo3.csv"
    secret.write_text("someone else's file")
    (inbox / "brp-G0363-20260928.lo3.csv").symlink_to(secret)
    (inbox / "2026-09-21").symlink_to(elsewhere, target_is_directory=True)
    os.mkfifo(inbox / "duo-C-G0363-20260928.csv")

    found = scan(inbox)

    assert all(d.path.name != "brp-G0363-20260928.lo3.csv" for d in found.deliveries)
    assert len(found.deliveries) == 9
    assert [(p.name, why) for p, why in found.refused] == [
        ("2026-09-21", "een symbolische koppeling naar een map, geen geleverde map"),
        ("brp-G0363-20260928.lo3.csv", "een symbolische koppeling, geen geleverd bestand"),
        ("duo-C-G0363-20260928.csv", "geen gewoon bestand")]
    with pytest.raises(ValueError, match="geen gewoon bestand in de inbox"):
        archive(inbox / "brp-G0363-20260928.lo3.csv", inbox, tmp_path / "archive", date(2026, 9, 28))
    link = set_aside(inbox / "brp-G0363-20260928.lo3.csv", inbox, tmp_path / "refused", date(2026, 9, 28),
                     "een symbolische koppeling, geen geleverd bestand")
    assert link.is_symlink() and secret.read_text() == "someone else's file"
    assert not (inbox / "brp-G0363-20260928.lo3.csv").exists()


def test_archived_and_set_aside_files_are_private(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    _make(inbox)
    delivery = inbox / FILES[4]
    delivery.chmod(0o644)
    target = archive(delivery, inbox, tmp_path / "archive", date(2026, 9, 14))
    aside = set_aside(inbox / FILES[0], inbox, tmp_path / "refused", date(2026, 9, 14), "wrong header")
    for path in (target, aside, aside.with_name(aside.name + ".reden.txt")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
