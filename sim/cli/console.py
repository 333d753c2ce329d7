"""Terminal helpers shared by the commands: the progress bar's columns and common option checks."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn


def progress_columns() -> tuple:
    """Columns of every long command's bar: name, bar, runs done of total, rate, time left."""
    return (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )


def count_problems(
    runs: int | None = None, workers: int | None = None, seed: int | None = None
) -> list[str]:
    """Input problems with ``--runs``, ``--workers`` and ``--seed``, one line each."""
    problems = []
    if runs is not None and runs < 1:
        problems.append(f"--runs: expected a whole number >= 1, got {runs}")
    if workers is not None and workers < 1:
        problems.append(f"--workers: expected a whole number >= 1, got {workers}")
    if seed is not None and seed < 0:
        problems.append(f"--seed: expected a whole number >= 0, got {seed}")
    return problems
