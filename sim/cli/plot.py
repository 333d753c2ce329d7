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
    at: str | None = None,
) -> list[Path]:
    """Check the options against the folder, draw the figures, list the files written.

    With ``at`` (a date), the figures show the outcomes at that date (``sim.analysis.at_date``)
    and go to ``RESULTS_DIR/figures/at_<date>/``.
    """
    import matplotlib

    matplotlib.use("Agg")  # files only: never open a window, even where a display exists
    from sim.analysis.figures import KINDS, make_figures
    from sim.analysis.outcomes import outcome_values
    from sim.analysis.results import ResultsError, load_results
    from sim.cli.console import date_problems, plural

    problems: list[str] = date_problems(at)
    kinds = list(KINDS) if kind == "all" else [k.strip() for k in kind.split(",")]
    for k in kinds:
        if k not in KINDS:
            problems.append(f"--kind: unknown kind {k!r}; expected one of {', '.join(KINDS)}, all")
    try:
        results = load_results(results_dir)
    except ResultsError as exc:
        fail_input(problems + exc.problems)
    if at is not None and not problems:
        results = results_at(results, at, fail_input)
    by, by_problems = resolve_by(results.runs, by, results_dir)
    problems += by_problems
    for name in outcome or []:
        try:
            outcome_values(results.runs, name)
        except KeyError as exc:
            problems.append(f"--outcome: {exc.args[0]}")
    if problems:
        fail_input(problems)
    notes = []
    if at is not None:
        outcome, kinds, notes = known_at_date(results.runs, outcome, kinds)
    folder = out_dir if out_dir is not None else results_dir / "figures"
    if at is not None and out_dir is None:
        folder = folder / f"at_{at}"
    try:
        written = make_figures(results, folder, kinds=kinds, by=by, outcomes=outcome, at=at)
    except OSError as exc:
        fail(f"cannot write figures: {exc.strerror or exc} ({exc.filename or folder})")
    if "heatmap" in kinds and len(results.swept) < 2:
        notes.append("no heatmap: a heatmap needs a sweep over two parameters")
    for line in notes:
        console.print(f"note: {line}", markup=False)
    console.print(f"{plural(len(written), 'figure')} in {folder}/:", markup=False)
    for path in written:
        console.print(f"  {path}", markup=False)
    return written


def results_at(results, at: str, fail_input: Callable[[list[str]], None]):
    """The results cut at a date (``--at``), or exit 2 when the date is outside the runs."""
    import datetime as dt

    from sim.analysis.at_date import outcomes_at

    try:
        return outcomes_at(results, dt.date.fromisoformat(at))
    except ValueError as exc:
        fail_input([str(exc)])
        raise  # unreachable: fail_input exits


def resolve_by(runs, by: str | None, folder: Path) -> tuple[str | None, list[str]]:
    """The runs column ``--by`` names (aliases included), and the problem if there is none."""
    from sim.analysis.outcomes import resolve_column, suggest
    from sim.analysis.results import parameter_columns

    if by is None:
        return None, []
    column = resolve_column(runs, by)
    if column is not None:
        return column, []
    hint = suggest(by, parameter_columns(runs))
    return by, [f"--by: {by!r} is not a parameter column of {folder}/runs.parquet{hint}"]


def known_at_date(runs, outcomes: list[str] | None, kinds: list[str]):
    """The default outcomes and kinds a runs table at a date can draw, and notes on the rest."""
    from sim.analysis.outcomes import DEFAULT_OUTCOMES, outcome_values

    notes = []
    if outcomes is None:
        outcomes = []
        for name in (*DEFAULT_OUTCOMES, "patron_withdraws", "state_holds_kidal"):
            try:
                outcome_values(runs, name)
            except KeyError:
                notes.append(f"no {name} at {runs.attrs['at']}: known only at the end of a run")
            else:
                outcomes.append(name)
    if "lenses" in kinds and "lens_bamako" not in runs.columns:
        kinds = [k for k in kinds if k != "lenses"]
        notes.append(f"no lenses figure at {runs.attrs['at']}: lens scores exist only at the end")
    return outcomes, kinds, notes
