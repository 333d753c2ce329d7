"""``malisim score``: an ensemble's hindcasts of the record's held-out years, scored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from sim.scenario import ScenarioError


def score_command(
    results_dir: Path,
    record_file: Path | None,
    out_dir: Path | None,
    console: Console,
    fail_input: Callable[[list[str]], None],
) -> None:
    """Read the ensemble and the record, score the held-out years, write and print the scores."""
    from rich.table import Table

    from sim.analysis.results import ResultsError, load_results
    from sim.io import atomic_write_text
    from sim.validate.hindcast import (
        read_yearly_record,
        score_hindcasts,
        score_markdown,
        summarise,
    )

    problems: list[str] = []
    try:
        record = read_yearly_record(record_file)
    except ScenarioError as exc:
        problems += exc.problems
    try:
        results = load_results(results_dir)
    except ResultsError as exc:
        problems += exc.problems
    if problems:
        fail_input(problems)
        return
    scores = score_hindcasts(results, record)
    if scores.empty:
        fail_input(
            [
                f"{results_dir}: the ensemble covers none of the record's held-out years "
                "(use = test) that a baseline can forecast; run a scenario spanning them, "
                "e.g. scenarios/history_2012_2025.toml"
            ]
        )
        return
    summary = summarise(scores)
    folder = Path(out_dir) if out_dir is not None else Path(results_dir) / "score"
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / "score.csv", scores.to_csv(index=False))
    atomic_write_text(folder / "score_summary.csv", summary.to_csv(index=False))
    atomic_write_text(folder / "score.md", score_markdown(scores, summary, str(results_dir)))
    table = Table(title="hindcast skill on held-out years (1 - CRPS / CRPS of the baseline)")
    for column in ("series", "years", "CRPS", "90% coverage", "vs last year", "vs mean"):
        table.add_column(column, justify="left" if column in ("series", "years") else "right")
    for r in summary.itertuples():
        table.add_row(
            r.series,
            r.years,
            f"{r.crps:.3g}",
            f"{r.coverage_90:.0%}",
            f"{r.skill_vs_last_year:.2f}",
            f"{r.skill_vs_mean_before:.2f}",
        )
    console.print(table)
    console.print(f"Scores in {folder}/: score.md, score.csv, score_summary.csv", markup=False)
