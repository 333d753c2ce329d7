"""Mali on a regular longitude/latitude grid: terrain, regions, population, roads, borders.

The grid covers the bounding box ``BBOX`` of ``docs/ODD.md`` (section 2). Every layer is a numpy
array indexed ``[x, y]`` with ``x`` along longitude (west to east) and ``y`` along latitude (south
to north). Cell ``(0, 0)`` has its south-west corner at ``(lon0, lat0)``.

Sources (details, licences and derivations in ``sim/data/SOURCES.md``):

* country outline: Natural Earth (public domain), via johan/world.geo.json;
* regions: geoBoundaries gbOpen MLI ADM1/ADM2 (Runfola et al. 2020, CC BY 4.0), simplified by the
  project into ``sim/data/regions.json`` and split into the 11 post-2016 regions;
* towns: GeoNames (CC BY 4.0) and the Flee Mali inputs, checked and completed in
  ``sim/data/towns.csv``;
* roads: Flee/FabFlee Mali road links (BSD-3) plus the author's additions, ``sim/data/roads.csv``;
* population: RGPH 2009 census regional totals (INSTAT Mali), spread over each region by the
  terrain weights below;
* terrain: rules from physical geography (Sahara north of about 17 N, Adrar des Ifoghas around
  Kidal, inner Niger delta, Sahel 14-17 N, Sudanian savanna south of 14 N).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import ndimage, sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

TERRAIN = ("desert", "massif", "sahel", "delta", "savanna")
"""Terrain classes; a cell's terrain code is the index into this tuple."""

REGIONS = (
    "kayes",
    "koulikoro",
    "sikasso",
    "segou",
    "mopti",
    "timbuktu",
    "gao",
    "kidal",
    "menaka",
    "taoudenni",
    "bamako",
)
"""The 11 post-2016 regions (Bamako is a district); code -1 means outside Mali."""

ZONES = ("north", "centre", "south")
"""Reporting zones; code -1 means outside Mali."""

BBOX = (-12.3, 4.3, 10.1, 25.0)
"""Grid extent: lon_min, lon_max, lat_min, lat_max in degrees (docs/ODD.md, section 2)."""

DATA_DIR = Path(__file__).resolve().parent / "data"

# --- terrain rules ------------------------------------------------------------------------------
DESERT_LAT = 17.0  # deg N: Saharan desert north of this latitude (outside the massif)
SAVANNA_LAT = 14.0  # deg N: Sudanian savanna south of this latitude, Sahel between

# Adrar des Ifoghas: a hand-drawn polygon (lon, lat) around Anefis, Kidal, Abeibara, Aguelhok
# and Tessalit, reaching the Algerian border (about 18.0-21.0 N, 0.3-2.6 E).
MASSIF_POLYGON = (
    (0.55, 17.95),
    (1.8, 18.0),
    (2.6, 18.9),
    (2.4, 20.0),
    (1.6, 20.9),
    (0.8, 20.9),
    (0.4, 20.0),
    (0.3, 19.0),
)

# Inner Niger delta (seasonally flooded): a hand-drawn lozenge (lon, lat) from Ke-Macina and Djenne
# in the south-west, through Tenenkou, Mopti and Youwarou, to Niafunke in the north-east
# (about 13.8-16.2 N, 6.0-3.6 W). Diabaly, Niono, Lere and Bandiagara fall outside it.
DELTA_POLYGON = (
    (-5.9, 14.0),
    (-5.4, 13.75),
    (-4.5, 13.75),
    (-4.05, 14.3),
    (-3.85, 14.9),
    (-3.55, 15.6),
    (-3.6, 16.2),
    (-4.3, 16.2),
    (-5.0, 15.6),
    (-5.5, 15.0),
    (-6.0, 14.5),
)

# Movement cost per terrain class: multiple of the cell size (km-equivalent) to cross one cell.
TERRAIN_MOVE_FACTOR = {"desert": 1.6, "massif": 2.5, "sahel": 1.3, "delta": 2.0, "savanna": 1.2}
ROAD_MOVE_FACTOR = 0.5  # a main road halves the cost of crossing a cell

# Relative rural population density per terrain class (author's judgement, see SOURCES.md).
TERRAIN_RURAL_WEIGHT = {"desert": 0.05, "massif": 0.05, "sahel": 1.0, "delta": 2.0, "savanna": 1.5}
ROAD_RURAL_WEIGHT = 2.0  # rural weight multiplier for cells a main road crosses

