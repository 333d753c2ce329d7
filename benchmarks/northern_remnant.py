"""The state's men left in the north after the fall of 2012, run by run.

The record: by 6 April 2012 the rebels held the three northern regions (Kidal, Gao, Timbuktu)
and the army had fled south (the garrison of Kidal to Gao on 30 March, AFP; Gao's camps given
up on 31 March). Until model 0.36.0 a garrison that left its town fell back on the nearest
town the state held in name, often an empty post deeper in the desert (Abeibara, Tin Essako,
Tinzaouatene), and ``mali_2012`` kept some 1,200 of the state's men in the north on 1 May
2012 (median of 12 runs). This counts, on 1 May and 30 December 2012, the state's men in towns
of the northern regions (and in the open north of the Niger's bend), per run.

    .venv/bin/python benchmarks/northern_remnant.py [--runs 12] [--resolution 0.25]
        [--set politics.coup_desertion=0.3]   # any --set of malisim run

Writes ``benchmarks/results/northern_remnant_model_<version>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np

import sim
from sim import MaliConflictModel
from sim.ensemble import run_seed
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
NORTH = ("kidal", "gao", "timbuktu", "menaka")
"""The regions (``Town.region``) the rebels held from April 2012."""
DAYS = (dt.date(2012, 5, 1), dt.date(2012, 12, 30))


def count(run: int, resolution: float, overrides: list[str]) -> dict[dt.date, Counter]:
    """The state's men by northern town (``(open)`` outside towns) on each of ``DAYS``."""
    config = load_scenario(
        ROOT / "scenarios" / "mali_2012.toml", [f"scenario.resolution={resolution}", *overrides]
    )
    model = MaliConflictModel(config, rng=run_seed(1, run), run_id=run)
    north_of = model.geo.cell_of(16.0, 0.0)[1]  # the Niger's bend, near Timbuktu and Gao
    out: dict[dt.date, Counter] = {}
    while model.date <= DAYS[-1]:
        model.step()
        if model.date in DAYS:
            men: Counter = Counter()
            for unit in model.units_of("state"):
                town = model.towns.at.get(unit.xy)
                if town is not None and town.region in NORTH:
                    men[town.id] += unit.strength
                elif town is None and unit.xy[1] >= north_of:
                    men["(open)"] += unit.strength
            out[model.date] = men
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--resolution", type=float, default=0.25)
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    args = parser.parse_args()
    runs = [count(r, args.resolution, args.overrides) for r in range(args.runs)]
    lines = [
        f"# The state's men in the north after the fall, mali_2012, model {sim.__version__}",
        "",
        f"{args.runs} runs (ensemble seed 1), resolution {args.resolution}"
        + (f", {' '.join(args.overrides)}" if args.overrides else "")
        + "; `python benchmarks/northern_remnant.py`. The record: none after 6 April 2012.",
        "",
        "| day | median men | runs with more than 100 | mean men by place (largest) |",
        "|---|---|---|---|",
    ]
    for day in DAYS:
        totals = [sum(r[day].values()) for r in runs]
        places: Counter = Counter()
        for r in runs:
            for place, men in r[day].items():
                places[place] += men / len(runs)
        largest = ", ".join(f"{p} {round(m)}" for p, m in places.most_common(5))
        lines.append(
            f"| {day} | {np.median(totals):.0f} | {sum(t > 100 for t in totals)} of"
            f" {len(runs)} | {largest} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results" / f"northern_remnant_model_{sim.__version__}.md"
    out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
