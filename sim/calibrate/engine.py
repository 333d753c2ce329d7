"""Running a calibration: generations of batches through the sweep engine, resumable.

The calibration folder holds ``calibration.json`` (what was asked, and its definition hash, so
a folder never mixes two calibrations) and one folder a generation: ``proposals.parquet`` (the
batch, drawn from the seed and the previous generation alone), one sweep folder a base scenario
(part files: a killed calibration resumes without losing or repeating a run), and, once the
generation is done, ``population.parquet`` and ``summary.json``. The whole folder is held with
the results lock (``sim.lock``) from start to finish.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import __version__ as MODEL_VERSION
from sim.calibrate.file import Base, Calibration
from sim.calibrate.smc import (
    Population,
    generation_rng,
    kernel_proposals,
    prior_proposals,
    select,
)
from sim.calibrate.statistics import distances, target_values
from sim.io import atomic_write_parquet, atomic_write_text
from sim.lock import claimed, hold_folder
from sim.scenario import ScenarioError
from sim.sweep import read_sweep, run_sweep
from sim.sweep.design import ParameterRange
from sim.sweep.file import Sweep, SweepSettings

PROPOSAL_STREAM, RUN_STREAM, TRUTH_STREAM, PREDICTIVE_STREAM = 0xABC0, 0xABC1, 0xABC2, 0xABC3
"""Second words of the SeedSequences: proposals, run seeds, the truth's runs, the check's draws."""


class CalibrationFolderError(Exception):
    """A results folder that cannot take this calibration (another one's, or not one's)."""


@dataclass
class Generation:
    """What one generation did (a row of ``history.csv``)."""

    generation: int
    epsilon: float
    acceptance: float
    simulations: int
    runs_so_far: int
    ess: float
    seconds: float


@dataclass
class CalibrationRun:
    """A finished calibration: its folder, final population, history and what it was scored on."""

    folder: Path
    population: Population
    history: list[Generation]
    observed: dict[str, float]
    predictive: pd.DataFrame
    truth: dict[str, float] | None = None
    resumed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def check_folder(calibration: Calibration, folder: Path, before_lock: bool = False) -> bool:
    """Check, writing nothing, that ``folder`` is new or holds this calibration; True if it does.

    With ``before_lock``, files without a record in a folder a malisim writer has locked are
    left to the check under the lock: they may be another calibration's in the making
    (:func:`sim.lock.claimed`).

    Raises:
        CalibrationFolderError: the folder holds another calibration, another model's, or
            other files.

    """
    record = folder / "calibration.json"
    if record.exists():
        old = json.loads(record.read_text(encoding="utf-8"))
        if old.get("model_version") != MODEL_VERSION:
            raise CalibrationFolderError(
                f"{folder}: --out: holds a calibration of model version "
                f"{old.get('model_version')}, and this is {MODEL_VERSION}; use another --out"
            )
        if old.get("definition_sha256") != calibration.definition_hash:
            raise CalibrationFolderError(
                f"{calibration.path}: calibration: changed since {folder} was started (or "
                "another --truth); two calibrations are never mixed: use another --out, or "
                "delete the folder to start again"
            )
        return True
    if before_lock and claimed(folder):
        return False
    if folder.exists() and any(not p.name.startswith(".") for p in folder.iterdir()):
        raise CalibrationFolderError(
            f"{folder}: --out: the folder exists and is not a calibration's; choose another --out"
        )
    return False


def batch_sweep(
    calibration: Calibration, base: Base, values: pd.DataFrame, label: str, seed: int
) -> Sweep:
    """A sweep of one run per row of ``values`` on one base scenario (design point = row)."""
    names = list(values.columns)
    settings = SweepSettings.model_construct(
        name=f"{calibration.name}-{label}"[:64],
        title="",
        description=f"ABC-SMC batch {label} of {calibration.path}",
        base=str(base.path),
        design="abc-smc batch",  # not a sweep file's design: the proposals are the design
        replicates=1,
        samples=len(values),
        seed=seed,
    )
    design = values.copy()
    design.index.name = "point"
    sweep = Sweep(
        path=calibration.path,
        text=calibration.text,
        settings=settings,
        parameters={n: ParameterRange.model_construct(min=0.0, max=1.0) for n in names},
        base_path=base.path,
        base_raw=base.raw,
        base=base.scenario,
        design=design,
    )
    digest = hashlib.sha256()
    digest.update(f"{calibration.definition_hash}:{label}:{base.name}:{seed}".encode())
    digest.update(values.to_json(orient="split", double_precision=15).encode())
    sweep.definition_hash = digest.hexdigest()
    return sweep


def _batch_seed(calibration: Calibration, stream: int, batch: int, base: int) -> int:
    sequence = np.random.SeedSequence([calibration.settings.seed, stream, batch, base])
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def simulate(
    calibration: Calibration,
    folder: Path,
    values: pd.DataFrame,
    stream: int,
    batch: int,
    workers: int,
    scheduler: str | None,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Run one run per row of ``values`` on each base a target needs; the targets' statistics.

    Each base's runs are a sweep in ``folder/<scenario>/``: re-running resumes from its parts.

    Returns:
        One row per row of ``values``, one column per target.

    """
    columns: dict[str, np.ndarray] = {}
    overrides = pd.DataFrame(
        [calibration.overrides(row) for row in values.to_dict("records")], columns=values.columns
    )
    for k, (name, base) in enumerate(calibration.bases.items()):
        wanted = [t for t in calibration.targets if calibration.target_scenario(t) == name]
        if not wanted:
            continue
        seed = _batch_seed(calibration, stream, batch, k)
        sweep = batch_sweep(calibration, base, overrides, f"{batch:03d}-{name}", seed)
        run_sweep(sweep, folder / name, workers, scheduler, progress=progress)
        results = read_sweep(folder / name)
        runs = [sweep.run_id(point, 0) for point in range(len(values))]
        for target in wanted:
            series = target_values(
                results, target, calibration.targets[target], base.scenario, runs
            )
            columns[target] = series.to_numpy(float)
    return pd.DataFrame(columns, index=values.index)[list(calibration.targets)]


