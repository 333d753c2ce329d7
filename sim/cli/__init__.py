"""The ``malisim`` command line (README.md and docs/ list every command).

Exit status: 0 done; 2 bad input (one line per problem naming the file and the field, no
traceback, nothing written); 1 anything else.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sim.scenario import ScenarioError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="malisim: an agent-based simulation of the war in Mali.",
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False)


def show_version(value: bool) -> None:
    """Print the model's version (the one results folders record) and exit."""
    if value:
        from sim import __version__

        out.print(f"malisim {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=show_version, is_eager=True, help="Print the model's version"
        ),
    ] = False,
) -> None:
    """malisim: an agent-based simulation of the war in Mali."""


def fail_input(problems: list[str]) -> None:
    """Print input problems, one a line, and exit with status 2."""
    for line in problems:
        err.print(f"error: {line}", markup=False)
    raise typer.Exit(2)


def note(message: str) -> None:
    """Print a message about the command's progress on standard error (not its results)."""
    err.print(message, markup=False)


def fail(message: str) -> None:
    """Print an operational error and exit with status 1."""
    err.print(f"error: {message}", markup=False)
    raise typer.Exit(1)


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file")],
    runs: Annotated[int, typer.Option("--runs", help="Replicates (seeded runs)")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="Ensemble seed")] = 1,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes")] = 1,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter: NAME=VALUE (repeatable)"),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default results/<name>/)")
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="If another process writes into the folder, wait")
    ] = False,
    events: Annotated[
        str, typer.Option("--events", help="Events table: all, monthly (aggregated) or none")
    ] = "all",
    force: Annotated[
        bool, typer.Option("--force", help="Replace another scenario's or model's results")
    ] = False,
    posterior: Annotated[
        Path | None,
        typer.Option("--posterior", help="Draw each run's parameters from a calibration's folder"),
    ] = None,
) -> None:
    """Run an ensemble of a scenario and write runs, events and timeseries tables."""
    from sim.cli.console import count_problems, events_problems
    from sim.cli.run import folder_problem, posterior_problems, run_command
    from sim.lock import FolderBusy

    problems = count_problems(runs=runs, workers=workers, seed=seed) + events_problems(events)
    try:
        from sim.scenario import load_scenario

        loaded = load_scenario(scenario, set_ or [])
    except ScenarioError as exc:
        problems += exc.problems
    draws = None
    if posterior is not None and not problems:
        draws, more = posterior_problems(posterior, scenario, set_ or [])
        problems += more
    if problems:
        fail_input(problems)
    folder = out_dir if out_dir is not None else Path("results") / loaded.name
    taken = None if force else folder_problem(folder, loaded)
    if taken:
        fail_input([taken])
    try:
        run_command(
            loaded,
            scenario,
            runs=runs,
            seed=seed,
            workers=workers,
            out_dir=out_dir,
            console=out,
            argv=sys.argv,
            wait=wait,
            note=note,
            events=events,
            posterior=draws,
        )
    except FolderBusy as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write results: {exc.strerror or exc} ({exc.filename or out_dir})")


@app.command()
def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep TOML file")],
    workers: Annotated[int, typer.Option("--workers", help="Local worker processes")] = 1,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler, tcp://HOST:PORT")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default results/<sweep name>/)")
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="If another process writes into the folder, wait")
    ] = False,
    replicates: Annotated[
        int | None,
        typer.Option(
            "--replicates",
            help="Replicates per point instead of the file's; more than a finished sweep's "
            "extends it, running only the new runs",
        ),
    ] = None,
    events: Annotated[
        str, typer.Option("--events", help="Events table: all, monthly (aggregated) or none")
    ] = "all",
) -> None:
    """Run every design point x replicate of a sweep; re-running resumes where it stopped."""
    from sim.cli.sweep import sweep_command

    sweep_command(
        sweep_file,
        workers,
        scheduler,
        out_dir,
        out,
        fail_input,
        fail,
        wait,
        note,
        replicates,
        events,
    )


@app.command()
def calibrate(
    calibration_file: Annotated[Path, typer.Argument(help="Calibration TOML file")],
    workers: Annotated[int, typer.Option("--workers", help="Local worker processes")] = 1,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler, tcp://HOST:PORT")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default results/<name>/)")
    ] = None,
    truth: Annotated[
        str | None,
        typer.Option("--truth", help='Recovery check: "name=value,..." replaces the record'),
    ] = None,
) -> None:
    """Calibrate parameters against the record (ABC-SMC); re-running resumes where it stopped."""
    from sim.cli.calibrate import calibrate_command

    calibrate_command(
        calibration_file, workers, scheduler, out_dir, truth, out, fail_input, fail, note
    )


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Scenario, sweep, calibration or lens files")],
) -> None:
    """Validate scenario (or sweep, calibration or lens) files without running them."""
    from sim.scenario import load_scenario, read_toml

    problems: list[str] = []
    for path in files:
        try:
            data = read_toml(path)
            if "sweep" in data:
                from sim.sweep import load_sweep

                load_sweep(path)
            elif "calibration" in data:
                from sim.calibrate import load_calibration

                load_calibration(path)
            elif "lenses" in data or {"western", "bamako", "patron"} & set(data):
                from sim.lenses import load_lens_file

                load_lens_file(path)
            else:
                load_scenario(path)
            out.print(f"ok: {path}")
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        fail_input(problems)


