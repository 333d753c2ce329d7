"""``malisim validate``: check the input, run the validation, print the table, write the report."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from sim.cli.console import count_problems
from sim.scenario import ScenarioError
from sim.validate.criteria import CRITERIA
from sim.validate.engine import HISTORICAL, run_validation
from sim.validate.report import write_report

COLUMNS = (
    ("id", "id"),
    ("scenario", "scenario"),
    ("criterion", "criterion"),
    ("ensemble gave", "ensemble_gave"),
    ("95% interval", "interval_95"),
    ("result", "result"),
)
"""The printed table's columns: (heading, column of ``Validation.table()``)."""


def validate_command(
    runs: int,
    out_dir: Path,
    seed: int,
    workers: int,
    only: list[str] | None,
    criteria: list[str] | None,
    console: Console,
    fail_input: Callable[[list[str]], None],
    fail: Callable[[str], None],
) -> None:
    """``malisim validate``: check the input, run, print the pass/miss table, write the report."""
    problems = count_problems(runs=runs, workers=workers, seed=seed)
    for name in only or []:
        if name not in HISTORICAL:
            problems.append(
                f"--scenario: unknown historical scenario {name!r}; expected one of "
                f"{', '.join(HISTORICAL)}"
            )
    known = [c.id for c in CRITERIA]
    for cid in criteria or []:
        if cid not in known:
            problems.append(
                f"--only: unknown criterion {cid!r}; expected one of {', '.join(known)}"
            )
    if problems:
        fail_input(problems)
    names = [n for n in HISTORICAL if not only or n in only]
    if criteria:
        names = [n for n in names if any(c.scenario == n for c in CRITERIA if c.id in criteria)]
        if not names:
            fail_input([f"--only: none of {', '.join(criteria)} is tested on the scenarios chosen"])
    started = time.perf_counter()
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            disable=not console.is_terminal,
            transient=True,
        ) as bar:
            task = bar.add_task("validating", total=runs * len(names))

            def tick(name: str, n: int) -> None:
                bar.update(task, advance=n, description=name)

            validation = run_validation(
                runs, seed, workers, names, progress=tick, only=criteria or None
            )
    except ScenarioError as exc:
        fail_input(exc.problems)
        return
    elapsed = time.perf_counter() - started
    try:
        report = write_report(validation, out_dir, command=" ".join(["malisim", *sys.argv[1:]]))
    except OSError as exc:
        fail(f"cannot write the report: {exc.strerror or exc} ({exc.filename or out_dir})")
        return
    frame = validation.table()
    title = f"Validation: {runs} runs per scenario, {elapsed:.0f} s"
    if console.is_terminal:
        console.print(terminal_table(frame, title))
    else:
        # In a pipe or a file, rich would fold the table's cells at 80 columns into fragments
        # no script can read: a Markdown table, one full line a criterion, instead.
        for line in [title, "", *markdown_table(frame)]:
            console.print(line, markup=False, soft_wrap=True)
    passed = int((frame["result"] == "pass").sum())
    undecided = int((~frame["decided"].astype(bool)).sum())
    console.print(
        f"{passed} of {len(frame)} criteria pass; {undecided} verdicts undecided at {runs} runs"
        f" (the 95% interval spans the threshold). Report: {report}",
        markup=False,
        soft_wrap=True,
    )


def verdict(row: pd.Series) -> str:
    """A criterion's verdict as printed: pass or miss, and whether its interval decides it."""
    return row["result"] if row["decided"] else f"{row['result']} (undecided)"


def terminal_table(frame: pd.DataFrame, title: str) -> Table:
    """The pass/miss table for a terminal: cells fold to its width, verdicts in colour."""
    table = Table(title=title)
    for heading, _ in COLUMNS:
        table.add_column(heading, overflow="fold")
    for _, row in frame.iterrows():
        colour = "green" if row["result"] == "pass" else "red"
        cells = [str(row[column]) for _, column in COLUMNS[:-1]]
        table.add_row(*cells, f"[{colour}]{verdict(row)}[/{colour}]")
    return table


def markdown_table(frame: pd.DataFrame) -> list[str]:
    """The pass/miss table as Markdown lines, for a pipe or a file."""
    lines = [
        "| " + " | ".join(heading for heading, _ in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for _, row in frame.iterrows():
        cells = [str(row[column]) for _, column in COLUMNS[:-1]] + [verdict(row)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
