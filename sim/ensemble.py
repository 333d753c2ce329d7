"""Seeded ensembles of runs, in one process or a pool of worker processes.

A run's seed derives from the ensemble seed and the run's number alone (numpy
``SeedSequence``), so its tables never depend on the worker that ran it or on what ran before:
``--workers 1`` and ``--workers 2`` give identical tables. ``import mesa`` makes
multiprocessing use *spawn*, so the worker function is top-level and takes plain data.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np

from sim.model import MaliConflictModel
from sim.scenario import Scenario
from sim.tables import Results, concat


def run_seed(seed: int, run_id: int) -> int:
    """The seed of run ``run_id`` of an ensemble seeded with ``seed``."""
    return int(
        np.random.SeedSequence([int(seed), int(run_id)]).generate_state(1, dtype=np.uint32)[0]
    )


def run_one(scenario: Scenario, run_id: int = 0, seed: int = 0) -> Results:
    """Run one replicate to the scenario's end and return its tables."""
    return MaliConflictModel(scenario, rng=seed, run_id=run_id).run()


def run_batch(scenario_json: str, tasks: list[tuple[int, int]]) -> list[Results]:
    """Worker entry point: run ``(run_id, seed)`` tasks of a scenario given as JSON."""
    scenario = Scenario.model_validate_json(scenario_json)
    return [run_one(scenario, run_id, seed) for run_id, seed in tasks]


def run_ensemble(
    scenario: Scenario,
    runs: int = 20,
    seed: int = 1,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """Run ``runs`` seeded replicates of a scenario.

    Args:
        scenario: a validated scenario.
        runs: number of replicates (>= 1).
        seed: ensemble seed; run ``i`` uses ``run_seed(seed, i)``.
        workers: processes; 1 runs in this process.
        progress: called with the number of runs just finished.

    Returns:
        The three tables, identical whatever ``workers`` is.

    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    tasks = [(i, run_seed(seed, i)) for i in range(runs)]
    done: list[Results] = []
    if workers <= 1:
        for run_id, run_seed_ in tasks:
            done.append(run_one(scenario, run_id, run_seed_))
            if progress:
                progress(1)
        return concat(done)
    payload = scenario.model_dump_json()
    batch = max(1, min(8, runs // (workers * 4)))
    chunks = [tasks[i : i + batch] for i in range(0, len(tasks), batch)]
    # Spawn, not fork: a forked copy of a threaded parent (pyarrow, dask) can deadlock.
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        futures = [pool.submit(run_batch, payload, chunk) for chunk in chunks]
        for future in as_completed(futures):
            result = future.result()
            done.extend(result)
            if progress:
                progress(len(result))
    return concat(done)
