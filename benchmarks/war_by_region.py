"""Where the arc's war is fought: the jihadists' violent events and the deaths, region by region.

The record (``sim/data/record.csv``, C10): from 2016 the war's centre of gravity was the Mopti
region (more than 60% of Mali's conflict deaths in 2020, ACLED), then Segou, Gao and Timbuktu;
the Kayes, Koulikoro and Sikasso regions saw little until after 2020. Until model 0.38.0 the
arc's jihadists fought their war of 2016-2022 in the Kayes and Koulikoro regions and the Mopti
region had some 2% of the deaths of 2020; C10i now looks. This reads a results folder of
``history_2012_2025`` (``malisim run``'s tables) and writes, year by year, the jihadists'
violent events in each region (mean over runs), the median shares of the year's deaths in the
Mopti region, in the centre (Mopti and Segou) and in the south-west (Kayes, Koulikoro,
Sikasso), and the jihadists' median men::

    malisim run scenarios/history_2012_2025.toml --runs 40 --seed 1 --workers 2 --out DIR
    .venv/bin/python benchmarks/war_by_region.py DIR [DIR ...]

Writes ``benchmarks/results/war_by_region_model_<version>.md`` for each folder (its
``manifest.json`` names the model that wrote it) and a ``.json`` beside it for the docs'
figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.capitals_taken import arc_report, write_reports, written_by  # noqa: E402
from sim.analysis.results import load_results  # noqa: E402
from sim.geography import REGIONS  # noqa: E402
from sim.validate.measures import VIOLENT, regions_share_of_deaths  # noqa: E402

YEARS = tuple(range(2013, 2026))
SHARES = {
    "Mopti": ("mopti",),
    "centre": ("mopti", "segou"),
    "south-west": ("kayes", "koulikoro", "sikasso"),
}


def summary(folder: Path) -> dict:
    """The yearly counts and shares of one results folder."""
    results = load_results(folder)
    events = results.events
    runs = len(results.runs)
    jihadist = events[
        events["event_type"].isin(VIOLENT)
        & ((events["actor1"] == "jihadists") | (events["actor2"] == "jihadists"))
    ]
    year = pd.to_datetime(jihadist["date"]).dt.year
    counts = jihadist.groupby([year, jihadist["region"]]).size().unstack(fill_value=0) / runs
    series = results.timeseries
    by_year = series.groupby(pd.to_datetime(series["date"]).dt.year)
    # The share of people the jihadists control, and (model 0.39.0 on) the centre's officials
    # at their posts: medians over the year's weekly rows of every run.
    weekly = {
        name: {int(y): round(float(v), 3) for y, v in by_year[column].median().items()}
        for name, column in (("governed", "pop_share_jihadists"), ("officials", "officials_centre"))
        if column in series
    }
    return {
        **written_by(folder),
        "runs": runs,
        "events": {
            int(y): {r: round(float(counts.loc[y].get(r, 0.0)), 1) for r in REGIONS}
            for y in YEARS
            if y in counts.index
        },
        "shares": {
            name: {
                int(y): round(float(regions_share_of_deaths(results, regions, y).median()), 3)
                for y in YEARS
            }
            for name, regions in SHARES.items()
        },
        "jihadists": {int(y): float(by_year["strength_jihadists"].median()[y]) for y in YEARS},
        **weekly,
    }


def table(found: dict) -> str:
    """The Markdown report of one folder."""
    head = "| year | " + " | ".join(REGIONS) + " |"
    lines = [
        f"# Where the arc's war is fought, model {found['model']}",
        "",
        f"`malisim {found['command']}`, then `python benchmarks/war_by_region.py RESULTS`: "
        f"{found['runs']} runs of `{found.get('scenario', 'history_2012_2025')}` "
        f"(revision {found['revision'][:7]}).",
        "",
        "The jihadists' violent events a year, by region (mean over runs):",
        "",
        head,
        "|---" * (len(REGIONS) + 1) + "|",
        *(
            f"| {y} | " + " | ".join(f"{row[r]:.0f}" for r in REGIONS) + " |"
            for y, row in found["events"].items()
        ),
        "",
        "Median shares of the year's deaths in violent events, the jihadists' median men, the "
        "median share of Mali's people they control and of the centre's officials at their "
        "posts (weighted by rural people; '-' before model 0.39.0):",
        "",
        "| year | " + " | ".join(SHARES) + " | jihadists | people governed | officials, centre |",
        "|---" * (len(SHARES) + 4) + "|",
        *(
            f"| {y} | "
            + " | ".join(f"{found['shares'][name][y]:.2f}" for name in SHARES)
            + f" | {found['jihadists'][y]:,.0f} | "
            + " | ".join(
                f"{found[k][y]:.3f}" if y in found.get(k, {}) else "-"
                for k in ("governed", "officials")
            )
            + " |"
            for y in YEARS
        ),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    """Write a report for each results folder named."""
    return write_reports(__doc__.splitlines()[0], arc_report("war_by_region"), summary, table)


if __name__ == "__main__":
    raise SystemExit(main())
