"""Parameter sweeps: design points x seeded replicates, run locally or on Dask, resumable.

A sweep file (``[sweep]`` and ``[parameters]``, see ``docs/SWEEPS.md``) names a base scenario,
a design (a full grid, a Latin hypercube or a scrambled Sobol' sequence, both from
``scipy.stats.qmc``) over parameters given by their dotted names, and a number of replicates per
design point. Everything is checked once, before anything runs: the file's schema, each
parameter against the base scenario, and every design point as a scenario in its own right.

Run ``(point, replicate)`` has ``run_id = point * replicates + replicate`` and the seed
``SeedSequence([sweep seed, point, replicate])``: its tables depend on nothing else, not on
the worker count, the scheduler, the order tasks finish in or on an earlier crash.

Results stream to Parquet part files as tasks finish (``runs.parquet/``, ``events.parquet/``,
``timeseries.parquet/``: folders of parts, which ``pandas.read_parquet`` reads as one table).
Each part is written under a hidden temporary name and renamed into place, events and time
series first and the runs part last, so a runs part is the proof that its runs are complete.
Re-running the same command resumes: finished runs are skipped, unfinished parts discarded, and
a sweep whose definition changed (design, parameters, seeds or base scenario) is refused.
The parent process keeps a bounded window of tasks in flight and holds only finished batches
waiting to be written, so its memory does not grow with the number of runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from sim.io import atomic_write_parquet, atomic_write_text
from sim.scenario import (
    Scenario,
    ScenarioError,
    flatten_parameters,
    read_scenario_data,
    read_toml,
    scenario_from_dict,
)
from sim.scenario.schema import validation_problems as _validation_problems

TABLES = ("runs", "events", "timeseries")
"""The three tables, each a folder ``<table>.parquet/`` of part files in a sweep folder."""

DESIGN_STREAM = 0xD5E
"""Second word of the design's SeedSequence, so design draws never coincide with run seeds."""

MAX_POINTS = 100_000
"""Most design points a sweep may have (a typo in a grid should not queue a billion runs)."""

MAX_REPORTED = 12
"""Design-point problems listed before the rest are counted."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SweepSettings(_Strict):
    """The ``[sweep]`` table."""

    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$", description="Slug; names results/<name>/"
    )
    title: str = ""
    description: str = ""
    base: str = Field(min_length=1, description="Base scenario, relative to the sweep file")
    design: Literal["grid", "lhs", "sobol"] = "grid"
    replicates: int = Field(ge=1, le=1_000_000, description="Seeded runs per design point")
    samples: int | None = Field(
        None, ge=1, le=MAX_POINTS, description="Design points of an lhs or sobol design"
    )
    seed: int = Field(1, ge=0, le=2**63 - 1, description="Sweep seed: design and run seeds")


class ParameterRange(_Strict):
    """A range of a numeric parameter: ``{ min = .., max = .., levels = .. }``."""

    min: float
    max: float
    levels: int | None = Field(None, ge=2, le=10_000, description="Grid levels, ends included")

    @model_validator(mode="after")
    def _ordered(self) -> ParameterRange:
        if not self.max > self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        return self


class SweepFile(_Strict):
    """A whole sweep file."""

    sweep: SweepSettings
    parameters: dict[str, Any] = Field(min_length=1)


@dataclass
class Sweep:
    """A validated sweep: its settings, resolved base scenario and design.

    Attributes:
        path: the sweep file.
        text: the sweep file's text, as read.
        settings: the ``[sweep]`` table.
        parameters: dotted name -> listed values or a range.
        base_path: the base scenario file.
        base_raw: the base scenario as read from TOML (overrides are applied to a copy).
        base: the base scenario, validated.
        design: one row per design point (index ``point``), one column per parameter.
        definition_hash: sha256 of what determines the results (see :func:`definition_hash`).

    """

    path: Path
    text: str
    settings: SweepSettings
    parameters: dict[str, ParameterRange | list[Any]]
    base_path: Path
    base_raw: dict[str, Any]
    base: Scenario
    design: pd.DataFrame
    definition_hash: str = field(default="")

    @property
    def name(self) -> str:
        """The sweep's name (a slug)."""
        return self.settings.name

    @property
    def replicates(self) -> int:
        """Seeded runs per design point."""
        return self.settings.replicates

    @property
    def points(self) -> int:
        """Number of design points."""
        return len(self.design)

    @property
    def total_runs(self) -> int:
        """Design points x replicates."""
        return self.points * self.replicates

    def run_id(self, point: int, replicate: int) -> int:
        """Return the run id of a (point, replicate) pair, unique across the sweep."""
        return point * self.replicates + replicate

    def run_seed(self, point: int, replicate: int) -> int:
        """Return the seed of a run, from the sweep seed, the point and the replicate alone."""
        return sweep_run_seed(self.settings.seed, point, replicate)

    def overrides(self, point: int) -> dict[str, Any]:
        """Return the parameter values of a design point, as Python scalars."""
        row = self.design.iloc[point]
        return {name: _python_scalar(row[name]) for name in self.parameters}

    def scenario(self, point: int) -> Scenario:
        """Build the scenario of a design point (the base with the point's values)."""
        return scenario_from_dict(
            self.base_raw, source=str(self.path), overrides=self.overrides(point)
        )


