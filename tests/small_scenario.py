"""A small, valid scenario (coarse grid, a few weeks) shared by the reliability tests.

Broken inputs in ``test_bad_input.py`` are this scenario with one thing wrong, so each case
shows exactly one mistake; the property tests draw variations of it.
"""

from __future__ import annotations

import copy
from typing import Any

SMALL_TOML = """\
[scenario]
name = "small"
start = 2023-10-01
end = 2023-10-31
resolution = 2.0

[factions.state]
deploy = { gao = 1500, bamako = 1000, timbuktu = 400, mopti = 600 }
reserve = 500
reinforce_rate = 0.2
aggression = 0.7

[factions.separatists]
deploy = { kidal = 800 }
bands = { aguelhok = 200 }
ambush_rate = 0.05
ied_rate = 0.05
recruit_rate = 0.002

[factions.jihadists]
bands = { boni = 300, lere = 300, tessit = 300 }
holds_towns = false
ambush_rate = 0.05
ied_rate = 0.05
recruit_rate = 0.001

[foreign.wagner]
kind = "contractor"
strength = 800
ceiling = 1500
commitment = 0.6
risk_tolerance = 0.8
abuse_propensity = 0.05
bases = ["gao", "sevare"]

[[events]]
date = 2023-10-02
type = "offensive"
actor = "state"
target = "kidal"
allies = ["wagner"]
"""


def small_dict() -> dict[str, Any]:
    """The small scenario as a raw dict (a fresh copy each call)."""
    import tomllib

    return copy.deepcopy(tomllib.loads(SMALL_TOML))


def one_band_dict(town: str, **scenario_settings) -> dict[str, Any]:
    """The small scenario at 0.5 degree with one jihadist band of 200 at ``town`` and no one else
    but the state: no separatists, no foreign force, no dated events; ``[scenario]`` updated.

    What the sanctuary's, the borders' and the refuges' tests move by hand.
    """
    data = small_dict()
    data["scenario"].update(resolution=0.5, **scenario_settings)
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["separatists"].update(deploy={}, bands={})
    data["factions"]["jihadists"].update(bands={town: 200}, unit_size=200, uses_sanctuary=True)
    return data


def quiet_model(**insurgency_settings):
    """The small scenario at 0.5 degree with no dated events, ``[insurgency]`` set, seed 1.

    What the insurgency's and the officials' tests step by hand, one process at a time.
    """
    from sim import MaliConflictModel
    from sim.scenario import scenario_from_dict

    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["insurgency"] = insurgency_settings
    data["events"] = []
    return MaliConflictModel(scenario_from_dict(data), rng=1)
