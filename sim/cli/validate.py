"""``malisim validate``: check the input, run the validation, print the table, write the report."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sim.validate.engine import HISTORICAL, run_validation
from sim.validate.report import write_report

# --- the command ---------------------------------------------------------------------------------


def validate_command(
    runs: int,
    out_dir: Path,
    seed: int,
    workers: int,
    only: list[str] | None,
    console,
    fail_input: Callable[[list[str]], None],
    fail: Callable[[str], None],
) -> None:
    """``malisim validate``: check the input, run, print the pass/miss table, write the report."""
    import sys

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table

    from sim.cli.console import count_problems
    from sim.scenario import ScenarioError

    problems = count_problems(runs=runs, workers=workers, seed=seed)
    for name in only or []:
        if name not in HISTORICAL:
            problems.append(
                f"--scenario: unknown historical scenario {name!r}; expected one of "
                f"{', '.join(HISTORICAL)}"
            )
    if problems:
        fail_input(problems)
    names = [n for n in HISTORICAL if not only or n in only]
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

            validation = run_validation(runs, seed, workers, names, progress=tick)
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
    table = Table(title=f"Validation: {runs} runs per scenario, {elapsed:.0f} s")
    for column in ("id", "scenario", "criterion", "ensemble gave", "95% interval", "result"):
        table.add_column(column, overflow="fold")
    for _, row in frame.iterrows():
        mark = "[green]pass[/green]" if row["result"] == "pass" else "[red]miss[/red]"
        if not row["decided"]:
            mark += " (undecided)"
        table.add_row(
            row["id"],
            row["scenario"],
            row["criterion"],
            row["ensemble_gave"],
            row["interval_95"],
            mark,
        )
    console.print(table)
    passed = int((frame["result"] == "pass").sum())
    undecided = int((~frame["decided"].astype(bool)).sum())
    console.print(
        f"{passed} of {len(frame)} criteria pass; {undecided} verdicts undecided at {runs} runs"
        f" (the 95% interval spans the threshold). Report: {report}",
        markup=False,
    )
