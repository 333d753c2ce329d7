"""The examples the documents quote, run again: what each command printed, and the figures.

The README and docs/ show what malisim prints and state results of runs (how often a patron
leaves over the commitment x risk tolerance sweep, what a low-risk partner changes). Each comes
from a file this script writes into ``benchmarks/results/examples/``:

- ``<example>.txt``: each command (``$ malisim ...``) and what it printed, at 100 columns, run
  in a scratch folder (``results/doc_examples/``) so that paths read ``results/<name>/``;
- ``<example>.json``: the figures the documents' sentences quote, computed from the tables, with
  the model version that made them.

The documents name these files in markers (``tools/doc_figures.py``) and
``tests/test_doc_figures.py`` checks that they agree. After a change of model results, run this
again and update the documents where that test says they differ::

    .venv/bin/python benchmarks/doc_examples.py --workers 2             # every example
    .venv/bin/python benchmarks/doc_examples.py --only run,compare      # some of them
    .venv/bin/python benchmarks/doc_examples.py --only sweep --figures  # and the README's heatmap

The long ones are the sweep of 300 one-year runs and the 100 runs of the 2012-2025 arc that
``score`` scores (``--arc-runs`` fewer).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "examples"
WORK = ROOT / "results" / "doc_examples"
MALISIM = str(Path(sys.executable).with_name("malisim"))


class Example:
    """One example: its commands' transcript and its figures, written when it is done."""

    def __init__(self, name: str, workers: int, arc_runs: int = 100) -> None:
        self.name = name
        self.workers = workers
        self.arc_runs = arc_runs
        self.lines: list[str] = []
        self.figures: dict[str, Any] = {}

    def malisim(self, *args: str) -> None:
        """Run ``malisim ARGS`` in the scratch folder and keep the command and what it printed."""
        env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
        done = subprocess.run(
            [MALISIM, *args], cwd=WORK, env=env, capture_output=True, text=True, check=False
        )
        self.lines.append("$ malisim " + " ".join(args))
        self.lines += (done.stdout + done.stderr).rstrip("\n").splitlines()

    def write(self) -> None:
        """Write ``<name>.txt`` and ``<name>.json`` (with the model version)."""
        import sim

        OUT.mkdir(parents=True, exist_ok=True)
        text = "\n".join(line.rstrip() for line in self.lines) + "\n"
        (OUT / f"{self.name}.txt").write_text(text, encoding="utf-8")
        figures = {"model_version": sim.__version__, **self.figures}
        (OUT / f"{self.name}.json").write_text(json.dumps(figures, indent=2) + "\n")
        print(f"wrote {OUT / self.name}.txt and .json")


def runs_of(folder: str) -> pd.DataFrame:
    from sim.analysis.results import load_results

    return load_results(WORK / folder).runs


def run_example(ex: Example) -> None:
    """A run's summary (docs/OUTPUTS.md), outcomes at a date and the report (docs/ANALYSIS.md)."""
    ex.malisim("run", "scenarios/kidal_2023.toml", "--runs", "20", "--seed", "1", "--workers", "2")
    ex.malisim("plot", "results/kidal_2023", "--at", "2023-12-31", "--kind", "dist,lenses")
    ex.malisim("plot", "results/kidal_2023", "--at", "2023-12-31", "--outcome", "lens_bamako")
    ex.malisim("report", "results/kidal_2023")
    runs = runs_of("results/kidal_2023")
    ex.figures.update(
        runs=len(runs), wagner_left_by_decision=int(runs["withdrew_foreign_wagner"].sum())
    )


def compare_example(ex: Example) -> None:
    """A what-if against its baseline, paired by seed (docs/ANALYSIS.md)."""
    a, b = "scenarios/north_2024.toml", "scenarios/what_if/low_risk_partner.toml"
    folder = "results/compare_north_2024_low_risk_partner"
    shutil.rmtree(WORK / folder, ignore_errors=True)
    ex.malisim("compare", a, b, "--runs", "20", "--workers", str(ex.workers))
    base, other = runs_of(f"{folder}/north_2024"), runs_of(f"{folder}/low_risk_partner")
    wagner = other["deaths_foreign_wagner"] - base["deaths_foreign_wagner"]
    civilians = other["deaths_civilians"] - base["deaths_civilians"]
    ex.figures.update(
        runs=len(base),
        wagner_deaths_median={"A": base["deaths_foreign_wagner"].median(),
                              "B": other["deaths_foreign_wagner"].median()},
        wagner_fewer_pairs=int((wagner < 0).sum()),
        civilian_deaths_difference_median=civilians.median(),
        civilian_fewer_pairs=int((civilians < 0).sum()),
        withdrawals={"A": int(base["withdrew_foreign_wagner"].sum()),
                     "B": int(other["withdrew_foreign_wagner"].sum())},
        centre_under_jihadists_median={"A": base["pop_share_jihadists_centre"].median(),
                                       "B": other["pop_share_jihadists_centre"].median()},
    )  # fmt: skip
    table = pd.read_csv(WORK / folder / "compare.csv")
    row = table[
        (table["outcome"] == "patron_withdraws") & (table["scenario"] == "low_risk_partner")
    ]
    ex.figures["withdrawal_difference_interval_points"] = [
        100 * float(row["low"].iloc[0]),
        100 * float(row["high"].iloc[0]),
    ]


