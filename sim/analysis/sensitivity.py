"""Global sensitivity analysis of the model's outcomes (Sobol' and Morris, with SALib).

Which parameters matter? A sweep file names the parameters and their ranges; this module
draws SALib's own design over those ranges (Saltelli's extension of Sobol' sequences for
Sobol' indices, Morris trajectories for elementary effects), runs the model at every design
point, and estimates:

* Sobol' (Saltelli 2002; Jansen 1999 via SALib): first-order index ``S1`` (the share of the
  outcome's variance a parameter explains alone) and total index ``ST`` (alone and through its
  interactions), each with a bootstrap 95% confidence interval;
* Morris (1991; Campolongo et al. 2007): ``mu_star``, the mean absolute elementary effect, a
  screening measure of importance, with its bootstrap 95% interval, and ``sigma`` (nonlinearity
  and interactions).

The model is stochastic: each design point is run ``replicates`` times (seeds from the sweep
seed, the point and the replicate alone, as in a sweep) and the indices are computed on the mean
outcome per point. The runs go through the sweep engine (``sim.sweep``) into the analysis's own
results folder, so a killed analysis resumes and never blocks the file's own sweep. The seeds'
noise shows as a floor of spurious variance, which is why the intervals matter. The estimators
are checked against the Ishigami function, whose indices are known in closed form
(tests/test_sensitivity.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

METHODS = ("sobol", "morris")
SENSITIVITY_OUTCOMES = ("patron_withdraws", "deaths_civilians", "pop_share_state", "lens_bamako")
MORRIS_LEVELS = 4  # grid levels of the Morris design (Saltelli et al. 2008 recommend 4)


@dataclass
class Problem:
    """Parameters and their bounds, in SALib's terms."""

    names: list[str]
    bounds: list[tuple[float, float]]
    integer: list[bool]

    def salib(self) -> dict[str, Any]:
        """Return the problem as the dict SALib expects."""
        return {
            "num_vars": len(self.names),
            "names": list(self.names),
            "bounds": [list(b) for b in self.bounds],
        }


def sample(problem: Problem, method: str, samples: int, seed: int) -> np.ndarray:
    """Draw SALib's design: ``samples * (D + 2)`` Sobol' points or ``samples`` Morris paths.

    For Sobol', ``samples`` is rounded up to a power of two (the Sobol' sequence's balance
    properties need it).
    """
    if method == "sobol":
        from SALib.sample import sobol as sobol_sample

        n = 1 << max(1, int(np.ceil(np.log2(max(samples, 2)))))
        x = sobol_sample.sample(problem.salib(), n, calc_second_order=False, seed=seed)
    elif method == "morris":
        from SALib.sample import morris as morris_sample

        x = morris_sample.sample(problem.salib(), samples, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        raise ValueError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    for j, integer in enumerate(problem.integer):
        if integer:
            x[:, j] = np.floor(x[:, j] + 0.5)
    return x


def analyse(problem: Problem, x: np.ndarray, y: np.ndarray, method: str, seed: int = 0):
    """Estimate the indices of one outcome ``y`` (one value per row of ``x``).

    Returns:
        A DataFrame, one row per parameter: for Sobol' ``S1``, ``S1_conf``, ``ST``, ``ST_conf``
        (the conf columns are half-widths of 95% intervals); for Morris ``mu_star``,
        ``mu_star_conf``, ``sigma``, ``mu``.

    """
    y = np.asarray(y, dtype=float)
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(problem.salib(), y, calc_second_order=False, conf_level=0.95, seed=seed)
        cols = ("S1", "S1_conf", "ST", "ST_conf")
    elif method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(
            problem.salib(), x, y, conf_level=0.95, num_levels=MORRIS_LEVELS, seed=seed
        )
        cols = ("mu_star", "mu_star_conf", "sigma", "mu")
    else:
        raise ValueError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    table = pd.DataFrame({c: np.asarray(res[c], dtype=float) for c in cols})
    table.insert(0, "parameter", problem.names)
    return table


def indices_of_function(
    problem: Problem,
    func: Callable[[np.ndarray], np.ndarray],
    method: str = "sobol",
    samples: int = 1024,
    seed: int = 1,
) -> pd.DataFrame:
    """Sample, evaluate a vectorised function on the design, and estimate its indices."""
    x = sample(problem, method, samples, seed)
    return analyse(problem, x, func(x), method, seed=seed)


# --- on the model ---------------------------------------------------------------------------------
@dataclass
class SensitivityResult:
    """Indices of each outcome, and the design and outcomes they came from."""

    method: str
    problem: Problem
    design: pd.DataFrame
    outcomes: pd.DataFrame
    indices: pd.DataFrame  # long: outcome, parameter, index columns
    samples: int = 0  # as asked: Sobol' base sample (before rounding) or Morris trajectories


def problem_from_sweep(sweep) -> Problem:
    """Bounds of each swept parameter: a range's min and max, or a list's smallest and largest.

    Raises:
        ValueError: a listed parameter that is not numeric (it has no range to sample).

    """
    from sim.scenario import flatten_parameters

    base = flatten_parameters(sweep.base, every=True)
    names, bounds, integer = [], [], []
    for name, spec in sweep.parameters.items():
        if isinstance(spec, list):
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in spec):
                raise ValueError(f"{sweep.path}: parameters.{name}: not numeric, has no range")
            lo, hi = float(min(spec)), float(max(spec))
        else:
            lo, hi = float(spec.min), float(spec.max)
        if not hi > lo:
            raise ValueError(f"{sweep.path}: parameters.{name}: needs two different values")
        names.append(name)
        bounds.append((lo, hi))
        value = base.get(name)
        integer.append(isinstance(value, int) and not isinstance(value, bool))
    return Problem(names, bounds, integer)


