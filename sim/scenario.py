"""Scenario files: the schema, validation at the boundary, and ``--set`` overrides.

A scenario is a TOML file with fixed sections (``[scenario]``, ``[factions.<id>]``,
``[foreign.<id>]``, ``[politics]``, ``[population]``, ``[combat]``, ``[[events]]``; see
``docs/SCENARIOS.md``). It is checked once, here, in the manner of scikit-learn: every problem
becomes one line that names the file, the field, the value and what was expected, and everything
inside the model trusts what it is given.

Numbers that carry meaning have their unit in the field's description. Defaults are the
calibrated values of ``docs/CALIBRATION.md``; each scenario file may override any of them and
says where its own numbers come from.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

FACTIONS = ("state", "separatists", "jihadists")
"""The three domestic factions, by id. Foreign forces are keyed by their own ids."""

ZONE_NAMES = ("north", "centre", "south")

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
"""A share, probability or 0-1 disposition."""


class ScenarioError(Exception):
    """A scenario or sweep file that cannot be used, with one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_true_false_for_numbers(cls, value: Any, info: Any) -> Any:
        # pydantic's lax mode reads ``true`` as 1: in a scenario that is a typo, not a number.
        annotation = cls.model_fields[info.field_name].annotation
        if annotation is bool or bool in getattr(annotation, "__args__", ()):
            return value
        if isinstance(value, bool):
            raise ValueError("expected a number, not true/false")
        if isinstance(value, dict) and any(isinstance(v, bool) for v in value.values()):
            raise ValueError("expected numbers as values, not true/false")
        return value


class ScenarioSettings(_Strict):
    """The ``[scenario]`` section: name, period and grid."""

    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_\-]{0,63}$", description="Slug; names results/<name>/"
    )
    title: str = ""
    description: str = ""
    start: dt.date
    end: dt.date
    resolution: float = Field(0.25, ge=0.1, le=2.0, description="Grid cell size, degrees")
    sanctuary_km: float = Field(
        150.0, ge=0.0, le=600.0, description="Depth of cross-border sanctuary, km"
    )
    plan_interval_days: int = Field(7, ge=1, le=90, description="Days between factions' plans")

    @model_validator(mode="after")
    def _end_after_start(self) -> ScenarioSettings:
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        if (self.end - self.start).days > 366 * 20:
            raise ValueError("a scenario may cover at most 20 years")
        return self


class Faction(_Strict):
    """A domestic faction's forces and doctrine (``[factions.<id>]``)."""

    deploy: dict[str, Annotated[int, Field(ge=0, le=200_000)]] = Field(
        default_factory=dict, description="Fighters at each town (town id -> men) at the start"
    )
    bands: dict[str, Annotated[int, Field(ge=0, le=200_000)]] = Field(
        default_factory=dict,
        description="Fighters in the countryside around a town, not holding it (town id -> men)",
    )
    holds: list[str] = Field(
        default_factory=list, description="Towns held at the start without a garrison"
    )
    reserve: int = Field(
        0, ge=0, le=500_000, description="Fighters held back, sent as reinforcements"
    )
    ceiling: int = Field(
        100_000, ge=1, le=1_000_000, description="Most fighters the faction can field"
    )
    unit_size: int = Field(200, ge=10, le=5000, description="Men in a column, band or cell")
    garrison_size: int = Field(
        100, ge=0, le=5000, description="Men it leaves to hold a town; the rest may go raiding"
    )
    morale: Unit = Field(0.6, description="Cohesion: how much loss a unit takes before it breaks")
    firepower: float = Field(
        0.02, gt=0, le=1.0, description="Lanchester kill rate, enemies per fighter-day"
    )
    raid_range_km: float = Field(
        300.0, gt=0, le=3000, description="How far its free units go, unordered, to attack, km"
    )
    offensive_range_km: float = Field(
        600.0, gt=0, le=3000, description="How far it draws units from for an ordered offensive, km"
    )
    aggression: Unit = Field(0.5, description="Propensity to attack when odds allow")
    attack_ratio: float = Field(
        1.5, gt=0, le=20, description="Least local force ratio at which it attacks"
    )
    abandon_ratio: float = Field(
        2.0, gt=0, le=50, description="Leaves a town when threat/own exceeds this"
    )
    recruit_rate: float = Field(
        0.0, ge=0, le=1.0, description="Recruits per 1,000 reachable people per day"
    )
    reinforce_rate: float = Field(
        0.0, ge=0, le=1.0, description="Share of reserve sent north per month"
    )
    abuse_propensity: Unit = Field(
        0.0, description="Chance per operation-day in a village of violence against civilians"
    )
    ambush_rate: float = Field(
        0.0, ge=0, le=1.0, description="Ambushes per day per unit of presence on a road"
    )
    ied_rate: float = Field(
        0.0, ge=0, le=1.0, description="IED strikes per day per unit of presence on a road"
    )
    zones: list[Literal["north", "centre", "south"]] = Field(
        default_factory=lambda: ["north", "centre", "south"], description="Zones it operates in"
    )
    uses_sanctuary: bool = Field(False, description="May cross borders into the sanctuary")
    holds_towns: bool = Field(
        True, description="Occupies towns it takes; if false it raids garrisons and melts back"
    )

    @field_validator("zones")
    @classmethod
    def _zones_nonempty(cls, zones: list[str]) -> list[str]:
        if not zones:
            raise ValueError("at least one zone is needed")
        return zones


