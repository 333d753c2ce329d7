"""Each side's fighters per cell and within reach of each cell, and the partners' air cover.

Refreshed after the day's marches (numpy box sums over the grid): the battles, ambushes, abuses,
recruitment and the control layer read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from sim.scenario import FACTIONS

if TYPE_CHECKING:
    from sim.model import MaliConflictModel


class Presence:
    """Fighters by side per cell (``men``) and within ``reach_km`` (``reach``); air cover.

    ``air_against[enemy]`` is the partners' air cover that strikes that enemy side;
    ``air_cover`` the most of any partner's.

    Args:
        model: the model whose units are counted.

    """

    def __init__(self, model: MaliConflictModel):
        self.model = model
        self.men: dict[str, np.ndarray] = {}
        self.reach: dict[str, np.ndarray] = {}
        self.air_cover = np.zeros((model.geo.width, model.geo.height))
        self.air_against: dict[str, np.ndarray] = {}

    def refresh(self) -> None:
        """Count each side's fighters per cell and within reach (box sums), and air cover."""
        model = self.model
        geo = model.geo
        units = list(model.units)
        size = 2 * model.reach_cells + 1
        self.men = {}
        self.reach = {}
        xy = np.array([u.xy for u in units], dtype=np.intp).reshape(-1, 2)  # int even if empty
        strength = np.array([u.strength for u in units], dtype=float)
        sides = np.array([u.side for u in units])
        shape = (geo.width, geo.height)
        for side in FACTIONS:
            grid = np.zeros(shape)
            mask = sides == side
            # A side with no units has zero sums everywhere: skip the box filter.
            if mask.any():
                np.add.at(grid, (xy[mask, 0], xy[mask, 1]), strength[mask])
                reach = ndimage.uniform_filter(grid, size=size, mode="constant") * size * size
            else:
                reach = np.zeros(shape)
            self.men[side] = grid
            self.reach[side] = reach
        # A partner's aircraft strike only an enemy it is at war with: peacekeepers' helicopters
        # cover the state against the jihadists, not against the separatists (the ODD).
        foreign = model.config.foreign
        hostile = model.relations.hostile
        self.air_against = {}
        for enemy in ("separatists", "jihadists"):
            air = np.zeros((geo.width, geo.height))
            for unit in units:
                if unit.actor in foreign and hostile(unit.actor, enemy):
                    x, y = unit.xy
                    air[x, y] = max(air[x, y], foreign[unit.actor].air_support)
            if model.air_cells and air.any():
                air = ndimage.maximum_filter(air, size=2 * model.air_cells + 1, mode="constant")
            self.air_against[enemy] = air
        self.air_cover = np.maximum(self.air_against["separatists"], self.air_against["jihadists"])

    def air_factor(self, side: str, x: int, y: int, against: str | None = None) -> float:
        """Effective-strength multiplier from a foreign partner's air support over a cell.

        Against a given enemy side, only the air of partners at war with it counts; with no
        enemy named, any partner's.
        """
        if side != "state":
            return 1.0
        layer = self.air_cover if against is None else self.air_against.get(against, self.air_cover)
        multiplier = self.model.config.combat.air_multiplier
        return 1.0 + (multiplier - 1.0) * float(layer[x, y])
