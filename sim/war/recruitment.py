"""Recruitment: insurgents recruit from the people they can reach; the state sends its reserve.

Daily recruits are Poisson around ``recruit_rate`` per 1,000 weighted people
(``sim.society.recruitment_weight``: the people of the communities it recruits from
(``recruits_from``, ``sim.communities``), grievance, the state's lack of legitimacy,
where the faction's networks are (``sim.war.insurgency.networks``), at
``recruitment_under_state`` where the state controls the cell), times what money does
(``sim.war.economy``: a full purse draws men, an empty one turns them away), bounded by the
faction's ceiling. A town a side rules (its ``town_rule``) weighs
``insurgency.recruitment_in_held_towns`` times its people more while the side holds it (5 in
the library since model 0.61.0: the jihadists' Gao and Timbuktu of 2012). They gather in a
pool and take the field as a new band once they number half a unit, at a cell drawn in
proportion to the weight: where grievance is, bands appear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import communities, society
from sim.geography import ZONES
from sim.scenario import FACTIONS
from sim.war import insurgency, regime
from sim.war.control import STATE
from sim.war.posture import Posture

if TYPE_CHECKING:
    from sim.model import MaliConflictModel

INSURGENTS = insurgency.INSURGENTS


class RecruitmentPool:
    """Recruits waiting to take the field, where they came from, and where recruits can be had.

    Attributes:
        pool: faction -> recruits gathered but not yet in the field.
        by_zone: faction -> zone -> recruits drawn from it so far.
        weights: faction -> (weight per cell, its total); None when it must be redrawn.
        zone_shares: faction -> zone -> share of the weight in that zone.

    """

    def __init__(self):
        self.pool = dict.fromkeys(FACTIONS, 0.0)
        self.by_zone = {f: dict.fromkeys(ZONES, 0.0) for f in FACTIONS}
        self.weights: dict[str, tuple[np.ndarray, float]] | None = None
        self.zone_shares: dict[str, dict[str, float]] = {}

    def refresh_weights(self, model: MaliConflictModel) -> None:
        """Each insurgent faction's recruitment weight per cell, its total and its zones' shares."""
        pop = model.config.population
        zone = model.geo.zone
        self.weights = {}
        self.zone_shares = {}
        in_towns = model.config.insurgency.recruitment_in_held_towns
        for faction in INSURGENTS:
            # Recruits come where the faction's networks are (its governance and its men within
            # reach), not from a fixed list of zones; where the state controls a cell fewer of
            # its would-be recruits get out to join (they once could not at all, so abuses in
            # state-held villages fed no one).
            reachable = insurgency.networks(model, faction) * np.where(
                model.control == STATE, pop.recruitment_under_state, 1.0
            )
            gw = pop.recruitment_grievance_weight if faction == "jihadists" else 0.0
            people = communities.people_of(model, faction)  # of the communities it draws on
            weight = society.recruitment_weight(
                people, model.grievance, model.legitimacy, reachable, gw
            )
            # A town the side rules is a recruiting ground of its own: it pays, it preaches,
            # its youth are in reach (the jihadists' towns of 2012). A side that holds a town
            # by arms alone (town_rule 0) recruits there as in any cell.
            ruled = in_towns * model.config.factions[faction].town_rule
            if ruled > 0:
                for town in model.towns:
                    if town.holder == faction:
                        weight[town.xy] += ruled * town.population
            summed = float(weight.sum())
            self.weights[faction] = (weight, summed)
            total = max(summed, 1e-12)
            self.zone_shares[faction] = {
                name: float(weight[zone == i].sum()) / total for i, name in enumerate(ZONES)
            }


def recruit(model: MaliConflictModel) -> None:
    """A day's recruits for each insurgent faction; once a month the state's reinforcements."""
    recruitment = model.recruitment
    for faction in INSURGENTS:
        doctrine = model.config.factions[faction]
        if doctrine.recruit_rate <= 0:
            continue
        if model.steps % 7 == 1 or recruitment.weights is None:
            recruitment.refresh_weights(model)
        weight, total = recruitment.weights[faction]
        if total <= 0:
            continue
        room = doctrine.ceiling - model.strength(faction) - recruitment.pool[faction]
        paid = model.purses.pay_factor(model, faction)  # money draws recruits (sim.war.economy)
        expected = min(doctrine.recruit_rate * total / 1000.0 * paid, max(room, 0.0))
        drawn = model.rng.poisson(expected) if expected > 0 else 0
        recruitment.pool[faction] += drawn
        # Book each day's recruits to the zones they come from, in proportion to the weight.
        for zone, share in recruitment.zone_shares[faction].items():
            recruitment.by_zone[faction][zone] += drawn * share
        if recruitment.pool[faction] >= doctrine.unit_size / 2:
            men = int(recruitment.pool[faction])
            recruitment.pool[faction] = 0.0
            flat = model.rng.choice(weight.size, p=(weight / total).ravel())
            xy = divmod(int(flat), model.geo.height)
            town = model.towns.at.get(xy)
            held = town is not None and town.holder == faction
            model.spawn(faction, men, xy, Posture.GARRISON if held else Posture.PATROL, "recruits")
    state = model.config.factions["state"]
    if state.reserve > 0 and state.reinforce_rate > 0 and model.steps % 30 == 0:
        reinforce_state(model, int(state.reserve * state.reinforce_rate))


def reinforce_state(model: MaliConflictModel, men: int) -> None:
    """The state sends a month's men from its reserve to a threatened town it holds.

    The town is drawn among the towns it holds, in proportion to the insurgents at war with it
    within reach of each: over the months the army grows where the threat is, most where it is
    greatest. With no town threatened the month's men stay in the reserve; a beaten army sends
    only 1 - ``politics.beaten_caution`` x how beaten it is x (1 - the air cover at the town) of
    them (model 0.52.0), the rest staying in the reserve.

    Until model 0.24.0 every month's men went to the one most threatened town, counting
    insurgents in a truce with the state, so that in the arc the army of 2014 stood
    2,000-4,000 strong in two frontier towns and 100 in Mopti, Gao and Timbuktu. Until model
    0.29.0 only northern and central towns could be reinforced (and with none threatened the
    first of them in the file got the men): bands about a town of the Kayes, Koulikoro or
    Sikasso regions met its post and its police whatever their numbers, and in the arc the
    jihadists who had come south with the offensive of January 2013 grew there unopposed.
    Until model 0.37.0 the capital was left out ("it is where the reserve comes from"), so a
    threat about Bamako drew no one to it.
    """
    state = model.config.factions["state"]
    room = min(
        men,
        state.ceiling - model.strength("state"),
        state.reserve - model.ledger["state"]["reinforcements"],
    )
    if room <= 0:
        return
    held = [t for t in model.towns if t.holder == "state"]
    reach = model.presence.reach
    # Insurgents in a truce with the state threaten no town of its.
    enemies = [s for s in INSURGENTS if model.relations.sides_hostile("state", s)]
    threat = np.array([sum(reach[s][t.x, t.y] for s in enemies) for t in held], dtype=float)
    if threat.sum() <= 0:
        return
    # A month's men go to one town, drawn in proportion to the threat: the most threatened
    # towns get the most over the months, and no one town gets them all.
    town = held[int(model.rng.choice(len(held), p=threat / threat.sum()))]
    # A beaten army keeps its reserve back, as it holds back from attacking, unless aircraft
    # cover the town: the men it does not send stay in the reserve.
    sent = int(room * regime.resolve(model, (town.x, town.y)))
    if sent > 0:
        model.spawn("state", sent, (town.x, town.y), Posture.GARRISON, "reinforcements")