def sweep_run_seed(seed: int, point: int, replicate: int) -> int:
    """Return the seed of a replicate of a design point of a sweep seeded ``seed``."""
    sequence = np.random.SeedSequence([int(seed), int(point), int(replicate)])
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def _python_scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


# --- loading and validation ---------------------------------------------------------------------


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file, its base scenario and every design point.

    Raises:
        ScenarioError: one ``FILE: field: message`` line per problem.

    """
    path = Path(path)
    data = read_toml(path)
    if "sweep" not in data and "scenario" in data:
        raise ScenarioError(
            [f"{path}: sweep: a scenario file, not a sweep file (run it with malisim run)"]
        )
    try:
        parsed = SweepFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            [
                f"{path}: {field}: {msg.replace('SCENARIOS.md', 'SWEEPS.md')}"
                for field, msg in _validation_problems(exc)
            ]
        ) from None
    parameters, problems = _parse_parameters(parsed.parameters)
    if problems:
        raise ScenarioError([f"{path}: {field}: {msg}" for field, msg in problems])
    parsed.parameters = parameters
    settings = parsed.sweep
    base_path = Path(settings.base)
    if not base_path.is_absolute():
        base_path = path.parent / base_path
    try:
        base_raw = read_scenario_data(base_path)
        base = scenario_from_dict(base_raw, source=str(base_path))
    except ScenarioError as exc:
        raise ScenarioError(
            [f"{path}: sweep.base: the base scenario is not usable"] + exc.problems
        ) from None

    problems = _check_parameters(parsed, base)
    if problems:
        raise ScenarioError([f"{path}: {field}: {msg}" for field, msg in problems])
    design = build_design(parsed, base)
    sweep = Sweep(
        path=path,
        text=path.read_text(encoding="utf-8"),
        settings=settings,
        parameters=parsed.parameters,
        base_path=base_path,
        base_raw=base_raw,
        base=base,
        design=design,
    )
    _check_points(sweep)
    sweep.definition_hash = definition_hash(sweep)
    return sweep


def _parse_parameters(
    raw: dict[str, Any],
) -> tuple[dict[str, ParameterRange | list[Any]], list[tuple[str, str]]]:
    """Each parameter as listed values or a range, with one problem per bad field."""
    out: dict[str, ParameterRange | list[Any]] = {}
    problems: list[tuple[str, str]] = []
    for name, spec in raw.items():
        where = f'parameters."{name}"'
        if isinstance(spec, dict):
            try:
                out[name] = ParameterRange.model_validate(spec)
            except ValidationError as exc:
                for field_, msg in _validation_problems(exc):
                    sub = "" if field_ == "(top level)" else f".{field_}"
                    problems.append((f"{where}{sub}", msg.replace("SCENARIOS.md", "SWEEPS.md")))
        elif isinstance(spec, list):
            out[name] = spec
        else:
            problems.append(
                (where, f"expected a list of values or {{ min, max, levels }}, got {spec!r}")
            )
    return out, problems


def _scalar_kinds(base: Scenario) -> dict[str, Any]:
    """Dotted name -> the base scenario's value, for scalar parameters (lists excluded)."""
    out: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else key, sub)
        elif not isinstance(value, list):
            out[prefix] = value

    walk("", base.model_dump(mode="python", exclude={"events"}))
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_parameters(parsed: SweepFile, base: Scenario) -> list[tuple[str, str]]:
    """Problems with the design and with each parameter's name and values."""
    problems: list[tuple[str, str]] = []
    settings = parsed.sweep
    flat = flatten_parameters(base)
    scalars = _scalar_kinds(base)
    if settings.design in ("lhs", "sobol"):
        if settings.samples is None:
            problems.append(("sweep.samples", f"a {settings.design} design needs samples"))
        elif settings.design == "sobol" and settings.samples & (settings.samples - 1):
            low = 1 << (settings.samples.bit_length() - 1)
            problems.append(
                (
                    "sweep.samples",
                    f"Sobol' points are balanced only in powers of 2; got {settings.samples} "
                    f"(use {low} or {low * 2})",
                )
            )
    for name, spec in parsed.parameters.items():
        where = f'parameters."{name}"'
        if name not in flat:
            problems.append((where, f"unknown parameter of the base scenario {settings.base}"))
            continue
        if name not in scalars:
            problems.append((where, "a list parameter cannot be swept; sweep scalars only"))
            continue
        current = scalars[name]
        if isinstance(spec, ParameterRange):
            if not _is_number(current):
                problems.append(
                    (where, f"a range needs a numeric parameter; this one is {current!r}")
                )
            elif settings.design == "grid" and spec.levels is None:
                problems.append((where, "a range in a grid design needs levels (>= 2)"))
            continue
        if not spec:
            problems.append((where, "list at least one value"))
            continue
        for i, value in enumerate(spec):
            if isinstance(value, dict | list):
                problems.append((f"{where}.{i}", f"expected a single value, got {value!r}"))
        if len({json.dumps(v, default=str) for v in spec}) != len(spec):
            problems.append((where, "values are listed more than once"))
    if not problems and settings.design == "grid":
        count = math.prod(
            spec.levels if isinstance(spec, ParameterRange) else len(spec)
            for spec in parsed.parameters.values()
        )
        if count > MAX_POINTS:
            problems.append(("parameters", f"the grid has {count} points; at most {MAX_POINTS}"))
    return problems


