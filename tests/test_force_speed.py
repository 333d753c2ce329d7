"""A foreign force's own speed and halts (model 0.23.0, issue 14 item 9).

Serval's columns dashed along the roads (Konna 17 January, Gao 26, Timbuktu 28 January 2013)
and moved on two days after taking a town, where everyone else marches 60 km a day and
consolidates two weeks. That was a switch of the whole war's `combat` parameters on two dates;
it is now a property of the force (``foreign.<id>.speed_road_km`` and
``halt_days_after_capture``), so it holds wherever and whenever the force is, and only for it.
"""

from __future__ import annotations

from small_scenario import small_dict

from sim import MaliConflictModel
from sim.agents import Unit
from sim.scenario import scenario_from_dict
from sim.war import towns
from sim.war.posture import Posture


def model_with(**wagner) -> MaliConflictModel:
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"]["wagner"].update(wagner)
    return MaliConflictModel(scenario_from_dict(data), rng=3)


def unit_at(model: MaliConflictModel, actor: str, xy: tuple[int, int]) -> Unit:
    return Unit(model, actor, "state", 200, model.grid[xy], Posture.OFFENSIVE)


def test_a_force_with_its_own_speed_marches_at_it_on_roads_and_the_others_do_not():
    model = model_with(speed_road_km=110.0)
    road = tuple(int(v) for v in next(iter(zip(*model.geo.road.nonzero(), strict=True))))
    track = tuple(int(v) for v in next(iter(zip(*(~model.geo.road).nonzero(), strict=True))))
    combat = model.config.combat
    assert unit_at(model, "wagner", road).speed_km() == 110.0
    assert unit_at(model, "state", road).speed_km() == combat.speed_road_km == 60.0
    # Off the roads the force has no advantage (its armour is road-bound).
    assert unit_at(model, "wagner", track).speed_km() == combat.speed_offroad_km
    # Unset, the force marches as everyone does.
    assert unit_at(model_with(), "wagner", road).speed_km() == combat.speed_road_km


def test_each_column_of_an_offensive_halts_for_its_own_forces_days_after_a_capture():
    model = model_with(halt_days_after_capture=2)
    town = next(t for t in model.towns if t.kind != "capital" and not model.grid[t.xy].agents)
    town.holder = "separatists"
    wagner, state = unit_at(model, "wagner", town.xy), unit_at(model, "state", town.xy)
    state.cell = model.grid[model.towns["bamako"].xy]  # in the same offensive, elsewhere
    for unit in (wagner, state):
        unit.objective = "kidal"
    towns.pass_through(model, wagner)
    assert town.holder == "state"
    assert wagner.halt_until == model.steps + 2
    assert state.halt_until == model.steps + model.config.combat.halt_days_after_capture == 14


def test_an_ordered_offensive_keeps_together_at_the_pace_of_the_force_that_leads_it():
    model = model_with(speed_road_km=110.0, halt_days_after_capture=2)
    road = tuple(int(v) for v in next(iter(zip(*model.geo.road.nonzero(), strict=True))))
    state = unit_at(model, "state", road)
    state.objective = "kidal"
    assert state.speed_km() == 60.0  # a raid of its own: its own pace
    model.campaigns.order(model, "wagner", "kidal", ["state"])
    assert state.pace_actor() == "wagner"
    assert (state.speed_km(), state.halt_days()) == (110.0, 2)
    model.campaigns.order(model, "state", "kidal", ["wagner"])  # the client leads: its pace
    wagner = unit_at(model, "wagner", road)
    wagner.objective = "kidal"
    assert (wagner.speed_km(), wagner.halt_days()) == (60.0, 14)