class ForeignForce(_Strict):
    """A foreign force invited by the state (``[foreign.<id>]``)."""

    kind: Literal["contractor", "expeditionary", "peacekeeping"]
    arrive: dt.date | None = Field(
        None, description="Arrival date; none means present at the start"
    )
    depart: dt.date | None = Field(None, description="Scheduled departure date")
    strength: int = Field(ge=0, le=100_000, description="Men on arrival")
    ceiling: int = Field(ge=0, le=200_000, description="Most men the patron will send")
    commitment: Unit = Field(
        description="0: leaves at the first cost; 1: doubles down after losses"
    )
    risk_tolerance: Unit = Field(
        description="0: advises from the air; 1: leads assaults far from base"
    )
    air_support: Unit = Field(
        0.0, description="Air power and surveillance, multiplies effective strength"
    )
    abuse_propensity: Unit = Field(
        0.0, description="Chance per operation-day in a village of violence against civilians"
    )
    firepower: float = Field(
        0.03, gt=0, le=1.0, description="Lanchester kill rate, enemies per fighter-day"
    )
    unit_size: int = Field(250, ge=10, le=5000, description="Men in a column")
    bases: list[str] = Field(min_length=1, description="Towns where the force is based")

    @model_validator(mode="after")
    def _consistent(self) -> ForeignForce:
        if self.ceiling < self.strength:
            raise ValueError(
                f"ceiling ({self.ceiling}) must be at least strength ({self.strength})"
            )
        if self.arrive and self.depart and self.depart <= self.arrive:
            raise ValueError(f"depart ({self.depart}) must be after arrive ({self.arrive})")
        return self


class Politics(_Strict):
    """The regime's popularity and the patrons' decision rule (``[politics]``)."""

    popularity_start: Unit = Field(0.5, description="Regime popularity in Bamako at the start, 0-1")
    popularity_baseline: Unit = Field(0.5, description="Level popularity relaxes to without news")
    popularity_relaxation_days: float = Field(
        180.0, gt=0, le=10_000, description="e-folding time, days"
    )
    capture_boost: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Popularity per strategic-value point of a town the state takes",
    )
    loss_penalty: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Popularity lost per strategic-value point of a town the state loses",
    )
    defeat_penalty: float = Field(
        0.04, ge=0, le=1, description="Popularity lost to a mass-casualty defeat"
    )
    mass_casualty_threshold: int = Field(
        50,
        ge=1,
        le=10_000,
        description="A force's own deaths in one engagement that make it a mass-casualty defeat",
    )
    coup_morale: Unit = Field(
        0.5, description="Multiplier on state units' morale the day of a coup"
    )
    coup_desertion: Unit = Field(
        0.0, description="Share of the state's men in the north who desert on the day of a coup"
    )
    morale_recovery_days: float = Field(
        60.0, gt=0, le=10_000, description="e-folding time of morale back to doctrine"
    )
    decision_interval_days: int = Field(
        30, ge=1, le=365, description="Days between a patron's reviews"
    )
    loss_sensitivity: float = Field(
        8.0, ge=0, le=1000, description="Pressure per unit of share lost in the last review window"
    )
    shock_sensitivity: float = Field(
        1.0, ge=0, le=100, description="Pressure added by a mass-casualty defeat"
    )
    memory_days: int = Field(
        90, ge=7, le=3650, description="Window of recent losses a patron weighs"
    )
    reinforce_share: float = Field(
        0.25, ge=0, le=1, description="Share of ceiling sent when reinforcing"
    )
    drawdown_share: float = Field(
        0.2, ge=0, le=1, description="Share of strength sent home when drawing down"
    )


