"""Search the 2012-2013 parameter set for the spring-2012 collapse (the record's fact C1).

A Latin hypercube over the parameters that plausibly set how a hollow army meets a well-armed
rebellion; each point is an ensemble of ``mali_2012`` scored by the share of runs in which the
state loses Kidal, Gao and Timbuktu after the coup (2012-03-22) and by 2012-05-15, within six
weeks of each other, minus the share of runs in which it takes one of them back in 2012. Writes
``results/calibration/mali_2012_search.csv``. The search reads the record's patterns only in its
score, as ``malisim validate`` does; nothing it finds is read by the model.

    .venv/bin/python tools/calibrate_2012.py --points 30 --runs 8
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pandas as pd
from scipy.stats import qmc

from sim import load_scenario, run_ensemble
from sim.validate import first_capture_dates, first_loss_dates

RANGES = {  # plausible ranges: see docs/CALIBRATION.md
    "factions.state.abandon_ratio": (1.2, 3.0),
    "politics.coup_morale": (0.2, 0.7),
    "factions.separatists.attack_ratio": (1.8, 3.5),
    "factions.jihadists.attack_ratio": (1.8, 3.5),
    "factions.state.morale": (0.3, 0.6),
    "factions.separatists.garrison_size": (20, 100),
}
CAPITALS = ("kidal", "gao", "timbuktu")
COUP, BY = dt.date(2012, 3, 22), dt.date(2012, 5, 15)


def score(results) -> dict[str, float]:
    """Shares of runs that lose the three capitals together after the coup, and that retake one."""
    losses = {t: first_loss_dates(results.events, t) for t in CAPITALS}
    together = retaken = early = 0
    runs = list(results.runs.run_id)
    for run in runs:
        dates = [losses[t].get(run) for t in CAPITALS]
        if all(dates):
            after_coup = min(dates) >= COUP - dt.timedelta(days=7)
            if max(dates) <= BY and after_coup and (max(dates) - min(dates)).days <= 42:
                together += 1
            if min(dates) < COUP - dt.timedelta(days=7):
                early += 1
    for t in CAPITALS:
        back = first_capture_dates(results.events, t, after=COUP)
        retaken += len(back)
    n = len(runs)
    return {"together": together / n, "early": early / n, "retaken": retaken / (3 * n)}


def main() -> None:
    """Run the search and write its table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=30)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    out = Path("results/calibration")
    out.mkdir(parents=True, exist_ok=True)
    names = list(RANGES)
    sample = qmc.LatinHypercube(d=len(names), seed=args.seed).random(args.points)
    rows = []
    for i, unit in enumerate(sample):
        values = {
            n: RANGES[n][0] + u * (RANGES[n][1] - RANGES[n][0])
            for n, u in zip(names, unit, strict=True)
        }
        garrison = int(values["factions.separatists.garrison_size"])
        values["factions.separatists.garrison_size"] = garrison
        values["factions.jihadists.garrison_size"] = garrison
        scenario = load_scenario("scenarios/mali_2012.toml", values)
        results = run_ensemble(scenario, runs=args.runs, seed=1, workers=2)
        row = {**values, **score(results)}
        row["score"] = row["together"] - row["retaken"] - row["early"]
        rows.append(row)
        print(i, {k: round(v, 2) for k, v in row.items()}, flush=True)
        pd.DataFrame(rows).to_csv(out / "mali_2012_search.csv", index=False)


if __name__ == "__main__":
    main()
