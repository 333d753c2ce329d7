"""Communities: who lives where, and whom each insurgency recruits from (``sim.communities``).

A faction's ``recruits_from`` weighs its recruitable people by community (the Fulbe herders,
the Tuareg and Arab nomads of the north, the farmers). These tests check the layers against
the national figures that bound them, that a faction recruits and spreads only where its
communities live, and that a faction without ``recruits_from`` recruits from everyone alike,
as before the layer existed.
"""

from __future__ import annotations

import numpy as np
import pytest
from small_scenario import small_dict

from sim import MaliConflictModel, communities
from sim.geography import REGIONS, build_geography
from sim.scenario import ScenarioError, scenario_from_dict
from sim.war import insurgency, operations
from sim.war.posture import Posture

NOMADS_ONLY = {"herders": 0.0, "nomads": 1.0, "farmers": 0.0}


def test_the_layers_add_up_to_one_and_to_the_national_figures():
    geo = build_geography(0.25)
    layers = {c: communities.layer(geo, c) for c in communities.COMMUNITIES}
    total = sum(layers.values())
    assert np.allclose(total[geo.in_mali], 1.0)
    assert all((layer[geo.in_mali] >= 0).all() for layer in layers.values())
    people = geo.population.sum()
    nomads = float((layers["nomads"] * geo.population).sum() / people)
    # CIA World Factbook: "Tuareg/Bella" 1.7% (2018), "Tuareg and Moor" 10% (1995).
    assert 0.017 < nomads < 0.10
    kidal, sikasso = (geo.region == REGIONS.index(r) for r in ("kidal", "sikasso"))
    assert layers["nomads"][kidal].mean() > 0.9 > 0.01 > layers["nomads"][sikasso].mean()


def test_recruitable_people_are_the_people_weighted_by_their_communities():
    geo = build_geography(0.5)
    layers = {c: communities.layer(geo, c) for c in communities.COMMUNITIES}
    everyone = communities.recruitable(geo.population, layers, {})
    assert everyone is geo.population  # no recruits_from: everyone alike, as before the layer
    nomads = communities.recruitable(geo.population, layers, NOMADS_ONLY)
    assert np.allclose(nomads, geo.population * layers["nomads"])
    sikasso = geo.region == REGIONS.index("sikasso")
    assert nomads[sikasso].sum() == 0.0 < everyone[sikasso].sum()
    half = communities.recruitable(
        geo.population, layers, {"herders": 0.5, "nomads": 0.5, "farmers": 0.5}
    )
    assert np.allclose(half, 0.5 * geo.population)


def test_a_faction_recruits_only_where_its_communities_live():
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    # Separatist bands in the Tuareg north and in the farmers' south.
    data["factions"]["separatists"] = {
        "bands": {"kidal": 300, "sikasso": 300},
        "recruit_rate": 0.002,
    }
    weights = {}
    for recruits_from in ({}, NOMADS_ONLY):
        data["factions"]["separatists"]["recruits_from"] = recruits_from
        model = MaliConflictModel(scenario_from_dict(data), rng=1)
        model.recruitment.refresh_weights(model)
        weights[bool(recruits_from)] = model.recruitment.weights["separatists"][0]
    sikasso = model.geo.region == REGIONS.index("sikasso")
    kidal = model.geo.region == REGIONS.index("kidal")
    assert weights[False][sikasso].sum() > 0  # everyone alike: the south's farmers join
    assert weights[True][sikasso].sum() == 0  # the Tuareg's movement: none of them
    assert weights[True][kidal].sum() > 0.9 * weights[False][kidal].sum()


def test_a_band_sends_its_men_to_work_the_country_of_its_communities():
    # A jihadist band at Douentza on the edge of the Fulbe country and of the Gourma's nomads:
    # weighted to the nomads alone it sends its detachment north-east, to the Fulbe alone
    # west into the delta, each to the most promising country of its people.
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"]["deploy"] = {"bamako": 1000}
    data["factions"]["jihadists"].update(bands={"douentza": 600}, spread_km=300.0)
    goes = {}
    for name, recruits_from in {
        "nomads": NOMADS_ONLY,
        "herders": {"herders": 1.0, "nomads": 0.0, "farmers": 0.0},
    }.items():
        data["factions"]["jihadists"]["recruits_from"] = recruits_from
        model = MaliConflictModel(scenario_from_dict(data), rng=1)
        model.governance["jihadists"][:] = 0.0
        operations.merge_garrisons(model)  # the band deploys as three units on one cell
        insurgency.disperse(model)
        (part,) = [u for u in model.units_of("jihadists") if u.posture == Posture.SPREAD]
        goes[name] = part.destination
        people = communities.people_of(model, "jihadists")
        assert people[part.destination] > 0
    region = {name: REGIONS[model.geo.region[xy]] for name, xy in goes.items()}
    assert region["nomads"] in ("timbuktu", "gao", "menaka", "kidal"), region
    assert region["herders"] in ("mopti", "segou"), region


def test_recruits_from_names_all_three_communities_or_none():
    data = small_dict()
    data["factions"]["jihadists"]["recruits_from"] = {"herders": 1.0}
    with pytest.raises(ScenarioError, match="recruits_from"):
        scenario_from_dict(data)
