"""``malisim show`` and ``malisim outcomes``: what a scenario holds, and what a run measures.

``show`` prints a scenario's actors, its foreign forces (kind, commitment, risk tolerance,
arrival and departure), its dated events and every parameter by the dotted name that ``--set``,
``--by`` and sweep files take, with its value and meaning, section by section. ``outcomes``
prints the outcome catalogue (``sim.analysis.outcomes``): every name ``--outcome`` takes, with
its unit, its meaning and whether it is known at a date (``--at``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.describe import event_rows, parameter_sections


def show_command(
    path: Path,
    outcomes: bool,
    console: Console,
    fail_input: Callable[[list[str]], None],
) -> None:
    """Print a scenario (or, with ``outcomes``, its runs' outcomes); exit 2 on a bad file."""
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        fail_input(exc.problems)
        return
    if outcomes:
        print_outcomes(console, list(scenario.foreign))
        return
    settings = scenario.scenario
    console.print(
        f"[bold]{scenario.name}[/bold]: {settings.title or '(no title)'}\n"
        f"{settings.start} to {settings.end}, {settings.resolution:g}-degree cells",
        highlight=False,
    )
    foreign = ", ".join(scenario.foreign) or "none"
    console.print(f"actors: state, separatists, jihadists; foreign forces: {foreign}")
    if scenario.foreign:
        console.print(foreign_table(scenario))
    console.print(events_table(scenario))
    console.print(
        "\nparameters, by the names --set NAME=VALUE, --by and sweep files take:",
        markup=False,
    )
    for title, rows in parameter_sections(scenario):
        table = Table(title=escape(f"[{title}]"), title_justify="left", box=None, padding=(0, 1))
        table.add_column("parameter", no_wrap=True, overflow="fold")
        table.add_column("value", overflow="fold", max_width=32)
        table.add_column("meaning", overflow="fold", style="dim")
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)


def foreign_table(scenario: Scenario) -> Table:
    """The foreign forces: kind, men, commitment, risk tolerance, arrival and departure."""
    table = Table(title="foreign forces", title_justify="left")
    for name in ("id", "kind", "men", "commitment", "risk tolerance", "arrive", "depart"):
        table.add_column(name, overflow="fold")
    for fid, force in scenario.foreign.items():
        arrive = [e.date for e in scenario.events if e.type == "arrive" and e.actor == fid]
        depart = [
            e.date
            for e in scenario.events
            if e.type == "depart" and e.actor == fid and not e.target
        ]
        table.add_row(
            fid,
            force.kind,
            str(force.strength),
            f"{force.commitment:g}",
            f"{force.risk_tolerance:g}",
            str(force.arrive or (arrive[0] if arrive else "at the start")),
            str(force.depart or (depart[0] if depart else "stays")),
        )
    return table


def events_table(scenario: Scenario) -> Table:
    """The dated events in date order: date, type, actor, target and what else they set."""
    table = Table(title=f"dated events ({len(scenario.events)})", title_justify="left")
    for name in ("date", "type", "actor", "target", "detail"):
        table.add_column(name, overflow="fold")
    for row in event_rows(scenario):
        table.add_row(*row)
    return table


def print_outcomes(console: Console, foreign: list[str] | None, towns=None) -> None:
    """The outcome catalogue as a table; patterns (``deaths_foreign_<id>``) without a scenario."""
    from sim.analysis.outcomes import BINARY_OUTCOMES, FAMILIES, catalogue

    table = Table(
        title="outcomes (--outcome NAME; holder_<town>=<holder> is 1 in the runs it is true)",
        title_justify="left",
        box=None,
    )
    for name in ("name", "unit", "meaning", "at a date (--at)"):
        table.add_column(name, overflow="fold")
    table.columns[0].no_wrap = True
    if foreign is None:
        for family in FAMILIES:
            slot = "<" + family.pattern.split("<")[-1].split(">")[0] + ">"
            meaning = family.meaning.format(who=slot)
            table.add_row(family.pattern, family.unit, meaning, family.at_date or "end only")
        for outcome in BINARY_OUTCOMES.values():
            table.add_row(outcome.name, "0/1", outcome.label, "events and runs")
    else:
        for name, unit, meaning, at_date in catalogue(foreign, towns):
            table.add_row(name, unit, meaning, at_date)
    console.print(table)


def outcomes_command(
    source: Path | None, console: Console, fail_input: Callable[[list[str]], None]
) -> None:
    """``malisim outcomes [SCENARIO.toml | RESULTS_DIR]``: the catalogue, for that source."""
    if source is None:
        print_outcomes(console, None)
        return
    if source.is_dir():
        from sim.analysis.results import ResultsError, foreign_ids, load_results

        try:
            runs = load_results(source).runs
        except ResultsError as exc:
            fail_input(exc.problems)
            return
        towns = [c.removeprefix("holder_") for c in runs.columns if c.startswith("holder_")]
        print_outcomes(console, foreign_ids(runs), towns)
        return
    show_command(source, True, console, fail_input)
