"""The sanctuary beyond the border: bands rest there and come back (model 0.38.0).

Insurgent bands that fall back across the border (``Unit.retreat``) rest in the sanctuary; once
their cohesion is back to ``insurgency.rested_morale`` of their doctrine's they walk back into
Mali, whole, to the most promising country of their people within ``sanctuary_km`` plus
``combat.reach_km`` (``sim.war.insurgency.come_back``). Until model 0.38.0 only a raid brought a
band back, and some 900-1,500 of the arc's jihadists sat beyond the border from 2013 on.
"""

from __future__ import annotations

import numpy as np
from small_scenario import one_band_dict

from sim import MaliConflictModel
from sim.geography import cells_apart
from sim.scenario import scenario_from_dict
from sim.war import insurgency
from sim.war.posture import Posture


def resting_band(morale_share: float) -> tuple[MaliConflictModel, object]:
    """A jihadist band of 200 moved into the sanctuary beyond Menaka, at a share of its morale."""
    model = MaliConflictModel(scenario_from_dict(one_band_dict("menaka")), rng=1)
    (band,) = model.units_of("jihadists")
    menaka = model.towns["menaka"].xy
    nearest = min(map(tuple, model.sanctuary_xy), key=lambda xy: cells_apart(xy, menaka))
    band.cell = model.grid[tuple(int(v) for v in nearest)]
    band.morale = morale_share * model.config.factions["jihadists"].morale
    model.presence.refresh()
    return model, band


def test_a_rested_band_comes_back_from_the_sanctuary_to_work_its_people_s_country():
    model, band = resting_band(1.0)
    assert not model.in_mali[band.xy]
    insurgency.come_back(model)
    assert band.posture == Posture.SPREAD
    assert model.in_mali[band.destination]
    radius = (model.config.scenario.sanctuary_km + model.config.combat.reach_km) / model.cell_km
    assert cells_apart(band.destination, band.xy) <= round(radius)
    people = insurgency.prospects(model, "jihadists", np.ones_like(model.grievance))
    assert people[band.destination] > 0
    for _ in range(60):  # it walks there
        model.step()
        if band.posture != Posture.SPREAD:
            break
    assert model.in_mali[band.xy]


def test_a_band_still_shaken_rests_on():
    model, band = resting_band(0.5)
    insurgency.come_back(model)
    assert band.posture == Posture.PATROL and not model.in_mali[band.xy]
