"""Calibration files: the schema, the checks against the base scenarios, the validated file.

A calibration file (``[calibration]``, ``[parameters]``, ``[targets]``; see
``docs/CALIBRATION.md``) names one base scenario or a list of them, the free parameters by
dotted name with their priors, and the targets: statistics of a run's tables with the record's
value, its uncertainty and its source. Everything is checked once, before anything runs, each
problem one line naming the file and the field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, ValidationError, model_validator

from sim.calibrate.priors import Prior
from sim.scenario import (
    Scenario,
    ScenarioError,
    read_scenario_data,
    read_toml,
    scenario_from_dict,
    to_toml,
)
from sim.scenario.strict import StrictModel, validation_problems

REFERENCE = "docs/CALIBRATION.md"
"""Where a calibration file's fields are listed (named when a field is unknown)."""

Measure = Literal["capture_day", "loss_day", "deaths", "events", "yearly"]
"""Named measures a target may take besides a runs column (see :mod:`sim.calibrate.statistics`)."""
MEASURES: tuple[str, ...] = get_args(Measure)


class CalibrationSettings(StrictModel):
    """The ``[calibration]`` table."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{0,47}$", description="Slug; results/<name>/")
    title: str = ""
    description: str = ""
    base: str | list[str] = Field(description="Base scenario file(s), relative to this file")
    method: Literal["abc-smc"] = "abc-smc"
    population: int = Field(ge=4, le=100_000, description="Particles per generation")
    generations: int = Field(ge=1, le=100, description="Generations at most")
    min_acceptance: float = Field(
        0.05, gt=0, lt=1, description="Stop once fewer new proposals than this are accepted"
    )
    predictive: int = Field(
        50, ge=0, le=100_000, description="Runs of the posterior predictive check"
    )
    seed: int = Field(1, ge=0, le=2**63 - 1, description="Seed of every draw and every run")


class Target(StrictModel):
    """One ``[targets]`` entry: a statistic of a run's tables and the record's value of it.

    The statistic is the runs column named by the entry's key (or ``column``), or a named
    measure (``measure``) with its arguments. The record's uncertainty is a standard deviation
    (``sd``) or a range (``range``, read as the record's 90% interval); ``observed`` defaults to
    the middle of the range.
    """

    observed: float | None = None
    sd: float | None = Field(None, gt=0, description="The record's standard deviation")
    range: tuple[float, float] | None = None
    source: str = Field(min_length=1, description="Where the record's value comes from")
    scenario: str | None = Field(None, description="The base scenario's name (several bases)")
    column: str | None = None
    measure: Measure | None = None
    town: str | None = None
    side: str = "state"
    actor: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    year: int | None = Field(None, ge=1900, le=2200)
    event_types: list[str] | None = None
    series: str | None = Field(None, description="A yearly record series (measure yearly)")

    @model_validator(mode="after")
    def _uncertainty(self) -> Target:
        if (self.sd is None) == (self.range is None):
            raise ValueError("give the record's uncertainty as sd or as range, one of them")
        if self.range is not None:
            low, high = self.range
            if not high > low:
                raise ValueError(f"range: the high end ({high}) must exceed the low ({low})")
        elif self.observed is None:
            raise ValueError("observed is required with sd")
        if self.column is not None and self.measure is not None:
            raise ValueError("a target is a column or a measure, not both")
        return self

    @property
    def value(self) -> float:
        """The record's value (the middle of the range when none is given)."""
        if self.observed is not None:
            return self.observed
        return (self.range[0] + self.range[1]) / 2

    @property
    def scale(self) -> float:
        """The record's standard deviation (a range's width over 2 x 1.645: a 90% interval)."""
        if self.sd is not None:
            return self.sd
        return (self.range[1] - self.range[0]) / 3.29

    def interval(self) -> tuple[float, float]:
        """The record's 90% interval: the range, or the value +- 1.645 sd."""
        if self.range is not None:
            return self.range
        return self.value - 1.645 * self.scale, self.value + 1.645 * self.scale


class CalibrationFile(StrictModel):
    """A whole calibration file, before priors are read."""

    calibration: CalibrationSettings
    parameters: dict[str, Any] = Field(min_length=1)
    targets: dict[str, Target] = Field(min_length=1)


@dataclass
class Base:
    """One base scenario: its file, raw tables (overrides go to a copy) and validated form."""

    path: Path
    raw: dict[str, Any]
    scenario: Scenario

    @property
    def name(self) -> str:
        """The scenario's name, as targets name it."""
        return self.scenario.name


@dataclass
class Calibration:
    """A validated calibration file.

    Attributes:
        path: the file.
        text: its text, as read.
        settings: the ``[calibration]`` table.
        priors: dotted name -> prior, in the file's order.
        targets: target name -> target, in the file's order.
        bases: scenario name -> base scenario, in the file's order.
        integer: the parameters whose values are whole numbers.
        definition_hash: sha256 of what determines the results.

    """

    path: Path
    text: str
    settings: CalibrationSettings
    priors: dict[str, Prior]
    targets: dict[str, Target]
    bases: dict[str, Base]
    integer: set[str] = field(default_factory=set)
    definition_hash: str = ""

    @property
    def name(self) -> str:
        """The calibration's name (a slug)."""
        return self.settings.name

    @property
    def names(self) -> list[str]:
        """The free parameters' dotted names."""
        return list(self.priors)

    def target_scenario(self, target: str) -> str:
        """The base scenario a target is measured on."""
        return self.targets[target].scenario or next(iter(self.bases))

    def scenario(self, base: str, values: dict[str, Any]) -> Scenario:
        """Build a base scenario with the given parameter values.

        Raises:
            ScenarioError: the values make an invalid scenario.

        """
        return scenario_from_dict(
            self.bases[base].raw, source=str(self.bases[base].path), overrides=values
        )

    def overrides(self, row: dict[str, float]) -> dict[str, Any]:
        """Parameter values as a scenario takes them (whole numbers for integer parameters)."""
        return {n: int(round(v)) if n in self.integer else float(v) for n, v in row.items()}


def load_calibration(path: str | Path, truth: dict[str, float] | None = None) -> Calibration:
    """Read and validate a calibration file and its base scenarios.

    Args:
        path: the calibration file.
        truth: parameter values of a recovery check (``--truth``), checked against the priors.

    Raises:
        ScenarioError: one ``FILE: field: message`` line per problem.

    """
    path = Path(path)
    data = read_toml(path)
    if "calibration" not in data and "scenario" in data:
        raise ScenarioError([f"{path}: calibration: a scenario file, not a calibration file"])
    problems: list[tuple[str, str]] = []
    parsed = None
    try:
        parsed = CalibrationFile.model_validate(data)
    except ValidationError as exc:
        # the priors are read below all the same, so every problem is listed at once
        problems += [
            (w, m)
            for w, m in validation_problems(exc, REFERENCE)
            if not w.startswith("parameters.")
        ]
    raw_parameters = data.get("parameters")
    priors = _read_priors(raw_parameters if isinstance(raw_parameters, dict) else {}, problems)
    if parsed is None:
        raise ScenarioError([f"{path}: {where}: {msg}" for where, msg in problems])
    bases = _read_bases(path, parsed.calibration.base, problems)
    if bases:
        problems += _check_parameters(priors, bases)
        problems += _check_targets(parsed.targets, bases)
    if truth is not None and not problems:
        problems += _check_truth(truth, priors)
    if problems:
        raise ScenarioError([f"{path}: {where}: {msg}" for where, msg in problems])
    first = next(iter(bases.values())).scenario
    scalars = first.model_dump(mode="python")
    calibration = Calibration(
        path=path,
        text=path.read_text(encoding="utf-8"),
        settings=parsed.calibration,
        priors=priors,
        targets=dict(parsed.targets),
        bases=bases,
        integer={n for n in priors if _is_whole(_lookup(scalars, n))},
    )
    calibration.definition_hash = definition_hash(calibration, truth)
    return calibration


def _read_priors(raw: dict[str, Any], problems: list[tuple[str, str]]) -> dict[str, Prior]:
    priors: dict[str, Prior] = {}
    for name, spec in raw.items():
        where = f'parameters."{name}"'
        if not isinstance(spec, dict):
            problems.append((where, f"expected {{ min, max }} or {{ mean, sd }}, got {spec!r}"))
            continue
        try:
            priors[name] = Prior.model_validate(spec)
        except ValidationError as exc:
            for field_, msg in validation_problems(exc, REFERENCE):
                sub = "" if field_ == "(top level)" else f".{field_}"
                problems.append((f"{where}{sub}", msg))
    return priors


def _read_bases(
    path: Path, base: str | list[str], problems: list[tuple[str, str]]
) -> dict[str, Base]:
    files = [base] if isinstance(base, str) else list(base)
    if not files:
        problems.append(("calibration.base", "list at least one scenario file"))
    bases: dict[str, Base] = {}
    for i, name in enumerate(files):
        where = "calibration.base" if isinstance(base, str) else f"calibration.base.{i}"
        file = Path(name) if Path(name).is_absolute() else path.parent / name
        try:
            raw = read_scenario_data(file)
            scenario = scenario_from_dict(raw, source=str(file))
        except ScenarioError as exc:
            problems.append((where, f"the base scenario is not usable: {exc.problems[0]}"))
            continue
        if scenario.name in bases:
            problems.append((where, f"scenario {scenario.name!r} is listed twice"))
            continue
        bases[scenario.name] = Base(file, raw, scenario)
    return bases


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return KeyError
        node = node[part]
    return node


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_parameters(priors: dict[str, Prior], bases: dict[str, Base]) -> list[tuple[str, str]]:
    """Each parameter exists and is a number in every base; the prior's ends are valid values."""
    problems: list[tuple[str, str]] = []
    for name, prior in priors.items():
        where = f'parameters."{name}"'
        for base in bases.values():
            value = _lookup(base.scenario.model_dump(mode="python"), name)
            if value is KeyError:
                problems.append((where, f"unknown parameter of the base scenario {base.path}"))
                break
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append((where, f"a prior needs a numeric parameter; this is {value!r}"))
                break
            for end in prior.ends():
                whole = int(round(end)) if _is_whole(value) else end
                try:
                    scenario_from_dict(base.raw, overrides={name: whole})
                except ScenarioError as exc:
                    message = exc.problems[0].split(": ", 2)[-1]
                    problems.append((where, f"the prior reaches {end:g}, which {message}"))
                    break
    return problems


def _check_targets(targets: dict[str, Target], bases: dict[str, Base]) -> list[tuple[str, str]]:
    """Each target names a base scenario (when there are several) and a statistic of its runs."""
    from sim.calibrate.statistics import statistic_problems

    problems: list[tuple[str, str]] = []
    for key, target in targets.items():
        where = f"targets.{key}"
        if target.scenario is None and len(bases) > 1:
            problems.append((f"{where}.scenario", f"several bases: name one of {', '.join(bases)}"))
            continue
        if target.scenario is not None and target.scenario not in bases:
            problems.append(
                (f"{where}.scenario", f"unknown scenario; the bases are {', '.join(bases)}")
            )
            continue
        base = bases[target.scenario or next(iter(bases))]
        problems += [(f"{where}{f}", m) for f, m in statistic_problems(key, target, base.scenario)]
    return problems


def _check_truth(truth: dict[str, float], priors: dict[str, Prior]) -> list[tuple[str, str]]:
    problems = [
        ("--truth", f"{n!r} is not a parameter of this file") for n in truth if n not in priors
    ]
    missing = [n for n in priors if n not in truth]
    if missing:
        problems.append(("--truth", f"give a value for every parameter; missing {missing}"))
    for name, value in truth.items():
        if name in priors and priors[name].pdf(value) <= 0:
            problems.append(("--truth", f"{name}={value:g} is outside its prior"))
    return problems


def parse_truth(text: str) -> tuple[dict[str, float], list[str]]:
    """Read ``--truth "name=value,name=value"``; return the values and the problems."""
    values: dict[str, float] = {}
    problems: list[str] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.partition("=")
        try:
            values[name.strip()] = float(value)
        except ValueError:
            problems.append(f"--truth: expected name=number, got {item!r}")
            continue
        if not sep or not name.strip():
            problems.append(f"--truth: expected name=number, got {item!r}")
    if not values and not problems:
        problems.append("--truth: give name=value pairs, separated by commas")
    return values, problems


def definition_hash(calibration: Calibration, truth: dict[str, float] | None) -> str:
    """sha256 of everything that determines a calibration's results.

    The settings (title and description aside), the priors, the targets, the resolved base
    scenarios and the recovery check's truth. Comments, layout and file paths do not count.
    """
    payload = {
        "calibration": calibration.settings.model_dump(
            mode="json", exclude={"title", "description", "base"}
        ),
        "parameters": {k: v.model_dump(mode="json") for k, v in calibration.priors.items()},
        "targets": {k: v.model_dump(mode="json") for k, v in calibration.targets.items()},
        "bases": {k: to_toml(b.scenario) for k, b in calibration.bases.items()},
        "truth": truth,
    }
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
