"""Who holds Gao and Timbuktu as Serval comes: why a switch trial costs the arc its C2h.

The arc's Serval must retake Gao and Timbuktu within 28 days of 2013-01-11 (C2h). Two switch
trials on model 0.48.0 (``benchmarks/switch_trials.py``: ``reinforce_from_2012`` and
``town_recruits_*_scaled``) cost it that criterion while mending others. This script runs the
first runs of the arc (the validation's seeds) under a trial's scenario, from 2012 to
2013-02-08, and prints for each run the insurgents' numbers, the holders and the men in the
two towns on 2013-01-11,
every change of hands of either town after it (day, new holder), and whether the state's side
took both in the 28 days (C2h's measure; a town it already held on 2013-01-11 does not count)::

    .venv/bin/python benchmarks/serval_retakes.py base --runs 12
    .venv/bin/python benchmarks/serval_retakes.py town_recruits_5_scaled --runs 12
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOWNS = ("gao", "timbuktu")
SERVAL = dt.date(2013, 1, 11)
DEADLINE = SERVAL + dt.timedelta(days=28)


def main() -> int:
    """Run the trial's arc to the deadline, run by run, and print what happened to the towns."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trial", help="a trial of benchmarks/switch_trials.py, or base")
    parser.add_argument("--runs", type=int, default=12)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from switch_trials import TRIALS, variant

    from sim.ensemble import run_seed
    from sim.model import MaliConflictModel
    from sim.scenario import load_scenario

    drop, start = TRIALS[args.trial]
    text, _ = variant((ROOT / "scenarios" / "history_2012_2025.toml").read_text(), drop, start)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history_2012_2025.toml"
        path.write_text(text)
        scenario = load_scenario(path)
    retaken = 0
    for run in range(args.runs):
        model = MaliConflictModel(scenario, rng=run_seed(1, run), run_id=run)
        changes: list[str] = []
        holders: dict[str, str] = {}
        taken: set[str] = set()  # taken by the state's side after SERVAL (C2h's measure)
        at_serval = ""
        while model.date < DEADLINE:
            model.step()
            for tid in TOWNS:
                town = model.towns[tid]
                if model.date == SERVAL and tid == TOWNS[0]:
                    sides = ("jihadists", "separatists")
                    at_serval += " " + ", ".join(f"{s} {model.strength(s)}" for s in sides) + ";"
                if model.date == SERVAL:
                    at_serval += f" {tid} {town.holder} {_men_by_side(model, town)};"
                elif model.date > SERVAL and holders.get(tid) != town.holder:
                    changes.append(f"{model.date} {tid} -> {town.holder}")
                    if model.side_of.get(town.holder, town.holder) == "state":
                        taken.add(tid)
                holders[tid] = town.holder
        ok = taken == set(TOWNS)
        retaken += ok
        print(f"run {run}: {'retaken' if ok else 'NOT'};{at_serval} {'; '.join(changes)}")
    print(f"{retaken} of {args.runs} runs: both towns taken by the state's side by {DEADLINE}")
    return 0


def _men_by_side(model, town) -> dict[str, int]:
    """The men of each side in the town's cell."""
    men: dict[str, int] = {}
    for unit in model.grid[town.xy].agents:
        men[unit.side] = men.get(unit.side, 0) + unit.strength
    return men


if __name__ == "__main__":
    raise SystemExit(main())
