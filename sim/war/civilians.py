"""Civilians: abuses against them, and the grievance and legitimacy they leave on the grid.

Abuses are decided by each unit (``Unit.abuse_civilians``); grievance spreads and fades and
legitimacy follows the security the state provides, as numpy operations on the cell layers
(``sim.society``). Grievance feeds jihadist recruitment (``sim.war.recruitment``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import society
from sim.war.insurgency import INSURGENTS

if TYPE_CHECKING:
    from sim.model import MaliConflictModel


def commit_abuses(model: MaliConflictModel) -> None:
    """Violence against civilians by the state's side on operations, and by the jihadists.

    Only units that could abuse are asked, in the units' order: the jihadists' and those of
    the state's side whose doctrine allows it (the others would draw nothing).
    """
    side_of = model.side_of
    abusers = {
        a
        for a in model.actors
        if side_of[a] == "jihadists"
        or (side_of[a] == "state" and model.doctrine(a).abuse_propensity > 0)
    }
    populated = model.populated
    for unit in list(model.units):
        # A unit where too few people are near abuses no one and draws nothing: not asked.
        if unit.actor in abusers and unit.alive and populated[unit.xy]:
            unit.abuse_civilians()


def weekly_rate(daily: float) -> float:
    """A daily pull compounded over a week: at most 1, so a weekly step never overshoots.

    (``7 x daily`` exceeded 1 for a daily rate above 1/7 and made legitimacy oscillate.)
    """
    return 1.0 - (1.0 - daily) ** 7


def update_population(model: MaliConflictModel) -> None:
    """Grievance spreads and fades every day; every week legitimacy follows the state's security."""
    pop = model.config.population
    society.diffuse_and_decay(
        model.grievance, model.in_mali, pop.grievance_spread, pop.grievance_decay_days
    )
    if model.steps % 7 == 0:
        insurgents = sum(
            model.presence.reach[side]
            + model.config.insurgency.governance_men * model.governance[side]
            for side in INSURGENTS
        )
        target = society.legitimacy_target(
            model.legitimacy_base,
            model.presence.state_within_reach(),
            insurgents,
            model.config.insurgency.network_men,
        )
        society.pull_legitimacy(
            model.legitimacy,
            target,
            model.grievance,
            weekly_rate(pop.legitimacy_rate),
        )
