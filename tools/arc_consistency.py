"""Where the whole-arc scenario's parameters differ from each period's own scenario file.

``history_2012_2025`` switches parameter sets with dated ``set`` events; "one parameter set per
period" means that on a period file's start date, the arc (with every ``set`` event up to that
day applied) should carry that file's values. Deployments (``deploy``, ``bands``, strengths)
are the state of the war, not parameters, and are not compared.

    python tools/arc_consistency.py            # every period, every difference
    python tools/arc_consistency.py --switches # the arc's dated `set` events, by kind

The arc is meant to run on one parameter set (issue 14, item 9); ``--switches`` counts what is
left to replace by mechanisms, and tests/test_periods.py fails if the count grows.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sim.scenario import STANCE_FIELDS, Scenario, load_scenario, set_value

ROOT = Path(__file__).resolve().parent.parent
PERIODS = ("mali_2012", "serval_2013", "barkhane_2014", "centre_2022", "kidal_2023", "north_2024")
SKIP = {
    "deploy",
    "bands",
    "holds",
    "strength",
    "bases",
    "arrive",
    "depart",
    "reserve",
    "popularity_start",
    "starting_tension",
    "purse_days",
}
"""Fields that describe the war's state on a date, not a period's parameters (the regime's
popularity, the communities' tension and an insurgent side's purse are read once, when a run
starts: a period file's are its own start's)."""

ALLOWED = {
    "factions.state.reinforce_rate": (
        "the state's monthly reinforcement is reserve x rate, and a period file's reserve is what"
        " Bamako could send in that file's window; the arc's reserve is the army's whole growth"
        " (7,000 to ~40,000, IISS), so its rate is its own"
    ),
    "foreign.un.ceiling": (
        "kidal_2023 holds only the UN's last 1,000 men before their departure; the arc's UN is"
        " the whole mission, which leaves on its scheduled date"
    ),
}
"""Parameters in which the arc may differ from a period file, each with its reason."""


def parameters_on(scenario: Scenario, day: dt.date) -> Scenario:
    """A scenario's parameters on ``day``: its ``set`` and ``relations`` events up to it applied.

    A ``relations`` event changes the ``[relations]`` field of the two sides it names.
    """
    config = scenario.model_copy(deep=True)
    for event in sorted(config.events, key=lambda e: e.date):
        if event.type == "set" and event.date <= day:
            set_value(config, event.parameter, event.value)
        elif event.type == "relations" and event.date <= day:
            setattr(config.relations, STANCE_FIELDS[frozenset(event.between)], event.stance)
    return config


def check_days(scenario: Scenario) -> list[dt.date]:
    """The days a file's parameter set is defined: its start and each of its ``set`` events."""
    days = {scenario.scenario.start}
    days |= {
        e.date
        for e in scenario.events
        if e.type == "set" and scenario.scenario.start <= e.date <= scenario.scenario.end
    }
    return sorted(days)


def differences(arc: Scenario, period: Scenario) -> list[tuple[str, object, object]]:
    """(dotted name, arc's value, period's value) for every parameter that differs."""
    out = []
    sections = {
        **{f"factions.{k}": (arc.factions[k], v) for k, v in period.factions.items()},
        **{
            f"foreign.{k}": (arc.foreign[k], v)
            for k, v in period.foreign.items()
            if k in arc.foreign
        },
        "politics": (arc.politics, period.politics),
        "combat": (arc.combat, period.combat),
        "population": (arc.population, period.population),
        "insurgency": (arc.insurgency, period.insurgency),
        "communities": (arc.communities, period.communities),
        "relations": (arc.relations, period.relations),
    }
    for name, (mine, theirs) in sections.items():
        for field in type(theirs).model_fields:
            if field in SKIP:
                continue
            a, b = getattr(mine, field), getattr(theirs, field)
            if a != b and f"{name}.{field}" not in ALLOWED:
                out.append((f"{name}.{field}", a, b))
    return out


