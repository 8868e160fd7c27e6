"""One StUF-BG worker process: parses and reads middle parts of a large file (`python -m
connectors.stufbg_worker`, started by `connectors/stufbg_pool.py`).

It imports lxml and the light reading modules only (no DuckDB, no CLI), so that a worker adds about
20 MB to the import. It reads its parts from the file itself (`os.pread`): only places and rows
travel. Messages are pickled frames over stdin and stdout: first the `Setup`, then per part
`(offset, length, first line)`, answered by `("rows", text, count, longest)` or
`("not-well-formed", message)`, in the order asked, until stdin closes.
"""

from __future__ import annotations

import os
import pickle
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from connectors.row_text import text_lines
from connectors.stufbg_objects import Layout, in_stream_order, read_object
from connectors.xml_safety import NotWellFormed, parse_fragment

if TYPE_CHECKING:
    from connectors.mappings import Mapping


@dataclass(frozen=True)
class Setup:
    """What every part is read with."""

    path: str
    mapping: Mapping
    wrapper: tuple[bytes, bytes]  # start and end tag around a part (its namespace context)
    encoding: str | None


def part_rows(data: bytes, line: int, setup: Setup, layout: Layout) -> tuple[bytes, int, int]:
    """The persons of one part (starting on `line`) as row text: (UTF-8 text, rows, longest line)."""
    root = parse_fragment(setup.wrapper[0] + data + setup.wrapper[1], setup.encoding)
    offset = line - 1
    text, count, longest = text_lines(read_object(obj, layout, obj.sourceline + offset)
                                      for obj in in_stream_order(root, f"{{*}}{layout.object}"))
    return text.encode("utf-8"), count, longest


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """The worker's loop: the setup, then one answer per request, until its input closes."""
    try:
        setup: Setup = pickle.load(requests)
    except EOFError:
        return
    layout = Layout(setup.mapping)
    fd = os.open(setup.path, os.O_RDONLY)
    try:
        while True:
            try:
                offset, length, line = pickle.load(requests)
            except EOFError:
                return
            try:
                answer = ("rows", *part_rows(os.pread(fd, length, offset), line, setup, layout))
            except NotWellFormed as exc:
                answer = ("not-well-formed", str(exc))
            pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
            answers.flush()
    finally:
        os.close(fd)


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
