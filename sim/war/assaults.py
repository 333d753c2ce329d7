"""Assaults: insurgents mass their bands against an isolated post, then melt back.

The wave of 2019 (Dioura in March, Boulkessi and Mondoro in September, Indelimane and Tabankort
in November): hundreds of fighters on motorbikes converge before dawn on an army camp of a
hundred-odd men far from help, overrun it or are beaten off, and are gone before a relief column
or aircraft arrives. MINUSMA's camps were struck the same way (Aguelhok, January 2019), and so
was a column camped in the desert short of its objective (Tinzaouatene, July 2024). The
insurgents do not take the post: the holder keeps it, or what is left of its garrison.

Each day, an insurgent side whose doctrine has an ``assault_rate`` mounts an assault with chance
``assault_rate x (its fighters / 1000) / 365``: the tempo grows with its numbers. Its target is
one of the posts of the state's side it is at war with that it can take on. A post is a town
the state holds, with men of the state or of a partner in it who are at war with the insurgents
(not the capital), or a camp: the cell where the state's columns stand short of their
objective (``Unit.standing``), outside any town of their side. Then:

- the side can mass the bands it can spare (``operations.free_units``), and its allies' (sides
  it fights beside, at war with the state too), each within its own ``raid_range_km`` of the
  post: the MNLA stormed Aguelhok with Ansar Dine and AQIM in January 2012, the CSP fought at
  Tinzaouatene with JNIM beside it;
- the post's defence is its men's power times its walls (``combat.town_defence`` in a town,
  none in a camp in the open), the terrain and the air cover over it, and nothing else: the
  assault is over before help can come;
- a post is a candidate only where the side, or an ally that masses with it, has its networks
  (``guided``: informants and guides, the raids' rule), and if those bands could bring at least
  ``attack_ratio`` times its defence,
  and is chosen among the candidates with a weight of its isolation, ``1 - exp(-d /
  combat.support_scale_km)`` with ``d`` the distance to the nearest other garrison of its side
  (for a camp, to the nearest garrison): posts beside a base are seldom hit, lonely ones often;
  the nearest bands go, until they bring the odds;
- it is overrun (``sim.combat.assault``: ``combat.ambush_catastrophe_share`` of the garrison
  lost on average) with chance isolation x (1 - defence / massed power) x (1 - air cover at the
  post), and otherwise beats the assault off, losing ``combat.ambush_share`` of its men.

The bands stay where they were (no march); their dead are shared by their men.
Nothing here names a place: the danger follows isolation, the bands' numbers and the air.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim import combat
from sim.geography import km_apart_each
from sim.war import casualties, insurgency, irregular, operations, towns
from sim.war.posture import Posture

if TYPE_CHECKING:
    from sim.agents import Unit
    from sim.model import MaliConflictModel


@dataclass(frozen=True)
class Post:
    """A place the insurgents may assault: a town the state holds, or a column's camp.

    Attributes:
        xy: its cell.
        defenders: the men of the state's side in it at war with the attacker.
        walls: the defender's multiplier of the place (``combat.town_defence`` in a town, 1 in a
            camp in the open).
        alone: its isolation (a town's ``isolation``; a camp's ``irregular.remoteness``).
        town: the town's id, or None for a camp.

    """

    xy: tuple[int, int]
    defenders: list[Unit]
    walls: float
    alone: float
    town: str | None = None


def assault_posts(model: MaliConflictModel) -> None:
    """Each insurgent side may mass against an isolated post it can take on (module doc)."""
    for faction in insurgency.INSURGENTS:
        doctrine = model.config.factions[faction]
        if doctrine.assault_rate <= 0:
            continue
        tempo = doctrine.assault_rate * model.strength(faction) / 1000.0 / 365.0
        if model.rng.random() >= min(tempo, 1.0):
            continue
        bands = massing(model, faction)
        if not bands:
            continue
        xy = np.array([u.xy for u in bands])
        power = np.array([u.spare_power() for u in bands])
        range_km = np.array([model.doctrine(u.actor).raid_range_km for u in bands])
        network = guided(model, faction)
        least = model.config.insurgency.raid_network
        candidates = []
        for post in posts(model, faction):
            if network[post.xy] < least:
                continue  # no informants or guides there: the bands would march blind
            apart = km_apart_each(model.place_km, xy, post.xy)
            near = apart <= range_km
            defence = post_defence(model, post, faction)
            if power[near].sum() >= doctrine.attack_ratio * defence:
                candidates.append((post, near, defence, apart))
        weights = np.array([c[0].alone for c in candidates])
        if not candidates or weights.sum() <= 0:
            continue
        post, near, defence, apart = candidates[
            model.rng.choice(len(candidates), p=weights / weights.sum())
        ]
        joining = nearest_enough(apart, power, near, doctrine.attack_ratio * defence)
        chosen = [bands[i] for i in np.flatnonzero(joining)]
        assault(model, faction, post, chosen, float(power[joining].sum()), defence)


def allies(model: MaliConflictModel, faction: str) -> list[str]:
    """The insurgent sides that mass with ``faction``: allied with it and at war with the state."""
    relations = model.relations
    return [
        ally
        for ally in insurgency.INSURGENTS
        if ally != faction
        and relations.allied(ally, faction)
        and relations.sides_hostile(ally, "state")
    ]


def massing(model: MaliConflictModel, faction: str) -> list[Unit]:
    """The bands a side can mass: its own spare ones, then its allies'."""
    bands = operations.free_units(model, faction)
    for ally in allies(model, faction):
        bands += operations.free_units(model, ally)
    return bands