def sweep_example(ex: Example, figures: bool) -> None:
    """The commitment x risk tolerance sweep: the README's heatmap and discovery's boxes."""
    folder = "results/commitment_x_risk"
    shutil.rmtree(WORK / folder, ignore_errors=True)
    ex.malisim("sweep", "scenarios/sweeps/commitment_x_risk.toml", "--workers", str(ex.workers))
    for outcome in ("patron_withdraws", "holder_kidal=state"):
        ex.malisim("discover", folder, "--outcome", outcome, "--depth", "2")
    from sim.sweep import read_sweep

    runs = read_sweep(WORK / folder).runs
    withdrew = runs["withdrew_foreign_wagner"].astype(float)
    shares = withdrew.groupby(
        [runs["foreign.wagner.commitment"], runs["foreign.wagner.risk_tolerance"]]
    ).mean()
    ex.figures["runs"] = len(runs)
    ex.figures["runs_per_cell"] = int(runs.groupby("point").size().iloc[0])
    # The share of runs in which the patron left, by commitment then risk tolerance (keys such
    # as "0.2", read by markers as patron_withdraws/0.2/0.9).
    ex.figures["patron_withdraws"] = {
        f"{c:.2g}": {f"{r:.2g}": share for (c2, r), share in shares.items() if c2 == c}
        for c in sorted({c for c, _ in shares.index})
    }
    if figures:  # the README's gallery (benchmarks/patron_choice.py makes the same figures)
        outcomes = ("area_share_state", "strength_end_foreign_wagner")
        ex.malisim("plot", folder, "--kind", "heatmap", *(f"--outcome={o}" for o in outcomes))
        ex.malisim("plot", folder, "--kind", "lenses")
        names = [f"heatmap_{o}.png" for o in outcomes] + ["lens_preferences.png", "lenses.png"]
        for name in names:
            shutil.copy(WORK / folder / "figures" / name, ROOT / "results" / "figures" / name)


TINY_KIDAL = """\
[scenario]
base = "scenarios/kidal_2023.toml"
name = "kidal_tiny"
resolution = 1.0
end = 2023-12-15
"""

DOCTRINE = """\
[sweep]
name = "kidal_doctrine"
base = "kidal_tiny.toml"
design = "sobol"
replicates = 1
samples = 4
seed = 1

[parameters]
"foreign.wagner.commitment" = { min = 0.2, max = 0.9 }
"foreign.wagner.risk_tolerance" = { min = 0.1, max = 0.9 }
"factions.state.aggression" = { min = 0.1, max = 0.9 }
"""

GRID = """\
[sweep]
name = "tiny_grid"
base = "kidal_tiny.toml"
design = "grid"
replicates = 2
seed = 1

[parameters]
"foreign.wagner.commitment" = [0.3, 0.8]
"foreign.wagner.risk_tolerance" = [0.2, 0.8]
"""


def sensitivity_example(ex: Example) -> None:
    """A Sobol' analysis too small to mean anything, run twice (docs/ANALYSIS.md)."""
    (WORK / "kidal_tiny.toml").write_text(TINY_KIDAL)
    (WORK / "doctrine.toml").write_text(DOCTRINE)
    shutil.rmtree(WORK / "results" / "kidal_doctrine_sobol_n4", ignore_errors=True)
    outcomes = ["--outcome", "deaths_civilians", "--outcome", "lens_bamako"]
    ex.malisim("sensitivity", "doctrine.toml", "--samples", "4", *outcomes)
    ex.malisim("sensitivity", "doctrine.toml", "--samples", "4", *outcomes[:2])


def extend_example(ex: Example) -> None:
    """A finished sweep extended with more replicates, and refused fewer (docs/SWEEPS.md)."""
    (WORK / "kidal_tiny.toml").write_text(TINY_KIDAL)
    (WORK / "grid.toml").write_text(GRID)
    shutil.rmtree(WORK / "out", ignore_errors=True)
    ex.malisim("sweep", "grid.toml", "--out", "out")
    ex.malisim("sweep", "grid.toml", "--out", "out", "--replicates", "5")
    ex.malisim("sweep", "grid.toml", "--out", "out", "--replicates", "3")


def score_example(ex: Example) -> None:
    """The arc's hindcasts of the held-out years, scored (docs/CALIBRATION.md)."""
    runs = str(ex.arc_runs)
    ex.malisim("run", "scenarios/history_2012_2025.toml", "--runs", runs, "--seed", "1",
               "--workers", str(ex.workers))  # fmt: skip
    ex.malisim("score", "results/history_2012_2025")
    shutil.copy(WORK / "results" / "history_2012_2025" / "score" / "score.md", OUT / "score.md")
    ex.figures["runs"] = ex.arc_runs


EXAMPLES: dict[str, Callable[..., None]] = {
    "run": run_example,
    "compare": compare_example,
    "sweep": sweep_example,
    "sensitivity": sensitivity_example,
    "extend": extend_example,
    "score": score_example,
}


def main(argv: list[str] | None = None) -> None:
    """Run the examples asked for (all by default) and write their files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="comma list of: " + ",".join(EXAMPLES))
    parser.add_argument(
        "--figures", action="store_true", help="also redraw the README's heatmap from the sweep"
    )
    parser.add_argument("--arc-runs", type=int, default=100, help="runs of the arc to score")
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(EXAMPLES)
    unknown = sorted(set(names) - set(EXAMPLES))
    if unknown:
        parser.error(f"unknown examples: {', '.join(unknown)}")
    WORK.mkdir(parents=True, exist_ok=True)
    for link in ("scenarios", "calibration"):
        if not (WORK / link).exists():
            (WORK / link).symlink_to(ROOT / link)
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names:
        example = Example(name, args.workers, args.arc_runs)
        if name == "sweep":
            sweep_example(example, args.figures)
        else:
            EXAMPLES[name](example)
        example.write()
    print(textwrap.fill("Now run tools/doc_figures.py: it lists the figures that changed.", 100))


if __name__ == "__main__":
    main()
