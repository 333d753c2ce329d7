"""Movement: columns and retreating units march along roads and terrain toward their objectives.

Units act (``Unit.march``): each moving unit, in a random order each day, spends its day's
budget of kilometres along the least-cost path (``sim.geography``); convoys on the few northern
roads are predictable, which is what ambushes exploit. Garrisons and bands stay put at no cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.agent import AgentSet

from sim.war.posture import MOVING

if TYPE_CHECKING:
    from sim.model import MaliConflictModel


def march(model: MaliConflictModel) -> None:
    """Every unit with somewhere to go marches, in a random order."""
    # Most days few units move: gather them in one pass (an AgentSet.select would build two
    # sets over every unit each day) and shuffle only when someone does.
    # (The posture asked first, inline: most units are garrisons, and ``mobile`` asks it too.)
    movers = [unit for unit in model.units if unit.posture in MOVING and unit.mobile]
    if movers:
        AgentSet(movers, random=model.random).shuffle_do("march")
