"""Model benchmarks: whole-process time against Mesa's Epstein example, cost per simulated day as
forces and grid resolution grow, and a profile of one run.

Each function measures one thing and returns plain numbers; ``benchmarks/run_all.py`` calls them
in one sitting, so the ratios it reports compare figures taken on the same machine under the same
load. Run this file alone for the model figures only::

    .venv/bin/python benchmarks/bench_model.py
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
NORTH = ROOT / "scenarios" / "north_2024.toml"
KIDAL = ROOT / "scenarios" / "kidal_2023.toml"

EPSTEIN_SCRIPT = """
from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence
model = EpsteinCivilViolence()  # its defaults: 40 x 40 grid, ~1,300 citizens and cops
for _ in range(365):
    model.step()
"""

MALISIM_SCRIPT = """
import sys
from sim.model import MaliConflictModel
from sim.scenario import load_scenario
scenario = load_scenario(sys.argv[1], sys.argv[2:])
model = MaliConflictModel(scenario, rng=1)
model.run()
assert model.steps >= 365, model.steps
"""


def year_scenario() -> tuple[Path, list[str]]:
    """The one-year benchmark scenario: ``north_2024``, or Kidal 2023 stretched to a year."""
    if NORTH.exists():
        return NORTH, []
    return KIDAL, ["scenario.end=2024-09-30"]


def _time_process(args: list[str]) -> float:
    start = time.perf_counter()
    # Run from benchmarks/, not the repository root, so that ``sim`` is the installed package
    # (or the one PYTHONPATH names, to measure another version of the code).
    subprocess.run(args, check=True, cwd=Path(__file__).resolve().parent, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def whole_process_ratio(repetitions: int = 3) -> dict[str, Any]:
    """Whole-process seconds of one malisim year and of Epstein's 365 steps, interleaved.

    Both are fresh Python processes that import their model, build it and step it (interpreter
    start-up and imports included, as a user running either would wait for them). The ratio is
    the median of the per-pair ratios, so a burst of load on a shared machine hits both sides of
    a pair alike.
    """
    path, overrides = year_scenario()
    malisim, epstein = [], []
    for _ in range(repetitions):
        epstein.append(_time_process([sys.executable, "-c", EPSTEIN_SCRIPT]))
        malisim.append(_time_process([sys.executable, "-c", MALISIM_SCRIPT, str(path), *overrides]))
    ratios = [m / e for m, e in zip(malisim, epstein, strict=True)]
    return {
        "scenario": path.stem + (" " + " ".join(overrides) if overrides else ""),
        "malisim_seconds": malisim,
        "epstein_seconds": epstein,
        "malisim_median_s": statistics.median(malisim),
        "epstein_median_s": statistics.median(epstein),
        "ratio_median": statistics.median(ratios),
        "ratios": ratios,
    }


def scaled_scenario(factor: float, resolution: float | None = None, days: int | None = None):
    """The year scenario with every force (deployments, bands, ceilings, reserves, foreign
    strengths) multiplied by ``factor``, optionally at another resolution or length."""
    import datetime as dt

    from sim.scenario import read_toml, scenario_from_dict

    path, overrides = year_scenario()
    data = read_toml(path)
    for faction in data.get("factions", {}).values():
        for key in ("deploy", "bands"):
            if key in faction:
                faction[key] = {t: int(round(m * factor)) for t, m in faction[key].items()}
        for key in ("reserve", "ceiling"):
            if key in faction:
                faction[key] = int(round(faction[key] * factor))
    for force in data.get("foreign", {}).values():
        for key in ("strength", "ceiling"):
            if key in force:
                force[key] = int(round(force[key] * factor))
    overrides = list(overrides)
    if resolution is not None:
        overrides.append(f"scenario.resolution={resolution}")
    scenario = scenario_from_dict(data, str(path), overrides)
    if days is not None:
        end = scenario.scenario.start + dt.timedelta(days=days - 1)
        # A shortened run keeps only the events that fall inside it.
        data["events"] = [e for e in data.get("events", []) if _event_date(e) <= end]
        scenario = scenario_from_dict(data, str(path), [*overrides, f"scenario.end={end}"])
    return scenario


def spread_scenario(factor: float, days: int | None = None):
    """The year scenario with ``factor`` times as many places held: each faction's garrisons and
    bands are repeated at other towns of the zones it already stands in, men per place unchanged.

    Doubling men at the same places (``scaled_scenario``) barely adds units, since a town has
    one garrison and bands in one cell merge; this is how to double the number of agents.
    """
    import datetime as dt

    from sim.geography import ZONES, build_geography
    from sim.scenario import read_toml, scenario_from_dict

    path, overrides = year_scenario()
    data = read_toml(path)
    resolution = float(data["scenario"].get("resolution", 0.25))
    geo = build_geography(resolution, float(data["scenario"].get("sanctuary_km", 150.0)))
    towns = geo.towns
    zone_of = {
        tid: ZONES[int(geo.zone[int(r.x), int(r.y)])] if geo.zone[int(r.x), int(r.y)] >= 0 else ""
        for tid, r in towns.iterrows()
    }
    used = set()
    for faction in data.get("factions", {}).values():
        used |= set(faction.get("deploy", {})) | set(faction.get("bands", {}))
    for faction in data.get("factions", {}).values():
        zones = {zone_of[t] for key in ("deploy", "bands") for t in faction.get(key, {})}
        for key in ("deploy", "bands"):
            places = dict(faction.get(key, {}))
            if not places:
                continue
            sizes = list(places.values())
            spare = [t for t in towns.index if t not in used and zone_of[t] in zones]
            extra = round((factor - 1) * len(places))
            for i, tid in enumerate(spare[:extra]):
                places[tid] = sizes[i % len(sizes)]
                used.add(tid)
            faction[key] = places
        if "ceiling" in faction:
            faction["ceiling"] = round(faction["ceiling"] * factor)
    overrides = list(overrides)
    if days is not None:
        start = dt.date.fromisoformat(str(data["scenario"]["start"]))
        end = start + dt.timedelta(days=days - 1)
        data["events"] = [e for e in data.get("events", []) if _event_date(e) <= end]
        overrides.append(f"scenario.end={end}")
    return scenario_from_dict(data, str(path), overrides)


def _event_date(event: dict):
    import datetime as dt

    date = event.get("date")
    return date if isinstance(date, dt.date) else dt.date.fromisoformat(str(date))


def cost_per_day(scenario, seed: int = 1, checkpoints: tuple[int, ...] = ()) -> dict[str, Any]:
    """Seconds per simulated day of one run (set-up excluded), the mean number of units alive,
    and the per-day cost between checkpoints (to see whether later days cost more)."""
    from sim.model import MaliConflictModel

    model = MaliConflictModel(scenario, rng=seed)
    units, marks = [], {}
    start = time.perf_counter()
    while model.running:
        model.step()
        units.append(len(model.units))
        if model.steps in checkpoints:
            marks[model.steps] = time.perf_counter() - start
    elapsed = time.perf_counter() - start
    return {
        "days": model.steps,
        "seconds": elapsed,
        "seconds_per_day": elapsed / model.steps,
        "mean_units": float(np.mean(units)),
        "men_start": int(sum(model.ledger[a]["start"] for a in model.ledger)),
        "checkpoints": marks,
        "cells": int(model.geo.width * model.geo.height),
    }


def _slope(x: list[float], y: list[float]) -> float:
    """Log-log slope: 1 is linear growth, 2 quadratic."""
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def force_scaling(
    factors=(1, 2, 4), place_factors=(1, 1.5, 2), repetitions: int = 3, days: int = 180
) -> dict[str, Any]:
    """Cost per simulated day as forces double, two ways (median of interleaved repetitions).

    ``men``: every deployment, band, reserve and ceiling times the factor, at the same places.
    ``places``: garrisons and bands repeated at more towns, so the number of units grows (up
    to twice: Mali has 73 towns in the model).
    """
    variants = {
        "men": {f: scaled_scenario(f, days=days) for f in factors},
        "places": {f: spread_scenario(f, days=days) for f in place_factors},
    }
    out: dict[str, Any] = {"days": days}
    for name, scenarios in variants.items():
        runs: dict[float, list[dict]] = {f: [] for f in scenarios}
        for rep in range(repetitions):
            for f in scenarios:
                runs[f].append(cost_per_day(scenarios[f], seed=1 + rep))
        rows = [
            {
                "factor": f,
                "men_start": runs[f][0]["men_start"],
                "mean_units": statistics.median(r["mean_units"] for r in runs[f]),
                "ms_per_day": 1000 * statistics.median(r["seconds_per_day"] for r in runs[f]),
            }
            for f in scenarios
        ]
        out[name] = {
            "rows": rows,
            "slope_vs_factor": _slope([r["factor"] for r in rows], [r["ms_per_day"] for r in rows]),
            "slope_vs_units": _slope(
                [r["mean_units"] for r in rows], [r["ms_per_day"] for r in rows]
            ),
        }
    return out


def day_scaling(repetitions: int = 3) -> dict[str, Any]:
    """Per-day cost over the first 90 days, days 91-180 and 181-365 of the year run."""
    scenario = scaled_scenario(1.0)
    segments: list[list[float]] = [[], [], []]
    totals = []
    for rep in range(repetitions):
        result = cost_per_day(scenario, seed=1 + rep, checkpoints=(90, 180))
        marks = result["checkpoints"]
        segments[0].append(marks[90] / 90)
        segments[1].append((marks[180] - marks[90]) / 90)
        segments[2].append((result["seconds"] - marks[180]) / (result["days"] - 180))
        totals.append(result["seconds"])
    per_day = [1000 * statistics.median(s) for s in segments]
    return {
        "ms_per_day_days_1_90": per_day[0],
        "ms_per_day_days_91_180": per_day[1],
        "ms_per_day_days_181_365": per_day[2],
        "later_over_first": per_day[2] / per_day[0],
        "year_run_seconds_median": statistics.median(totals),
    }


def grid_scaling(
    resolutions=(0.5, 0.25, 0.125), repetitions: int = 2, days: int = 120
) -> dict[str, Any]:
    """Cost per simulated day as the grid gets finer (each halving is 4x the cells)."""
    scenarios = {r: scaled_scenario(1.0, resolution=r, days=days) for r in resolutions}
    for scenario in scenarios.values():  # build the geography outside the timing
        from sim.war import borders

        borders.geography_of(scenario)
    runs: dict[float, list[dict]] = {r: [] for r in resolutions}
    for rep in range(repetitions):
        for r in resolutions:
            runs[r].append(cost_per_day(scenarios[r], seed=1 + rep))
    rows = [
        {
            "resolution": r,
            "cells": runs[r][0]["cells"],
            "mean_units": statistics.median(x["mean_units"] for x in runs[r]),
            "ms_per_day": 1000 * statistics.median(x["seconds_per_day"] for x in runs[r]),
        }
        for r in resolutions
    ]
    return {
        "days": days,
        "rows": rows,
        "slope_vs_cells": _slope([r["cells"] for r in rows], [r["ms_per_day"] for r in rows]),
    }


def profile_run(top: int = 20) -> dict[str, Any]:
    """cProfile of one year run: the functions with the most time of their own and in total."""
    from sim.model import MaliConflictModel

    scenario = scaled_scenario(1.0)
    model = MaliConflictModel(scenario, rng=1)
    profiler = cProfile.Profile()
    profiler.enable()
    model.run()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt

    def rows(key: str) -> list[dict[str, Any]]:
        out = []
        entries = sorted(stats.stats.items(), key=lambda kv: -kv[1][2 if key == "tottime" else 3])
        for (filename, line, name), (_, ncalls, tottime, cumtime, _) in entries[:top]:
            where = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
            out.append(
                {
                    "function": f"{where}:{line}({name})",
                    "calls": ncalls,
                    "tottime_s": round(tottime, 4),
                    "cumtime_s": round(cumtime, 4),
                    "share_of_run": round(tottime / total, 3) if total else 0.0,
                }
            )
        return out

    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(top)
    return {
        "total_s": total,
        "by_own_time": rows("tottime"),
        "by_cumulative": rows("cumtime"),
        "text": text.getvalue(),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(whole_process_ratio(2), indent=2))
    print(json.dumps(force_scaling(repetitions=1), indent=2))
    print(json.dumps(grid_scaling(repetitions=1), indent=2))
