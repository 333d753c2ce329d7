"""The borders across which the insurgents find a sanctuary, its refuges inside Mali, and a change.

Which neighbours' border country shelters the insurgents is a sourced input of the scenario
(``scenario.sanctuaries``), and it changed during the war: Burkina Faso's north became the
jihadists' rear base from late 2016 (``scenarios/history_2012_2025.toml`` gives the sources).
A ``set`` event of ``scenario.sanctuaries`` (or ``sanctuary_km``) on a date redraws the band: the
geography for the new borders (``build_geography``, cached), how close each cell is to the
sanctuary (where ambushes are likeliest) and where a beaten band may fall back to. A unit that
stands beyond a border that no longer shelters it is put on the nearest cell of Mali (a
change of borders is rare, and the days it takes to walk there are left out). The refuges
inside Mali (``scenario.refuges``, ``sim/data/refuges.csv``: forests, flooded pastures, a
massif) are drawn and redrawn with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from sim.geography import build_geography
from sim.war.posture import Posture

if TYPE_CHECKING:
    from sim.geography import Geography
    from sim.model import MaliConflictModel
    from sim.scenario import Scenario


def geography(model: MaliConflictModel) -> Geography:
    """The model's geography, for its scenario's resolution, sanctuaries and refuges of today."""
    return geography_of(model.config)


def geography_of(scenario: Scenario) -> Geography:
    """A scenario's geography (built once per set of arguments in a process, then shared)."""
    settings = scenario.scenario
    return build_geography(
        settings.resolution,
        settings.sanctuary_km,
        tuple(sorted(settings.sanctuaries)),
        tuple(sorted(settings.refuges)),
    )


def draw(model: MaliConflictModel) -> None:
    """What the model reads of the sanctuary and the refuges: where they are, how near.

    Closeness to the sanctuary (1 at its edge), the sanctuary's cells, the refuges' cells.
    """
    model.near_sanctuary = np.exp(-model.geo.sanctuary_distance_km / 100.0)
    model.sanctuary_xy = np.argwhere(model.geo.sanctuary)
    model.refuge_xy = np.argwhere(model.geo.refuge)


def redraw(model: MaliConflictModel) -> None:
    """After a change of the sanctuaries: the new geography, and no one left beyond a border.

    A unit on a cell neither in Mali nor in the sanctuary now goes to the nearest cell of
    Mali, as a band in its hinterland (``PATROL``); one heading to such a cell stops there.
    """
    model.geo = geography(model)
    draw(model)
    passable = model.geo.in_mali | model.geo.sanctuary
    _, (nx, ny) = ndimage.distance_transform_edt(~model.geo.in_mali, return_indices=True)
    for unit in list(model.units):
        if not passable[unit.xy]:
            x, y = unit.xy
            unit.cell = model.grid[(int(nx[x, y]), int(ny[x, y]))]
            unit.posture, unit.destination = Posture.PATROL, None
        elif unit.destination is not None and not passable[unit.destination]:
            unit.posture, unit.destination = Posture.PATROL, None
