"""The 95% intervals the project reports, for figures, summaries, comparisons and validation.

A share of runs gets Wilson's interval; a median, and a difference between two sets of runs,
a bootstrap interval (scipy).
"""

from __future__ import annotations

from scipy import stats

CONFIDENCE = 0.95
"""Confidence level of every interval the project reports."""


def wilson_interval(hits: int, runs: int) -> tuple[float, float]:
    """Wilson's score interval for a share of ``hits`` in ``runs`` (scipy's ``binomtest``).

    It stays inside 0-1 and keeps a width at 0 of n and n of n, where the normal approximation
    collapses to a point; no runs give no interval (NaN, NaN).
    """
    if runs == 0:
        return float("nan"), float("nan")
    ci = stats.binomtest(hits, runs).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return float(ci.low), float(ci.high)


RESAMPLES = 2000
"""Bootstrap resamples: enough that the interval's ends move by well under its width between
seeds; the seed is fixed, so a summary prints the same interval each time."""


def median_interval(values) -> tuple[float, float]:
    """A 95% bootstrap interval of the median of ``values`` (scipy's ``bootstrap``, percentile).

    Fewer than two values give no interval (NaN, NaN); values all equal give the value itself.
    """
    import numpy as np

    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if len(data) < 2:
        return float("nan"), float("nan")
    if np.ptp(data) == 0:
        return float(data[0]), float(data[0])
    result = stats.bootstrap(
        (data,),
        np.median,
        confidence_level=CONFIDENCE,
        n_resamples=RESAMPLES,
        method="percentile",
        rng=np.random.default_rng(0),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def difference_interval(baseline, other, paired: bool, statistic=None) -> tuple[float, float]:
    """A 95% bootstrap interval of ``statistic(other) - statistic(baseline)`` (default: median).

    Paired runs (the same run ids and seeds in both) are resampled together, so the interval
    keeps what the two share (the same draws of chance); unpaired, each is resampled alone.
    Fewer than two values on a side give no interval (NaN, NaN).
    """
    import numpy as np

    statistic = statistic or np.median
    a = np.asarray(baseline, dtype=float)
    b = np.asarray(other, dtype=float)
    if paired:
        keep = np.isfinite(a) & np.isfinite(b)
        a, b = a[keep], b[keep]
    else:
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if len(a) < 2 or len(b) < 2:
        return float("nan"), float("nan")
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        point = float(statistic(b) - statistic(a))
        return point, point

    def difference(x, y, axis=-1):
        return statistic(y, axis=axis) - statistic(x, axis=axis)

    result = stats.bootstrap(
        (a, b),
        difference,
        paired=paired,
        confidence_level=CONFIDENCE,
        n_resamples=RESAMPLES,
        method="percentile",
        rng=np.random.default_rng(0),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)