# RGPH 2009 (4th general census, INSTAT Mali): resident population per pre-2016 region.
CENSUS_2009 = {
    "kayes": 1_996_812,
    "koulikoro": 2_418_305,
    "sikasso": 2_625_919,
    "segou": 2_336_255,
    "mopti": 2_037_330,
    "tombouctou": 681_691,
    "gao": 544_120,
    "kidal": 67_638,
    "bamako": 1_810_366,
}
TAOUDENNI_SHARE = 0.03  # of the 2009 Tombouctou total (author's estimate; region created 2016)
MENAKA_SHARE = 0.22  # of the 2009 Gao total (author's estimate; region created 2016)

# The neighbour across each outline segment, classed by the segment's midpoint (lon, lat), from
# the outline's corners: Mauritania west of MAURITANIA_EAST_LON and north of
# MAURITANIA_SOUTH_LAT, below Algeria's corner (ALGERIA_WEST_LAT, the Algeria-Mali-Mauritania
# tripoint near 6.5 W, 25.0 N); Algeria north of ALGERIA_SOUTH_LAT (the Algeria-Mali-Niger
# tripoint near 4.25 E, 19.14 N); Niger east of NIGER_LON and south of it (the Burkina Faso-
# Mali-Niger tripoint is near 0.23 E, 15.0 N); Burkina Faso east of BURKINA_WEST_LON and south
# of SANCTUARY_LAT (the Burkina Faso-Cote d'Ivoire-Mali tripoint is near 5.5 W, 10.4 N); any
# other border (Cote d'Ivoire, Guinea, Senegal) is "other".
NEIGHBOURS = ("mauritania", "algeria", "niger", "burkina_faso", "other")
SANCTUARY_NEIGHBOURS = NEIGHBOURS[:4]
"""The neighbours whose border band a scenario may name a sanctuary (``scenario.sanctuaries``)."""
DEFAULT_SANCTUARIES = ("algeria", "mauritania", "niger")
"""The sanctuaries of a scenario that names none: the borders the model has always had."""
REFUGES = tuple(sorted(pd.read_csv(DATA_DIR / "refuges.csv")["id"]))
"""The refuges inside Mali (``sim/data/refuges.csv``) a scenario may name (``scenario.refuges``;
all of them by default)."""
SANCTUARY_LAT = 15.1
NIGER_LON = 0.3
MAURITANIA_EAST_LON = -5.0
MAURITANIA_SOUTH_LAT = 14.65
ALGERIA_WEST_LAT = 24.9
ALGERIA_SOUTH_LAT = 19.0
BURKINA_WEST_LON = -5.5
# Beyond the south-east corner, the Burkina Faso-Niger border runs south-east from the tripoint
# (about 0.23 E, 15.0 N) at roughly 0.6 deg of longitude per deg of latitude: cells west of that
# line are Burkina Faso even when their nearest border segment faces Niger.
TRIPOINT_BFA_NER = (0.23, 15.0)
BFA_NER_SLOPE = 0.6

KM_PER_DEG_LAT = 110.574  # km per degree of latitude (WGS84 mean near 17 N)
KM_PER_DEG_LON_EQ = 111.320  # km per degree of longitude at the equator
MEAN_LAT = 0.5 * (BBOX[2] + BBOX[3])  # deg N: mean latitude of the grid, for cell_km
MAX_CACHE_BYTES = 256e6  # cap on memory held by cached distance fields
MAX_CACHED_STEPS = 200_000  # cap on the steps ``next_step`` keeps (some 250 bytes each)

_NEIGHBOURS = tuple((dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0))


