"""Statements about Mali that the grid in ``sim.geography`` must respect."""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import pytest

from sim.geography import REGIONS, TERRAIN, ZONES, build_geography

MALI_AREA_KM2 = 1_240_192  # km2, Mali's official area
CENSUS_2009_TOTAL = 14_528_662  # RGPH 2009 (INSTAT Mali), national total
ALGERIA_BORDER_TOWNS = ("tessalit", "tinzaouatene")


@pytest.fixture(scope="module")
def geo():
    """The default grid (0.25 degree cells)."""
    return build_geography(0.25)


def cell(geo, town: str) -> tuple[int, int]:
    """The grid cell of a town."""
    return int(geo.towns.at[town, "x"]), int(geo.towns.at[town, "y"])


def test_bamako_is_in_the_south_and_kidal_in_the_north(geo):
    assert ZONES[geo.zone[cell(geo, "bamako")]] == "south"
    assert ZONES[geo.zone[cell(geo, "kidal")]] == "north"
    assert geo.region_name(*cell(geo, "bamako")) == "bamako"
    assert geo.region_name(*cell(geo, "mopti")) == "mopti"


def test_every_town_lies_in_its_own_region(geo):
    for town, row in geo.towns.iterrows():
        assert geo.region_name(int(row.x), int(row.y)) == row.region, town


def test_kidal_sits_in_the_adrar_des_ifoghas(geo):
    assert TERRAIN[geo.terrain[cell(geo, "kidal")]] == "massif"


def test_mopti_and_tenenkou_are_in_the_inner_niger_delta(geo):
    for town in ("mopti", "tenenkou"):
        assert TERRAIN[geo.terrain[cell(geo, town)]] == "delta", town


def test_the_far_north_is_desert_and_the_south_savanna(geo):
    assert TERRAIN[geo.terrain[cell(geo, "taoudenni")]] == "desert"
    assert TERRAIN[geo.terrain[cell(geo, "sikasso")]] == "savanna"
    assert TERRAIN[geo.terrain[cell(geo, "douentza")]] == "sahel"


def test_the_road_network_connects_every_town_to_bamako(geo):
    neighbours: dict[str, set[str]] = {town: set() for town in geo.towns.index}
    for a, b in zip(geo.roads["from"], geo.roads["to"], strict=True):
        neighbours[a].add(b)
        neighbours[b].add(a)
    reached, queue = {"bamako"}, deque(["bamako"])
    while queue:
        for other in neighbours[queue.popleft()] - reached:
            reached.add(other)
            queue.append(other)
    assert reached == set(geo.towns.index)


def test_roads_are_at_least_as_long_as_the_crow_flies(geo):
    t = geo.towns
    for a, b, km in zip(geo.roads["from"], geo.roads["to"], geo.roads["km"], strict=True):
        p1, p2 = math.radians(t.at[a, "lat"]), math.radians(t.at[b, "lat"])
        dl = math.radians(t.at[b, "lon"] - t.at[a, "lon"])
        crow = 6371.0 * math.acos(
            min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))
        )
        assert km >= crow, (a, b, km, crow)


def test_tessalit_is_near_algeria_and_a_sanctuary_lies_beyond(geo):
    for town in ALGERIA_BORDER_TOWNS:
        x, y = cell(geo, town)
        assert geo.border_km[x, y] < 150.0, town
        window = geo.sanctuary[max(x - 6, 0) : x + 7, max(y - 6, 0) : y + 7]
        assert window.any(), town
    # sanctuary cells north-east of Tessalit are in Algeria, outside Mali
    xs, ys = np.nonzero(geo.sanctuary)
    lat = geo.lat0 + (ys + 0.5) * geo.resolution
    lon = geo.lon0 + (xs + 0.5) * geo.resolution
    assert ((lat > 20.2) & (lon > 1.0)).any()
    assert not (geo.sanctuary & geo.in_mali).any()


def test_no_sanctuary_across_the_southern_borders(geo):
    # Bamako's and Sikasso's neighbours (Guinea, Cote d'Ivoire, Burkina Faso) give no refuge
    xs, ys = np.nonzero(geo.sanctuary)
    lat = geo.lat0 + (ys + 0.5) * geo.resolution
    lon = geo.lon0 + (xs + 0.5) * geo.resolution
    assert not ((lat < 13.0) & (lon < 0.0)).any()


