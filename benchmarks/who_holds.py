"""Who holds the northern capitals on given days, counted over seeded runs of a scenario.

The arc's 2012 hands Serval a north held by someone; whether the state has a town to retake in
January 2013 depends on who (docs/CALIBRATION.md, "Model 0.28.0" and "Model 0.31.0")::

    .venv/bin/python benchmarks/who_holds.py --runs 40 --workers 2 \\
        > benchmarks/results/who_holds_model_0.31.0.md

For each day, how many runs have each town held by each side, and the median men each
insurgent side has in the field: an ensemble of the scenario cut at the last day
(``sim.ensemble.run_ensemble``), read at each day by ``sim.analysis.at_date.outcomes_at``, the
reading ``malisim report --at`` gives (holders from the captures, men from the week containing
the day).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.analysis.at_date import outcomes_at  # noqa: E402
from sim.ensemble import run_ensemble  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

DAYS = ("2012-04-15", "2012-07-15", "2013-01-09", "2013-02-08")
TOWNS = ("gao", "timbuktu", "kidal")
SIDES = ("state", "separatists", "jihadists")


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="history_2012_2025")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--days", nargs="*", default=list(DAYS))
    args = parser.parse_args()
    days = [dt.date.fromisoformat(d) for d in args.days]
    scenario = load_scenario(ROOT / "scenarios" / f"{args.scenario}.toml")
    scenario.scenario.end = max(days)  # nothing after the last day is read
    start = time.perf_counter()
    results = run_ensemble(scenario, runs=args.runs, seed=args.seed, workers=args.workers)
    print(f"Who holds the northern capitals: {args.scenario}, {args.runs} runs, seed {args.seed}\n")
    print(f"Model {sim.__version__}; runs of each town held by each side on the day, and the")
    print("median men of each insurgent side (in the week containing the day).\n")
    header = " | ".join(f"{t} ({s})" for t in TOWNS for s in SIDES)
    print(f"| day | {header} | separatists' men | jihadists' men |")
    print("|---|" + "---|" * (len(TOWNS) * len(SIDES) + 2))
    for day in days:
        runs = outcomes_at(results, day).runs
        held = {town: runs[f"holder_{town}"].value_counts() for town in TOWNS}
        cells = " | ".join(str(held[t].get(s, 0)) for t in TOWNS for s in SIDES)
        men = [runs[f"strength_end_{side}"].median() for side in SIDES[1:]]
        print(f"| {day} | {cells} | {men[0]:.0f} | {men[1]:.0f} |")
    print(f"\n{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
