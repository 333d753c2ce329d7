"""The insurgency in the countryside: shadow governance, its spread, and its networks.

Insurgents control and govern rural cells without holding towns (courts, protection, taxes on
herds, markets and traffic). Each insurgent side has a governance layer (0-1 per cell):

- it grows where the side's men within reach outnumber the state's, over
  ``insurgency.governance_growth_days``, and is undone where the state's men (and its
  partners' patrols, which reach further the more risk a partner accepts) dominate, over
  ``governance_decay_days``, as far as the state's officials are at their posts there
  (``sim.war.officials``, model 0.39.0);
- it spreads to neighbouring country (a diffusion, ``governance_spread_km2`` a day, times
  ``0.5 + grievance``): along the seams, faster where people are aggrieved;
- it weighs in the control of a cell (``governance_men`` fighter-equivalents at full
  governance, ``sim.war.control``), so "how far the jihadists spread" is measured, not
  assumed;
- it is where recruits come from (with the side's men within reach, ``network_men``;
  ``sim.war.recruitment``), instead of a fixed list of zones.

The signs the ODD states and the tests check: more insurgent presence and grievance, more
governance and recruits; more state presence, less.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import communities, society
from sim.geography import around
from sim.scenario import FACTIONS
from sim.war import regime
from sim.war.posture import Posture

if TYPE_CHECKING:
    from sim.model import MaliConflictModel

INSURGENTS = ("jihadists", "separatists")


def start_governance(model: MaliConflictModel) -> dict[str, np.ndarray]:
    """Each insurgent side's governance at the start: its starting share where its men reach."""
    start = model.config.insurgency.starting_governance
    reach = model.presence.reach
    return {side: np.where((reach[side] > 0) & model.in_mali, start, 0.0) for side in INSURGENTS}


def networks(model: MaliConflictModel, side: str) -> np.ndarray:
    """Where a side can recruit: its governance and its men within reach, each up to one."""
    men = model.presence.reach[side] / model.config.insurgency.network_men
    return (model.governance[side] + men).clip(0.0, 1.0)  # np.clip's own call, sooner


def boldness(model: MaliConflictModel, faction: str, xy: tuple[int, int]) -> float:
    """The chance a faction's free band joins an attack on a cell: its aggression, or less.

    An insurgent side masses less where hostile aircraft cover the target: bands that gather
    in the open are seen and struck before they close (under French air strikes from 11
    January 2013 the jihadists fled Diabaly, Konna and Gao and scattered into the bush and the
    Adrar des Ifoghas: Reuters 2013-01-18, AFP 2013-01-14; with France gone, IS Sahel massed
    against Tessit's camp in August 2022 and the CSP against Bourem's in September 2023).
    ``insurgency.air_deterrence`` says how much; the state's side has no such fear. Sign: more
    hostile air over a target, fewer of the insurgents' bands join an attack on it.

    The state's side fears its own defeats instead (``politics.beaten_caution``, 1 in the
    library since model 0.47.0): a beaten army (``Regime.beaten``) holds back, unless a
    partner's aircraft cover the target.
    """
    aggression = model.config.factions[faction].aggression
    if faction in INSURGENTS:
        air = float(model.presence.air_against[faction][xy])
        return aggression * (1.0 - model.config.insurgency.air_deterrence * air)
    # A beaten army holds back, unless aircraft at war with an insurgent cover the target.
    return aggression * regime.resolve(model, xy)


