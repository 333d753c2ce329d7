"""Whom units meet on the way, where they fall back and what they raid, the same at any grid.

Issue 14, item 7 (model 0.62.0). Three rules that made the war depend on where the grid's
cells fall rather than on where the men were:

* a column on the offensive met whoever was anywhere in every cell it crossed: at 0.5 degree
  the army's columns bound from Gao for Kidal fought the jihadists' bands of Bourem and Gourma
  Rharous in every run, which on the finer grid sat off their road (``battles.passing``);
* a band beaten near the Adrar des Ifoghas fell back to the refuge's nearest cell, which at
  0.5 degree is Aguelhok's, garrisoned by the army (``Unit.retreat``);
* a raid's planner weighed a target's distance in the grid's cells, so that at 0.5 degree a
  far target counted for more against a near one (``operations.PREFERENCE_KM``).

Each test fails on the code before 0.62.0.
"""

from __future__ import annotations

import pytest
from small_scenario import small_dict

from sim import MaliConflictModel
from sim.scenario import scenario_from_dict
from sim.war import battles, operations
from sim.war.posture import Posture


def _model(resolution: float, seed: int = 1, **deploy: int) -> MaliConflictModel:
    """The state in Mopti and Bamako (and ``deploy``), one jihadist band at Boni; no one else."""
    data = small_dict()
    data["scenario"]["resolution"] = resolution
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"].update(deploy={"mopti": 600, "bamako": 1000, **deploy})
    data["factions"]["separatists"].update(deploy={}, bands={})
    data["factions"]["jihadists"].update(bands={"boni": 400}, uses_sanctuary=True)
    return MaliConflictModel(scenario_from_dict(data), rng=seed)


def _column(model: MaliConflictModel, actor: str, start: tuple[int, int], men: int = 200):
    """A unit of ``actor``'s of ``men`` men at ``start``, sent on Douentza."""
    source = max(model.units_of(actor), key=lambda u: u.strength)
    column = source.split(men) if source.strength > men else source
    column.cell = model.grid[start]
    operations.send(column, model.towns["douentza"])
    return column


def _column_by_a_band(resolution: float, standing: bool = False):
    """A state column on its way to Douentza, in an open cell with a jihadist band in it."""
    model = _model(resolution, seed=3)
    band = next(iter(model.units_of("jihadists")))
    column = _column(model, "state", band.xy)
    column.standing = standing
    assert band.xy not in model.towns.at
    return model, column, band


def test_on_a_coarse_grid_a_marching_column_meets_a_band_in_its_cell_by_the_share_swept():
    model, column, band = _column_by_a_band(0.5)
    here = list(model.grid[band.xy].agents)
    tries = 400
    met = sum(column in battles.passing(model, band.xy, here) for _ in range(tries))
    chance = model.config.combat.contact_km * column.speed_km() / model.cell_km**2
    assert 0.15 < chance < 0.6
    assert met / tries == pytest.approx(chance, abs=0.08)


def test_on_the_fine_grid_and_when_camped_a_column_meets_the_band_in_its_cell():
    model, column, band = _column_by_a_band(0.25)
    here = list(model.grid[band.xy].agents)
    assert all(column in battles.passing(model, band.xy, here) for _ in range(50))
    model, column, band = _column_by_a_band(0.5, standing=True)  # camped short of its objective
    here = list(model.grid[band.xy].agents)
    assert all(column in battles.passing(model, band.xy, here) for _ in range(50))


def test_a_beaten_band_does_not_fall_back_into_a_garrisoned_refuge_cell():
    # At 0.5 degree the nearest cell of the Adrar des Ifoghas to a band south of Aguelhok is
    # Aguelhok's own; with the army in Aguelhok the band falls back elsewhere.
    model = _model(0.5, aguelhok=300)
    aguelhok = model.towns["aguelhok"].xy
    assert aguelhok in {tuple(c) for c in model.refuge_xy}
    band = next(iter(model.units_of("jihadists")))
    band.cell = model.grid[(aguelhok[0], aguelhok[1] - 1)]
    band.retreat()
    assert band.posture == Posture.RETREAT
    assert band.destination != aguelhok
    assert band.destination in {tuple(c) for c in model.refuge_xy}  # another of its cells
    # Nor into the town the enemy holds once its garrison has gone (one may come back)...
    for unit in [u for u in model.grid[aguelhok].agents if u.side == "state"]:
        unit.remove()
    band.retreat()
    assert band.destination != aguelhok
    # ...but into its own side's town, empty, it does.
    model.towns["aguelhok"].holder = "jihadists"
    band.retreat()
    assert band.destination == aguelhok


@pytest.mark.parametrize("resolution", [0.25, 0.5])
def test_a_raids_planner_weighs_near_against_far_in_km_at_any_grid(resolution, monkeypatch):
    # From Gao, Ansongo (value 1, 68 km) against Menaka (value 3, 259 km), both
    # weakly held: the nearer is worth more per km at any grid. Until model 0.62.0 distance was
    # counted in the grid's own cells, and at 0.5 degree, where a cell is twice as many km, the
    # army went for Menaka.
    data = small_dict()
    data["scenario"]["resolution"] = resolution
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"].update(deploy={"gao": 3000, "bamako": 1000}, aggression=1.0)
    data["factions"]["separatists"].update(deploy={"ansongo": 50, "menaka": 50}, bands={})
    data["factions"]["jihadists"].update(bands={})
    model = MaliConflictModel(scenario_from_dict(data), rng=1)
    chosen = []
    monkeypatch.setattr(operations, "send", lambda unit, town, detach=False: chosen.append(town.id))
    operations.plan_raids(model, "state")
    assert chosen and set(chosen) == {"ansongo"}
