"""Irregular warfare: the insurgents' ambushes and IEDs against the state's and its partners' units.

The daily chance for a unit grows with the insurgent presence within ``reach_km``, with its
exposure (a column on the move is fully exposed; a garrison only through its patrols, in
proportion to its force's risk-taking), on roads, and near the border sanctuary. A column caught
in an ambush can lose a large share of its men in one engagement (the catastrophic tail of
``sim.combat.ambush``), the likelier the further it is from the nearest garrison of its side
(``combat.support_scale_km``), the more ambushers are massed against the men caught, and near
the sanctuary: a garrison's patrol at its base is not wiped out, a column near the border is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import combat
from sim.geography import cells_apart
from sim.war import casualties, patrons, towns
from sim.war.posture import Posture
from sim.war.presence import cells_of

if TYPE_CHECKING:
    from sim.agents import Unit
    from sim.model import MaliConflictModel


def strike_columns(model: MaliConflictModel) -> None:
    """The insurgents' initiative: each exposed unit of the state's side may be ambushed or mined.

    Draws come in one batch per insurgent faction, in the units' order.
    """
    units = [u for u in model.units if u.side == "state"]
    if not units:
        return
    presence = model.presence
    cfg = model.config
    patrolling = {a: patrons.patrolling(model, a) for a in {u.actor for u in units}}
    exposure = [u.exposure(patrolling[u.actor]) for u in units]
    # What the rates read of the layers: their values at the units' cells.
    x, y = cells_of(units)
    at = {
        "road": model.geo.road[x, y],
        "border": model.near_sanctuary[x, y],
        "support": presence.support_km[x, y],
        "keepers": presence.keepers_km[x, y],
        **{f"reach {f}": presence.reach[f][x, y] for f in STRIKERS},
    }
    if cfg.insurgency.mines_air != 0:  # the air ``mining`` reads over the units: for the key
        at.update({f"air {f}": presence.air_against[f][x, y] for f in STRIKERS})
    # The rates follow from the units, their exposure, the parameters and those values, the
    # chances from the rates and the units' men: on most days all are as the day before, and
    # the rates and chances are the day before's, the very numbers (``Presence.memos``; men
    # change on more days than the rest, so they are asked apart). Only the draws are new.
    inputs = (
        tuple(units),
        tuple(exposure),
        tuple(
            (
                cfg.factions[f].ambush_rate,
                cfg.factions[f].ied_rate,
                {a: model.relations.hostile(f, a) for a in patrolling},
            )
            for f in STRIKERS
        ),
        (cfg.combat.support_scale_km, cfg.insurgency.mines_air),
        tuple((name, values.tobytes()) for name, values in at.items()),
    )
    rates = presence.memos["strike rates"].get(
        inputs, (), lambda: strike_rates(model, units, exposure, at)
    )
    men = tuple(u.strength for u in units)
    hazard_men = cfg.combat.hazard_men
    chances = presence.memos["strike chances"].get(
        (men, hazard_men),
        tuple(a for _, _, ambush_rate, ied_rate in rates for a in (ambush_rate, ied_rate)),
        lambda: strike_chances(rates, men, hazard_men),
    )
    for faction, present, p_ambush, p_ied in chances:
        draws = model.rng.random((2, len(units)))
        for i in np.flatnonzero(draws[0] < p_ambush):
            ambush(model, faction, units[i], float(present[i]))
        for i in np.flatnonzero(draws[1] < p_ied):
            ied(model, faction, units[i])


STRIKERS = ("jihadists", "separatists")
"""The insurgent factions that strike the state's units, in the order they draw."""


def strike_chances(rates: list, men: tuple, hazard_men: int) -> list:
    """``strike_rates``' rates as each unit's chances today, by its men (``daily_chance``)."""
    men = np.array(men, dtype=float)
    return [
        (
            faction,
            present,
            daily_chance(ambush_rate, men, hazard_men),
            daily_chance(ied_rate, men, hazard_men),
        )
        for faction, present, ambush_rate, ied_rate in rates
    ]


