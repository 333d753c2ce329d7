"""``malisim run``: an ensemble to a results folder, with a progress bar and a summary table."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from sim.cli.console import progress_columns
from sim.ensemble import run_ensemble, run_seed
from sim.io import atomic_write_parquet, atomic_write_text, manifest, write_manifest
from sim.lock import hold_folder
from sim.scenario import Scenario, to_toml
from sim.tables import Results

if TYPE_CHECKING:
    from sim.calibrate.posterior import PosteriorDraws

SUMMARY = (
    ("deaths_state", "state forces killed"),
    ("deaths_separatists", "separatists killed"),
    ("deaths_jihadists", "jihadists killed"),
    ("deaths_civilians", "civilians killed"),
    ("pop_share_state", "population under the state (share)"),
    ("pop_share_jihadists_centre", "centre's population under jihadists"),
    ("regime_popularity_end", "regime popularity at the end"),
    ("lens_western", "Western lens"),
    ("lens_bamako", "Bamako lens"),
    ("lens_patron", "patron lens"),
)


def write_results(results: Results, scenario: Scenario, folder: Path, **manifest_fields) -> None:
    """Write the three tables, the resolved scenario and the manifest (last) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    stale = folder / "manifest.json"
    if stale.exists():
        stale.unlink()  # the folder is being rewritten: unfinished until the new manifest lands
    for leftover in folder.glob(".*.tmp"):
        leftover.unlink()  # half-written files of a run that was killed mid-write
    atomic_write_parquet(results.runs, folder / "runs.parquet")
    atomic_write_parquet(results.events, folder / "events.parquet")
    atomic_write_parquet(results.timeseries, folder / "timeseries.parquet")
    atomic_write_text(folder / "scenario.toml", to_toml(scenario))
    write_manifest(folder, manifest(scenario=scenario.name, **manifest_fields))


def summary_table(runs: pd.DataFrame, foreign: list[str], drawn_from: str = "") -> Table:
    """Median and 5-95% interval of the main outcomes, and the shares of runs for events.

    ``drawn_from`` names the calibration folder each run's parameters were drawn from, if any.
    """
    title = f"{len(runs)} runs: median [5%, 95%]"
    if drawn_from:
        title = (
            f"{len(runs)} runs, parameters drawn from the posterior of {drawn_from}: "
            "median [5%, 95%]"
        )
    table = Table(title=title)
    table.add_column("outcome")
    table.add_column("median", justify="right")
    table.add_column("5% - 95%", justify="right")
    rows = list(SUMMARY) + [(f"deaths_foreign_{f}", f"{f} killed") for f in foreign]
    for column, label in rows:
        values = pd.to_numeric(runs[column], errors="coerce").dropna()
        if values.empty:
            continue
        lo, mid, hi = np.percentile(values, [5, 50, 95])
        fmt = "{:.0f}" if column.startswith("deaths") else "{:.2f}"
        table.add_row(label, fmt.format(mid), f"{fmt.format(lo)} - {fmt.format(hi)}")
    table.add_row(
        "state holds Kidal at the end",
        f"{(runs['holder_kidal'] == 'state').mean():.0%} of runs",
        "",
    )
    for fid in foreign:
        table.add_row(
            f"{fid} withdrew", f"{runs[f'withdrew_foreign_{fid}'].mean():.0%} of runs", ""
        )
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
            results, elapsed = _run(scenario, runs, seed, workers, console)
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
        write_results(
            results,
            scenario,
            folder,
            source=str(source),
            runs=runs,
            seed=seed,
            workers=workers,
            run_seeds=[run_seed(seed, i) for i in range(runs)],
            seconds=round(elapsed, 2),
            **drawn,
        )
    label = str(posterior.folder) if posterior is not None else ""
    console.print(summary_table(results.runs, list(scenario.foreign), label))
    console.print(
        f"{runs} runs in {elapsed:.1f} s. Results in {folder}/: "
        f"runs.parquet ({len(results.runs)} rows), events.parquet ({len(results.events)} rows), "
        f"timeseries.parquet ({len(results.timeseries)} rows), scenario.toml, manifest.json"
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


def _run(
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
