"""Who holds the northern capitals on given days, counted over seeded runs of a scenario.

The arc's 2012 hands Serval a north held by someone; whether the state has a town to retake in
January 2013 depends on who (docs/CALIBRATION.md, "Model 0.28.0" and "Model 0.31.0")::

    .venv/bin/python benchmarks/who_holds.py --runs 40 \\
        > benchmarks/results/who_holds_model_0.31.0.md

For each day, how many runs (seeds 0 to runs - 1, one process, no workers: a run to early 2013
takes about a second) have each town held by each side, and the median men each insurgent side
has in the field.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.model import MaliConflictModel  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

DAYS = ("2012-04-15", "2012-07-15", "2013-01-09", "2013-02-08")
TOWNS = ("gao", "timbuktu", "kidal")
SIDES = ("state", "separatists", "jihadists")


def snapshots(scenario: str, seed: int, days: list[dt.date]) -> list[dict]:
    """Each day's holders of TOWNS and the insurgents' men in one run."""
    model = MaliConflictModel(load_scenario(ROOT / "scenarios" / f"{scenario}.toml"), rng=seed)
    out = []
    for day in days:
        while model.running and model.date < day:
            model.step()
        out.append(
            {
                **{town: model.towns[town].holder for town in TOWNS},
                **{side: model.strength(side) for side in ("separatists", "jihadists")},
            }
        )
    return out


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="history_2012_2025")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--days", nargs="*", default=list(DAYS))
    args = parser.parse_args()
    days = [dt.date.fromisoformat(d) for d in args.days]
    start = time.perf_counter()
    runs = [snapshots(args.scenario, seed, days) for seed in range(args.runs)]
    print(f"Who holds the northern capitals: {args.scenario}, seeds 0-{args.runs - 1}\n")
    print(f"Model {sim.__version__}; runs of each town held by each side on the day, and the")
    print("median men of each insurgent side.\n")
    header = " | ".join(f"{t} ({s})" for t in TOWNS for s in SIDES)
    print(f"| day | {header} | separatists' men | jihadists' men |")
    print("|---|" + "---|" * (len(TOWNS) * len(SIDES) + 2))
    for i, day in enumerate(days):
        held = {town: Counter(run[i][town] for run in runs) for town in TOWNS}
        cells = " | ".join(str(held[t][s]) for t in TOWNS for s in SIDES)
        men = [statistics.median(run[i][side] for run in runs) for side in SIDES[1:]]
        print(f"| {day} | {cells} | {men[0]:.0f} | {men[1]:.0f} |")
    print(f"\n{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