def strike_rates(
    model: MaliConflictModel, units: list[Unit], exposure: list[float], at: dict[str, np.ndarray]
) -> list:
    """Each striking faction's men near each unit and its rates of ambushes and of mines.

    As ``(faction, present, ambush_rate, ied_rate)``, in ``STRIKERS``' order, for the factions
    that draw today: those with a rate and men within reach of a unit. The rates are stated per
    ``combat.hazard_men`` men (``daily_chance``). ``at``: the layers' values at the units'
    cells (``strike_columns``). Computed before any strike: what a strike changes (the units'
    men, their posture) is not read here.
    """
    exposure = np.array(exposure)
    road = np.where(at["road"], 1.0, 0.5)
    border = 1.0 + 2.0 * at["border"]
    far = remoteness_of(model, units, at["support"], at["keepers"])
    xy = np.array([u.xy for u in units])  # for ``mining``, on the days the rates are made
    rates = []
    for faction in STRIKERS:
        doctrine = model.config.factions[faction]
        if doctrine.ambush_rate == 0 and doctrine.ied_rate == 0:
            continue
        present = at[f"reach {faction}"]
        if not present.any():
            continue
        at_war = {a: model.relations.hostile(faction, a) for a in {u.actor for u in units}}
        hostile = np.array([at_war[u.actor] for u in units])
        pressure = np.minimum(present / 1000.0, 3.0) * exposure * road * border * hostile
        # A column far from help draws the insurgents to it: they mass to hunt it.
        pressure *= 1.0 + 2.0 * far
        mines = mining(model, faction, xy)
        ambush_rate = doctrine.ambush_rate * pressure
        rates.append((faction, present, ambush_rate, doctrine.ied_rate * pressure * mines))
    return rates


def mining(model: MaliConflictModel, faction: str, xy: np.ndarray):
    """How much of its ``ied_rate`` an insurgent side spends on each cell's road: 0 to 1.

    An insurgency mines the roads of an enemy it cannot meet in the open. Where hostile
    aircraft fly over a column, a band that massed to ambush it would be struck from the air,
    so it lays mines; where none fly, it keeps to ambushes and assaults:
    ``min(1, air / insurgency.mines_air)``, the air against the side there
    (``Presence.air_against``). The insurgents of 2012 beat the army in open fights and laid no
    mines; from 2013, with French aircraft over the columns, mines became their weapon (the
    first, Gao, February 2013, AFP). ``mines_air`` 0: the full rate whatever the air.
    """
    full_at = model.config.insurgency.mines_air
    if full_at == 0:
        return 1.0
    air = model.presence.air_against[faction][xy[:, 0], xy[:, 1]]
    return np.minimum(1.0, air / full_at)


def remoteness(model: MaliConflictModel, x, y, actor: str = "state"):
    """0 at a garrison that helps ``actor``, toward 1 far from any (``combat.support_scale_km``).

    The help is each side's own (``Presence.support``): the army's and its fighting partners'
    garrisons for them, the peacekeepers' camps for the peacekeepers.
    """
    return remote(model, model.presence.support(actor)[x, y])


def remote(model: MaliConflictModel, support_km):
    """``remoteness`` at ``support_km`` from help: ``1 - exp(-km / combat.support_scale_km)``."""
    return 1.0 - np.exp(-support_km / model.config.combat.support_scale_km)


def remoteness_of(
    model: MaliConflictModel, units: list[Unit], support_km: np.ndarray, keepers_km: np.ndarray
) -> np.ndarray:
    """Each unit's ``remoteness`` where it stands, from its own side's help.

    ``support_km`` and ``keepers_km``: ``Presence.support_km`` and ``keepers_km`` at the units'
    cells.
    """
    keepers = np.array([u.actor in model.presence.keepers for u in units])
    return remote(model, np.where(keepers, keepers_km, support_km))


def catastrophe_chance(
    model: MaliConflictModel,
    xy: tuple[int, int],
    men: float,
    exposed: int,
    protection: float,
    actor: str = "state",
) -> float:
    """The chance that an ambush on ``exposed`` men at a cell, by ``men``, is a catastrophe.

    It needs distance from help (no relief column, no medevac in reach: ``remoteness``, from
    the garrisons that would help ``actor``'s men),
    ambushers massed against the men caught, and is likelier by the sanctuary; protection
    spares it. Nothing in it names a place: the danger goes wherever a column goes far from
    support into massed enemies.
    """
    x, y = xy
    far = float(remoteness(model, x, y, actor))
    massed = min(1.0, men / max(exposed, 1))
    chance = (
        model.config.combat.ambush_catastrophe
        * (1.0 + 2.0 * model.near_sanctuary[x, y])
        * far
        * massed
        * (1.0 - protection)
    )
    return min(float(chance), 1.0)


