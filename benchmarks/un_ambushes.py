"""How the UN's men die in the arc: its dead by kind of event, by year, and the largest events.

Model 0.46.0 found that ambushes on the UN's garrisons caught a patrol of one of its units
(500 men), so that single ambushes at its camps killed 30-43 peacekeepers where the record's
deadliest ambush on MINUSMA killed nine (BBC, 2014-10-03). This script runs the arc on seeds
1..N and reports, for the window of criterion C11h (2013-07-01 to 2022-09-11), the UN's dead
per run by kind of event and by year, and the ten events that killed the most of them.

``benchmarks/un_losses.py`` asks a different question of the same losses (where they fall, and
who stands near the UN's bases each July, `barkhane_2014` against the arc, stepping the model
for its snapshots); this one reads only the events table, in the window C11h judges.

    .venv/bin/python benchmarks/un_ambushes.py [--runs 10] [--workers 2] [--out FILE]

Writes ``benchmarks/results/un_ambushes_model_<version>.md`` unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
from multiprocessing import Pool
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "history_2012_2025.toml"
START, END = "2013-07-01", "2022-09-11"


def un_events(seed: int) -> pd.DataFrame:
    """The events of one run of the arc that killed peacekeepers in the window."""
    from sim.ensemble import run_one
    from sim.scenario import load_scenario

    events = run_one(load_scenario(SCENARIO), 0, seed).events
    dates = pd.to_datetime(events.date)
    events = events[(dates >= START) & (dates <= END) & (events.deaths_foreign_un > 0)]
    return events.assign(seed=seed, year=pd.to_datetime(events.date).dt.year)[
        ["seed", "date", "year", "event_type", "actor1", "region", "town", "deaths_foreign_un"]
    ]


def main() -> int:
    """Run the arc and write the report."""
    import sim

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with Pool(args.workers) as pool:
        events = pd.concat(pool.map(un_events, range(1, args.runs + 1)))
    dead = events.deaths_foreign_un
    per_run = dead.groupby(events.seed).sum().reindex(range(1, args.runs + 1), fill_value=0)
    by_kind = events.groupby("event_type").deaths_foreign_un.agg(["sum", "count", "max"])
    by_year = dead.groupby(events.year).sum() / args.runs
    lines = [
        f"# The UN's dead in the arc, {START} to {END}: model {sim.__version__}, "
        f"{args.runs} runs (seeds 1-{args.runs})",
        "",
        f"`python benchmarks/un_ambushes.py --runs {args.runs}`",
        "",
        f"UN dead a run: mean {per_run.mean():.1f}, median {per_run.median():.1f}",
        "",
        "| kind | dead a run | events a run | most in one event |",
        "|---|---|---|---|",
        *(
            f"| {kind} | {row['sum'] / args.runs:.1f} | {row['count'] / args.runs:.1f} "
            f"| {row['max']} |"
            for kind, row in by_kind.iterrows()
        ),
        "",
        "| year | dead a run |",
        "|---|---|",
        *(f"| {year} | {value:.1f} |" for year, value in by_year.items()),
        "",
        "The ten events that killed the most peacekeepers:",
        "",
        "| seed | date | kind | by | region | town | UN dead |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {r.seed} | {str(r.date)[:10]} | {r.event_type} | {r.actor1} | {r.region} "
            f"| {r.town} | {r.deaths_foreign_un} |"
            for r in events.sort_values("deaths_foreign_un", ascending=False).head(10).itertuples()
        ),
    ]
    out = args.out or ROOT / "benchmarks" / "results" / f"un_ambushes_model_{sim.__version__}.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
