"""Which of Bamako and the regional capitals of the centre and south the insurgents take in the arc.

The record (``sim/data/record.csv``, C13): no insurgent side took Bamako, Kayes, Koulikoro,
Sikasso, Segou or Mopti between 2012 and 2025; JNIM raided the Kati camp (2022) and Bamako
(2024). Until model 0.37.0 no criterion looked, and the arc's jihadists took Bamako in a third
of the runs. This reads a results folder of ``history_2012_2025`` (``malisim run``'s tables)
and counts, run by run, the takes of each town by an insurgent side, their years, who holds
Bamako at the end, and the jihadists' men and the share of the people they control (medians
by year)::

    malisim run scenarios/history_2012_2025.toml --runs 40 --seed 1 --workers 2 --out DIR
    .venv/bin/python benchmarks/capitals_taken.py DIR [DIR ...]

Writes ``benchmarks/results/capitals_taken_model_<version>.md`` for each folder (its
``manifest.json`` names the model that wrote it) and a ``.json`` beside it for the docs'
figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.validate.criteria import CAPITALS_NEVER_TAKEN  # noqa: E402

INSURGENTS = ("jihadists", "separatists")
YEARS = (2013, 2015, 2017, 2019, 2021, 2023, 2025)


def run_command(command: list[str]) -> str:
    """The ``malisim`` command that wrote a folder, from its manifest, without the folder."""
    words = command[1:]  # the interpreter's script path first
    if "--out" in words:
        at = words.index("--out")
        words = words[:at] + words[at + 2 :]
    return " ".join(words)


def written_by(folder: Path) -> dict:
    """Which scenario, model, revision and command wrote a results folder (its manifest)."""
    manifest = json.loads((folder / "manifest.json").read_text())
    return {
        "scenario": Path(manifest.get("scenario", "scenario")).stem,
        "model": manifest["model_version"],
        "revision": manifest.get("git_revision", ""),
        "command": run_command(manifest.get("command", [])),
    }


def summary(folder: Path) -> dict:
    """The counts and medians of one results folder."""
    events = pd.read_parquet(folder / "events.parquet")
    runs = pd.read_parquet(folder / "runs.parquet")
    series = pd.read_parquet(folder / "timeseries.parquet")
    taken = events[
        (events["event_type"] == "town_captured")
        & events["town"].isin(CAPITALS_NEVER_TAKEN)
        & events["actor1"].isin(INSURGENTS)
    ].copy()
    taken["year"] = pd.to_datetime(taken["date"]).dt.year
    series["year"] = pd.to_datetime(series["date"]).dt.year
    yearly = series.groupby("year")
    return {
        **written_by(folder),
        "runs": len(runs),
        "runs_with_a_take": int(taken["run_id"].nunique()),
        "share_never": 1.0 - taken["run_id"].nunique() / len(runs),
        "runs_by_town": {
            t: int(taken.loc[taken["town"] == t, "run_id"].nunique()) for t in CAPITALS_NEVER_TAKEN
        },
        "runs_by_year": {
            int(y): int(n) for y, n in taken.groupby("year")["run_id"].nunique().items()
        },
        "bamako_at_end": {k: int(v) for k, v in runs["holder_bamako"].value_counts().items()},
        "jihadists": {y: float(yearly["strength_jihadists"].median()[y]) for y in YEARS},
        "pop_share_jihadists": {
            y: round(float(yearly["pop_share_jihadists"].median()[y]), 3) for y in YEARS
        },
    }


def table(found: dict) -> str:
    """The Markdown report of one folder."""
    lines = [
        f"# Capitals taken in the arc, model {found['model']}",
        "",
        f"`malisim {found['command']}`, then `python benchmarks/capitals_taken.py RESULTS`: "
        f"{found['runs']} runs of `{found.get('scenario', 'history_2012_2025')}` "
        f"(revision {found['revision'][:7]}).",
        "",
        f"Runs in which an insurgent side took Bamako or a regional capital of the centre and "
        f"south at least once: **{found['runs_with_a_take']} of {found['runs']}** (C13h's share "
        f"of runs with none: {found['share_never']:.0%}).",
        "",
        "| town | runs in which an insurgent took it |",
        "|---|---|",
        *(f"| {t} | {n} |" for t, n in found["runs_by_town"].items()),
        "",
        "Runs with a take, by year: "
        + (", ".join(f"{y}: {n}" for y, n in found["runs_by_year"].items()) or "none")
        + ".",
        "",
        "Who holds Bamako at the end of 2025: "
        + ", ".join(f"{k} {v}" for k, v in found["bamako_at_end"].items())
        + ".",
        "",
        "| year | jihadists (median men) | share of the people they control (median) |",
        "|---|---|---|",
        *(
            f"| {y} | {found['jihadists'][y]:,.0f} | {found['pop_share_jihadists'][y]:.1%} |"
            for y in YEARS
        ),
        "",
    ]
    return "\n".join(lines)


def write_reports(description: str, report, summarise, tabulate) -> int:
    """Write ``<report>_model_<version>.md`` and ``.json`` for each results folder named.

    ``summarise(folder)`` gives the figures (with the ``model`` that wrote the folder),
    ``tabulate(figures)`` the Markdown; ``report`` is the files' prefix, or a function of the
    figures that gives it (a report on more than one scenario names the folder's). Shared by
    the reports on results folders in ``benchmarks/``.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    out = ROOT / "benchmarks" / "results"
    for folder in args.folders:
        found = summarise(folder)
        prefix = report(found) if callable(report) else report
        name = f"{prefix}_model_{found['model']}"
        (out / f"{name}.md").write_text(tabulate(found))
        (out / f"{name}.json").write_text(json.dumps(found, indent=1) + "\n")
        print(tabulate(found))
    return 0


def arc_report(prefix: str):
    """The files' prefix of a report on the arc: ``prefix``, or for a what-if of it (another
    scenario) ``prefix_<scenario>``, so that neither overwrites the other."""

    def name(found: dict) -> str:
        scenario = found.get("scenario", "history_2012_2025")
        return prefix if scenario == "history_2012_2025" else f"{prefix}_{scenario}"

    return name


def main() -> int:
    """Write a report for each results folder named."""
    return write_reports(__doc__.splitlines()[0], arc_report("capitals_taken"), summary, table)


if __name__ == "__main__":
    raise SystemExit(main())