class Population(_Strict):
    """Grievance, legitimacy and recruitment on the cell layers (``[population]``)."""

    grievance_per_death: float = Field(
        0.02,
        ge=0,
        le=10,
        description="Grievance added in a cell per civilian killed by state or ally",
    )
    grievance_decay_days: float = Field(
        365.0, gt=0, le=100_000, description="e-folding time of grievance, days"
    )
    grievance_spread: float = Field(
        0.05, ge=0, le=0.25, description="Share of grievance that diffuses to neighbours a day"
    )
    legitimacy_start: Unit = Field(
        0.5, description="State legitimacy at the start (south higher, north lower)"
    )
    legitimacy_rate: float = Field(
        0.002, ge=0, le=1, description="Daily pull of legitimacy toward the controller"
    )
    collateral_rate: float = Field(
        0.002,
        ge=0,
        le=1,
        description="Civilians killed per fighter killed, per 1,000 people in the cell",
    )
    jihadist_abuse_propensity: Unit = Field(
        0.02, description="Daily chance per jihadist unit of violence against civilians"
    )
    recruitment_grievance_weight: float = Field(
        4.0, ge=0, le=100, description="How much grievance multiplies jihadist recruitment"
    )


class Combat(_Strict):
    """Engagement mechanics (``[combat]``): Lanchester attrition with fat-tailed noise."""

    loss_sigma: float = Field(
        0.9, ge=0, le=3, description="Log-normal spread of losses in a battle"
    )
    ambush_catastrophe: Unit = Field(
        0.08, description="Chance an ambush catches a column in the open"
    )
    ambush_catastrophe_share: Unit = Field(0.35, description="Mean share of a caught column lost")
    ambush_share: Unit = Field(
        0.04, description="Mean share of the column lost in an ordinary ambush"
    )
    ied_deaths_mean: float = Field(2.0, ge=0, le=100, description="Mean deaths of an IED strike")
    air_multiplier: float = Field(
        3.0, ge=1, le=20, description="Effective-strength multiplier of full air support"
    )
    terrain_defence: dict[str, Annotated[float, Field(ge=0.5, le=5)]] = Field(
        default_factory=lambda: {
            "desert": 1.0,
            "massif": 1.8,
            "sahel": 1.1,
            "delta": 1.4,
            "savanna": 1.1,
        },
        description="Defender's multiplier by terrain",
    )
    town_defence: float = Field(1.5, ge=1, le=10, description="Defender's multiplier inside a town")
    speed_road_km: float = Field(60.0, gt=0, le=500, description="Column speed on a road, km a day")
    speed_offroad_km: float = Field(30.0, gt=0, le=500, description="Speed off road, km a day")
    exposure_range_km: float = Field(
        150.0,
        gt=0,
        le=2000,
        description="Range a zero-risk force operates from base; risk 1 adds 4x",
    )
    reach_km: float = Field(
        80.0,
        gt=0,
        le=1000,
        description="Distance over which a unit's presence is felt (ambush, threat)",
    )
    halt_days_after_capture: int = Field(
        14, ge=0, le=120, description="Days a column consolidates in a town it took"
    )
    patrol_exposure_state: Unit = Field(
        0.3, description="Share of a state garrison out on patrol on a day"
    )
    air_radius_km: float = Field(
        250.0, ge=0, le=2000, description="Reach of a foreign force's air support from its units"
    )
    town_influence_km: float = Field(
        60.0,
        gt=0,
        le=1000,
        description="e-folding distance of a town holder's hold on the countryside",
    )
    town_influence_men: float = Field(
        300.0,
        ge=0,
        le=100_000,
        description="A held town's weight in control, in fighter-equivalents",
    )
    raid_interval_days: int = Field(
        14, ge=1, le=365, description="Days between a foreign force's raids on insurgents"
    )

    @field_validator("terrain_defence")
    @classmethod
    def _known_terrain(cls, table: dict[str, float]) -> dict[str, float]:
        from sim.geography import TERRAIN

        unknown = sorted(set(table) - set(TERRAIN))
        if unknown:
            raise ValueError(f"unknown terrain {unknown}; expected some of {list(TERRAIN)}")
        return table


Stance = Literal["allied", "truce", "hostile"]


class Relations(_Strict):
    """Who fights whom at the start (``[relations]``); ``relations`` events change it."""

    separatists_jihadists: Stance = Field(
        "hostile", description="Allied in early 2012 and again in 2024"
    )
    state_separatists: Stance = Field(
        "hostile", description="A truce under the 2015 Algiers accord"
    )


EventType = Literal["coup", "offensive", "relations", "arrive", "depart", "set"]


