"""Ranges in km between places: the same war at any cell size (model 0.57.0).

Issue 14, item 7. Until model 0.57.0 a raid's, an offensive's, a partner's and an assault's
range was a number of cells (``cells_apart`` against ``range_km / cell_km``), and each town
stood at its cell's centre: at 0.5 degree Kidal and Tin Essako, 115 km apart, were two cells
(111 km) and within a 112-km range, at 0.25 degree five cells (139 km) and beyond a 118-km
one; from Abeibara's cell Tinzaouatene's, 128 km off, was one 0.5-degree cell. At 0.5 degree
the army of ``kidal_2023`` raided on from Kidal to Tin Essako and Tinzaouatene, and the
separatists' dead were twice as many as at 0.25
(``benchmarks/results/resolution_equivalence_model_0.55.0.md``). The raid tests fail on the
code before 0.57.0.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree
from small_scenario import small_dict

from sim import MaliConflictModel
from sim.geography import cells_apart, km_apart
from sim.scenario import scenario_from_dict
from sim.war import operations
from sim.war.towns import ON_THE_WAY

KIDAL_TIN_ESSAKO_KM = 114.8
"""The larger of the east and north gaps between the two towns (1.079 degrees of longitude at
Mali's mean latitude; the same latitude), from ``sim/data/towns.csv``."""


def _raid_model(resolution: float, raid_range_km: float, seed: int = 1) -> MaliConflictModel:
    """The state strong in Kidal, a handful of separatists holding Tin Essako, nothing else."""
    data = small_dict()
    data["scenario"]["resolution"] = resolution
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"].update(
        deploy={"kidal": 3000, "bamako": 1000},
        aggression=1.0,
        attack_ratio=0.5,
        raid_range_km=raid_range_km,
    )
    data["factions"]["separatists"].update(deploy={"tin_essako": 50}, bands={})
    data["factions"]["jihadists"]["bands"] = {}
    data["politics"] = {"beaten_caution": 0.0}
    return MaliConflictModel(scenario_from_dict(data), rng=seed)


@pytest.mark.parametrize("resolution", [0.25, 0.5])
def test_two_towns_are_as_many_km_apart_at_any_resolution(resolution):
    model = _raid_model(resolution, 120.0)
    kidal, tin_essako = model.towns["kidal"].xy, model.towns["tin_essako"].xy
    km = km_apart(model.place_km, kidal, tin_essako)
    assert km == pytest.approx(KIDAL_TIN_ESSAKO_KM, abs=0.5)
    # What the grid alone says differs with the cells: 139 km at 0.25 degree, 111 km at 0.5.
    on_cells = cells_apart(kidal, tin_essako) * model.cell_km
    assert abs(on_cells - KIDAL_TIN_ESSAKO_KM) > 3


@pytest.mark.parametrize("resolution", [0.25, 0.5])
@pytest.mark.parametrize("raid_range_km", [112.0, 118.0])
def test_a_raid_reaches_a_town_within_its_range_in_km_at_any_resolution(resolution, raid_range_km):
    model = _raid_model(resolution, raid_range_km)
    assert model.towns["tin_essako"].holder == "separatists"
    operations.plan_raids(model, "state")
    sent = [u for u in model.units_of("state") if u.objective == "tin_essako"]
    assert bool(sent) == (raid_range_km >= KIDAL_TIN_ESSAKO_KM)


@pytest.mark.parametrize("resolution", [0.25, 0.5])
def test_the_support_a_town_has_is_the_km_to_the_nearest_garrison_at_any_resolution(resolution):
    # Model 0.58.0: the distance to the nearest garrison of the state's side (``support_km``,
    # what makes a column or a camp remote) is counted between places, as the ranges are; it
    # was counted between the cells' centres: from Tin Essako to the garrison of Kidal, 115
    # km apart, 135 km at 0.25 degree and 108 km at 0.5.
    model = _raid_model(resolution, 120.0)
    model.presence.refresh()
    kidal, tin_essako = model.towns["kidal"], model.towns["tin_essako"]
    east, north = model.place_km[tin_essako.xy] - model.place_km[kidal.xy]
    straight = float(np.hypot(east, north))
    assert straight == pytest.approx(KIDAL_TIN_ESSAKO_KM, abs=1.0)  # the same latitude
    assert model.presence.support_km[tin_essako.xy] == pytest.approx(straight, abs=0.01)
    assert model.presence.support_km[kidal.xy] == 0.0


# The layers kept to save time (no result changed) give the very numbers they replaced.


def test_the_km_to_the_nearest_garrison_is_the_k_d_tree_s_to_the_last_bit():
    # ``Presence.support_from`` takes the least of each garrison's kept layer
    # (``presence.straight_km_from``); until it did, a k-d tree of the garrisons was queried for
    # each new set of them. Bit for bit the same, so that no run changed.
    model = _raid_model(0.25, 120.0)
    places = model.place_km
    rng = np.random.default_rng(7)
    for _ in range(20):
        n = int(rng.integers(1, 30))
        cells = tuple(
            sorted({(int(x), int(y)) for x, y in rng.integers(0, places.shape[:2], size=(n, 2))})
        )
        xy = np.array(cells)
        tree = cKDTree(places[xy[:, 0], xy[:, 1]])
        expected = tree.query(places.reshape(-1, 2))[0].reshape(places.shape[:2])
        assert np.array_equal(model.presence.support_from(cells)[1], expected)


@pytest.mark.parametrize("resolution", [0.25, 0.5])
def test_a_town_s_km_layer_and_its_towns_on_the_way_are_what_they_replaced(resolution):
    # ``Towns.km_from`` is ``km_apart`` cell by cell; ``Towns.on_the_way`` lists the towns a
    # column bound for an objective would wait in, nearest first, as ``staging`` once found
    # them town by town.
    model = _raid_model(resolution, 120.0)
    places, towns = model.place_km, model.towns
    kidal = towns["kidal"]
    layer = towns.km_from(kidal, places)
    width, height = layer.shape
    for x in range(0, width, 3):
        for y in range(0, height, 3):
            assert layer[x, y] == km_apart(places, (x, y), kidal.xy)
    reach_km = model.config.combat.reach_km
    for xy in [(x, y) for x in range(0, width, 4) for y in range(0, height, 4)]:
        here = places[xy]
        straight = float(np.hypot(*(places[kidal.xy] - here)))
        ways = []
        for town in towns.near(kidal, reach_km, places):
            to_town = float(np.hypot(*(places[town.xy] - here)))
            onward = float(np.hypot(*(places[kidal.xy] - places[town.xy])))
            if to_town + onward <= ON_THE_WAY * straight:
                ways.append((to_town, town))
        expected = [town for _, town in sorted(ways, key=lambda way: way[0])]
        assert towns.on_the_way(kidal, xy, places, reach_km) == expected
