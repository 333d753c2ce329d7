"""Each side's fighters per cell and within reach of each cell, and what partners add to them.

Refreshed after the day's marches (numpy box sums and filters over the grid): the battles,
ambushes, abuses, recruitment and the control layer read it. Beyond the men of each side it
holds what a foreign partner's doctrine spreads over its operating range (which grows with its
risk tolerance, ``patrons.operating_range_cells``): air cover, escorts for the state's units,
and patrols that count toward the state's hold on the countryside; and how far each cell is from
the nearest garrison of the state's side (support), which makes an ambush far from it deadlier.
"""

from __future__ import annotations

import collections
import functools
import math
from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from sim.scenario import FACTIONS
from sim.war import patrons
from sim.war.posture import Posture

ENEMIES = ("separatists", "jihadists")
"""The insurgent sides, in the order the partners' layers are kept."""

if TYPE_CHECKING:
    from collections.abc import Callable

    from sim.model import MaliConflictModel


def cells_of(units) -> tuple[np.ndarray, np.ndarray]:
    """The units' cells as two integer arrays, rows and columns, to index the grid's layers.

    The same integers as the columns of ``np.array([u.xy for u in units])``, at a third of its
    cost (``np.array`` inspects each nested pair). At least one unit.
    """
    return np.array([u.xy[0] for u in units]), np.array([u.xy[1] for u in units])


class Recent:
    """The last few values made, by key: a key asked for again gets its value, not a new one.

    The least recently asked is dropped once more than ``size`` are kept. Keys are compared,
    not hashed: they hold whole grids' bytes, and a few comparisons that stop at the first
    difference cost less than hashing them. (``functools``'s ``lru_cache`` hashes its keys.)
    """

    def __init__(self, size: int):
        self.size = size
        self._kept: list[tuple] = []  # (key, value), the most recently asked last

    def get(self, key, make: Callable[[], object]):
        """The value kept under ``key``, or ``make()``'s, kept from now on."""
        # The most recently asked first: the key asked is most often one of the last (each key
        # is kept once, so the same one is found in any order).
        for i in range(len(self._kept) - 1, -1, -1):
            kept, value = self._kept[i]
            if kept == key:
                self._kept.append(self._kept.pop(i))
                return value
        value = make()
        self._kept.append((key, value))
        if len(self._kept) > self.size:
            del self._kept[0]
        return value


class SameInputs:
    """One value, kept while what it is made from stays what it was when it was made.

    A process that makes the same arrays from the same units day after day (on most days no
    unit of the state's side moves, fights or changes, and no band moves) asks this for them:
    ``inputs`` are plain values, compared with ``==`` (units, their men, parameters, and the
    values a process reads of the model's layers, as bytes: a layer may be changed in place),
    and ``layers`` are arrays compared by identity, only arrays no one changes in place (a
    value this kept for another process, say). The value kept is the very one ``make`` would
    give. Whoever gets it must not change it.
    """

    def __init__(self):
        self._inputs: tuple | None = None
        self._layers: tuple = ()
        self._value = None

    def get(self, inputs: tuple, layers: tuple, make: Callable[[], object]):
        """The value kept, if ``inputs`` and ``layers`` are as when it was made, else ``make()``."""
        if (
            inputs == self._inputs
            and len(layers) == len(self._layers)
            and all(a is b for a, b in zip(layers, self._layers, strict=True))
        ):
            return self._value
        self._value = make()
        self._inputs, self._layers = inputs, layers  # the layers held: their ids stay theirs
        return self._value


class LastFiltered:
    """Grid filters that remember, under each key, their last inputs and outputs.

    Most of the grids ``Presence`` filters are the same as the day before (units that did not
    march or fight, garrisons that stayed, partners' aircraft at the same bases), and comparing
    two grids costs far less than filtering one: an input equal byte for byte to one of the
    last ``keep`` under its key, filtered with the same parameters, gets a copy of that output,
    the very numbers the filter would give. A copy, so that a caller may change what it gets.

    Args:
        keep: how many of the last inputs and outputs each key keeps.

    """

    def __init__(self, keep: int = 1):
        self.keep = keep
        self._last: dict[str, Recent] = {}

    def __call__(self, key: str, filter_: Callable[..., np.ndarray], grid: np.ndarray, **params):
        """``filter_(grid, **params)``, or a copy of its result if it was filtered lately."""
        signature = (
            filter_,
            grid.shape,
            grid.dtype.str,
            grid.tobytes(),
            tuple(sorted(params.items())),
        )
        recent = self._last.setdefault(key, Recent(self.keep))
        return recent.get(signature, lambda: filter_(grid, **params)).copy()