class Event(_Strict):
    """A dated event (``[[events]]``)."""

    date: dt.date
    type: EventType
    actor: str | None = Field(None, description="Faction or foreign force id")
    target: str | None = Field(
        None,
        description=(
            "Town id: an offensive's objective; for a depart event, the one base the force"
            " closes (it stays in the others)"
        ),
    )
    allies: list[str] = Field(
        default_factory=list,
        description="Actors joining an offensive: foreign forces, or an allied faction",
    )
    between: list[Literal["state", "separatists", "jihadists"]] = Field(
        default_factory=list, description="For a relations event: the two factions"
    )
    stance: Stance | None = Field(None, description="For a relations event: their new stance")
    parameter: str | None = Field(None, description="For a set event: dotted name")
    value: float | int | bool | str | list[str] | None = Field(
        None, description="For a set event: the new value (a list for a list parameter, e.g. zones)"
    )
    note: str = ""

    @model_validator(mode="after")
    def _fields_for_type(self) -> Event:
        need = {
            "offensive": ("actor", "target"),
            "coup": (),
            "relations": ("stance",),
            "arrive": ("actor",),
            "depart": ("actor",),
            "set": ("parameter", "value"),
        }[self.type]
        missing = [name for name in need if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.type} event needs {', '.join(missing)}")
        number = isinstance(self.value, int | float) and not isinstance(self.value, bool)
        if self.type == "coup" and self.value is not None and not (number and 0 <= self.value <= 1):
            raise ValueError(
                f"a coup's value is the junta's popularity, expected 0-1 (got {self.value!r})"
            )
        whole = isinstance(self.value, int) and not isinstance(self.value, bool)
        if self.type == "arrive" and self.value is not None and not (whole and self.value >= 0):
            raise ValueError(
                f"an arrive event's value is men, expected a whole number >= 0 (got {self.value!r})"
            )
        if self.type == "relations" and sorted(self.between) not in (
            ["jihadists", "separatists"],
            ["separatists", "state"],
        ):
            raise ValueError(
                "a relations event is between separatists and jihadists, or state and separatists"
            )
        return self


class Scenario(_Strict):
    """A whole scenario file, validated."""

    scenario: ScenarioSettings
    factions: dict[Literal["state", "separatists", "jihadists"], Faction]
    foreign: dict[str, ForeignForce] = Field(default_factory=dict)
    relations: Relations = Field(default_factory=Relations)
    politics: Politics = Field(default_factory=Politics)
    population: Population = Field(default_factory=Population)
    combat: Combat = Field(default_factory=Combat)
    events: list[Event] = Field(default_factory=list)

    @field_validator("foreign")
    @classmethod
    def _foreign_ids(cls, foreign: dict[str, ForeignForce]) -> dict[str, ForeignForce]:
        for key in foreign:
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", key) or key in FACTIONS:
                raise ValueError(
                    f"foreign force id {key!r} must be a lowercase slug, not a faction id"
                )
        return foreign

    @field_validator("factions")
    @classmethod
    def _all_factions(cls, factions: dict[str, Faction]) -> dict[str, Faction]:
        missing = [f for f in FACTIONS if f not in factions]
        if missing:
            raise ValueError(f"missing faction section(s): {', '.join(missing)}")
        return factions

    @property
    def name(self) -> str:
        """The scenario's name (a slug)."""
        return self.scenario.name

    @property
    def actors(self) -> list[str]:
        """Every armed actor's id: the three factions, then the foreign forces."""
        return [*FACTIONS, *self.foreign]


@functools.cache
def load_town_ids() -> frozenset[str]:
    """Ids of the towns on the map (``sim/data/towns.csv``), for cross-checks."""
    with resources.files("sim.data").joinpath("towns.csv").open(encoding="utf-8") as handle:
        return frozenset(row["id"] for row in csv.DictReader(handle))


SECTIONS = {
    "[scenario]": ScenarioSettings,
    "[factions.<state|separatists|jihadists>]": Faction,
    "[foreign.<id>]": ForeignForce,
    "[relations]": Relations,
    "[politics]": Politics,
    "[population]": Population,
    "[combat]": Combat,
    "[[events]]": Event,
}
"""Each section of a scenario file and the schema that validates it (for the reference docs)."""


# --- cross-checks against the map --------------------------------------------------------------