@dataclass(frozen=True, eq=False)
class Geography:
    """The grid and its cell layers. Build it with :func:`build_geography`.

    Attributes:
        resolution: Degrees per cell (same along longitude and latitude).
        lon0: Longitude of the west edge of column ``x = 0``.
        lat0: Latitude of the south edge of row ``y = 0``.
        width: Number of cells along longitude (x).
        height: Number of cells along latitude (y).
        in_mali: ``bool [w, h]``, cell centre inside the outline (or a town's cell).
        region: ``int8 [w, h]`` index into :data:`REGIONS`, -1 outside Mali.
        zone: ``int8 [w, h]`` index into :data:`ZONES`, -1 outside Mali.
        terrain: ``int8 [w, h]`` index into :data:`TERRAIN`, defined everywhere.
        population: ``float [w, h]`` people per cell (2009), 0 outside Mali.
        urban: ``float [w, h]`` the part of ``population`` that lives in the towns of the
            towns table, on their cells (the rest is spread over the country).
        road: ``bool [w, h]`` a main road crosses the cell.
        border_km: ``float [w, h]`` km from the cell centre to the outline: the nearest
            international border for cells in Mali, the distance to Mali for cells outside.
        sanctuary: ``bool [w, h]`` outside Mali, within ``sanctuary_km`` of it, across the
            Algerian, Mauritanian or Nigerien border.
        sanctuary_distance_km: ``float [w, h]`` km from the cell centre to the sanctuary: to
            the border where the nearest border faces it, else to the nearest sanctuary cell
            (a cell by the Burkinabe or Guinean border is far from any sanctuary).
        move_cost: ``float [w, h]`` km-equivalent cost of crossing the cell (finite everywhere).
        refuge: ``bool [w, h]`` in Mali, within a refuge of ``sim/data/refuges.csv`` (a forest,
            the inner delta's flooded pastures, a massif): where a beaten insurgent band may
            fall back to and rest, and where a dispersed band is hardest to find.
        towns: The towns table (``sim/data/towns.csv``) indexed by id, with cell columns x, y.
        roads: The road links table (``sim/data/roads.csv``).
        nearest_town_index: ``int [w, h]`` row of ``towns`` nearest to each cell centre.
        sanctuary_km: Depth of the sanctuary band beyond the border (km).

    """

    resolution: float
    lon0: float
    lat0: float
    width: int
    height: int
    in_mali: np.ndarray
    region: np.ndarray
    zone: np.ndarray
    terrain: np.ndarray
    population: np.ndarray
    urban: np.ndarray
    road: np.ndarray
    border_km: np.ndarray
    sanctuary: np.ndarray
    sanctuary_distance_km: np.ndarray
    move_cost: np.ndarray
    refuge: np.ndarray
    towns: pd.DataFrame
    roads: pd.DataFrame
    nearest_town_index: np.ndarray
    sanctuary_km: float = 150.0
    _graphs: dict = field(default_factory=dict, init=False, repr=False)
    _fields: dict = field(default_factory=dict, init=False, repr=False)
    _steps: dict = field(default_factory=dict, init=False, repr=False)

    # --- coordinates ---------------------------------------------------------------------------
    def cell_of(self, lat: float, lon: float) -> tuple[int, int]:
        """Return the cell ``(x, y)`` containing a point, clipped to the grid.

        Args:
            lat: Latitude in degrees north.
            lon: Longitude in degrees east.

        Returns:
            The cell indices ``(x, y)``.

        """
        x = int(math.floor((lon - self.lon0) / self.resolution))
        y = int(math.floor((lat - self.lat0) / self.resolution))
        return min(max(x, 0), self.width - 1), min(max(y, 0), self.height - 1)

    def cell_centre(self, x: int, y: int) -> tuple[float, float]:
        """Return the ``(lat, lon)`` of a cell's centre."""
        return (self.lat0 + (y + 0.5) * self.resolution, self.lon0 + (x + 0.5) * self.resolution)

    def cell_km(self) -> float:
        """Approximate cell edge in km at Mali's mean latitude (mean of both edges)."""
        return cell_edge_km(self.resolution)

    def cell_area_km2(self) -> np.ndarray:
        """Return ``float [w, h]``: each cell's area in km2 (shrinks with latitude)."""
        lats = self.lat0 + (np.arange(self.height) + 0.5) * self.resolution
        row = self.resolution**2 * KM_PER_DEG_LAT * KM_PER_DEG_LON_EQ * np.cos(np.radians(lats))
        return np.broadcast_to(row, (self.width, self.height)).copy()

    def region_name(self, x: int, y: int) -> str:
        """Return the region id of a cell, or ``""`` outside Mali."""
        code = int(self.region[x, y])
        return REGIONS[code] if code >= 0 else ""

    def nearest_town(self, x: int, y: int) -> str:
        """Return the id of the town nearest to the cell centre."""
        return str(self.towns.index[self.nearest_town_index[x, y]])

    # --- movement ------------------------------------------------------------------------------
    def _graph(self, may_leave_mali: bool) -> sparse.csr_matrix:
        """Return the 8-neighbour movement graph over passable cells, built once per flag."""
        graph = self._graphs.get(may_leave_mali)
        if graph is None:
            passable = self.in_mali | self.sanctuary if may_leave_mali else self.in_mali
            graph = _movement_graph(passable, self.move_cost)
            self._graphs[may_leave_mali] = graph
        return graph

    def distance_field(self, x: int, y: int, may_leave_mali: bool) -> np.ndarray:
        """Least movement cost from every cell to ``(x, y)``.

        Moving between neighbouring cells costs the mean of their ``move_cost``, times sqrt(2)
        on a diagonal. Cells outside Mali are impassable unless ``may_leave_mali``, and then
        only the sanctuary cells are passable. Results are cached and read-only.

        Args:
            x: Target cell column.
            y: Target cell row.
            may_leave_mali: Whether the mover may cross into the sanctuary band.

        Returns:
            ``float [w, h]`` costs in km-equivalent; ``inf`` where the target is unreachable.

        """
        key = (int(x), int(y), bool(may_leave_mali))
        result = self._fields.get(key)
        if result is None:
            if len(self._fields) * self.width * self.height * 8 >= MAX_CACHE_BYTES:
                self._fields.clear()
            source = key[0] * self.height + key[1]
            result = dijkstra(self._graph(key[2]), directed=True, indices=source)
            result = result.reshape(self.width, self.height)
            result.setflags(write=False)
            self._fields[key] = result
        return result

    def next_step(
        self, x: int, y: int, target_x: int, target_y: int, may_leave_mali: bool
    ) -> tuple[int, int]:
        """Return the neighbour of ``(x, y)`` (or the cell itself) closest to the target.

        Args:
            x: Current cell column.
            y: Current cell row.
            target_x: Target cell column.
            target_y: Target cell row.
            may_leave_mali: As in :meth:`distance_field`.

        Returns:
            The cell to move to; ``(x, y)`` itself when already there or no route exists.

        """
        # The fields do not change in a run: a step once found is kept (columns march the same
        # roads again and again), the very cell the neighbours' search would find.
        key = (x, y, target_x, target_y, may_leave_mali)
        best = self._steps.get(key)
        if best is not None:
            return best
        dist = self.distance_field(target_x, target_y, may_leave_mali)
        best, best_d = (x, y), dist[x, y]
        for dx, dy in _NEIGHBOURS:
            nx, ny = x + dx, y + dy
            if 0 <= nx < self.width and 0 <= ny < self.height and dist[nx, ny] < best_d:
                best, best_d = (nx, ny), dist[nx, ny]
        if len(self._steps) >= MAX_CACHED_STEPS:
            self._steps.clear()
        self._steps[key] = best
        return best


