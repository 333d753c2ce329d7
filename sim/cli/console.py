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


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 run``, ``2 runs``: a count and its noun, agreed."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def date_problems(text: str | None, option: str = "--at") -> list[str]:
    """An input problem with a date option (``YYYY-MM-DD``), one line, or none."""
    import datetime as dt

    if text is None:
        return []
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return [f"{option}: expected a date YYYY-MM-DD, got {text!r}"]
    return []


def events_problems(events: str) -> list[str]:
    """An input problem with ``--events``, one line, or none."""
    from sim.io import EVENT_DETAILS

    if events in EVENT_DETAILS:
        return []
    return [f"--events: expected one of {', '.join(EVENT_DETAILS)}, got {events!r}"]