SENSITIVITY_DESIGNS = {"sobol": "saltelli", "morris": "morris"}
"""The design each method draws, as ``sweep.json`` names it."""


def sensitivity_sweep(sweep, method: str, samples: int):
    """Return the sweep a sensitivity analysis runs, named ``<sweep>_<method>_n<samples>``.

    The file's base, parameters, replicates and seed, on SALib's design instead of the file's.

    It is a sweep like any other (``sim.sweep``): it runs into its own folder, resumes where it
    stopped and never mixes with the file's own sweep.

    Raises:
        ValueError: a listed parameter that is not numeric.
        sim.scenario.ScenarioError: a design point that is not a valid scenario.

    """
    from dataclasses import replace

    from sim.sweep.file import check_points, definition_hash

    problem = problem_from_sweep(sweep)
    x = sample(problem, method, samples, sweep.settings.seed)
    design = pd.DataFrame(
        {
            name: x[:, j].astype(int) if integer else x[:, j]
            for j, (name, integer) in enumerate(zip(problem.names, problem.integer, strict=True))
        }
    )
    design.index.name = "point"
    settings = sweep.settings.model_copy(
        update={
            "name": f"{sweep.name}_{method}_n{samples}",
            "design": SENSITIVITY_DESIGNS[method],
            "samples": samples,
        }
    )
    derived = replace(sweep, settings=settings, design=design)
    check_points(derived)
    derived.definition_hash = definition_hash(derived)
    return derived


def mean_outcomes(runs: pd.DataFrame, outcomes: list[str], points: int) -> pd.DataFrame:
    """The mean of each outcome over a design point's replicates (index ``point``)."""
    from sim.analysis.outcomes import outcome_values

    frame = pd.DataFrame({name: outcome_values(runs, name) for name in outcomes})
    means = frame.groupby(runs["point"].to_numpy()).mean().reindex(range(points))
    means.index.name = "point"
    return means


