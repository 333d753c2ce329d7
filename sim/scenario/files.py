"""Reading and writing scenario files: TOML, ``base =`` merging, and the cross-checks.

A scenario file is read (every way it can be unreadable is an input error), merged over the
scenario it names as its ``base``, overridden by ``--set`` values, validated against the schema
and checked against the town table; ``to_toml`` writes a resolved scenario back.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
import math
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.scenario.overrides import (
    apply_overrides,
    flatten_parameters,
    known_parameters,
    parse_overrides,
    set_event_problems,
)
from sim.scenario.schema import FACTIONS, PLAIN_SECTIONS, Event, Faction, Scenario
from sim.scenario.strict import ScenarioError, validation_problems


@functools.cache
def load_town_ids() -> frozenset[str]:
    """Ids of the towns on the map (``sim/data/towns.csv``), for cross-checks."""
    with resources.files("sim.data").joinpath("towns.csv").open(encoding="utf-8") as handle:
        return frozenset(row["id"] for row in csv.DictReader(handle))


# --- cross-checks against the map --------------------------------------------------------------


def air_problems(scenario: Scenario, fid: str, faction: Faction) -> list[tuple[str, str]]:
    """Only the state flies aircraft, and only from air bases (also when a `set` gives it some)."""
    raised = [
        (f"events.{i}.value", e.value)
        for i, e in enumerate(scenario.events)
        if e.type == "set" and e.parameter == f"factions.{fid}.air_support"
    ]
    given = [(f"factions.{fid}.air_support", faction.air_support), *raised]
    flown = [(where, v) for where, v in given if isinstance(v, int | float) and v > 0]
    if fid != "state":
        where = [w for w, _ in flown] + ([f"factions.{fid}.air_bases"] if faction.air_bases else [])
        return [(w, f"only the state has aircraft and drones, not {fid}") for w in where]
    if flown and not faction.air_bases:
        return [(flown[0][0], "air support needs air_bases: the towns it flies from")]
    return []


def cross_check(scenario: Scenario, town_ids: frozenset[str] | set[str]) -> list[tuple[str, str]]:
    """Problems a schema cannot see: towns and forces that do not exist, dates out of range."""
    problems: list[tuple[str, str]] = []
    start, end = scenario.scenario.start, scenario.scenario.end
    for fid, faction in scenario.factions.items():
        for town in faction.deploy:
            if town not in town_ids:
                problems.append((f"factions.{fid}.deploy.{town}", f"unknown town {town!r}"))
        for town in faction.bands:
            if town not in town_ids:
                problems.append((f"factions.{fid}.bands.{town}", f"unknown town {town!r}"))
        for i, town in enumerate(faction.holds):
            if town not in town_ids:
                problems.append((f"factions.{fid}.holds.{i}", f"unknown town {town!r}"))
        for i, town in enumerate(faction.air_bases):
            if town not in town_ids:
                problems.append((f"factions.{fid}.air_bases.{i}", f"unknown town {town!r}"))
        problems += air_problems(scenario, fid, faction)
    for fid, force in scenario.foreign.items():
        for i, town in enumerate(force.bases):
            if town not in town_ids:
                problems.append((f"foreign.{fid}.bases.{i}", f"unknown town {town!r}"))
        if force.arrive and not (start <= force.arrive <= end):
            problems.append((f"foreign.{fid}.arrive", f"{force.arrive} is outside {start}..{end}"))
    actors = set(scenario.actors)
    flat = flatten_parameters(scenario, every=True)
    for i, event in enumerate(scenario.events):
        where = f"events.{i}"
        if not (start <= event.date <= end):
            problems.append((f"{where}.date", f"{event.date} is outside {start}..{end}"))
        if event.actor is not None and event.actor not in actors:
            problems.append(
                (
                    f"{where}.actor",
                    f"unknown actor {event.actor!r}; expected one of {sorted(actors)}",
                )
            )
        if event.type == "reorganise":
            problems += reorganise_problems(scenario, event, where)
        if event.type in ("arrive", "depart", "reorganise") and event.actor in FACTIONS:
            problems.append(
                (f"{where}.actor", f"{event.type} needs a foreign force, not {event.actor!r}")
            )
        if event.target is not None and event.target not in town_ids:
            problems.append((f"{where}.target", f"unknown town {event.target!r}"))
        elif (
            event.type == "depart"
            and event.target is not None
            and event.actor in scenario.foreign
            and event.target not in (bases := bases_on(scenario, event.actor, event.date))
        ):
            problems.append(
                (
                    f"{where}.target",
                    f"{event.target!r} is not one of {event.actor}'s bases on {event.date}"
                    f" ({', '.join(bases)})",
                )
            )
        for ally in event.allies:
            if ally not in actors:
                problems.append(
                    (f"{where}.allies", f"unknown actor {ally!r}; expected one of {sorted(actors)}")
                )
            elif ally == event.actor:
                problems.append((f"{where}.allies", f"{ally!r} is the actor itself"))
        if event.type == "set" and event.parameter not in flat:
            problems.append((f"{where}.parameter", f"unknown parameter {event.parameter!r}"))
        elif event.type == "set":
            problems += [
                (f"{where}.value", f"for {event.parameter}: {msg}")
                for _, msg in set_event_problems(scenario, event.parameter, event.value)
            ]
    return problems


def bases_on(scenario: Scenario, fid: str, date) -> list[str]:
    """A force's bases on a date: its table's, as the ``set`` events of them up to then left them.

    A base closed by an earlier ``depart`` is still named: closing it twice is harmless.
    """
    bases = list(scenario.foreign[fid].bases)
    for event in sorted(scenario.events, key=lambda e: e.date):
        if event.date > date:
            break
        if event.type == "set" and event.parameter == f"foreign.{fid}.bases":
            bases = [str(b) for b in event.value]
    return bases


def reorganise_problems(scenario: Scenario, event: Event, where: str) -> list[tuple[str, str]]:
    """A re-organisation names another foreign force, one that does not arrive by itself."""
    new = event.value
    if new not in scenario.foreign:
        return [
            (
                f"{where}.value",
                f"unknown foreign force {new!r}; expected one of {sorted(scenario.foreign)}",
            )
        ]
    if new == event.actor:
        return [(f"{where}.value", f"{new!r} is the force itself")]
    if scenario.foreign[new].arrive is not None:
        return [
            (
                f"foreign.{new}.arrive",
                f"{new} comes by the re-organisation of "
                f"{event.actor} on {event.date}: it takes no arrive date",
            )
        ]
    return []


# --- loading ------------------------------------------------------------------------------------


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning every way it can be unreadable into a ScenarioError."""
    path = Path(path)
    if not path.exists():
        raise ScenarioError([f"{path}: no such file"])
    if path.is_dir():
        raise ScenarioError([f"{path}: is a directory, expected a .toml file"])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([f"{path}: cannot be read ({exc.strerror})"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([f"{path}: not a UTF-8 text file (binary?)"]) from None
    if "\x00" in text:
        raise ScenarioError([f"{path}: not a text file (contains NUL bytes)"])
    if not text.strip():
        raise ScenarioError([f"{path}: the file is empty"])
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{path}: TOML syntax error: {exc}"]) from None


def scenario_from_dict(
    data: dict[str, Any],
    source: str = "<scenario>",
    overrides: dict[str, Any] | list[str] | None = None,
) -> Scenario:
    """Validate a raw scenario dict (as read from TOML), applying overrides first.

    Raises:
        ScenarioError: with one ``SOURCE: field: message`` line per problem.

    """
    if not isinstance(data, dict):
        raise ScenarioError([f"{source}: expected a table of sections"])
    data = copy.deepcopy(data)
    problems: list[tuple[str, str]] = []
    if overrides:
        overrides, problems = parse_overrides(overrides)
        problems += apply_overrides(data, overrides, known_parameters(data))
    if not problems:
        try:
            scenario = Scenario.model_validate(data)
        except ValidationError as exc:
            problems += validation_problems(exc)
        else:
            problems += cross_check(scenario, load_town_ids())
    if problems:
        raise ScenarioError([f"{source}: {field}: {msg}" for field, msg in problems])
    return scenario


MAX_BASE_DEPTH = 4
"""How many ``base`` files a scenario may stack (a counterfactual of a counterfactual...)."""


def read_scenario_data(path: str | Path, _depth: int = 0) -> dict[str, Any]:
    """Read a scenario file as a raw dict, resolving ``[scenario] base`` if it names one.

    A scenario may start from another (``base = "../north_2024.toml"``, relative to the file):
    its tables are merged key by key over the base's, and its ``[[events]]`` are added to the
    base's. ``without = ["wagner"]`` takes a foreign force of the base out (``drop_force``).
    Counterfactuals stay in step with the scenario they vary.

    Raises:
        ScenarioError: if this file or a base cannot be read, or bases nest too deep.

    """
    path = Path(path)
    data = read_toml(path)
    settings = data.get("scenario")
    if not isinstance(settings, dict) or "base" not in settings:
        return data
    base = settings.pop("base")
    if not isinstance(base, str) or not base:
        raise ScenarioError([f"{path}: scenario.base: expected a path to a scenario file"])
    if _depth >= MAX_BASE_DEPTH:
        raise ScenarioError([f"{path}: scenario.base: more than {MAX_BASE_DEPTH} bases stacked"])
    base_path = (path.parent / base) if not Path(base).is_absolute() else Path(base)
    try:
        merged = read_scenario_data(base_path, _depth + 1)
    except ScenarioError as exc:
        raise ScenarioError([f"{path}: scenario.base: {line}" for line in exc.problems]) from None
    without = settings.pop("without", [])
    if not isinstance(without, list) or not all(isinstance(f, str) for f in without):
        raise ScenarioError([f"{path}: scenario.without: expected a list of foreign force ids"])
    for force in without:
        if force not in merged.get("foreign", {}):
            known = ", ".join(merged.get("foreign", {})) or "none"
            problem = f"{force!r} is not a foreign force of the base ({known})"
            raise ScenarioError([f"{path}: scenario.without: {problem}"])
        drop_force(merged, force)
    events = merged.get("events", []) + data.pop("events", [])
    _merge_into(merged, data)
    if events:
        merged["events"] = events
    return merged


def drop_force(data: dict[str, Any], force: str) -> None:
    """Remove a foreign force from a raw scenario: its table, its events, its place as an ally.

    A counterfactual without a force (``without = ["wagner"]``) is its base with everything
    that names the force taken out: its arrival and departure events, the ``set`` events on its
    parameters, its name in an offensive's allies (the offensive itself stays), and the force it
    would have been re-organised into.
    """
    data["foreign"].pop(force)
    prefix = f"foreign.{force}."
    kept = []
    successors = [
        e.get("value")
        for e in data.get("events", [])
        if e.get("type") == "reorganise" and e.get("actor") == force
    ]
    for event in data.get("events", []):
        if event.get("actor") == force or str(event.get("parameter", "")).startswith(prefix):
            continue
        if force in event.get("allies", []):
            event = {**event, "allies": [a for a in event["allies"] if a != force]}
        kept.append(event)
    data["events"] = kept
    for successor in successors:  # the force it would have become goes with it
        if successor in data["foreign"]:
            drop_force(data, successor)


def _merge_into(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Merge ``update`` into ``target`` in place: tables key by key, other values replaced."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def load_scenario(
    path: str | Path, overrides: dict[str, Any] | list[str] | None = None
) -> Scenario:
    """Read and validate a scenario file.

    Args:
        path: the TOML file.
        overrides: ``--set`` values, as ``["a.b=1", ...]`` or ``{"a.b": 1}``.

    Raises:
        ScenarioError: with one line per problem, each naming the file and the field.

    """
    return scenario_from_dict(read_scenario_data(path), source=str(path), overrides=overrides)


def to_toml(scenario: Scenario) -> str:
    """The resolved scenario as TOML text (defaults filled in), for :func:`load_scenario`."""
    data = scenario.model_dump(mode="python", exclude_none=True)
    lines: list[str] = []

    def scalar(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError("non-finite value")
            return repr(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, list):
            return "[" + ", ".join(scalar(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{ " + ", ".join(f"{_key(k)} = {scalar(v)}" for k, v in value.items()) + " }"
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    def table(header: str, values: dict[str, Any]) -> None:
        lines.append(f"[{header}]")
        for key, value in values.items():
            lines.append(f"{_key(key)} = {scalar(value)}")
        lines.append("")

    table("scenario", data["scenario"])
    for fid, faction in data["factions"].items():
        table(f"factions.{fid}", faction)
    for fid, force in data.get("foreign", {}).items():
        table(f"foreign.{fid}", force)
    for section in PLAIN_SECTIONS:
        table(section, data[section])
    for event in data.get("events", []):
        lines.append("[[events]]")
        for key, value in event.items():
            if value == [] or value == "":
                continue
            lines.append(f"{_key(key)} = {scalar(value)}")
        lines.append("")
    return "\n".join(lines)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else '"' + key + '"'