@app.command()
def plot(
    results_dir: Annotated[Path, typer.Argument(help="A results folder (malisim run or sweep)")],
    kind: Annotated[
        str, typer.Option("--kind", help="dist, heatmap, timeseries, map, lenses or all")
    ] = "all",
    by: Annotated[
        str | None, typer.Option("--by", help="Group by this parameter (default: first swept)")
    ] = None,
    outcome: Annotated[
        list[str] | None,
        typer.Option("--outcome", help="Outcome: a runs column or a named event (repeatable)"),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Figure folder (default RESULTS_DIR/figures/)")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Outcomes at this date, YYYY-MM-DD (default: the end)"),
    ] = None,
) -> None:
    """Draw figures of outcome distributions, maps, time series and lenses from a results folder."""
    from sim.cli.plot import plot_command

    plot_command(results_dir, kind, by, outcome, out_dir, out, fail_input, fail, at)


@app.command()
def validate(
    runs: Annotated[
        int, typer.Option("--runs", help="Replicates per scenario (20 for a quick look)")
    ] = 100,  # as documented (docs/CALIBRATION.md): a share's 95% interval ~18 points wide
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder")] = Path(
        "results/validation"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Ensemble seed")] = 1,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes")] = 1,
    only: Annotated[
        list[str] | None,
        typer.Option("--scenario", help="Validate only this historical scenario (repeatable)"),
    ] = None,
    criteria: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Evaluate only this criterion, e.g. C10a (repeatable); runs only "
            "the scenarios the chosen criteria test",
        ),
    ] = None,
) -> None:
    """Run the historical scenarios as ensembles and test them against the documented record."""
    from sim.cli.validate import validate_command

    validate_command(runs, out_dir, seed, workers, only, criteria, out, fail_input, fail)


@app.command()
def score(
    results_dir: Annotated[Path, typer.Argument(help="An ensemble's results folder")],
    record: Annotated[
        Path | None,
        typer.Option("--record", help="Yearly record CSV (default sim/data/yearly_record.csv)"),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default RESULTS_DIR/score/)")
    ] = None,
) -> None:
    """Score an ensemble's hindcasts of the record's held-out years (CRPS, skill vs baselines)."""
    from sim.cli.score import score_command

    score_command(results_dir, record, out_dir, out, fail_input)


@app.command()
def lenses(
    results_dir: Annotated[Path, typer.Argument(help="A results folder (malisim run or sweep)")],
    weights: Annotated[
        Path | None,
        typer.Option("--weights", help="Lens file (default lenses/default.toml, the model's)"),
    ] = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Scores table (default RESULTS_DIR/lenses_<weights name>.parquet)"
        ),
    ] = None,
) -> None:
    """Score every run of a results folder again with a lens file; who prefers which design."""
    from sim.cli.lenses import lenses_command

    try:
        lenses_command(results_dir, weights, out_file, out, fail_input)
    except OSError as exc:
        fail(f"cannot write the scores: {exc.strerror or exc} ({exc.filename or out_file})")


@app.command()
def sensitivity(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep TOML file: parameters and ranges")],
    method: Annotated[str, typer.Option("--method", help="sobol or morris")] = "sobol",
    outcome: Annotated[
        list[str] | None,
        typer.Option("--outcome", help="Outcome: a runs column or a named event (repeatable)"),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Sobol': base sample N, rounded up to a power of two, N x (parameters + 2) "
            "points; Morris: N trajectories, N x (parameters + 1) points; each point runs the "
            "file's replicates. Default: the sweep file's samples, else 8",
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes")] = 1,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Results folder (default results/<sweep name>_<method>_n<samples>/)"
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask before a large analysis on a terminal")
    ] = False,
) -> None:
    """Sobol' or Morris indices (SALib) of outcomes over a sweep's parameter ranges (resumable)."""
    from sim.analysis.sensitivity import METHODS
    from sim.cli.sensitivity import run_sensitivity_command

    problems: list[str] = []
    if method not in METHODS:
        problems.append(f"--method: expected one of {', '.join(METHODS)}, got {method!r}")
    if samples is not None and samples < 2:
        problems.append(f"--samples: expected a whole number >= 2, got {samples}")
    if workers < 1:
        problems.append(f"--workers: expected a whole number >= 1, got {workers}")
    if problems:
        fail_input(problems)
    run_sensitivity_command(
        sweep_file, method, outcome, samples, workers, out_dir, out, fail_input, fail, yes
    )


