"""Set battles wherever hostile units share a cell (Lanchester square law, fat-tailed losses).

The attacker is the side that came on the offensive (or the side that is not the town's
holder); the defender enjoys its terrain and, in a town, its fortifications. After each day a
side that is outgunned or has lost too much of its cohesion falls back; a town whose defenders
are gone changes hands.

A unit on its way elsewhere (falling back, walking to new country, or a column marching on
outside a town) meets the enemy in a cell only if its path comes within sight of them: on a
day, with chance ``combat.contact_km`` x its day's march over the cell's area, up to one
(``passing``). A cell is a place only as big as the grid makes it: a column that crosses a
0.5-degree cell without meeting anyone would have crossed one or two of its four 0.25-degree
cells, not the one the enemy held.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import combat
from sim.war import casualties, towns
from sim.war.posture import Posture

PASSING = (Posture.RETREAT, Posture.SPREAD)
"""Postures of units on their way elsewhere, which may pass the enemy in a cell by."""

if TYPE_CHECKING:
    from sim.agents import Unit
    from sim.model import MaliConflictModel


def fight_battles(model: MaliConflictModel) -> None:
    """One day of battle in every cell where hostile sides meet."""
    by_cell: dict[tuple[int, int], list[Unit]] = {}
    for unit in model.units:
        by_cell.setdefault(unit.xy, []).append(unit)
    relations = model.relations
    for xy, units in by_cell.items():
        pairs = hostile_pairs(model, units) if len(units) > 1 else []
        if not pairs:
            continue
        # Those on their way elsewhere may pass by (a draw only where a battle could be).
        met = passing(model, xy, units)
        if len(met) < len(units):
            units, pairs = met, hostile_pairs(model, met)
            if not pairs:
                continue
        # The pair with the most men at stake fights; a third side waits.
        a, b = max(pairs, key=lambda p: sum(u.strength for u in units if u.side in p))
        # Only units at war with someone on the other side fight (peacekeepers stand aside from
        # the state's war on the separatists).
        side_a = [u for u in units if u.side == a]
        side_b = [u for u in units if u.side == b]
        fighting_a = [u for u in side_a if any(relations.hostile(u.actor, v.actor) for v in side_b)]
        fighting_b = [u for u in side_b if any(relations.hostile(u.actor, v.actor) for v in side_a)]
        if fighting_a and fighting_b:
            battle_at(model, xy, fighting_a, fighting_b)


def hostile_pairs(model: MaliConflictModel, units: list[Unit]) -> list[tuple[str, str]]:
    """The pairs of hostile sides among the units of a cell, in a fixed order."""
    # Sorted, not a set: a set of strings iterates in an order that changes with the process's
    # hash seed, and a tie between pairs would go to whichever came first.
    sides = sorted({u.side for u in units})
    hostile = model.relations.sides_hostile
    return [(a, b) for a in sides for b in sides if a < b and hostile(a, b)]


def passing(model: MaliConflictModel, xy: tuple[int, int], units: list[Unit]) -> list[Unit]:
    """The units of a cell that are there for a battle today: those passing through may miss it.

    A unit on its way through the cell (``on_its_way_through``) sweeps a strip
    ``combat.contact_km`` wide along its day's march; whoever the enemy are in the cell, the
    strip finds them with chance ``contact_km x march / area``, the share of the cell it
    covers, up to one. Units of one actor in the same posture going to the same cell march as
    one body: one draw for them all, so the chance does not depend on how their men are split.
    On the 0.25-degree grid (cells of some 735 km2; 28 km x 30 km a day off road is more) every
    such unit meets whoever is in its cell, as it did before model 0.58.0; on a coarser one,
    where the same enemy sits somewhere in four times the country, it meets them as often, in
    the end, as it would crossing the finer cells. No draw is made where the chance is one.
    """
    kept, met = [], {}
    area = model.cell_km**2
    contact = model.config.combat.contact_km
    for unit in units:
        on_its_way = on_its_way_through(model, unit, xy)
        chance = contact * unit.speed_km() / area if on_its_way else 1.0
        if chance < 1.0:
            body = (unit.actor, unit.posture, unit.destination)
            if body not in met:
                met[body] = bool(model.rng.random() < chance)
            if not met[body]:
                continue
        kept.append(unit)
    return kept


def on_its_way_through(model: MaliConflictModel, unit: Unit, xy: tuple[int, int]) -> bool:
    """Whether a unit only crosses its cell today, and may pass the enemy there by.

    A unit falling back or walking to new country (``PASSING``), or a column on the offensive
    marching on (not camped short of its objective, ``standing``) outside a town, moving
    (``mobile``: not halted today) to another cell. A column on the road meets a town's
    garrison: the road goes through the town. Until model 0.62.0 a column on the offensive met
    whoever was anywhere in every cell it crossed: at 0.5 degree the army's columns bound from
    Gao for Kidal met the jihadists' bands of Bourem and Gourma Rharous, in every run, on the
    third day, which at 0.25 degree they passed by (a cell's band sat off their road).
    """
    if not unit.mobile or unit.destination in (None, xy):
        return False
    if unit.posture in PASSING:
        return True
    return unit.posture == Posture.OFFENSIVE and not unit.standing and xy not in model.towns.at


def battle_at(
    model: MaliConflictModel, xy: tuple[int, int], side_a: list[Unit], side_b: list[Unit]
) -> None:
    """One day of battle between two groups of units in a cell."""
    town = model.towns.at.get(xy)
    a_attacks = any(u.posture == Posture.OFFENSIVE for u in side_a)
    b_attacks = any(u.posture == Posture.OFFENSIVE for u in side_b)
    if town is not None and town.holder in (side_a[0].side, side_b[0].side):
        attackers, defenders = (
            (side_b, side_a) if town.holder == side_a[0].side else (side_a, side_b)
        )
    elif a_attacks != b_attacks:
        attackers, defenders = (side_a, side_b) if a_attacks else (side_b, side_a)
    else:
        attackers, defenders = (side_a, side_b) if model.random.random() < 0.5 else (side_b, side_a)
    cfg = model.config.combat
    x, y = xy
    # Each side's air support counts against the enemy it is at war with (peacekeepers' aircraft
    # do not strike the separatists).
    a_side, d_side = attackers[0].side, defenders[0].side
    att_air = model.presence.air_factor(a_side, x, y, against=d_side)
    def_air = model.presence.air_factor(d_side, x, y, against=a_side)
    defence = model.defence_layer[x, y] * (cfg.town_defence if town is not None else 1.0)
    att_power = sum(u.power() for u in attackers) * att_air
    def_power = sum(u.power() for u in defenders) * def_air
    losses = combat.battle(
        att_power,
        def_power,
        sum(u.strength for u in attackers),
        sum(u.strength for u in defenders),
        casualties.weighted_firepower(model, attackers),
        casualties.weighted_firepower(model, defenders),
        defence,
        cfg.loss_sigma,
        model.rng,
    )
    deaths = casualties.distribute(attackers, losses.attacker)
    for actor, n in casualties.distribute(defenders, losses.defender).items():
        deaths[actor] = deaths.get(actor, 0) + n
    deaths = casualties.spare_armoured(model, deaths)
    civilians = collateral(model, x, y, losses.attacker + losses.defender)
    # Civilians caught in the fighting are booked to the side whose fire killed most, air power
    # weighing (it was the attackers' first actor whenever neither side had aircraft).
    attackers_fire, defenders_fire = losses.defender * att_air, losses.attacker * def_air
    killer = towns.lead(attackers if attackers_fire >= defenders_fire else defenders)
    casualties.record_engagement(
        model,
        "battle",
        towns.lead(attackers),
        towns.lead(defenders),
        deaths,
        xy,
        attackers,
        defenders,
        civilians=civilians,
        civilians_killed_by=killer,
    )
    # Who breaks: a side outgunned after the day, or shaken below its cohesion, falls back.
    att_power = sum(u.power() for u in attackers if u.alive) * att_air
    def_power = sum(u.power() for u in defenders if u.alive) * def_air
    att_left = [u for u in attackers if u.alive]
    def_left = [u for u in defenders if u.alive]
    if def_left and def_power * defence * 1.5 < att_power:
        for unit in def_left:
            unit.retreat()
        def_left = []
    elif att_left and att_power < def_power * defence / 1.5:
        for unit in att_left:
            unit.retreat()
        att_left = []
    if (
        town is not None
        and not def_left
        and att_left
        and model.relations.sides_hostile(att_left[0].side, town.holder)
    ):
        towns.capture(model, town, towns.taker(model, att_left, town))
        towns.taken_on_the_way(model, att_left, town)
        for unit in att_left:
            if unit.objective == town.id:
                unit.settle(town)


def collateral(model: MaliConflictModel, x: int, y: int, fighters_killed: int) -> int:
    """Civilians killed in a battle: in proportion to fighters killed and people nearby.

    People nearby are the cell's density over ``population.local_area_km2``, not the cell's
    people, so the same battle kills as many at any resolution.
    """
    people = float(model.people_near[x, y])
    expected = model.config.population.collateral_rate * fighters_killed * people / 1000.0
    return int(model.rng.poisson(min(expected, people * 0.01)))
