"""``malisim run``: an ensemble to a results folder, with a progress bar and a summary table."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from sim.analysis.intervals import median_interval, wilson_interval
from sim.analysis.outcomes import LENS_MEANINGS, LENS_NAMES
from sim.analysis.style import actor_label
from sim.cli.console import plural, progress_columns
from sim.ensemble import run_ensemble, run_seed
from sim.io import (
    atomic_write_parquet,
    atomic_write_text,
    events_at_detail,
    manifest,
    write_manifest,
)
from sim.lock import hold_folder
from sim.scenario import Scenario, to_toml
from sim.tables import Results

SUMMARY = (
    ("deaths_state", "state forces killed"),
    ("deaths_separatists", "separatists killed"),
    ("deaths_jihadists", "jihadists killed"),
    ("deaths_civilians", "civilians killed"),
    ("pop_share_state", "population under the state"),
    ("pop_share_jihadists_centre", "centre's population under jihadists"),
    ("regime_popularity_end", "regime popularity at the end"),
    *((lens, f"{LENS_NAMES[lens]} lens: {LENS_MEANINGS[lens]}") for lens in LENS_MEANINGS),
)

STALE = ("figures", "report.html")
"""What a results folder holds that is drawn from its tables: removed when the tables change."""


def folder_problem(folder: Path, scenario: Scenario) -> str | None:
    """Why ``malisim run`` must not write ``scenario``'s results into ``folder``, or None.

    A folder holding a sweep, another scenario's results or another model version's is
    refused (``--force`` overrides): one folder never mixes two scenarios or two models.
    """
    import tomllib

    from sim import __version__

    advice = "choose another --out, or --force to replace them"
    if (folder / "sweep.json").exists():
        return f"{folder}: --out: holds a sweep's results; choose another --out"
    try:
        old = tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))
        name = old.get("scenario", {}).get("name")
    except (OSError, tomllib.TOMLDecodeError):
        name = None
    if name is not None and name != scenario.name:
        return (
            f"{folder}: --out: holds the results of scenario {name!r}, not {scenario.name!r}; "
            + advice
        )
    try:
        record = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = record.get("model_version", "before 0.2.0")
    if version != __version__:
        return (
            f"{folder}: --out: holds results of model version {version}, and this is "
            f"{__version__} (CHANGELOG.md); {advice}"
        )
    return None


def write_results(
    results: Results, scenario: Scenario, folder: Path, events: str = "all", **manifest_fields
) -> int:
    """Write the three tables, the resolved scenario and the manifest (last) into ``folder``.

    Figures and a report drawn from the tables the folder held before are removed first, so
    they never sit beside new tables. ``events`` is the events table's detail (``--events``).

    Returns:
        The number of rows of the events table written.

    """
    folder.mkdir(parents=True, exist_ok=True)
    stale = folder / "manifest.json"
    if stale.exists():
        stale.unlink()  # the folder is being rewritten: unfinished until the new manifest lands
    for leftover in folder.glob(".*.tmp"):
        leftover.unlink()  # half-written files of a run that was killed mid-write
    for name in STALE:
        drawn = folder / name
        if drawn.is_dir():
            shutil.rmtree(drawn)
        elif drawn.exists():
            drawn.unlink()
    atomic_write_parquet(results.runs, folder / "runs.parquet")
    table = events_at_detail(results.events, events)
    atomic_write_parquet(table, folder / "events.parquet")
    atomic_write_parquet(results.timeseries, folder / "timeseries.parquet")
    atomic_write_text(folder / "scenario.toml", to_toml(scenario))
    write_manifest(folder, manifest(scenario=scenario.name, events=events, **manifest_fields))
    return len(table)


def summary_table(runs: pd.DataFrame, scenario: Scenario) -> Table:
    """Each main outcome's median, its 95% interval and the 5-95% range of runs; shares of runs.

    The median's interval (bootstrap) says whether more runs are needed: when it is wide, the
    median is not yet known. Each foreign force is said to have stayed, left on schedule (its
    ``depart`` date or event) or left by its patron's decision, as a share of runs.
    """
    table = Table(title=f"{plural(len(runs), 'run')}: median (its 95% interval), 5-95% of runs")
    table.add_column("outcome")
    table.add_column("median (95% interval)", justify="right")
    table.add_column("5% - 95% of runs", justify="right")
    foreign = list(scenario.foreign)
    rows = list(SUMMARY) + [(f"deaths_foreign_{f}", f"{actor_label(f)} killed") for f in foreign]
    for column, label in rows:
        values = pd.to_numeric(runs[column], errors="coerce").dropna()
        if values.empty:
            continue
        lo, mid, hi = np.percentile(values, [5, 50, 95])
        low, high = median_interval(values)
        fmt = "{:.0f}" if column.startswith("deaths") else "{:.2f}"
        interval = "" if np.isnan(low) else f" ({fmt.format(low)}-{fmt.format(high)})"
        table.add_row(label, fmt.format(mid) + interval, f"{fmt.format(lo)} - {fmt.format(hi)}")
    share_row(table, "state holds Kidal at the end", runs["holder_kidal"] == "state")
    for fid in foreign:
        stayed = runs[f"present_end_foreign_{fid}"].astype(bool)
        decided = runs[f"withdrew_foreign_{fid}"].astype(bool)
        name = actor_label(fid)
        share_row(table, f"{name} stayed", stayed & ~decided)
        when = scheduled_departure(scenario, fid)
        gone = ~stayed & ~decided
        if when is not None or gone.any():
            why = f"on schedule ({when})" if when else "not by decision"
            share_row(table, f"{name} left {why}", gone)
        share_row(table, f"{name} left by decision", decided)
    return table


def share_row(table: Table, label: str, happened: pd.Series) -> None:
    """A row of the summary: the share of runs in which something happened, its Wilson interval."""
    hits, n = int(happened.sum()), len(happened)
    low, high = wilson_interval(hits, n)
    table.add_row(label, f"{hits / n:.0%} of runs ({low:.0%}-{high:.0%})", "")


def scheduled_departure(scenario: Scenario, fid: str) -> str | None:
    """The date the scenario sends a force home (its ``depart``, or a depart event), or None."""
    force = scenario.foreign[fid]
    dates = [force.depart] if force.depart else []
    dates += [
        e.date for e in scenario.events if e.type == "depart" and e.actor == fid and not e.target
    ]
    return min(dates).isoformat() if dates else None


def run_command(
    scenario: Scenario,
    source: Path,
    runs: int,
    seed: int,
    workers: int,
    out_dir: Path | None,
    console: Console,
    argv: list[str],
    wait: bool = False,
    note: Callable[[str], None] | None = None,
    events: str = "all",
) -> Path:
    """Run the ensemble, write the folder, print the summary; return the folder.

    The folder's lock (:func:`sim.lock.hold_folder`) is held from before the first run to the
    manifest, so two runs into one folder never interleave their tables.

    Raises:
        sim.lock.FolderBusy: another process writes into the folder and ``wait`` is false.

    """
    folder = Path(out_dir) if out_dir is not None else Path("results") / scenario.name

    def waiting(holder: str) -> None:
        if note is not None:
            note(f"waiting: {folder}/ is in use by {holder}; this run starts when it is free")

    with hold_folder(folder, wait=wait, on_wait=waiting):
        results, elapsed = ensemble_with_progress(scenario, runs, seed, workers, console)
        written = write_results(
            results,
            scenario,
            folder,
            events=events,
            source=str(source),
            runs=runs,
            seed=seed,
            workers=workers,
            run_seeds=[run_seed(seed, i) for i in range(runs)],
            seconds=round(elapsed, 2),
        )
    console.print(summary_table(results.runs, scenario))
    detail = "" if events == "all" else f", {events}"
    console.print(
        f"{plural(runs, 'run')} in {elapsed:.1f} s. Results in {folder}/: "
        f"runs.parquet ({plural(len(results.runs), 'row')}), "
        f"events.parquet ({plural(written, 'row')}{detail}), "
        f"timeseries.parquet ({plural(len(results.timeseries), 'row')}), scenario.toml, "
        "manifest.json"
    )
    return folder


def ensemble_with_progress(
    scenario: Scenario, runs: int, seed: int, workers: int, console: Console
) -> tuple[Results, float]:
    """The ensemble, with a progress bar on a terminal; and how long it took, in seconds."""
    start = time.perf_counter()
    if console.is_terminal:
        columns = progress_columns()
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(scenario.name, total=runs, rate="")

            def tick(n: int) -> None:
                bar.advance(task, n)
                done = bar.tasks[0].completed
                bar.update(task, rate=f"{done / (time.perf_counter() - start):.1f} runs/s")

            results = run_ensemble(scenario, runs=runs, seed=seed, workers=workers, progress=tick)
    else:
        results = run_ensemble(scenario, runs=runs, seed=seed, workers=workers)
    return results, time.perf_counter() - start
