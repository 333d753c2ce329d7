"""The lenses judged on stored results: re-scoring, each design's medians, and disagreements.

``rescore`` scores a runs table with a lens file (``sim.lenses``: the same formulas the model
scores its own rows with). ``design_summary`` gives each design of a sweep (or each scenario of
a run folder) each lens's median with its 95% interval; ``preferred_designs`` names the design
each judge ranks first; ``opposed_pairs`` finds the pairs of designs two lenses rank in
opposite orders, each order settled (the two medians' 95% intervals do not overlap, by either
lens). These are what ``malisim lenses`` prints and ``malisim plot --kind lenses`` draws.
"""

from __future__ import annotations

import itertools

import pandas as pd

from sim.analysis.intervals import median_interval
from sim.analysis.outcomes import LENS_NAMES
from sim.lenses import LensFile, score_lenses

MAIN_LENSES = ("lens_western", "lens_bamako", "lens_patron")
"""The three judges whose preferences are compared."""

IDENTITY = ("run_id", "seed", "scenario", "point", "replicate")
"""Columns that say which run a row is, carried into a re-scored table."""


def rescore(runs: pd.DataFrame, lenses: LensFile, swept: list[str]) -> pd.DataFrame:
    """A table of each run's identity, its swept parameters and its lens scores.

    Raises:
        KeyError: the runs table lacks a column the lens file's weighed terms read.

    """
    keep = [c for c in (*IDENTITY, *swept) if c in runs.columns]
    scores = score_lenses(runs, lenses)
    return pd.concat([runs[keep].reset_index(drop=True), scores.reset_index(drop=True)], axis=1)


def design_keys(scored: pd.DataFrame, swept: list[str]) -> list[str]:
    """The columns that tell designs apart: a sweep's swept parameters, else the scenario."""
    keys = [p for p in swept if p in scored.columns]
    return keys or ["scenario"]


def design_label(values: tuple | object, keys: list[str]) -> str:
    """A design in words: ``commitment=0.2, risk_tolerance=0.9`` (the names' last parts)."""
    values = values if isinstance(values, tuple) else (values,)
    if keys == ["scenario"]:
        return str(values[0])
    return ", ".join(
        f"{k.rsplit('.', 1)[-1]}={v:.3g}" if isinstance(v, float) else f"{k.rsplit('.', 1)[-1]}={v}"
        for k, v in zip(keys, values, strict=True)
    )


def lens_columns(scored: pd.DataFrame) -> list[str]:
    """The lens columns of a scored table: the three, then each patron's (several forces)."""
    patrons = [c for c in scored.columns if c.startswith("lens_patron_foreign_")]
    return [*MAIN_LENSES, *(patrons if len(patrons) > 1 else [])]


def design_summary(scored: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per design and lens: runs, median and its 95% interval (bootstrap), one row each.

    Columns: the design's keys, ``design`` (its label), ``lens``, ``runs``, ``median``,
    ``low``, ``high``. A lens with no score in a design (no foreign force) is left out.
    """
    rows = []
    for values, group in scored.groupby(keys, sort=True):
        label = design_label(values, keys)
        values = values if isinstance(values, tuple) else (values,)
        for lens in lens_columns(scored):
            scores = group[lens].dropna()
            if scores.empty:
                continue
            low, high = median_interval(scores)
            rows.append(
                {
                    **dict(zip(keys, values, strict=True)),
                    "design": label,
                    "lens": lens,
                    "runs": len(scores),
                    "median": float(scores.median()),
                    "low": low,
                    "high": high,
                }
            )
    return pd.DataFrame(rows)


def preferred_designs(summary: pd.DataFrame) -> pd.DataFrame:
    """Each lens's best design (highest median), with its median and interval."""
    best = summary.loc[summary.groupby("lens", sort=False)["median"].idxmax()]
    return best.reset_index(drop=True)


def opposed_pairs(summary: pd.DataFrame, lenses: tuple[str, ...] = MAIN_LENSES) -> pd.DataFrame:
    """Pairs of designs that two lenses rank in opposite orders, each order settled.

    Lens A prefers design X to design Y when the lower end of X's 95% interval under A is above
    the upper end of Y's (the intervals do not overlap); lens B prefers Y to X the same way.
    Rows: ``lens_a``, ``lens_b``, ``preferred_by_a``, ``preferred_by_b`` (design labels), the
    four medians and intervals, and ``margin``: the smaller of the two gaps between intervals
    (how clear the weaker of the two orders is). Sorted by ``margin``, clearest first.
    """
    columns = [
        "lens_a",
        "lens_b",
        "preferred_by_a",
        "preferred_by_b",
        "a_of_a_choice",
        "a_of_b_choice",
        "b_of_a_choice",
        "b_of_b_choice",
        "margin",
    ]
    rows = []
    for lens_a, lens_b in itertools.combinations(lenses, 2):
        a = summary[summary["lens"] == lens_a].set_index("design")
        b = summary[summary["lens"] == lens_b].set_index("design")
        designs = a.index.intersection(b.index)
        for x, y in itertools.permutations(designs, 2):
            gap_a = a.at[x, "low"] - a.at[y, "high"]  # A prefers x, settled if > 0
            gap_b = b.at[y, "low"] - b.at[x, "high"]  # B prefers y, settled if > 0
            if gap_a > 0 and gap_b > 0:
                rows.append(
                    [
                        lens_a,
                        lens_b,
                        x,
                        y,
                        _interval(a.loc[x]),
                        _interval(a.loc[y]),
                        _interval(b.loc[x]),
                        _interval(b.loc[y]),
                        float(min(gap_a, gap_b)),
                    ]
                )
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("margin", ascending=False, kind="stable").reset_index(drop=True)


def _interval(row: pd.Series) -> str:
    return f"{row['median']:.2f} ({row['low']:.2f}-{row['high']:.2f})"


def rank_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Each design's rank under each lens (1: its best design), designs as rows."""
    medians = summary.pivot_table(index="design", columns="lens", values="median", sort=False)
    return medians.rank(ascending=False, method="min")


def describe_pair(row: pd.Series) -> str:
    """One opposed pair in words."""
    a = LENS_NAMES.get(row["lens_a"], row["lens_a"])
    b = LENS_NAMES.get(row["lens_b"], row["lens_b"])
    return (
        f"{a} prefers [{row['preferred_by_a']}] to [{row['preferred_by_b']}] "
        f"({row['a_of_a_choice']} vs {row['a_of_b_choice']}); "
        f"{b} the other way ({row['b_of_b_choice']} vs {row['b_of_a_choice']})"
    )


def spearman(ranks: pd.DataFrame, lens_a: str, lens_b: str) -> float:
    """Spearman's rank correlation of two lenses' design ranks (NaN with under 3 designs)."""
    from scipy import stats

    pair = ranks[[lens_a, lens_b]].dropna()
    if len(pair) < 3 or pair[lens_a].nunique() < 2 or pair[lens_b].nunique() < 2:
        return float("nan")
    return float(stats.spearmanr(pair[lens_a], pair[lens_b]).statistic)