def _check_points(sweep: Sweep) -> None:
    """Validate every design point as a scenario; raise with the problems found."""
    problems: list[str] = []
    failing = 0
    for point in range(sweep.points):
        try:
            sweep.scenario(point)
        except ScenarioError as exc:
            failing += 1
            values = ", ".join(f"{k} = {v!r}" for k, v in sweep.overrides(point).items())
            for line in exc.problems[: max(0, MAX_REPORTED - len(problems))]:
                problems.append(f"{line} (design point {point}: {values})")
    if failing:
        if failing > 1:
            problems.append(f"{sweep.path}: parameters: {failing} of {sweep.points} points fail")
        raise ScenarioError(problems)


# --- designs ------------------------------------------------------------------------------------


def _levels(spec: ParameterRange | list[Any], integer: bool) -> list[Any]:
    if isinstance(spec, list):
        return list(spec)
    values = np.linspace(spec.min, spec.max, spec.levels)
    if integer:
        return list(dict.fromkeys(int(round(v)) for v in values))
    return [float(v) for v in values]


def _from_unit(spec: ParameterRange | list[Any], u: np.ndarray, integer: bool) -> list[Any]:
    """Map uniform draws in [0, 1) onto a range (continuous) or listed values (equal strata)."""
    if isinstance(spec, list):
        index = np.minimum((u * len(spec)).astype(int), len(spec) - 1)
        return [spec[i] for i in index]
    values = spec.min + u * (spec.max - spec.min)
    if integer:
        return [int(v) for v in np.floor(values + 0.5)]
    return [float(v) for v in values]


