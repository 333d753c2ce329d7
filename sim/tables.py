"""The three tables every run writes, as one container for one run, an ensemble or a folder.

``runs`` (one row a run), ``events`` (one row an engagement or act of violence, ACLED's shape)
and ``timeseries`` (one row a run and week); ``docs/OUTPUTS.md`` lists their columns. The model
returns one ``Results`` per run, ``sim.ensemble`` stacks them, and the results layer reads them
back from a folder with what it knows of that folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

TABLES = ("runs", "events", "timeseries")


@dataclass
class Results:
    """A run's or an ensemble's three tables, ordered by run id.

    Attributes:
        runs, events, timeseries: the tables.
        folder: the results folder they were read from, if any.
        is_sweep: whether that folder holds a sweep (part files and a design).
        swept: the parameters a sweep varied, by dotted name.
        manifest: the folder's ``manifest.json``, if it was read from one.

    """

    runs: pd.DataFrame
    events: pd.DataFrame
    timeseries: pd.DataFrame
    folder: Path | None = None
    is_sweep: bool = False
    swept: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


def concat(parts: Iterable[Results]) -> Results:
    """Stack runs' tables, ordered by run id, with a fresh index."""
    parts = sorted(parts, key=lambda t: int(t.runs["run_id"].iloc[0]))
    if not parts:
        empty = pd.DataFrame()
        return Results(empty, empty, empty)

    def stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
        frames = [f for f in frames if len(f)] or frames[:1]
        return pd.concat(frames, ignore_index=True)

    return Results(
        runs=stack([t.runs for t in parts]),
        events=stack([t.events for t in parts]),
        timeseries=stack([t.timeseries for t in parts]),
    )
