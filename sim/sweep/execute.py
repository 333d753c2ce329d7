"""Running a sweep: tasks of seeded replicates, in this process, a process pool or on Dask.

The parent process keeps a bounded window of tasks in flight and holds only finished batches
waiting to be written, so its memory does not grow with the number of runs. Only the parent
writes into the results folder, and only while it holds the folder's lock, so a worker lost
mid-task (the scheduler reruns it elsewhere) or a second sweep on the same folder never writes
a run twice. Re-running the same command resumes: finished runs are skipped and unfinished
parts discarded.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.lock import hold_folder
from sim.scenario import Scenario
from sim.sweep.file import Sweep
from sim.sweep.store import (
    Batch,
    check_folder,
    finished_runs,
    prepare_folder,
    to_arrow,
    write_part,
)

Task = tuple[str, list[tuple[int, int, int, int]], str]
"""A design point's scenario as JSON, its runs (``(run_id, point, replicate, seed)``) and the
events table's detail (``--events``: all, monthly or none)."""


class SchedulerUnreachable(Exception):
    """The Dask scheduler named by ``--scheduler`` did not answer."""


def run_sweep_task(
    scenario_json: str, tasks: list[tuple[int, int, int, int]], events: str = "all"
) -> Batch:
    """Worker entry point: run a batch of one design point's replicates.

    Args:
        scenario_json: the design point's scenario, as JSON.
        tasks: ``(run_id, point, replicate, seed)`` for each run.
        events: the events table's detail (``sim.io.events_at_detail``), applied in the worker
            so that the events a sweep does not keep never travel to the parent.

    Returns:
        The batch's runs, events and timeseries as Arrow tables with the sweep's fixed column
        types (events or timeseries ``None`` when the batch has no rows).

    """
    from sim.ensemble import run_one
    from sim.io import events_at_detail

    scenario = Scenario.model_validate_json(scenario_json)
    runs, found, weeks = [], [], []
    for run_id, point, replicate, seed in tasks:
        tables = run_one(scenario, run_id, seed)
        row = tables.runs
        row.insert(1, "point", point)
        row.insert(2, "replicate", replicate)
        runs.append(row)
        kept = events_at_detail(tables.events, events)
        if len(kept) or events == "none":
            found.append(kept)
        if len(tables.timeseries):
            weeks.append(tables.timeseries)
    return (
        to_arrow(pd.concat(runs, ignore_index=True)),
        to_arrow(pd.concat(found, ignore_index=True)) if found else None,
        to_arrow(pd.concat(weeks, ignore_index=True)) if weeks else None,
    )


def batch_size(remaining: int, workers: int, replicates: int) -> int:
    """Replicates per task: few tasks (start-up paid rarely) yet enough to balance the workers.

    About eight tasks per worker, at most 16 runs a task (it bounds what the parent holds), and
    never across design points (a task carries one scenario).
    """
    target = math.ceil(remaining / max(1, workers * 8))
    return max(1, min(replicates, 16, target))


def iter_tasks(sweep: Sweep, done: set[int], size: int, events: str = "all") -> Iterator[Task]:
    """``(scenario_json, [(run_id, point, replicate, seed), ...], events)`` for every batch left.

    Scenarios are built one design point at a time, as tasks are handed out, so the parent
    never holds the whole design's scenarios.
    """
    for point in range(sweep.points):
        todo = [
            (sweep.run_id(point, r), point, r, sweep.run_seed(point, r))
            for r in range(sweep.replicates)
            if sweep.run_id(point, r) not in done
        ]
        if not todo:
            continue
        payload = sweep.scenario(point).model_dump_json()
        for i in range(0, len(todo), size):
            yield payload, todo[i : i + size], events


def execute_local(tasks: Iterator[Task], workers: int, sink: Callable[[Batch], None]) -> None:
    """Run tasks in this process (1 worker) or a spawn pool, passing each result to ``sink``.

    At most ``2 * workers`` tasks are in flight, so neither the queue nor finished results
    waiting to be written grow with the size of the sweep.
    """
    if workers <= 1:
        for task in tasks:
            sink(run_sweep_task(*task))
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = set()
        for task in itertools.islice(tasks, 2 * workers):
            pending.add(pool.submit(run_sweep_task, *task))
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                sink(future.result())
                follow = next(tasks, None)
                if follow is not None:
                    pending.add(pool.submit(run_sweep_task, *follow))


