"""The encoding check of text deliveries: its line counts and blank flag, and its ASCII shortcut."""

from __future__ import annotations

from pathlib import Path
from threading import Event

import pytest

from connectors import textfile
from connectors.errors import RefusedFile
from connectors.textfile import check_text


@pytest.fixture(params=[16 * 1024 * 1024, 4], ids=["one block", "4-byte blocks"])
def block(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run each test with the real block size and with tiny blocks (every boundary case occurs)."""
    monkeypatch.setattr(textfile, "BLOCK", request.param)
    return request.param


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "delivery.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("data", "lines", "trailing"), [
    (b"a;b\n1;2\n", 2, 0),
    (b"a;b\n1;2", 2, 0),
    (b"a;b\r\n1;2\r\n\r\n  \r\n", 4, 2),
    (b"a;b\n1;2\n\n\n\n\n\n", 7, 5),
    (b"a;b\n\n1;2\n", 3, 0),
])
def test_lines_and_trailing_blank_lines_are_counted(tmp_path: Path, block: int, data: bytes, lines: int,
                                                    trailing: int) -> None:
    info = check_text(_write(tmp_path, data))
    assert (info.lines, info.trailing_blank_lines) == (lines, trailing)


def test_a_space_anywhere_is_noticed(tmp_path: Path, block: int) -> None:
    assert not check_text(_write(tmp_path, b"a;b\n1;2\n")).has_blank
    assert check_text(_write(tmp_path, b"a;b\n1;2 \n3;4\n")).has_blank


def test_plain_ascii_blocks_do_not_hide_a_broken_or_a_split_character(tmp_path: Path, block: int) -> None:
    # 'é' (two bytes) split over two 4-byte blocks is valid UTF-8
    assert check_text(_write(tmp_path, "a;b\nabcé;x\n".encode())).encoding == "utf-8"
    # a lone byte of cp1252 after plain ASCII blocks
    assert check_text(_write(tmp_path, b"a;b\nabcdefgh;caf\xe9\n")).encoding == "cp1252"
    # a character cut off, followed by a plain ASCII block: refused (declared UTF-8) on its line
    with pytest.raises(RefusedFile, match="ongeldige UTF-8") as refused:
        check_text(_write(tmp_path, b"a;b\nabc\xc3x;y\n"), "utf-8")
    assert refused.value.line == 2
    with pytest.raises(RefusedFile, match="ongeldige UTF-8"):
        check_text(_write(tmp_path, b"a;b\nabcdefgh;\xc3"), "utf-8")


def test_a_check_told_to_stop_stops_before_its_next_block(tmp_path: Path) -> None:
    """A BRP file whose hash shows a duplicate needs no encoding check: the other thread stops it."""
    stop = Event()
    path = _write(tmp_path, b"a;b\n1;2\n")
    assert check_text(path, stop=stop).lines == 2
    stop.set()
    with pytest.raises(textfile.CheckStopped):
        check_text(path, stop=stop)
