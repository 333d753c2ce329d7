"""A foreign force's raids stop at the border (model 0.30.0).

State-side units may not leave Mali (docs/ODD.md, Movement), and the sanctuary beyond the
Algerian, Mauritanian and Nigerien borders is where insurgents are out of their reach. Until
model 0.30.0 ``operations.foreign_raid`` nonetheless chose its target among every hostile unit
within a force's operating range, wherever it stood: in the arc of 2013-2014 a third of the
jihadists France killed stood across the border.
"""

from __future__ import annotations

import numpy as np
from small_scenario import small_dict

from sim import MaliConflictModel
from sim.geography import cells_apart_each
from sim.scenario import scenario_from_dict
from sim.war import operations
from sim.war.posture import Posture


def band_beside_gao(in_mali: bool) -> tuple[MaliConflictModel, object]:
    """Wagner at Gao, and one jihadist band in plain sight at the nearest cell in or out of Mali."""
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["factions"]["separatists"] = {"deploy": {"kidal": 200}}
    data["factions"]["jihadists"].update(bands={"boni": 100})
    data["foreign"]["wagner"].update(bases=["gao"], strength=1500, risk_tolerance=0.9)
    model = MaliConflictModel(scenario_from_dict(data), rng=3)
    gao = model.towns["gao"].xy
    cells = np.argwhere(model.in_mali if in_mali else model.geo.sanctuary)
    cells = cells[cells_apart_each(cells, gao) > 0]
    xy = tuple(int(v) for v in cells[np.argmin(cells_apart_each(cells, gao))])
    band = model.units_of("jihadists")[0]
    band.cell = model.grid[xy]
    band.posture = Posture.GARRISON  # in plain sight: no draw to find it
    return model, band


def raids_on(model: MaliConflictModel, band) -> int:
    """Battles Wagner's raids fight against the band over a month of raiding days."""
    fought = 0
    for day in range(30):
        model.steps = day  # a raiding day every day: the caller sets plan to raid interval
        before = band.strength
        operations.foreign_raid(model, "wagner")
        fought += band.strength < before or not band.alive
        if not band.alive:
            break
    return fought


def test_a_band_across_the_border_is_not_raided_the_same_band_in_mali_is():
    inside, band_in = band_beside_gao(in_mali=True)
    outside, band_out = band_beside_gao(in_mali=False)
    apart = cells_apart_each(np.array([band_in.xy, band_out.xy]), inside.towns["gao"].xy)
    assert apart.max() <= operations.patrons.operating_range_cells(inside, "wagner")  # in range
    for model in (inside, outside):
        model.config.scenario.plan_interval_days = model.config.combat.raid_interval_days
    assert raids_on(inside, band_in) > 0
    assert raids_on(outside, band_out) == 0
    assert band_out.alive and band_out.strength == 100
