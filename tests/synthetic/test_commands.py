from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main


def test_demo_generate_writes_and_summarises(tmp_path: Path) -> None:
    out = tmp_path / "m"
    result = CliRunner().invoke(main, ["demo", "generate", "--out", str(out), "--persons", "300",
                                       "--seed", "5", "--gemeente", "363", "--gemeente", "0599",
                                       "--weeks", "2", "--start", "2026-09-14", "--workers", "1"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["gemeenten"] == ["0363", "0599"]
    assert manifest["peildatums"] == ["2026-09-14", "2026-09-21"]
    assert "ABSOLUUT_VERZUIM" in result.output and "2026-09-21" in result.output


@pytest.mark.parametrize("args,message", [
    (["--start", "2026-09-08"], "geen maandag"),
    (["--gemeente", "1999"], "RNI"),
    (["--persons", "0"], "persons"),
])
def test_demo_generate_refuses_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    base = {"--out": str(tmp_path / "x"), "--persons": "300", "--seed": "1"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = ["demo", "generate"] + [item for pair in base.items() for item in pair]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2
    assert message in result.output
