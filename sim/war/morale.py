"""Morale: every unit regains its cohesion after a coup or a defeat, toward its side's level.

A loss shakes a unit's morale in proportion to the share of its men it lost
(``Unit.take_losses``); a coup breaks the army's (``sim.war.calendar.coup``). Every day each
unit of every side, foreign forces included, recovers toward its doctrine's morale with time
constant ``politics.morale_recovery_days``; the army's only as far as it is not beaten
(``sim.war.regime``: towns lost lately). (Only the state's units recovered before model
version 0.3.0, and a foreign force's morale never did.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.model import MaliConflictModel


def recover_morale(model: MaliConflictModel) -> None:
    """Every unit's cohesion moves a day's step back toward its doctrine's morale.

    The step is the gap over ``politics.morale_recovery_days``; the army's is cut to the share
    it is not beaten (``1 - Regime.beaten()``, read once for the day: towns lost lately); the
    others' whatever the army lost.
    """
    unbeaten = 1.0 - model.regime.beaten()
    days = model.config.politics.morale_recovery_days
    level = {actor: model.doctrine_morale(actor) for actor in model.units_by_actor}
    for unit in model.units:
        step = (level[unit.actor] - unit.morale) / days
        if unit.actor == "state":
            step *= unbeaten
        unit.morale += step