@functools.lru_cache(maxsize=32)
def gaussian_matrix(cells: int, sigma: float) -> np.ndarray:
    """``gaussian_filter1d`` (zeros beyond the ends) along a line of ``cells`` cells, as a matrix.

    Column ``j`` is the filter's response to one at cell ``j``, so ``matrix @ line`` is the
    filtered line. Read-only: it is shared by every call with the same arguments.
    """
    matrix = ndimage.gaussian_filter1d(np.eye(cells), sigma, axis=0, mode="constant")
    matrix.setflags(write=False)
    return matrix


def smooth(grid: np.ndarray, sigma: float) -> np.ndarray:
    """``ndimage.gaussian_filter(grid, sigma, mode="constant")``, to rounding, faster.

    The filter is linear and separable: one matrix along each axis (``gaussian_matrix``), so
    the grid's filter is two small matrix products. At the Gaussian's usual width (sigma of
    ``hold_km`` 300 over 0.25-degree cells is 11 cells, and ``gaussian_filter`` reaches four
    sigmas each way) the kernel spans the whole grid, and the products (BLAS) cost a seventh of
    filtering line by line; they add the same terms in another order, so the last bit of a
    value may differ from ``gaussian_filter``'s.
    """
    if sigma <= 1e-15:  # gaussian_filter leaves a grid as it is under so small a sigma
        return ndimage.gaussian_filter(grid, sigma, mode="constant")
    width, height = grid.shape
    return gaussian_matrix(width, sigma) @ grid @ gaussian_matrix(height, sigma).T


def box_kernel(half: float) -> np.ndarray:
    """Weights over a line of cells that cover a segment ``2 x half`` cells long, centred.

    The centre cell and the whole cells within ``half`` count fully, the two cells the ends
    fall in by the share of them inside: so the segment is as many km long at any resolution
    (at 0.25 degree and ``reach_km`` 95, seven whole cells).
    """
    if half <= 0.5:
        return np.array([2.0 * half])
    beyond = half - 0.5  # cells' length beyond the centre cell, on each side
    whole = math.floor(beyond)
    edge = beyond - whole
    side = [edge] * (edge > 1e-12) + [1.0] * whole
    return np.array(side + [1.0] + side[::-1])


@functools.lru_cache(maxsize=32)
def box_matrix(cells: int, half: float) -> np.ndarray:
    """:func:`box_kernel` along a line of ``cells`` cells (zeros beyond the ends), as a matrix.

    Column ``j`` is the box's weights around cell ``j``, so ``matrix @ line`` is the line's box
    sums. Read-only: it is shared by every call with the same arguments.
    """
    matrix = ndimage.correlate1d(np.eye(cells), box_kernel(half), axis=0, mode="constant")
    matrix.setflags(write=False)
    return matrix


def box_sum(grid: np.ndarray, half: float) -> np.ndarray:
    """Each cell's sum of ``grid`` over a square of side ``2 x half`` cells around it.

    The box of :func:`box_kernel` along each axis (zeros beyond the grid). A box of whole
    cells (``uniform_filter`` times its area) would round the square to an odd number of
    cells: at 0.5 degree a 7-cell square of 0.25 degree (190 km) becomes 3 cells (163 km), and
    every count of men within reach, and what reads it, shrinks with the cells.

    Two matrix products (``box_matrix``) over the rows and columns of ``grid`` that hold
    something: the grids summed are sparse (a few dozen units on some four thousand cells), and
    this costs about two thirds of two ``correlate1d`` passes (model 0.25.0; the sums are the
    same to rounding).
    """
    width, height = grid.shape
    rows = np.flatnonzero(grid.any(axis=1))
    columns = np.flatnonzero(grid.any(axis=0))
    # ``take`` twice is ``grid[np.ix_(rows, columns)]`` (the same values and layout) at a
    # fraction of its cost.
    return (
        box_matrix(width, half)[:, rows]
        @ grid.take(rows, axis=0).take(columns, axis=1)
        @ box_matrix(height, half)[:, columns].T
    )


