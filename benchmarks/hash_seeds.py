"""Every scenario of the library gives the same tables under different Python hash seeds.

A choice that follows the iteration order of a set of strings makes a run depend on the
process's ``PYTHONHASHSEED`` (each worker process draws its own), so that the same seed gives
different wars on different workers. ``tests/test_reproducibility.py`` checks the 2012-2025 arc
in ``make test``; this check, slower, covers every scenario and counterfactual of the library.

    .venv/bin/python benchmarks/hash_seeds.py [--runs 4] [--seed 404]

Runs each scenario in two child processes under two hash seeds and compares SHA-256 digests of
every table (``tests/golden/make_golden.py``'s digest). Writes
``benchmarks/results/hash_seeds.json`` (committed: docs/RELIABILITY.md quotes it) and exits 1
when any scenario differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HASH_SEEDS = ("0", "4242")


def digests(runs: int, seed: int) -> dict[str, list[str]]:
    """In this process: each library scenario's runs, as table digests."""
    sys.path.insert(0, str(ROOT / "tests" / "golden"))
    from make_golden import table_digest

    from sim.ensemble import run_one, run_seed
    from sim.scenario import load_scenario

    paths = sorted((ROOT / "scenarios").glob("*.toml"))
    paths += sorted((ROOT / "scenarios" / "what_if").glob("*.toml"))
    out = {}
    for path in paths:
        scenario = load_scenario(path)
        for run_id in range(runs):
            tables = run_one(scenario, run_id, run_seed(seed, run_id))
            out[f"{path.relative_to(ROOT)}#{run_id}"] = [
                table_digest(getattr(tables, t)) for t in ("runs", "events", "timeseries")
            ]
    return out


def main() -> int:
    """Compare the library's tables under two hash seeds; 0 when identical."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=404)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        json.dump(digests(args.runs, args.seed), sys.stdout)
        return 0
    cmd = [sys.executable, __file__, "--child", "--runs", str(args.runs), "--seed", str(args.seed)]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, env={**os.environ, "PYTHONHASHSEED": h})
        for h in HASH_SEEDS
    ]
    first, second = (json.loads(p.communicate()[0]) for p in procs)
    differ = sorted(k for k in first if first[k] != second.get(k))
    import sim

    report = {
        "model_version": sim.__version__,
        "hash_seeds": HASH_SEEDS,
        "scenarios": len({k.split("#")[0] for k in first}),
        "runs": len(first),
        "differ": differ,
    }
    out = ROOT / "benchmarks" / "results" / "hash_seeds.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{len(first)} runs under hash seeds {' and '.join(HASH_SEEDS)}: ", end="")
    print("identical" if not differ else f"{len(differ)} differ: {', '.join(differ)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
