"""A sweep's design: which parameter values each design point takes, and each run's seed.

A grid is the full product of each parameter's values; a Latin hypercube and a scrambled Sobol'
sequence come from ``scipy.stats.qmc``. Run ``(point, replicate)`` is seeded by
``SeedSequence([sweep seed, point, replicate])``: its tables depend on nothing else, not on the
worker count, the scheduler, the order tasks finish in or on an earlier crash.
"""

from __future__ import annotations

import itertools
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from sim.scenario.strict import StrictModel

DESIGN_STREAM = 0xD5E
"""Second word of the design's SeedSequence, so design draws never coincide with run seeds."""

Design = Literal["grid", "lhs", "sobol"]


class ParameterRange(StrictModel):
    """A range of a numeric parameter: ``{ min = .., max = .., levels = .. }``."""

    min: float
    max: float
    levels: int | None = Field(None, ge=2, le=10_000, description="Grid levels, ends included")

    @model_validator(mode="after")
    def _ordered(self) -> ParameterRange:
        if not self.max > self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        return self


ParameterSpec = ParameterRange | list[Any]
"""A swept parameter: listed values, or a range."""


def sweep_run_seed(seed: int, point: int, replicate: int) -> int:
    """Return the seed of a replicate of a design point of a sweep seeded ``seed``."""
    sequence = np.random.SeedSequence([int(seed), int(point), int(replicate)])
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def _levels(spec: ParameterSpec, integer: bool) -> list[Any]:
    if isinstance(spec, list):
        return list(spec)
    values = np.linspace(spec.min, spec.max, spec.levels)
    if integer:
        return list(dict.fromkeys(int(round(v)) for v in values))
    return [float(v) for v in values]


def _from_unit(spec: ParameterSpec, u: np.ndarray, integer: bool) -> list[Any]:
    """Map uniform draws in [0, 1) onto a range (continuous) or listed values (equal strata).

    ``qmc.scale`` maps onto a range only; listed values need their strata, so this is ours.
    """
    if isinstance(spec, list):
        index = np.minimum((u * len(spec)).astype(int), len(spec) - 1)
        return [spec[i] for i in index]
    values = spec.min + u * (spec.max - spec.min)
    if integer:
        return [int(v) for v in np.floor(values + 0.5)]
    return [float(v) for v in values]


def build_design(
    design: Design,
    parameters: dict[str, ParameterSpec],
    integer: set[str],
    samples: int | None,
    seed: int,
) -> pd.DataFrame:
    """Draw the design points, one row each (index ``point``), one column per parameter.

    A grid is the full product of each parameter's values (listed, or ``levels`` evenly spaced
    from ``min`` to ``max``), the first parameter varying slowest. A Latin hypercube and a
    scrambled Sobol' sequence draw ``samples`` points in the unit cube, seeded from the sweep
    seed, and map each axis onto its range (or onto its listed values in equal strata).

    Args:
        design: ``grid``, ``lhs`` or ``sobol``.
        parameters: dotted name -> listed values or a range, in the sweep file's order.
        integer: the parameters whose values are whole numbers (rounded).
        samples: design points of an lhs or sobol design.
        seed: the sweep seed.

    """
    from scipy.stats import qmc

    names = list(parameters)
    if design == "grid":
        axes = [_levels(parameters[n], n in integer) for n in names]
        table = pd.DataFrame(list(itertools.product(*axes)), columns=names)
    else:
        rng = np.random.default_rng(np.random.SeedSequence([seed, DESIGN_STREAM]))
        if design == "lhs":
            engine = qmc.LatinHypercube(d=len(names), rng=rng)
        else:
            engine = qmc.Sobol(d=len(names), scramble=True, rng=rng)
        unit = engine.random(samples)
        table = pd.DataFrame(
            {n: _from_unit(parameters[n], unit[:, j], n in integer) for j, n in enumerate(names)}
        )
    table.index.name = "point"
    return table
