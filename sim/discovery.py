"""Scenario discovery: which regions of parameter space lead to an outcome.

After a sweep, an analyst asks "under which conditions does the patron leave?". Following the
scenario-discovery practice of robust decision making (Bryant and Lempert 2010; Kwakkel's EMA
Workbench), this module fits a shallow classification tree (CART, Breiman et al. 1984, Gini
impurity) to the runs: parameters as inputs, a 0/1 outcome as the target. Each leaf is a box
of parameter space, stated in words with its two scenario-discovery measures:

* density: the share of runs in the box in which the outcome happens;
* coverage: the share of all runs with the outcome that fall in the box.

For example: "foreign.wagner.risk_tolerance > 0.7 and foreign.wagner.commitment <= 0.4: the
outcome happens in 78% of runs (31 of 40; 62% of all such runs)".

The tree is small and written here in numpy (no scikit-learn dependency): a depth of two or
three is what a reader can hold in mind, and what scenario discovery recommends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Box:
    """A leaf of the tree: conditions on parameters, and the outcome's rate inside."""

    conditions: list[tuple[str, str, float]] = field(default_factory=list)
    n: int = 0
    hits: int = 0
    coverage: float = 0.0

    @property
    def density(self) -> float:
        """Share of the box's runs in which the outcome happens."""
        return self.hits / self.n if self.n else float("nan")

    def describe(self, outcome: str = "the outcome happens") -> str:
        """Return the box in words."""
        where = " and ".join(f"{p} {op} {v:.3g}" for p, op, v in self.simplified())
        where = where or "all runs"
        return (
            f"{where}: {outcome} in {self.density:.0%} of runs "
            f"({self.hits} of {self.n}; {self.coverage:.0%} of all such runs)"
        )

    def simplified(self) -> list[tuple[str, str, float]]:
        """Keep the tightest bound per parameter and side (x > 0.3 and x > 0.5: x > 0.5)."""
        best: dict[tuple[str, str], float] = {}
        for p, op, v in self.conditions:
            key = (p, op)
            if key not in best:
                best[key] = v
            else:
                best[key] = max(best[key], v) if op == ">" else min(best[key], v)
        return [(p, op, v) for (p, op), v in best.items()]

    def contains(self, frame: pd.DataFrame) -> pd.Series:
        """Return which rows of ``frame`` fall in the box."""
        inside = pd.Series(True, index=frame.index)
        for p, op, v in self.conditions:
            inside &= frame[p] > v if op == ">" else frame[p] <= v
        return inside


def _gini(hits: np.ndarray, n: np.ndarray) -> np.ndarray:
    p = np.divide(hits, n, out=np.zeros_like(hits, dtype=float), where=n > 0)
    return 2 * p * (1 - p)


def _best_split(x: np.ndarray, y: np.ndarray, min_leaf: int) -> tuple[int, float, float] | None:
    """Find the (column, threshold, impurity decrease) of the best split, or None."""
    n = len(y)
    parent = _gini(np.array([y.sum()]), np.array([n]))[0]
    best = None
    for j in range(x.shape[1]):
        order = np.argsort(x[:, j], kind="stable")
        xs, ys = x[order, j], y[order]
        left_n = np.arange(1, n)
        left_hits = np.cumsum(ys)[:-1]
        right_n = n - left_n
        right_hits = ys.sum() - left_hits
        valid = (xs[1:] > xs[:-1]) & (left_n >= min_leaf) & (right_n >= min_leaf)
        if not valid.any():
            continue
        child = (left_n * _gini(left_hits, left_n) + right_n * _gini(right_hits, right_n)) / n
        gain = np.where(valid, parent - child, -np.inf)
        i = int(np.argmax(gain))
        if gain[i] > 1e-12 and (best is None or gain[i] > best[2]):
            best = (j, float((xs[i] + xs[i + 1]) / 2), float(gain[i]))
    return best


def discover(
    runs: pd.DataFrame,
    outcome: pd.Series,
    parameters: list[str],
    depth: int = 2,
    min_leaf: int | None = None,
) -> list[Box]:
    """Fit a shallow classification tree and return its leaves, highest density first.

    Args:
        runs: the runs table (parameter columns by dotted name).
        outcome: 0/1 per run (e.g. ``sim.plots.outcome_values(runs, "patron_withdraws")``).
        parameters: the columns to split on (a sweep's axes).
        depth: the tree's depth (2 or 3 keeps rules readable).
        min_leaf: fewest runs in a leaf; default 5% of the runs, at least 5.

    Raises:
        ValueError: a parameter is missing or not numeric, or the outcome is not 0/1.

    """
    missing = [p for p in parameters if p not in runs.columns]
    if missing:
        raise ValueError(f"parameters not in the runs table: {', '.join(missing)}")
    if not parameters:
        raise ValueError("no parameters to split on: the runs vary no parameter")
    y = np.asarray(outcome, dtype=float)
    keep = np.isfinite(y)
    if not set(np.unique(y[keep])) <= {0.0, 1.0}:
        raise ValueError("the outcome must be 0/1 (an event that happens in a run or not)")
    x = runs.loc[keep, parameters].to_numpy(dtype=float)
    y = y[keep].astype(int)
    min_leaf = min_leaf or max(5, int(0.05 * len(y)))
    total_hits = max(int(y.sum()), 1)
    leaves: list[Box] = []

    def grow(rows: np.ndarray, conditions: list, level: int) -> None:
        ys = y[rows]
        split = None
        if level < depth and 0 < ys.sum() < len(ys):
            split = _best_split(x[rows], ys, min_leaf)
        if split is None:
            leaves.append(Box(list(conditions), len(ys), int(ys.sum()), ys.sum() / total_hits))
            return
        j, threshold, _ = split
        left = rows[x[rows, j] <= threshold]
        right = rows[x[rows, j] > threshold]
        grow(left, [*conditions, (parameters[j], "<=", threshold)], level + 1)
        grow(right, [*conditions, (parameters[j], ">", threshold)], level + 1)

    grow(np.arange(len(y)), [], 0)
    return sorted(leaves, key=lambda b: (-b.density, -b.n))


def discovery_report(
    runs: pd.DataFrame, outcome: str, parameters: list[str] | None = None, depth: int = 2
) -> tuple[list[Box], list[str]]:
    """Leaves for a named outcome of a results table, and their sentences.

    The first sentence states the base rate, so each box can be read against it.
    """
    from sim.plots import BINARY_OUTCOMES, outcome_label, outcome_values, swept_parameters

    values = outcome_values(runs, outcome)
    parameters = parameters or swept_parameters(runs)
    boxes = discover(runs, values, parameters, depth=depth)
    label = BINARY_OUTCOMES[outcome].label if outcome in BINARY_OUTCOMES else outcome_label(outcome)
    lines = [f"over all {len(values)} runs: {label} in {np.nanmean(values):.0%} of runs"]
    lines += [box.describe(label) for box in boxes]
    return boxes, lines
