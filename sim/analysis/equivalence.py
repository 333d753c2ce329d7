"""Equivalence of two ensembles: two one-sided tests (TOST) on a statistic, Holm-corrected.

Failing to find a difference is not evidence of sameness: with few runs any two models look
alike. An equivalence test turns the question round. Its null hypothesis is that the two
ensembles differ by at least a margin stated beforehand (``|effect| >= margin``); rejecting it
shows that they differ by less. Two one-sided tests (Schuirmann 1987) reject both
``effect <= -margin`` and ``effect >= margin``; the TOST p-value is the larger of the two.

The effect is a difference of medians (or of shares, for a yes/no outcome) in the outcome's
units, or the log of a ratio of medians (margin ``log(1 + relative margin)``) where "within
10%" is the question. Its sampling distribution is a bootstrap over runs (scipy's
``bootstrap``, independent resampling of each ensemble): the p-value of each one-sided test is
the share of bootstrap effects on the far side of its bound, which inverts the percentile
interval (at level ``alpha`` the test rejects exactly when the ``1 - 2 alpha`` percentile
interval lies inside the margins). The bootstrap rather than a Mann-Whitney test because the
margins are stated on medians and shares, the quantities the project reports, while a
rank test's shift parameter (Hodges-Lehmann) assumes a location-shift model that skewed,
zero-heavy death counts do not follow.

Several outcomes are tested at once: Holm's step-down correction keeps the chance of declaring
any non-equivalent outcome equivalent at ``alpha`` (familywise), whatever their dependence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

TOST_RESAMPLES = 10_000
"""Bootstrap resamples behind a TOST p-value (its resolution is 1 / resamples)."""


@dataclass(frozen=True)
class Tost:
    """One outcome's equivalence test.

    Attributes:
        effect: the observed effect (B minus A, or log of B over A).
        low, high: the ``1 - 2 alpha`` percentile interval of the effect.
        margin: the equivalence margin, in the effect's units (``effect`` within +-margin).
        p_value: the TOST p-value (the larger of the two one-sided p-values).

    """

    effect: float
    low: float
    high: float
    margin: float
    p_value: float


def _median_difference(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.median(b, axis=axis) - np.median(a, axis=axis)


def _mean_difference(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(b, axis=axis) - np.mean(a, axis=axis)


def _log_median_ratio(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.median(b, axis=axis)) - np.log(np.median(a, axis=axis))


EFFECTS = {
    "median_difference": _median_difference,
    "share_difference": _mean_difference,
    "log_median_ratio": _log_median_ratio,
}
"""The effects a TOST can be run on, by name: B's statistic against A's."""


def tost(
    a: Sequence[float],
    b: Sequence[float],
    margin: float,
    effect: str = "median_difference",
    alpha: float = 0.05,
    resamples: int = TOST_RESAMPLES,
    seed: int = 0,
) -> Tost:
    """Two one-sided tests that B's statistic is within ``margin`` of A's.

    Args:
        a: the reference ensemble's per-run values.
        b: the other ensemble's per-run values (runs independent of ``a``'s).
        margin: the equivalence margin (> 0) in the effect's units; for ``log_median_ratio``
            pass ``log(1 + relative margin)``.
        effect: ``median_difference``, ``share_difference`` (values 0/1) or
            ``log_median_ratio`` (values > 0).
        alpha: the level of each one-sided test; the reported interval is ``1 - 2 alpha``.
        resamples: bootstrap resamples.
        seed: seed of the bootstrap's generator (the same data give the same p-value).

    Returns:
        The effect, its ``1 - 2 alpha`` interval, the margin and the TOST p-value.

    Raises:
        ValueError: on a margin that is not positive, an unknown effect, or an empty sample.

    """
    if not margin > 0:
        raise ValueError(f"margin must be positive, got {margin}")
    if effect not in EFFECTS:
        raise ValueError(f"effect must be one of {sorted(EFFECTS)}, got {effect!r}")
    x, y = (np.asarray(v, dtype=float) for v in (a, b))
    if len(x) == 0 or len(y) == 0:
        raise ValueError("both samples need at least one value")
    statistic = EFFECTS[effect]
    observed = float(statistic(x, y))
    if np.all(x == x[0]) and np.all(y == y[0]):
        # Constant samples: no resample differs from the observation.
        draws = np.full(resamples, observed)
    else:
        result = stats.bootstrap(
            (x, y),
            statistic,
            paired=False,
            vectorized=True,
            n_resamples=resamples,
            confidence_level=1 - 2 * alpha,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
        draws = np.asarray(result.bootstrap_distribution, dtype=float)
    draws = np.where(np.isnan(draws), np.inf, draws)  # an undefined ratio counts as far off
    low, high = np.quantile(draws, [alpha, 1 - alpha])
    p_below = float(np.mean(draws <= -margin))  # H0: effect <= -margin
    p_above = float(np.mean(draws >= margin))  # H0: effect >= +margin
    return Tost(observed, float(low), float(high), float(margin), max(p_below, p_above))


def holm(p_values: Sequence[float], alpha: float = 0.05) -> np.ndarray:
    """Holm's step-down test: which hypotheses are rejected at familywise level ``alpha``.

    Sorted ascending, the i-th smallest p-value (from 0) is compared with ``alpha / (m - i)``;
    rejection stops at the first that fails, and every later one is kept.
    """
    p = np.asarray(p_values, dtype=float)
    rejected = np.zeros(len(p), dtype=bool)
    for rank, index in enumerate(np.argsort(p, kind="stable")):
        if p[index] > alpha / (len(p) - rank):
            break
        rejected[index] = True
    return rejected


def holm_adjusted(p_values: Sequence[float]) -> np.ndarray:
    """Holm-adjusted p-values: reject at level ``alpha`` where the adjusted value <= ``alpha``."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out
