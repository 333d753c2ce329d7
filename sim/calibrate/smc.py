"""ABC-SMC in batches: proposals drawn from the seed, weights, the next tolerance.

The scheme is the adaptive population Monte Carlo ABC of Lenormand, Jabot and Deffuant (2013,
"Adaptive approximate Bayesian computation for complex models", Computational Statistics 28),
the one OpenMOLE runs: generation 0 draws ``2 N`` particles from the prior and keeps the ``N``
closest to the record; each later generation draws ``N`` new particles from a kernel fitted to
the kept ones, weighs them by prior over proposal density, pools them with the kept ones and
again keeps the ``N`` closest. The tolerance (epsilon) is the largest kept distance; the
calibration stops when the share of new particles that beat the previous tolerance (the
acceptance rate) falls below a threshold, or after the last generation.

Why this scheme and not pyABC's sampler: pyABC's parallel samplers accept particles in the
order workers finish, so their posterior depends on the worker count and timing, and pyABC
resumes from the last finished generation only. Here each generation is one batch fixed by the
seed and the previous generation alone, run through the sweep engine (part files, resume,
Dask), so the posterior is the same on any number of workers and a killed calibration loses no
run. pyABC still provides the kernel: its ``MultivariateNormalTransition`` fits the weighted
particles (in units of each prior's standard deviation, with twice their covariance) and gives
the proposal density; its own ``rvs`` draws from numpy's global generator, so the draws here
use the kernel's fitted covariance with the generation's own generator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calibrate.priors import Prior, joint_density

MAX_REDRAWS = 1000
"""Rounds of redrawing proposals that fall outside the prior or make an invalid scenario."""


class NoValidProposal(Exception):
    """The kernel keeps proposing values the prior or the scenario refuses."""


@dataclass
class Population:
    """Particles: parameter values, weights (prior over proposal density), distances, birth.

    ``weight`` is not normalised: generation 0's particles weigh 1 and later ones carry the
    ratio of prior to proposal density, on the same scale, so pooled generations compare.
    """

    values: pd.DataFrame
    weight: np.ndarray
    distance: np.ndarray
    born: np.ndarray

    def normalised(self) -> np.ndarray:
        """The weights, summing to one."""
        return self.weight / self.weight.sum()

    def ess(self) -> float:
        """Kish's effective sample size of the weights."""
        w = self.normalised()
        return float(1.0 / np.sum(w**2))

    def table(self) -> pd.DataFrame:
        """One row a particle: parameters by dotted name, weight, generation, distance."""
        out = self.values.reset_index(drop=True).copy()
        out["weight"] = self.normalised()
        out["generation"] = self.born.astype(int)
        out["distance"] = self.distance
        return out

    @classmethod
    def from_table(cls, table: pd.DataFrame, names: list[str], raw_weight: str) -> Population:
        """Read a population back from :meth:`table`'s columns plus the raw weights."""
        return cls(
            table[names].reset_index(drop=True),
            table[raw_weight].to_numpy(float),
            table["distance"].to_numpy(float),
            table["generation"].to_numpy(int),
        )


