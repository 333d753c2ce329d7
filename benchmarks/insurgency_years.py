"""The insurgency year by year in a scenario's ensemble: strength, rural control, events.

Issue 14 asks, for the Barkhane scenario, the jihadists' strength and the population they
control each year (median and 90% interval over 40 runs), and the yearly count of events.

    .venv/bin/python benchmarks/insurgency_years.py [--scenario scenarios/barkhane_2014.toml]
        [--runs 40] [--seed 1] [--workers 2] [--name NAME]
    .venv/bin/python benchmarks/insurgency_years.py --table benchmarks/results/insurgency_X.json

Writes ``benchmarks/results/insurgency_<name>.json`` (``<name>``: the scenario and the model
version, e.g. ``barkhane_2014_model_0.5.0``) and the same figures as a Markdown table in
``.md`` beside it, which docs/CALIBRATION.md quotes; ``--table`` writes the table of a JSON
written before.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def yearly(results, column: str) -> pd.DataFrame:
    """Per run and year: the last weekly value of a timeseries column."""
    ts = results.timeseries.copy()
    ts["year"] = pd.to_datetime(ts["date"]).dt.year
    return ts.groupby(["run_id", "year"])[column].last().unstack()


def summarise(frame: pd.DataFrame) -> dict[int, list[float]]:
    """Median and 5-95% of each year's column over runs."""
    return {
        int(year): [float(v) for v in np.nanpercentile(frame[year], [50, 5, 95])]
        for year in frame.columns
    }


LABELS = {
    "strength_jihadists": "jihadists",
    "pop_share_jihadists": "population they control",
    "events": "events",
    "assaults": "assaults on posts",
    "deaths": "deaths",
    "pop_share_jihadists_rural": "rural population they control",
    "pop_share_contested": "population contested",
    "events_share_below_16N": "events south of 16 N",
}


def markdown(summary: dict) -> str:
    """The year-by-year table of a summary: median [5%, 95%] over runs, shares in percent."""
    table = {k: v for k, v in summary.items() if k in LABELS}
    years = sorted({int(y) for by_year in table.values() for y in by_year})
    lines = [
        f"{summary['scenario']}, {summary['runs']} runs: median [5%, 95%]",
        "",
        "| year | " + " | ".join(LABELS[k] for k in table) + " |",
        "|---|" + "---|" * len(table),
    ]
    for year in years:
        cells = []
        for key, by_year in table.items():
            if str(year) not in by_year and year not in by_year:
                cells.append("")
                continue
            mid, lo, hi = by_year.get(str(year), by_year.get(year))
            scale, unit = (100, "%") if "share" in key else (1, "")
            cells.append(f"{mid * scale:.0f}{unit} [{lo * scale:.0f}, {hi * scale:.0f}]")
        lines.append(f"| {year} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run the ensemble and print its year-by-year table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/barkhane_2014.toml")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--name", default=None)
    parser.add_argument("--table", type=Path, help="write the table of this JSON, run nothing")
    args = parser.parse_args()
    if args.table:
        text = markdown(json.loads(args.table.read_text()))
        args.table.with_suffix(".md").write_text(text)
        print(text, end="")
        return 0
    sys.path.insert(0, str(ROOT))
    import sim
    from sim.ensemble import run_ensemble
    from sim.scenario import load_scenario

    scenario = load_scenario(ROOT / args.scenario)
    results = run_ensemble(scenario, runs=args.runs, seed=args.seed, workers=args.workers)
    events = results.events.copy()
    events["year"] = pd.to_datetime(events["date"]).dt.year
    fights = events[events.event_type != "town_captured"]
    counts = fights.groupby(["run_id", "year"]).size().unstack(fill_value=0)
    deaths = fights.groupby(["run_id", "year"])["deaths_total"].sum().unstack(fill_value=0)
    table = {
        "strength_jihadists": summarise(yearly(results, "strength_jihadists")),
        "pop_share_jihadists": summarise(yearly(results, "pop_share_jihadists")),
        "events": summarise(counts),
        "deaths": summarise(deaths),
    }
    assaults = events[events.event_type == "assault"].groupby(["run_id", "year"]).size()
    table["assaults"] = summarise(
        assaults.unstack(fill_value=0).reindex(
            index=counts.index, columns=counts.columns, fill_value=0
        )
    )
    for extra in ("pop_share_jihadists_rural", "pop_share_contested"):
        if extra in results.timeseries:
            table[extra] = summarise(yearly(results, extra))
    if "region" in events and "centre_share" not in table:
        zone = events["lat"] < 16.0  # the centre and south below ~16 N: Mopti, Segou
        share = fights.assign(centre=zone).groupby(["run_id", "year"])["centre"].mean().unstack()
        table["events_share_below_16N"] = summarise(share)
    name = args.name or f"{Path(args.scenario).stem}_model_{sim.__version__}"
    out = ROOT / "benchmarks" / "results" / f"insurgency_{name}.json"
    summary = {"scenario": args.scenario, "runs": args.runs, **table}
    out.write_text(json.dumps(summary, indent=1))
    out.with_suffix(".md").write_text(markdown(summary))
    print(markdown(summary), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
