"""``malisim calibrate``: validate a calibration file, run or resume it, report each generation."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from sim.cli.console import count_problems, progress_columns
from sim.scenario import ScenarioError


def calibrate_command(
    calibration_file: Path,
    workers: int,
    scheduler: str | None,
    out_dir: Path | None,
    truth_text: str | None,
    console: Console,
    fail_input: Callable[[list[str]], None],
    fail: Callable[[str], None],
    note: Callable[[str], None],
):
    """``malisim calibrate``: input problems go to ``fail_input`` (exit 2, nothing written).

    A line per generation goes to ``note`` (epsilon, acceptance rate, runs so far); on a
    terminal a progress bar follows each batch's runs.
    """
    from sim.calibrate import CalibrationFolderError, load_calibration, parse_truth
    from sim.calibrate.engine import run_calibration
    from sim.calibrate.smc import NoValidProposal
    from sim.lock import FolderBusy
    from sim.sweep import SchedulerUnreachable

    problems = count_problems(workers=workers)
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        problems.append(f"--scheduler: expected tcp://HOST:PORT, got {scheduler!r}")
    truth = None
    if truth_text is not None:
        truth, truth_problems = parse_truth(truth_text)
        problems += truth_problems
    calibration = None
    try:
        calibration = load_calibration(calibration_file, truth if not problems else None)
    except ScenarioError as exc:
        problems += exc.problems
    if problems:
        fail_input(problems)
        return None
    default = calibration.name + ("_recovery" if truth is not None else "")
    folder = Path(out_dir) if out_dir is not None else Path("results") / default

    def generation(g) -> None:
        note(
            f"generation {g.generation}: epsilon {g.epsilon:.3g}, acceptance "
            f"{g.acceptance:.0%}, {g.runs_so_far} runs so far ({g.seconds:.0f} s)"
        )

    bar = None
    if console.is_terminal:
        from rich.progress import Progress

        bar = Progress(*progress_columns(), console=console, transient=True)

    def batch(t: int, runs: int):
        if bar is None:
            return None
        for task in list(bar.task_ids):
            bar.remove_task(task)
        label = "predictive check" if t < 0 else f"generation {t}"
        task = bar.add_task(label, total=runs, rate="")
        start = time.perf_counter()

        def tick(n: int) -> None:
            bar.advance(task, n)
            done = bar.tasks[-1].completed
            bar.update(task, rate=f"{done / max(time.perf_counter() - start, 1e-9):.1f} runs/s")

        return tick

    try:
        if bar is not None:
            with bar:
                run = run_calibration(
                    calibration, folder, workers, scheduler, truth, generation, batch
                )
        else:
            run = run_calibration(calibration, folder, workers, scheduler, truth, generation)
    except CalibrationFolderError as exc:
        fail_input([str(exc)])
        return None
    except (FolderBusy, SchedulerUnreachable, NoValidProposal) as exc:
        fail(str(exc))
        return None
    except KeyboardInterrupt:
        fail(f"interrupted: finished runs are saved in {folder}/; run the same command to resume")
        return None
    _print_summary(run, folder, console)
    return run


def _print_summary(run, folder: Path, console: Console) -> None:
    import pandas as pd
    from rich.table import Table

    summary = pd.read_csv(folder / "parameters.csv")
    table = Table(title="posterior: median [90% interval]")
    table.add_column("parameter")
    table.add_column("median", justify="right")
    table.add_column("90%", justify="right")
    table.add_column("shrinkage", justify="right")
    table.add_column("base", justify="right")
    if run.truth is not None:
        table.add_column("truth", justify="right")
        table.add_column("in 50% / 90%", justify="right")
        recovery = pd.read_csv(folder / "recovery.csv").set_index("parameter")
    for r in summary.itertuples():
        cells = [r.parameter, f"{r.median:.3g}", f"{r.q05:.3g} - {r.q95:.3g}"]
        cells.append(f"{r.shrinkage:.2f}" + ("" if r.identified else " (not identified)"))
        cells.append(f"{r.base:.3g}" + ("" if r.base_in_90 else " (outside)"))
        if run.truth is not None:
            rec = recovery.loc[r.parameter]
            cells += [
                f"{rec.truth:.3g}",
                f"{'yes' if rec.in_50 else 'no'} / {'yes' if rec.in_90 else 'no'}",
            ]
        table.add_row(*cells)
    console.print(table)
    simulations = sum(g.simulations for g in run.history)
    console.print(
        f"{len(run.history)} generations, {simulations} simulations. Results in {folder}/: "
        "posterior.parquet, history.csv, parameters.csv, predictive.csv, calibrated.toml, "
        "report.md, figures/",
        markup=False,
    )
