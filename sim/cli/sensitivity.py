"""``malisim sensitivity``: Sobol' or Morris indices over a sweep's ranges, printed and written.

The engine is ``sim.analysis.sensitivity``; this module checks the inputs, says how many runs
the analysis needs (and asks before a large one on a terminal), shows a progress bar, prints
the indices as a table and writes them into the analysis's results folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from rich.progress import Progress
from rich.table import Table

from sim.analysis.outcomes import BINARY_OUTCOMES
from sim.analysis.sensitivity import (
    SENSITIVITY_OUTCOMES,
    design_size,
    problem_from_sweep,
    sensitivity,
    sensitivity_sweep,
    sobol_warning,
    write_result,
)
from sim.cli.console import progress_columns

CONFIRM_ABOVE = 300
"""Runs to do above which a terminal user is asked before the analysis starts."""


def needs_confirmation(runs_to_do: int, terminal: bool, yes: bool) -> bool:
    """Ask first only on a terminal, for a large analysis, unless ``--yes`` was given."""
    return terminal and not yes and runs_to_do > CONFIRM_ABOVE


def run_sensitivity_command(
    sweep_file: Path,
    method: str,
    outcomes: list[str] | None,
    samples: int | None,
    workers: int,
    out_dir: Path | None,
    console,
    fail_input: Callable[[list[str]], None],
    fail: Callable[[str], None],
    yes: bool = False,
) -> Path | None:
    """``malisim sensitivity``: check inputs, say the size, run with a progress bar, report."""
    import matplotlib

    matplotlib.use("Agg")  # the bar chart goes to a file: never open a window

    from sim.lock import FolderBusy
    from sim.scenario import ScenarioError
    from sim.sweep import SweepFolderError, load_sweep
    from sim.sweep.store import saved_runs

    if not Path(sweep_file).is_file():
        fail_input([f"{sweep_file}: no such sweep file"])
    n = samples
    try:
        sweep = load_sweep(sweep_file)
        problem = problem_from_sweep(sweep)
        n = samples or sweep.settings.samples or 8
        design_sweep = sensitivity_sweep(sweep, method, n)
    except ScenarioError as exc:
        fail_input(exc.problems)
    except ValueError as exc:
        fail_input([str(exc)])
    outcomes = list(outcomes or SENSITIVITY_OUTCOMES)
    # Outcome names are checked against a real runs row before hours of runs, not after.
    from sim.ensemble import run_one

    bad = [o for o in outcomes if o not in BINARY_OUTCOMES]
    if bad:
        columns = set(run_one(sweep.base, 0, 0).runs.columns)
        unknown = [o for o in bad if o not in columns]
        if unknown:
            fail_input(
                [
                    f"--outcome: unknown outcome {o!r} (a runs.parquet column or one of "
                    f"{', '.join(BINARY_OUTCOMES)})"
                    for o in unknown
                ]
            )
    points = design_size(len(problem.names), method, n)
    folder = Path(out_dir) if out_dir is not None else Path("results") / design_sweep.name
    total = design_sweep.total_runs
    already = saved_runs(folder) if (folder / "runs.parquet").is_dir() else 0
    console.print(
        f"{method}: {len(problem.names)} parameters, {points} design points x "
        f"{sweep.replicates} replicates = {total} runs"
        + (f" ({already} already done in {folder}/)" if already else ""),
        markup=False,
        soft_wrap=True,  # a path is never broken across lines
    )
    if needs_confirmation(total - already, console.is_terminal, yes):
        from rich.prompt import Confirm

        if not Confirm.ask(f"Run {total - already} runs?", console=console, default=False):
            console.print("nothing run (--yes runs without asking)")
            return None
    start = time.perf_counter()
    try:
        if console.is_terminal:
            with Progress(*progress_columns(), console=console, transient=True) as bar:
                task = bar.add_task(f"{sweep.name} ({method})", total=total, rate="")
                result = sensitivity(
                    sweep,
                    method,
                    outcomes,
                    n,
                    folder,
                    workers,
                    progress=lambda k: bar.advance(task, k),
                    on_start=lambda done, _: bar.update(task, completed=done),
                )
        else:
            result = sensitivity(sweep, method, outcomes, n, folder, workers)
        paths = write_result(result, folder)
    except SweepFolderError as exc:
        fail_input([str(exc)])
    except FolderBusy as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail(
            f"interrupted: {saved_runs(folder)} of {total} runs are saved in {folder}/; "
            "run the same command again to resume"
        )
    except OSError as exc:
        fail(f"cannot write results: {exc.strerror or exc} ({exc.filename or folder})")
    print_indices(result, console)
    warning = sobol_warning(result)
    if warning:
        console.print(f"warning: {warning}", markup=False)
    console.print(
        f"done in {time.perf_counter() - start:.1f} s. Results in {folder}/ (the runs as a "
        "sweep's: runs.parquet/, design.csv, ...). Written: " + ", ".join(str(p) for p in paths),
        markup=False,
    )
    return folder


def print_indices(result, console) -> None:
    """Print the indices as a table, and the outcomes that did not vary."""
    method = result.method
    table = Table(title=f"{method} indices (95% intervals), {len(result.design)} points")
    table.add_column("outcome")
    table.add_column("parameter")
    cols = ("S1", "ST") if method == "sobol" else ("mu_star", "sigma")
    for c in cols:
        table.add_column(c, justify="right")
    for _, row in result.indices.iterrows():
        cells = []
        for c in cols:
            conf = row.get(f"{c}_conf")
            cells.append(f"{row[c]:.3g}" + (f" ± {conf:.2g}" if conf is not None else ""))
        table.add_row(row["outcome"], row["parameter"], *cells)
    console.print(table)
    analysed = set(result.indices.get("outcome", []))
    skipped = [o for o in result.outcomes.columns if o not in analysed]
    if skipped:
        console.print(f"no indices for {', '.join(skipped)}: the outcome did not vary")
