"""Yearly counts from the events tables of results folders: the war year by year, side by side.

For each folder (a ``malisim run`` of a scenario, e.g. under two model versions), the median
over runs of each year's civilians killed, the militias' killings, all deaths, the deaths in
fights (``sim.war.record.FIGHTING``) and the violent events (``VIOLENCE``)::

    malisim run scenarios/barkhane_2014.toml --runs 40 --seed 1 --workers 2 --out DIR
    .venv/bin/python benchmarks/event_years.py DIR [DIR ...]

docs/CALIBRATION.md ("Model 0.20.0") quotes its output for models 0.19.0 and 0.20.0
(``benchmarks/results/barkhane_event_years_0.19.0_vs_0.20.0.txt``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.war.record import FIGHTING, MILITIAS, VIOLENCE  # noqa: E402


def medians(events: pd.DataFrame, runs: int) -> dict[str, dict[int, int]]:
    """Each series' median over runs, by year (a run without such an event counts zero)."""
    events = events.assign(year=pd.to_datetime(events["date"]).dt.year)
    by = ["run_id", "year"]

    def median(frame: pd.DataFrame, column: str | None = None) -> dict[int, int]:
        counts = frame.groupby(by).size() if column is None else frame.groupby(by)[column].sum()
        table = counts.unstack(fill_value=0).reindex(range(runs), fill_value=0)
        return {int(y): int(round(v)) for y, v in table.median().items()}

    return {
        "civilians": median(events, "deaths_civilians"),
        "militias": median(events[events["civilians_killed_by"] == MILITIAS], "deaths_civilians"),
        "fatalities": median(events, "deaths_total"),
        "battle deaths": median(events[events["event_type"].isin(FIGHTING)], "deaths_total"),
        "events": median(events[events["event_type"].isin(VIOLENCE)]),
    }


def main(folders: list[str]) -> None:
    for folder in folders:
        events = pd.read_parquet(Path(folder) / "events.parquet")
        runs = pd.read_parquet(Path(folder) / "runs.parquet")
        version = json.loads((Path(folder) / "manifest.json").read_text())["model_version"]
        print(f"{folder} (model {version}, {len(runs)} runs)")
        for name, by_year in medians(events, len(runs)).items():
            print(f"  {name}: {by_year}")


if __name__ == "__main__":
    main(sys.argv[1:])
