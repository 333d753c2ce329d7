"""Where each death is applied to the units and booked: the run log, the ledger, the patrons.

Every death in the model happens inside an engagement or an act of violence, which is booked
here once: its deaths come off the units in proportion to their men, the event is logged, and
the patrons and the regime hear of their losses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import combat
from sim.war import patrons
from sim.war.record import MILITIAS

if TYPE_CHECKING:
    from sim.agents import Unit
    from sim.model import MaliConflictModel


def share_out(units: list[Unit], deaths: int) -> list[int]:
    """Deaths of each unit when a group loses ``deaths`` men, in proportion to their strength.

    The last unit takes the rounding remainder; no unit loses more men than it has, so the shares
    may add up to less than ``deaths`` when the group is wiped out.
    """
    total = sum(u.strength for u in units)
    shares = []
    left = deaths
    for i, unit in enumerate(units):
        n = (
            left
            if i == len(units) - 1
            else min(left, round(deaths * unit.strength / max(total, 1)))
        )
        n = min(n, unit.strength)
        left -= n
        shares.append(n)
    return shares


def distribute(units: list[Unit], deaths: int) -> dict[str, int]:
    """A group's deaths by actor, spread over its units in proportion to their men."""
    out: dict[str, int] = {}
    for unit, n in zip(units, share_out(units, deaths), strict=True):
        if n:
            out[unit.actor] = out.get(unit.actor, 0) + n
    return out


def spare_armoured(model: MaliConflictModel, deaths: dict[str, int]) -> dict[str, int]:
    """A battle's dead by actor once armour and care have saved whom they save.

    Each man an enemy's fire would have killed survives with the chance of his force's armour
    (``patrons.armour``, ``combat.thin``); the armies and the insurgents have none. A cautious
    force's armour spares its men in an ambush, a mine strike and a post's harassment
    (``Unit.protection``); so it does in a set battle.
    """
    return {
        actor: combat.thin(n, patrons.armour(model, actor), model.rng)
        for actor, n in deaths.items()
    }


def weighted_firepower(model: MaliConflictModel, units: list[Unit]) -> float:
    """A group's firepower, its actors' doctrines weighted by their men."""
    total = sum(u.strength for u in units)
    return sum(model.doctrine(u.actor).firepower * u.strength for u in units) / max(total, 1)


def record_engagement(
    model: MaliConflictModel,
    event_type: str,
    actor1: str,
    actor2: str,
    deaths: dict[str, int],
    xy: tuple[int, int],
    group1: list[Unit],
    group2: list[Unit],
    civilians: int = 0,
    civilians_killed_by: str | None = None,
) -> None:
    """Apply an engagement's deaths to its units, log the event, feed the patrons' books."""
    for group in (group1, group2):
        for actor in dict.fromkeys(u.actor for u in group):  # in the group's order
            n = deaths.get(actor, 0)
            if not n:
                continue
            mine = [u for u in group if u.actor == actor and u.alive]
            shares = share_out(mine, n)
            left = n - sum(shares)
            for unit, k in zip(mine, shares, strict=True):
                unit.take_losses(k)
                if unit.strength <= 0:
                    unit.remove()
            model.ledger[actor]["deaths"] += n - left
            deaths[actor] = n - left
    total = sum(deaths.values()) + civilians
    if total == 0 and event_type == "battle":
        return
    pop = model.config.population
    # The state's side and the militias (sim.war.militias) leave grievance; the insurgents'
    # own killings do not feed their recruiting.
    if civilians and civilians_killed_by in ("state", MILITIAS, *model.foreign_ids):
        # Grievance is an intensity per place: the same dead weigh less on a larger cell.
        per_area = pop.local_area_km2 / model.cell_km**2
        added = pop.grievance_per_death * civilians * per_area
        model.grievance[xy] = min(1.0, model.grievance[xy] + added)
    lat, lon = model.geo.cell_centre(*xy)
    model.log.event(
        model.date,
        lat,
        lon,
        model.geo.region_name(*xy),
        model.towns.nearest_to(xy).id,
        event_type,
        actor1,
        actor2,
        deaths,
        civilians,
        civilians_killed_by,
    )
    mass = model.config.politics.mass_casualty_threshold
    for fid in model.foreign_ids:
        if deaths.get(fid):
            model.patrons.book_losses(model, fid, deaths[fid], xy)
    if deaths.get("state", 0) >= mass:
        model.regime.defeat()


def record_abuse(model: MaliConflictModel, unit: Unit, deaths: int) -> None:
    """A unit's violence against civilians (``violence_against_civilians``)."""
    record_engagement(
        model,
        "violence_against_civilians",
        unit.actor,
        "civilians",
        {},
        unit.xy,
        [unit],
        [],
        civilians=deaths,
        civilians_killed_by=unit.actor,
    )
