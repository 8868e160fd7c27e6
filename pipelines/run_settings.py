"""What a flow run works on: its settings, catalog and peildatum, from its (non-personal) parameters.

Flow parameters are stored in the Prefect database, so they carry only a data directory, a
gemeentecode and dates; everything else (the register URL with its password, endpoints,
certificates) comes from the environment and `inbeeld.toml` of the process that runs the flow.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from inbeeld.settings import Settings, keep_files_private, load_settings
from pipelines.catalog import Catalog
from pipelines.schedules import TIMEZONE
from rules.parameters import use_settings


def run_settings(data_dir: str | Path | None = None, gemeente: str | None = None) -> Settings:
    """Settings for one run; `gemeente` narrows the served municipalities to one (a deployment each).
    Every flow and task starts here, so this is where a run's files are made private and the
    gemeente's local policy is applied."""
    keep_files_private()
    settings = load_settings(data_dir=data_dir, gemeenten=gemeente)
    use_settings(settings)  # the gemeente's local policy ([beleid]) for the rules of this run
    return settings


def run_catalog(settings: Settings, inbox: str | Path | None = None) -> Catalog:
    return Catalog.load(settings, {"inbox": str(inbox)} if inbox else None)


def today(timezone: str = TIMEZONE) -> date:
    """Today in the municipality's time zone (a run at 00:30 CET is on the Dutch date)."""
    return datetime.now(ZoneInfo(timezone)).date()


def summary_line(flow: str, counts: dict[str, int]) -> str:
    """The one log line a flow ends with: counts only, never a person number or a name."""
    for key, value in counts.items():
        if not isinstance(value, int):
            raise TypeError(f"summary {key!r} must be a count, not {type(value).__name__}")
    return f"{flow} summary: " + ", ".join(f"{key}={value}" for key, value in counts.items())
