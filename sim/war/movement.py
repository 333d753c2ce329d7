"""Movement: columns and retreating units march along roads and terrain toward their objectives.

Units act (``Unit.march``): each moving unit, in a random order each day, spends its day's
budget of kilometres along the least-cost path (``sim.geography``); convoys on the few northern
roads are predictable, which is what ambushes exploit. Garrisons and bands stay put at no cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model import MaliConflictModel


def march(model: MaliConflictModel) -> None:
    """Every unit with somewhere to go marches, in a random order."""
    model.units.select(lambda unit: unit.mobile).shuffle_do("march")