def build_design(parsed: SweepFile, base: Scenario) -> pd.DataFrame:
    """Draw the design points, one row each (index ``point``), one column per parameter.

    A grid is the full product of each parameter's values (listed, or ``levels`` evenly spaced
    from ``min`` to ``max``), the first parameter varying slowest. A Latin hypercube and a
    scrambled Sobol' sequence draw ``samples`` points in the unit cube, seeded from the sweep
    seed, and map each axis onto its range (or onto its listed values in equal strata).
    Integer parameters are rounded to whole numbers.
    """
    from scipy.stats import qmc

    settings = parsed.sweep
    names = list(parsed.parameters)
    scalars = _scalar_kinds(base)
    integer = {n: isinstance(scalars[n], int) and not isinstance(scalars[n], bool) for n in names}
    if settings.design == "grid":
        axes = [_levels(parsed.parameters[n], integer[n]) for n in names]
        rows = list(itertools.product(*axes))
        design = pd.DataFrame(rows, columns=names)
    else:
        rng = np.random.default_rng(np.random.SeedSequence([settings.seed, DESIGN_STREAM]))
        if settings.design == "lhs":
            engine = qmc.LatinHypercube(d=len(names), rng=rng)
        else:
            engine = qmc.Sobol(d=len(names), scramble=True, rng=rng)
        unit = engine.random(settings.samples)
        design = pd.DataFrame(
            {
                n: _from_unit(parsed.parameters[n], unit[:, j], integer[n])
                for j, n in enumerate(names)
            }
        )
    design.index.name = "point"
    return design


def definition_hash(sweep: Sweep) -> str:
    """sha256 of everything that determines a sweep's results.

    The ``[sweep]`` table (its title and description aside), the parameters and the resolved
    base scenario. Comments, layout and the base file's path do not count; a changed design,
    seed, replicate count, parameter or base scenario does.
    """
    settings = sweep.settings.model_dump(mode="json", exclude={"title", "description", "base"})
    payload = {
        "sweep": settings,
        "parameters": {
            k: v.model_dump(mode="json") if isinstance(v, ParameterRange) else v
            for k, v in sweep.parameters.items()
        },
        "base": sweep.base.model_dump(mode="json"),
    }
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the worker side ----------------------------------------------------------------------------


def run_sweep_task(
    scenario_json: str, tasks: list[tuple[int, int, int, int]]
) -> tuple[pa.Table, pa.Table | None, pa.Table | None]:
    """Worker entry point: run a batch of one design point's replicates.

    Args:
        scenario_json: the design point's scenario, as JSON.
        tasks: ``(run_id, point, replicate, seed)`` for each run.

    Returns:
        The batch's runs, events and timeseries as Arrow tables with the sweep's fixed column
        types (events or timeseries ``None`` when the batch has no rows).

    """
    from sim.ensemble import run_one

    scenario = Scenario.model_validate_json(scenario_json)
    runs, events, weeks = [], [], []
    for run_id, point, replicate, seed in tasks:
        tables = run_one(scenario, run_id, seed)
        row = tables.runs
        row.insert(1, "point", point)
        row.insert(2, "replicate", replicate)
        runs.append(row)
        if len(tables.events):
            events.append(tables.events)
        if len(tables.timeseries):
            weeks.append(tables.timeseries)
    return (
        to_arrow(pd.concat(runs, ignore_index=True)),
        to_arrow(pd.concat(events, ignore_index=True)) if events else None,
        to_arrow(pd.concat(weeks, ignore_index=True)) if weeks else None,
    )


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """Convert to an Arrow table whose column types do not depend on which runs are in the batch.

    A column that is empty in a batch (no run withdrew, none took Kidal) would otherwise be
    typed ``null`` in its part and clash with the parts where it has values: dates become
    ``date32``, anything else ``string``; large strings become plain strings.
    """
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = []
    for f in table.schema:
        kind = f.type
        if pa.types.is_null(kind):
            kind = pa.date32() if "date" in f.name else pa.string()
        elif pa.types.is_large_string(kind):
            kind = pa.string()
        fields.append(pa.field(f.name, kind))
    return table.cast(pa.schema(fields))


