"""``malisim discover``: the parameter boxes in which an event happens, printed in words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sim.analysis.discovery import METHODS, discovery_report
from sim.analysis.results import ResultsError, load_results


def discover_command(
    results_dir: Path,
    outcome: str,
    method: str,
    depth: int,
    console,
    fail_input: Callable[[list[str]], None],
) -> list[str]:
    """Check the options, find the boxes (CART or PRIM) and print the base rate and each box."""
    problems = []
    if method not in METHODS:
        problems.append(f"--method: expected one of {', '.join(METHODS)}, got {method!r}")
    if depth < 1:
        problems.append(f"--depth: expected a whole number >= 1, got {depth}")
    try:
        results = load_results(results_dir)
    except ResultsError as exc:
        fail_input(problems + exc.problems)
    if not results.swept:
        problems.append(f"{results_dir}: no parameter varies between runs: run a sweep first")
    if problems:
        fail_input(problems)
    try:
        _, lines = discovery_report(
            results.runs, outcome, results.swept, method=method, depth=depth
        )
    except (KeyError, ValueError) as exc:
        fail_input([f"--outcome: {exc.args[0]}"])
    for line in lines:
        console.print(line, markup=False, soft_wrap=True)
    return lines
