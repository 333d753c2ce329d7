"""Who kills civilians, where and how, in ``kidal_2023`` at 0.25 and at 0.5 degree.

Issue 14, item 7: the civilians killed by the end of 2023 are shown equivalent between the
resolutions on model 0.60.0 (``benchmarks/results/resolution_equivalence_600runs_model_0.60.0.md``)
and shown different (x0.83 at 0.5 degree) under a trial that moved the bands' camps
(``benchmarks/results/trial_camp_km_resolution_600runs.md``). This splits the deaths of each
arm's runs by event type and by whose fire or hand killed them, the abuses by region, and the
battles by town, as means a run, to say which of the war's processes differ between the
grids. The arms are those of ``resolution_equivalence.py`` (the reference at 0.25 degree with
ensemble seed 1, the same at 0.5 degree with seed 2), to the same horizon.

    .venv/bin/python benchmarks/civilians_by_resolution.py [--runs 100] [--workers 2]
        [--tree PATH]

``--tree`` runs the model of another checkout (say a ``git worktree`` of an earlier commit),
to compare before and after a change. Prints markdown and writes it to
``benchmarks/results/civilians_by_resolution_model_<version>.md`` in this checkout (the
version is the tree's). It reads the runs' tables; it changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
HORIZON = "scenario.end=2023-12-31"
ARMS = {"0.25 degree (reference)": (0.25, 1), "0.5 degree": (0.5, 2)}
"""Each arm's resolution and ensemble seed, as in ``resolution_equivalence.py``."""


def per_run(frame: pd.DataFrame, keys: list[str], runs: int) -> pd.Series:
    """The civilians killed (sum) and the events (count) under ``keys``, as means a run."""
    grouped = frame.groupby(keys)["deaths_civilians"]
    return pd.concat({"events": grouped.size() / runs, "civilians": grouped.sum() / runs}, axis=1)


def table(parts: dict[str, pd.DataFrame], least: float) -> str:
    """The arms side by side, rows where any arm has at least ``least`` civilians a run."""
    both = pd.concat(parts, axis=1).fillna(0.0)
    both = both[(both.xs("civilians", axis=1, level=1) >= least).any(axis=1)]
    header = ["", *[f"{arm}: {what}" for arm, what in both.columns]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, row in both.iterrows():
        name = ", ".join(key) if isinstance(key, tuple) else str(key)
        lines.append("| " + name + " | " + " | ".join(f"{v:.1f}" for v in row) + " |")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every by-resolution script takes: runs an arm, workers, the model's tree."""
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose model runs")


def arms_events(tree: Path, runs: int, workers: int):
    """Each arm's name and the events table of its runs, run by the model of ``tree``."""
    sys.path.insert(0, str(tree))  # the workers (spawned) inherit the path
    from sim.ensemble import run_ensemble
    from sim.scenario import load_scenario

    for arm, (resolution, seed) in ARMS.items():
        scenario = load_scenario(
            tree / "scenarios" / "kidal_2023.toml",
            [HORIZON, f"scenario.resolution={resolution}"],
        )
        yield arm, run_ensemble(scenario, runs=runs, seed=seed, workers=workers).events


def main() -> int:
    """Run both arms and write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args()
    kinds, abuses, battles, totals = {}, {}, {}, {}
    for arm, events in arms_events(args.tree.resolve(), args.runs, args.workers):
        kinds[arm] = per_run(events, ["event_type", "civilians_killed_by"], args.runs)
        abused = events[events["event_type"] == "violence_against_civilians"]
        abuses[arm] = per_run(abused, ["civilians_killed_by", "region"], args.runs)
        fought = events[events["event_type"] == "battle"]
        battles[arm] = per_run(fought, ["town", "actor1", "actor2"], args.runs)
        totals[arm] = float(events["deaths_civilians"].sum()) / args.runs
    import sim  # the tree's, on the path ``arms_events`` set

    lines = [
        f"# Civilians killed by resolution (kidal_2023 to 2023-12-31, model {sim.__version__})",
        "",
        f"`python benchmarks/civilians_by_resolution.py --runs {args.runs}`: means a run over "
        f"{args.runs} runs an arm (0.25 degree: ensemble seed 1; 0.5 degree: seed 2). "
        "Civilians killed in all: "
        + ", ".join(f"{arm} {total:.1f}" for arm, total in totals.items())
        + ".",
        "",
        "## By event type and by whose fire or hand",
        "",
        table(kinds, 1.0),
        "",
        "## Abuses (violence against civilians) by perpetrator and region",
        "",
        table(abuses, 1.0),
        "",
        "## Battles by town and sides (actor1, actor2), where they kill a civilian a run or more",
        "",
        table(battles, 1.0),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    out = ROOT / "benchmarks" / "results" / f"civilians_by_resolution_model_{sim.__version__}.md"
    out.write_text(text)
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
