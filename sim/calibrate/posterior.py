"""What-ifs with the calibration's uncertainty: each run's parameters drawn from a posterior.

``malisim run SCENARIO --posterior DIR`` runs an ensemble whose run ``i`` takes the parameters
of a particle of ``DIR/posterior.parquet`` drawn by weight with a generator seeded by the
ensemble seed and ``i`` alone, and the run seed of an ordinary ensemble (``run_seed(seed, i)``):
the tables are the same on any number of workers, and a counterfactual carries the
calibration's uncertainty into its outcome distributions.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.ensemble import run_batch, run_seed
from sim.scenario import ScenarioError, scenario_from_dict
from sim.tables import Results, concat

POSTERIOR_STREAM = 0xABC4
"""Second word of the SeedSequence of each run's draw from the posterior."""

BOOKKEEPING = ("weight", "generation", "distance")


@dataclass
class PosteriorDraws:
    """A calibration's posterior, and the particle each run of an ensemble takes."""

    folder: Path
    particles: pd.DataFrame
    names: list[str]
    integer: set[str]

    def particle(self, seed: int, run_id: int) -> int:
        """The particle run ``run_id`` of an ensemble seeded ``seed`` takes."""
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), POSTERIOR_STREAM, run_id]))
        weights = self.particles["weight"].to_numpy(float)
        return int(rng.choice(len(weights), p=weights / weights.sum()))

    def values(self, index: int) -> dict[str, Any]:
        """A particle's parameter values, as a scenario takes them."""
        row = self.particles.iloc[index]
        return {n: int(round(row[n])) if n in self.integer else float(row[n]) for n in self.names}


def read_posterior(folder: str | Path) -> PosteriorDraws:
    """Read a calibration folder's posterior.

    Raises:
        ScenarioError: the folder holds no finished calibration.

    """
    folder = Path(folder)
    table = folder / "posterior.parquet"
    if not table.exists() or not (folder / "calibration.json").exists():
        raise ScenarioError([f"{folder}: --posterior: not a finished calibration's folder"])
    info = json.loads((folder / "calibration.json").read_text(encoding="utf-8"))
    particles = pd.read_parquet(table)
    names = [c for c in particles.columns if c not in BOOKKEEPING]
    return PosteriorDraws(folder, particles, names, set(info.get("integer_parameters", [])))


def run_posterior_ensemble(
    raw: dict[str, Any],
    source: str,
    posterior: PosteriorDraws,
    runs: int,
    seed: int,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> tuple[Results, list[int]]:
    """Run ``runs`` replicates, each with its own draw from the posterior.

    Args:
        raw: the scenario as read (``--set`` values already applied); each run's draw is
            applied to a copy.
        source: the scenario's file, named in errors.
        posterior: the calibration's posterior.
        runs: replicates.
        seed: ensemble seed (run seeds as an ordinary ensemble's).
        workers: processes.
        progress: called with the number of runs just finished.

    Returns:
        The tables, and the particle each run took.

    Raises:
        ScenarioError: a particle makes an invalid scenario of this scenario.

    """
    picks = [posterior.particle(seed, i) for i in range(runs)]
    payloads = {
        p: scenario_from_dict(raw, source=source, overrides=posterior.values(p)).model_dump_json()
        for p in sorted(set(picks))
    }
    tasks = [(payloads[p], [(i, run_seed(seed, i))]) for i, p in enumerate(picks)]
    done: list[Results] = []
    if workers <= 1:
        for payload, batch in tasks:
            done.extend(run_batch(payload, batch))
            if progress:
                progress(1)
        return concat(done), picks
    # Spawn, as sim.ensemble does: a forked copy of a threaded parent can deadlock.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(run_batch, payload, batch) for payload, batch in tasks]
        for future in as_completed(futures):
            done.extend(future.result())
            if progress:
                progress(1)
    return concat(done), picks
