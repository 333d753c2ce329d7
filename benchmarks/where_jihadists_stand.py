"""Where each side's men stand, by zone, on given days of the arc and of a period scenario.

The arc (``history_2012_2025``) hands the war of 2012-2013 to the Barkhane years; a period file
(``barkhane_2014``) starts the same years from the record's positions. Where the two disagree on
the day the period file starts, the arc's history has put the men somewhere else, and what
follows differs (docs/CALIBRATION.md, "Model 0.29.0" and "Where the model misses")::

    .venv/bin/python benchmarks/where_jihadists_stand.py --runs 6 \\
        > benchmarks/results/where_jihadists_stand_model_0.29.0.md

For each scenario, seed and day: the jihadists' and the state side's men in the north, the
centre and the south (``sim.geography.ZONES``; men beyond the borders, in the sanctuary, are
counted apart), the share of Mali's people under the jihadists' control, and in the centre the
state's officials at their posts (``sim.war.officials.present``, the measure of C10j and C10k)
and the jihadists' governance, each weighted by the rural people as the officials are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.geography import ZONES  # noqa: E402
from sim.model import MaliConflictModel  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.war import officials  # noqa: E402
from sim.war.control import CONTROL_CLASSES  # noqa: E402

DAYS = ("2014-08-01", "2016-08-01", "2018-08-01")


def men_by_zone(model: MaliConflictModel, side: str) -> list[int]:
    """A side's men in each zone, then beyond the borders."""
    men = [0] * (len(ZONES) + 1)
    for unit in model.units:
        if unit.side == side:
            men[int(model.geo.zone[unit.xy])] += unit.strength  # code -1: the last slot
    return men


def rows(name: str, seed: int, days: list[dt.date]) -> list[str]:
    """One table row a day of one run."""
    model = MaliConflictModel(load_scenario(ROOT / "scenarios" / f"{name}.toml"), rng=seed)
    population = model.geo.population
    jihadist_held = CONTROL_CLASSES.index("jihadists")
    out = []
    for day in days:
        while model.running and model.date < day:
            model.step()
        jihadists, state = men_by_zone(model, "jihadists"), men_by_zone(model, "state")
        held = float(population[model.control == jihadist_held].sum() / population.sum())
        rural = (population - model.geo.urban) * (model.geo.zone == ZONES.index("centre"))
        governed = float((model.governance["jihadists"] * rural).sum() / rural.sum())
        out.append(
            f"| {name} | {seed} | {model.date} | "
            + " | ".join(f"{n:,}" for n in jihadists)
            + " | "
            + " | ".join(f"{n:,}" for n in state[:3])
            + f" | {held:.0%} | {officials.present(model, 'centre'):.2f} | {governed:.2f} |"
        )
    return out


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--scenarios", nargs="+", default=["history_2012_2025", "barkhane_2014"])
    parser.add_argument("--days", nargs="+", default=list(DAYS))
    args = parser.parse_args()
    days = [dt.date.fromisoformat(d) for d in args.days]
    print(f"Model {sim.__version__}: men by zone, seeds 0-{args.runs - 1}\n")
    zones = " | ".join(ZONES)
    print(
        f"| scenario | seed | day | jihadists: {zones} | beyond the borders "
        f"| state side: {zones} | people under the jihadists "
        "| the centre's officials at their posts | the jihadists' governance of the centre |"
    )
    print("|---" * 13 + "|")
    for name in args.scenarios:
        for seed in range(args.runs):
            print("\n".join(rows(name, seed, days)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
