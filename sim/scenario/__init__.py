"""Scenario files: the schema, ``--set`` overrides and dotted names, reading and writing.

``schema`` holds the pydantic models, one a section; ``strict`` the base that scenario and sweep
files share, and its errors as one line each; ``overrides`` the parameters by dotted name
(``--set``, ``set`` events, the runs table's columns); ``files`` reading TOML, ``base =``
merging, the cross-checks against the town table, and writing a resolved scenario back. The
names below are what the rest of the code imports, as ``from sim.scenario import ...``.
"""

from sim.scenario.files import (
    load_scenario,
    load_town_ids,
    read_scenario_data,
    read_toml,
    scenario_from_dict,
    to_toml,
)
from sim.scenario.overrides import apply_overrides, flatten_parameters, parse_override, set_value
from sim.scenario.schema import (
    COMMUNITIES,
    FACTIONS,
    SECTIONS,
    STANCE_FIELDS,
    Combat,
    Communities,
    Event,
    Faction,
    ForeignForce,
    Insurgency,
    Politics,
    Population,
    Relations,
    Scenario,
    ScenarioSettings,
)
from sim.scenario.strict import ScenarioError, StrictModel

__all__ = [
    "COMMUNITIES",
    "FACTIONS",
    "SECTIONS",
    "STANCE_FIELDS",
    "Combat",
    "Communities",
    "Event",
    "Faction",
    "ForeignForce",
    "Insurgency",
    "Politics",
    "Population",
    "Relations",
    "Scenario",
    "ScenarioError",
    "ScenarioSettings",
    "StrictModel",
    "apply_overrides",
    "flatten_parameters",
    "load_scenario",
    "load_town_ids",
    "parse_override",
    "read_scenario_data",
    "read_toml",
    "scenario_from_dict",
    "set_value",
    "to_toml",
]
