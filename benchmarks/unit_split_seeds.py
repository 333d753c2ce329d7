"""Does the unit-split verdict of ``resolution_equivalence.py`` survive other seeds?

The equivalence benchmark found the jihadists' dead in ``kidal_2023`` (to 2023-12-31) x1.24
with every unit split in two, "different" by its bootstrap. This re-runs the two arms on two
other ensemble seeds (11 unsplit, 12 split), with the jihadists' assaults at the library's
rate and switched off, and prints the medians and means, and each event type's share of the
jihadists' dead:

    nice -n 15 .venv/bin/python benchmarks/unit_split_seeds.py [--runs 150] [--workers 2]

Writes ``benchmarks/results/unit_split_seeds.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    """Run the four ensembles and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=150)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from sim.ensemble import run_ensemble
    from sim.scenario import load_scenario

    lines = [
        f"# Unit split on other seeds: kidal_2023 to 2023-12-31, {args.runs} runs per arm",
        "",
        "| assault_rate | units split | seed | jihadists dead: median | mean | a run in battles | "
        "in ambushes | in assaults |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rate in ("5", "0"):
        for split, seed in (("1", 11), ("2", 12)):
            overrides = [
                "scenario.end=2023-12-31",
                f"scenario.unit_split={split}",
                f"factions.jihadists.assault_rate={rate}",
            ]
            scenario = load_scenario(ROOT / "scenarios" / "kidal_2023.toml", overrides)
            results = run_ensemble(scenario, runs=args.runs, seed=seed, workers=args.workers)
            dead = results.runs["deaths_jihadists"]
            by_type = results.events.groupby("event_type")["deaths_jihadists"].sum() / args.runs
            cells = [f"{by_type.get(t, 0.0):.1f}" for t in ("battle", "ambush", "assault")]
            lines.append(
                f"| {rate} | {split} | {seed} | {dead.median():.0f} | {dead.mean():.0f} | "
                + " | ".join(cells)
                + " |"
            )
            print(lines[-1], flush=True)
    out = ROOT / "benchmarks" / "results" / "unit_split_seeds.md"
    out.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
