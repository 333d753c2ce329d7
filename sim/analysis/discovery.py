"""Scenario discovery: which regions of parameter space lead to an outcome.

After a sweep, an analyst asks "under which conditions does the patron leave?". Following the
scenario-discovery practice of robust decision making (Bryant and Lempert 2010; Kwakkel's EMA
Workbench), the runs are the data: their parameters as inputs, a 0/1 outcome as the target.
Two methods find boxes of parameter space, each stated in words with the two
scenario-discovery measures:

* density: the share of the box's runs in which the outcome happens;
* coverage: the share of all runs in which the outcome happens that fall in the box.

``cart`` fits a shallow classification tree (CART, Breiman et al. 1984, Gini impurity;
scikit-learn's ``DecisionTreeClassifier``): every leaf is a box, so the boxes split all the
runs between them. A depth of two or three is what a reader can hold in mind. ``prim`` runs the
patient rule induction method (Friedman and Fisher 1999; the EMA Workbench's ``Prim``): it peels
thin slices off the parameter space while the share of outcome runs inside rises, and returns
the few boxes where the outcome concentrates.

For example: "foreign.wagner.risk_tolerance > 0.7 and foreign.wagner.commitment <= 0.4: the
outcome happens in 78% of the box's runs (31 of 40); the box holds 62% of all 50 runs in which
it happens".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

METHODS = ("cart", "prim")

PRIM_DENSITY = 0.8
"""PRIM keeps, on each peeling trajectory, the box with the most coverage among those at least
this dense (the EMA Workbench's customary threshold); when none is, the densest box."""

PRIM_MAX_BOXES = 3
"""At most this many PRIM boxes: each next one is found among the runs no earlier box holds."""

QUASI_P = 0.05
"""A PRIM box's restriction with a quasi-p value above this is dropped as noise."""

LOWER = (">", ">=")
"""Operators of a lower bound: CART's right branch (x > t) and a PRIM box's floor (x >= t)."""


@dataclass
class Box:
    """A box of parameter space: conditions on parameters, and the outcome's rate inside."""

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
        share = f"{self.density:.0%} of the box's runs ({self.hits} of {self.n})"
        if not self.hits:
            return f"{where}: {outcome} in {share}"
        total = round(self.hits / self.coverage)
        return (
            f"{where}: {outcome} in {share}; the box holds {self.coverage:.0%} of all {total} "
            "runs in which it happens"
        )

    def simplified(self) -> list[tuple[str, str, float]]:
        """Keep the tightest bound per parameter and side (x > 0.3 and x > 0.5: x > 0.5)."""
        best: dict[tuple[str, str], float] = {}
        for p, op, v in self.conditions:
            key = (p, op)
            if key not in best:
                best[key] = v
            else:
                best[key] = max(best[key], v) if op in LOWER else min(best[key], v)
        return [(p, op, v) for (p, op), v in best.items()]

    def contains(self, frame: pd.DataFrame) -> pd.Series:
        """Return which rows of ``frame`` fall in the box."""
        compare = {">": "gt", ">=": "ge", "<=": "le"}
        inside = pd.Series(True, index=frame.index)
        for p, op, v in self.conditions:
            inside &= getattr(frame[p], compare[op])(v)
        return inside


def discover(
    runs: pd.DataFrame,
    outcome: pd.Series,
    parameters: list[str],
    method: str = "cart",
    depth: int = 2,
    min_leaf: int | None = None,
) -> list[Box]:
    """Find the boxes of parameter space in which a 0/1 outcome happens, densest first.

    Args:
        runs: the runs table (parameter columns by dotted name).
        outcome: 0/1 per run (e.g. ``outcome_values(runs, "patron_withdraws")``); NaN runs
            are left out.
        parameters: the columns to split on (a sweep's axes).
        method: ``cart`` (a tree's leaves: boxes that share out all the runs) or ``prim`` (a
            few boxes where the outcome concentrates).
        depth: the tree's depth (2 or 3 keeps rules readable); CART only.
        min_leaf: fewest runs in a box; default 5% of the runs, at least 5. An outcome that
            always or never happens gives one box: all runs.

    Raises:
        ValueError: an unknown method, a parameter missing or not numeric, or an outcome that
            is not 0/1.

    """
    if method not in METHODS:
        raise ValueError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    missing = [p for p in parameters if p not in runs.columns]
    if missing:
        raise ValueError(f"parameters not in the runs table: {', '.join(missing)}")
    if not parameters:
        raise ValueError("no parameters to split on: the runs vary no parameter")
    y = np.asarray(outcome, dtype=float)
    keep = np.isfinite(y)
    if not set(np.unique(y[keep])) <= {0.0, 1.0}:
        raise ValueError("the outcome must be 0/1 (an event that happens in a run or not)")
    try:
        x = runs.loc[keep, parameters].astype(float).reset_index(drop=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"parameters must be numeric to split on: {exc}") from None
    y = y[keep].astype(int)
    min_leaf = min_leaf or max(5, int(0.05 * len(y)))
    if 0 < y.sum() < len(y) and method == "prim":
        return prim_boxes(x, y, min_mass=min(min_leaf / len(y), 1.0))
    return cart_boxes(x, y, depth=depth, min_leaf=min_leaf)


def cart_boxes(x: pd.DataFrame, y: np.ndarray, depth: int, min_leaf: int) -> list[Box]:
    """The leaves of a classification tree of ``y`` on ``x``, highest density first."""
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(
        criterion="gini",
        max_depth=depth,
        min_samples_leaf=min_leaf,
        # A split must lower the impurity: a split that changes nothing is a rule that says
        # nothing. A fixed seed breaks ties between equally good splits the same way each time.
        min_impurity_decrease=1e-12,
        random_state=0,
    ).fit(x.to_numpy(), y)
    nodes = tree.tree_
    leaf_of_run = tree.apply(x.to_numpy())
    total_hits = max(int(y.sum()), 1)
    leaves: list[Box] = []

    def walk(node: int, conditions: list[tuple[str, str, float]]) -> None:
        left, right = nodes.children_left[node], nodes.children_right[node]
        if left == right:  # a leaf
            inside = y[leaf_of_run == node]
            hits = int(inside.sum())
            leaves.append(Box(conditions, len(inside), hits, hits / total_hits))
            return
        name, threshold = x.columns[nodes.feature[node]], float(nodes.threshold[node])
        walk(left, [*conditions, (name, "<=", threshold)])
        walk(right, [*conditions, (name, ">", threshold)])

    walk(0, [])
    return sorted(leaves, key=lambda b: (-b.density, -b.n))


def prim_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    min_mass: float = 0.05,
    density: float = PRIM_DENSITY,
    max_boxes: int = PRIM_MAX_BOXES,
) -> list[Box]:
    """PRIM's boxes of ``y`` on ``x`` (the EMA Workbench), in the order PRIM found them.

    The first box is always returned (the densest on its trajectory when none reaches
    ``density``); later ones only when they reach ``density``. A box's bounds are stated only on
    the parameters it restricts.
    """
    import warnings

    with warnings.catch_warnings():
        # The workbench warns at import about optional parallel back ends it will not need.
        warnings.simplefilter("ignore")
        from ema_workbench.analysis.prim import Prim

    total_hits = max(int(y.sum()), 1)
    with warnings.catch_warnings():
        # pandas 3 deprecations inside the workbench's own code: not ours to act on.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        prim = Prim(x, y.astype(bool), mass_min=min_mass)
    full = prim.box_init
    boxes: list[Box] = []
    while len(boxes) < max_boxes:
        found = prim.find_box()
        if found is None:
            break
        trajectory = found.peeling_trajectory
        dense = trajectory[trajectory["density"] >= density]
        if dense.empty:
            if boxes:
                break
            dense = trajectory[trajectory["density"] == trajectory["density"].max()]
        # the most coverage, then the densest of those: the loosest box that is dense enough
        best = dense.sort_values(["coverage", "density"], ascending=False).index[0]
        found.select(int(best))
        limits = loosen(found, int(best))
        if found.yi is None or not len(found.yi):
            break
        conditions = []
        for name in x.columns:
            low, high = float(limits.loc[0, name]), float(limits.loc[1, name])
            if low > full.loc[0, name]:
                conditions.append((name, ">=", low))
            if high < full.loc[1, name]:
                conditions.append((name, "<=", high))
        hits = int(y[found.yi].sum())
        boxes.append(Box(conditions, len(found.yi), hits, hits / total_hits))
    return boxes


