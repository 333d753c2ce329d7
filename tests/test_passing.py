"""Units on their way elsewhere meet the enemy in a cell as often at any cell size (model 0.58.0).

Issue 14, item 7. Until model 0.58.0 every unit in a cell with hostile men fought them: a band
falling back from a town, or walking to new country, that crossed a 0.5-degree cell held
somewhere by the enemy met them there, where on the 0.25-degree grid it would have crossed one
or two of the four finer cells, most often not the enemy's. In ``kidal_2023`` at 0.5 degree the
separatists' dead were 1.45 times those at 0.25 (300 runs an arm, model 0.57.0), most of the
excess set battles at Anefis with units passing through. ``sim.war.battles.passing``: such a
unit meets the enemy in its cell with chance ``combat.contact_km`` x its day's march / the
cell's area, up to one. The 0.5-degree tests fail on the code before 0.58.0.
"""

from __future__ import annotations

import pytest
from small_scenario import small_dict

from sim import MaliConflictModel
from sim.scenario import scenario_from_dict
from sim.war import battles
from sim.war.posture import Posture


def _model(resolution: float, seed: int = 1) -> MaliConflictModel:
    """A state garrison in Douentza (off the main road) and jihadist bands near it; nothing else."""
    data = small_dict()
    data["scenario"]["resolution"] = resolution
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"].update(deploy={"douentza": 400, "bamako": 1000})
    data["factions"]["separatists"].update(deploy={}, bands={})
    data["factions"]["jihadists"].update(bands={"boni": 400})
    return MaliConflictModel(scenario_from_dict(data), rng=seed)


def _passer(model: MaliConflictModel, posture: Posture, men: int = 200):
    """A jihadist band of ``men`` in Douentza's cell, on its way to Boni's."""
    band = next(iter(model.units_of("jihadists")))
    part = band.split(men)
    part.cell = model.grid[model.towns["douentza"].xy]
    part.posture, part.destination = posture, model.towns["boni"].xy
    return part


def _met_share(resolution: float, posture: Posture, tries: int = 400) -> tuple[float, float]:
    """How often a band on its way meets the garrison it shares a cell with, and the chance."""
    model = _model(resolution)
    unit = _passer(model, posture)
    here = [u for u in model.grid[unit.xy].agents]
    met = sum(unit in battles.passing(model, unit.xy, here) for _ in range(tries))
    chance = model.config.combat.contact_km * unit.speed_km() / model.cell_km**2
    return met / tries, chance


@pytest.mark.parametrize("posture", [Posture.RETREAT, Posture.SPREAD])
def test_on_the_fine_grid_a_unit_on_its_way_meets_whoever_is_in_its_cell(posture):
    share, chance = _met_share(0.25, posture)
    assert chance >= 1.0
    assert share == 1.0


@pytest.mark.parametrize("posture", [Posture.RETREAT, Posture.SPREAD])
def test_on_a_coarse_grid_it_meets_them_with_the_share_of_the_cell_it_sweeps(posture):
    share, chance = _met_share(0.5, posture)
    assert 0.15 < chance < 0.6  # 28 km x 30 or 60 km a day over some 2,900 km2
    assert share == pytest.approx(chance, abs=0.08)


def test_a_garrison_a_column_going_there_and_a_halted_unit_always_meet_the_enemy():
    model = _model(0.5)
    douentza = model.towns["douentza"].xy
    going_there = _passer(model, Posture.SPREAD)
    going_there.destination = douentza
    halted = _passer(model, Posture.RETREAT)
    halted.halt_until = model.steps + 5
    column = _passer(model, Posture.OFFENSIVE)
    here = list(model.grid[douentza].agents)
    for _ in range(50):
        kept = battles.passing(model, douentza, here)
        assert {going_there, halted, column} <= set(kept)
        assert all(u in kept for u in here if u.posture == Posture.GARRISON)


def test_the_same_men_in_more_units_meet_the_enemy_together():
    # One body (an actor, a posture, a destination) draws once: split into four units, its men
    # meet the enemy all together or not at all, as often as in one unit.
    model = _model(0.5, seed=7)
    parts = [_passer(model, Posture.SPREAD, men=50) for _ in range(4)]
    here = list(model.grid[parts[0].xy].agents)
    together = 0
    for _ in range(300):
        kept = set(battles.passing(model, parts[0].xy, here))
        met = [p in kept for p in parts]
        assert all(met) or not any(met)
        together += all(met)
    chance = model.config.combat.contact_km * parts[0].speed_km() / model.cell_km**2
    assert together / 300 == pytest.approx(chance, abs=0.08)