def event_key(event) -> tuple:
    """What makes two dated events the same (notes aside)."""
    return (
        event.date,
        event.type,
        event.actor,
        event.target,
        tuple(sorted(event.allies)),
        tuple(sorted(event.between)),
        event.stance,
        event.value if event.type in ("coup", "arrive") else None,
    )


def missing_events(arc: Scenario, period: Scenario) -> list[str]:
    """The period file's dated events (other than ``set``) that the arc does not have."""
    have = {event_key(e) for e in arc.events}
    out = []
    for event in period.events:
        if event.type == "set" or not (period.scenario.start <= event.date <= period.scenario.end):
            continue
        if event_key(event) not in have:
            what = f"{event.type} {event.actor or ''} {event.target or ''}".strip()
            out.append(f"{event.date} event: {what} is not in the arc")
    return out


def all_differences(root: Path = ROOT) -> list[str]:
    """Every difference, as lines: the arc against each period, and overlapping periods.

    On each day a period file defines its parameters (its start and its ``set`` events), the
    arc must carry the same values; where two period files overlap in time, they must agree on
    each such day in the overlap. Every other dated event of a period file (an offensive, a
    coup, a change of relations, an arrival or departure) must be in the arc on the same day.
    """
    load = {name: load_scenario(root / "scenarios" / f"{name}.toml") for name in PERIODS}
    arc = load_scenario(root / "scenarios" / "history_2012_2025.toml")
    pairs = [("history_2012_2025", arc, name, load[name]) for name in PERIODS]
    for i, a in enumerate(PERIODS):
        for b in PERIODS[i + 1 :]:
            pairs.append((a, load[a], b, load[b]))
    lines = []
    for name in PERIODS:
        lines += [f"{line} ({name})" for line in missing_events(arc, load[name])]
    for name_a, a, name_b, b in pairs:
        span_a = (a.scenario.start, a.scenario.end)
        for day in check_days(b) + check_days(a):
            if not (span_a[0] <= day <= span_a[1] and b.scenario.start <= day <= b.scenario.end):
                continue
            for dotted, x, y in differences(parameters_on(a, day), parameters_on(b, day)):
                lines.append(f"{day} {dotted}: {name_a} {x!r}, {name_b} {y!r}")
    return sorted(set(lines))


CAPABILITY = "a new capability (sourced: the state's drones)"
DEPLOYMENT = "a deployment (sourced: where a force is based)"
BORDERS = "a change of borders (sourced: which neighbour's border country shelters the insurgents)"

SWITCH_KINDS = (
    (CAPABILITY, ("air_support",)),
    (
        "force size (a sourced count or the size of a unit)",
        ("ceiling", "unit_size", "garrison_size"),
    ),
    ("a patron's commitment", ("commitment",)),
    (DEPLOYMENT, (".bases",)),
    (BORDERS, ("scenario.sanctuaries", "scenario.refuges")),
    ("politics (coups, popularity)", ("politics.",)),
    ("movement", ("combat.",)),
    ("doctrine (behaviour)", ("",)),
)
"""Kinds of the arc's dated switches, by the parameter's name (the first that matches)."""


def switches(root: Path = ROOT) -> dict[str, list[str]]:
    """The arc's dated ``set`` events by kind, each as ``date parameter = value``."""
    arc = load_scenario(root / "scenarios" / "history_2012_2025.toml")
    out: dict[str, list[str]] = {kind: [] for kind, _ in SWITCH_KINDS}
    for event in sorted(arc.events, key=lambda e: e.date):
        if event.type != "set":
            continue
        kind = next(k for k, keys in SWITCH_KINDS if any(key in event.parameter for key in keys))
        out[kind].append(f"{event.date} {event.parameter} = {event.value!r}")
    return out


def main() -> int:
    """Print the differences (or, with --switches, the arc's switches); exit 1 on differences."""
    if "--switches" in sys.argv[1:]:
        by_kind = switches()
        for kind, lines in by_kind.items():
            print(f"{kind}: {len(lines)}")
            print("\n".join(f"  {line}" for line in lines))
        print(f"total: {sum(len(v) for v in by_kind.values())}")
        return 0
    lines = all_differences()
    print("\n".join(lines) if lines else "no differences: one parameter set per period")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
