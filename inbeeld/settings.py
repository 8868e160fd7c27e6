"""Where InBeeld keeps its data and which municipalities it serves.

Settings come, in order of precedence, from command-line options, environment variables
(`INBEELD_DATA_DIR`, `INBEELD_DB_URL`, `INBEELD_GEMEENTEN`, `INBEELD_GEBRUIKER`) and an optional
`inbeeld.toml` in the working directory (or the file named by `INBEELD_CONFIG`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA_DIR = Path("inbeeld-data")
STAGING_FILE = "staging.duckdb"
REGISTER_FILE = "registers.sqlite"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    db_url: str | None = None
    gemeenten: tuple[str, ...] = field(default_factory=tuple)
    gebruiker: str | None = None  # the named user acting (`--by` / INBEELD_GEBRUIKER; never from a file)
    extra: dict = field(default_factory=dict)

    @property
    def staging_path(self) -> Path:
        return self.data_dir / STAGING_FILE

    @property
    def register_url(self) -> str:
        """The register database: `INBEELD_DB_URL`, else the SQLite file in the data directory."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.data_dir / REGISTER_FILE).resolve()}"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir


def _parse_gemeenten(value: str | list | None) -> tuple[str, ...]:
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(str(item).strip().zfill(4) for item in items if str(item).strip())


def load_settings(
    data_dir: str | Path | None = None,
    db_url: str | None = None,
    gemeenten: str | None = None,
    gebruiker: str | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Merge options, environment and `inbeeld.toml` (options win, then environment)."""
    env = os.environ if environ is None else environ
    config_path = Path(env.get("INBEELD_CONFIG", "inbeeld.toml"))
    config: dict = {}
    if config_path.is_file():
        with config_path.open("rb") as handle:
            config = tomllib.load(handle)
    base = config.get("inbeeld", config)
    return Settings(
        data_dir=Path(data_dir or env.get("INBEELD_DATA_DIR") or base.get("data_dir") or DEFAULT_DATA_DIR),
        db_url=db_url or env.get("INBEELD_DB_URL") or base.get("db_url"),
        gemeenten=_parse_gemeenten(gemeenten or env.get("INBEELD_GEMEENTEN") or base.get("gemeenten")),
        gebruiker=(gebruiker or env.get("INBEELD_GEBRUIKER") or "").strip().lower() or None,
        extra={k: v for k, v in base.items() if k not in {"data_dir", "db_url", "gemeenten"}},
    )
