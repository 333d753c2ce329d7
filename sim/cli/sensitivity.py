"""``malisim sensitivity``: Sobol' or Morris indices over a sweep's ranges, printed and written.

The engine is ``sim.analysis.sensitivity``; this module checks the inputs, shows a progress
bar, prints the indices as a table and writes them into the output folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from sim.analysis.sensitivity import (
    SENSITIVITY_OUTCOMES,
    design_size,
    problem_from_sweep,
    sensitivity,
    write_result,
)


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
) -> Path:
    """``malisim sensitivity``: check inputs, run with a progress bar, print and write indices."""
    import matplotlib

    matplotlib.use("Agg")  # the bar chart goes to a file: never open a window

    from sim.scenario import ScenarioError
    from sim.sweep import load_sweep

    if not Path(sweep_file).is_file():
        fail_input([f"{sweep_file}: no such sweep file"])
    try:
        sweep = load_sweep(sweep_file)
        problem = problem_from_sweep(sweep)
    except ScenarioError as exc:
        fail_input(exc.problems)
    except ValueError as exc:
        fail_input([str(exc)])
    outcomes = list(outcomes or SENSITIVITY_OUTCOMES)
    # Outcome names are checked against the catalogue before hours of runs, not after.
    from sim.analysis.outcomes import outcome_problem

    foreign = list(sweep.base.foreign)
    unknown = [p for p in (outcome_problem(o, foreign) for o in outcomes) if p]
    if unknown:
        fail_input([f"--outcome: {problem}" for problem in unknown])
    n = samples or sweep.settings.samples or 8
    points = design_size(len(problem.names), method, n)
    folder = Path(out_dir) if out_dir is not None else Path("results") / sweep.name / "sensitivity"
    console.print(
        f"{method}: {len(problem.names)} parameters, {points} design points x "
        f"{sweep.replicates} replicates = {points * sweep.replicates} runs"
    )
    start = time.perf_counter()
    if console.is_terminal:
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(f"{sweep.name} ({method})", total=points)
            result = sensitivity(
                sweep_file, method, outcomes, n, workers, progress=lambda k: bar.advance(task, k)
            )
    else:
        result = sensitivity(sweep_file, method, outcomes, n, workers)
    try:
        paths = write_result(result, folder)
    except OSError as exc:
        fail(f"cannot write results: {exc.strerror or exc} ({exc.filename or folder})")
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
    skipped = [o for o in outcomes if o not in set(result.indices.get("outcome", []))]
    if skipped:
        console.print(f"no indices for {', '.join(skipped)}: the outcome did not vary")
    console.print(
        f"done in {time.perf_counter() - start:.1f} s. Written: " + ", ".join(str(p) for p in paths)
    )
    return folder
