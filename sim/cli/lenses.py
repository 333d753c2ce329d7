"""``malisim lenses``: a results folder's runs scored again by a lens file, and who prefers what.

The scores go to ``RESULTS_DIR/lenses_<file name>.parquet`` (one row a run) beside two CSV
files: each design's median and 95% interval by lens (``..._summary.csv``) and, with several
designs, the pairs of designs two lenses rank in opposite orders (``..._disagreements.csv``).
The runs table itself is never written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from sim.scenario import ScenarioError

SHOWN_PAIRS = 10
"""Opposed pairs printed (the CSV file holds them all)."""


def lenses_command(
    results_dir: Path,
    weights: Path | None,
    out_file: Path | None,
    console: Console,
    fail_input: Callable[[list[str]], None],
) -> Path:
    """Check the inputs, score every run, write the tables, print the summary; the table's path."""
    from sim.analysis.lenses import design_keys, design_summary, opposed_pairs, rescore
    from sim.analysis.results import ResultsError, load_runs
    from sim.io import atomic_write_parquet, atomic_write_text
    from sim.lenses import DEFAULT_LENS_FILE, load_lens_file

    weights = weights if weights is not None else DEFAULT_LENS_FILE
    problems: list[str] = []
    lenses = None
    try:
        lenses = load_lens_file(weights)
    except ScenarioError as exc:
        problems += exc.problems
    try:
        runs, swept = load_runs(results_dir)
    except ResultsError as exc:
        problems += exc.problems
    out = out_file if out_file is not None else results_dir / f"lenses_{weights.stem}.parquet"
    problems += out_problems(out, results_dir)
    if problems:
        fail_input(problems)
    try:
        scored = rescore(runs, lenses, swept)
    except KeyError as exc:
        fail_input(
            [
                f"{results_dir / 'runs.parquet'}: {exc.args[0]}, which {weights}'s terms read "
                "(results of a model before 0.6.0? run them again, or weigh those terms 0)"
            ]
        )
    keys = design_keys(scored, swept)
    summary = design_summary(scored, keys)
    pairs = opposed_pairs(summary)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_parquet(scored, out)
    summary_file = out.with_name(f"{out.stem}_summary.csv")
    atomic_write_text(summary_file, summary.to_csv(index=False))
    written = [out, summary_file]
    if summary["design"].nunique() > 1:
        pairs_file = out.with_name(f"{out.stem}_disagreements.csv")
        atomic_write_text(pairs_file, pairs.to_csv(index=False))
        written.append(pairs_file)
    print_summary(console, summary, pairs, weights, keys, len(scored))
    console.print("Written: " + ", ".join(str(p) for p in written), markup=False)
    return out


def out_problems(out: Path, results_dir: Path) -> list[str]:
    """Why ``--out`` may not be written: it would replace one of the folder's own tables."""
    from sim.tables import TABLES

    tables = {(results_dir / f"{name}.parquet").resolve() for name in TABLES}
    target = out.resolve()
    if target in tables or any(parent in tables for parent in target.parents):
        return [f"--out: {out} is one of the folder's result tables; choose another file"]
    if out.is_dir() or out.suffix != ".parquet":
        return [f"--out: {out}: expected a .parquet file name"]
    return []


def print_summary(
    console: Console, summary, pairs, weights: Path, keys: list[str], runs: int
) -> None:
    """Each design's lens medians, the design each lens prefers, and the opposed pairs.

    The table names a design by its values under a header of the swept parameters' names, so
    that it fits a terminal; the lines below name each design in full.
    """
    from sim.analysis.lenses import describe_pair, preferred_designs
    from sim.analysis.outcomes import LENS_NAMES

    lenses = list(dict.fromkeys(summary["lens"]))
    main = [lens for lens in lenses if not lens.startswith("lens_patron_foreign_")]
    title = f"{runs} runs scored with {weights}: median (95% interval) by design"
    console.print(design_table(summary, keys, main, title))
    if len(lenses) > len(main):  # several foreign forces: each judged by its own patron
        title = "each foreign force judged by its own patron: median (95% interval)"
        console.print(design_table(summary, keys, lenses[len(main) :], title))
    if summary["design"].nunique() < 2:
        return
    console.print("Each judge's preferred design (highest median):", markup=False)
    for r in preferred_designs(summary).itertuples():
        console.print(
            f"  {lens_name(r.lens, LENS_NAMES)}: {r.design}, {r.median:.2f} "
            f"({r.low:.2f}-{r.high:.2f})",
            markup=False,
        )
    if pairs.empty:
        console.print(
            "No pair of designs is ranked in opposite orders by two lenses with 95% intervals "
            "that do not overlap.",
            markup=False,
        )
        return
    console.print(
        f"{len(pairs)} pairs of designs ranked in opposite orders by two lenses, 95% intervals "
        f"not overlapping (clearest {min(len(pairs), SHOWN_PAIRS)}):",
        markup=False,
    )
    for _, row in pairs.head(SHOWN_PAIRS).iterrows():
        console.print(f"  {describe_pair(row)}", markup=False)


def design_table(summary, keys: list[str], lenses: list[str], title: str):
    """A rich table: one row a design (its values), one column a lens (median and interval)."""
    from rich.table import Table

    from sim.analysis.outcomes import LENS_NAMES

    table = Table(title=title, caption=f"design: {', '.join(keys)}")
    table.add_column(", ".join(k.rsplit(".", 1)[-1] for k in keys), min_width=10)
    table.add_column("runs", justify="right", min_width=4)
    for lens in lenses:
        table.add_column(lens_name(lens, LENS_NAMES), justify="right", no_wrap=True)
    for _, rows in summary.groupby("design", sort=False):
        cells = {r.lens: f"{r.median:.2f} ({r.low:.2f}-{r.high:.2f})" for r in rows.itertuples()}
        first = rows.iloc[0]
        design = ", ".join(
            f"{first[k]:.3g}" if isinstance(first[k], float) else str(first[k]) for k in keys
        )
        table.add_row(design, str(rows["runs"].max()), *(cells.get(lens, "") for lens in lenses))
    return table


def lens_name(column: str, names: dict[str, str]) -> str:
    """A lens column in words: ``Western``, ``patron of wagner``."""
    if column.startswith("lens_patron_foreign_"):
        return f"patron of {column.removeprefix('lens_patron_foreign_')}"
    return names.get(column, column)