def guided(model: MaliConflictModel, faction: str) -> np.ndarray:
    """Where a side has the networks an assault needs, its own or an ally's that masses with it.

    The raids' rule (``operations.raid_targets``): an insurgent side strikes only where its
    informants, guides and local fighters are (``insurgency.networks``: its governance and its
    men within reach), at least ``insurgency.raid_network`` there.
    """
    network = insurgency.networks(model, faction)
    for ally in allies(model, faction):
        network = np.maximum(network, insurgency.networks(model, ally))
    return network


def posts(model: MaliConflictModel, faction: str) -> list[Post]:
    """The posts of the state's side ``faction`` could assault: its towns, then its camps."""
    found = []
    for town in model.towns:
        if defenders := posts_men(model, town, faction):
            walls = model.config.combat.town_defence
            alone = isolation(model, town, towns.lead(defenders))
            found.append(Post(town.xy, defenders, walls, alone, town.id))
    return found + camps(model, faction)


def camps(model: MaliConflictModel, faction: str) -> list[Post]:
    """Where the state's columns stand in the open short of their objective, by cell.

    A column held back before a defended town (``Unit.standing``) camps in the desert, with no
    walls and as far from help as the nearest garrison: the Tinzaouatene column, July 2024.
    A column standing in a town its side holds is in that town's post.
    """
    if not model.relations.sides_hostile(faction, "state"):
        return []
    standing: dict[tuple[int, int], list[Unit]] = {}
    for unit in model.units:
        if unit.side == "state" and unit.standing and unit.posture == Posture.OFFENSIVE:
            town = model.towns.at.get(unit.xy)
            if town is None or town.holder != "state":
                standing.setdefault(unit.xy, []).append(unit)
    found = []
    for xy, units in standing.items():
        if defenders := at_war_with(model, units, faction):
            alone = float(irregular.remoteness(model, *xy, towns.lead(defenders)))
            found.append(Post(xy, defenders, 1.0, alone))
    return found


def nearest_enough(apart, power, near, needed: float) -> np.ndarray:
    """The bands that go: the nearest first (``apart``, km), until they bring the power needed.

    Ties go by the bands' order.
    """
    order = [i for i in np.argsort(apart, kind="stable") if near[i]]
    joining = np.zeros(len(power), dtype=bool)
    total = 0.0
    for i in order:
        joining[i] = True
        total += power[i]
        if total >= needed:
            break
    return joining


def posts_men(model: MaliConflictModel, town: towns.Town, faction: str) -> list[Unit]:
    """The men of the state's side in a post it holds that are at war with ``faction``.

    Every town the state holds but the capital is a post (``garrison``). Assaults are the
    insurgents' war on the state and its partners; their fights with each other are raids and
    battles (``sim.war.operations``).
    """
    if not model.relations.sides_hostile(faction, "state"):
        return []
    return at_war_with(model, garrison(model, town), faction)


def is_post(town: towns.Town) -> bool:
    """Whether a town is a post of the state's: one it holds, but the capital.

    Bamako is held by all the state has (guards, gendarmes, police), not a post.
    """
    return town.kind != "capital" and town.holder == "state"


def garrison(model: MaliConflictModel, town: towns.Town) -> list[Unit]:
    """The units of the state's side in a post it holds, in the cell's order; none in Bamako."""
    if not is_post(town):
        return []
    return [u for u in model.grid[(town.x, town.y)].agents if u.side == "state"]


def at_war_with(model: MaliConflictModel, units: list[Unit], faction: str) -> list[Unit]:
    """Those of ``units`` still alive whose actor is at war with ``faction``."""
    hostile = model.relations.hostile
    return [u for u in units if u.alive and hostile(u.actor, faction)]


def post_defence(model: MaliConflictModel, post: Post, faction: str) -> float:
    """The post's own defence: its men's power x its walls x terrain x air cover."""
    return (
        sum(u.power() for u in post.defenders)
        * post.walls
        * model.defence_layer[post.xy]
        * model.presence.air_factor("state", *post.xy, against=faction)
    )


def isolation(model: MaliConflictModel, town: towns.Town, actor: str) -> float:
    """0 beside another garrison that would help ``actor``'s men, toward 1 far from any.

    The garrisons are those ``Presence`` counted for support this morning
    (``Presence.garrisons``: a UN camp's are the UN's, the army's the army's and its partners').
    """
    # The rows not at the town's cell, by a mask: the same rows in the same order as a loop
    # over them comparing each as a tuple, at a fraction of its cost.
    garrisons = model.presence.garrisons(actor)
    others = garrisons[(garrisons != town.xy).any(axis=1)]
    if not len(others):
        return 1.0
    km = float(km_apart_each(model.place_km, others, town.xy).min())
    return float(irregular.remote(model, km))


def assault(
    model: MaliConflictModel,
    faction: str,
    post: Post,
    bands: list[Unit],
    massed: float,
    defence: float,
) -> None:
    """One assault on a post (``sim.combat.assault``), booked as an ``assault`` event."""
    cfg = model.config.combat
    defenders = post.defenders
    air = model.presence.air_over(*post.xy, against=faction)
    overrun = post.alone * (1.0 - defence / massed) * (1.0 - air)
    garrison = sum(u.strength for u in defenders)
    attackers = sum(u.strength for u in bands)
    return_fire = combat.return_fire(
        casualties.weighted_firepower(model, defenders),
        sum(u.power() for u in defenders),
        post.walls * model.defence_layer[post.xy],
    )
    losses = combat.assault(
        garrison,
        attackers,
        overrun,
        cfg.ambush_catastrophe_share,
        cfg.ambush_share,
        return_fire,
        model.rng,
    )
    lead = max(defenders, key=lambda u: u.strength).actor
    deaths = {
        **casualties.distribute(bands, losses.attacker),
        **casualties.distribute(defenders, losses.defender),
    }
    casualties.record_engagement(model, "assault", faction, lead, deaths, post.xy, bands, defenders)
