"""Which borders shelter the insurgents is a scenario input, and a dated event may change it.

``scenario.sanctuaries`` names the neighbours (Mauritania, Algeria, Niger, Burkina Faso) across
whose border the band of ``sanctuary_km`` is a sanctuary; a ``set`` event of it redraws the band
on its date (``sim.war.borders``), and a unit left beyond a border that no longer shelters it
is put on the nearest cell of Mali.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from small_scenario import one_band_dict, small_dict

from sim import MaliConflictModel
from sim.geography import DATA_DIR, NEIGHBOURS, _segment_neighbours, build_geography
from sim.scenario import scenario_from_dict
from sim.war.posture import Posture


def cell(geo, lat: float, lon: float) -> tuple[int, int]:
    return geo.cell_of(lat, lon)


def test_each_border_segment_is_classed_by_the_neighbour_across_it():
    ring = np.asarray(json.loads((DATA_DIR / "regions.json").read_text())["outline"][0])
    names = [NEIGHBOURS[i] for i in _segment_neighbours(ring)]
    mid = 0.5 * (ring[:-1] + ring[1:])

    def across(lon: float, lat: float) -> str:
        return names[int(np.argmin(np.hypot(mid[:, 0] - lon, mid[:, 1] - lat)))]

    assert across(-7.5, 15.5) == "mauritania"  # the border north of Nara
    assert across(-5.7, 19.0) == "mauritania"  # the straight line through the desert
    assert across(0.0, 21.8) == "algeria"  # north of Tessalit
    assert across(4.2, 18.0) == "niger"  # east of Kidal's region
    assert across(2.0, 15.4) == "niger"  # beyond Menaka
    assert across(-1.5, 14.8) == "burkina_faso"  # south of Boni
    assert across(-4.3, 12.9) == "burkina_faso"  # south of Koutiala
    assert across(-8.5, 11.0) == "other"  # Guinea
    assert across(-12.1, 14.0) == "other"  # Senegal


def test_the_band_lies_only_across_the_borders_named():
    default = build_geography(0.5)
    sourced = build_geography(0.5, 150.0, ("algeria", "burkina_faso", "niger"))
    beyond_nara = cell(default, 16.3, -7.5)  # in Mauritania, some 90 km north of the border
    beyond_boni = cell(default, 14.2, -1.6)  # in Burkina Faso's Soum
    beyond_menaka = cell(default, 15.0, 3.0)  # in Niger
    assert not default.in_mali[beyond_nara] and not default.in_mali[beyond_boni]
    assert default.sanctuary[beyond_nara] and not default.sanctuary[beyond_boni]
    assert not sourced.sanctuary[beyond_nara] and sourced.sanctuary[beyond_boni]
    assert default.sanctuary[beyond_menaka] and sourced.sanctuary[beyond_menaka]
    # Closeness to the sanctuary follows: Nara's country is by it only where Mauritania is one.
    nara = cell(default, 15.2, -7.3)
    assert default.sanctuary_distance_km[nara] < 100 < sourced.sanctuary_distance_km[nara]
    # The rest of the country is the same grid.
    for name in ("in_mali", "population", "terrain", "road", "border_km", "region"):
        assert np.array_equal(getattr(default, name), getattr(sourced, name)), name


def test_the_burkinabe_band_lies_in_burkina_faso_not_beyond_mali_s_other_southern_borders():
    # Until model 0.44.0 every cell south of 15 N and west of the Burkina-Niger line was taken
    # for Burkina Faso's: with it named, Guinea, Senegal and Cote d'Ivoire sheltered bands too.
    geo = build_geography(0.5, 150.0, ("algeria", "burkina_faso", "niger"))
    for lat, lon in ((11.42, -9.17), (12.55, -12.18)):  # Siguiri (Guinea), Kedougou (Senegal)
        beyond = cell(geo, lat, lon)
        assert not geo.in_mali[beyond] and geo.border_km[beyond] < 150
        assert not geo.sanctuary[beyond], (lat, lon)
    for lat, lon in ((11.18, -4.29), (13.58, -2.42)):  # Bobo-Dioulasso, Ouahigouya
        assert geo.sanctuary[cell(geo, lat, lon)], (lat, lon)


def model_with_band_beyond_nara() -> tuple[MaliConflictModel, object]:
    """A shaken jihadist band of 200 resting in the Mauritanian sanctuary north of Nara."""
    data = one_band_dict("nara")
    data["events"] = [
        {
            "date": (dt.date.fromisoformat(str(data["scenario"]["start"])) + dt.timedelta(days=2)),
            "type": "set",
            "parameter": "scenario.sanctuaries",
            "value": ["niger", "algeria", "burkina_faso"],
        }
    ]
    model = MaliConflictModel(scenario_from_dict(data), rng=1)
    (band,) = model.units_of("jihadists")
    band.cell = model.grid[cell(model.geo, 16.0, -7.5)]
    band.morale = 0.3 * model.config.factions["jihadists"].morale  # shaken: it rests there
    assert model.geo.sanctuary[band.xy]
    return model, band


def test_a_set_event_redraws_the_sanctuary_on_its_date_and_a_band_left_outside_comes_home():
    model, band = model_with_band_beyond_nara()
    before = {tuple(xy) for xy in model.sanctuary_xy}
    model.step()
    model.step()
    assert model.config.scenario.sanctuaries == ["algeria", "mauritania", "niger"]
    assert not model.in_mali[band.xy]
    model.step()  # the event's day
    assert sorted(model.config.scenario.sanctuaries) == ["algeria", "burkina_faso", "niger"]
    after = {tuple(xy) for xy in model.sanctuary_xy}
    assert cell(model.geo, 14.2, -1.6) in after - before  # Burkina Faso's Soum
    assert cell(model.geo, 16.3, -7.5) in before - after  # Mauritania's border country
    # The band beyond a border that no longer shelters it stands in Mali, in its hinterland.
    assert model.in_mali[band.xy] and band.posture == Posture.PATROL
    assert cell(model.geo, 15.2, -7.5)[1] <= band.xy[1] + 1  # the nearest of Mali: by Nara
    np.testing.assert_allclose(
        model.near_sanctuary, np.exp(-model.geo.sanctuary_distance_km / 100.0)
    )


def test_a_run_with_the_default_sanctuaries_named_is_the_same_run():
    data = small_dict()
    named = small_dict()
    named["scenario"]["sanctuaries"] = ["niger", "mauritania", "algeria"]
    plain, same = (MaliConflictModel(scenario_from_dict(d), rng=3).run() for d in (data, named))
    for table in ("runs", "events", "timeseries"):
        pd.testing.assert_frame_equal(getattr(plain, table), getattr(same, table))
    assert "scenario.sanctuaries" not in plain.runs  # recorded only when set away from it


@pytest.mark.parametrize(
    ("value", "message"),
    [(["senegal"], "senegal"), (["niger", "niger"], "more than once")],
)
def test_a_sanctuary_that_is_not_a_neighbour_s_or_is_named_twice_is_refused(value, message):
    from sim.scenario import ScenarioError

    data = small_dict()
    data["scenario"]["sanctuaries"] = value
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict(data)