def generation_rng(seed: int, stream: int, generation: int) -> np.random.Generator:
    """The generator of a generation's proposals: the seed, a stream and the generation alone."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(stream), int(generation)]))


def _round(values: np.ndarray, names: list[str], integer: set[str]) -> np.ndarray:
    for j, name in enumerate(names):
        if name in integer:
            values[:, j] = np.round(values[:, j])
    return values


def prior_proposals(
    priors: dict[str, Prior],
    size: int,
    rng: np.random.Generator,
    integer: set[str],
    valid: Callable[[dict[str, float]], bool],
) -> tuple[pd.DataFrame, np.ndarray]:
    """Generation 0: ``size`` draws from the prior (weights 1).

    Raises:
        NoValidProposal: the prior keeps making invalid scenarios.

    """
    names = list(priors)

    def draw(n: int) -> np.ndarray:
        return _round(np.column_stack([p.draw(rng, n) for p in priors.values()]), names, integer)

    values, _ = _fill(draw, size, names, priors, valid)
    return pd.DataFrame(values, columns=names), np.ones(size)


def _no_bandwidth(n_samples: float, dimension: int) -> float:
    """No bandwidth: the kernel's covariance is twice the particles' weighted covariance.

    That is ``scaling`` 2, as in Beaumont et al. (2009) and Lenormand et al.'s APMC, not a
    density estimate's bandwidth: Silverman's rule shrinks it with the effective sample size
    and so narrows the proposals as the weights degenerate, which degenerates them further.
    """
    return 1.0


def kernel_proposals(
    priors: dict[str, Prior],
    population: Population,
    size: int,
    rng: np.random.Generator,
    integer: set[str],
    valid: Callable[[dict[str, float]], bool],
) -> tuple[pd.DataFrame, np.ndarray]:
    """A later generation: ``size`` particles moved by the kernel fitted to ``population``.

    Returns:
        The proposals, and their weights: prior density over the kernel's mixture density.

    Raises:
        NoValidProposal: the kernel keeps proposing values outside the prior.

    """
    from pyabc.transition import MultivariateNormalTransition

    names = list(priors)
    # The kernel works in each parameter's prior standard deviations. In raw units a rate of
    # 0.001 beside a count of 100 gives a covariance whose smallest eigenvalue scipy takes for
    # zero (its cut-off is relative to the largest): the density then drops that dimension, its
    # values lose their scale against the prior's, and the weights of later generations come
    # out thousands of times those of the prior's draws (seen on period_2013_2022: one particle
    # held all the weight after three generations).
    scale = np.sqrt([p.variance() for p in priors.values()])
    kernel = MultivariateNormalTransition(scaling=2.0, bandwidth_selector=_no_bandwidth)
    weights = population.normalised()
    kernel.fit(population.values[names] / scale, weights)
    centres = population.values[names].to_numpy(float) / scale
    cov = np.atleast_2d(kernel.cov)

    def draw(n: int) -> np.ndarray:
        picked = centres[rng.choice(len(centres), size=n, p=weights)]
        noise = rng.multivariate_normal(np.zeros(len(names)), cov, size=n, method="cholesky")
        return _round((picked + noise) * scale, names, integer)

    values, inside = _fill(draw, size, names, priors, valid)
    frame = pd.DataFrame(values, columns=names)
    # Proposals outside the prior are drawn again, so the proposal is the kernel cut to the
    # prior: its density is the kernel's over the share of draws kept (estimated from the
    # draws themselves). Without it the new particles would outweigh the pooled older ones.
    density = np.atleast_1d(kernel.pdf(frame / scale)) / np.prod(scale) / inside
    return frame, joint_density(priors, values) / density


def _fill(
    draw: Callable[[int], np.ndarray],
    size: int,
    names: list[str],
    priors: dict[str, Prior],
    valid: Callable[[dict[str, float]], bool],
) -> tuple[np.ndarray, float]:
    """Draw until ``size`` proposals lie inside the prior and make valid scenarios, in order.

    Returns:
        The proposals, and the share of all draws that were kept.

    """
    kept: list[np.ndarray] = []
    drawn = 0
    for _ in range(MAX_REDRAWS):
        need = size - len(kept)
        if need <= 0:
            break
        batch = draw(need)
        drawn += len(batch)
        inside = joint_density(priors, batch) > 0
        for row in batch[inside]:
            if valid(dict(zip(names, row, strict=True))):
                kept.append(row)
    if len(kept) < size:
        raise NoValidProposal(
            f"after {MAX_REDRAWS} rounds only {len(kept)} of {size} proposals were inside the "
            "prior and made a valid scenario"
        )
    return np.vstack(kept[:size]), len(kept) / drawn


def select(kept: Population | None, new: Population, size: int) -> tuple[Population, float, float]:
    """Pool the kept particles with the new ones and keep the ``size`` closest.

    Ties are broken by order (kept ones first, then proposals in their order), so the choice
    never depends on anything but the numbers.

    Returns:
        The next population, its tolerance (the largest kept distance) and the acceptance rate
        (the share of new particles within the previous tolerance; 1 in generation 0).

    """
    if kept is None:
        pool, acceptance = new, 1.0
    else:
        previous = float(np.max(kept.distance))
        acceptance = float(np.mean(new.distance <= previous))
        pool = Population(
            pd.concat([kept.values, new.values], ignore_index=True),
            np.concatenate([kept.weight, new.weight]),
            np.concatenate([kept.distance, new.distance]),
            np.concatenate([kept.born, new.born]),
        )
    order = np.argsort(pool.distance, kind="stable")[:size]
    chosen = Population(
        pool.values.iloc[order].reset_index(drop=True),
        pool.weight[order],
        pool.distance[order],
        pool.born[order],
    )
    return chosen, float(np.max(chosen.distance)), acceptance
