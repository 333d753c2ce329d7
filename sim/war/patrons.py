"""Foreign patrons: their forces' arrivals, departures and base closures, and their decisions.

A force arrives on its date (or at the start) at its bases, leaves on a scheduled date, hands
over bases one by one (MINUSMA, 2023), or is withdrawn by its patron's decision. Every
``decision_interval_days`` each patron weighs its recent losses against its commitment and its
client's dependence (``sim.politics``): reinforce, hold, draw down or withdraw.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sim import politics
from sim.war.posture import Posture

if TYPE_CHECKING:
    from sim.model import MaliConflictModel


class ForeignPresence:
    """What the run knows of each foreign force: present or not, and its books.

    Attributes:
        present: force id -> in Mali today.
        withdrawal_date: force id -> the day its patron withdrew it by decision, or None.
        peak_strength: force id -> most men it had in the field.
        present_days: force id -> days in Mali.
        dependence_sum: force id -> sum over its days of the client's dependence on it.
        recent_losses: force id -> (step, deaths, mass casualty?) of its engagements.

    """

    def __init__(self, foreign_ids: list[str]):
        self.present = dict.fromkeys(foreign_ids, False)
        self.withdrawal_date: dict[str, dt.date | None] = dict.fromkeys(foreign_ids, None)
        self.peak_strength = dict.fromkeys(foreign_ids, 0)
        self.present_days = dict.fromkeys(foreign_ids, 0)
        self.dependence_sum = dict.fromkeys(foreign_ids, 0.0)
        self.recent_losses: dict[str, list[tuple[int, int, bool]]] = {f: [] for f in foreign_ids}

    def book_losses(self, model: MaliConflictModel, fid: str, deaths: int) -> None:
        """A force's dead in one engagement; a mass-casualty loss is bad news in Bamako too.

        A patron counts its own dead: the outcome ``mass_casualty_defeat`` and the
        counterfactuals after Tinzaouatene mean the force's own disaster.
        """
        mass = deaths >= model.config.politics.mass_casualty_threshold
        self.recent_losses[fid].append((model.steps, deaths, mass))
        if mass:
            model.regime.defeat()

    def book_day(self, model: MaliConflictModel) -> None:
        """A day in Mali for each present force: its days, the client's dependence, its peak."""
        for fid, present in self.present.items():
            if present:
                self.present_days[fid] += 1
                self.dependence_sum[fid] += dependence(model, fid)
                self.peak_strength[fid] = max(self.peak_strength[fid], model.strength(fid))


def dependence(model: MaliConflictModel, fid: str) -> float:
    """Share of the state side's fighters that a foreign force provides."""
    total = sum(model.strength(a) for a in model.actors if model.side_of[a] == "state")
    return model.strength(fid) / total if total else 0.0


def arrive(
    model: MaliConflictModel, fid: str, initial: bool = False, men: int | None = None
) -> None:
    """A foreign force deploys to its bases (its men shared out evenly).

    An ``arrive`` event with a number of men for a force already in Mali brings those men as
    reinforcements (a surge); a force its patron withdrew does not come back.
    """
    force = model.config.foreign[fid]
    patrons = model.patrons
    if patrons.withdrawal_date[fid] is not None or (patrons.present[fid] and men is None):
        return
    surge = patrons.present[fid]
    men = force.strength if men is None else men
    patrons.present[fid] = True
    bases = force.bases
    for i, tid in enumerate(bases):
        share = men // len(bases) + (1 if i < men % len(bases) else 0)
        town = model.towns[tid]
        book = "start" if initial and not surge else "reinforcements"
        model.spawn(fid, share, (town.x, town.y), Posture.GARRISON, book)
    patrons.peak_strength[fid] = max(patrons.peak_strength[fid], model.strength(fid))


def depart(model: MaliConflictModel, fid: str, decided: bool) -> None:
    """A foreign force leaves: on schedule, or by the patron's decision (a withdrawal)."""
    patrons = model.patrons
    if not patrons.present[fid]:
        return
    for unit in model.units_of(fid):
        model.ledger[fid]["departures"] += unit.strength
        unit.remove()
    patrons.present[fid] = False
    if decided:
        patrons.withdrawal_date[fid] = model.date


def close_base(model: MaliConflictModel, fid: str, tid: str) -> None:
    """A foreign force hands over one base and keeps the others (MINUSMA, August-December 2023).

    Its units in the town leave Mali (``departures``); reinforcements no longer go there. Closing
    its last base is its departure.
    """
    force = model.config.foreign[fid]
    if not model.patrons.present[fid] or tid not in force.bases:
        return
    town = model.towns[tid]
    for unit in list(model.grid[(town.x, town.y)].agents):
        if unit.actor == fid:
            model.ledger[fid]["departures"] += unit.strength
            unit.remove()
    force.bases = [b for b in force.bases if b != tid]
    if not force.bases:
        depart(model, fid, decided=False)


def decide(model: MaliConflictModel) -> None:
    """Each patron reviews its costs: reinforce, hold, draw down or withdraw (sim.politics)."""
    pol = model.config.politics
    patrons = model.patrons
    for fid in model.foreign_ids:
        if not patrons.present[fid]:
            continue
        force = model.config.foreign[fid]
        window = [r for r in patrons.recent_losses[fid] if model.steps - r[0] < pol.memory_days]
        patrons.recent_losses[fid] = window
        strength = model.strength(fid)
        pressure = politics.patron_pressure(
            sum(r[1] for r in window),
            max(strength, 1),
            any(r[2] for r in window),
            pol.loss_sensitivity,
            pol.shock_sensitivity,
        )
        decision = politics.patron_decision(
            force.commitment, pressure, dependence(model, fid), model.rng
        )
        if decision == "reinforce":
            reinforce(model, fid, strength)
        elif decision == "draw_down":
            draw_down(model, fid, strength)
        elif decision == "withdraw":
            depart(model, fid, decided=True)


def reinforce(model: MaliConflictModel, fid: str, strength: int) -> None:
    """The patron sends a share of its ceiling to the force's first base."""
    pol = model.config.politics
    force = model.config.foreign[fid]
    patrons = model.patrons
    men = min(force.ceiling - strength, int(pol.reinforce_share * force.ceiling))
    if men > 0:
        town = model.towns[force.bases[0]]
        model.spawn(fid, men, (town.x, town.y), Posture.GARRISON, "reinforcements")
        patrons.peak_strength[fid] = max(patrons.peak_strength[fid], model.strength(fid))
    # Doubling down spends the shock: the next review weighs new losses only.
    patrons.recent_losses[fid] = []


def draw_down(model: MaliConflictModel, fid: str, strength: int) -> None:
    """The patron sends a share of the force home, smallest units first; below a tenth, all."""
    cut = int(model.config.politics.drawdown_share * strength)
    for unit in sorted(model.units_of(fid), key=lambda u: u.strength):
        take = min(cut, unit.strength)
        cut -= take
        unit.strength -= take
        model.ledger[fid]["departures"] += take
        if unit.strength <= 0:
            unit.remove()
        if cut <= 0:
            break
    if model.strength(fid) < 0.1 * model.config.foreign[fid].strength:
        depart(model, fid, decided=True)
