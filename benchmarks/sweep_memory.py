"""The sweep engine's benchmark: the parent's peak memory as a sweep grows, and runs per second.

Each measurement runs ``sim.sweep.run_sweep`` in a fresh Python process (the *parent*) and reads
that process's own peak resident set (``getrusage(RUSAGE_SELF).ru_maxrss``, which does not count
the worker processes) and the peak of its Python allocations (``tracemalloc``). The claim under
test: the parent holds a bounded window of batches, so its peak does not grow with the number of
runs. Throughput is measured on a month of kidal_2023 on a 1-degree grid with 1 and 2 local
workers, pool start-up included.

    .venv/bin/python benchmarks/sweep_memory.py           # 100 vs 2,000 runs; 1 vs 2 workers
    .venv/bin/python benchmarks/sweep_memory.py --quick   # a smoke run, not figures to quote

Prints a table and writes ``results/benchmarks/sweep.json``. ``main()`` and ``measure()``
return the figures as a dict (``benchmarks/run_all.py`` calls ``measure``).
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

PARENT = r"""
import json, resource, shutil, sys, tempfile, time, tracemalloc
from pathlib import Path
from sim.scenario import load_scenario, to_toml
from sim.sweep import load_sweep, run_sweep

runs, workers, end, trace = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
root = Path(tempfile.mkdtemp(prefix="malisim-bench-sweep-"))
try:
    base = load_scenario(
        sys.argv[5], ["scenario.resolution=1.0", f"scenario.end={end}"]
    )
    (root / "base.toml").write_text(to_toml(base))
    (root / "sweep.toml").write_text(
        '[sweep]\nname = "bench"\nbase = "base.toml"\ndesign = "grid"\n'
        f'replicates = {runs // 4}\nseed = 1\n\n[parameters]\n'
        '"foreign.wagner.commitment" = [0.3, 0.7]\n'
        '"foreign.wagner.risk_tolerance" = [0.2, 0.8]\n'
    )
    sweep = load_sweep(root / "sweep.toml")
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    marks = []  # (time, runs written) after each part: the steady rate skips pool start-up
    ticks = lambda n: marks.append((time.perf_counter(), n))
    report = run_sweep(sweep, root / "out", workers=workers, progress=ticks)
    seconds = time.perf_counter() - start
    steady = sum(n for _, n in marks[1:]) / max(marks[-1][0] - marks[0][0], 1e-9)
    traced = tracemalloc.get_traced_memory()[1] if trace else None
    print(json.dumps({
        "runs": report.ran,
        "workers": workers,
        "seconds": seconds,
        "runs_per_second": report.ran / seconds,
        "steady_runs_per_second": steady,
        "peak_kb_before_running": before_kb,
        "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "python_peak_mb": traced / 2**20 if traced is not None else None,
    }))
finally:
    shutil.rmtree(root, ignore_errors=True)
"""


def parent(runs: int, workers: int, end: str, trace: bool) -> dict[str, Any]:
    """Run one sweep in a fresh parent process and return what it measured."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PARENT,
            str(runs),
            str(workers),
            end,
            "1" if trace else "0",
            str(ROOT / "scenarios" / "kidal_2023.toml"),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(quick: bool = False) -> dict[str, Any]:
    """Peak parent memory for a small and a large sweep, and runs per second on 1 and 2 workers.

    Args:
        quick: smaller sweeps (a smoke run).

    Returns:
        ``runs_small``, ``runs_large``, ``peak_mb_small``, ``peak_mb_large``, ``memory_ratio``
        (large over small), the Python-allocation peaks, and ``runs_per_second_1`` and
        ``runs_per_second_2`` with the throughput sweep's size.

    """
    small, large = (40, 400) if quick else (100, 2000)
    week = "2023-10-07"  # the memory sweeps: one week, so 2,000 runs take minutes
    mem_small = parent(small, 2, week, trace=True)
    mem_large = parent(large, 2, week, trace=True)
    throughput_runs = 16 if quick else 48
    month = "2023-10-31"
    one = parent(throughput_runs, 1, month, trace=False)
    two = parent(throughput_runs, 2, month, trace=False)
    return {
        "runs_small": small,
        "runs_large": large,
        "peak_mb_small": mem_small["peak_kb"] / 1024,
        "peak_mb_large": mem_large["peak_kb"] / 1024,
        "memory_ratio": mem_large["peak_kb"] / mem_small["peak_kb"],
        "peak_mb_before_running_small": mem_small["peak_kb_before_running"] / 1024,
        "peak_mb_before_running_large": mem_large["peak_kb_before_running"] / 1024,
        "python_peak_mb_small": mem_small["python_peak_mb"],
        "python_peak_mb_large": mem_large["python_peak_mb"],
        "seconds_small": mem_small["seconds"],
        "seconds_large": mem_large["seconds"],
        "throughput_scenario": "kidal_2023 at 1 degree, 2023-10-01..2023-10-31",
        "throughput_runs": throughput_runs,
        "runs_per_second_1": one["runs_per_second"],
        "runs_per_second_2": two["runs_per_second"],
        "speedup_2_over_1": two["runs_per_second"] / one["runs_per_second"],
        "steady_runs_per_second_1": one["steady_runs_per_second"],
        "steady_runs_per_second_2": two["steady_runs_per_second"],
        "steady_speedup_2_over_1": two["steady_runs_per_second"] / one["steady_runs_per_second"],
        "load_average": os.getloadavg(),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Measure, print a table, write ``results/benchmarks/sweep.json``; return the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sweeps (smoke run)")
    args = parser.parse_args(argv)
    figures = measure(quick=args.quick)
    figures["quick"] = args.quick
    out = ROOT / "results" / "benchmarks" / "sweep.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    f = figures
    print(f"sweep parent, 2 workers, {f['runs_small']} runs: peak {f['peak_mb_small']:.0f} MB")
    print(f"sweep parent, 2 workers, {f['runs_large']} runs: peak {f['peak_mb_large']:.0f} MB")
    print(f"  large / small peak: {f['memory_ratio']:.3f}")
    print(
        f"  Python allocations in the parent, peak: {f['python_peak_mb_small']:.1f} MB vs "
        f"{f['python_peak_mb_large']:.1f} MB"
    )
    print(
        f"runs per second ({f['throughput_runs']} runs, {f['throughput_scenario']}): "
        f"1 worker {f['runs_per_second_1']:.2f}, 2 workers {f['runs_per_second_2']:.2f} "
        f"(x{f['speedup_2_over_1']:.2f}), pool start-up included"
    )
    print(
        f"  after the first part (start-up excluded): 1 worker "
        f"{f['steady_runs_per_second_1']:.2f}, 2 workers {f['steady_runs_per_second_2']:.2f} "
        f"(x{f['steady_speedup_2_over_1']:.2f}); load average {f['load_average'][0]:.1f} "
        f"on {f['nproc']} cores"
    )
    print(f"written: {out.relative_to(ROOT)}")
    return figures


if __name__ == "__main__":
    main()
