"""Refuges inside Mali: forests, flooded pastures and a massif where insurgents hide (0.41.0).

``sim/data/refuges.csv`` places the Wagadou and Serma forests, the Macina's flooded pastures
and the Adrar des Ifoghas, with sources. A beaten insurgent band may fall back into the
nearest refuge as into the sanctuary (``Unit.retreat``), rests there and comes back to work
the country when rested (``insurgency.come_back``), and a dispersed band in a refuge is harder
to find (``insurgency.refuge_cover``). Before, a band beaten far from a border that shelters it
walked to the nearest town its side held, or across the whole country to a sanctuary.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from small_scenario import one_band_dict, small_dict

from sim import MaliConflictModel
from sim.geography import DATA_DIR, build_geography, cells_apart
from sim.scenario import scenario_from_dict
from sim.war import insurgency
from sim.war.posture import Posture

REFUGES = pd.read_csv(DATA_DIR / "refuges.csv").set_index("id")


def test_each_refuge_lies_in_mali_at_every_resolution():
    for resolution in (0.25, 0.5, 1.0):
        geo = build_geography(resolution)
        assert not (geo.refuge & ~geo.in_mali).any()
        for row in REFUGES.itertuples():
            assert geo.refuge[geo.cell_of(row.lat, row.lon)], (resolution, row.Index)
    geo = build_geography(0.25)
    assert not geo.refuge[geo.towns.loc["bamako", "x"], geo.towns.loc["bamako", "y"]]
    assert not geo.refuge[geo.cell_of(15.3, -1.0)]  # the open Gourma east of Hombori
    # The Serma forest is Boni's bush, the Wagadou forest Nara's and Nampala's.
    assert geo.refuge[geo.cell_of(14.95, -2.05)] and geo.refuge[geo.cell_of(15.05, -6.7)]


def band_at(town: str, refuges=None, **insurgency_settings) -> tuple[MaliConflictModel, object]:
    """A jihadist band of 200 at a town, with sanctuaries across Algeria and Niger only (and
    the refuges named, if any are: all by default)."""
    named = {} if refuges is None else {"refuges": refuges}
    data = one_band_dict(town, sanctuaries=["algeria", "niger"], **named)
    data["insurgency"] = insurgency_settings
    model = MaliConflictModel(scenario_from_dict(data), rng=1)
    (band,) = model.units_of("jihadists")
    return model, band


def test_a_band_beaten_in_the_west_falls_back_into_the_wagadou_forest():
    # Beaten by Nara, with Mauritania no sanctuary, far from Algeria and Niger, and no town of
    # its side's to go to: before model 0.41.0 it set off across the country to a border.
    model, band = band_at("nara")
    band.retreat()
    assert band.posture == Posture.RETREAT
    assert model.geo.refuge[band.destination]
    wagadou = model.geo.cell_of(REFUGES.loc["wagadou", "lat"], REFUGES.loc["wagadou", "lon"])
    assert cells_apart(band.destination, wagadou) <= 1
    assert model.in_mali[band.destination]


def test_the_state_does_not_fall_back_into_a_refuge():
    model, _ = band_at("nara")
    unit = next(u for u in model.units_of("state") if model.towns.at.get(u.xy))
    unit.retreat()
    assert unit.destination is None or not model.geo.refuge[unit.destination]


def rested_in_serma(morale_share: float) -> tuple[MaliConflictModel, object]:
    model, band = band_at("boni")
    serma = model.geo.cell_of(REFUGES.loc["serma", "lat"], REFUGES.loc["serma", "lon"])
    band.cell = model.grid[serma]
    band.morale = morale_share * model.config.factions["jihadists"].morale
    model.presence.refresh()
    return model, band


def test_a_band_rested_in_a_refuge_comes_back_to_work_the_country():
    model, band = rested_in_serma(1.0)
    insurgency.come_back(model)
    assert band.posture == Posture.SPREAD
    assert band.destination != band.xy and model.in_mali[band.destination]
    people = insurgency.prospects(model, "jihadists", np.ones_like(model.grievance))
    assert people[band.destination] > 0


def test_a_band_still_shaken_rests_on_in_the_refuge():
    model, band = rested_in_serma(0.5)
    insurgency.come_back(model)
    assert band.posture == Posture.PATROL and model.geo.refuge[band.xy]


def share_found(model: MaliConflictModel, band, xy: tuple[int, int], draws: int = 4000) -> float:
    band.cell = model.grid[xy]
    found = sum(insurgency.dispersed_band_found(model, band, 0.0) for _ in range(draws))
    return found / draws


def test_a_band_in_a_refuge_is_harder_to_find():
    for cover, lower in ((0.8, True), (0.0, False)):
        model, band = band_at("boni", detection=0.5, refuge_cover=cover)
        inside = model.geo.cell_of(REFUGES.loc["serma", "lat"], REFUGES.loc["serma", "lon"])
        outside = model.geo.cell_of(15.3, -1.0)
        assert model.geo.refuge[inside] and not model.geo.refuge[outside]
        for xy in (inside, outside):  # the same people, the same legitimacy, no governance
            model.legitimacy[xy] = 0.5
            model.governance["jihadists"][xy] = 0.0
        hidden, seen = share_found(model, band, inside), share_found(model, band, outside)
        assert seen > 0.3
        if lower:
            assert abs(hidden / seen - 0.2) < 0.05
        else:
            assert abs(hidden / seen - 1.0) < 0.1


def test_a_scenario_names_its_refuges_and_a_set_event_changes_them():
    model, _ = band_at("nara")
    assert set(model.config.scenario.refuges) == set(REFUGES.index)  # all, unless named
    data = small_dict()
    data["scenario"].update(resolution=0.5, refuges=["serma"])
    data["events"] = [
        {
            "date": data["scenario"]["start"],
            "type": "set",
            "parameter": "scenario.refuges",
            "value": ["serma", "wagadou"],
        }
    ]
    model = MaliConflictModel(scenario_from_dict(data), rng=1)
    serma = model.geo.cell_of(REFUGES.loc["serma", "lat"], REFUGES.loc["serma", "lon"])
    wagadou = model.geo.cell_of(REFUGES.loc["wagadou", "lat"], REFUGES.loc["wagadou", "lon"])
    assert model.geo.refuge[serma] and not model.geo.refuge[wagadou]
    model.step()  # the event's day: the Wagadou forest shelters them from now on
    assert model.geo.refuge[serma] and model.geo.refuge[wagadou]
    assert any(tuple(xy) == wagadou for xy in model.refuge_xy)


def test_with_no_refuge_a_band_beaten_by_nara_does_not_go_to_the_forest():
    model, band = band_at("nara", refuges=[])
    assert not model.geo.refuge.any()
    band.retreat()
    assert band.destination is not None and not model.in_mali[band.destination]  # a border
