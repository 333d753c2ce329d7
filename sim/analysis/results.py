"""Reading a results folder (``malisim run`` or ``malisim sweep``) back into ``Results``.

A run folder holds three parquet files; a sweep folder holds each table as a folder of part
files, read by the sweep layer's own reader. Either way the tables come back as one
``sim.tables.Results`` with what is known of the folder: where it is, whether it is a sweep,
the parameters that vary between its runs, and its manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.tables import TABLES, Results


class ResultsError(Exception):
    """A folder that does not hold result tables; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def load_results(folder: str | Path) -> Results:
    """Read a run folder (``malisim run``) or a sweep folder (``malisim sweep``).

    A sweep folder is read with ``sim.sweep.read_sweep`` (imported here, so plotting a run folder
    does not need the sweep engine); a run folder from its three parquet files.

    Raises:
        ResultsError: the folder is missing or holds no result tables.

    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError([f"{folder}: no such results folder"])
    tables = None
    # A sweep writes each table as a folder of part files (runs.parquet/part-*.parquet).
    if (folder / "runs.parquet").is_dir() or not (folder / "runs.parquet").exists():
        tables = _read_sweep_tables(folder)
    is_sweep = tables is not None
    if tables is None:
        missing = [
            f"{folder / f'{name}.parquet'}: missing (expected a results folder from malisim run "
            "or sweep)"
            for name in TABLES
            if not (folder / f"{name}.parquet").exists()
        ]
        if missing:
            raise ResultsError(missing)
        tables = tuple(pd.read_parquet(folder / f"{name}.parquet") for name in TABLES)
    runs, events, timeseries = tables
    if runs.empty:
        raise ResultsError([f"{folder / 'runs.parquet'}: the runs table is empty"])
    swept = swept_parameters(runs)
    return Results(
        runs,
        events,
        timeseries,
        folder=folder,
        is_sweep=is_sweep or "point" in runs.columns or bool(swept),
        swept=swept,
        manifest=_read_manifest(folder),
    )


def load_runs(folder: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """Only the runs table of a run or sweep folder, and the parameters it sweeps.

    For what needs no events (re-scoring the lenses): a large sweep's events stay on disk.

    Raises:
        ResultsError: the folder is missing or holds no runs table.

    """
    import pyarrow.dataset as pads

    folder = Path(folder)
    path = folder / "runs.parquet"
    if not folder.is_dir():
        raise ResultsError([f"{folder}: no such results folder"])
    if not path.exists():
        raise ResultsError(
            [f"{path}: missing (expected a results folder from malisim run or sweep)"]
        )
    parts = sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]
    if not parts:
        raise ResultsError([f"{path}: no part files (a sweep that has not started?)"])
    try:
        runs = pads.dataset([str(p) for p in parts], format="parquet").to_table().to_pandas()
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise ResultsError([f"{path}: not a readable Parquet table ({exc})"]) from None
    if "run_id" in runs.columns:
        runs = runs.sort_values("run_id", kind="stable").reset_index(drop=True)
    if runs.empty:
        raise ResultsError([f"{path}: the runs table is empty"])
    return runs, swept_parameters(runs)


def _read_sweep_tables(folder: Path) -> tuple[pd.DataFrame, ...] | None:
    """The three tables of a sweep folder, or None when the folder is not a sweep's."""
    try:
        from sim.sweep import read_sweep
    except ImportError:
        return None
    try:
        tables = read_sweep(folder)
    except (FileNotFoundError, ValueError, KeyError):
        return None
    # The sweep layer's reader returns a Results or, before its move, a tuple of the tables.
    if hasattr(tables, "runs"):
        return tables.runs, tables.events, tables.timeseries
    return tuple(tables)


def _read_manifest(folder: Path) -> dict:
    """The folder's ``manifest.json``, or an empty dict (an unfinished or hand-made folder)."""
    try:
        return json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return {}


def parameter_columns(runs: pd.DataFrame) -> list[str]:
    """Scenario parameter columns: dotted names (``foreign.wagner.commitment``)."""
    return [c for c in runs.columns if "." in c]


def swept_parameters(runs: pd.DataFrame) -> list[str]:
    """Numeric parameters that take more than one value across the runs (a sweep's axes)."""
    out = []
    for col in parameter_columns(runs):
        values = runs[col]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            if values.nunique(dropna=True) > 1:
                out.append(col)
    return out


def foreign_ids(runs: pd.DataFrame) -> list[str]:
    """Foreign force ids, from the ``deaths_foreign_<id>`` columns."""
    return [
        c.removeprefix("deaths_foreign_") for c in runs.columns if c.startswith("deaths_foreign_")
    ]
