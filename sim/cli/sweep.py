"""``malisim sweep``: validate a sweep file, run or resume it with a progress bar, report."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from sim.cli.console import count_problems, events_problems, plural, progress_columns
from sim.lock import FolderBusy
from sim.scenario import ScenarioError
from sim.sweep import (
    SchedulerUnreachable,
    SweepFolderError,
    SweepReport,
    load_sweep,
    run_sweep,
)
from sim.sweep.store import saved_runs


def sweep_command(
    sweep_file: Path,
    workers: int,
    scheduler: str | None,
    out_dir: Path | None,
    console: Console,
    fail_input: Callable[[list[str]], None],
    fail: Callable[[str], None],
    wait: bool = False,
    note: Callable[[str], None] | None = None,
    replicates: int | None = None,
    events: str = "all",
) -> SweepReport | None:
    """``malisim sweep``: validate, run or resume with a progress bar, report where results are.

    Input problems (the file, ``--workers``, ``--scheduler``, a folder holding another sweep)
    go to ``fail_input`` (exit 2, nothing written); anything else, a folder another process is
    writing into among them, to ``fail`` (exit 1). With ``wait``, a busy folder is waited for,
    and ``note`` is told who holds it. ``replicates`` replaces the file's (more than a finished
    sweep's extends it).
    """
    from rich.progress import Progress

    problems: list[str] = count_problems(workers=workers) + events_problems(events)
    if replicates is not None and replicates < 1:
        problems.append(f"--replicates: expected a whole number >= 1, got {replicates}")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        problems.append(f"--scheduler: expected tcp://HOST:PORT, got {scheduler!r}")
    try:
        sweep = load_sweep(
            sweep_file, replicates if replicates is None or replicates >= 1 else None
        )
    except ScenarioError as exc:
        problems += exc.problems
    if problems:
        fail_input(problems)
        return None
    folder = Path(out_dir) if out_dir is not None else Path("results") / sweep.name
    where = f"on {scheduler}" if scheduler else f"on {plural(workers, 'worker')}"

    def waiting(holder: str) -> None:
        if note is not None:
            note(f"waiting: {folder}/ is in use by {holder}; this sweep starts when it is free")

    try:
        if console.is_terminal:
            with Progress(*progress_columns(), console=console, transient=True) as bar:
                task = bar.add_task(sweep.name, total=sweep.total_runs, rate="")
                clock = {"start": time.perf_counter(), "ran": 0}

                def started(already: int, total: int) -> None:
                    clock["start"] = time.perf_counter()
                    bar.update(task, completed=already)

                def tick(n: int) -> None:
                    clock["ran"] += n
                    rate = clock["ran"] / max(time.perf_counter() - clock["start"], 1e-9)
                    bar.update(task, advance=n, rate=f"{rate:.1f} runs/s")

                report = run_sweep(
                    sweep,
                    folder,
                    workers,
                    scheduler,
                    tick,
                    started,
                    wait=wait,
                    on_wait=waiting,
                    events=events,
                )
        else:
            report = run_sweep(
                sweep, folder, workers, scheduler, wait=wait, on_wait=waiting, events=events
            )
    except SweepFolderError as exc:
        fail_input([str(exc)])
        return None
    except (FolderBusy, SchedulerUnreachable) as exc:
        fail(str(exc))
        return None
    except KeyboardInterrupt:
        saved = saved_runs(folder)
        fail(
            f"interrupted: {saved} of {sweep.total_runs} runs are saved in {folder}/; "
            "run the same command again to resume"
        )
        return None
    except OSError as exc:
        fail(f"cannot write results: {exc.strerror or exc} ({exc.filename or folder})")
        return None
    rate = report.ran / report.seconds if report.seconds > 0 else float("nan")
    resumed = f" (resumed: {report.already} were done)" if report.resumed else ""
    if report.extended_from is not None:
        resumed = (
            f" (extended from {report.extended_from} to {sweep.replicates} replicates: "
            f"{report.already} were done)"
        )
    console.print(
        f"{sweep.name}: {plural(report.total, 'run')} ({plural(sweep.points, 'point')} x "
        f"{plural(sweep.replicates, 'replicate')}){resumed}; ran {report.ran} in "
        f"{report.seconds:.1f} s {where}"
        + (f", {rate:.2f} runs/s" if report.ran else "")
        + f". Results in {folder}/: runs.parquet/, events.parquet/, timeseries.parquet/ "
        "(read with sim.sweep.read_sweep or pandas.read_parquet), design.csv, sweep.toml, "
        "sweep.json, manifest.json",
        markup=False,
    )
    return report
