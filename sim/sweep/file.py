"""Sweep files: the schema, the checks against the base scenario, and the validated ``Sweep``.

A sweep file (``[sweep]`` and ``[parameters]``, see ``docs/SWEEPS.md``) names a base scenario,
a design over parameters given by their dotted names, and a number of replicates per design
point. Everything is checked once, before anything runs: the file's schema, each parameter
against the base scenario, and every design point as a scenario in its own right.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from sim.scenario import (
    Scenario,
    ScenarioError,
    flatten_parameters,
    read_scenario_data,
    read_toml,
    scenario_from_dict,
)
from sim.scenario.strict import StrictModel, validation_problems
from sim.sweep.design import Design, ParameterRange, ParameterSpec, build_design, sweep_run_seed

MAX_POINTS = 100_000
"""Most design points a sweep may have (a typo in a grid should not queue a billion runs)."""

MAX_REPORTED = 12
"""Design-point problems listed before the rest are counted."""

RUN_ID_RULE = "replicate * points + point"
"""How run ids number a sweep's runs (recorded in ``sweep.json``). Replicate-major, so that
more replicates extend a finished sweep without renumbering it; a folder numbered otherwise
(``point * replicates + replicate``, before this rule) cannot be extended."""

REFERENCE = "docs/SWEEPS.md"
"""Where a sweep file's fields are listed (named when a field is unknown)."""


class SweepSettings(StrictModel):
    """The ``[sweep]`` table."""

    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$", description="Slug; names results/<name>/"
    )
    title: str = ""
    description: str = ""
    base: str = Field(min_length=1, description="Base scenario, relative to the sweep file")
    design: Design = "grid"
    replicates: int = Field(ge=1, le=1_000_000, description="Seeded runs per design point")
    samples: int | None = Field(
        None, ge=1, le=MAX_POINTS, description="Design points of an lhs or sobol design"
    )
    seed: int = Field(1, ge=0, le=2**63 - 1, description="Sweep seed: design and run seeds")


class SweepFile(StrictModel):
    """A whole sweep file, before its parameters are read as values or ranges."""

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
    parameters: dict[str, ParameterSpec]
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
        """Return the run id of a (point, replicate) pair, unique across the sweep.

        Replicate-major (:data:`RUN_ID_RULE`): more replicates add runs after the existing
        ones, so an extended sweep keeps every finished run's id (and seed) as it was.
        """
        return replicate * self.points + point

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


def _python_scalar(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def load_sweep(path: str | Path, replicates: int | None = None) -> Sweep:
    """Read and validate a sweep file, its base scenario and every design point.

    Args:
        path: the sweep file.
        replicates: seeded runs per design point instead of the file's ``replicates``
            (``malisim sweep FILE --replicates N``: extend a finished sweep).

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
            [f"{path}: {where}: {msg}" for where, msg in validation_problems(exc, REFERENCE)]
        ) from None
    parameters, problems = parse_parameters(parsed.parameters)
    if problems:
        raise ScenarioError([f"{path}: {where}: {msg}" for where, msg in problems])
    settings = parsed.sweep
    if replicates is not None:
        settings = settings.model_copy(update={"replicates": replicates})
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

    problems = check_parameters(settings, parameters, base)
    if problems:
        raise ScenarioError([f"{path}: {where}: {msg}" for where, msg in problems])
    scalars = scalar_parameters(base)
    sweep = Sweep(
        path=path,
        text=path.read_text(encoding="utf-8"),
        settings=settings,
        parameters=parameters,
        base_path=base_path,
        base_raw=base_raw,
        base=base,
        design=build_design(
            settings.design,
            parameters,
            integer={n for n in parameters if _is_whole(scalars[n])},
            samples=settings.samples,
            seed=settings.seed,
        ),
    )
    check_points(sweep)
    sweep.definition_hash = definition_hash(sweep)
    return sweep


def parse_parameters(
    raw: dict[str, Any],
) -> tuple[dict[str, ParameterSpec], list[tuple[str, str]]]:
    """Each parameter as listed values or a range, with one problem per bad field."""
    out: dict[str, ParameterSpec] = {}
    problems: list[tuple[str, str]] = []
    for name, spec in raw.items():
        where = f'parameters."{name}"'
        if isinstance(spec, dict):
            try:
                out[name] = ParameterRange.model_validate(spec)
            except ValidationError as exc:
                for field_, msg in validation_problems(exc, REFERENCE):
                    sub = "" if field_ == "(top level)" else f".{field_}"
                    problems.append((f"{where}{sub}", msg))
        elif isinstance(spec, list):
            out[name] = spec
        else:
            problems.append(
                (where, f"expected a list of values or {{ min, max, levels }}, got {spec!r}")
            )
    return out, problems


def scalar_parameters(base: Scenario) -> dict[str, Any]:
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


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_parameters(
    settings: SweepSettings, parameters: dict[str, ParameterSpec], base: Scenario
) -> list[tuple[str, str]]:
    """Problems with the design and with each parameter's name and values."""
    problems: list[tuple[str, str]] = []
    flat = flatten_parameters(base, every=True)
    scalars = scalar_parameters(base)
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
    for name, spec in parameters.items():
        where = f'parameters."{name}"'
        if name not in flat:
            close = difflib.get_close_matches(name, list(flat), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            problems.append(
                (where, f"unknown parameter of the base scenario {settings.base}{hint}")
            )
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
            for spec in parameters.values()
        )
        if count > MAX_POINTS:
            problems.append(("parameters", f"the grid has {count} points; at most {MAX_POINTS}"))
    return problems


def check_points(sweep: Sweep) -> None:
    """Validate every design point as a scenario; raise with the problems found.

    Raises:
        ScenarioError: the first :data:`MAX_REPORTED` problems, and how many points fail.

    """
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


def definition_hash(sweep: Sweep) -> str:
    """sha256 of everything that determines a sweep's results.

    The ``[sweep]`` table (its title, description and replicates aside), the parameters, the
    design's points and the resolved base scenario. Comments, layout, the base file's path and
    the number of replicates do not count (more replicates extend a sweep: the runs already
    done stay valid); a changed design, seed, parameter or base scenario does.
    """
    settings = sweep.settings.model_dump(
        mode="json", exclude={"title", "description", "base", "replicates"}
    )
    payload = {
        "sweep": settings,
        "parameters": {
            k: v.model_dump(mode="json") if isinstance(v, ParameterRange) else v
            for k, v in sweep.parameters.items()
        },
        "base": sweep.base.model_dump(mode="json"),
        # the points themselves: a design drawn by another engine (a sensitivity analysis's
        # SALib sample) with the same settings is another sweep
        "design": sweep.design.to_csv(),
    }
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
