"""``malisim plot``: the figures of a results folder, written as files and listed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def plot_command(
    results_dir: Path,
    kind: str,
    by: str | None,
    outcome: list[str] | None,
    out_dir: Path | None,
    console,
    fail_input: Callable[[list[str]], None],
    fail: Callable[[str], None],
) -> list[Path]:
    """Check the options against the folder, draw the figures, list the files written."""
    import matplotlib

    matplotlib.use("Agg")  # files only: never open a window, even where a display exists
    from sim.analysis.figures import KINDS, make_figures
    from sim.analysis.outcomes import outcome_values
    from sim.analysis.results import ResultsError, load_results

    problems: list[str] = []
    kinds = list(KINDS) if kind == "all" else [k.strip() for k in kind.split(",")]
    for k in kinds:
        if k not in KINDS:
            problems.append(f"--kind: unknown kind {k!r}; expected one of {', '.join(KINDS)}, all")
    try:
        results = load_results(results_dir)
    except ResultsError as exc:
        fail_input(problems + exc.problems)
    if by is not None and by not in results.runs.columns:
        problems.append(f"--by: {by!r} is not a parameter column of {results_dir}/runs.parquet")
    for name in outcome or []:
        try:
            outcome_values(results.runs, name)
        except KeyError as exc:
            problems.append(f"--outcome: {exc.args[0]}")
    if problems:
        fail_input(problems)
    folder = out_dir if out_dir is not None else results_dir / "figures"
    try:
        written = make_figures(results, folder, kinds=kinds, by=by, outcomes=outcome)
    except OSError as exc:
        fail(f"cannot write figures: {exc.strerror or exc} ({exc.filename or folder})")
    if "heatmap" in kinds and len(results.swept) < 2:
        console.print("note: no heatmap: a heatmap needs a sweep over two parameters")
    console.print(f"{len(written)} figures in {folder}/:")
    for path in written:
        console.print(f"  {path}")
    return written
