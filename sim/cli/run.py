"""``malisim run``: an ensemble to a results folder, with a progress bar and a summary table."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from sim.analysis.summary import summary_rows
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

if TYPE_CHECKING:
    from sim.calibrate.posterior import PosteriorDraws

STALE = ("figures", "report*.html", "lenses_*")
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
    for pattern in STALE:
        for drawn in folder.glob(pattern):
            if drawn.is_dir():
                shutil.rmtree(drawn)
            else:
                drawn.unlink()
    atomic_write_parquet(results.runs, folder / "runs.parquet")
    table = events_at_detail(results.events, events)
    atomic_write_parquet(table, folder / "events.parquet")
    atomic_write_parquet(results.timeseries, folder / "timeseries.parquet")
    atomic_write_text(folder / "scenario.toml", to_toml(scenario))
    write_manifest(folder, manifest(scenario=scenario.name, events=events, **manifest_fields))
    return len(table)


def summary_table(runs: pd.DataFrame, scenario: Scenario, drawn_from: str = "") -> Table:
    """The summary (``sim.analysis.summary``) as a terminal table.

    ``drawn_from`` names the calibration folder each run's parameters were drawn from, if any.
    """
    title = f"{plural(len(runs), 'run')}: median (its 95% interval), 5-95% of runs"
    if drawn_from:
        title = f"{title}; parameters drawn from the posterior"
    table = Table(title=title)
    table.add_column("outcome")
    table.add_column("median (95% interval)", justify="right")
    table.add_column("5% - 95% of runs", justify="right")
    for row in summary_rows(runs, scenario):
        table.add_row(*row)
    return table


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
    posterior: PosteriorDraws | None = None,
) -> Path:
    """Run the ensemble, write the folder, print the summary; return the folder.

    With ``posterior``, each run's parameters are drawn from a calibration's posterior
    (``sim.calibrate.posterior``); the manifest and the summary say so.

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
        drawn: dict = {}
        if posterior is None:
            results, elapsed = ensemble_with_progress(scenario, runs, seed, workers, console)
        else:
            results, elapsed, picks = _run_posterior(
                scenario, source, posterior, runs, seed, workers
            )
            drawn = {
                "posterior": str(posterior.folder),
                "posterior_parameters": posterior.names,
                "posterior_particles": picks,
                "posterior_draw": "SeedSequence([seed, 0xABC4, run_id]): a particle by weight",
            }
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
            **drawn,
        )
    label = str(posterior.folder) if posterior is not None else ""
    console.print(summary_table(results.runs, scenario, label))
    if label:
        console.print(
            f"Each run's parameters were drawn from the posterior of {label}.", soft_wrap=True
        )
    detail = "" if events == "all" else f", {events}"
    console.print(
        f"{plural(runs, 'run')} in {elapsed:.1f} s. Results in {folder}/: "
        f"runs.parquet ({plural(len(results.runs), 'row')}), "
        f"events.parquet ({plural(written, 'row')}{detail}), "
        f"timeseries.parquet ({plural(len(results.timeseries), 'row')}), scenario.toml, "
        "manifest.json"
    )
    return folder


def posterior_problems(
    folder: Path, source: Path, overrides: list[str]
) -> tuple[PosteriorDraws | None, list[str]]:
    """Read ``--posterior``'s calibration and check it fits the scenario; the problems found."""
    from sim.calibrate.posterior import read_posterior
    from sim.scenario import ScenarioError, parse_override, read_scenario_data, scenario_from_dict

    try:
        draws = read_posterior(folder)
    except ScenarioError as exc:
        return None, exc.problems
    names = {parse_override(o)[0] for o in overrides if "=" in o}
    clash = sorted(names.intersection(draws.names))
    if clash:
        return None, [f"--posterior: the posterior draws {clash}; --set cannot fix them too"]
    try:
        scenario_from_dict(read_scenario_data(source), str(source), draws.values(0))
    except ScenarioError as exc:
        return None, [f"--posterior: {line}" for line in exc.problems]
    return draws, []


def _run_posterior(
    scenario: Scenario, source: Path, posterior: PosteriorDraws, runs: int, seed: int, workers: int
) -> tuple[Results, float, list[int]]:
    """The ensemble with each run's parameters drawn from the posterior; seconds; particles."""
    from sim.calibrate.posterior import run_posterior_ensemble

    raw = scenario.model_dump(mode="python")  # --set values already applied
    start = time.perf_counter()
    results, picks = run_posterior_ensemble(raw, str(source), posterior, runs, seed, workers)
    return results, time.perf_counter() - start, picks


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
