"""Civilians: abuses against them, and the grievance and legitimacy they leave on the grid.

Abuses are drawn for every unit that could commit one, in one batch a day; grievance spreads
and fades and legitimacy follows the security the state provides, as numpy operations on the
cell layers (``sim.society``). Grievance feeds jihadist recruitment (``sim.war.recruitment``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import society
from sim.war import casualties, militias, patrons
from sim.war.insurgency import INSURGENTS
from sim.war.posture import Posture
from sim.war.presence import cells_of

if TYPE_CHECKING:
    from sim.model import MaliConflictModel


def commit_abuses(model: MaliConflictModel) -> None:
    """A day's violence against civilians by the state's side and by the jihadists.

    A state-side unit whose doctrine allows abuse (``abuse_propensity > 0``), with insurgents
    within reach, commits one with a daily chance set by its propensity, how active it is (all
    its men on the offensive; in garrison those out on patrol, a partner's by the risk it
    accepts) and how many insurgents are near (full at 500). A jihadist unit does with
    ``population.jihadist_abuse_propensity``, scaled by the people near it (full at 20,000).
    Both chances are stated for a unit of ``combat.hazard_men`` men and compound with its men,
    so neither the split of the men nor the grid's resolution changes the violence; people are
    the cell's density over ``population.local_area_km2`` (``model.people_near``). Only units
    in a populated cell (``model.populated``) are asked; their draws come in one
    batch, in the units' order (model 0.27.0; before, a draw a unit, interleaved with the
    deaths of each abuse). Deaths are heavy-tailed: usually a few, rarely hundreds (Moura,
    March 2022).
    """
    side_of = model.side_of
    propensity = {
        a: model.doctrine(a).abuse_propensity for a in model.actors if side_of[a] == "state"
    }
    populated = model.populated
    units = [
        u
        for u in model.units
        if (side_of[u.actor] == "jihadists" or propensity.get(u.actor, 0.0) > 0) and populated[u.xy]
    ]
    if not units:
        return
    # On operations all its men; in garrison, those out on patrol (a partner's, by the risk it
    # accepts): where its doctrine allows abuse, risk brings more of it.
    patrolling = {a: patrons.patrolling(model, a) for a in propensity}
    active = tuple(
        1.0 if u.posture == Posture.OFFENSIVE and not u.standing else patrolling.get(u.actor, 0.0)
        for u in units
    )
    # What the rates read of the layers: their values at the units' cells.
    x, y = cells_of(units)
    reach = model.presence.reach
    at = (model.people_near[x, y], reach["jihadists"][x, y], reach["separatists"][x, y])
    # The rates follow from the units, their activity, the parameters and those values, the
    # chances from the rates and the units' men: on most days all are as the day before, and
    # they are the day before's, the very numbers (``Presence.memos``; men change on more
    # days than the rest, so they are asked apart). Only the draws are new.
    presence = model.presence
    jihadist, rate = presence.memos["abuse rates"].get(
        (
            tuple(units),
            active,
            tuple(propensity.items()),
            model.config.population.jihadist_abuse_propensity,
            tuple(values.tobytes() for values in at),
        ),
        (),
        lambda: abuse_rates(model, units, propensity, active, *at),
    )
    people = at[0]
    men = tuple(u.strength for u in units)
    hazard_men = model.config.combat.hazard_men
    chance = presence.memos["abuse chances"].get(
        (men, hazard_men),
        (rate,),
        lambda: 1.0 - np.exp(-rate * (np.array(men, dtype=float) / hazard_men)),
    )
    for i in np.flatnonzero(model.rng.random(len(units)) < chance):
        unit = units[i]
        if jihadist[i]:
            deaths = society.villagers_killed(model.rng, float(people[i]), 0.7, 1.0, cap=0.02)
            militias.embitter(model, unit.xy, deaths)
        else:
            deaths = society.villagers_killed(model.rng, float(people[i]), 1.3, 1.2)
        casualties.record_abuse(model, unit, deaths)


def abuse_rates(
    model: MaliConflictModel,
    units: list,
    propensity: dict[str, float],
    active: tuple,
    people: np.ndarray,
    jihadists: np.ndarray,
    separatists: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each unit is a jihadist one, and its daily rate of abuse.

    The rate is stated for a unit of ``combat.hazard_men`` men (``commit_abuses``); ``active``
    is the share of each unit's men out among the people (all of a column on the move);
    ``people``, ``jihadists`` and ``separatists``: the people near each unit's cell and the
    insurgents within reach of it.
    """
    side_of = model.side_of
    jihadist = np.array([side_of[u.actor] == "jihadists" for u in units])
    insurgents = jihadists + separatists
    state_rate = np.array(
        [
            propensity.get(u.actor, 0.0) * out  # none for the jihadists
            for u, out in zip(units, active, strict=True)
        ]
    ) * np.minimum(1.0, insurgents / 500.0)
    jihadist_rate = model.config.population.jihadist_abuse_propensity * np.minimum(
        1.0, people / 20000.0
    )
    return jihadist, np.where(jihadist, jihadist_rate, state_rate)


def weekly_rate(daily: float) -> float:
    """A daily pull compounded over a week: at most 1, so a weekly step never overshoots.

    (``7 x daily`` exceeded 1 for a daily rate above 1/7 and made legitimacy oscillate.)
    """
    return 1.0 - (1.0 - daily) ** 7


def update_population(model: MaliConflictModel) -> None:
    """Grievance spreads and fades every day; every week legitimacy follows the state's hold.

    The state's hold is its men, partners' patrols and police within reach as far as its
    officials are at their posts (``Presence.state_hold``; model 0.43.0: before, soldiers alone
    earned it legitimacy, and the rural centre stayed loyal while its sub-prefects fled).
    """
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
            model.presence.state_hold(),
            insurgents,
            model.config.insurgency.network_men,
        )
        society.pull_legitimacy(
            model.legitimacy,
            target,
            model.grievance,
            weekly_rate(pop.legitimacy_rate),
        )
