"""Parameter recovery over truths drawn from the prior: is the calibration well calibrated?

Draws ``--truths`` parameter sets from a calibration file's priors (seeded), runs the recovery
check (``malisim calibrate FILE --truth ...``) at each, and reports, over all truths and for each
parameter, how often the truth lies in the posterior's 50% and 90% intervals (near 50% and 90%
when the calibration is well calibrated; ABC's tolerance makes posteriors a little wide, so
coverage above the nominal is the expected error) and the mean shrinkage (how much the targets
narrow the prior; near 0: the targets cannot identify the parameter).

    .venv/bin/python benchmarks/calibration_recovery.py   # 20 truths (make calibration-bench)
    .venv/bin/python benchmarks/calibration_recovery.py --truths 4 --population 20 --generations 2

Each truth's calibration folder is kept under ``--out`` (re-running resumes them); the summary
is printed and written to ``benchmarks/results/calibration_recovery.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def variant(path: Path, population: int, generations: int, out: Path) -> Path:
    """The calibration file with another population and generation count, its paths absolute."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^population = \d+", f"population = {population}", text)
    text = re.sub(r"(?m)^generations = \d+", f"generations = {generations}", text)
    text = re.sub(r"(?m)^predictive = \d+", "predictive = 0", text)
    text = re.sub(
        r'(?m)^base = "([^"]+)"', lambda m: f'base = "{(path.parent / m.group(1)).resolve()}"', text
    )
    out.mkdir(parents=True, exist_ok=True)
    target = out / path.name
    target.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark; return (and write) its summary."""
    from sim.calibrate import load_calibration, run_calibration
    from sim.calibrate.report import parameter_summary, recovery_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT / "calibration" / "kidal_2023_small.toml")
    parser.add_argument("--truths", type=int, default=20)
    parser.add_argument("--population", type=int, default=40)
    parser.add_argument("--generations", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "calibration_recovery")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "calibration_recovery.json")
    args = parser.parse_args(argv)

    path = variant(args.file, args.population, args.generations, args.out)
    calibration = load_calibration(path)
    rng = np.random.default_rng(np.random.SeedSequence([args.seed, 0x7E57]))
    truths = [
        {name: float(prior.draw(rng, 1)[0]) for name, prior in calibration.priors.items()}
        for _ in range(args.truths)
    ]
    rows = []
    start = time.perf_counter()
    simulations = 0
    for i, truth in enumerate(truths):
        truth = calibration.overrides(truth)  # whole numbers where the scenario wants them
        checked = load_calibration(path, truth)
        run = run_calibration(checked, args.out / f"truth-{i:02d}", args.workers, truth=truth)
        simulations += sum(g.simulations for g in run.history) + 1
        summary = parameter_summary(checked, run.population.table())
        table = recovery_table(summary, truth).assign(truth_index=i)
        rows.append(table)
        inside = ", ".join(
            f"{r.parameter.split('.')[-1]} {'90' if r.in_90 else 'out'}" for r in table.itertuples()
        )
        print(f"truth {i + 1}/{len(truths)}: {inside}", flush=True)
    seconds = time.perf_counter() - start
    every = pd.concat(rows, ignore_index=True)
    per_parameter = (
        every.groupby("parameter", sort=False)
        .agg(
            coverage_50=("in_50", "mean"),
            coverage_90=("in_90", "mean"),
            shrinkage=("shrinkage", "mean"),
            identified=("identified", "mean"),
        )
        .reset_index()
    )
    from sim import __version__

    result = {
        "command": " ".join(["benchmarks/calibration_recovery.py", *(argv or sys.argv[1:])]),
        "model_version": __version__,
        "file": str(args.file.relative_to(ROOT) if args.file.is_relative_to(ROOT) else args.file),
        "truths": args.truths,
        "population": args.population,
        "generations": args.generations,
        "workers": args.workers,
        "simulations": simulations,
        "seconds": round(seconds, 1),
        "coverage_50": float(every["in_50"].mean()),
        "coverage_90": float(every["in_90"].mean()),
        "parameters": per_parameter.to_dict(orient="records"),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"\n{args.truths} truths, {simulations} simulations in {seconds:.0f} s: the truth lies "
        f"in the 50% interval {result['coverage_50']:.0%} of the time, in the 90% interval "
        f"{result['coverage_90']:.0%}"
    )
    print(per_parameter.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return result


if __name__ == "__main__":
    main()
