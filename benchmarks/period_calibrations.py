"""The library's period calibrations, run (or resumed) and their summaries kept for the docs.

Runs ``malisim calibrate`` on each ``calibration/period_*.toml`` into ``results/<name>/`` (a
finished folder is resumed: nothing runs again and the outputs are rewritten) and copies what
docs/CALIBRATION.md quotes into ``benchmarks/results/calibration/<name>/``: ``report.md``,
``parameters.csv``, ``predictive.csv``, ``history.csv``, the figures, and ``summary.json`` (the
model version, the simulations and the seconds the generations took, the predictive check's
runs not counted)::

    .venv/bin/python benchmarks/period_calibrations.py --workers 2     # about 25 minutes
    .venv/bin/python benchmarks/period_calibrations.py --only period_2012
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "calibration"
KEPT = ("report.md", "parameters.csv", "predictive.csv", "history.csv")


def keep(name: str, folder: Path) -> dict:
    """Copy a finished calibration's summaries; return its summary figures."""
    from sim import __version__

    target = OUT / name
    shutil.rmtree(target, ignore_errors=True)
    (target / "figures").mkdir(parents=True)
    for file in KEPT:
        shutil.copy(folder / file, target / file)
    for figure in (folder / "figures").glob("*.png"):
        shutil.copy(figure, target / "figures" / figure.name)
    history = pd.read_csv(folder / "history.csv")
    summary = {
        "model_version": __version__,
        "calibration": f"calibration/{name}.toml",
        "generations": len(history),
        "simulations": int(history["simulations"].sum()),
        "seconds": round(float(history["seconds"].sum()), 1),
        "epsilon": float(history["epsilon"].iloc[-1]),
        "ess": round(float(history["ess"].iloc[-1]), 1),
    }
    (target / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> None:
    """Run or resume each period calibration and keep its summaries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="comma list of calibration names")
    args = parser.parse_args(argv)
    files = sorted((ROOT / "calibration").glob("period_*.toml"))
    wanted = [n for n in args.only.split(",") if n]
    malisim = str(Path(sys.executable).with_name("malisim"))
    for path in files:
        if wanted and path.stem not in wanted:
            continue
        folder = ROOT / "results" / path.stem
        command = [malisim, "calibrate", str(path), "--workers", str(args.workers)]
        subprocess.run([*command, "--out", str(folder)], check=True, cwd=ROOT)
        print(path.stem, keep(path.stem, folder))


if __name__ == "__main__":
    main()