def execute_dask(tasks: Iterator[Task], scheduler: str, sink: Callable[[Batch], None]) -> None:
    """Run tasks on a Dask cluster (``dask.distributed``), passing each result to ``sink``.

    A worker lost mid-task is the scheduler's business: it reruns the task elsewhere, and as
    the result only reaches the folder through this process, nothing is written twice.

    Raises:
        SchedulerUnreachable: the scheduler did not answer.

    """
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout="30s")
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachable(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    with client:
        slots = max(
            2, 2 * sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
        )
        queue = as_completed()
        for task in itertools.islice(tasks, slots):
            queue.add(client.submit(run_sweep_task, *task, pure=False))
        for future in queue:
            sink(future.result())
            future.release()
            follow = next(tasks, None)
            if follow is not None:
                queue.add(client.submit(run_sweep_task, *follow, pure=False))


@dataclass
class SweepReport:
    """What a sweep command did."""

    folder: Path
    total: int
    already: int
    ran: int
    seconds: float
    resumed: bool
    extended_from: int | None = None
    """Replicates per point before this session extended the sweep (None: not extended)."""


def run_sweep(
    sweep: Sweep,
    folder: Path,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
    events: str = "all",
) -> SweepReport:
    """Run (or resume) a sweep into ``folder``, holding the folder's lock throughout.

    Args:
        sweep: a validated sweep.
        folder: the results folder (created, or resumed if it holds this sweep, or extended
            if it holds this sweep with fewer replicates).
        workers: local processes (ignored with a scheduler).
        scheduler: a Dask scheduler address, ``tcp://HOST:PORT``.
        progress: called with the number of runs written after each part.
        on_start: called with (runs already done, total runs) before running.
        wait: if another process writes into ``folder``, wait for it instead of refusing.
        on_wait: called with the other process's description when waiting for it.
        events: the events table's detail (``--events``); a sweep resumes only with its own.

    Raises:
        SweepFolderError: the folder holds another sweep or other files.
        sim.lock.FolderBusy: another process writes into the folder (and ``wait`` is false).
        SchedulerUnreachable: the Dask scheduler did not answer.

    """
    # Refuse another sweep's folder before writing the lock into it.
    check_folder(sweep, folder, events, before_lock=True)
    with hold_folder(folder, wait=wait, on_wait=on_wait):
        had = prepare_folder(sweep, folder, events)
        resumed = had is not None
        done = finished_runs(folder)
        if on_start:
            on_start(len(done), sweep.total_runs)
        ran, seconds = _run_remaining(sweep, folder, done, workers, scheduler, progress, events)
        if len(done) + ran != sweep.total_runs:
            raise RuntimeError(f"{len(done) + ran} of {sweep.total_runs} runs in {folder}")
        if not (folder / "manifest.json").exists():
            from sim.io import manifest, write_manifest

            write_manifest(
                folder,
                manifest(
                    sweep=sweep.name,
                    scenario=sweep.base.name,
                    definition_sha256=sweep.definition_hash,
                    points=sweep.points,
                    replicates=sweep.replicates,
                    runs=sweep.total_runs,
                    seed=sweep.settings.seed,
                    events=events,
                    workers=workers,
                    scheduler=scheduler,
                    seconds_last_session=round(seconds, 2),
                    resumed=resumed,
                ),
            )
    extended = had if had is not None and had < sweep.replicates else None
    return SweepReport(folder, sweep.total_runs, len(done), ran, seconds, resumed, extended)


def _run_remaining(
    sweep: Sweep,
    folder: Path,
    done: set[int],
    workers: int,
    scheduler: str | None,
    progress: Callable[[int], None] | None,
    events: str = "all",
) -> tuple[int, float]:
    """Run the runs not yet in ``done``, writing each batch; return (runs written, seconds)."""
    start = time.perf_counter()
    remaining = sweep.total_runs - len(done)
    ran = 0
    if not remaining:
        return ran, 0.0
    # the folder is unfinished again until its new manifest lands
    (folder / "manifest.json").unlink(missing_ok=True)
    # a cluster's size is unknown until connected: batch as for four workers
    size = batch_size(remaining, 4 if scheduler else workers, sweep.replicates)
    tasks = iter_tasks(sweep, done, size, events)

    def sink(result: Batch) -> None:
        nonlocal ran
        n = write_part(folder, result)
        ran += n
        if progress:
            progress(n)

    if scheduler:
        execute_dask(tasks, scheduler, sink)
    else:
        execute_local(tasks, workers, sink)
    return ran, time.perf_counter() - start
