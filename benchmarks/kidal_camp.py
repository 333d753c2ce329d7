"""Where the Kidal campaign of ``kidal_2023`` camps, and when the town falls, by resolution.

Issue 14, item 7: at 0.5 degree Kidal falls sooner than at 0.25 (the days to Kidal, x0.878 at
600 runs an arm on model 0.58.0, ``benchmarks/results/resolution_equivalence_600runs_model_
0.58.0.md``). This follows the state's columns bound for Kidal day by day in each arm and
reports, over the arm's runs:

- the day the first column comes within reach of the town (``cells_apart <= reach_cells``,
  the model's own rule) and how far, in km between places, that column then is: the camp;
- the share of runs whose campaign is launched (an assault), and its day;
- the separatists' men in the town that day, and a week later (none if it fell in the week);
- the day the separatists have no one left in the town (they left, or died in it);
- the day the state takes the town (runs in which it does not: left out, counted apart);
- the km from the town to the state's nearest garrison the day before it falls
  (``presence.support_km``: what discounts the threat the defenders feel).

It reads the model's state; it changes nothing. An arm is a name and its overrides of the
scenario, so a suspected cause can be tried in one line: the third arm by default moves the
0.25-degree camp in, as near as the 0.5-degree grid's or nearer (``combat.reach_km = 60``: two
cells, some 55 km, instead of three), to ask whether the camp's distance moves the date.

    .venv/bin/python benchmarks/kidal_camp.py [--runs 150] [--workers 2] \
        [--arm NAME=KEY=VALUE[,KEY=VALUE...]]...

Prints a markdown table (one row an arm) and writes it to
``benchmarks/results/kidal_camp_model_<version>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim import MaliConflictModel
from sim.ensemble import run_seed
from sim.geography import cells_apart, km_apart
from sim.scenario import load_scenario
from sim.war.posture import Posture

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "kidal_2023.toml"
END = dt.date(2023, 12, 31)
ARMS = {
    "0.25 degree (reference)": [],
    "0.5 degree": ["scenario.resolution=0.5"],
    "0.25 degree, reach_km 60": ["combat.reach_km=60"],
}
"""The default arms: the two resolutions, and the finer grid with its camp moved in."""


def follow(arm: str, overrides: list[str], seed: int, run_id: int) -> dict[str, object]:
    """One run's campaign on Kidal, from the order to the end of 2023 or the town's fall."""
    config = load_scenario(SCENARIO, [f"scenario.end={END}", *overrides])
    model = MaliConflictModel(config, rng=run_seed(seed, run_id))
    kidal = model.towns["kidal"]
    start = model.date
    support = float("nan")
    row: dict[str, object] = {"arm": arm, "run": run_id}
    while model.running and model.date < END:
        model.step()
        day = (model.date - start).days
        columns = [
            u
            for u in model.units
            if u.side == "state" and u.posture == Posture.OFFENSIVE and u.objective == "kidal"
        ]
        close = [u for u in columns if cells_apart(u.xy, kidal.xy) <= model.reach_cells]
        if close and "within reach" not in row:
            row["within reach"] = day
            row["camp km"] = min(km_apart(model.place_km, u.xy, kidal.xy) for u in close)
            row["garrison at reach"] = garrison(model, kidal)
        if row.get("within reach") == day - 7:
            row["garrison a week on"] = garrison(model, kidal)
        campaign = model.campaigns.open.get(("state", "kidal"))
        if campaign is not None and campaign.launched and "launched" not in row:
            row["launched"] = day
        if "separatists gone" not in row and not any(
            u.side == "separatists" for u in model.grid[kidal.xy].agents
        ):
            row["separatists gone"] = day
        if kidal.holder == "state":
            row.setdefault("garrison a week on", 0)  # fallen within the week
            row["taken"] = day
            row["support km"] = support  # the day before it fell (after, the town is one)
            break
        support = float(model.presence.support_km[kidal.xy])
    return row


def garrison(model: MaliConflictModel, town) -> int:
    """The separatists' men in the town's cell."""
    return sum(u.strength for u in model.grid[town.xy].agents if u.side == "separatists")


def follow_args(args: tuple[str, list[str], int, int]) -> dict[str, object]:
    """``follow`` on one tuple (for ``ProcessPoolExecutor.map``)."""
    return follow(*args)


def summary(rows: list[dict[str, object]], arms: dict[str, list[str]]) -> pd.DataFrame:
    """One row an arm: runs, mean (and median) of each day and distance, shares of runs."""
    frame = pd.DataFrame(rows)
    out = []
    for arm in arms:
        runs = frame[frame["arm"] == arm]
        taken = runs["taken"].dropna() if "taken" in runs else pd.Series(dtype=float)
        line: dict[str, object] = {"arm": arm, "runs": len(runs)}
        for name in (
            "camp km",
            "within reach",
            "garrison at reach",
            "garrison a week on",
            "separatists gone",
            "launched",
            "taken",
        ):
            values = runs[name].dropna() if name in runs else pd.Series(dtype=float)
            line[name] = f"{values.mean():.1f} ({values.median():.0f})" if len(values) else "-"
        if len(taken) > 1:
            half = 1.96 * taken.std(ddof=1) / np.sqrt(len(taken))
            line["taken, 95% interval of the mean"] = (
                f"{taken.mean() - half:.1f}-{taken.mean() + half:.1f}"
            )
        launched = runs["launched"].notna().mean() if "launched" in runs else 0.0
        line["launched (share)"] = f"{launched:.0%}"
        line["taken (share)"] = f"{len(taken) / max(len(runs), 1):.0%}"
        support = runs["support km"].dropna() if "support km" in runs else pd.Series()
        line["support km"] = f"{support.median():.0f}" if len(support) else "-"
        out.append(line)
    return pd.DataFrame(out)


def main() -> int:
    """Follow the campaign in every arm and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--arm",
        action="append",
        default=[],
        metavar="NAME=KEY=VALUE[,KEY=VALUE...]",
        help="an arm of your own (replaces the default arms; give several)",
    )
    args = parser.parse_args()
    arms = ARMS
    if args.arm:
        arms = {}
        for text in args.arm:
            name, _, overrides = text.partition("=")
            arms[name] = [o for o in overrides.split(",") if o]
    jobs = [(a, o, args.seed, r) for a, o in arms.items() for r in range(args.runs)]
    with ProcessPoolExecutor(max(1, args.workers)) as pool:
        rows = list(pool.map(follow_args, jobs, chunksize=4))
    table = summary(rows, arms)
    head = list(table.columns)
    lines = [
        f"# The Kidal campaign of kidal_2023 by resolution, model {sim.__version__}",
        "",
        f"`python benchmarks/kidal_camp.py --runs {args.runs} --seed {args.seed}`: the first "
        f"{args.runs} runs of the ensemble seed {args.seed} in each arm, to {END} or the "
        "town's fall. Days count from the scenario's first day (the order is given on its "
        "second). Each cell: the mean over the runs where it happened (the median in "
        "brackets). 'camp km': how far the first column within reach of the town stands from "
        "it (km between places, the larger of the east and north gaps). x",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(False)),
    ]
    for arm, overrides in arms.items():
        lines.append(f"\n- {arm}: {', '.join(overrides) or 'the scenario as it is'}")
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results" / f"kidal_camp_model_{sim.__version__}.md"
    out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
