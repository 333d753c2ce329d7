"""Parameters by dotted name: ``--set`` overrides, ``set`` events and the runs table's columns."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import tomllib
from typing import Any

from pydantic import ValidationError

from sim.geography import DEFAULT_SANCTUARIES, REFUGES
from sim.scenario.schema import (
    FACTIONS,
    PLAIN_SECTIONS,
    Faction,
    Scenario,
    ScenarioSettings,
)
from sim.scenario.strict import validation_problems


def set_event_problems(scenario: Scenario, dotted: str, value: Any) -> list[tuple[str, str]]:
    """Check a ``set`` event's value as if it were written in the file (type and range)."""
    data = scenario.model_dump(mode="python", exclude={"events"})
    node = data
    *path, last = dotted.split(".")
    for part in path:
        node = node[part]
    node[last] = value
    try:
        Scenario.model_validate(data)
    except ValidationError as exc:
        return validation_problems(exc)
    return []


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``a.b.c=VALUE`` and read VALUE as a TOML value (a bare word becomes a string)."""
    if "=" not in text:
        raise ValueError(f"--set {text!r}: expected NAME=VALUE")
    name, _, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not name:
        raise ValueError(f"--set {text!r}: the name is empty")
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value
    return name, parsed


def parse_overrides(
    overrides: dict[str, Any] | list[str],
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Read ``--set`` values given as ``["a.b=1", ...]`` (or already as ``{"a.b": 1}``).

    Returns:
        The overrides by dotted name, and a ``("--set", message)`` problem for each one that
        is not ``NAME=VALUE``.

    """
    if isinstance(overrides, dict):
        return dict(overrides), []
    parsed: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for item in overrides:
        try:
            key, value = parse_override(item)
        except ValueError as exc:
            problems.append(("--set", str(exc)))
        else:
            parsed[key] = value
    return parsed, problems


def known_parameters(data: dict[str, Any]) -> dict[str, Any]:
    """Every parameter a scenario has, defaults included, as a nested dict.

    Tells a misspelled ``--set`` name from a real one. When the raw scenario does not validate
    yet (an override may be what mends it), the sections' defaults are laid under what it gives.
    """
    try:
        return Scenario.model_validate(data).model_dump(mode="python")
    except ValidationError:
        pass
    known = copy.deepcopy(data)
    for section, model in PLAIN_SECTIONS.items():
        known[section] = {**model().model_dump(), **known.get(section, {})}
    defaults = Faction().model_dump()
    for fid in FACTIONS:
        known.setdefault("factions", {})[fid] = {
            **defaults,
            **known.get("factions", {}).get(fid, {}),
        }
    return known


_OPEN_MAPPINGS = ("deploy", "bands", "terrain_defence")
"""Fields whose keys are data (town ids, terrain names), so ``--set`` may add a key."""


def apply_overrides(
    data: dict[str, Any], overrides: dict[str, Any], known: dict[str, Any]
) -> list[tuple[str, str]]:
    """Write dotted-name overrides into the raw scenario dict in place.

    Args:
        data: the raw TOML dict.
        overrides: dotted name -> value.
        known: the fully resolved scenario (defaults included) as a nested dict, used to tell
            a misspelled name from a real one.

    Returns:
        Problems (field, message) for names that do not exist.

    """
    problems = []
    for name, value in overrides.items():
        parts = name.split(".")
        node: Any = known
        ok = True
        for depth, part in enumerate(parts):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif (
                isinstance(node, dict)
                and depth == len(parts) - 1
                and parts[depth - 1] in _OPEN_MAPPINGS
            ):
                node = None
            else:
                ok = False
                break
        if not ok or isinstance(node, dict | list) and not isinstance(value, dict | list):
            close = difflib.get_close_matches(name, dotted_names(known), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            problems.append(
                (name, f"unknown parameter for --set (malisim show SCENARIO lists them){hint}")
            )
            continue
        target = data
        for part in parts[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                problems.append((name, "cannot set inside a non-table value"))
                break
        else:
            target[parts[-1]] = value
    return problems


def dotted_names(known: dict[str, Any], prefix: str = "") -> list[str]:
    """Every parameter's dotted name in a nested scenario dict (events excluded)."""
    names = []
    for key, value in known.items():
        if key == "events" and not prefix:
            continue
        name = f"{prefix}.{key}" if prefix else key
        names += dotted_names(value, name) if isinstance(value, dict) else [name]
    return names


def set_value(config: Scenario, dotted: str, value: Any) -> None:
    """Set one parameter of a scenario in place by dotted name (what a ``set`` event does).

    The value keeps the type of the one it replaces; inside a table of values (a ``dict``) it
    is stored as given.
    """
    *path, last = dotted.split(".")
    node: Any = config
    for part in path:
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    if isinstance(node, dict):
        node[last] = value
    else:
        setattr(node, last, type(getattr(node, last))(value))


RECORDED_WHEN_SET: dict[str, Any] = {
    "scenario.unit_split": ScenarioSettings.model_fields["unit_split"].default,
    "scenario.sanctuaries": ",".join(DEFAULT_SANCTUARIES),
    "scenario.refuges": ",".join(REFUGES),
}
"""Options that the runs table records only when set away from their default: tables written
before the option existed stay the same, column for column. A test of the model (not of the
war, ``unit_split``), the borders that shelter the insurgents (``sanctuaries``, whose
default is what every model before it had) and their refuges inside Mali (``refuges``, all of
``sim/data/refuges.csv`` by default)."""


def flatten_parameters(scenario: Scenario, every: bool = False) -> dict[str, Any]:
    """Every scalar parameter by dotted name (events excluded), as the runs table records them.

    Dates become ISO strings and lists comma-joined strings, so each column has one type. The
    options of ``RECORDED_WHEN_SET`` are left out at their default unless ``every`` (the names a
    ``--set``, a ``set`` event or a sweep may use).
    """
    out: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else key, sub)
        elif isinstance(value, list):
            out[prefix] = ",".join(str(v) for v in value)
        elif isinstance(value, dt.date):
            out[prefix] = value.isoformat()
        else:
            out[prefix] = value

    dumped = scenario.model_dump(mode="python", exclude={"events"})
    walk("", dumped)
    if not every:
        for name, default in RECORDED_WHEN_SET.items():
            if out.get(name) == default:
                del out[name]
    return out
