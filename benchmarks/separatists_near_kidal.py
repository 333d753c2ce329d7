"""Where the separatists stand about Kidal on the day the UN leaves, by resolution.

Issue 14, item 7: on the day the UN left Kidal (2023-10-31) the town's defence counts more of
the separatists' men at 0.5 degree than at 0.25 (``benchmarks/results/kidal_camp_model_0.60.0.md``,
docs/CALIBRATION.md "Model 0.60.0"). This runs ``kidal_2023`` at each resolution to that day
and reports, as means over the runs, the separatists' men by straight-line km from Kidal (between
the cells' places; not ``km_apart``, the square the model's reach uses),
their sum within reach of its cell (``Presence.reach``), and each band standing 20-100 km
from the town outside any town: how far, how many, in which runs. A band's trail from its
first day says where it came from.

    .venv/bin/python benchmarks/separatists_near_kidal.py [--runs 8] [--seed 1]

Prints markdown and writes it to ``benchmarks/results/separatists_near_kidal_model_<version>.md``.
It reads the model's state; it changes nothing.
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
from sim.war.posture import Posture

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2023, 10, 31)
BANDS_KM = (0, 25, 60, 100, 150, 250)


def stand(resolution: float, runs: int, seed: int) -> tuple[np.ndarray, float, Counter]:
    """Mean men by km band, mean reach at Kidal, and the bands 20-100 km out (km, men, start)."""
    scenario = load_scenario(ROOT / "scenarios" / "kidal_2023.toml")
    scenario.scenario.resolution = resolution
    by_km, reach, near = [], [], Counter()
    for run in range(runs):
        model = MaliConflictModel(scenario, rng=run_seed(seed, run), run_id=run)
        kidal = model.towns["kidal"]
        first: dict[int, float] = {}
        while model.date < DAY:
            model.step()
            for unit in model.units_of("separatists"):
                first.setdefault(unit.unique_id, km(model, unit.xy, kidal.xy))
        units = list(model.units_of("separatists"))
        apart = [km(model, u.xy, kidal.xy) for u in units]
        men = [u.strength for u in units]
        by_km.append(np.histogram(apart, bins=[*BANDS_KM, 1e9], weights=men)[0])
        reach.append(float(model.presence.reach["separatists"][kidal.xy]))
        for unit, far in zip(units, apart, strict=True):
            if 20 < far < 100 and unit.posture == Posture.PATROL and unit.xy not in model.towns.at:
                near[(round(far), round(first[unit.unique_id]))] += unit.strength
    return np.mean(by_km, axis=0), float(np.mean(reach)), near


def km(model: MaliConflictModel, a: tuple[int, int], b: tuple[int, int]) -> float:
    """Straight-line km between two cells' places (``km_apart`` is the larger gap, a square)."""
    return float(np.hypot(*(model.place_km[a] - model.place_km[b])))


def main() -> int:
    """Run both resolutions and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    bands = [f"{a}-{b} km" for a, b in zip(BANDS_KM, BANDS_KM[1:], strict=False)]
    lines = [
        f"# The separatists about Kidal on {DAY} (kidal_2023, model {sim.__version__})",
        "",
        f"`python benchmarks/separatists_near_kidal.py --runs {args.runs} --seed {args.seed}`: "
        "mean men over the runs by km from Kidal; the first band is Kidal's own garrison.",
        "",
        "| resolution | " + " | ".join([*bands, f"{BANDS_KM[-1]} km and more"]) + " | reach |",
        "|---|" + "---|" * (len(BANDS_KM) + 1),
    ]
    trails = []
    for resolution in (0.25, 0.5):
        men, reach, near = stand(resolution, args.runs, args.seed)
        cells = " | ".join(f"{m:.0f}" for m in men)
        lines.append(f"| {resolution} degree | {cells} | {reach:.0f} |")
        for (far, start), total in sorted(near.items()):
            trails.append(
                f"- {resolution} degree: {total / args.runs:.0f} men a run (mean) in bands "
                f"{far} km from Kidal that were {start} km from it on their first day"
            )
    lines += ["", "Bands 20-100 km from Kidal outside any town on that day:", "", *trails]
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results" / f"separatists_near_kidal_model_{sim.__version__}.md"
    out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
