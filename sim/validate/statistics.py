"""Statistics of validation: per-run samples, their statistic and its 95% interval."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

BOOTSTRAP_RESAMPLES = 2000
"""Resamples of the runs behind a median's 95% interval (a fixed seed: the report is stable)."""


@dataclass(frozen=True)
class Sample:
    """The per-run values behind a criterion's statistic, and its 95% interval.

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
        return _statistic(self.kind, self.values, self.baseline)

    def interval(self) -> tuple[float, float]:
        """A 95% interval for the statistic over ensembles of this size.

        Wilson's score interval for a share; a percentile bootstrap over runs (resampled with a
        fixed seed) for a median or a ratio of medians.
        """
        n = len(self.values)
        if n == 0:
            return (np.nan, np.nan)
        if self.kind == "share":
            p, z = float(np.mean(self.values)), 1.959964
            centre = (p + z * z / (2 * n)) / (1 + z * z / n)
            half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
            return (max(0.0, centre - half), min(1.0, centre + half))
        rng = np.random.default_rng(0)
        draws = rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))
        others = None
        if self.baseline is not None and len(self.baseline):
            m = len(self.baseline)
            others = rng.integers(0, m, size=(BOOTSTRAP_RESAMPLES, m))
        stats = np.array(
            [
                _statistic(
                    self.kind,
                    self.values[draws[i]],
                    None if others is None else self.baseline[others[i]],
                )
                for i in range(BOOTSTRAP_RESAMPLES)
            ]
        )
        # ``method="lower"/"higher"`` keep an infinite ("never") bound without NaN arithmetic.
        return (
            float(np.percentile(stats, 2.5, method="lower")),
            float(np.percentile(stats, 97.5, method="higher")),
        )


def _statistic(kind: str, values: np.ndarray, baseline: np.ndarray | None) -> float:
    if len(values) == 0:
        return np.nan
    if kind == "share":
        return float(np.mean(values))
    if kind == "ratio":
        base = float(np.median(baseline)) if baseline is not None and len(baseline) else np.nan
        top = float(np.median(values))
        if base > 0:
            return top / base
        return np.inf if top > 0 else np.nan
    return float(np.median(values))


def _share(flags: Iterable[bool]) -> Sample:
    return Sample(np.asarray(list(flags), dtype=float), "share")


def _median(values: Iterable[float]) -> Sample:
    return Sample(np.asarray(list(values), dtype=float), "median")
