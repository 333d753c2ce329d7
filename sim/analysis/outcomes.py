"""The outcome catalogue: what an analyst asks of a run, computed from the runs table.

An outcome is a numeric column of ``runs.parquet`` (``deaths_civilians``, ``lens_bamako``...)
or a named event built from several columns (``patron_withdraws``: any foreign force left by its
own decision). Each has a label with its unit, the one every figure and report prints. The
three lenses of success (Western, Bamako, patron) are outcomes too; a run succeeds by a lens
when its score is above one half.

No matplotlib here: the sensitivity engine and scenario discovery use the catalogue without
drawing anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.style import actor_label


@dataclass(frozen=True)
class Outcome:
    """A named outcome of a run: a number (or a 0/1 event) computed from the runs table."""

    name: str
    label: str
    binary: bool
    compute: Callable[[pd.DataFrame], pd.Series]


def _withdrew(runs: pd.DataFrame) -> pd.Series:
    cols = [c for c in runs.columns if c.startswith("withdrew_foreign_")]
    if not cols:
        return pd.Series(np.nan, index=runs.index)
    return runs[cols].fillna(False).astype(bool).any(axis=1).astype(float)


def _mass_casualty(runs: pd.DataFrame) -> pd.Series:
    cols = [c for c in runs.columns if c.startswith("max_engagement_deaths_foreign_")]
    if not cols:
        return pd.Series(np.nan, index=runs.index)
    # The scenario's own threshold, the one the patron's decision reacts to (politics section).
    threshold = runs.get("politics.mass_casualty_threshold", pd.Series(50, index=runs.index))
    return (runs[cols].max(axis=1) >= threshold).astype(float)


BINARY_OUTCOMES: dict[str, Outcome] = {
    "patron_withdraws": Outcome("patron_withdraws", "a foreign patron withdraws", True, _withdrew),
    "state_holds_kidal": Outcome(
        "state_holds_kidal",
        "the state holds Kidal at the end",
        True,
        lambda r: (r["holder_kidal"] == "state").astype(float),
    ),
    "mass_casualty_defeat": Outcome(
        "mass_casualty_defeat",
        "a foreign force suffers a mass-casualty defeat",
        True,
        _mass_casualty,
    ),
}

OUTCOME_LABELS = {
    "deaths_state": "state forces killed (men)",
    "deaths_separatists": "separatists killed (men)",
    "deaths_jihadists": "jihadists killed (men)",
    "deaths_civilians": "civilians killed (people)",
    "pop_share_state": "population under state control (share)",
    "pop_share_jihadists": "population under jihadist control (share)",
    "pop_share_state_north": "north's population under the state (share)",
    "pop_share_jihadists_centre": "centre's population under jihadists (share)",
    "area_share_state": "territory under state control (share)",
    "regime_popularity_end": "regime popularity at the end (0-1)",
    "lens_western": "Western lens score (0-1, higher is better)",
    "lens_bamako": "Bamako lens score (0-1, higher is better)",
    "lens_patron": "patron lens score (0-1, higher is better)",
}

DEFAULT_OUTCOMES = ("deaths_civilians", "pop_share_state", "regime_popularity_end", "lens_bamako")


def outcome_label(name: str) -> str:
    """Return a readable label with units for an outcome or column name."""
    if name in BINARY_OUTCOMES:
        return BINARY_OUTCOMES[name].label
    if name in OUTCOME_LABELS:
        return OUTCOME_LABELS[name]
    m = re.fullmatch(r"deaths_foreign_(\w+)", name)
    if m:
        return f"{actor_label(m.group(1))} killed (men)"
    m = re.fullmatch(r"max_engagement_deaths_foreign_(\w+)", name)
    if m:
        return f"{actor_label(m.group(1))}'s worst loss in one engagement (men)"
    m = re.fullmatch(r"civilians_killed_by_(\w+)", name)
    if m:
        return f"civilians killed by {actor_label(m.group(1))} (people)"
    return name.replace("_", " ")


def parameter_label(name: str) -> str:
    """Return the last parts of a dotted parameter name, readable (``wagner risk tolerance``)."""
    parts = name.split(".")
    return " ".join(p.replace("_", " ") for p in parts[-2:])


def outcome_values(runs: pd.DataFrame, name: str) -> pd.Series:
    """Compute an outcome per run: a named binary outcome (0/1) or a numeric column of ``runs``.

    Raises:
        KeyError: the name is neither a named outcome nor a numeric column.

    """
    if name in BINARY_OUTCOMES:
        return BINARY_OUTCOMES[name].compute(runs)
    if name not in runs.columns:
        known = ", ".join([*BINARY_OUTCOMES, *DEFAULT_OUTCOMES])
        raise KeyError(f"unknown outcome {name!r}: a column of runs.parquet or one of {known}")
    values = runs[name]
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float)
    if not pd.api.types.is_numeric_dtype(values):
        raise KeyError(f"outcome {name!r} is not numeric (its column holds {values.dtype})")
    return values.astype(float)


def is_binary(runs: pd.DataFrame, name: str) -> bool:
    """Whether an outcome is an event (0/1), to plot as a probability."""
    if name in BINARY_OUTCOMES:
        return True
    return name in runs.columns and pd.api.types.is_bool_dtype(runs[name])


# --- lenses ---------------------------------------------------------------------------------------
LENSES = ("lens_bamako", "lens_western", "lens_patron")
LENS_NAMES = {"lens_western": "Western", "lens_bamako": "Bamako", "lens_patron": "patron"}
SUCCESS = 0.5  # a lens score above one half counts as success by that lens (scores are 0-1)


def lens_disagreement(runs: pd.DataFrame) -> float:
    """Share of runs that succeed by the Bamako lens and fail by the Western one, or vice versa."""
    bamako = runs["lens_bamako"] > SUCCESS
    western = runs["lens_western"] > SUCCESS
    return float((bamako != western).mean())
