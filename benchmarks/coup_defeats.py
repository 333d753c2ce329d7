"""How beaten the army is on the day of each coup (model 0.27.0: ``sim.war.regime``).

A coup makes the army's northern men desert only as far as the army is beaten: the strategic
value of the towns it lost lately (``Regime.defeats``) over ``politics.defeats_to_break``. This
steps seeded runs to the eve of each coup of a scenario and prints what the regime remembers
then, and the value of the towns the state lost in the year before::

    .venv/bin/python benchmarks/coup_defeats.py --runs 6 \\
        > benchmarks/results/coup_defeats_model_0.27.0.md

The ODD ("Defeats and coups") and docs/CALIBRATION.md ("Model 0.27.0") quote it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.model import MaliConflictModel  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

SCENARIOS = ("mali_2012", "history_2012_2025", "barkhane_2014")


def eve_of_coups(name: str, seed: int) -> list[tuple[dt.date, float, float, float]]:
    """Each coup's date, the defeats remembered, how beaten, and the value lost in a year."""
    config = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    coups = sorted(e.date for e in config.events if e.type == "coup")
    model = MaliConflictModel(config, rng=seed)
    values = {t.id: t.value for t in model.towns}
    rows = []
    for day in coups:
        while model.date < day and model.running:
            model.step()
        lost = sum(
            values[e["town"]]
            for e in model.log.events
            if e["event_type"] == "town_captured"
            and e["actor2"] == "state"
            and day - dt.timedelta(days=365) <= e["date"] < day
        )
        rows.append((day, model.regime.defeats, model.regime.beaten(), lost))
    return rows


def main() -> int:
    """Print a markdown table, one row a run and coup."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    print(f"The army on the eve of each coup: seeds 0-{args.runs - 1} of each scenario\n")
    print("| scenario | seed | coup | defeats remembered | beaten | value lost in the year |")
    print("|---|---|---|---|---|---|")
    for name in SCENARIOS:
        for seed in range(args.runs):
            for day, defeats, beaten, lost in eve_of_coups(name, seed):
                print(f"| {name} | {seed} | {day} | {defeats:.1f} | {beaten:.2f} | {lost:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
