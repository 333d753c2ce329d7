"""The summary of a set of runs: each main outcome's median with its 95% interval, and shares.

Shared by ``malisim run`` (printed) and ``malisim report`` (in HTML). A median comes with a
bootstrap 95% interval beside the 5-95% range of the runs, so a reader sees whether more runs
would move it; an event comes as a share of runs with Wilson's interval. Each foreign force is
said to have stayed, left on schedule (its ``depart`` date or a depart event) or left by its
patron's decision: "0% withdrew" alone reads as "stayed" for a force that left on its date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.intervals import median_interval, wilson_interval
from sim.analysis.outcomes import LENS_MEANINGS, LENS_NAMES
from sim.analysis.style import actor_label
from sim.scenario import Scenario

SUMMARY = (
    ("deaths_state", "state forces killed"),
    ("deaths_separatists", "separatists killed"),
    ("deaths_jihadists", "jihadists killed"),
    ("deaths_civilians", "civilians killed"),
    ("pop_share_state", "population under the state"),
    ("pop_share_jihadists_centre", "centre's population under jihadists"),
    ("regime_popularity_end", "regime popularity at the end"),
    *((lens, f"{LENS_NAMES[lens]} lens: {LENS_MEANINGS[lens]}") for lens in LENS_MEANINGS),
)
"""The main outcomes of a summary, each with the words it is printed with."""


def summary_rows(runs: pd.DataFrame, scenario: Scenario) -> list[tuple[str, str, str]]:
    """``(outcome, median (95% interval) or share of runs (95% interval), 5-95% of runs)``.

    Outcomes missing from ``runs`` (a runs table at a date holds no lens scores) are left out.
    """
    rows = []
    foreign = list(scenario.foreign)
    numbers = list(SUMMARY) + [(f"deaths_foreign_{f}", f"{actor_label(f)} killed") for f in foreign]
    for column, label in numbers:
        if column not in runs.columns:
            continue
        values = pd.to_numeric(runs[column], errors="coerce").dropna()
        if values.empty:
            continue
        lo, mid, hi = np.percentile(values, [5, 50, 95])
        low, high = median_interval(values)
        fmt = "{:.0f}" if column.startswith("deaths") else "{:.2f}"
        interval = "" if np.isnan(low) else f" ({fmt.format(low)}-{fmt.format(high)})"
        rows.append((label, fmt.format(mid) + interval, f"{fmt.format(lo)} - {fmt.format(hi)}"))
    if "holder_kidal" in runs.columns:
        rows.append(share_row("state holds Kidal", runs["holder_kidal"] == "state"))
    for fid in foreign:
        if f"withdrew_foreign_{fid}" not in runs.columns:
            continue
        decided = runs[f"withdrew_foreign_{fid}"].astype(bool)
        name = actor_label(fid)
        if f"present_end_foreign_{fid}" in runs.columns:
            stayed = runs[f"present_end_foreign_{fid}"].astype(bool) & ~decided
            rows.append(share_row(f"{name} stayed", stayed))
            when = scheduled_departure(scenario, fid)
            gone = ~stayed & ~decided
            if when is not None or gone.any():
                why = f"on schedule ({when})" if when else "not by decision"
                rows.append(share_row(f"{name} left {why}", gone))
        rows.append(share_row(f"{name} left by decision", decided))
    return rows


def share_row(label: str, happened: pd.Series) -> tuple[str, str, str]:
    """A summary row of the share of runs in which something happened, with its interval."""
    hits, n = int(happened.sum()), len(happened)
    low, high = wilson_interval(hits, n)
    return label, f"{hits / n:.0%} of runs ({low:.0%}-{high:.0%})", ""


def scheduled_departure(scenario: Scenario, fid: str) -> str | None:
    """The date the scenario sends a force home (its ``depart``, or a depart event), or None."""
    force = scenario.foreign[fid]
    dates = [force.depart] if force.depart else []
    dates += [
        e.date for e in scenario.events if e.type == "depart" and e.actor == fid and not e.target
    ]
    return min(dates).isoformat() if dates else None
