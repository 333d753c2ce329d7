"""A foreign force's dead year by year, and how and where they died, from a results folder.

The validation's figure of the arc's foreign dead a year (`malisim validate`,
``foreign_deaths_per_year.png``) showed France losing almost no one from 2015 to 2022, where
the record has some six a year through the Barkhane years (C3h passes on the whole period's
mean). This reads a results folder and reports, for each foreign force, its dead a year (median
and mean over runs), and over a window of years its dead by kind of event and by region, and
the events it was in: whether it fought, and where.

    malisim run scenarios/history_2012_2025.toml --runs 40 --seed 1 --workers 2 --out DIR
    .venv/bin/python benchmarks/foreign_losses.py DIR [DIR ...]

Writes ``benchmarks/results/foreign_losses_<scenario>_model_<version>.md`` for each folder (its
``manifest.json`` names the scenario and the model) and a ``.json`` beside it for the docs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.capitals_taken import write_reports, written_by  # noqa: E402
from sim.analysis.results import load_results  # noqa: E402

WINDOW = (2015, 2022)
"""The years the breakdown by kind and by region covers: Barkhane's, after Serval's."""


def force_summary(events: pd.DataFrame, force: str, runs: int) -> dict:
    """One force's dead a year, and in the window its dead and its events by kind and region."""
    column = f"deaths_foreign_{force}"
    mine = (events["actor1"] == force) | (events["actor2"] == force) | (events[column] > 0)
    years = sorted(int(y) for y in events.loc[mine, "year"].unique())
    per_run = (
        events[events[column] > 0]
        .groupby(["run_id", "year"])[column]
        .sum()
        .unstack(fill_value=0)
        .reindex(index=range(runs), columns=years, fill_value=0)
    )
    first, last = WINDOW
    window = events[mine & events["year"].between(first, last)]
    span = last - first + 1

    def per_run_year(series: pd.Series) -> dict:
        return {str(k): round(float(v) / runs / span, 2) for k, v in series.items()}

    return {
        "median": {str(y): float(per_run[y].median()) for y in years},
        "mean": {str(y): round(float(per_run[y].mean()), 1) for y in years},
        "dead_by_kind": per_run_year(window.groupby("event_type")[column].sum()),
        "dead_by_region": per_run_year(window.groupby("region")[column].sum()),
        "events_by_kind": per_run_year(window.groupby("event_type").size()),
        "events_by_region": per_run_year(window.groupby("region").size()),
    }


def summary(folder: Path) -> dict:
    """Each foreign force's losses in one results folder."""
    results = load_results(folder)
    events = results.events.assign(year=pd.to_datetime(results.events["date"]).dt.year)
    # Run ids from 0: the runs table numbers them so (a sweep's folder is not read here).
    runs = len(results.runs)
    forces = sorted(
        c.removeprefix("deaths_foreign_") for c in events if c.startswith("deaths_foreign_")
    )
    return {
        **written_by(folder),
        "runs": runs,
        "window": list(WINDOW),
        "forces": {force: force_summary(events, force, runs) for force in forces},
    }


def table(found: dict) -> str:
    """The Markdown report of one folder."""
    first, last = found["window"]
    lines = [
        f"# Foreign forces' losses, {found['scenario']}, model {found['model']}",
        "",
        f"`malisim {found['command']}`, then `python benchmarks/foreign_losses.py RESULTS`: "
        f"{found['runs']} runs (revision {found['revision'][:7]}).",
    ]
    for force, f in found["forces"].items():
        lines += [
            "",
            f"## {force}",
            "",
            "| year | " + " | ".join(f["median"]) + " |",
            "|---|" + "---|" * len(f["median"]),
            "| dead, median of runs | " + " | ".join(f"{v:g}" for v in f["median"].values()) + " |",
            "| dead, mean of runs | " + " | ".join(f"{v:g}" for v in f["mean"].values()) + " |",
            "",
            f"{first}-{last}, a run's year (mean): dead by kind of event "
            + (", ".join(f"{k} {v:g}" for k, v in f["dead_by_kind"].items()) or "none")
            + "; dead by region "
            + (", ".join(f"{k} {v:g}" for k, v in f["dead_by_region"].items()) or "none")
            + "; events it was in, by kind "
            + (", ".join(f"{k} {v:g}" for k, v in f["events_by_kind"].items()) or "none")
            + "; by region "
            + (", ".join(f"{k} {v:g}" for k, v in f["events_by_region"].items()) or "none")
            + ".",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Write a report for each results folder named."""
    return write_reports(
        __doc__.splitlines()[0], lambda found: f"foreign_losses_{found['scenario']}", summary, table
    )


if __name__ == "__main__":
    raise SystemExit(main())
