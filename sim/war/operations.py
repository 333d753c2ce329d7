"""Operations: each side's plans, raids and offensives, and garrisons that merge.

Every ``plan_interval_days`` the insurgents and the state send free units against the hostile
towns they can most profitably take (``plan_raids``), foreign forces strike the strongest enemy
unit they can take on at their odds (``foreign_raid``), and units sharing a cell and a posture
merge. An offensive order is a dated event of the scenario (``launch_offensive``): columns
converge on a target town, and the ordering faction claims it (``model.claims``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import combat
from sim.geography import cell_edge_km, km_apart, km_apart_pairs
from sim.scenario import FACTIONS
from sim.war import casualties, insurgency, patrons, towns
from sim.war.posture import Posture

if TYPE_CHECKING:
    from sim.agents import Unit
    from sim.model import MaliConflictModel
    from sim.war.towns import Town

PREFERENCE_KM = cell_edge_km(0.25)
"""The km a raid's planner counts a target's distance in when it weighs near against far."""


def plan(model: MaliConflictModel) -> None:
    """Each side chooses where to attack: insurgents and the state raid, partners strike."""
    for faction in ("separatists", "jihadists"):
        plan_raids(model, faction)
    plan_raids(model, "state")
    for fid in model.foreign_ids:
        if model.patrons.present[fid] and model.config.foreign[fid].kind != "peacekeeping":
            foreign_raid(model, fid)
    merge_garrisons(model)
    insurgency.disperse(model)


def free_units(model: MaliConflictModel, faction: str) -> list[Unit]:
    """Units a faction can send on an unordered attack.

    Insurgent bands and garrison surplus; for the state, only what its garrisons can spare.
    """
    if faction == "state":
        return [
            u for u in model.units_of("state") if u.posture == Posture.GARRISON and u.surplus() > 0
        ]
    return [
        u
        for u in model.units_of(faction)
        if u.posture == Posture.PATROL or (u.posture == Posture.GARRISON and u.surplus() > 0)
    ]


def raid_targets(model: MaliConflictModel, faction: str) -> list[Town]:
    """The hostile towns a faction may raid unordered, before the odds are weighed.

    The state's side leaves alone towns with a UN camp in them. An insurgent side strikes only
    where its networks are (informants, guides, local fighters: those it recruits from, its
    governance and its men within reach), so where it raids spreads with its governance, not
    from a list; and where it would not occupy a town it wins (``towns.takes_towns``), it hits
    garrisons, not empty towns, for there is nothing to take.
    """
    hostile = model.relations.sides_hostile
    targets = [t for t in model.towns if hostile(faction, t.holder)]
    if faction == "state":
        return [t for t in targets if not towns.protected(model, t.x, t.y)]
    if faction not in insurgency.INSURGENTS:
        return targets
    network = insurgency.networks(model, faction)
    least = model.config.insurgency.raid_network
    return [
        t
        for t in targets
        if network[t.x, t.y] >= least
        and (
            towns.takes_towns(model, faction, t)
            or any(u.side == t.holder for u in model.grid[(t.x, t.y)].agents)
        )
    ]


def plan_raids(model: MaliConflictModel, faction: str) -> None:
    """A faction sends its free units against the hostile town it can most profitably take.

    A target is worth attacking when the power the faction (and its allies) can bring within
    ``raid_range_km`` is at least ``attack_ratio`` times the town's defence; among those, the
    faction prefers valuable, near targets. Each free unit joins with chance ``aggression``, less
    for an insurgent under hostile air cover over the target (``insurgency.boldness``).
    An insurgent side raids only towns where its networks are at least ``insurgency.raid_network``.
    """
    doctrine = model.config.factions[faction]
    free = free_units(model, faction)
    if not free:
        return
    relations = model.relations
    # Allies' free bands count toward the odds (they would join), but only this faction's units
    # are ordered here; the ally's own plan sees the same odds.
    allies = [
        u
        for other in FACTIONS
        if other != faction and relations.allied(other, faction)
        for u in free_units(model, other)
    ]
    targets = raid_targets(model, faction)
    if not targets:
        return
    free_xy = [u.xy for u in free]
    free_power = np.array([u.spare_power() for u in free])
    ally_xy = [u.xy for u in allies]
    ally_power = np.array([u.spare_power() for u in allies])
    used = np.zeros(len(free), dtype=bool)
    # Km from the free units and the allies' to every target at once (a column a target),
    # between the cells' places (a town's cell at the town: the range is as many km at any
    # resolution); only targets with a free unit within range are weighed.
    target_xy = [t.xy for t in targets]
    km_all = km_apart_pairs(model.place_km, free_xy, target_xy)
    within = km_all <= doctrine.raid_range_km
    ally_within = km_apart_pairs(model.place_km, ally_xy, target_xy) <= doctrine.raid_range_km
    # Nearer targets are preferred, the km counted in 0.25-degree cells' edges (some 27 km) at
    # any grid: until model 0.62.0 in the grid's own cells, so that at 0.5 degree a far target
    # weighed more against a near one.
    dist_all = km_all / PREFERENCE_KM
    scored = []
    for j in np.flatnonzero(within.any(axis=0)):
        town, dist, near = targets[j], dist_all[:, j], within[:, j]
        defence = max(towns.defence_power(model, town, against=faction), 1.0)
        ally_near = ally_within[:, j]
        ratio = (free_power[near].sum() + ally_power[ally_near].sum()) / defence
        if ratio >= doctrine.attack_ratio:
            scored.append((town.value * min(ratio, 5.0) / (1.0 + dist[near].mean()), town, near))
    scored.sort(key=lambda item: -item[0])
    for _, town, near in scored:
        chance = insurgency.boldness(model, faction, town.xy)
        joining = near & ~used & (model.rng.random(len(free)) < chance)
        if not joining.any():
            continue
        for i in np.flatnonzero(joining):
            send(free[i], town, detach=free[i].posture == Posture.GARRISON)
        used |= joining


def send(unit: Unit, town: Town, detach: bool = False) -> Unit:
    """Order a unit (or its surplus, split off a garrison) against a town."""
    if detach:
        surplus = unit.surplus()
        if surplus <= 0:
            return unit
        unit = unit.split(surplus)
    unit.order_against(town)
    return unit


def launch_offensive(
    model: MaliConflictModel,
    actor: str,
    target: str,
    allies: list[str],
    men: int | None = None,
) -> None:
    """An offensive order (a scenario event): columns converge on a target town.

    The actor commits a share (its aggression; all for a foreign force) of what its units within
    its ``offensive_range_km`` can spare; each allied foreign force that is present joins with a
    share that grows with its risk tolerance (0.2 at none, 1.0 at full), from bases within its
    operating range; an allied faction joins with its aggression (an insurgent's less under
    hostile air, ``insurgency.boldness``). An order that names its men
    (the event's ``value``) takes them from these units with the partners in the lead
    (``named_column``).
    """
    town = model.towns[target]
    if actor in FACTIONS:
        model.claims[target] = actor
    model.campaigns.order(model, actor, target, allies)
    config = model.config
    offered: list[tuple[int, int, Unit, int]] = []  # (distance, order offered, unit, spare men)
    for who in [actor, *allies]:
        if who in config.foreign:
            if not model.patrons.present[who]:
                continue
            # A patron's own ordered operation reaches as far as the state's would; joining the
            # client's offensive is routine work, bounded by its risk-taking.
            own = who == actor
            share = 1.0 if own else 0.2 + 0.8 * patrons.risk(model, who)
            state_range = config.factions["state"].offensive_range_km
            reach = state_range if own else patrons.operating_range_km(model, who)
        else:
            doctrine = config.factions[who]
            share = insurgency.boldness(model, who, town.xy)
            reach = doctrine.offensive_range_km
        for unit in model.units_of(who):
            apart = km_apart(model.place_km, unit.xy, town.xy)
            if unit.posture in (Posture.RETREAT, Posture.OFFENSIVE) or apart > reach:
                continue  # committed elsewhere, or too far
            garrison = unit.posture == Posture.GARRISON
            spare = int(unit.strength * share) if garrison else unit.strength
            if garrison and unit.strength - spare < unit.garrison_need():
                spare = unit.surplus()
            if spare > 0:
                offered.append((apart, len(offered), unit, spare))
    if men is not None:
        offered = named_column(model, offered, men)
    for _, _, unit, spare in offered:
        if spare <= 0:
            continue
        column = unit.split(spare) if spare < unit.strength else unit
        send(column, town)


def named_column(
    model: MaliConflictModel, offered: list[tuple[int, int, Unit, int]], men: int
) -> list[tuple[int, int, Unit, int]]:
    """The men an order that names its size takes from the units offered.

    A partner that accepts risk leads the column: the foreign forces together provide up to
    their (riskiest) risk tolerance's share of the men (Wagner led the FAMa-Wagner column
    toward Tinzaouatene, July 2024, and lost most of its dead), the rest comes from the order's
    factions; within each group every unit gives the same share of what it can spare.
    """
    foreign = model.config.foreign
    partners = [item for item in offered if item[2].actor in foreign]
    others = [item for item in offered if item[2].actor not in foreign]
    lead = max((patrons.risk(model, item[2].actor) for item in partners), default=0.0)
    partner_spare = sum(item[3] for item in partners)
    from_partners = min(partner_spare, round(lead * men))
    other_spare = sum(item[3] for item in others)
    from_others = min(other_spare, men - from_partners)
    if from_others < men - from_partners:  # the factions are short: the partners fill in
        from_partners = min(partner_spare, men - from_others)

    def take(group: list[tuple[int, int, Unit, int]], total: int, want: int):
        share = want / total if total > want else 1.0
        return [(a, b, unit, int(spare * share)) for a, b, unit, spare in group]

    return sorted(
        take(partners, partner_spare, from_partners) + take(others, other_spare, from_others),
        key=lambda item: item[:2],
    )


def foreign_raid(model: MaliConflictModel, fid: str) -> None:
    """A foreign force strikes the strongest hostile unit in Mali it can take on at its odds.

    Units in the sanctuary beyond the borders are out of its reach, as they are out of the
    state side's marches (the ODD's Movement; until model 0.30.0 a force's raids struck bands
    standing across the border: in the arc of 2013-2014 a third of the jihadists France killed).

    Risk tolerance sets both what share of a base goes in on the ground (``0.1 + 0.9 x risk``;
    the rest is air power) and the odds the force demands: effective power at least ``1 + 3 x
    (1 - risk)`` times the target's (4:1 for a cautious force, 1:1 for a reckless one). The
    raider has the initiative, so the target fights back at half its power, times ``0.2 + 0.8 x
    risk`` (a cautious force engages from stand-off); the raider's losses fall on its men on
    the ground, thinned by its armour as a set battle's are (``casualties.spare_armoured``).
    """
    config = model.config
    if model.steps % config.combat.raid_interval_days > config.scenario.plan_interval_days - 1:
        return
    force = config.foreign[fid]
    mine = model.units_of(fid)
    if not mine:
        return
    reach = patrons.operating_range_km(model, fid)
    risk = patrons.risk(model, fid)
    ground = 0.1 + 0.9 * risk
    air = 1.0 + (config.combat.air_multiplier - 1.0) * force.air_support
    odds = 1.0 + 3.0 * (1.0 - risk)
    best, best_power, base = None, 0.0, None
    places = model.place_km
    mine_km = places[tuple(np.array([u.xy for u in mine]).T)]
    for enemy in model.units:
        # Not at war, beyond the border (the sanctuary), or beside a UN camp: not a target.
        if (
            not model.relations.hostile(fid, enemy.actor)
            or not model.in_mali[enemy.xy]
            or towns.protected(model, *enemy.xy)
        ):
            continue
        target_power = enemy.power() * model.defence_layer[enemy.xy]
        if target_power <= best_power:
            continue
        # ``km_apart`` from each of its units to the enemy's cell, at once.
        near = np.abs(mine_km - places[enemy.xy]).max(axis=1) <= reach
        for i, unit in enumerate(mine):
            power = unit.strength * ground * (0.25 + unit.morale) * air
            if near[i] and power >= odds * target_power:
                best, best_power, base = enemy, target_power, unit
                break
    if best is None:
        return
    # A band dispersed in the countryside must first be found (intelligence, cooperation, air
    # surveillance); a garrison or a column on the move is in plain sight.
    if best.posture == Posture.PATROL and not insurgency.dispersed_band_found(
        model, best, force.air_support
    ):
        return
    raiders = max(1, int(base.strength * ground))
    x, y = best.xy
    # The target, caught by surprise, fights back at half its power; less again against a
    # cautious force that engages from stand-off range with armour and aircraft.
    return_fire = 0.5 * (0.2 + 0.8 * risk)
    losses = combat.battle(
        raiders * (0.25 + base.morale) * air,
        return_fire * best.power(),
        raiders,
        best.strength,
        force.firepower,
        model.doctrine(best.actor).firepower,
        model.defence_layer[x, y],
        config.combat.loss_sigma,
        model.rng,
    )
    # Its armour and care spare its men as in any set battle (model 0.64.0; until then a raid's
    # dead were booked as the fire drew them).
    deaths = casualties.spare_armoured(model, {fid: losses.attacker, best.actor: losses.defender})
    casualties.record_engagement(model, "battle", fid, best.actor, deaths, (x, y), [base], [best])


def merge_garrisons(model: MaliConflictModel) -> None:
    """Units of one actor sharing a cell and a posture merge, so a town has one garrison."""
    seen: dict[tuple, Unit] = {}
    for unit in list(model.units):
        if unit.posture not in (Posture.GARRISON, Posture.PATROL):
            continue
        key = (unit.actor, unit.xy, unit.posture)
        if key in seen:
            seen[key].absorb(unit)
        else:
            seen[key] = unit
