"""Insurgents mine the roads of an enemy whose aircraft they cannot face (model 0.48.0).

Until 0.48.0 the 2012-2025 arc had no IEDs in 2012 and switched the insurgents' IED rates on
2013-01-10: history written as input. Now one rate runs the war, and what kept the insurgents of
2012 from mining is that no hostile aircraft flew over the army's columns
(``insurgency.mines_air``; ``sim.war.irregular.mining``). Each test here fails on the code
before 0.48.0 (no ``mining``; mines whatever the air).
"""

from __future__ import annotations

import numpy as np
import pytest
from small_scenario import small_dict

from sim import MaliConflictModel
from sim.scenario import scenario_from_dict
from sim.war import irregular


def _model(mines_air: float, seed: int = 1) -> MaliConflictModel:
    data = small_dict()
    data["events"] = []
    data["insurgency"] = {"mines_air": mines_air}
    data["factions"]["jihadists"].update(ambush_rate=0.0, ied_rate=0.5)
    data["factions"]["separatists"].update(ambush_rate=0.0, ied_rate=0.0)
    model = MaliConflictModel(scenario_from_dict(data), rng=seed)
    # Jihadists within reach of every column: only the air over it decides.
    model.presence.reach["jihadists"][:] = 500.0
    return model


def _mines_laid(model: MaliConflictModel, air: float, days: int, monkeypatch) -> int:
    """IEDs the jihadists set off on the state's side in ``days`` days under ``air`` everywhere."""
    laid = []
    monkeypatch.setattr(irregular, "ied", lambda m, faction, target: laid.append(target))
    for _ in range(days):
        model.presence.air_against["jihadists"][:] = air
        irregular.strike_columns(model)
    return len(laid)


def test_the_share_of_the_ied_rate_spent_follows_the_hostile_air_up_to_mines_air():
    model = _model(mines_air=0.2)
    xy = np.array([[2, 2], [3, 2], [4, 2], [5, 2]])
    for cell, air in zip(xy, (0.0, 0.1, 0.2, 0.9), strict=True):
        model.presence.air_against["jihadists"][tuple(cell)] = air
    assert irregular.mining(model, "jihadists", xy) == pytest.approx([0.0, 0.5, 1.0, 1.0])
    # The separatists' share reads the air against them, not against the jihadists.
    model.presence.air_against["separatists"][:] = 0.0
    assert irregular.mining(model, "separatists", xy) == pytest.approx([0.0] * 4)
    # mines_air 0: the full rate whatever the air, as before model 0.48.0.
    assert irregular.mining(_model(mines_air=0.0), "jihadists", xy) == 1.0


def test_insurgents_mine_no_road_where_no_hostile_aircraft_fly(monkeypatch):
    # The insurgents of 2012 beat the army in open fights and laid no mines; from 2013, under
    # French aircraft, mines became their weapon (the first, Gao, February 2013, AFP).
    assert _mines_laid(_model(mines_air=0.2), air=0.0, days=30, monkeypatch=monkeypatch) == 0
    under_air = _mines_laid(_model(mines_air=0.2), air=0.9, days=30, monkeypatch=monkeypatch)
    assert under_air > 0
    # Under air at or above mines_air the rate is the full one: the same draws give the same
    # mines as a side that mines whatever the air (mines_air 0), with no air at all.
    assert _mines_laid(_model(mines_air=0.0), air=0.0, days=30, monkeypatch=monkeypatch) == (
        under_air
    )
    # Under half of it, fewer.
    half = _mines_laid(_model(mines_air=0.2), air=0.1, days=30, monkeypatch=monkeypatch)
    assert 0 < half < under_air
