"""Same seed, same bytes (whatever the number of workers); another seed, other data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from synthetic import generate, population
from synthetic.population import CHUNK_SIZE, chunk_sizes


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes_with_any_number_of_workers(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(population, "CHUNK_SIZE", 200)  # small chunks, so that workers interleave them
    persons = 700
    assert len(chunk_sizes(persons)) == 4
    a = generate(tmp_path / "a", persons, 11, ["0363"], weeks=2, workers=1)
    b = generate(tmp_path / "b", persons, 11, ["0363"], weeks=2, workers=2)
    assert a.files == b.files
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 300, 1, ["0363"], weeks=1, workers=1)
    b = generate(tmp_path / "b", 300, 2, ["0363"], weeks=1, workers=1)
    hashes_a = {f["path"]: f["sha256"] for f in a.files}
    hashes_b = {f["path"]: f["sha256"] for f in b.files}
    assert hashes_a.keys() == hashes_b.keys()
    differing = [path for path in hashes_a if hashes_a[path] != hashes_b[path]]
    assert any(path.endswith(".haalcentraal.json") for path in differing)
    assert any("truth/persons" in path for path in differing)


def test_regenerating_into_the_same_folder_replaces_the_old_run(tmp_path: Path) -> None:
    generate(tmp_path, 300, 1, ["0363"], weeks=3, workers=1)
    again = generate(tmp_path, 300, 1, ["0363"], weeks=1, start=date(2026, 9, 14), workers=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-09-14", "manifest.json"]
    assert len(again.files) == len(list(tmp_path.rglob("*.*"))) - 1


def test_refuses_a_folder_that_holds_something_else(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(tmp_path, 300, 1, ["0363"], weeks=1, workers=1)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("bad", [["1999"], ["12345"], ["abc"], []])
def test_rejects_bad_gemeenten(tmp_path: Path, bad: list[str]) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, 300, 1, bad, weeks=1)


def test_rejects_a_start_that_is_not_a_monday(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="geen maandag"):
        generate(tmp_path, 300, 1, ["0363"], weeks=1, start=date(2026, 9, 8))


def test_chunks_are_even_and_exact() -> None:
    sizes = chunk_sizes(5 * CHUNK_SIZE + 1)
    assert sum(sizes) == 5 * CHUNK_SIZE + 1 and max(sizes) - min(sizes) <= 1 and max(sizes) <= CHUNK_SIZE
