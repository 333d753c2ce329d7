"""Endurance: the 14-year history scenario to its end, and memory year by year.

Runs ``scenarios/history_2012_2025.toml`` (2012-01-17 to 2025-12-31) day by day, twice, each in
a fresh Python process so that one measurement does not inherit the other's heap:

1. untraced, reading the process's resident set (``VmRSS`` in ``/proc/self/status``) and the
   wall time at each new simulated year;
2. under ``tracemalloc``, reading the Python heap after a full ``gc.collect()`` at each new year.

The claim: memory does not grow from year to year beyond what the run must keep (its events
table and weekly rows, which grow with the war by design). The report gives the heap growth per
year, the rows the log gained per year, and what is left over once the log's rows are paid for.

    .venv/bin/python benchmarks/endurance.py            # full 14 years, both passes
    .venv/bin/python benchmarks/endurance.py --quick    # 3 years (a smoke run)

Prints a table and writes ``benchmarks/results/endurance.json`` (committed: docs/RELIABILITY.md
quotes it), or ``results/benchmarks/endurance_quick.json`` for ``--quick``. ``main()`` returns
the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCENARIO = ROOT / "scenarios" / "history_2012_2025.toml"
OUT = ROOT / "benchmarks" / "results" / "endurance.json"
QUICK_OUT = ROOT / "results" / "benchmarks" / "endurance_quick.json"

CHILD = r"""
import datetime as dt, gc, json, sys, time, tracemalloc
from sim.scenario import load_scenario
from sim.model import MaliConflictModel

path, years, trace = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
scenario = load_scenario(path)
if years:
    end = dt.date(scenario.scenario.start.year + years, 1, 1) - dt.timedelta(days=1)
    settings = scenario.scenario.model_copy(update={"end": end})
    scenario = scenario.model_copy(update={"scenario": settings})

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")

if trace:
    tracemalloc.start()
start = time.perf_counter()
model = MaliConflictModel(scenario, rng=1)
rows = []

def log_mb():
    # What the run must keep: its event and weekly rows (dicts and the values they own).
    total = 0
    for row in (*model.log.events, *model.log.weeks):
        total += sys.getsizeof(row) + sum(sys.getsizeof(v) for v in row.values())
    return total / 1e6

def record(year):
    row = {
        "year": year,
        "seconds": round(time.perf_counter() - start, 2),
        "events_rows": len(model.log.events),
        "weekly_rows": len(model.log.weeks),
        "units": len(model.agents),
    }
    if trace:
        gc.collect()
        row["heap_mb"] = tracemalloc.get_traced_memory()[0] / 1e6
        row["log_mb"] = log_mb()
    else:
        row["rss_mb"] = rss_mb()
    rows.append(row)

year = model.date.year
record(year)
while model.running:
    model.step()
    if model.date.year != year:
        year = model.date.year
        record(year)
tables = model.tables()
ledger = model.check_ledger()
print(json.dumps({
    "rows": rows,
    "end": str(model.end),
    "last_day": str(model.date - dt.timedelta(days=1)),
    "ledger_balanced": all(v == 0 for v in ledger.values()),
    "events": len(tables.events),
    "weeks": len(tables.timeseries),
    "peak_traced_mb": tracemalloc.get_traced_memory()[1] / 1e6 if trace else None,
}))
"""


def child(years: int, trace: bool) -> dict[str, Any]:
    """Run the scenario in a fresh process and return its year-by-year measurements."""
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(SCENARIO), str(years), "1" if trace else "0"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the endurance run failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys on xs."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


def main(quick: bool = False) -> dict[str, Any]:
    """Measure, print a table, write ``OUT`` (``QUICK_OUT``); return the figures."""
    years = 3 if quick else 0  # 0: the scenario's own end
    plain = child(years, trace=False)
    traced = child(years, trace=True)
    rows = []
    for a, b in zip(plain["rows"], traced["rows"], strict=True):
        rows.append({**a, "heap_mb": b["heap_mb"], "log_mb": b["log_mb"]})
    # Skip the first mark (the model just built): growth is judged from the first full year on.
    steady = rows[1:]
    xs = [r["year"] for r in steady]
    heap_per_year = slope(xs, [r["heap_mb"] for r in steady])
    rest_per_year = slope(xs, [r["heap_mb"] - r["log_mb"] for r in steady])
    rss_per_year = slope(xs, [r["rss_mb"] for r in steady])
    log_rows_per_year = slope(xs, [r["events_rows"] + r["weekly_rows"] for r in steady])
    heap_growth = steady[-1]["heap_mb"] - steady[0]["heap_mb"]
    log_growth_rows = (steady[-1]["events_rows"] + steady[-1]["weekly_rows"]) - (
        steady[0]["events_rows"] + steady[0]["weekly_rows"]
    )
    per_row_kb = 1000 * heap_growth / log_growth_rows if log_growth_rows else float("nan")
    result = {
        "scenario": SCENARIO.name,
        "simulated_years": len(rows) - 1,
        "ran_to_end": plain["last_day"] == plain["end"],
        "ledger_balanced": plain["ledger_balanced"] and traced["ledger_balanced"],
        "seconds": plain["rows"][-1]["seconds"],
        "rows": rows,
        "rss_mb_first_year": steady[0]["rss_mb"],
        "rss_mb_last_year": steady[-1]["rss_mb"],
        "rss_mb_per_year": round(rss_per_year, 3),
        "heap_mb_per_year": round(heap_per_year, 4),
        "heap_mb_per_year_besides_log": round(rest_per_year, 4),
        "log_rows_per_year": round(log_rows_per_year, 1),
        "heap_kb_per_log_row": round(per_row_kb, 2),
        "peak_traced_mb": traced["peak_traced_mb"],
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "quick": quick,
    }
    out = QUICK_OUT if quick else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"{SCENARIO.name}: to {plain['end']} in {result['seconds']} s, ran to end: "
        f"{result['ran_to_end']}, ledger balanced: {result['ledger_balanced']}"
    )
    print(
        f"{'year':>6} {'seconds':>8} {'RSS MB':>8} {'heap MB':>8} {'log MB':>7} {'events':>7}"
        f" {'weeks':>6} {'units':>6}"
    )
    for r in rows:
        print(
            f"{r['year']:>6} {r['seconds']:>8} {r['rss_mb']:>8.1f} {r['heap_mb']:>8.2f}"
            f" {r['log_mb']:>7.2f} {r['events_rows']:>7} {r['weekly_rows']:>6} {r['units']:>6}"
        )
    print(
        f"RSS {result['rss_mb_per_year']:+.2f} MB/year, Python heap "
        f"{result['heap_mb_per_year'] * 1000:+.0f} KB/year for {result['log_rows_per_year']:.0f}"
        f" new log rows/year ({result['heap_kb_per_log_row']:.2f} KB per row)"
    )
    print(
        f"besides the log the heap grows {result['heap_mb_per_year_besides_log'] * 1000:+.1f}"
        " KB/year"
    )
    print(f"written {out.relative_to(ROOT)}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 simulated years only")
    main(quick=parser.parse_args().quick)
