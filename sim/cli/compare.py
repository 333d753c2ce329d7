"""``malisim compare A B [C ...]``: what-ifs side by side, against the first as the baseline.

Each source is a scenario file (run here, every file with the same seeds, so that run ``i`` of
each shares its seed and the runs pair) or a results folder. The runs of scenario files are
kept in the report folder, one results folder each, beside ``compare.md``, ``compare.csv``
and the figures (``sim.analysis.compare``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from sim.analysis.compare import Compared, main_outcomes, wide_table, write_comparison
from sim.analysis.outcomes import outcome_problem, outcome_values
from sim.analysis.results import ResultsError, load_results
from sim.cli.console import count_problems, date_problems, plural
from sim.scenario import Scenario, ScenarioError, load_scenario


def compare_command(
    sources: list[Path],
    runs: int,
    seed: int,
    workers: int,
    outcomes: list[str] | None,
    at: str | None,
    out_dir: Path | None,
    console: Console,
    fail_input: Callable[[list[str]], None],
    note: Callable[[str], None],
) -> Path:
    """Check every source and option, run the scenario files, write and print the comparison."""
    problems = count_problems(runs=runs, workers=workers, seed=seed) + date_problems(at)
    if len(sources) < 2:
        problems.append("compare: give at least two scenario files or results folders")
    loaded: list[tuple[Path, Scenario | Compared]] = []
    for source in sources:
        try:
            if source.is_dir():
                results = load_results(source)
                loaded.append((source, Compared(label_of(results), results, str(source))))
            elif source.is_file():
                loaded.append((source, load_scenario(source)))
            else:
                problems.append(f"{source}: no such scenario file or results folder")
        except (ResultsError, ScenarioError) as exc:
            problems += exc.problems
    if problems:
        fail_input(problems)
    labels = unique_labels(
        [item.name if isinstance(item, Scenario) else item.label for _, item in loaded]
    )
    folder = out_dir or Path("results") / ("compare_" + "_".join(labels))
    for name in outcomes or []:
        problems += [f"--outcome: {p}" for p in outcome_problems(name, loaded)]
    if problems:
        fail_input(problems)
    sets = []
    for (source, item), label in zip(loaded, labels, strict=True):
        if isinstance(item, Scenario):
            item = Compared(
                label,
                run_into(item, folder / label, runs, seed, workers, source, console),
                str(source),
            )
        item.label = label
        sets.append(item)
    notes = version_notes(sets)
    for line in notes:
        note(f"warning: {line}")
    if at is not None:
        from sim.analysis.at_date import outcomes_at

        try:
            for item in sets:
                item.results = outcomes_at(item.results, dt.date.fromisoformat(at))
        except ValueError as exc:
            fail_input([str(exc)])
    names = outcomes or main_outcomes(sets)
    table, written = write_comparison(sets, names, folder, notes)
    print_table(console, wide_table(table, labels=False), sets)
    console.print(
        f"{plural(len(written), 'file')} in {folder}/: {', '.join(p.name for p in written)}",
        markup=False,
    )
    return folder


def label_of(results) -> str:
    """A results folder's scenario name (its manifest's, else its runs'), else its folder name."""
    name = results.manifest.get("sweep") or results.manifest.get("scenario")
    if not name and "scenario" in results.runs.columns:
        name = str(results.runs["scenario"].iloc[0])
    return name or results.folder.name


def unique_labels(labels: list[str]) -> list[str]:
    """The labels, with ``_2``, ``_3`` added to repeats (two folders of one scenario)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label}_{seen[label]}")
    return out


def outcome_problems(name: str, loaded: list) -> list[str]:
    """Why an outcome name is unknown to any of the sources (with the closest names)."""
    for _, item in loaded:
        if isinstance(item, Scenario):
            problem = outcome_problem(name, list(item.foreign))
            if problem:
                return [problem]
        else:
            try:
                outcome_values(item.results.runs, name)
            except KeyError as exc:
                return [f"{exc.args[0]} ({item.source})"]
    return []


def run_into(
    scenario: Scenario,
    folder: Path,
    runs: int,
    seed: int,
    workers: int,
    source: Path,
    console: Console,
):
    """Run a scenario's ensemble into a results folder of its own and read it back."""
    from sim.cli.run import ensemble_with_progress, write_results
    from sim.ensemble import run_seed
    from sim.lock import hold_folder

    with hold_folder(folder):
        results, elapsed = ensemble_with_progress(scenario, runs, seed, workers, console)
        write_results(
            results,
            scenario,
            folder,
            source=str(source),
            runs=runs,
            seed=seed,
            workers=workers,
            run_seeds=[run_seed(seed, i) for i in range(runs)],
            seconds=round(elapsed, 2),
        )
    console.print(
        f"{scenario.name}: {plural(runs, 'run')} in {elapsed:.1f} s into {folder}/", markup=False
    )
    return load_results(folder)


def version_notes(sets: list[Compared]) -> list[str]:
    """One line when the sets were written by different model versions, else none."""
    versions = {s.label: s.results.manifest.get("model_version", "unknown") for s in sets}
    if len(set(versions.values())) <= 1:
        return []
    listed = ", ".join(f"{label} {version}" for label, version in versions.items())
    return [
        f"the results were written by different model versions ({listed}): a difference may "
        "come from the model, not the scenarios"
    ]


def print_table(console: Console, wide, sets: list[Compared]) -> None:
    """The comparison table on the terminal, its sets named A, B, C... to keep it narrow."""
    at = sets[0].results.runs.attrs.get("at")
    when = f" at {at}" if at else ""
    letters = {s.label: chr(ord("A") + i) for i, s in enumerate(sets)}
    console.print(
        "; ".join(f"{letters[s.label]} = {s.label}" for s in sets) + f"{when}; against A",
        markup=False,
    )
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1))
    for column in wide.columns:
        header = column
        for label, letter in sorted(letters.items(), key=lambda kv: -len(kv[0])):
            header = header.replace(label, letter)
        header = header.replace("holds in pairs", "holds")
        if column == "outcome":
            table.add_column(header, overflow="fold")
        else:
            widest = max(len(header), *(len(str(v)) for v in wide[column]))
            table.add_column(header, justify="right", no_wrap=True, min_width=widest)
    for _, row in wide.iterrows():
        table.add_row(*(str(v) for v in row))
    console.print(table)
    console.print(
        "medians (events: shares of runs); differences against A with their 95% interval "
        "(bootstrap); holds: the share of paired runs (same seed) in which the difference goes "
        "that way",
        markup=False,
    )
