"""Writing result files safely: a file appears complete or not at all.

Every table is written under a temporary name in the same folder, flushed to disk, then renamed
over its final name (``os.replace`` is atomic on POSIX). An interrupted write leaves a
``.tmp`` file, never a half-written table that looks complete. ``manifest.json`` is written
last: a results folder without one is unfinished.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a hidden temporary name beside ``path``, fsync it, rename it."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: Path, text: str) -> None:
    """Write text (UTF-8) atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_parquet(table: pd.DataFrame | pa.Table, path: Path) -> None:
    """Write a DataFrame or an Arrow table as Parquet atomically."""
    if isinstance(table, pd.DataFrame):
        atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False))
    else:
        atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def git_revision() -> str | None:
    """The source tree's git revision, if it is a checkout."""
    try:
        root = Path(__file__).resolve().parent.parent
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return result.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def versions() -> dict[str, str]:
    """Versions of Python and the libraries a result depends on."""
    import mesa
    import numpy
    import pyarrow
    import pydantic

    import sim

    return {
        "malisim": sim.__version__,
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "pandas": pd.__version__,
        "pyarrow": pyarrow.__version__,
        "pydantic": pydantic.__version__,
    }


def manifest(**fields: Any) -> dict[str, Any]:
    """A manifest: what was run, how, when, with what versions and revision."""
    import sim

    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_version": sim.__version__,
        "command": sys.argv,
        "git_revision": git_revision(),
        "versions": versions(),
        **fields,
    }


def write_manifest(folder: Path, data: dict[str, Any]) -> None:
    """Write ``manifest.json`` (last, atomically)."""
    atomic_write_text(
        Path(folder) / "manifest.json", json.dumps(data, indent=2, default=str) + "\n"
    )


EVENT_DETAILS = ("all", "monthly", "none")
"""How much of the events table a run or sweep writes (``--events``): every event, one row per
run, month, cell, event type and actors, or none (an empty table with the same columns)."""

EVENT_KEYS = (
    "run_id",
    "lat",
    "lon",
    "region",
    "town",
    "event_type",
    "actor1",
    "actor2",
    "civilians_killed_by",
)
"""What a monthly row is per (besides the month): the run, the cell, the type and the actors."""


def events_at_detail(events: pd.DataFrame, detail: str) -> pd.DataFrame:
    """The events table as ``--events`` asks: all of it, aggregated per month, or no rows.

    A monthly row sums the deaths of its events, counts them (``events``) and is dated by its
    last event, so a row counts at a date only once all its events have happened: outcomes at
    a date read from it are exact at month ends and never count an event before its day.
    """
    if detail == "all":
        return events
    if detail == "none" or events.empty:
        empty = events.iloc[0:0].copy()
        if detail == "monthly":
            empty["events"] = pd.Series(dtype="int64")
        return empty
    if detail != "monthly":
        raise ValueError(f"events: expected one of {', '.join(EVENT_DETAILS)}, got {detail!r}")
    keys = [k for k in EVENT_KEYS if k in events.columns]
    deaths = [c for c in events.columns if c.startswith("deaths_")]
    month = events["date"].dt.to_period("M").rename("month")
    grouped = events.groupby([*keys, month], dropna=False, sort=False)
    out = grouped[deaths].sum()
    out["date"] = grouped["date"].max()
    out["events"] = grouped.size()
    out = out.reset_index().drop(columns="month")
    out = out[[c for c in events.columns if c in out.columns] + ["events"]]
    return out.sort_values(["run_id", "date"], kind="stable").reset_index(drop=True)
