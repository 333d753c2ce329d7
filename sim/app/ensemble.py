"""The app's ensemble mode: N seeded replicates at the sliders' values, as distributions.

Beside the single run, the page runs the model the sidebar describes (as the last Reset built
it) N times in worker processes (``sim.app.replicates``), with a progress bar and a Cancel
button, and draws what an analyst asks of it: the distributions of the main outcomes and a map
of who holds each cell across the runs. "Keep as design A" sets the finished ensemble aside;
move the sliders, Reset, run again, and the two designs are drawn over each other.

The figures take their outcomes, labels and colours from the analysis layer
(``sim.analysis.outcomes`` and ``sim.analysis.style``): the palette of the static figures.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.analysis.intervals import wilson_interval
from sim.analysis.outcomes import DEFAULT_OUTCOMES, is_binary, outcome_label, outcome_values
from sim.analysis.style import (
    COUNTRY_EDGE,
    REGION_EDGE,
    actor_colour,
    actor_label,
    group_colours,
    tint,
)
from sim.app.replicates import EnsembleJob
from sim.app.single import AppModel, boundaries
from sim.war.control import CONTROL_CLASSES

APP_OUTCOMES = (*DEFAULT_OUTCOMES, "lens_western", "patron_withdraws")
"""The outcomes the ensemble mode draws: the static figures' defaults, the Western lens and
whether a patron withdraws."""

DEFAULT_RUNS = 20
DEFAULT_WORKERS = max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class Design:
    """A finished ensemble: what it ran (a label) and its runs' rows and control layers."""

    label: str
    runs: pd.DataFrame
    control: np.ndarray


def design_label(model: AppModel) -> str:
    """Name a design by its scenario, the patrons' two dispositions and its seed."""
    parts = [model.config.name]
    for fid in model.patron_ids:
        force = model.config.foreign[fid]
        parts.append(
            f"{fid} commitment {force.commitment:.2f}, risk tolerance {force.risk_tolerance:.2f}"
        )
    parts.append(f"seed {model.ensemble_seed}")
    return " · ".join(parts)


def tag(label: str) -> str:
    """``A: `` or ``B: `` of a design's label, or nothing when only one design is drawn."""
    return label[:3] if label[1:3] == ": " else ""


