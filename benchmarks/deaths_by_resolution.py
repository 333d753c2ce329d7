"""Whose deaths differ between the grids, and where: one side's dead in ``kidal_2023`` by arm.

Issue 14, item 7: on model 0.64.0 the jihadists' dead (x0.87 at 0.5 degree) and Wagner's
(x1.15) are the two outcomes of ``resolution_equivalence.py`` shown neither equivalent nor
different. This splits one deaths column of each arm's runs by event type and actors, and by
the nearest town, as means a run, and says in how many runs each town's battles killed any,
to find the process the grids disagree on. The arms are ``civilians_by_resolution.py``'s (the
reference at 0.25 degree with ensemble seed 1, the same at 0.5 degree with seed 2), to the
same horizon.

    .venv/bin/python benchmarks/deaths_by_resolution.py deaths_jihadists [--runs 100]
        [--workers 2] [--tree PATH]

Prints markdown and writes it to
``benchmarks/results/deaths_by_resolution_<column>_model_<version>.md`` (the version is the
tree's). It reads the runs' tables; it changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.civilians_by_resolution import add_arguments, arms_events  # noqa: E402


def side_by_side(parts: dict[str, pd.Series], least: float) -> str:
    """The arms' means a run side by side, rows where any arm has at least ``least``."""
    both = pd.concat(parts, axis=1).fillna(0.0)
    both = both[(both.abs() >= least).any(axis=1)]
    lines = ["| | " + " | ".join(both.columns) + " |", "|" + "---|" * (len(both.columns) + 1)]
    for key, row in both.iterrows():
        name = ", ".join(key) if isinstance(key, tuple) else str(key)
        lines.append("| " + name + " | " + " | ".join(f"{v:.1f}" for v in row) + " |")
    return "\n".join(lines)


def main() -> int:
    """Run both arms and write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("column", help="an events table's deaths column, e.g. deaths_jihadists")
    add_arguments(parser)
    args = parser.parse_args()
    kinds, places, runs_with, totals = {}, {}, {}, {}
    for arm, events in arms_events(args.tree.resolve(), args.runs, args.workers):
        if args.column not in events:
            print(f"{args.column}: no such column in the events table", file=sys.stderr)
            return 2
        dead = events[events[args.column] > 0]
        kinds[arm] = dead.groupby(["event_type", "actor1", "actor2"])[args.column].sum() / args.runs
        places[arm] = dead.groupby("town")[args.column].sum() / args.runs
        runs_with[arm] = dead.groupby("town")["run_id"].nunique().astype(float)
        totals[arm] = float(dead[args.column].sum()) / args.runs
    import sim  # the tree's, on the path ``arms_events`` set

    lines = [
        f"# {args.column} by resolution (kidal_2023 to 2023-12-31, model {sim.__version__})",
        "",
        f"`python benchmarks/deaths_by_resolution.py {args.column} --runs {args.runs}`: means a "
        f"run over {args.runs} runs an arm (0.25 degree: ensemble seed 1; 0.5 degree: seed 2). "
        "In all: " + ", ".join(f"{arm} {total:.1f}" for arm, total in totals.items()) + ".",
        "",
        "## By event type and actors (actor1, actor2)",
        "",
        side_by_side(kinds, 0.5),
        "",
        "## By the nearest town, where an arm has one a run or more",
        "",
        side_by_side(places, 1.0),
        "",
        f"## Runs (of {args.runs}) with any of them at each town, where an arm has five or more",
        "",
        side_by_side(runs_with, 5.0),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    name = f"deaths_by_resolution_{args.column}_model_{sim.__version__}.md"
    out = ROOT / "benchmarks" / "results" / name
    out.write_text(text)
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
