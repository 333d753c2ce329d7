"""Who controls the people at the end of ``kidal_2023``, by resolution: zones, and towns' cells.

Issue 14, item 7: at 0.5 degree the state rules some 3 points fewer of the people than at 0.25
(``benchmarks/results/resolution_equivalence_600runs_model_0.58.0.md``). This runs the
scenario to the benchmark's horizon (2023-12-31) at both resolutions and reports, as means
over the runs:

- each zone's people under each side and contested, as shares of the country's people;
- the towns whose cell is contested in a share of runs that differs by more than 0.2 between
  the resolutions, with the town's people and its cell's people (a town's cell holds the town
  and the countryside about it, four times as much of it at 0.5 degree).

It reads the model's state; it changes nothing.

    .venv/bin/python benchmarks/control_by_resolution.py [--runs 30] [--workers 2]

Writes ``benchmarks/results/control_by_resolution_model_<version>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

import sim
from sim import MaliConflictModel
from sim.ensemble import run_seed
from sim.geography import ZONES
from sim.scenario import load_scenario
from sim.war.control import CONTROL_CLASSES

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "kidal_2023.toml"
END = dt.date(2023, 12, 31)
RESOLUTIONS = ("0.25", "0.5")


def end_of_run(args: tuple[str, int, int]) -> tuple[list[dict], list[dict]]:
    """One run's control at the end: shares of the people by zone, and each town's cell."""
    resolution, seed, run_id = args
    config = load_scenario(SCENARIO, [f"scenario.end={END}", f"scenario.resolution={resolution}"])
    model = MaliConflictModel(config, rng=run_seed(seed, run_id))
    while model.running and model.date < END:
        model.step()
    people = model.geo.population
    total = float(people.sum())
    zones = [
        {
            "resolution": resolution,
            "zone": zone,
            "control": name,
            "share": float((people * (model.geo.zone == i) * (model.control == c)).sum()) / total,
        }
        for i, zone in enumerate(ZONES)
        for c, name in enumerate(CONTROL_CLASSES)
    ]
    towns = [
        {
            "resolution": resolution,
            "town": town.id,
            "contested": CONTROL_CLASSES[int(model.control[town.xy])] == "contested",
            "town people": town.population,
            "cell people": float(people[town.xy]),
        }
        for town in model.towns
    ]
    return zones, towns


def main() -> int:
    """Run both resolutions and write the two tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = [(r, args.seed, i) for r in RESOLUTIONS for i in range(args.runs)]
    with ProcessPoolExecutor(max(1, args.workers)) as pool:
        results = list(pool.map(end_of_run, jobs))
    zones = pd.DataFrame([row for z, _ in results for row in z])
    towns = pd.DataFrame([row for _, t in results for row in t])
    by_zone = zones.groupby(["zone", "control", "resolution"])["share"].mean().unstack()
    by_zone = by_zone[by_zone.max(axis=1) > 0.002]
    by_zone["0.5 - 0.25"] = by_zone["0.5"] - by_zone["0.25"]
    by_town = towns.groupby(["town", "resolution"]).agg(
        contested=("contested", "mean"),
        town_people=("town people", "first"),
        cell_people=("cell people", "mean"),
    )
    by_town = by_town.unstack()
    moved = (by_town["contested"]["0.5"] - by_town["contested"]["0.25"]).abs() > 0.2
    by_town = by_town[moved]
    lines = [
        f"# Control at the end of kidal_2023 by resolution, model {sim.__version__}",
        "",
        f"`python benchmarks/control_by_resolution.py --runs {args.runs} --seed {args.seed}`: "
        f"{args.runs} runs at each resolution to {END}, means over the runs.",
        "",
        "## People by zone and control (shares of the country's people)",
        "",
        "| zone, control | 0.25 degree | 0.5 degree | 0.5 - 0.25 |",
        "|---|---|---|---|",
        *(
            f"| {zone} {control} | {row['0.25']:.3f} | {row['0.5']:.3f} | "
            f"{row['0.5 - 0.25']:+.3f} |"
            for (zone, control), row in by_zone.iterrows()
        ),
        "",
        "## Towns whose cell is contested more or less often by more than 0.2",
        "",
        "| town | contested at 0.25 (share of runs) | contested at 0.5 | town's people | "
        "cell's people at 0.25 | cell's people at 0.5 |",
        "|---|---|---|---|---|---|",
        *(
            f"| {town} | {row[('contested', '0.25')]:.2f} | {row[('contested', '0.5')]:.2f} | "
            f"{row[('town_people', '0.25')]:,.0f} | {row[('cell_people', '0.25')]:,.0f} | "
            f"{row[('cell_people', '0.5')]:,.0f} |"
            for town, row in by_town.iterrows()
        ),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results" / f"control_by_resolution_model_{sim.__version__}.md"
    out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
