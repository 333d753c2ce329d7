"""A calibration's figures: the posterior against the prior, and the posterior predictive check.

- ``marginals``: each parameter's weighted posterior histogram over its prior density;
- ``pairs``: each pair of parameters, particles sized by weight, within the prior's 99% box;
- ``predictive``: each target's distribution over runs drawn from the posterior, against the
  record's value and 90% interval.

Colours are the project's one palette (``sim.analysis.style``).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.outcomes import parameter_label
from sim.analysis.style import PALETTE, title_figure
from sim.calibrate.file import Calibration

POSTERIOR = PALETTE["blue"]
PRIOR = PALETTE["grey"]
RECORD = PALETTE["vermillion"]


def _grid(n: int):
    import matplotlib.pyplot as plt

    cols = min(3, max(1, n))
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def plot_marginals(calibration: Calibration, posterior: pd.DataFrame):
    """Each parameter's posterior histogram (weighted) over its prior density."""
    from matplotlib.ticker import MaxNLocator

    fig, axes = _grid(len(calibration.priors))
    weights = posterior["weight"].to_numpy(float)
    for ax, (name, prior) in zip(axes, calibration.priors.items(), strict=False):
        low, high = prior.quantiles([0.005, 0.995])
        grid = np.linspace(low, high, 200)
        ax.hist(
            posterior[name],
            bins=20,
            range=(low, high),
            weights=weights,
            density=True,
            color=POSTERIOR,
            alpha=0.7,
            label="posterior",
        )
        ax.plot(grid, prior.pdf(grid), color=PRIOR, lw=2, label="prior")
        ax.set_xlabel(parameter_label(name))
        ax.set_yticks([])
        ax.xaxis.set_major_locator(MaxNLocator(5))  # small rates' long labels would overlap
    axes[0].legend(frameon=False)
    title_figure(fig, f"{calibration.name}: posterior ({len(posterior)} particles) against prior")
    fig.tight_layout()
    return fig


def plot_pairs(calibration: Calibration, posterior: pd.DataFrame):
    """Each pair of parameters: the particles, sized by weight, within the prior's range."""
    pairs = list(itertools.combinations(calibration.priors, 2))
    fig, axes = _grid(max(1, len(pairs)))
    size = 10 + 200 * posterior["weight"] / posterior["weight"].max()
    for ax, (x, y) in zip(axes, pairs, strict=False):
        ax.scatter(posterior[x], posterior[y], s=size, color=POSTERIOR, alpha=0.5, lw=0)
        ax.set_xlim(*calibration.priors[x].quantiles([0.005, 0.995]))
        ax.set_ylim(*calibration.priors[y].quantiles([0.005, 0.995]))
        ax.set_xlabel(parameter_label(x))
        ax.set_ylabel(parameter_label(y))
    if not pairs:
        axes[0].text(0.5, 0.5, "one parameter: no pairs", ha="center", va="center")
        axes[0].set_axis_off()
    title_figure(fig, f"{calibration.name}: posterior pairs (the axes span the prior)")
    fig.tight_layout()
    return fig


def plot_predictive(predictive: pd.DataFrame, summary: pd.DataFrame):
    """Each target over runs drawn from the posterior, with the record's value and interval."""
    fig, axes = _grid(len(summary))
    for ax, row in zip(axes, summary.itertuples(), strict=False):
        values = predictive[row.target].dropna() if row.target in predictive else pd.Series()
        if len(values):
            ax.hist(values, bins=20, color=POSTERIOR, alpha=0.7, label="posterior predictive")
        ax.axvspan(row.record_low, row.record_high, color=RECORD, alpha=0.15, label="record 90%")
        ax.axvline(row.observed, color=RECORD, lw=2, label="record")
        ax.set_xlabel(row.target.replace("_", " "))
        ax.set_yticks([])
    axes[0].legend(frameon=False, fontsize=8)
    title_figure(fig, "Posterior predictive check", len(predictive))
    fig.tight_layout()
    return fig


def draw_figures(
    calibration: Calibration,
    posterior: pd.DataFrame,
    predictive: pd.DataFrame,
    summary: pd.DataFrame,
    out: Path,
) -> list[Path]:
    """Draw and save the three figures; return their files."""
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    written = []
    figures = [("marginals", plot_marginals(calibration, posterior))]
    figures.append(("pairs", plot_pairs(calibration, posterior)))
    if len(predictive):
        figures.append(("predictive", plot_predictive(predictive, summary)))
    for name, fig in figures:
        path = out / f"{name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
