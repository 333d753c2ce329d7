"""The one 95% interval of a share of runs, for figures, summaries and validation alike."""

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
