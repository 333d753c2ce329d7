"""The per-day cost of a scenario at this revision against another, measured interleaved.

Checks out the other revision into a temporary git worktree, then alternates whole runs of the
same scenario and seed under both revisions (each run a fresh process that imports the model,
builds it and steps it to the end; the time measured is the stepping only, divided by the days),
so that a burst of load on a shared machine hits both alike. Reports the median of the per-pair
ratios (this revision over the other) and its interquartile range.

    .venv/bin/python benchmarks/compare_revisions.py REV [--scenario scenarios/north_2024.toml]
        [--pairs 7] [--seed 1]

Writes ``results/benchmarks/compare_revisions.json``. Issue 13 asked that the redesign not
raise north_2024's per-day cost; issues 14 and 15 allow 1.5 times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STEP_SCRIPT = """
import sys, time
from sim.model import MaliConflictModel
from sim.scenario import load_scenario
model = MaliConflictModel(load_scenario(sys.argv[1]), rng=int(sys.argv[2]))
start = time.perf_counter()
days = 0
while model.running:
    model.step()
    days += 1
print((time.perf_counter() - start) / days)
"""


def per_day(tree: Path, scenario: Path, seed: int) -> float:
    """Seconds per simulated day of one run, in a fresh process importing ``tree``'s model."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", STEP_SCRIPT, str(scenario), str(seed)],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    """Measure and write the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="the other revision (a commit, tag or branch)")
    parser.add_argument("--scenario", default="scenarios/north_2024.toml")
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # Each revision runs its own copy of the scenario: a file of this revision may use fields
    # the other's schema does not know.
    scenario = Path(args.scenario)
    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "other"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(other), args.revision],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            here, there = [], []
            for _ in range(args.pairs):
                there.append(per_day(other, other / scenario, args.seed))
                here.append(per_day(ROOT, ROOT / scenario, args.seed))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(other)], cwd=ROOT, check=False
            )
    ratios = sorted(h / t for h, t in zip(here, there, strict=True))
    q1, median, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    report = {
        "scenario": args.scenario,
        "seed": args.seed,
        "this_revision": head,
        "other_revision": args.revision,
        "seconds_per_day_this": here,
        "seconds_per_day_other": there,
        "ratio_median": statistics.median(ratios),
        "ratio_quartiles": [q1, q3],
        "load_average": os.getloadavg(),
    }
    out = ROOT / "results" / "benchmarks" / "compare_revisions.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"{args.scenario}: per-day cost at {head} / at {args.revision} = "
        f"{report['ratio_median']:.3f} (quartiles {q1:.3f}-{q3:.3f}, {args.pairs} pairs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