@app.command()
def discover(
    results_dir: Annotated[Path, typer.Argument(help="A sweep's (or run's) results folder")],
    outcome: Annotated[
        str, typer.Option("--outcome", help="A 0/1 outcome: a named event or a bool column")
    ] = "patron_withdraws",
    method: Annotated[str, typer.Option("--method", help="cart (a tree) or prim")] = "cart",
    depth: Annotated[int, typer.Option("--depth", help="Tree depth (rules of up to N terms)")] = 2,
) -> None:
    """Scenario discovery: the parameter regions in which an outcome happens, in words."""
    from sim.cli.discover import discover_command

    discover_command(results_dir, outcome, method, depth, out, fail_input)


@app.command()
def compare(
    sources: Annotated[
        list[Path],
        typer.Argument(help="Scenario files or results folders; the first is the baseline"),
    ],
    runs: Annotated[int, typer.Option("--runs", help="Replicates of each scenario file")] = 40,
    seed: Annotated[int, typer.Option("--seed", help="Ensemble seed (the same for each)")] = 1,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes")] = 1,
    outcome: Annotated[
        list[str] | None,
        typer.Option("--outcome", help="Outcome to compare (repeatable; default: the main ones)"),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Outcomes at this date, YYYY-MM-DD (default: the end)"),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Report folder (default results/compare_<a>_<b>/)"),
    ] = None,
) -> None:
    """Compare what-ifs side by side: medians, differences with 95% intervals, figures."""
    import matplotlib

    matplotlib.use("Agg")  # figures go to files
    from sim.cli.compare import compare_command
    from sim.lock import FolderBusy

    try:
        compare_command(sources, runs, seed, workers, outcome, at, out_dir, out, fail_input, note)
    except FolderBusy as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write the comparison: {exc.strerror or exc} ({exc.filename or out_dir})")


@app.command()
def report(
    results_dir: Annotated[Path, typer.Argument(help="A results folder (malisim run or sweep)")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="Outcomes at this date, YYYY-MM-DD (default: the end)"),
    ] = None,
) -> None:
    """One self-contained HTML page of a results folder: summary, figures, events, parameters."""
    from sim.cli.report import report_command

    report_command(results_dir, at, out, fail_input, fail)


@app.command()
def show(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file")],
    outcomes: Annotated[
        bool, typer.Option("--outcomes", help="List the outcomes of its runs instead")
    ] = False,
) -> None:
    """What a scenario holds: actors, foreign forces, dated events, every parameter by name."""
    from sim.cli.show import show_command

    show_command(scenario, outcomes, out, fail_input)


@app.command()
def outcomes(
    source: Annotated[
        Path | None, typer.Argument(help="A scenario file or results folder (default: patterns)")
    ] = None,
) -> None:
    """Every outcome name --outcome takes, with its unit and meaning."""
    from sim.cli.show import outcomes_command

    outcomes_command(source, out, fail_input)


@app.command()
def viz(
    scenario: Annotated[
        Path | None, typer.Argument(help="Scenario TOML file (default kidal_2023)")
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port to listen on")] = 8765,
    host: Annotated[
        str,
        typer.Option("--host", help="Interface to listen on; other than 127.0.0.1 only if asked"),
    ] = "127.0.0.1",
) -> None:
    """Start the web app (Mesa's Solara visualisation) on http://127.0.0.1:PORT/."""
    import os

    from sim.cli.console import port_problem
    from sim.scenario import load_scenario

    root = Path(__file__).resolve().parents[2]
    path = scenario if scenario is not None else root / "scenarios" / "kidal_2023.toml"
    problems = []
    if not 0 <= port <= 65535:
        problems.append(f"--port: expected a port number 0-65535, got {port}")
    else:
        problems += port_problem(host, port)
    try:
        load_scenario(path)
    except ScenarioError as exc:
        problems += exc.problems
    if problems:
        fail_input(problems)
    # The app reads its scenario from the environment: solara imports sim.app by name.
    env = {**os.environ, "MALISIM_SCENARIO": str(path.resolve())}
    command = [sys.executable, "-m", "solara", "run", "sim.app.page", "--production", "--no-open"]
    command += ["--host", host, "--port", str(port)]
    err.print(f"malisim app: http://{host}:{port}/ (Ctrl-C stops it)", markup=False)
    sys.stderr.flush()
    # The server takes this process's place (same pid): a signal to `malisim viz` reaches the
    # server itself, and nothing is left behind when it stops.
    os.execve(sys.executable, command, env)


def main() -> None:  # pragma: no cover - console entry point
    """Entry point for ``python -m sim``."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