# --- the folder ---------------------------------------------------------------------------------


def _part_name(first_run_id: int) -> str:
    return f"part-{first_run_id:09d}.parquet"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_part(folder: Path, result: tuple[pa.Table, pa.Table | None, pa.Table | None]) -> int:
    """Write a finished batch: events and time series first, the runs part last (the commit).

    Returns:
        The number of runs written.

    """
    runs, events, weeks = result
    name = _part_name(int(runs.column("run_id")[0].as_py()))
    for table, label in ((events, "events"), (weeks, "timeseries")):
        if table is not None:
            atomic_write_parquet(table, folder / f"{label}.parquet" / name)
    atomic_write_parquet(runs, folder / "runs.parquet" / name)
    _fsync_dir(folder / "runs.parquet")
    return runs.num_rows


def finished_runs(folder: Path) -> set[int]:
    """Run ids already in the folder's runs parts (an unfinished sweep's progress).

    Also deletes events and time-series parts whose runs part never landed (a crash between
    the writes) and leftover temporary files, so a resumed sweep writes them afresh.
    """
    runs_dir = folder / "runs.parquet"
    done: set[int] = set()
    committed = set()
    for part in sorted(runs_dir.glob("part-*.parquet")):
        ids = pq.read_table(part, columns=["run_id"]).column("run_id").to_pylist()
        overlap = done.intersection(ids)
        if overlap:
            raise RuntimeError(f"{part}: runs {sorted(overlap)[:5]} are in another part too")
        done.update(ids)
        committed.add(part.name)
    for label in TABLES:
        sub = folder / f"{label}.parquet"
        for stale in sub.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        if label != "runs":
            for part in sub.glob("part-*.parquet"):
                if part.name not in committed:
                    part.unlink()
    return done


