"""Does the insurgency grow in most runs, not only in the median? One row a comparison of years.

Issue 14 asks that under Barkhane, with no dated input that makes them grow or spread, the
jihadists grow in numbers and in the people they control, reach central Mali, and the yearly
count of events and deaths rise, *in most runs of an ensemble*. The medians of
``insurgency_years.py`` cannot say that; this counts, run by run, the share of runs in which a
later year has more than an earlier one. It reads a results folder of ``barkhane_2014``
(``malisim run``'s tables)::

    malisim run scenarios/barkhane_2014.toml --runs 40 --seed 1 --workers 2 --out DIR
    .venv/bin/python benchmarks/growth_by_run.py DIR [DIR ...]

Writes ``benchmarks/results/growth_by_run_<scenario>_model_<version>.md`` for each folder (its
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
from sim.validate.measures import VIOLENT  # noqa: E402

CENTRE = ("mopti", "segou")
COMPARISONS = (
    ("jihadists' men", "strength", 2015, 2021),
    ("jihadists' men", "strength", 2014, 2021),
    ("share of the people they control", "governed", 2015, 2021),
    ("violent events", "events", 2015, 2020),
    ("deaths in violent events", "deaths", 2015, 2020),
    ("the centre's share of the violent events", "centre", 2014, 2020),
)
"""(what, key, earlier year, later year): the share of runs in which the later is higher."""


def yearly(folder: Path) -> dict[str, pd.DataFrame]:
    """Per run (rows) and year (columns): each quantity the comparisons read."""
    results = load_results(folder)
    runs = results.runs["run_id"]
    weeks = results.timeseries.assign(year=pd.to_datetime(results.timeseries["date"]).dt.year)
    last = weeks.groupby(["run_id", "year"]).last()
    events = results.events[results.events["event_type"].isin(VIOLENT)]
    events = events.assign(year=pd.to_datetime(events["date"]).dt.year)

    def per_run_year(frame: pd.DataFrame, values=None) -> pd.DataFrame:
        grouped = frame.groupby(["run_id", "year"])
        table = grouped.size() if values is None else grouped[values].sum()
        return table.unstack(fill_value=0).reindex(runs, fill_value=0)

    count = per_run_year(events)
    return {
        "strength": last["strength_jihadists"].unstack(),
        "governed": last["pop_share_jihadists"].unstack(),
        "events": count,
        "deaths": per_run_year(events, "deaths_total"),
        "centre": per_run_year(events[events["region"].isin(CENTRE)]).reindex(
            columns=count.columns, fill_value=0
        )
        / count.where(count > 0),
    }


def summary(folder: Path) -> dict:
    """The share of runs in which each comparison's later year is higher."""
    tables = yearly(folder)
    shares = {}
    for what, key, early, late in COMPARISONS:
        table = tables[key]
        higher = (table[late] > table[early]).mean() if {early, late} <= set(table) else 0.0
        shares[f"{key}_{early}_{late}"] = {"what": what, "share": round(float(higher), 3)}
    return {
        **written_by(folder),
        "runs": len(tables["strength"]),
        "shares": shares,
    }


def table(found: dict) -> str:
    """The Markdown report of one folder."""
    rows = [
        f"| {v['what']} | {k.split('_')[1]} | {k.split('_')[2]} | {v['share']:.0%} |"
        for k, v in found["shares"].items()
    ]
    return "\n".join(
        [
            f"# Growth run by run, {found['scenario']}, model {found['model']}",
            "",
            f"`malisim {found['command']}`, then `python benchmarks/growth_by_run.py RESULTS`: "
            f"{found['runs']} runs (revision {found['revision'][:7]}). The share of runs in "
            "which the later year's value is higher than the earlier year's (men and people "
            "controlled: the year's last weekly row; events and deaths: the year's violent "
            "events, as the validation counts them).",
            "",
            "| quantity | earlier | later | share of runs higher |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )


def main() -> int:
    """Write a report for each results folder named."""
    return write_reports(
        __doc__.splitlines()[0], lambda found: f"growth_by_run_{found['scenario']}", summary, table
    )


if __name__ == "__main__":
    raise SystemExit(main())