def _cross_check(scenario: Scenario, town_ids: set[str]) -> list[tuple[str, str]]:
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
    for fid, force in scenario.foreign.items():
        for i, town in enumerate(force.bases):
            if town not in town_ids:
                problems.append((f"foreign.{fid}.bases.{i}", f"unknown town {town!r}"))
        if force.arrive and not (start <= force.arrive <= end):
            problems.append((f"foreign.{fid}.arrive", f"{force.arrive} is outside {start}..{end}"))
    actors = set(scenario.actors)
    flat = flatten_parameters(scenario)
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
        if event.type in ("arrive", "depart") and event.actor in FACTIONS:
            problems.append(
                (f"{where}.actor", f"{event.type} needs a foreign force, not {event.actor!r}")
            )
        if event.target is not None and event.target not in town_ids:
            problems.append((f"{where}.target", f"unknown town {event.target!r}"))
        elif (
            event.type == "depart"
            and event.target is not None
            and event.actor in scenario.foreign
            and event.target not in scenario.foreign[event.actor].bases
        ):
            problems.append(
                (
                    f"{where}.target",
                    f"{event.target!r} is not one of {event.actor}'s bases"
                    f" ({', '.join(scenario.foreign[event.actor].bases)})",
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
                for _, msg in _set_event_problems(scenario, event.parameter, event.value)
            ]
    return problems


def _set_event_problems(scenario: Scenario, dotted: str, value: Any) -> list[tuple[str, str]]:
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
        return _validation_problems(exc)
    return []


# --- loading ------------------------------------------------------------------------------------


def _format_loc(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if part not in ("function-after", "function-before"))


def _validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for err in exc.errors():
        loc = tuple(
            p
            for p in err["loc"]
            if not (isinstance(p, str) and ("[" in p or p.startswith("function")))
        )
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field (misspelled? see docs/SCENARIOS.md)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif "input" in err and not isinstance(err["input"], dict | list):
            msg = f"{msg} (got {err['input']!r})"
        problems.append((_format_loc(loc) or "(top level)", msg))
    return problems


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
            problems.append(
                (
                    name,
                    "unknown parameter for --set (see the runs table's columns or "
                    "docs/SCENARIOS.md)",
                )
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
    data = _deep_copy(data)
    problems: list[tuple[str, str]] = []
    if overrides:
        if isinstance(overrides, list):
            parsed = {}
            for item in overrides:
                try:
                    key, value = parse_override(item)
                    parsed[key] = value
                except ValueError as exc:
                    problems.append(("--set", str(exc)))
            overrides = parsed
        try:
            known = Scenario.model_validate(data).model_dump(mode="python")
        except ValidationError:
            known = _loose_known(data)
        problems += apply_overrides(data, overrides, known)
    if not problems:
        try:
            scenario = Scenario.model_validate(data)
        except ValidationError as exc:
            problems += _validation_problems(exc)
        else:
            problems += _cross_check(scenario, load_town_ids())
    if problems:
        raise ScenarioError([f"{source}: {field}: {msg}" for field, msg in problems])
    return scenario


def _loose_known(data: dict[str, Any]) -> dict[str, Any]:
    """The names a scenario would have with defaults: a typo in --set versus a real name."""
    known = _deep_copy(data)
    for section, model in (
        ("relations", Relations),
        ("politics", Politics),
        ("population", Population),
        ("combat", Combat),
    ):
        known[section] = {**model().model_dump(), **known.get(section, {})}
    defaults = Faction().model_dump()
    for fid in FACTIONS:
        known.setdefault("factions", {})[fid] = {
            **defaults,
            **known.get("factions", {}).get(fid, {}),
        }
    return known


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


MAX_BASE_DEPTH = 4
"""How many ``base`` files a scenario may stack (a counterfactual of a counterfactual...)."""


def read_scenario_data(path: str | Path, _depth: int = 0) -> dict[str, Any]:
    """Read a scenario file as a raw dict, resolving ``[scenario] base`` if it names one.

    A scenario may start from another (``base = "../north_2024.toml"``, relative to the file):
    its tables are merged key by key over the base's, and its ``[[events]]`` are added to the
    base's. Counterfactuals stay in step with the scenario they vary.

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
    events = merged.get("events", []) + data.pop("events", [])
    _merge_into(merged, data)
    if events:
        merged["events"] = events
    return merged


def _merge_into(target: dict[str, Any], update: dict[str, Any]) -> None:
    """Merge ``update`` into ``target`` in place: tables key by key, other values replaced."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value)
        else:
            target[key] = _deep_copy(value)


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


# --- writing and flattening ---------------------------------------------------------------------


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


def flatten_parameters(scenario: Scenario) -> dict[str, Any]:
    """Every scalar parameter by dotted name (events excluded), as the runs table records them.

    Dates become ISO strings and lists comma-joined strings, so each column has one type.
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
    return out


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
    for section in ("relations", "politics", "population", "combat"):
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