def read_sweep(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read a sweep folder's three tables (runs, events, timeseries), ordered by run id.

    Works on a finished or an unfinished sweep (it reads the parts that have landed).
    ``pandas.read_parquet(folder / "runs.parquet")`` reads the runs table just the same, in
    part order.
    """
    folder = Path(folder)
    if not (folder / "runs.parquet").is_dir():
        raise FileNotFoundError(f"{folder}: not a sweep folder (no runs.parquet/ of parts)")
    out = []
    for label in TABLES:
        sub = folder / f"{label}.parquet"
        parts = sorted(sub.glob("part-*.parquet")) if sub.is_dir() else []
        if not parts:
            out.append(pd.DataFrame())
            continue
        table = pads.dataset([str(p) for p in parts], format="parquet").to_table()
        frame = table.to_pandas()
        keys = ["run_id", "date"] if label != "runs" and "date" in frame else ["run_id"]
        # stable: rows of one run keep the order the model logged them in
        frame = frame.sort_values(keys[:1], kind="stable").reset_index(drop=True)
        out.append(frame)
    return out[0], out[1], out[2]


class SchedulerUnreachable(Exception):
    """The Dask scheduler named by ``--scheduler`` did not answer."""


class SweepFolderError(Exception):
    """A results folder that cannot take this sweep (another sweep's, or not a sweep's)."""


def prepare_folder(sweep: Sweep, folder: Path) -> bool:
    """Create the sweep folder, or check that it holds this same sweep; True when resuming.

    Raises:
        SweepFolderError: the folder holds a different sweep definition, or other files.

    """
    record = folder / "sweep.json"
    if record.exists():
        old = json.loads(record.read_text(encoding="utf-8"))
        if old.get("definition_sha256") != sweep.definition_hash:
            raise SweepFolderError(
                f"{sweep.path}: sweep: changed since {folder} was started (definition sha256 "
                f"{sweep.definition_hash[:12]}, the folder's is "
                f"{str(old.get('definition_sha256'))[:12]}); results of two different sweeps "
                "are never mixed: use another --out, or delete the folder to start again"
            )
        return True
    if folder.exists() and any(not p.name.startswith(".") for p in folder.iterdir()):
        raise SweepFolderError(
            f"{folder}: --out: the folder exists and is not a sweep's (no sweep.json); "
            "choose another --out"
        )
    for label in TABLES:
        (folder / f"{label}.parquet").mkdir(parents=True, exist_ok=True)
    from sim.scenario import to_toml

    atomic_write_text(folder / "sweep.toml", sweep.text)
    atomic_write_text(folder / "base.toml", to_toml(sweep.base))
    sweep.design.reset_index().to_csv(folder / ".design.csv.tmp", index=False)
    os.replace(folder / ".design.csv.tmp", folder / "design.csv")
    info = {
        "name": sweep.name,
        "sweep_file": str(sweep.path),
        "sweep_file_sha256": hashlib.sha256(sweep.text.encode("utf-8")).hexdigest(),
        "definition_sha256": sweep.definition_hash,
        "base": str(sweep.base_path),
        "design": sweep.settings.design,
        "points": sweep.points,
        "replicates": sweep.replicates,
        "runs": sweep.total_runs,
        "seed": sweep.settings.seed,
        "run_id": "point * replicates + replicate",
        "run_seed": "SeedSequence([seed, point, replicate]).generate_state(1, uint32)[0]",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    # sweep.json last: a folder with it is a sweep's folder, whatever else is missing
    atomic_write_text(record, json.dumps(info, indent=2) + "\n")
    return False


# --- scheduling ---------------------------------------------------------------------------------


def batch_size(remaining: int, workers: int, replicates: int) -> int:
    """Replicates per task: few tasks (start-up paid rarely) yet enough to balance the workers.

    About eight tasks per worker, at most 16 runs a task (it bounds what the parent holds), and
    never across design points (a task carries one scenario).
    """
    target = math.ceil(remaining / max(1, workers * 8))
    return max(1, min(replicates, 16, target))


def iter_tasks(sweep: Sweep, done: set[int], size: int) -> Iterator[tuple[str, list[tuple]]]:
    """``(scenario_json, [(run_id, point, replicate, seed), ...])`` for every unfinished batch.

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
            yield payload, todo[i : i + size]


def execute_local(
    tasks: Iterator[tuple[str, list[tuple]]],
    workers: int,
    sink: Callable[[tuple], None],
) -> None:
    """Run tasks in this process (1 worker) or a spawn pool, passing each result to ``sink``.

    At most ``2 * workers`` tasks are in flight, so neither the queue nor finished results
    waiting to be written grow with the size of the sweep.
    """
    if workers <= 1:
        for payload, batch in tasks:
            sink(run_sweep_task(payload, batch))
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = set()
        for payload, batch in itertools.islice(tasks, 2 * workers):
            pending.add(pool.submit(run_sweep_task, payload, batch))
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                sink(future.result())
                follow = next(tasks, None)
                if follow is not None:
                    pending.add(pool.submit(run_sweep_task, *follow))


def execute_dask(
    tasks: Iterator[tuple[str, list[tuple]]],
    scheduler: str,
    sink: Callable[[tuple], None],
) -> None:
    """Run tasks on a Dask cluster (``dask.distributed``), passing each result to ``sink``.

    A worker lost mid-task is the scheduler's business: it reruns the task elsewhere, and as
    the result only reaches the folder through this process, nothing is written twice.
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
        for payload, batch in itertools.islice(tasks, slots):
            queue.add(client.submit(run_sweep_task, payload, batch, pure=False))
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


def run_sweep(
    sweep: Sweep,
    folder: Path,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> SweepReport:
    """Run (or resume) a sweep into ``folder``.

    Args:
        sweep: a validated sweep.
        folder: the results folder (created, or resumed if it holds this sweep).
        workers: local processes (ignored with a scheduler).
        scheduler: a Dask scheduler address, ``tcp://HOST:PORT``.
        progress: called with the number of runs written after each part.
        on_start: called with (runs already done, total runs) before running.

    Raises:
        SweepFolderError: the folder holds another sweep or other files.

    """
    resumed = prepare_folder(sweep, folder)
    stale = folder / "manifest.json"
    done = finished_runs(folder)
    if on_start:
        on_start(len(done), sweep.total_runs)
    remaining = sweep.total_runs - len(done)
    start = time.perf_counter()
    ran = 0
    if remaining:
        if stale.exists():
            stale.unlink()
        # a cluster's size is unknown until connected: batch as for four workers
        size = batch_size(remaining, 4 if scheduler else workers, sweep.replicates)
        tasks = iter_tasks(sweep, done, size)

        def sink(result: tuple) -> None:
            nonlocal ran
            n = write_part(folder, result)
            ran += n
            if progress:
                progress(n)

        if scheduler:
            execute_dask(tasks, scheduler, sink)
        else:
            execute_local(tasks, workers, sink)
    seconds = time.perf_counter() - start
    if len(done) + ran != sweep.total_runs:
        raise RuntimeError(f"{len(done) + ran} of {sweep.total_runs} runs in {folder}")
    if not stale.exists():
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
                workers=workers,
                scheduler=scheduler,
                seconds_last_session=round(seconds, 2),
                resumed=resumed,
            ),
        )
    return SweepReport(folder, sweep.total_runs, len(done), ran, seconds, resumed)


# --- the command --------------------------------------------------------------------------------


def sweep_command(
    sweep_file: Path,
    workers: int,
    scheduler: str | None,
    out_dir: Path | None,
    console: Any,
    fail_input: Callable[[list[str]], None],
    fail: Callable[[str], None],
) -> SweepReport | None:
    """``malisim sweep``: validate, run or resume with a progress bar, report where results are.

    Input problems (the file, ``--workers``, ``--scheduler``, a folder holding another sweep)
    go to ``fail_input`` (exit 2, nothing written); anything else to ``fail`` (exit 1).
    """
    from rich.progress import Progress

    from sim.cli.console import count_problems, progress_columns

    problems: list[str] = count_problems(workers=workers)
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        problems.append(f"--scheduler: expected tcp://HOST:PORT, got {scheduler!r}")
    try:
        sweep = load_sweep(sweep_file)
    except ScenarioError as exc:
        problems += exc.problems
    if problems:
        fail_input(problems)
        return None
    folder = Path(out_dir) if out_dir is not None else Path("results") / sweep.name
    try:
        # a folder that belongs to another sweep is bad input: refuse before anything runs
        if (folder / "sweep.json").exists() or folder.exists():
            prepare_folder(sweep, folder)
    except SweepFolderError as exc:
        fail_input([str(exc)])
        return None
    where = f"on {scheduler}" if scheduler else f"on {workers} worker(s)"
    try:
        if console.is_terminal:
            columns = progress_columns()
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task(sweep.name, total=sweep.total_runs, rate="")
                clock = {"start": time.perf_counter(), "ran": 0}

                def started(already: int, total: int) -> None:
                    bar.update(task, completed=already)

                def tick(n: int) -> None:
                    clock["ran"] += n
                    rate = clock["ran"] / max(time.perf_counter() - clock["start"], 1e-9)
                    bar.update(task, advance=n, rate=f"{rate:.1f} runs/s")

                report = run_sweep(sweep, folder, workers, scheduler, tick, started)
        else:
            report = run_sweep(sweep, folder, workers, scheduler)
    except SweepFolderError as exc:
        fail_input([str(exc)])
        return None
    except SchedulerUnreachable as exc:
        fail(str(exc))
        return None
    except KeyboardInterrupt:
        saved = len(finished_runs(folder)) if (folder / "runs.parquet").is_dir() else 0
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
    console.print(
        f"{sweep.name}: {report.total} runs ({sweep.points} points x {sweep.replicates} "
        f"replicates){resumed}; ran {report.ran} in {report.seconds:.1f} s {where}"
        + (f", {rate:.2f} runs/s" if report.ran else "")
        + f". Results in {folder}/: runs.parquet/, events.parquet/, timeseries.parquet/ "
        "(read with sim.sweep.read_sweep or pandas.read_parquet), design.csv, sweep.toml, "
        "sweep.json, manifest.json",
        markup=False,
    )
    return report
