"""A calibration's outputs: the posterior, its summary, the recovery check, report and figures.

``posterior.parquet`` (one row a particle: parameters by dotted name, ``weight``,
``generation``, ``distance``), ``history.csv`` (one row a generation), ``parameters.csv`` (each
parameter's prior and posterior quantiles and shrinkage), ``predictive.parquet`` and
``predictive.csv`` (the posterior predictive check), ``recovery.csv`` (with ``--truth``),
``calibrated.toml`` (the base with the posterior medians) and ``report.md`` with its figures;
``manifest.json`` last.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.calibrate.file import Calibration
from sim.io import atomic_write_parquet, atomic_write_text, manifest, write_manifest
from sim.scenario import to_toml

if TYPE_CHECKING:
    from sim.calibrate.engine import CalibrationRun

IDENTIFIED = 0.1
"""Shrinkage below which a parameter is reported as not identified by the targets."""


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, q: list[float]) -> np.ndarray:
    """Quantiles of a weighted sample (numpy's inverted-CDF method with weights)."""
    return np.quantile(values, q, weights=weights, method="inverted_cdf")


def parameter_summary(calibration: Calibration, posterior: pd.DataFrame) -> pd.DataFrame:
    """Each parameter's prior and posterior: median, 50% and 90% intervals, shrinkage.

    Shrinkage is one minus the posterior's variance over the prior's: 0 when the targets say
    nothing of a parameter, near 1 when they pin it down. ``base`` is the base scenario's own
    value (the first base's, a calibration's bases sharing one set), and ``base_in_90``
    whether the posterior's 90% interval holds it: the question a library file asks of its
    calibration, keep the value or take the posterior's median.
    """
    from sim.scenario.overrides import flatten_parameters

    w = posterior["weight"].to_numpy(float)
    flat = [flatten_parameters(b.scenario, every=True) for b in calibration.bases.values()]
    rows = []
    for name, prior in calibration.priors.items():
        base = next((float(f[name]) for f in flat if f.get(name) is not None), float("nan"))
        x = posterior[name].to_numpy(float)
        q = weighted_quantiles(x, w, [0.05, 0.25, 0.5, 0.75, 0.95])
        mean = float(np.sum(w * x))
        variance = float(np.sum(w * (x - mean) ** 2))
        shrinkage = 1.0 - variance / prior.variance()
        p5, p50, p95 = prior.quantiles([0.05, 0.5, 0.95])
        rows.append(
            {
                "parameter": name,
                "prior": prior.prior,
                "prior_median": p50,
                "prior_5": p5,
                "prior_95": p95,
                "median": q[2],
                "q05": q[0],
                "q25": q[1],
                "q75": q[3],
                "q95": q[4],
                "shrinkage": shrinkage,
                "identified": shrinkage >= IDENTIFIED,
                "base": base,
                "base_in_90": bool(q[0] <= base <= q[4]),
            }
        )
    return pd.DataFrame(rows)


def recovery_table(summary: pd.DataFrame, truth: dict[str, float]) -> pd.DataFrame:
    """For each parameter: the truth, whether it lies in the 50% and 90% intervals, shrinkage."""
    out = summary[["parameter", "median", "q05", "q25", "q75", "q95", "shrinkage", "identified"]]
    out = out.copy()
    out.insert(1, "truth", [truth[p] for p in out["parameter"]])
    out["in_50"] = (out["truth"] >= out["q25"]) & (out["truth"] <= out["q75"])
    out["in_90"] = (out["truth"] >= out["q05"]) & (out["truth"] <= out["q95"])
    return out


def predictive_summary(
    calibration: Calibration, predictive: pd.DataFrame, observed: dict[str, float]
) -> pd.DataFrame:
    """Each target: the record's value and 90% interval against the predictive distribution."""
    rows = []
    for name, target in calibration.targets.items():
        values = predictive[name].dropna().to_numpy(float) if name in predictive else np.array([])
        low, high = target.interval()
        if observed[name] != target.value:  # recovery: the interval moves with the value
            low, high = (
                observed[name] - (target.value - low),
                observed[name] + (high - target.value),
            )
        q = np.quantile(values, [0.05, 0.5, 0.95]) if len(values) else [np.nan] * 3
        rows.append(
            {
                "target": name,
                "scenario": calibration.target_scenario(name),
                "observed": observed[name],
                "record_low": low,
                "record_high": high,
                "predictive_median": q[1],
                "predictive_5": q[0],
                "predictive_95": q[2],
                "observed_in_predictive_90": bool(len(values)) and q[0] <= observed[name] <= q[2],
                "source": target.source,
            }
        )
    return pd.DataFrame(rows)


def calibrated_scenarios(calibration: Calibration, summary: pd.DataFrame) -> dict[str, str]:
    """Each base scenario with the posterior medians, as TOML text."""
    medians = calibration.overrides(dict(zip(summary["parameter"], summary["median"], strict=True)))
    return {name: to_toml(calibration.scenario(name, medians)) for name in calibration.bases}


def write_outputs(calibration: Calibration, run: CalibrationRun) -> None:
    """Write every output of a finished calibration into its folder, the manifest last."""
    folder = run.folder
    (folder / "manifest.json").unlink(missing_ok=True)
    posterior = run.population.table()
    atomic_write_parquet(posterior, folder / "posterior.parquet")
    history = pd.DataFrame([g.__dict__ for g in run.history])
    atomic_write_text(folder / "history.csv", history.to_csv(index=False))
    summary = parameter_summary(calibration, posterior)
    atomic_write_text(folder / "parameters.csv", summary.to_csv(index=False))
    predictive = predictive_summary(calibration, run.predictive, run.observed)
    atomic_write_parquet(run.predictive, folder / "predictive.parquet")
    atomic_write_text(folder / "predictive.csv", predictive.to_csv(index=False))
    recovery = None
    if run.truth is not None:
        recovery = recovery_table(summary, run.truth)
        atomic_write_text(folder / "recovery.csv", recovery.to_csv(index=False))
    texts = calibrated_scenarios(calibration, summary)
    if len(texts) == 1:
        atomic_write_text(folder / "calibrated.toml", next(iter(texts.values())))
    else:
        for name, text in texts.items():
            atomic_write_text(folder / f"calibrated_{name}.toml", text)
    from sim.calibrate.figures import draw_figures

    figures = draw_figures(calibration, posterior, run.predictive, predictive, folder / "figures")
    atomic_write_text(
        folder / "report.md",
        report_text(calibration, run, history, summary, predictive, recovery, figures),
    )
    write_manifest(
        folder,
        manifest(
            calibration=calibration.name,
            definition_sha256=calibration.definition_hash,
            simulations=int(history["simulations"].sum()) if len(history) else 0,
            generations=len(history),
            truth=run.truth,
            resumed=run.resumed,
        ),
    )


def _fmt(value: float) -> str:
    return f"{value:.3g}" if np.isfinite(value) else "-"


def report_text(
    calibration: Calibration,
    run: CalibrationRun,
    history: pd.DataFrame,
    summary: pd.DataFrame,
    predictive: pd.DataFrame,
    recovery: pd.DataFrame | None,
    figures: list[Path],
) -> str:
    """The Markdown report: what was fitted to what, the posterior, the checks."""
    settings = calibration.settings
    lines = [
        f"# Calibration {calibration.name}",
        "",
        f"ABC-SMC (adaptive population Monte Carlo, Lenormand et al. 2013) of "
        f"{', '.join(calibration.bases)} against {len(calibration.targets)} targets: "
        f"{settings.population} particles, {len(history)} generations, "
        f"{int(history['simulations'].sum())} simulations, seed {settings.seed}.",
        "",
    ]
    if run.truth is not None:
        lines += [
            "**Parameter recovery check**: the targets are the statistics of a seeded run at "
            "the truth, " + ", ".join(f"`{k}` = {v:g}" for k, v in run.truth.items()) + ".",
            "",
        ]
    lines += [
        "## Generations",
        "",
        "| generation | epsilon | acceptance | runs | runs so far | ESS |",
    ]
    lines.append("|---|---|---|---|---|---|")
    for g in history.itertuples():
        lines.append(
            f"| {g.generation} | {g.epsilon:.3g} | {g.acceptance:.0%} | {g.simulations} | "
            f"{g.runs_so_far} | {g.ess:.0f} |"
        )
    lines += ["", "## Posterior", ""]
    lines.append(
        "| parameter | prior | prior 90% | median | 50% | 90% | shrinkage | identified "
        "| base's value | in the 90% |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in summary.itertuples():
        lines.append(
            f"| `{r.parameter}` | {r.prior} | {_fmt(r.prior_5)}-{_fmt(r.prior_95)} | "
            f"{_fmt(r.median)} | {_fmt(r.q25)}-{_fmt(r.q75)} | {_fmt(r.q05)}-{_fmt(r.q95)} | "
            f"{r.shrinkage:.2f} | {'yes' if r.identified else '**no**'} | {_fmt(r.base)} | "
            f"{'yes' if r.base_in_90 else '**no**'} |"
        )
    unidentified = summary.loc[~summary["identified"], "parameter"].tolist()
    outside = summary.loc[~summary["base_in_90"], "parameter"].tolist()
    lines.append("")
    if outside:
        lines += [
            "The base scenario's value lies outside the posterior's 90% interval for "
            + ", ".join(f"`{p}`" for p in outside)
            + ": the record asks for another value (calibrated.toml takes the medians).",
            "",
        ]
    if unidentified:
        lines.append(
            "Not identified by these targets (the posterior keeps more than "
            f"{1 - IDENTIFIED:.0%} of the prior's variance): "
            + ", ".join(f"`{p}`" for p in unidentified)
            + "."
        )
    else:
        lines.append("Every parameter is narrowed by the targets.")
    if recovery is not None:
        lines += ["", "## Recovery", "", "| parameter | truth | median | in 50% | in 90% |"]
        lines.append("|---|---|---|---|---|")
        for r in recovery.itertuples():
            lines.append(
                f"| `{r.parameter}` | {r.truth:.3g} | {r.median:.3g} | "
                f"{'yes' if r.in_50 else 'no'} | {'yes' if r.in_90 else 'no'} |"
            )
    lines += ["", "## Posterior predictive check", ""]
    lines.append(
        f"{settings.predictive} runs at particles drawn from the posterior by weight; "
        "each target's 5-95% range against the record's value and 90% interval."
    )
    lines += [
        "",
        "| target | scenario | record | record 90% | predictive median | 5-95% | inside |",
    ]
    lines.append("|---|---|---|---|---|---|---|")
    for r in predictive.itertuples():
        lines.append(
            f"| `{r.target}` | {r.scenario} | {_fmt(r.observed)} | {_fmt(r.record_low)}-"
            f"{_fmt(r.record_high)} | {_fmt(r.predictive_median)} | {_fmt(r.predictive_5)}-"
            f"{_fmt(r.predictive_95)} | {'yes' if r.observed_in_predictive_90 else 'no'} |"
        )
    lines += ["", "Sources of the record's values:", ""]
    lines += [f"- `{r.target}`: {r.source}" for r in predictive.itertuples()]
    lines += ["", "## Figures", ""]
    lines += [f"![{p.stem}](figures/{p.name})" for p in figures]
    return "\n".join(lines) + "\n"