def cell_edge_km(resolution: float) -> float:
    """A cell's edge in km at Mali's mean latitude (the mean of its two edges), at a resolution."""
    lon_km = KM_PER_DEG_LON_EQ * math.cos(math.radians(MEAN_LAT))
    return resolution * 0.5 * (KM_PER_DEG_LAT + lon_km)


def cells_apart(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Chebyshev distance in cells (a king's moves on the grid) between two cells."""
    return max(abs(a[0] - b[0]), abs(a[1] - b[1]))


def around(x: int, y: int, r: int) -> tuple[slice, slice]:
    """The square of cells within ``r`` of ``(x, y)`` (``cells_apart <= r``), as slices."""
    return slice(max(x - r, 0), x + r + 1), slice(max(y - r, 0), y + r + 1)


def cells_apart_each(cells: np.ndarray, b: tuple[int, int]) -> np.ndarray:
    """``cells_apart`` from each row of an ``(n, 2)`` array of cells to one cell."""
    return np.abs(cells - b).max(axis=1)


def places_km(geo: Geography, towns: list[tuple[tuple[int, int], float, float]]) -> np.ndarray:
    """Each cell's place, in km east and north of the grid's corner: ``float [w, h, 2]``.

    A cell that holds a town stands at the town (``towns``: its cell, latitude and longitude;
    the first of two towns in one cell); any other cell at its centre. Distances between
    places (``km_apart``) are then the same at any resolution to within half a cell of the
    country, and exact between towns: on the grid's cells, Abeibara and Tinzaouatene are one
    0.5-degree cell apart (some 55 km) for their 128 km (``km_apart``'s larger gap).
    """
    lon_km = KM_PER_DEG_LON_EQ * math.cos(math.radians(MEAN_LAT))
    east = (np.arange(geo.width) + 0.5) * geo.resolution * lon_km
    north = (np.arange(geo.height) + 0.5) * geo.resolution * KM_PER_DEG_LAT
    places = np.stack(np.meshgrid(east, north, indexing="ij"), axis=-1)
    placed: set[tuple[int, int]] = set()
    for xy, lat, lon in towns:
        if xy not in placed:
            placed.add(xy)
            places[xy] = ((lon - geo.lon0) * lon_km, (lat - geo.lat0) * KM_PER_DEG_LAT)
    return places


def km_apart(places: np.ndarray, a: tuple[int, int], b: tuple[int, int]) -> float:
    """Km between two cells' places (``places_km``): the larger of the east and north gaps.

    A square, as the grid's reach and air cover are: ``cells_apart`` times the cell's km at the
    cells' centres.
    """
    return float(np.abs(places[a] - places[b]).max())


def km_apart_each(places: np.ndarray, cells: np.ndarray, b: tuple[int, int]) -> np.ndarray:
    """``km_apart`` from each row of an ``(n, 2)`` array of cells to one cell."""
    return km_apart_pairs(places, cells, [b])[:, 0]


def km_apart_pairs(places: np.ndarray, cells: np.ndarray, others: np.ndarray) -> np.ndarray:
    """``km_apart`` from each of ``cells`` (rows) to each of ``others`` (columns), at once."""
    cells = np.asarray(cells, dtype=np.intp).reshape(-1, 2)
    others = np.asarray(others, dtype=np.intp).reshape(-1, 2)
    here, there = places[cells[:, 0], cells[:, 1]], places[others[:, 0], others[:, 1]]
    return np.abs(here[:, None, :] - there[None, :, :]).max(axis=2)


def _movement_graph(passable: np.ndarray, move_cost: np.ndarray) -> sparse.csr_matrix:
    """Build the directed (symmetric) 8-neighbour graph over passable cells.

    Args:
        passable: ``bool [w, h]`` cells that may be entered.
        move_cost: ``float [w, h]`` cost of crossing each cell.

    Returns:
        A CSR matrix over flattened cell indices ``x * h + y``.

    """
    w, h = passable.shape
    idx = np.arange(w * h).reshape(w, h)
    rows, cols, costs = [], [], []
    for dx, dy in _NEIGHBOURS:
        xs = slice(max(0, -dx), w - max(0, dx))
        ys = slice(max(0, -dy), h - max(0, dy))
        xt = slice(max(0, dx), w - max(0, -dx))
        yt = slice(max(0, dy), h - max(0, -dy))
        ok = passable[xs, ys] & passable[xt, yt]
        step = math.sqrt(2.0) if dx and dy else 1.0
        cost = 0.5 * (move_cost[xs, ys] + move_cost[xt, yt]) * step
        rows.append(idx[xs, ys][ok])
        cols.append(idx[xt, yt][ok])
        costs.append(cost[ok])
    return sparse.csr_matrix(
        (np.concatenate(costs), (np.concatenate(rows), np.concatenate(cols))), shape=(w * h, w * h)
    )


# --- building -----------------------------------------------------------------------------------
def _rasterise(rings: list, lon_c: np.ndarray, lat_c: np.ndarray) -> np.ndarray:
    """Return a bool mask of the cell centres inside any of the rings (lon, lat)."""
    # Imported here: the scenario schema reads this module's constants, and reading a
    # scenario or an outcome catalogue should not load matplotlib.
    from matplotlib.path import Path as MplPath

    points = np.column_stack([lon_c.ravel(), lat_c.ravel()])
    mask = np.zeros(len(points), dtype=bool)
    for ring in rings:
        mask |= MplPath(np.asarray(ring, dtype=float)).contains_points(points)
    return mask.reshape(lon_c.shape)


def _segment_distances(
    lon_c: np.ndarray, lat_c: np.ndarray, ring: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distance in km from each point to a polyline, and the index of the nearest segment.

    Uses a local equirectangular projection around each point (error well under 1 % at the
    scales used here).
    """
    px, py = lon_c.ravel()[:, None], lat_c.ravel()[:, None]
    kx = KM_PER_DEG_LON_EQ * np.cos(np.radians(py))  # km per degree of longitude at each point
    ax, ay = ring[:-1, 0][None, :], ring[:-1, 1][None, :]
    bx, by = ring[1:, 0][None, :], ring[1:, 1][None, :]
    # segment vectors and point offsets in km
    sx, sy = (bx - ax) * kx, (by - ay) * KM_PER_DEG_LAT
    qx, qy = (px - ax) * kx, (py - ay) * KM_PER_DEG_LAT
    t = np.clip((qx * sx + qy * sy) / np.maximum(sx * sx + sy * sy, 1e-12), 0.0, 1.0)
    d = np.hypot(qx - t * sx, qy - t * sy)
    nearest = np.argmin(d, axis=1)
    dist = d[np.arange(len(d)), nearest]
    return dist.reshape(lon_c.shape), nearest.reshape(lon_c.shape)


def _segment_neighbours(ring: np.ndarray) -> np.ndarray:
    """The neighbour across each outline segment: an index into :data:`NEIGHBOURS`."""
    lon = 0.5 * (ring[:-1, 0] + ring[1:, 0])
    lat = 0.5 * (ring[:-1, 1] + ring[1:, 1])
    mauritania = (
        (lon < MAURITANIA_EAST_LON) & (lat > MAURITANIA_SOUTH_LAT) & (lat < ALGERIA_WEST_LAT)
    )
    algeria = ~mauritania & (lat >= ALGERIA_SOUTH_LAT)
    niger = (lon > NIGER_LON) & (lat < ALGERIA_SOUTH_LAT)
    burkina = ~niger & (lon > BURKINA_WEST_LON) & (lat < SANCTUARY_LAT)
    return np.select(
        [mauritania, algeria, niger, burkina],
        [NEIGHBOURS.index(n) for n in ("mauritania", "algeria", "niger", "burkina_faso")],
        NEIGHBOURS.index("other"),
    )


def _line_cells(x0: float, y0: float, x1: float, y1: float) -> tuple[np.ndarray, np.ndarray]:
    """Return an 8-connected line of cells between two points in continuous cell coordinates.

    One sample per step along the longer axis, as Bresenham's algorithm would take.
    """
    cx0, cy0, cx1, cy1 = math.floor(x0), math.floor(y0), math.floor(x1), math.floor(y1)
    n = max(abs(cx1 - cx0), abs(cy1 - cy0)) + 1
    t = np.linspace(0.0, 1.0, n)
    return (np.rint(cx0 + t * (cx1 - cx0)).astype(int), np.rint(cy0 + t * (cy1 - cy0)).astype(int))


def _region_totals() -> dict[str, float]:
    """2009 census population per post-2016 region (splitting Tombouctou and Gao)."""
    totals = {k: float(v) for k, v in CENSUS_2009.items() if k not in ("tombouctou", "gao")}
    totals["timbuktu"] = CENSUS_2009["tombouctou"] * (1 - TAOUDENNI_SHARE)
    totals["taoudenni"] = CENSUS_2009["tombouctou"] * TAOUDENNI_SHARE
    totals["gao"] = CENSUS_2009["gao"] * (1 - MENAKA_SHARE)
    totals["menaka"] = CENSUS_2009["gao"] * MENAKA_SHARE
    return totals


@functools.lru_cache(maxsize=8)
def build_geography(
    resolution: float = 0.25,
    sanctuary_km: float = 150.0,
    sanctuaries: tuple[str, ...] = DEFAULT_SANCTUARIES,
    refuges: tuple[str, ...] = REFUGES,
) -> Geography:
    """Build (once per set of arguments) the grid of Mali and all its layers.

    Args:
        resolution: Cell size in degrees (0.1 to 2.0 are supported).
        sanctuary_km: Depth of the sanctuary band beyond the borders it lies across (km).
        sanctuaries: The neighbours (of :data:`SANCTUARY_NEIGHBOURS`) across whose borders
            the band is a sanctuary.
        refuges: The refuges (of :data:`REFUGES`) inside Mali that shelter the insurgents.

    Returns:
        The :class:`Geography`. It is shared between callers: do not modify its arrays.

    """
    lon_min, lon_max, lat_min, lat_max = BBOX
    width = int(math.ceil((lon_max - lon_min) / resolution - 1e-9))
    height = int(math.ceil((lat_max - lat_min) / resolution - 1e-9))
    lon_c = lon_min + (np.arange(width)[:, None] + 0.5) * resolution + np.zeros((1, height))
    lat_c = lat_min + (np.arange(height)[None, :] + 0.5) * resolution + np.zeros((width, 1))

    shapes = json.loads((DATA_DIR / "regions.json").read_text())
    outline = np.asarray(shapes["outline"][0], dtype=float)
    towns = pd.read_csv(DATA_DIR / "towns.csv", dtype={"population_estimated": bool})
    towns = towns.set_index("id", drop=True)
    roads = pd.read_csv(DATA_DIR / "roads.csv")

    def cells_of(lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """The cells (x, y) holding points, clipped to the grid."""
        x = np.clip(np.floor((np.asarray(lon) - lon_min) / resolution), 0, width - 1)
        y = np.clip(np.floor((np.asarray(lat) - lat_min) / resolution), 0, height - 1)
        return x.astype(int), y.astype(int)

    towns["x"], towns["y"] = cells_of(towns["lon"], towns["lat"])
    tx, ty = towns["x"].to_numpy(), towns["y"].to_numpy()

    # Mali and its regions. Polygons of neighbouring regions are simplified separately, so a
    # few cells fall in no region (or in two): the later region in REGIONS wins, and cells left
    # over take the region of the nearest assigned cell.
    in_mali = _rasterise([outline], lon_c, lat_c)
    in_mali[tx, ty] = True  # a town always lies in Mali, even at coarse resolution
    region = np.full((width, height), -1, dtype=np.int8)
    for code, name in enumerate(REGIONS):
        region[_rasterise(shapes["regions"][name], lon_c, lat_c) & in_mali] = code
    region_codes = towns["region"].map({n: i for i, n in enumerate(REGIONS)}).to_numpy()
    # A cell that holds a town is in the town's region (of two towns, the more populous one's:
    # the Bamako district, smaller than a cell, is Bamako's cell), for it stands at the town
    # (``places_km``). At 0.5 degree Anefis's cell has its centre in the Gao region: until model
    # 0.62.0 the abuses of the column waiting at Anefis for Kidal were booked to the Gao region,
    # on the finer grid to Kidal's. A loop, smallest first, so the largest is written last.
    for i in np.argsort(towns["population"].to_numpy(), kind="stable"):
        region[tx[i], ty[i]] = region_codes[i]
    unassigned = in_mali & (region < 0)
    if unassigned.any():
        _, (ix, iy) = ndimage.distance_transform_edt(region < 0, return_indices=True)
        region[unassigned] = region[ix[unassigned], iy[unassigned]]
    region[~in_mali] = -1
    zone_of_region = np.full(len(REGIONS) + 1, -1, dtype=np.int8)  # last slot: code -1
    for zcode, zname in enumerate(ZONES):
        for rname in shapes["zones"][zname]:
            zone_of_region[REGIONS.index(rname)] = zcode
    zone = zone_of_region[region]

    # Terrain, from latitude bands and two hand-drawn polygons.
    terrain = np.full((width, height), TERRAIN.index("sahel"), dtype=np.int8)
    terrain[lat_c < SAVANNA_LAT] = TERRAIN.index("savanna")
    terrain[lat_c >= DESERT_LAT] = TERRAIN.index("desert")
    terrain[_rasterise([DELTA_POLYGON], lon_c, lat_c)] = TERRAIN.index("delta")
    terrain[_rasterise([MASSIF_POLYGON], lon_c, lat_c)] = TERRAIN.index("massif")

    # Roads: the straight line of cells between the two towns of each link.
    road = np.zeros((width, height), dtype=bool)
    fx = (towns["lon"].to_numpy() - lon_min) / resolution
    fy = (towns["lat"].to_numpy() - lat_min) / resolution
    pos = {tid: i for i, tid in enumerate(towns.index)}
    for a, b in zip(roads["from"], roads["to"], strict=True):
        i, j = pos[a], pos[b]
        xs, ys = _line_cells(fx[i], fy[i], fx[j], fy[j])
        road[np.clip(xs, 0, width - 1), np.clip(ys, 0, height - 1)] = True

    # Movement cost.
    factors = np.array([TERRAIN_MOVE_FACTOR[t] for t in TERRAIN])
    cell_km = (
        resolution * 0.5 * (KM_PER_DEG_LAT + KM_PER_DEG_LON_EQ * math.cos(math.radians(MEAN_LAT)))
    )
    move_cost = cell_km * factors[terrain] * np.where(road, ROAD_MOVE_FACTOR, 1.0)

    # Borders and sanctuary.
    border_km, nearest_segment = _segment_distances(lon_c, lat_c, outline)
    burkina = (lat_c < TRIPOINT_BFA_NER[1]) & (
        lon_c < TRIPOINT_BFA_NER[0] + BFA_NER_SLOPE * (TRIPOINT_BFA_NER[1] - lat_c)
    )
    neighbour = _segment_neighbours(outline)[nearest_segment]
    # Only cells whose nearest segment faces Niger: until model 0.44.0 every cell south of 15 N
    # and west of the line was Burkina's, Guinea's, Cote d'Ivoire's and Senegal's too.
    niger = neighbour == NEIGHBOURS.index("niger")
    neighbour[burkina & niger] = NEIGHBOURS.index("burkina_faso")
    faces_sanctuary = np.isin(neighbour, [NEIGHBOURS.index(n) for n in sanctuaries])
    sanctuary = ~in_mali & faces_sanctuary & (border_km <= sanctuary_km)
    kx = KM_PER_DEG_LON_EQ * math.cos(math.radians(MEAN_LAT))
    centres_km = np.column_stack([lon_c.ravel() * kx, lat_c.ravel() * KM_PER_DEG_LAT])
    if sanctuary.any():
        to_band, _ = cKDTree(centres_km[sanctuary.ravel()]).query(centres_km)
        to_band = to_band.reshape(width, height)
    else:
        to_band = np.full((width, height), np.inf)
    sanctuary_distance_km = np.where(
        sanctuary, 0.0, np.where(faces_sanctuary, border_km, np.maximum(to_band, border_km))
    )

    # Refuges inside Mali (sim/data/refuges.csv): the cells whose centre lies within a refuge's
    # radius, and the cell of its centre whatever the resolution.
    table = pd.read_csv(DATA_DIR / "refuges.csv")
    table = table[table["id"].isin(refuges)]
    refuge = np.zeros((width, height), dtype=bool)
    for lat, lon, km in zip(table["lat"], table["lon"], table["radius_km"], strict=True):
        refuge |= np.hypot((lon_c - lon) * kx, (lat_c - lat) * KM_PER_DEG_LAT) <= km
    refuge[cells_of(table["lon"], table["lat"])] = True
    refuge &= in_mali

    # Population: towns in their cells, the rest of each region's census total spread by
    # terrain weight (x2 on roads). If a region's towns exceed its total, they are scaled down.
    population = np.zeros((width, height))
    urban_people = np.zeros((width, height))
    town_pop = towns["population"].to_numpy(dtype=float)
    town_region = region[tx, ty]
    rural_w = np.array([TERRAIN_RURAL_WEIGHT[t] for t in TERRAIN])[terrain] * np.where(
        road, ROAD_RURAL_WEIGHT, 1.0
    )
    for code, total in ((REGIONS.index(k), v) for k, v in _region_totals().items()):
        mine = town_region == code
        urban = town_pop[mine].sum()
        scale = min(1.0, total / urban) if urban > 0 else 1.0
        np.add.at(urban_people, (tx[mine], ty[mine]), town_pop[mine] * scale)
        np.add.at(population, (tx[mine], ty[mine]), town_pop[mine] * scale)
        cells = region == code
        weight = np.where(cells, rural_w, 0.0)
        if weight.sum() > 0:
            population += weight / weight.sum() * max(total - urban, 0.0)

    # Nearest town to each cell centre (local km projection).
    tree = cKDTree(np.column_stack([towns["lon"] * kx, towns["lat"] * KM_PER_DEG_LAT]))
    _, nearest = tree.query(np.column_stack([lon_c.ravel() * kx, lat_c.ravel() * KM_PER_DEG_LAT]))
    nearest_town_index = nearest.reshape(width, height)

    for array in (
        in_mali,
        region,
        zone,
        terrain,
        population,
        urban_people,
        road,
        border_km,
        sanctuary,
        sanctuary_distance_km,
        move_cost,
        refuge,
        nearest_town_index,
    ):
        array.setflags(write=False)
    return Geography(
        resolution=resolution,
        lon0=lon_min,
        lat0=lat_min,
        width=width,
        height=height,
        in_mali=in_mali,
        region=region,
        zone=zone,
        terrain=terrain,
        population=population,
        urban=urban_people,
        road=road,
        border_km=border_km,
        sanctuary=sanctuary,
        sanctuary_distance_km=sanctuary_distance_km,
        move_cost=move_cost,
        refuge=refuge,
        towns=towns,
        roads=roads,
        nearest_town_index=nearest_town_index,
        sanctuary_km=sanctuary_km,
    )