def test_mali_covers_about_1_24_million_km2(geo):
    area = geo.cell_area_km2()[geo.in_mali].sum()
    assert area == pytest.approx(MALI_AREA_KM2, rel=0.10)


def test_population_matches_the_2009_census(geo):
    assert geo.population.sum() == pytest.approx(CENSUS_2009_TOTAL, rel=0.05)
    assert geo.population[~geo.in_mali].sum() == 0.0
    north = geo.population[geo.zone == ZONES.index("north")].sum()
    assert north < 0.15 * geo.population.sum()  # the north is vast and nearly empty


def test_a_state_column_from_gao_reaches_kidal_by_the_road(geo):
    gao, kidal = cell(geo, "gao"), cell(geo, "kidal")
    dist = geo.distance_field(*kidal, may_leave_mali=False)
    assert np.isfinite(dist[gao])
    path, here = [gao], gao
    for _ in range(geo.width * geo.height):
        if here == kidal:
            break
        here = geo.next_step(*here, *kidal, may_leave_mali=False)
        path.append(here)
    assert here == kidal
    on_road = np.mean([geo.road[p] for p in path])
    assert on_road > 0.5
    assert all(geo.in_mali[p] for p in path)


def test_the_state_may_not_leave_mali_but_insurgents_may_use_the_sanctuary(geo):
    x, y = cell(geo, "tessalit")
    inside = geo.distance_field(x, y, may_leave_mali=False)
    outside = geo.distance_field(x, y, may_leave_mali=True)
    assert np.all(np.isinf(inside[~geo.in_mali]))
    assert np.isfinite(outside[geo.sanctuary & (geo.border_km < 50)]).any()
    assert np.all(np.isinf(outside[~geo.in_mali & ~geo.sanctuary]))


def test_next_step_stays_put_at_the_target(geo):
    x, y = cell(geo, "mopti")
    assert geo.next_step(x, y, x, y, False) == (x, y)


def test_nearest_town_of_a_town_cell_is_close_by(geo):
    assert geo.nearest_town(*cell(geo, "kidal")) == "kidal"
    assert geo.nearest_town(*cell(geo, "timbuktu")) == "timbuktu"


def test_cell_of_and_cell_centre_agree(geo):
    lat, lon = geo.cell_centre(*cell(geo, "gao"))
    assert geo.cell_of(lat, lon) == cell(geo, "gao")
    assert geo.cell_km() == pytest.approx(27.0, rel=0.05)


def test_every_region_has_cells(geo):
    for code, name in enumerate(REGIONS):
        assert (geo.region == code).any(), name


@pytest.mark.parametrize("resolution", [0.1, 0.5, 1.0, 2.0])
def test_coarse_and_fine_grids_still_map_every_town_into_mali(resolution):
    g = build_geography(resolution)
    assert g.in_mali[g.towns["x"], g.towns["y"]].all()
    assert (g.region[g.towns["x"], g.towns["y"]] >= 0).all()
    assert g.population.sum() == pytest.approx(CENSUS_2009_TOTAL, rel=0.05)


def test_the_grid_is_built_once_and_a_distance_field_is_computed_once(geo):
    # How fast they are belongs to benchmarks/ (make bench); here: they are cached, not rebuilt.
    assert build_geography(0.25) is geo
    field = geo.distance_field(3, 40, may_leave_mali=True)
    assert geo.distance_field(3, 40, may_leave_mali=True) is field
    assert not field.flags.writeable, "a cached field is read-only, so no caller can change it"


@pytest.mark.parametrize("resolution", [0.25, 0.5, 1.0])
def test_a_cell_that_holds_a_town_is_in_the_towns_region(resolution):
    # Of two towns in one cell the more populous one's (Kati shares the Bamako district's cell
    # at 0.5 degree). At 0.5 degree Anefis's cell has its centre in the Gao region: until model
    # 0.62.0 the cell was Gao's, and what happened at Anefis was booked to the Gao region.
    geo = build_geography(resolution)
    towns = geo.towns.sort_values("population")
    largest = {(t.x, t.y): t.region for t in towns.itertuples()}
    for (x, y), region in largest.items():
        assert geo.region_name(x, y) == region
    if resolution == 0.5:
        anefis = geo.towns.loc["anefis"]
        assert geo.region_name(anefis.x, anefis.y) == "kidal"
