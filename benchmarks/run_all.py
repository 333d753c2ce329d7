"""All of malisim's benchmarks in one sitting (``make bench``).

Measures, on this machine and under its current load, side by side so that the ratios hold on a
noisy machine:

1. one year of ``north_2024`` as a whole process against Mesa's Epstein civil-violence example
   (shipped with Mesa) run 365 steps at its default size, repetitions interleaved, median ratio;
2. the cost per simulated day as forces double and as the grid gets finer, and whether later days
   cost more than early ones;
3. ensemble throughput with 1 and 2 local workers (parallel efficiency);
4. the sweep parent's peak memory for 100 and 2,000 runs (``benchmarks/sweep_memory.py``);
5. a cProfile of one run, with the top functions.

Writes ``benchmarks/results/performance/summary.json`` (and ``profile.txt``), the committed
figures docs/PERFORMANCE.md quotes, and prints a table. ``--quick`` takes fewer repetitions and
smaller ensembles (a smoke run, not figures to quote) and writes ``results/benchmarks/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_model  # noqa: E402

GOALS = {
    "whole_process_ratio": 0.25,
    "slope_vs_men": 1.0,
    "later_over_first": 1.0,
    "parallel_efficiency": 0.85,
    "memory_ratio": 1.3,
}


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    import mesa

    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in load],
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


ENSEMBLE_SCRIPT = """
import sys
from bench_model import scaled_scenario
from sim.ensemble import run_ensemble

runs, days, workers = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
run_ensemble(scaled_scenario(1.0, days=days), runs=runs, seed=1, workers=workers)
"""


def _ensemble_process(runs: int, days: int, workers: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the process and its workers) of one ensemble."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", ENSEMBLE_SCRIPT, str(runs), str(days), str(workers)],
        check=True,
        cwd=HERE,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def ensemble_throughput(runs: int, days: int, repetitions: int) -> dict[str, Any]:
    """Runs per second of a whole ``run_ensemble`` process with 1 and 2 local workers.

    Wall-clock efficiency is ``throughput(2) / (2 * throughput(1))``, process and worker
    start-up included, as a user's ensemble pays them; it measures the machine as much as the
    code, and on a machine whose cores are busy with other work it cannot approach 1. The CPU
    efficiency, ``cpu(1 worker) / cpu(2 workers)`` over the process and its workers, is the share
    of the 2-worker CPU time that is useful work (1.0: parallelism adds no work; the rest is
    worker start-up and pickling): what the code controls, and nearly independent of the load.
    """
    wall: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repetitions):
        for workers in (1, 2):
            w, c = _ensemble_process(runs, days, workers)
            wall[workers].append(w)
            cpu[workers].append(c)
    one, two = statistics.median(wall[1]), statistics.median(wall[2])
    cpu_one, cpu_two = statistics.median(cpu[1]), statistics.median(cpu[2])
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "runs": runs,
        "days": days,
        "seconds_1_worker": wall[1],
        "seconds_2_workers": wall[2],
        "cpu_seconds_1_worker": cpu[1],
        "cpu_seconds_2_workers": cpu[2],
        "runs_per_second_1": runs / one,
        "runs_per_second_2": runs / two,
        "parallel_efficiency": one / (2 * two),
        "cpu_efficiency": cpu_one / cpu_two,
        "load_average_after": [round(x, 2) for x in load],
    }


SWEEP_PARENT_SCRIPT = """
import resource, shutil, sys, tempfile
from pathlib import Path
from bench_model import scaled_scenario
from sim.scenario import to_toml
from sim.sweep import load_sweep, run_sweep

