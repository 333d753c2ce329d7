"""Statistics of validation: samples, their 95% intervals, and the verdict.

A criterion's per-run sample gives a statistic (a share, a median, a ratio of medians) and its
95% interval; with the criterion's passing range they give a verdict, decided or undecided.

The intervals come from scipy: Wilson's score interval for a share (``binomtest``) and a
bootstrap over runs for a median or a ratio of medians (``scipy.stats.bootstrap``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.analysis.intervals import CONFIDENCE, wilson_interval

BOOTSTRAP_RESAMPLES = 2000
"""Resamples of the runs behind a median's or a ratio's interval."""

BOOTSTRAP_SEED = 0
"""Seed of the bootstrap's generator: the same sample always gives the same interval."""


@dataclass(frozen=True)
class Sample:
    """The per-run values behind a criterion's statistic.

    Attributes:
        values: one value per run: 1 or 0 for a share, a number (``inf``: never) for a median.
        kind: ``share`` (the mean of 0/1 values), ``median``, or ``ratio`` (the median of
            ``values`` over the median of ``baseline``, a second ensemble).
        baseline: the second ensemble's values, for a ratio.

    """

    values: np.ndarray
    kind: str = "median"
    baseline: np.ndarray | None = None

    @property
    def statistic(self) -> float:
        """The ensemble's statistic: a share, a median or a ratio of medians."""
        if len(self.values) == 0:
            return np.nan
        if self.kind == "share":
            return float(np.mean(self.values))
        if self.kind == "ratio":
            baseline = self.baseline if self.baseline is not None else np.array([])
            if len(baseline) == 0:
                return np.nan
            return float(ratio_of_medians(self.values, baseline))
        return float(np.median(self.values))

    def interval(self) -> tuple[float, float]:
        """A 95% interval for the statistic over ensembles of this size (NaN: none)."""
        if len(self.values) == 0:
            return (np.nan, np.nan)
        if self.kind == "share":
            return wilson_interval(int(round(np.sum(self.values))), len(self.values))
        samples = (self.values,) if self.kind == "median" else (self.values, self.baseline)
        if any(s is None or len(s) == 0 for s in samples):
            return (np.nan, np.nan)
        statistic = np.median if self.kind == "median" else ratio_of_medians
        return bootstrap_interval(samples, statistic)


def share(flags: Iterable[bool]) -> Sample:
    """A share of runs: one flag a run."""
    return Sample(np.asarray(list(flags), dtype=float), "share")


def median(values: Iterable[float]) -> Sample:
    """A median over runs: one value a run (``inf`` for never)."""
    return Sample(np.asarray(list(values), dtype=float), "median")


def ratio(values: Iterable[float], baseline: Iterable[float]) -> Sample:
    """A ratio of medians: one value a run of each of two ensembles."""
    return Sample(
        np.asarray(list(values), dtype=float), "ratio", np.asarray(list(baseline), dtype=float)
    )


def ratio_of_medians(values: np.ndarray, baseline: np.ndarray, axis: int = -1) -> np.ndarray:
    """The median of ``values`` over the median of ``baseline`` (x/0 is inf, 0/0 is NaN)."""
    top = np.asarray(np.median(values, axis=axis), dtype=float)
    bottom = np.asarray(np.median(baseline, axis=axis), dtype=float)
    out = np.array(np.broadcast_to(np.where(top > 0, np.inf, np.nan), bottom.shape))
    np.divide(top, bottom, out=out, where=bottom > 0)
    return out


def bootstrap_interval(samples: tuple[np.ndarray, ...], statistic) -> tuple[float, float]:
    """A percentile bootstrap interval of ``statistic(*samples, axis=-1)``.

    Each sample's runs are resampled independently, with a generator of fixed seed.

    The percentile method, not scipy's default BCa: the statistic is a median (not smooth),
    the values are often tied (whole days, zero deaths) or infinite ("never"), and BCa's
    jackknife acceleration is then unreliable or undefined; the percentile interval is made of
    values the statistic took in resamples, whatever their distribution. (It was also the
    method of the hand-written bootstrap this replaces.)
    """
    if all(len(np.unique(s)) <= 1 for s in samples):
        # Nothing varies (or one run): every resample gives the statistic itself, and scipy
        # needs two runs a sample.
        value = float(statistic(*samples, axis=-1))
        return (value, value)
    # scipy's quantile interpolates between resamples, and inf - inf is NaN: during the
    # resampling a "never" is a finite number above every real value, and any bound beyond the
    # real values is "never" again.
    finite = np.concatenate([s[np.isfinite(s)] for s in samples])
    top = float(np.max(np.abs(finite))) if len(finite) else 0.0
    never = 4 * top + 1
    shown = tuple(np.where(np.isposinf(s), never, s) for s in samples)
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        # A ratio whose baseline median is zero in some resamples gives infinite or NaN
        # resamples: scipy's standard error of them (unused here) is then inf - inf, and a NaN
        # bound (reported as "n/a", undecided) draws its DegenerateDataWarning.
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        result = stats.bootstrap(
            shown,
            statistic,
            paired=False,
            vectorized=True,
            n_resamples=BOOTSTRAP_RESAMPLES,
            confidence_level=CONFIDENCE,
            method="percentile",
            rng=np.random.default_rng(BOOTSTRAP_SEED),
        )
    low, high = (float(b) for b in result.confidence_interval)
    if any(np.isposinf(s).any() for s in samples):
        low, high = (np.inf if b > top else b for b in (low, high))
    return (low, high)


def passes(value: float, low: float | None, high: float | None) -> bool:
    """Whether a statistic lies in ``low <= value <= high`` (NaN and never do not)."""
    if value is None or not np.isfinite(value):
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def decided(
    value: float, interval: tuple[float, float], low: float | None, high: float | None
) -> bool:
    """Whether the whole 95% interval gives the statistic's verdict.

    When it does not (the interval spans a threshold), an ensemble of this size cannot tell a
    pass from a miss: the verdict is *undecided*, and more runs are needed.
    """
    bottom, top = interval
    if np.isnan(bottom) or np.isnan(top):
        return False
    floor = -np.inf if low is None else low
    ceiling = np.inf if high is None else high
    if passes(value, low, high):  # all of the interval in the passing range (a never is a miss)
        return floor <= bottom and top <= ceiling and np.isfinite(top)
    return top < floor or bottom > ceiling
