"""Where MINUSMA loses its men: `barkhane_2014` against the arc, 2014-08-01 to 2022-08-15.

The arc's UN loses a fraction of `barkhane_2014`'s over the same years (C11h misses, C11a
passes). This script runs both on the same seeds and reports, per scenario, the UN's deaths in
the window per run, by place and by year, its men on each 1 July, and the jihadists within
``reach_km`` of its bases (the most at any base) on each 1 July: who is near the peacekeepers.

    .venv/bin/python benchmarks/un_losses.py [--runs 6] [--seed 1]

Writes ``benchmarks/results/un_losses.json`` and ``.md`` (docs/CALIBRATION.md quotes them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("barkhane_2014", "history_2012_2025")
START, END = dt.date(2014, 8, 1), dt.date(2022, 8, 15)


def one_run(name: str, seed: int) -> dict:
    from sim import MaliConflictModel, load_scenario

    model = MaliConflictModel(load_scenario(ROOT / "scenarios" / f"{name}.toml"), rng=seed)
    bases = [model.towns[t].xy for t in model.config.foreign["un"].bases]
    yearly: dict[str, dict[int, float]] = {"un_men": {}, "jihadists_near_bases": {}}
    while model.running and model.date < END:
        model.step()
        if model.date.month == 7 and model.date.day == 1 and model.date.year >= START.year:
            reach = model.presence.reach["jihadists"]
            yearly["un_men"][model.date.year] = model.strength("un")
            yearly["jihadists_near_bases"][model.date.year] = float(max(reach[b] for b in bases))
    by_place: dict[str, float] = defaultdict(float)
    by_year: dict[int, float] = defaultdict(float)
    for event in model.log.events:
        day = event["date"]  # a datetime.date: the log stores the model's date
        dead = event["deaths_foreign_un"]
        if dead and START <= day <= END:
            by_place[event.get("town") or "countryside"] += dead
            by_year[day.year] += dead
    return {"deaths": sum(by_year.values()), "by_place": by_place, "by_year": by_year, **yearly}


def summary(runs: list[dict]) -> dict:
    places = sorted({p for r in runs for p in r["by_place"]})
    years = list(range(START.year, END.year + 1))
    n = len(runs)
    return {
        "deaths_per_run": [r["deaths"] for r in runs],
        "deaths_median": float(np.median([r["deaths"] for r in runs])),
        "by_place_mean": {p: sum(r["by_place"].get(p, 0) for r in runs) / n for p in places},
        "by_year": {
            y: {
                "un_deaths_mean": sum(r["by_year"].get(y, 0) for r in runs) / n,
                "un_men_median": float(np.median([r["un_men"].get(y, np.nan) for r in runs])),
                "jihadists_near_bases_median": float(
                    np.median([r["jihadists_near_bases"].get(y, np.nan) for r in runs])
                ),
            }
            for y in years
        },
    }


def main() -> None:
    import sim

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    seeds = np.random.SeedSequence(args.seed).generate_state(args.runs).tolist()
    out = {"model_version": sim.__version__, "runs": args.runs, "seed": args.seed}
    for name in SCENARIOS:
        out[name] = summary([one_run(name, s) for s in seeds])
    path = ROOT / "benchmarks" / "results" / "un_losses"
    path.with_suffix(".json").write_text(json.dumps(out, indent=2, default=str))
    lines = [f"UN losses 2014-08-01 to 2022-08-15, {args.runs} runs each, model {sim.__version__}"]
    for name in SCENARIOS:
        s = out[name]
        lines += [
            "",
            f"## {name}: median {s['deaths_median']:.0f} UN dead; per run {s['deaths_per_run']}",
            "",
            "| year | UN dead (mean) | UN men on 1 July | jihadists within reach of a UN base |",
            "|---|---|---|---|",
        ]
        for year, row in s["by_year"].items():
            lines.append(
                f"| {year} | {row['un_deaths_mean']:.1f} | {row['un_men_median']:.0f} | "
                f"{row['jihadists_near_bases_median']:.0f} |"
            )
        top = sorted(s["by_place_mean"].items(), key=lambda kv: -kv[1])[:6]
        lines += ["", "Where (mean per run): " + ", ".join(f"{p} {v:.1f}" for p, v in top)]
    path.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