def govern(model: MaliConflictModel) -> None:
    """A day of shadow governance: it grows, recedes and spreads (numpy on the layers)."""
    cfg = model.config.insurgency
    reach = model.presence.reach
    # The state's men within reach, its partners' patrols over their operating range, and the
    # police of the towns it holds (model 0.37.0: before, a town's police did not contest the
    # country around it, and in the arc the jihadists came to rule Bamako's district).
    # ... as far as the state's officials are there to take the country back (model 0.39.0;
    # sim.war.officials): soldiers who sweep a district and leave undo no court or levy.
    state = model.presence.state_hold()
    # A 3x3 mean's pull is about (2/3) cell^2 times the Laplacian: this rate diffuses at the
    # coefficient given in km2 a day, whatever the cell (capped where a grid is very fine).
    spread = min(0.25, cfg.governance_spread_km2 * 1.5 / model.cell_km**2)
    # What both sides' layers share is computed once, and each side's terms in place: the same
    # operations on the same numbers, in the same order, so the same bits (a x b is b x a).
    outside = ~model.in_mali
    pull = spread * (0.5 + model.grievance)
    for side in INSURGENTS:
        layer = model.governance[side]
        mine = reach[side]
        armed = mine + state
        armed += 1.0
        grow = mine / armed  # none where it has no men within reach (``armed`` is at least 1)
        grow *= 1.0 - layer
        grow /= cfg.governance_growth_days
        recede = np.divide(state, armed, out=armed)
        recede *= layer
        recede /= cfg.governance_decay_days
        grow -= recede
        layer += grow
        if spread > 0:
            gap = society.mean_3x3(layer)  # ndimage.uniform_filter's, size 3
            gap -= layer  # the neighbours' mean over the cell's own
            np.maximum(gap, 0.0, out=gap)
            gap *= pull
            layer += gap
        layer[outside] = 0.0
        layer.clip(0.0, 1.0, out=layer)  # what np.clip calls, without its wrapper


def disperse(model: MaliConflictModel) -> None:
    """Bands spread out to work new country: where insurgents live, dispersed, not massed.

    Each plan, every band (``PATROL``) of a side with a ``spread_km`` that has at least two
    units' men sends one unit's men to the most promising country within ``spread_km``: many
    people to draw from (grievance, the state's lack of legitimacy: the recruitment weight),
    not yet governed by its side, away from the state's men and patrols and from its own bands
    (each within reach counted against ``network_men``). A band left to sit in one place
    governs only the country within its reach; spread out, the same men govern, tax and
    recruit from much more, and are harder to find. Two detachments of one plan do not go to
    the same country. Then the bands rested in the sanctuary come back (``come_back``).
    Deterministic: no draw of the generator.
    """
    bands = {
        side: [
            u
            for u in model.units_of(side)
            if u.posture == Posture.PATROL
            and u.strength >= 2 * model.config.factions[side].unit_size
        ]
        for side in INSURGENTS
        if round(model.config.factions[side].spread_km / model.cell_km) >= 1  # a cell or more
    }
    state = None
    if any(bands.values()):
        state = state_pressure(model)
        for side, spreading in bands.items():
            if spreading:
                send_detachments(model, side, spreading, state)
    come_back(model, state)


def state_pressure(model: MaliConflictModel) -> np.ndarray:
    """One plus the state's side's men, patrols and police within reach over ``network_men``."""
    return 1.0 + model.presence.state_within_reach() / model.config.insurgency.network_men


def prospects(model: MaliConflictModel, side: str, state: np.ndarray) -> np.ndarray:
    """How promising each cell is for a band of ``side`` to work (0 where it may not go).

    Many of the people it recruits from (``recruits_from``; grievance, the state's lack of
    legitimacy: the recruitment weight), not yet governed by its side, along the seams, away
    from the state's men, patrols and police (``state``: one plus those within reach over
    ``insurgency.network_men``) and from its own bands; never a cell where a hostile side's
    men stand or a town it holds.
    """
    cfg = model.config.insurgency
    pop = model.config.population
    gw = pop.recruitment_grievance_weight if side == "jihadists" else 0.0
    ungoverned = 1.0 - model.governance[side]
    prospect = society.recruitment_weight(
        communities.people_of(model, side), model.grievance, model.legitimacy, ungoverned, gw
    )
    # Along the seams: where herders and farmers live side by side (sim.communities.seam).
    prospect *= model.seam / (state * (1.0 + model.presence.reach[side] / cfg.network_men))
    prospect[~model.in_mali] = 0.0
    # Not into the enemy: a detachment sent to work the country does not walk into a town a
    # hostile side holds or a cell where its men stand (a town's people would otherwise draw
    # one a week onto the garrison of Segou; model 0.15.1).
    hostile = [o for o in FACTIONS if model.relations.sides_hostile(side, o)]
    for other in hostile:
        prospect[model.presence.men[other] > 0] = 0.0
    for town in model.towns:
        if town.holder in hostile:
            prospect[town.xy] = 0.0
    return prospect


