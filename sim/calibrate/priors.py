"""Priors of a calibration's free parameters: uniform, log-uniform or normal (scipy.stats).

A prior is written ``{ min = .., max = .. }`` (uniform), ``{ min, max, prior = "log-uniform" }``
or ``{ mean = .., sd = .., prior = "normal" }``, a normal prior optionally truncated by ``min``
and ``max``. Each becomes a frozen ``scipy.stats`` distribution, which draws, gives densities
and quantiles; nothing here draws from a generator it was not handed.
"""

from __future__ import annotations

import functools
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from sim.scenario.strict import StrictModel


class Prior(StrictModel):
    """One parameter's prior distribution."""

    prior: Literal["uniform", "log-uniform", "normal"] = "uniform"
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _complete(self) -> Prior:
        if self.prior == "normal":
            if self.mean is None or self.sd is None:
                raise ValueError("a normal prior needs mean and sd")
        else:
            if self.min is None or self.max is None:
                raise ValueError(f"a {self.prior} prior needs min and max")
            if self.mean is not None or self.sd is not None:
                raise ValueError(f"a {self.prior} prior takes min and max, not mean or sd")
        if self.min is not None and self.max is not None and not self.max > self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        if self.prior == "log-uniform" and self.min is not None and self.min <= 0:
            raise ValueError(f"a log-uniform prior needs min > 0, got {self.min}")
        return self

    @functools.cached_property
    def distribution(self):
        """The prior as a frozen ``scipy.stats`` distribution."""
        from scipy import stats

        if self.prior == "uniform":
            return stats.uniform(loc=self.min, scale=self.max - self.min)
        if self.prior == "log-uniform":
            return stats.loguniform(self.min, self.max)
        low = -np.inf if self.min is None else (self.min - self.mean) / self.sd
        high = np.inf if self.max is None else (self.max - self.mean) / self.sd
        return stats.truncnorm(low, high, loc=self.mean, scale=self.sd)

    def ends(self) -> list[float]:
        """The values a scenario must accept: the bounds, or a normal's 0.1% and 99.9% points."""
        return (
            [float(v) for v in self.distribution.ppf([0.001, 0.999])]
            if (self.min is None or self.max is None)
            else [self.min, self.max]
        )

    def pdf(self, value: float | np.ndarray) -> np.ndarray:
        """The prior density."""
        return self.distribution.pdf(value)

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` draws from the prior with the given generator."""
        return self.distribution.rvs(size=size, random_state=rng)

    def variance(self) -> float:
        """The prior's variance (the yardstick of a posterior's shrinkage)."""
        return float(self.distribution.var())

    def quantiles(self, q: list[float]) -> np.ndarray:
        """Quantiles of the prior."""
        return self.distribution.ppf(q)


def joint_density(priors: dict[str, Prior], values: np.ndarray) -> np.ndarray:
    """The product of the marginal priors at each row of ``values`` (columns in prior order)."""
    density = np.ones(len(values))
    for j, prior in enumerate(priors.values()):
        density *= prior.pdf(values[:, j])
    return density