runs = int(sys.argv[1])
root = Path(tempfile.mkdtemp(prefix="malisim-bench-sweep-"))
base = scaled_scenario(1.0, resolution=1.0, days=7)  # a week on a 1-degree grid
(root / "base.toml").write_text(to_toml(base))
(root / "sweep.toml").write_text(
    '[sweep]\\nname = "bench"\\nbase = "base.toml"\\ndesign = "grid"\\n'
    f'replicates = {runs // 2}\\nseed = 1\\n\\n'
    '[parameters]\\n"factions.state.aggression" = [0.5, 0.7]\\n'
)
run_sweep(load_sweep(root / "sweep.toml"), root / "out", workers=2)
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
shutil.rmtree(root)
print(peak_kb)
"""


def _sweep_parent_peak_kb(runs: int) -> int:
    """Peak resident memory (kB) of a sweep's parent process running ``runs`` short runs on 2
    local workers (the workers' memory is not counted: it does not grow with the sweep)."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", SWEEP_PARENT_SCRIPT, str(runs)],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    return int(done.stdout.split()[-1])


def sweep_memory(quick: bool) -> dict[str, Any]:
    """The sweep parent's peak memory for 100 and 2,000 runs.

    Uses ``benchmarks/sweep_memory.py`` (the sweep engine's own benchmark) when it offers a
    ``measure(quick=...)`` function; otherwise runs ``sim.sweep.run_sweep`` itself on a one-week,
    1-degree version of the year scenario in a fresh process per size.
    """
    path = HERE / "sweep_memory.py"
    if path.exists():
        spec = importlib.util.spec_from_file_location("sweep_memory", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if hasattr(module, "measure"):
            try:
                return {"source": "benchmarks/sweep_memory.py", **module.measure(quick=quick)}
            except Exception as exc:  # report it, and measure it ourselves below
                failure = f"sweep_memory.measure failed: {type(exc).__name__}: {exc}"
        else:
            failure = "benchmarks/sweep_memory.py has no measure(quick=...)"
    else:
        failure = "benchmarks/sweep_memory.py absent"
    small, large = (50, 500) if quick else (100, 2000)
    try:
        small_kb = _sweep_parent_peak_kb(small)
        large_kb = _sweep_parent_peak_kb(large)
    except Exception as exc:
        return {"error": f"{failure}; own measurement failed: {type(exc).__name__}: {exc}"}
    return {
        "source": f"run_all.py ({failure})",
        "runs_small": small,
        "runs_large": large,
        "peak_mb_small": small_kb / 1024,
        "peak_mb_large": large_kb / 1024,
        "memory_ratio": large_kb / small_kb,
    }


def print_table(summary: dict[str, Any]) -> None:
    """A plain-text table of the headline figures and the goals."""
    lines = []
    w = summary.get("whole_process", {})
    f = summary.get("force_scaling", {})
    d = summary.get("day_scaling", {})
    g = summary.get("grid_scaling", {})
    e = summary.get("ensemble", {})
    m = summary.get("sweep_memory", {})

    def row(name: str, value: Any, goal: str = "") -> None:
        if isinstance(value, float):
            value = f"{value:.3g}"
        lines.append(f"  {name:<58} {value!s:>12}  {goal}")

    lines.append(
        f"malisim benchmarks ({summary['machine']['cpu']}, "
        f"{summary['machine']['nproc']} cores, Python {summary['machine']['python']})"
    )
    if w:
        row(f"one year {w['scenario']}, whole process (s, median)", w["malisim_median_s"])
        row("Epstein civil violence, 365 steps, whole process (s)", w["epstein_median_s"])
        row("ratio malisim / Epstein (median of pairs)", w["ratio_median"], "goal <= 0.25")
    if d:
        row("ms per simulated day, days 1-90", d["ms_per_day_days_1_90"])
        row("ms per simulated day, days 181-365", d["ms_per_day_days_181_365"])
        row("later days over first days", d["later_over_first"], "goal ~1 (linear in days)")
    for variant, label in (("men", "men x"), ("places", "places x")):
        part = f.get(variant)
        if not part:
            continue
        for r in part["rows"]:
            row(
                f"{label}{r['factor']} ({r['men_start']} men, {r['mean_units']:.0f} units): ms/day",
                r["ms_per_day"],
            )
        row(
            f"growth exponent of cost in {variant} (log-log slope)",
            part["slope_vs_factor"],
            "goal <= 1",
        )
        row(f"growth exponent of cost in units ({variant})", part["slope_vs_units"])
    for r in g.get("rows", []):
        row(f"resolution {r['resolution']} deg ({r['cells']} cells): ms/day", r["ms_per_day"])
    if g:
        row("growth exponent of cost in cells", g["slope_vs_cells"])
    if e:
        row(
            f"ensemble of {e['runs']} x {e['days']} days, 1 worker (runs/s)", e["runs_per_second_1"]
        )
        row("same with 2 workers (runs/s)", e["runs_per_second_2"])
        row(
            "parallel efficiency on 2 workers (wall clock)",
            e["parallel_efficiency"],
            "goal >= 0.85",
        )
        row("CPU efficiency on 2 workers (useful share of CPU)", e["cpu_efficiency"])
        row("load average after (other processes on the machine)", e["load_average_after"][0])
    if m:
        if "error" in m:
            row("sweep parent peak memory", m["error"])
        else:
            for key, value in m.items():
                if isinstance(value, int | float):
                    row(f"sweep memory: {key}", value)
    p = summary.get("profile", {})
    if p:
        lines.append("  top functions by own time (one year run):")
        for item in p["by_own_time"][:10]:
            lines.append(f"    {item['share_of_run']:>6.1%}  {item['function']}")
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Measure everything, write ``summary.json`` into the output folder, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument(
        "--out",
        default=None,
        help="folder (default benchmarks/results/performance/, or results/benchmarks/ if --quick)",
    )
    parser.add_argument(
        "--only", default="", help="comma list of: whole,forces,days,grid,ensemble,memory,profile"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    only = set(filter(None, args.only.split(",")))

    def want(name: str) -> bool:
        return not only or name in only

    default = ROOT / ("results/benchmarks" if quick else "benchmarks/results/performance")
    out = Path(args.out) if args.out else default
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {}
    if only and (out / "summary.json").exists():
        # A partial re-run updates its sections of the last summary and keeps the others.
        summary = json.loads((out / "summary.json").read_text())
        summary.setdefault("remeasured", []).append(
            {"sections": sorted(only), "date": dt.datetime.now(dt.UTC).isoformat()}
        )
    summary.update({"machine": machine(), "quick": quick, "goals": GOALS})
    started = time.perf_counter()
    if want("whole"):
        summary["whole_process"] = bench_model.whole_process_ratio(2 if quick else 5)
    if want("days"):
        summary["day_scaling"] = bench_model.day_scaling(1 if quick else 3)
    if want("forces"):
        summary["force_scaling"] = bench_model.force_scaling(
            repetitions=1 if quick else 3, days=90 if quick else 180
        )
    if want("grid"):
        summary["grid_scaling"] = bench_model.grid_scaling(
            repetitions=1 if quick else 2, days=60 if quick else 120
        )
    if want("ensemble"):
        summary["ensemble"] = ensemble_throughput(
            # 64 one-year runs: a sweep's worth, so the workers' start-up (importing Mesa) is
            # spread over enough work for the efficiency to mean something.
            runs=4 if quick else 64,
            days=180 if quick else 365,
            repetitions=1,
        )
    if want("memory"):
        summary["sweep_memory"] = sweep_memory(quick)
    if want("profile"):
        profile = bench_model.profile_run()
        (out / "profile.txt").write_text(profile.pop("text"))
        summary["profile"] = profile
    summary["benchmark_seconds"] = time.perf_counter() - started
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    print_table(summary)
    print(f"wrote {out / 'summary.json'}")
    return summary


if __name__ == "__main__":
    main()