def loosen(found, i: int) -> pd.DataFrame:
    """Select box ``i`` of a PRIM trajectory without its insignificant bounds; its limits.

    Bryant and Lempert (2010): a bound whose quasi-p value (a one-sided binomial test of the
    box's density with and without it) is above ``QUASI_P`` is noise, so the box goes back to
    the full range on that side. The workbench's own ``drop_restriction`` frees both sides of a
    parameter at once; here each side is judged alone.
    """
    found.select(i)
    limits = found.box_lims[i].copy()
    full = found.prim.box_init
    loose = False
    for name, sides in found.p_values[i].items():
        for row, p in enumerate(sides):
            if p > QUASI_P:
                limits.loc[row, name] = full.loc[row, name]
                loose = True
    if loose:
        x = found.prim.x.loc[found.prim.yi_remaining]
        inside = ((x >= limits.loc[0]) & (x <= limits.loc[1])).all(axis=1).to_numpy()
        found.update(limits, found.prim.yi_remaining[inside])
    return limits


def discovery_report(
    runs: pd.DataFrame,
    outcome: str,
    parameters: list[str] | None = None,
    method: str = "cart",
    depth: int = 2,
) -> tuple[list[Box], list[str]]:
    """Boxes for a named outcome of a results table, and their sentences.

    The first sentence states the base rate, so each box can be read against it.

    Raises:
        KeyError: an unknown outcome.
        ValueError: see ``discover``.

    """
    from sim.analysis.outcomes import outcome_label, outcome_values
    from sim.analysis.results import swept_parameters

    values = outcome_values(runs, outcome)
    parameters = parameters or swept_parameters(runs)
    boxes = discover(runs, values, parameters, method=method, depth=depth)
    label = outcome_label(outcome)
    happened = int(np.nansum(values))
    counted = int(np.isfinite(values).sum())
    lines = [
        f"over all {counted} runs: {label} in {happened / max(counted, 1):.0%} of runs "
        f"({happened} of {counted})"
    ]
    lines += [box.describe(label) for box in boxes]
    return boxes, lines