# --- figures --------------------------------------------------------------------------------------
def draw_distributions(designs: dict[str, pd.DataFrame]) -> Figure:
    """Each main outcome's distribution, one colour per design, drawn over each other.

    A number: step histograms on shared bins and a dashed line at each design's median. An
    event (a patron withdraws): its share of runs per design with a 95% Wilson interval.
    """
    names = list(designs)
    colours = dict(zip(names, group_colours(names), strict=True))
    fig = Figure(figsize=(10.5, 5.6), layout="constrained")
    axes = fig.subplots(2, 3)
    for ax, outcome in zip(axes.flat, APP_OUTCOMES, strict=True):
        ax.set_title(outcome_label(outcome), fontsize=9)
        ax.tick_params(labelsize=7)
        values = {n: outcome_values(runs, outcome).dropna() for n, runs in designs.items()}
        if all(v.empty for v in values.values()):
            ax.text(0.5, 0.5, "not in this scenario", ha="center", transform=ax.transAxes)
            continue
        if any(is_binary(runs, outcome) for runs in designs.values()):
            for i, (name, v) in enumerate(values.items()):
                k, n = int(v.sum()), len(v)
                share = k / n if n else np.nan
                lo, hi = wilson_interval(k, n)
                ax.bar(i, share, width=0.6, color=colours[name])
                ax.errorbar(i, share, yerr=[[share - lo], [hi - share]], color="black", capsize=4)
                ax.text(i, min(hi + 0.04, 0.97), f"{share:.0%} ({k}/{n})", ha="center", fontsize=8)
            ax.set_xticks(range(len(names)), [tag(n).rstrip(": ") or "runs" for n in names])
            ax.set_ylim(0, 1.05)
            ax.set_ylabel("share of runs", fontsize=8)
            continue
        pooled = np.concatenate([v.to_numpy() for v in values.values()])
        lo, hi = float(pooled.min()), float(pooled.max())
        bins = np.linspace(lo, hi if hi > lo else lo + 1, int(np.clip(len(pooled) // 3, 4, 25)) + 1)
        for name, v in values.items():
            ax.hist(v, bins=bins, histtype="step", lw=1.6, color=colours[name])
            ax.axvline(v.median(), color=colours[name], ls="--", lw=1.2)
        ax.set_ylabel("runs", fontsize=8)
    handles = [Patch(color=colours[n], label=f"{n} ({len(designs[n])} runs)") for n in names]
    fig.legend(handles=handles, loc="outside lower center", fontsize=8, ncols=1)
    fig.suptitle("Outcome distributions (dashed: median; bars: 95% interval)", fontsize=10)
    return fig


def draw_control_shares(model: AppModel, designs: dict[str, np.ndarray]) -> Figure:
    """Who holds each cell at the end, across runs: one map per design.

    A cell takes the colour of the side that holds it in most runs, full where every run
    agrees and paler as fewer do, so contested outcomes show as washed-out ground.
    """
    geo = model.geo
    extent = (
        geo.lon0,
        geo.lon0 + geo.width * geo.resolution,
        geo.lat0,
        geo.lat0 + geo.height * geo.resolution,
    )
    fig = Figure(figsize=(5.2 * len(designs), 5.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(designs)))
    outline, regions = boundaries()
    palette = np.array(
        [[int(actor_colour(c)[i : i + 2], 16) for i in (1, 3, 5)] for c in CONTROL_CLASSES]
    )
    for ax, (name, control) in zip(axes, designs.items(), strict=True):
        shares = np.stack([(control == code).mean(axis=0) for code in range(len(CONTROL_CLASSES))])
        holder, agree = shares.argmax(axis=0), shares.max(axis=0)
        colour = palette[holder]
        # the holder's colour mixed with white in proportion to the runs that agree (style.tint)
        image = (agree[..., None] * colour + (1 - agree[..., None]) * 255) / 255
        image = np.concatenate([image, model.in_mali[..., None].astype(float)], axis=-1)
        ax.imshow(np.transpose(image, (1, 0, 2)), origin="lower", extent=extent)
        ax.add_collection(LineCollection(regions, colors=REGION_EDGE, linewidths=0.5))
        ax.add_collection(LineCollection(outline, colors=COUNTRY_EDGE, linewidths=1.1))
        ax.set_aspect(1.0 / np.cos(np.radians(17.5)))
        ax.set_title(f"{tag(name)}holder in most of {len(control)} runs", fontsize=9)
        ax.tick_params(labelsize=7)
    handles = [Patch(color=actor_colour(c), label=actor_label(c)) for c in CONTROL_CLASSES]
    handles.append(Patch(color=tint(actor_colour("state"), 0.5), label="paler: runs disagree"))
    fig.legend(handles=handles, loc="outside lower center", fontsize=8, ncols=len(handles))
    fig.suptitle("Who holds each cell at the end, across runs", fontsize=10)
    return fig


# --- the view -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ending:
    """How an ensemble ended: its number, what the page says, and its design if it finished."""

    number: int
    message: str
    design: Design | None


@solara.component
def EnsembleView(model: AppModel) -> None:
    """Run N replicates of the page's model, show progress, draw the distributions."""
    runs = solara.use_reactive(DEFAULT_RUNS)
    workers = solara.use_reactive(DEFAULT_WORKERS)
    # design A and the number of the ensemble it was: one value, so that the page never shows
    # the ensemble both as A and as the current one
    kept = solara.use_reactive((0, None))
    job = solara.use_ref(None)  # the EnsembleJob under way
    request = solara.use_ref(None)  # what the next ensemble is: read by the task's thread

    # State changes from the task's thread go through the task itself (its progress and its
    # value), which solara carries to the page; the rest is set by the page's own handlers.
    def work() -> Ending:
        number, config, seed, n, w, label = request.current
        job.current = EnsembleJob(config, n, seed, w)

        def progress(done: int) -> None:
            task.progress = 100 * done / n

        job.current.run(progress=progress)
        finished = job.current
        if finished.state == "done":
            return Ending(number, f"done: {n} runs", Design(label, *finished.tables()))
        if finished.state == "cancelled":
            return Ending(number, f"cancelled after {finished.done} of {n} runs", None)
        return Ending(number, f"failed: {finished.error}", None)

    task = solara.lab.use_task(work, dependencies=None)
    running = task.pending
    ending = task.value if task.finished else None
    kept_from, design_a = kept.value
    current = ending.design if ending and ending.number != kept_from else None

    def start() -> None:
        number = (request.current[0] if request.current else 0) + 1
        label = ("B: " if design_a is not None else "") + design_label(model)
        request.current = (number, model.config, model.ensemble_seed, runs.value, workers.value)
        request.current += (label,)
        task()

    def cancel() -> None:
        if job.current is not None:
            job.current.cancel()

    def keep() -> None:
        label = "A: " + current.label.removeprefix("B: ")
        kept.set((ending.number, Design(label, current.runs, current.control)))

    with solara.Column(style={"padding": "8px"}):
        # plain text: solara.Markdown would fetch KaTeX from a CDN, and the app works offline
        solara.Text(
            "Runs the model the sidebar describes (as the last Reset built it) N times, seeded "
            "as malisim run --seed SEED --runs N. To compare two designs: run, Keep as design "
            "A, move the sliders, Reset, run again."
        )
        solara.v.Html(
            tag="div",
            children=[f"Next ensemble: {design_label(model)}"],
            attributes={"id": "ens-design"},
        )
        with solara.Row():
            solara.InputInt("Runs", value=runs, disabled=running)
            solara.InputInt("Workers", value=workers, disabled=running)
        with solara.Row():
            solara.Button(
                "Run ensemble",
                color="primary",
                on_click=start,
                disabled=running or runs.value < 1 or workers.value < 1,
            )
            solara.Button("Cancel", on_click=cancel, disabled=not running)
            solara.Button("Keep as design A", on_click=keep, disabled=running or current is None)
            solara.Button(
                "Forget design A",
                on_click=lambda: kept.set((kept_from, None)),
                disabled=design_a is None,
            )
        total = request.current[3] if request.current else runs.value
        share = task.progress or 0
        if running:
            stopping = job.current is not None and job.current.state == "cancelling"
            said = "cancelling: the runs under way end, the rest are dropped" if stopping else ""
            solara.ProgressLinear(value=share)
            progress_text, status_text = f"{round(share * total / 100)} of {total} runs", said
        else:
            progress_text, status_text = "", ending.message if ending else ""
        solara.v.Html(tag="div", children=[progress_text], attributes={"id": "ens-progress"})
        solara.v.Html(tag="div", children=[status_text], attributes={"id": "ens-status"})
        designs = [d for d in (design_a, current) if d is not None]
        solara.v.Html(
            tag="div",
            children=["\n".join(f"{d.label} ({len(d.runs)} runs)" for d in designs)],
            attributes={"id": "ens-designs"},
            style_="white-space: pre-line; font-weight: 600;",
        )
        if designs:
            with solara.Div(attributes={"id": "ens-distributions"}):
                solara.FigureMatplotlib(
                    draw_distributions({d.label: d.runs for d in designs}),
                    format="png",
                    dpi=85,
                    dependencies=[id(d) for d in designs],
                )
            with solara.Div(attributes={"id": "ens-map"}):
                solara.FigureMatplotlib(
                    draw_control_shares(model, {d.label: d.control for d in designs}),
                    format="png",
                    dpi=85,
                    dependencies=[id(d) for d in designs] + [id(model.geo)],
                )
