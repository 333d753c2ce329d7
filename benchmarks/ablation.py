"""Does one parameter move one outcome? A scenario run with and without overrides, same seeds.

Runs ``malisim run SCENARIO --runs N --seed S`` twice into temporary folders, once as the file
stands (with any ``--both NAME=VALUE``) and once with each ``--set NAME=VALUE`` added, and
reports for one deaths column of the events table the median, the mean with its standard
error, and the mean deaths a run by event type in each arm. The two arms share the ensemble
seed, so their runs start from the same seeds; a change of one mechanism still moves every
later random draw, so the comparison is of two samples, and only a difference larger than the
standard errors is one.

    .venv/bin/python benchmarks/ablation.py scenarios/serval_2013.toml \\
        --set factions.jihadists.harass_rate=0 --column deaths_foreign_france \\
        --runs 200 --seed 11 --workers 2 --name serval_harassment_french

Writes ``benchmarks/results/ablation_NAME.md``.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def run_arm(scenario: str, sets: list[str], args: argparse.Namespace, out: Path) -> pd.DataFrame:
    """One ensemble through the command line; its events table."""
    command = [sys.executable, "-m", "sim.cli", "run", scenario, "--runs", str(args.runs)]
    command += ["--seed", str(args.seed), "--workers", str(args.workers), "--out", str(out)]
    for item in sets:
        command += ["--set", item]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return pd.read_parquet(out / "events.parquet")


def describe(events: pd.DataFrame, column: str, runs: int) -> dict:
    """Deaths a run in ``column``: median, mean, standard error, and the mean by event type."""
    per_run = events.groupby("run_id")[column].sum().reindex(range(runs), fill_value=0)
    by_type = events.groupby("event_type")[column].sum() / runs
    return {
        "median": float(per_run.median()),
        "mean": float(per_run.mean()),
        "se": float(per_run.std(ddof=1) / math.sqrt(runs)),
        "by_type": {k: float(v) for k, v in by_type.items() if v > 0},
    }


def main() -> int:
    """Run both arms and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario")
    parser.add_argument("--set", dest="sets", action="append", required=True)
    parser.add_argument(
        "--both", action="append", default=[], help="an override for both arms (NAME=VALUE)"
    )
    parser.add_argument("--column", required=True, help="a deaths column of the events table")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--name", required=True)
    args = parser.parse_args()
    import sim

    with tempfile.TemporaryDirectory() as tmp:
        arms = {
            "as the file stands": describe(
                run_arm(args.scenario, args.both, args, Path(tmp) / "a"), args.column, args.runs
            ),
            "with " + ", ".join(args.sets): describe(
                run_arm(args.scenario, args.both + args.sets, args, Path(tmp) / "b"),
                args.column,
                args.runs,
            ),
        }
    types = sorted({t for arm in arms.values() for t in arm["by_type"]})
    lines = [
        f"# {args.column} in {args.scenario}: {args.runs} runs, seed {args.seed}, "
        f"model {sim.__version__}",
        "",
        "    .venv/bin/python benchmarks/ablation.py "
        + " ".join(
            [args.scenario, *(f"--both {b}" for b in args.both), *(f"--set {s}" for s in args.sets)]
        )
        + f" --column {args.column} --runs {args.runs} --seed {args.seed} --name {args.name}",
        "",
        "| arm | median | mean | standard error | " + " | ".join(types) + " |",
        "|---|---|---|---|" + "---|" * len(types),
    ]
    for label, arm in arms.items():
        cells = [f"{arm['by_type'].get(t, 0):.1f}" for t in types]
        row = [label, f"{arm['median']:g}", f"{arm['mean']:.1f}", f"{arm['se']:.1f}", *cells]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "The columns after the standard error are mean deaths a run by event type."]
    out = ROOT / "benchmarks" / "results" / f"ablation_{args.name}.md"
    out.write_text("\n".join(lines) + "\n")
    print(out.read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