def sensitivity(
    sweep,
    method: str,
    outcomes: list[str],
    samples: int,
    folder: Path,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> SensitivityResult:
    """Run (or resume) a Sobol' or Morris analysis of the model over a sweep file's parameters.

    The design's runs go through the sweep engine into ``folder`` (``runs.parquet/``... as any
    sweep's, see docs/SWEEPS.md), so a killed analysis resumes where it stopped.

    Args:
        sweep: the sweep file, loaded (its base scenario, parameters, replicates and seed are
            used; its own design and sample count are replaced by SALib's).
        method: ``sobol`` or ``morris``.
        outcomes: runs-table columns or named outcomes (``patron_withdraws``...).
        samples: Sobol' base sample (rounded up to a power of two; runs = samples x (D + 2) x
            replicates) or Morris trajectories (runs = samples x (D + 1) x replicates).
        folder: the analysis's results folder.
        workers: local worker processes.
        progress: called with the number of runs written after each part.
        on_start: called with (runs already done, total runs) before running.

    """
    from sim.sweep import read_sweep, run_sweep

    design_sweep = sensitivity_sweep(sweep, method, samples)
    problem = problem_from_sweep(sweep)
    run_sweep(design_sweep, folder, workers, progress=progress, on_start=on_start)
    design = design_sweep.design
    values = mean_outcomes(read_sweep(folder).runs, outcomes, len(design))
    x = design.to_numpy(dtype=float)
    tables = []
    for name in outcomes:
        y = values[name].to_numpy()
        if np.nanstd(y) == 0 or not np.all(np.isfinite(y)):
            continue  # a constant outcome has no variance to apportion
        table = analyse(problem, x, y, method, seed=sweep.settings.seed)
        table.insert(0, "outcome", name)
        tables.append(table)
    indices = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return SensitivityResult(method, problem, design, values, indices, samples)


SOBOL_MIN_SAMPLES = 128
"""Fewest Sobol' base samples whose indices we call meaningful: Saltelli et al. (2010) use a
few hundred to a thousand; below this the bootstrap intervals themselves are unreliable."""

SOBOL_MAX_HALF_WIDTH = 0.1
"""Widest 95% half-width of an index (a share of variance, 0-1) that still ranks parameters."""


def sobol_warning(result: SensitivityResult) -> str | None:
    """Say why Sobol' indices are not yet meaningful (too few samples, wide intervals), or None."""
    if result.method != "sobol" or result.indices.empty:
        return None
    base = 1 << max(1, int(np.ceil(np.log2(max(result.samples, 2)))))
    widest = float(result.indices[["S1_conf", "ST_conf"]].max().max())
    if base >= SOBOL_MIN_SAMPLES and widest <= SOBOL_MAX_HALF_WIDTH:
        return None
    return (
        f"the Sobol' indices are not yet meaningful: {base} base samples (at least "
        f"{SOBOL_MIN_SAMPLES} are needed) and 95% intervals up to ±{widest:.2f} wide on a 0-1 "
        f"scale; run again with a larger --samples (e.g. {max(SOBOL_MIN_SAMPLES, base * 4)}): "
        "the runs done so far are not reused, the design changes with its size"
    )


def design_size(n_params: int, method: str, samples: int) -> int:
    """Return the number of design points SALib draws for ``samples``."""
    if method == "sobol":
        n = 1 << max(1, int(np.ceil(np.log2(max(samples, 2)))))
        return n * (n_params + 2)
    return samples * (n_params + 1)


def plot_indices(indices: pd.DataFrame, method: str):
    """Bar chart of the indices per outcome with their 95% intervals, one panel per outcome."""
    import matplotlib.pyplot as plt

    from sim.analysis.outcomes import outcome_label, parameter_label
    from sim.analysis.style import PALETTE

    outcomes = list(dict.fromkeys(indices["outcome"]))
    # Two panels a row: four in a row squash the parameter names under each bar group.
    ncols = min(2, len(outcomes))
    nrows = -(-len(outcomes) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(6.2 * ncols, 3.9 * nrows), layout="constrained", squeeze=False
    )
    for ax in axes.flat[len(outcomes) :]:
        ax.set_visible(False)
    if method == "sobol":
        bars = (
            ("S1", "first-order S1", PALETTE["blue"]),
            ("ST", "total ST", PALETTE["orange"]),
        )
        ylabel = "Sobol' index (share of variance)"
    else:
        bars = (("mu_star", "mu* (mean |elementary effect|)", PALETTE["blue"]),)
        ylabel = "mu* (outcome units per parameter range)"
    for ax, name in zip(axes.flat, outcomes, strict=False):
        sub = indices[indices["outcome"] == name]
        pos = np.arange(len(sub))
        width = (0.8 if method == "sobol" else 0.5) / len(bars)
        for k, (col, label, colour) in enumerate(bars):
            ax.bar(
                pos + (k - (len(bars) - 1) / 2) * width,
                sub[col],
                width,
                yerr=sub[f"{col}_conf"],
                capsize=3,
                color=colour,
                label=label,
            )
        if method == "morris":  # sigma next to mu*: large sigma means nonlinear or interacting
            ax.scatter(
                pos + 0.3,  # beside the bar, off its interval line
                sub["sigma"],
                marker="D",
                color=PALETTE["vermillion"],
                s=22,
                zorder=3,
                label="sigma (nonlinearity, interactions)",
            )
        ax.set_xticks(pos, [parameter_label(p) for p in sub["parameter"]], rotation=15)
        ax.set_title(outcome_label(name), fontsize=10)
        ax.set_ylabel(ylabel)
        ax.axhline(0, color="black", lw=0.6)
        if method == "sobol":
            ax.set_ylim(min(0, float((sub["S1"] - sub["S1_conf"]).min())) - 0.05, 1.05)
    # one legend for all panels, under them: inside a panel it would cover bars
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=8)
    fig.suptitle(
        f"{'Sobol' if method == 'sobol' else 'Morris'} sensitivity: which parameters matter "
        "(bars: 95% intervals)",
        fontsize=12,
        fontweight="bold",
    )
    return fig


def write_result(result: SensitivityResult, folder: Path) -> list[Path]:
    """Write the indices (CSV), design with outcomes (parquet) and the bar chart (PNG)."""
    import matplotlib.pyplot as plt

    from sim.io import atomic_write_parquet, atomic_write_text

    folder.mkdir(parents=True, exist_ok=True)
    m = result.method
    paths = [folder / f"{m}_indices.csv", folder / f"{m}_design.parquet"]
    atomic_write_text(paths[0], result.indices.to_csv(index=False))
    atomic_write_parquet(result.design.join(result.outcomes).reset_index(), paths[1])
    if not result.indices.empty:
        fig = plot_indices(result.indices, m)
        paths.append(folder / f"{m}_indices.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    return paths