def _validator(calibration: Calibration) -> Callable[[dict[str, float]], bool]:
    """Whether parameter values make a valid scenario of every base."""

    def valid(row: dict[str, float]) -> bool:
        values = calibration.overrides(row)
        try:
            for base in calibration.bases:
                calibration.scenario(base, values)
        except ScenarioError:
            return False
        return True

    return valid


def _prepare(calibration: Calibration, folder: Path, truth: dict[str, float] | None) -> bool:
    if check_folder(calibration, folder):
        return True
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / "calibration.toml", calibration.text)
    info = {
        "name": calibration.name,
        "calibration_file": str(calibration.path),
        "definition_sha256": calibration.definition_hash,
        "model_version": MODEL_VERSION,
        "bases": {k: str(b.path) for k, b in calibration.bases.items()},
        "parameters": calibration.names,
        "integer_parameters": sorted(calibration.integer),
        "targets": list(calibration.targets),
        "truth": truth,
        "seed": calibration.settings.seed,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    atomic_write_text(folder / "calibration.json", json.dumps(info, indent=2) + "\n")
    return False


def observed_values(
    calibration: Calibration,
    folder: Path,
    truth: dict[str, float] | None,
    workers: int,
    scheduler: str | None,
) -> dict[str, float]:
    """The record's values, or (recovery check) the statistics of a seeded run at the truth."""
    if truth is None:
        return {k: t.value for k, t in calibration.targets.items()}
    values = pd.DataFrame([truth])[calibration.names]
    stats = simulate(calibration, folder / "truth", values, TRUTH_STREAM, 0, workers, scheduler)
    observed = {k: float(v) for k, v in stats.iloc[0].items()}
    missing = [k for k, v in observed.items() if not np.isfinite(v)]
    if missing:
        raise RuntimeError(f"the run at the truth has no value for the targets {missing}")
    return observed


def _load_generation(folder: Path, names: list[str]) -> tuple[Population, Generation]:
    table = pd.read_parquet(folder / "population.parquet")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return Population.from_table(table, names, "raw_weight"), Generation(**summary)


def run_calibration(
    calibration: Calibration,
    folder: Path,
    workers: int = 1,
    scheduler: str | None = None,
    truth: dict[str, float] | None = None,
    on_generation: Callable[[Generation], None] | None = None,
    on_batch: Callable[[int, int], Callable[[int], None] | None] | None = None,
) -> CalibrationRun:
    """Run (or resume) a calibration into ``folder``, holding the folder's lock throughout.

    Args:
        calibration: a validated calibration file.
        folder: the results folder (created, or resumed if it holds this calibration).
        workers: local processes (ignored with a scheduler).
        scheduler: a Dask scheduler address.
        truth: parameter values of a recovery check: the targets become the statistics of a
            run at these values.
        on_generation: called with each generation's summary, resumed ones included.
        on_batch: called with (generation, runs) before each batch; may return a callback
            that is told each part's number of runs.

    Raises:
        CalibrationFolderError: the folder holds another calibration or other files.
        sim.lock.FolderBusy: another process writes into the folder.
        sim.calibrate.smc.NoValidProposal: the kernel keeps leaving the prior.

    """
    check_folder(calibration, folder, before_lock=True)
    with hold_folder(folder):
        resumed = _prepare(calibration, folder, truth)
        observed = observed_values(calibration, folder, truth, workers, scheduler)
        scale = {k: t.scale for k, t in calibration.targets.items()}
        population, history = _generations(
            calibration, folder, observed, scale, workers, scheduler, on_generation, on_batch
        )
        predictive = _predictive(calibration, folder, population, workers, scheduler, on_batch)
        run = CalibrationRun(folder, population, history, observed, predictive, truth, resumed)
        from sim.calibrate.report import write_outputs

        write_outputs(calibration, run)
    return run


def _generations(
    calibration: Calibration,
    folder: Path,
    observed: dict[str, float],
    scale: dict[str, float],
    workers: int,
    scheduler: str | None,
    on_generation: Callable[[Generation], None] | None,
    on_batch: Callable[[int, int], Callable[[int], None] | None] | None,
) -> tuple[Population, list[Generation]]:
    settings = calibration.settings
    size = settings.population
    valid = _validator(calibration)
    population: Population | None = None
    history: list[Generation] = []
    for t in range(settings.generations):
        where = folder / "generations" / f"{t:03d}"
        if (where / "summary.json").exists():
            population, summary = _load_generation(where, calibration.names)
        else:
            start = time.perf_counter()
            where.mkdir(parents=True, exist_ok=True)
            proposals_file = where / "proposals.parquet"
            if proposals_file.exists():
                proposals = pd.read_parquet(proposals_file)
                values, weight = proposals[calibration.names], proposals["raw_weight"].to_numpy()
            else:
                rng = generation_rng(settings.seed, PROPOSAL_STREAM, t)
                if population is None:
                    values, weight = prior_proposals(
                        calibration.priors, 2 * size, rng, calibration.integer, valid
                    )
                else:
                    values, weight = kernel_proposals(
                        calibration.priors, population, size, rng, calibration.integer, valid
                    )
                atomic_write_parquet(values.assign(raw_weight=weight), proposals_file)
            tick = on_batch(t, len(values) * _bases_used(calibration)) if on_batch else None
            stats = simulate(calibration, where, values, RUN_STREAM, t, workers, scheduler, tick)
            new = Population(
                values, weight, distances(stats, observed, scale), np.full(len(values), t)
            )
            population, epsilon, acceptance = select(population, new, size)
            runs = len(values) * _bases_used(calibration)
            summary = Generation(
                t,
                epsilon,
                acceptance,
                runs,
                runs + (history[-1].runs_so_far if history else 0),
                population.ess(),
                round(time.perf_counter() - start, 2),
            )
            atomic_write_parquet(stats.assign(distance=new.distance), where / "statistics.parquet")
            table = population.table().assign(raw_weight=population.weight)
            atomic_write_parquet(table, where / "population.parquet")
            atomic_write_text(where / "summary.json", json.dumps(summary.__dict__) + "\n")
        history.append(summary)
        if on_generation:
            on_generation(summary)
        if t > 0 and summary.acceptance < settings.min_acceptance:
            break
    return population, history


def _bases_used(calibration: Calibration) -> int:
    return len({calibration.target_scenario(t) for t in calibration.targets})


def _predictive(
    calibration: Calibration,
    folder: Path,
    population: Population,
    workers: int,
    scheduler: str | None,
    on_batch: Callable[[int, int], Callable[[int], None] | None] | None,
) -> pd.DataFrame:
    """The posterior predictive check: runs at particles drawn from the posterior by weight."""
    draws = calibration.settings.predictive
    if draws == 0:
        return pd.DataFrame(columns=[*calibration.names, *calibration.targets])
    rng = generation_rng(calibration.settings.seed, PREDICTIVE_STREAM, 0)
    picked = rng.choice(len(population.weight), size=draws, p=population.normalised())
    values = population.values.iloc[picked].reset_index(drop=True)
    tick = on_batch(-1, draws * _bases_used(calibration)) if on_batch else None
    stats = simulate(
        calibration, folder / "predictive", values, PREDICTIVE_STREAM, 0, workers, scheduler, tick
    )
    return pd.concat([values, stats], axis=1)