def paint_squares(grid: np.ndarray, cells, value, half: int) -> None:
    """Raise ``grid`` to ``value`` over the square of ``half`` cells around each of ``cells``.

    In place. On a grid of zeros this is ``ndimage.maximum_filter`` (size ``2 x half + 1``,
    zeros beyond the edges) of a grid holding ``value`` at those cells, the same numbers: what
    it covers (a partner's few units, the state's air bases) is a handful of cells, and the
    filter passes over the whole grid on every day a partner moves.
    """
    width, height = grid.shape
    for x, y in cells:
        square = grid[
            max(0, x - half) : min(width, x + half + 1),
            max(0, y - half) : min(height, y + half + 1),
        ]
        np.maximum(square, value, out=square)


def straight_km_from(kept: dict, places: np.ndarray, xy: tuple[int, int]) -> np.ndarray:
    """The straight km from every cell's place to ``xy``'s (read-only), kept in ``kept`` by cell."""
    layer = kept.get(xy)
    if layer is None:
        layer = np.sqrt(((places - places[xy]) ** 2).sum(axis=-1))
        layer.setflags(write=False)
        kept[xy] = layer
    return layer


class Presence:
    """Fighters by side per cell (``men``) and within ``reach_km`` (``reach``); partners' reach.

    ``air_against[enemy]`` is the air cover that strikes that enemy side: the partners' at war
    with it, and the state's own from its air bases; ``air_cover`` the most of either.
    ``escort[enemy]`` is the protection partners at war with that enemy give the state's units
    within their operating range
    (``combat.escort_protection x risk``, the most of any partner). ``patrols`` counts a
    partner's men out on patrol (its exposure) toward the state's presence over its operating
    range, thinned by the range's radius over ``reach_km`` (patrols follow tracks, they do not
    fill the box). Support is each side's own (model 0.60.0): ``support_km`` is each cell's
    distance to the nearest garrison of the army and its fighting partners, ``garrison_xy``
    those garrisons' cells; ``keepers_km`` and ``keepers_xy`` the same for the peacekeepers'
    camps, which send the army neither supplies nor men (``support``, ``garrisons``).

    Args:
        model: the model whose units are counted.

    """

    def __init__(self, model: MaliConflictModel):
        self.model = model
        self.men: dict[str, np.ndarray] = {}
        self.reach: dict[str, np.ndarray] = {}
        self.air_cover = np.zeros((model.geo.width, model.geo.height))
        self.air_against: dict[str, np.ndarray] = {}
        self.escort: dict[str, np.ndarray] = {}
        self.patrols = np.zeros((model.geo.width, model.geo.height))
        self.countryside = np.zeros((model.geo.width, model.geo.height))
        self.support_km = np.zeros((model.geo.width, model.geo.height))
        self.garrison_xy = np.zeros((0, 2), dtype=np.intp)
        self.keepers_km = np.full((model.geo.width, model.geo.height), np.inf)
        self.keepers_xy = np.zeros((0, 2), dtype=np.intp)
        self.keepers = frozenset(
            fid for fid, force in model.config.foreign.items() if force.kind == "peacekeeping"
        )
        self._balance: dict[str, np.ndarray] = {}  # side -> today's balance
        self._balance_day = -1
        self._filtered = LastFiltered()
        self._smoothed = LastFiltered(keep=len(ENEMIES))  # the balance's, for each side
        # What the partners' layers and the police within reach were last computed from: a
        # day with the same inputs keeps them (``count_air``, ``refresh_partners``,
        # ``state_within_reach``).
        self._air_inputs: tuple | None = None
        self._partner_inputs: tuple | None = None
        self._police_inputs: tuple | None = None
        self._police: np.ndarray | None = None
        self._men_units: dict[str, tuple] = {}  # side -> its units' cells and men last counted
        self._countryside_inputs: tuple | None = None  # what ``countryside`` is from
        self._support = Recent(12)  # garrisons' cells -> their cells and distance layers
        self._straight_km: dict[tuple[int, int], np.ndarray] = {}  # a cell -> km from every cell
        # process -> what it made of the day's units and layers, kept while they stay the same
        self.memos: dict[str, SameInputs] = collections.defaultdict(SameInputs)

    def refresh(self) -> None:
        """Count each side's fighters per cell and within reach (box sums), and air cover."""
        # Each side's units' cells and men, and the state side's garrisons', as plain lists in
        # the units' order: on most days they are the lists of the day before, and comparing
        # lists costs less than building arrays to compare (arrays are built on a change).
        # Made by list comprehensions, a side at a time: the same lists, in the same order, as
        # one loop appending to six of them, which cost more (some 250 appends a day).
        units = list(self.model.units)
        for side in FACTIONS:
            mine = [u for u in units if u.side == side]
            self.count_side(side, [u.xy for u in mine], [u.strength for u in mine])
        garrisons = [u for u in units if u.side == "state" and u.posture == Posture.GARRISON]
        keepers = self.keepers
        self.count_air()
        self.refresh_partners()
        self.count_countryside([u.xy for u in garrisons], [u.strength for u in garrisons])
        # the garrisons by whom they support (``support``)
        self.count_support(
            [u.xy for u in garrisons if u.actor not in keepers],
            [u.xy for u in garrisons if u.actor in keepers],
        )

    def count_countryside(self, cells: list[tuple[int, int]], men: list[int]) -> None:
        """The state side's men within reach of the countryside (``countryside``).

        A garrison's men count in full on their town's cell and for
        ``insurgency.garrison_reach_share`` of them beyond it: an army that holds its towns and
        camps and seldom leaves them does not contest the villages around. Columns and bands
        count in full; a partner's garrison at its base as the army's (what a partner contests
        in the countryside is its patrols, ``patrols``). At a share of one this is
        ``reach["state"]``.

        Args:
            cells: the cells of the state side's garrisons, in the units' order.
            men: their men.

        """
        share = self.model.config.insurgency.garrison_reach_share
        # The layer follows from the state side's reach (kept by ``count_side`` under the key of
        # its units' cells and men) and from its garrisons' cells and men: on a day none of
        # them changed, it is kept as it was.
        inputs = (self._men_units.get("state"), tuple(cells), tuple(men), share)
        if inputs == self._countryside_inputs:
            return
        self._countryside_inputs = inputs
        if share >= 1.0 or not cells:
            self.countryside = self.reach["state"]
            return
        xy = np.array(cells, dtype=np.intp)
        stay = np.zeros(self.men["state"].shape)
        np.add.at(stay, (xy[:, 0], xy[:, 1]), np.array(men, dtype=float) * (1 - share))
        box = self._filtered("garrisons staying", box_sum, stay, half=self.model.reach_half_cells)
        self.countryside = self.reach["state"] - box + stay
        np.maximum(self.countryside, 0.0, out=self.countryside)

    def count_side(self, side: str, cells: list[tuple[int, int]], men: list) -> None:
        """One side's men per cell (``men``) and within ``reach_km`` (``reach``: box sums).

        Args:
            side: the side.
            cells: its units' cells, in the units' order.
            men: their men.

        """
        model = self.model
        shape = (model.geo.width, model.geo.height)
        # A side whose units stand on the same cells with the same men, in the same order, as
        # when it was last counted (on many days) has the same grids: they are kept.
        units = (tuple(cells), tuple(men), model.reach_half_cells)
        if units == self._men_units.get(side):
            return
        self._men_units[side] = units
        grid = np.zeros(shape)
        # A side with no units has zero sums everywhere: skip the box filter.
        if cells:
            xy = np.array(cells, dtype=np.intp)
            np.add.at(grid, (xy[:, 0], xy[:, 1]), np.array(men, dtype=float))
            # (not through ``_filtered``: the units' key above already finds the days the grid
            # is the same)
            reach = box_sum(grid, half=model.reach_half_cells)
        else:
            reach = np.zeros(shape)
        self.men[side] = grid
        self.reach[side] = reach

    def count_air(self) -> None:
        """The air cover against each insurgent side (``air_against``) and the most (``air_cover``).

        A partner's aircraft strike only an enemy it is at war with: peacekeepers' helicopters
        cover the state against the jihadists, not against the separatists (the ODD). The
        state's own aircraft and drones fly from the air bases it holds (none in a truce).
        Each cell gets the most air support of the aircraft over it: the square within
        ``air_radius_km`` of each partner's unit and air base (``paint_squares``). Kept as it
        was on a day when none of what it is computed from changed (most days: partners stay at
        their bases).
        """
        model = self.model
        state = model.config.factions["state"]
        hostile = model.relations.hostile
        aircraft = tuple(
            (force.air_support, tuple(hostile(fid, e) for e in ENEMIES), units)
            for fid, force in model.config.foreign.items()
            if (units := tuple(u.xy for u in model.units_of(fid)))
        )
        bases = tuple(
            model.towns[tid].xy for tid in state.air_bases if model.towns[tid].holder == "state"
        )
        state_air = tuple(hostile("state", e) for e in ENEMIES)
        inputs = (aircraft, state.air_support, bases, state_air, model.air_cells)
        if inputs == self._air_inputs:
            return
        self._air_inputs = inputs
        self.air_against = {}
        shape = (model.geo.width, model.geo.height)
        for e, enemy in enumerate(ENEMIES):
            air = np.zeros(shape)
            for support, at_war, cells in aircraft:
                if at_war[e]:
                    paint_squares(air, cells, support, model.air_cells)
            if state.air_support > 0 and state_air[e]:
                paint_squares(air, bases, state.air_support, model.air_cells)
            self.air_against[enemy] = air
        self.air_cover = np.maximum(self.air_against["separatists"], self.air_against["jihadists"])

    def count_support(self, army_cells: list, camp_cells: list) -> None:
        """Each cell's km to the nearest garrison of each kind (``support_km``, ``keepers_km``).

        Args:
            army_cells: the cells of the garrisons of the army and its fighting partners.
            camp_cells: the cells of the peacekeepers' camps.

        """
        # Garrisons seldom move: on a day they stand on the same cells as when the distances
        # were last computed, both layers are kept (the cells sorted row by row, the order
        # ``np.argwhere`` gives them in); and a post left and manned again (a garrison that
        # goes out and comes back) finds its layers among the last few sets of cells. The
        # layers are read-only, so that keeping them shares no one's edits.
        army = tuple(sorted(set(army_cells)))
        self.garrison_xy, self.support_km = self._support.get(army, lambda: self.support_from(army))
        camps = tuple(sorted(set(camp_cells)))
        self.keepers_xy, self.keepers_km = self._support.get(
            camps, lambda: self.support_from(camps)
        )

    def support(self, actor: str) -> np.ndarray:
        """The km from each cell to the nearest garrison that would help ``actor``'s units.

        Support is each side's own: a peacekeepers' camp sends its convoys help and the army
        none (MINUSMA's camps supplied MINUSMA; the army's columns were supplied from its own
        garrisons), and the army's garrisons and its fighting partners' bases help each other.
        Until model 0.60.0 every garrison of the state's side helped everyone, so that a column
        camped beside the UN's camp in Kidal needed no supply line.
        """
        return self.keepers_km if actor in self.keepers else self.support_km

    def garrisons(self, actor: str) -> np.ndarray:
        """The cells of the garrisons that would help ``actor``'s units (``support``)."""
        return self.keepers_xy if actor in self.keepers else self.garrison_xy

    def support_from(self, cells: tuple) -> tuple[np.ndarray, np.ndarray]:
        """The garrisons' cells as an array and each cell's distance to the nearest (km).

        The km between places (``model.place_km``: a town's cell at the town), straight: the
        same km at any cell size, as the ranges are since model 0.57.0. Until model 0.58.0 they
        were counted between the cells' centres, so that at 0.5 degree a column camped by Kidal
        stood up to 40 km nearer or farther from Anefis's garrison than at 0.25.

        The least of each garrison's own layer (``straight_km_from``): garrisons stand on a few
        dozen cells, and a new set of them is mostly cells seen before. A k-d tree of the garrisons
        queried afresh for each new set (as until 0.64.0's code was sped up) cost some 15 times
        as much, for the same numbers: the square root of the same sum of squares.
        """
        model = self.model
        garrison_xy = np.array(cells, dtype=np.intp).reshape(-1, 2)
        if garrison_xy.size == 0:
            support_km = np.full((model.geo.width, model.geo.height), np.inf)
        else:
            layers = (straight_km_from(self._straight_km, model.place_km, xy) for xy in cells)
            support_km = functools.reduce(np.minimum, layers)
        garrison_xy.setflags(write=False)
        support_km.setflags(write=False)
        return garrison_xy, support_km

    def refresh_partners(self) -> None:
        """Each partner's escorts and patrols over its operating range (risk sets both).

        Kept as they were on a day when none of what they are computed from changed.
        """
        model = self.model
        hostile = model.relations.hostile
        forces = []
        for fid in model.foreign_ids:
            share = patrons.patrolling(model, fid)  # read once for all its units
            forces.append(
                (
                    fid,
                    patrons.risk(model, fid),
                    patrons.operating_range_cells(model, fid),
                    tuple(hostile(fid, e) for e in ENEMIES),
                    # the actor index, not a scan of every unit
                    tuple((u.xy, u.strength * u.exposure(share)) for u in model.units_of(fid)),
                )
            )
        forces = tuple(forces)
        inputs = (forces, model.config.combat.escort_protection, model.reach_half_cells)
        if inputs == self._partner_inputs:
            return
        self._partner_inputs = inputs
        shape = (model.geo.width, model.geo.height)
        self.escort = {enemy: np.zeros(shape) for enemy in ENEMIES}
        self.patrols = np.zeros(shape)
        for fid, risk, range_cells, at_war, units in forces:
            if not units:
                continue
            out = np.zeros(shape)
            for xy, patrolling in units:
                out[xy] += patrolling
            covered = np.zeros(shape, dtype=bool)
            half_cells = max(1, int(round(range_cells)))
            paint_squares(covered, [xy for xy, _ in units], True, half_cells)
            for e, layer in enumerate(self.escort.values()):
                if at_war[e]:
                    np.maximum(
                        layer,
                        np.where(covered, model.config.combat.escort_protection * risk, 0),
                        out=layer,
                    )
            # The patrols' square is the range's in km (not rounded to whole cells), thinned
            # by reach over range: the same at any resolution.
            half = max(1.0, range_cells) + 0.5
            box = self._filtered(f"patrols {fid}", box_sum, out, half=half)
            self.patrols += box * min(1.0, model.reach_half_cells / half)

    def balance(self, side: str) -> np.ndarray:
        """Hostile over own fighting power in the country around each cell, for an insurgent side.

        Fighting power is men x (0.25 + morale), as ``towns.mean_morale`` weighs it; the state's
        side counts times its air cover against this side over the cell (``air_factor``); only
        units at war with the side are hostile, and its allies count with it. Both are smoothed
        by a Gaussian of ``insurgency.hold_km`` (in cells, so the same at any resolution): the
        power that could come back for a town within some days' march. The state's side also
        counts the police and gendarmes of the towns it holds (``insurgency.guards_per_1000``
        of their people). Computed once a day.
        """
        model = self.model
        if self._balance_day != model.steps:
            self._balance, self._balance_day = {}, model.steps
        if side in self._balance:
            return self._balance[side]
        relations = model.relations
        shape = (model.geo.width, model.geo.height)
        own, state_side, insurgents = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        # Which grid each actor's units count in (none: neither allied nor at war), asked once
        # an actor, not once a unit.
        grid_of = {}
        for actor in model.units_by_actor:
            actor_side = model.side_of[actor]
            if relations.allied(actor_side, side):  # its own side too
                grid_of[actor] = own
            elif relations.hostile(actor, side):
                grid_of[actor] = state_side if actor_side == "state" else insurgents
        for unit in model.units:
            grid = grid_of.get(unit.actor)
            if grid is not None:
                grid[unit.xy] += unit.strength * (0.25 + unit.morale)
        # The towns the state's side holds keep police, gendarmes and officials, even with no
        # army in them: a band does not settle in Bamako because its garrison went north.
        if relations.sides_hostile("state", side):
            self.add_police(state_side, 0.25 + model.config.factions["state"].morale)
        sigma = model.config.insurgency.hold_km / model.cell_km
        # Kept for both insurgent sides under one key: on a day both are asked about, the
        # state's side is often the same grid for each, and so are their own when allied.
        own, state_side, insurgents = (
            self._smoothed(f"balance {name}", smooth, g, sigma=sigma)
            for name, g in (("own", own), ("state", state_side), ("insurgents", insurgents))
        )
        # ``air_factor``'s multiplier, over the grid.
        air = 1.0 + (model.config.combat.air_multiplier - 1.0) * self.air_against[side]
        ratio = (state_side * air + insurgents) / np.maximum(own, 1e-9)
        self._balance[side] = ratio
        return ratio

    def state_hold(self) -> np.ndarray:
        """The state's hold on each cell's countryside: ``state_within_reach`` x its officials.

        Its men, partners' patrols and police count as far as its officials (``model.officials``,
        ``sim.war.officials``) are there to govern behind them: soldiers who sweep a district
        and leave bring back no court or sub-prefect. What undoes the insurgents' governance
        (``insurgency.govern``, model 0.39.0) and what earns the state legitimacy
        (``civilians.update_population``, model 0.43.0).
        """
        return self.state_within_reach() * self.model.officials

    def state_within_reach(self) -> np.ndarray:
        """The state's side's men within reach of each cell: its own, partners' patrols, police.

        The towns' police and gendarmes (``add_police``) are summed over the same square as
        the units' men (``box_sum``).
        """
        model = self.model
        # The police within reach change only when a town changes hands (a town's people are
        # fixed): kept, keyed on who holds the towns.
        inputs = (
            tuple(town.holder == "state" for town in model.towns),
            model.config.insurgency.guards_per_1000,
            model.reach_half_cells,
        )
        if inputs != self._police_inputs:
            police = np.zeros(model.in_mali.shape)
            self.add_police(police)
            self._police = box_sum(police, half=model.reach_half_cells)
            self._police_inputs = inputs
        return self.countryside + self.patrols + self._police

    def add_police(self, grid: np.ndarray, weight: float = 1.0) -> None:
        """Add to ``grid`` the police and gendarmes of each town the state holds, times ``weight``.

        ``insurgency.guards_per_1000`` of the town's people, on the town's cell: the state holds
        its towns with police, gendarmes and officials even when its army is elsewhere.
        """
        per_1000 = self.model.config.insurgency.guards_per_1000
        towns = self.model.towns
        held = np.array([town.holder == "state" for town in towns], dtype=bool)
        cells = towns.cells[held]
        # In the towns' order, as a loop adding each town's police in turn would.
        np.add.at(grid, (cells[:, 0], cells[:, 1]), towns.census[held] * per_1000 / 1000 * weight)

    def air_over(self, x: int, y: int, against: str | None = None) -> float:
        """The air cover (0-1) over a cell.

        Against a given enemy side, only the air at war with it counts (a partner's, or the
        state's own from its air bases); with no enemy named, any.
        """
        layer = self.air_cover if against is None else self.air_against.get(against, self.air_cover)
        return float(layer[x, y])

    def air_factor(self, side: str, x: int, y: int, against: str | None = None) -> float:
        """Effective-strength multiplier of the state's side from the air cover over a cell.

        ``air_over`` says which air counts; other sides have none.
        """
        if side != "state":
            return 1.0
        multiplier = self.model.config.combat.air_multiplier
        return 1.0 + (multiplier - 1.0) * self.air_over(x, y, against)
