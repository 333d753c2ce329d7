"""``malisim report RESULTS_DIR``: one self-contained HTML page of a results folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console


def report_command(
    results_dir: Path,
    at: str | None,
    console: Console,
    fail_input: Callable[[list[str]], None],
    fail: Callable[[str], None],
) -> Path:
    """Draw the folder's figures (as ``malisim plot``) and write them into ``report.html``."""
    import matplotlib

    matplotlib.use("Agg")  # files only
    from sim.analysis.figures import make_figures
    from sim.analysis.report import write_report
    from sim.analysis.results import ResultsError, load_results
    from sim.cli.console import date_problems, plural
    from sim.cli.plot import known_at_date, results_at
    from sim.scenario import ScenarioError, load_scenario

    problems = date_problems(at)
    try:
        results = load_results(results_dir)
    except ResultsError as exc:
        fail_input(problems + exc.problems)
    resolved = results_dir / ("base.toml" if results.is_sweep else "scenario.toml")
    try:
        scenario = load_scenario(resolved)
    except ScenarioError as exc:
        problems += exc.problems
    if problems:
        fail_input(problems)
    outcomes, kinds, notes = None, ["dist", "heatmap", "timeseries", "map", "lenses"], []
    if at is not None:
        results = results_at(results, at, fail_input)
        outcomes, kinds, notes = known_at_date(results.runs, None, kinds)
    folder = results_dir / "figures" / (f"at_{at}" if at else "")
    try:
        figures = make_figures(results, folder, kinds=kinds, outcomes=outcomes, at=at)
        page = write_report(results, scenario, figures, at)
    except OSError as exc:
        fail(f"cannot write the report: {exc.strerror or exc} ({exc.filename or results_dir})")
    for line in notes:
        console.print(f"note: {line}", markup=False)
    size = page.stat().st_size / 1e6
    console.print(
        f"{page} ({size:.1f} MB, self-contained: {plural(len(figures), 'figure')} embedded); "
        f"figures also in {folder}/",
        markup=False,
    )
    return page
