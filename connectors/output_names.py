"""Safe names for the files InBeeld writes: a name made from input never leaves its output folder.

Why: letters, work lists, reports and exports are named after things that come from outside
(meldingsnummers, school names, the names of people on a work list). A name such as
`../../etc/cron.d/x`, `C:\\x`, `con` or one with control characters must neither escape the folder
nor break the file system. Connectors are where InBeeld meets the outside world in both directions
(docs/spec.md §3), so the one module for this lives here and every writer above uses it:

    folder = settings.data_dir / "reports"
    path = inside(folder, f"werklijst-{maand}-{safe_name(naam)}.xlsx")
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_LENGTH = 80
_NOT_SAFE = re.compile(r"[^a-z0-9]+")
# Names Windows reserves whatever the extension (the folder may be a share opened from Windows).
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


class UnsafeOutputName(ValueError):
    """A file name that would leave its output folder or is not a plain name."""


def safe_name(text: object, *, fallback: str = "onbekend", max_length: int = MAX_LENGTH) -> str:
    """`text` as a plain, lower-case file-name part: letters and digits joined by `-` (accents
    dropped, `A. de Boer` → `a-de-boer`); `fallback` when nothing is left."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_SAFE.sub("-", plain).strip("-")[:max_length].strip("-")
    if not slug:
        slug = fallback
    return f"_{slug}" if slug in _RESERVED else slug


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, refused when `name` is not one plain file name inside `folder` (a separator,
    `..`, an absolute path, a control character, or a symbolic link pointing out)."""
    if (not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name
            or any(unicodedata.category(ch) == "Cc" for ch in name) or Path(name).is_absolute()):
        raise UnsafeOutputName(f"not a plain file name: {name!r}")
    path = Path(folder) / name
    base = Path(folder).resolve()
    if not path.resolve().is_relative_to(base):
        raise UnsafeOutputName(f"{name!r} would be written outside {base}")
    return path


def unused(folder: Path, stem: str, suffix: str) -> Path:
    """`folder/stem.suffix`, or `stem-2.suffix`, `stem-3.suffix`, ... when taken: never overwrite."""
    number = 1
    while True:
        name = f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}"
        path = inside(folder, name)
        if not path.exists():
            return path
        number += 1
