"""The app's ensemble: seeded replicates of the page's model in worker processes, cancellable.

Run ``i`` of an ensemble seeded ``S`` is seeded ``run_seed(S, i)``, as in ``malisim run --seed S
--runs N``: the page's ensemble holds exactly that command's runs. The runs go to a
``ProcessPoolExecutor`` of *spawned* workers (as ``sim.ensemble`` does: a forked copy of the
threaded web server could deadlock), with at most one run per worker in flight, so that Cancel
has little to wait for: it stops submitting, drops the runs not started, and returns once the
runs under way have ended and the pool's processes with them (no orphan process).

No solara and no matplotlib here: the workers import this module and the model, nothing else.
"""

from __future__ import annotations

import itertools
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import numpy as np
import pandas as pd

from sim.ensemble import run_seed
from sim.model import MaliConflictModel
from sim.scenario import Scenario


def die_with_parent() -> None:
    """Pool initializer: on Linux, end this worker when the server that started it dies.

    A server stopped by a signal does not wait for its pool; without this its workers would
    run on, orphaned, to the end of their run. ``prctl(PR_SET_PDEATHSIG)`` has no wrapper in the
    standard library, hence ctypes; elsewhere the worker ends at its next read from the pool.
    """
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def run_replicate(scenario_json: str, run_id: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Worker entry point: one run to the end; its runs row and its last control layer."""
    model = MaliConflictModel(Scenario.model_validate_json(scenario_json), rng=seed, run_id=run_id)
    tables = model.run()
    return tables.runs, np.asarray(model.control, dtype=np.int8)


class EnsembleJob:
    """N seeded replicates of a scenario, run by :meth:`run` (in a thread of the page).

    Attributes:
        total: runs asked for.
        done: runs finished so far.
        state: ``running``, ``cancelling``, ``cancelled``, ``done`` or ``failed``.
        error: what went wrong, when ``failed``.

    """

    def __init__(self, scenario: Scenario, runs: int, seed: int, workers: int):
        if runs < 1 or workers < 1:
            raise ValueError(f"runs and workers must be at least 1, got {runs} and {workers}")
        self.scenario = scenario
        self.total = runs
        self.seed = seed
        self.workers = min(workers, runs)
        self.done = 0
        self.state = "running"
        self.error = ""
        self.finished: dict[int, tuple[pd.DataFrame, np.ndarray]] = {}
        self.stop = threading.Event()

    def cancel(self) -> None:
        """Stop submitting runs and drop those not started (the call returns at once)."""
        if self.state == "running":
            self.state = "cancelling"
        self.stop.set()

    def run(self, progress: Callable[[int], None] | None = None) -> None:
        """Run the replicates; return when all are done, or the job was cancelled or failed.

        Args:
            progress: called with the number of runs done after each run.

        """
        payload = self.scenario.model_dump_json()
        tasks = ((i, run_seed(self.seed, i)) for i in range(self.total))
        context = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=die_with_parent
            ) as pool:
                pending = {
                    pool.submit(run_replicate, payload, i, s): i
                    for i, s in itertools.islice(tasks, self.workers)
                }
                while pending and not self.stop.is_set():
                    ended, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                    for future in ended:
                        self.finished[pending.pop(future)] = future.result()
                        self.done += 1
                        if progress:
                            progress(self.done)
                        follow = next(tasks, None)
                        if follow is not None and not self.stop.is_set():
                            pending[pool.submit(run_replicate, payload, *follow)] = follow[0]
                for future in pending:
                    future.cancel()  # not started: dropped; under way: ends with the pool
        except Exception as exc:  # a failed run, a broken pool: the page says so
            self.state, self.error = "failed", f"{type(exc).__name__}: {exc}"
            return
        self.state = "cancelled" if self.stop.is_set() else "done"

    def tables(self) -> tuple[pd.DataFrame, np.ndarray]:
        """The finished runs' rows (ordered by run id) and their control layers, stacked."""
        ids = sorted(self.finished)
        runs = pd.concat([self.finished[i][0] for i in ids], ignore_index=True)
        return runs, np.stack([self.finished[i][1] for i in ids])
