"""Harassment: insurgents fire on the posts of the state's side from a distance, and leave.

Most of the war's acts of violence were not battles. Rockets and mortar rounds fell on
MINUSMA's and Barkhane's camps (Kidal, Tessalit, Aguelhok, Ber, Timbuktu, Gao) and on the
army's posts, shots were fired at a checkpoint at night, a mine was laid at a camp's gate:
events ACLED counts by the hundred a year ("Explosions/Remote violence", "Armed clash"), in
which few or none die. Without them the model's war is a few large fights a year, too deadly
each and too few (the Barkhane calibration's posterior check, docs/CALIBRATION.md).

Each day every post of the state's side (a town it holds, not the capital, with men in it at
war with the side: ``sim.war.assaults.posts_men``) is harassed by an insurgent side with chance
``1 - exp(-harass_rate / 365 x min(its men within reach / 200, 3))``: the tempo follows the
insurgents' numbers around the post, so it grows as they grow. Deaths are few: of mean
``combat.harass_deaths_mean`` among an unprotected post's men, each unit's share by its men and
spared by its own protection (a Western base's walls and counter-battery radars spare it
most). The harassers lose nobody: they are gone before anyone can answer.

Nothing here names a place: the danger follows the insurgents' numbers near a post.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.war import assaults, casualties, insurgency

if TYPE_CHECKING:
    from sim.model import MaliConflictModel

PRESENCE_MEN = 200.0
"""Insurgents within reach of a post at which its harassment runs at the doctrine's rate."""


def harass_posts(model: MaliConflictModel) -> None:
    """A day of fire on the posts (module doc); one batch of draws per insurgent side."""
    # Only a town whose cell holds a unit of the state's side can have men in its post: asking
    # the grid about the others (half the towns on a day of Barkhane) finds none. The posts'
    # units are listed once for both sides; a unit the first side's fire kills stays in the
    # list (each side's posts ask who is alive). Who harasses is asked first: on a day no side
    # does, the posts need not be listed.
    harassing = [
        faction
        for faction in insurgency.INSURGENTS
        if model.config.factions[faction].harass_rate > 0
        and model.relations.sides_hostile(faction, "state")
    ]
    if not harassing:
        return
    # The state's side's units by cell, in the units' order. A post whose cell holds one of
    # them holds just that one; with more, their order is the cell's own (the order they came
    # in, which may differ from the units'), read from the cell as ``assaults.garrison`` does.
    by_cell: dict[tuple[int, int], list] = {}
    for unit in model.units:
        if unit.side == "state":
            by_cell.setdefault(unit.xy, []).append(unit)
    garrisons = []
    for town in model.towns:
        units = by_cell.get(town.xy)
        if units is None or not assaults.is_post(town):
            continue
        if len(units) > 1:
            units = [u for u in units[0].cell.agents if u.side == "state"]
        garrisons.append((town, units))
    for faction in harassing:
        rate = model.config.factions[faction].harass_rate
        # ``assaults.at_war_with`` for each post, with each actor's answer asked once.
        at_war = {a: model.relations.hostile(a, faction) for a in model.units_by_actor}
        posts = [
            (town, men)
            for town, units in garrisons
            if (men := [u for u in units if u.alive and at_war[u.actor]])
        ]
        if not posts:
            continue
        reach = model.presence.reach[faction]
        near = np.array([reach[town.xy] for town, _ in posts])
        chance = 1.0 - np.exp(-rate / 365.0 * np.minimum(near / PRESENCE_MEN, 3.0))
        for i in np.flatnonzero(model.rng.random(len(posts)) < chance):
            harass(model, faction, *posts[i])


def harass(model: MaliConflictModel, faction: str, town, defenders: list) -> None:
    """One harassment of a post, booked as a ``harassment`` event (deaths may be none).

    Each unit in the post is exposed in proportion to its men and spared by its own protection:
    a Poisson draw a unit, of mean ``harass_deaths_mean x its share of the men x (1 -
    protection)``, so the same men split into more units face the same fire.
    """
    # Two towns in one cell share their posts' men: the fire on the first may have killed a
    # unit the second still lists.
    defenders = [u for u in defenders if u.alive]
    if not defenders:
        return
    men = np.array([u.strength for u in defenders], dtype=float)
    spared = np.array([1.0 - u.protection(against=faction) for u in defenders])
    mean = model.config.combat.harass_deaths_mean * men / men.sum() * np.clip(spared, 0.0, 1.0)
    dead = np.minimum(model.rng.poisson(mean), men).astype(int)
    deaths: dict[str, int] = {}
    for unit, n in zip(defenders, dead, strict=True):
        if n:
            deaths[unit.actor] = deaths.get(unit.actor, 0) + int(n)
    lead = max(defenders, key=lambda u: u.strength).actor
    casualties.record_engagement(model, "harassment", faction, lead, deaths, town.xy, [], defenders)