def daily_chance(rate, men, hazard_men: int):
    """A unit's chance of being struck today, for a rate stated per ``hazard_men`` men.

    ``1 - exp(-rate x men / hazard_men)``: two halves of a column face together exactly the
    chance the whole column faces (``1 - (1 - p_half)^2 = p_whole``), so how the same men are
    split into units changes nothing. (The rate was once a chance per unit, whatever its size.)
    """
    return 1.0 - np.exp(-rate * np.asarray(men) / hazard_men)


def nearest_unit(model: MaliConflictModel, actor: str, xy: tuple[int, int]) -> Unit | None:
    """The actor's unit nearest to a cell (Chebyshev distance), or None."""
    mine = model.units_of(actor)
    if not mine:
        return None
    return min(mine, key=lambda u: cells_apart(u.xy, xy))


def ambush(model: MaliConflictModel, faction: str, target: Unit, present: float) -> None:
    """An ambush on a unit where it stands: a column is caught whole, a garrison its patrol."""
    if not target.alive:
        return
    # A column on the move is caught whole; a garrison, or a column in its camp, only loses
    # the patrol that is out, of ``combat.patrol_men`` whatever the size of its force's units.
    caught_whole = target.mobile and not target.standing
    patrol = model.config.combat.patrol_men
    exposed = target.strength if caught_whole else min(target.strength, patrol)
    protection = target.protection(against=faction)
    spring(model, faction, [target], exposed, protection, present, target.xy)


def ambush_together(
    model: MaliConflictModel,
    faction: str,
    columns: list[Unit],
    present: float,
    at: tuple[int, int],
) -> None:
    """An ambush on columns that go in together (an assault on a town): one body, caught whole.

    Met once, whatever the number of columns its men came in: were each met on its own, the
    same men split into more columns would draw more ambushes, and each would cost the
    ambushers their share of all their men (``sim.combat.ambush``). Their protection is the
    columns' own, weighted by their men; the dead are shared out by men.
    """
    columns = [u for u in columns if u.alive]
    if not columns:
        return
    exposed = sum(u.strength for u in columns)
    protection = sum(u.protection(against=faction) * u.strength for u in columns) / exposed
    spring(model, faction, columns, exposed, protection, present, at)


def spring(
    model: MaliConflictModel,
    faction: str,
    targets: list[Unit],
    exposed: int,
    protection: float,
    present: float,
    at: tuple[int, int],
) -> None:
    """The ambush itself, at a cell: ``exposed`` men of ``targets`` caught by the nearest band.

    The ambushers are the faction's band nearest the cell and its allies' men within reach,
    at most the ``present`` men of the faction around; columns whose men lose more than 0.3
    of their number fall back.
    """
    x, y = at
    ambusher = nearest_unit(model, faction, (x, y))
    if ambusher is None:
        return
    cfg = model.config.combat
    reach = model.presence.reach
    allies = [
        f
        for f in ("separatists", "jihadists")
        if f != faction and model.relations.allied(f, faction)
    ]
    men = min(int(present), ambusher.strength + sum(reach[f][x, y] for f in allies))
    catastrophe = catastrophe_chance(model, (x, y), men, exposed, protection, towns.lead(targets))
    losses = combat.ambush(
        exposed,
        max(int(men), 1),
        catastrophe,
        cfg.ambush_catastrophe_share,
        cfg.ambush_share * (1.0 - protection),
        model.rng,
    )
    attacker = min(losses.attacker, ambusher.strength)
    before = sum(u.strength for u in targets)
    casualties.record_engagement(
        model,
        "ambush",
        faction,
        towns.lead(targets),
        {faction: attacker, **casualties.distribute(targets, losses.defender)},
        (x, y),
        [ambusher],
        targets,
    )
    if losses.defender > 0.3 * before:
        for target in targets:
            if target.alive and target.posture == Posture.OFFENSIVE:
                target.retreat()


def ied(model: MaliConflictModel, faction: str, target: Unit) -> None:
    """A mine or roadside bomb on a unit of the state's side."""
    if not target.alive:
        return
    deaths = combat.ied_strike(
        target.strength,
        model.config.combat.ied_deaths_mean,
        target.protection(against=faction),
        model.rng,
    )
    casualties.record_engagement(
        model, "ied", faction, target.actor, {target.actor: deaths}, target.xy, [], [target]
    )