def best_within(prospect: np.ndarray, xy: tuple[int, int], radius: int) -> tuple[int, int] | None:
    """The most promising cell within ``radius`` cells of ``xy``; None if none is (or it is xy)."""
    rows, cols = around(*xy, radius)
    window = prospect[rows, cols]
    dx, dy = np.unravel_index(int(np.argmax(window)), window.shape)
    target = (rows.start + int(dx), cols.start + int(dy))
    if window[dx, dy] <= 0 or target == xy:
        return None
    return target


def send_detachments(model: MaliConflictModel, side: str, bands: list, state: np.ndarray) -> None:
    """Each band sends one unit to the best prospect within the side's ``spread_km`` of it.

    ``state``: ``state_pressure`` per cell.
    """
    doctrine = model.config.factions[side]
    prospect = prospects(model, side, state)
    radius = round(doctrine.spread_km / model.cell_km)
    for band in bands:
        target = best_within(prospect, band.xy, radius)
        if target is None:
            continue
        part = band.split(doctrine.unit_size)
        part.posture, part.destination = Posture.SPREAD, target
        if not part.can_reach_destination():
            band.absorb(part)
            continue
        prospect[around(*target, model.reach_cells)] = 0.0  # not two to the same country


def come_back(model: MaliConflictModel, state: np.ndarray | None = None) -> None:
    """Bands rested in the sanctuary or a refuge come back to work the country of their people.

    Each plan, every band of an insurgent side that stands beyond Mali's borders or in a refuge
    inside them (it fell back there, ``Unit.retreat``; model 0.41.0 for the refuges) and whose
    cohesion has come back to ``insurgency.rested_morale`` of its doctrine's walks, whole, to
    the most promising country (``prospects``) within ``sanctuary_km`` plus
    ``combat.reach_km`` of it. The sanctuary is a place to rest and re-arm, not to stay, and so
    is a refuge (the Wagadou forest is a "nearly uninhabited zone", Sahel Blog, 2020): the
    jihadists who scattered in 2013 came back to found the Katiba Macina (2015) and the Islamic
    State in the Greater Sahara (2015) inside Mali. Until model 0.38.0 only a raid on a town
    its networks reached could bring a band back, and in the arc some 900-1,500 of the
    jihadists sat beyond the border from 2013 to the end.
    ``state``: ``state_pressure``, if ``disperse`` has it already. Deterministic: no draw of
    the generator.
    """
    config = model.config
    rested = config.insurgency.rested_morale
    radius = round((config.scenario.sanctuary_km + config.combat.reach_km) / model.cell_km)
    for side in INSURGENTS:
        doctrine_morale = config.factions[side].morale
        resting = [
            u
            for u in model.units_of(side)
            if u.posture == Posture.PATROL
            and (not model.in_mali[u.xy] or model.geo.refuge[u.xy])
            and u.morale >= rested * doctrine_morale
        ]
        if not resting:
            continue
        if state is None:
            state = state_pressure(model)
        prospect = prospects(model, side, state)
        for band in resting:
            target = best_within(prospect, band.xy, radius)
            if target is None:
                continue
            band.posture, band.destination = Posture.SPREAD, target
            if not band.can_reach_destination():
                band.posture, band.destination = Posture.PATROL, None
                continue
            prospect[around(*target, model.reach_cells)] = 0.0  # not two to the same country


def dispersed_band_found(model: MaliConflictModel, unit, air_support: float) -> bool:
    """Whether a raiding partner finds a dispersed band (one draw of the model's generator).

    Detection grows with the state's legitimacy where the band is (people tell), with air
    surveillance, and falls with the insurgents' governance there (people keep quiet) and in a
    refuge (``insurgency.refuge_cover``: under the trees of the Wagadou forest "satellites or
    drones cannot spot" a band, Sahel Blog, 2020; model 0.41.0): what lets an insurgency
    survive a stronger force that cannot find it.
    """
    x, y = unit.xy
    cfg = model.config.insurgency
    governed = model.governance[unit.side][x, y] if unit.side in model.governance else 0.0
    chance = cfg.detection * (0.5 + 0.5 * model.legitimacy[x, y]) * (1.0 + air_support)
    chance *= 1.0 - 0.5 * governed
    if model.geo.refuge[x, y]:
        chance *= 1.0 - cfg.refuge_cover  # the cover of a forest, a marsh, a massif
    return bool(model.rng.random() < min(chance, 1.0))
