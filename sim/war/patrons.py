"""Foreign patrons: their forces' arrivals, departures and base closures, and their decisions.

A force arrives on its date (or at the start) at its bases, leaves on a scheduled date, hands
over bases one by one (MINUSMA, 2023), is withdrawn by its patron's decision, or is
re-organised under another name (its men pass to the successor force: Wagner into Africa
Corps). Every
``decision_interval_days`` each patron weighs what it gains against what it pays
(``sim.politics``): its stake (its client's dependence on it, the concessions it holds, the
reputation it has sunk) against the political cost at home of its recent dead, which depends on
the force's kind (a contractor's dead are deniable). Its commitment weighs the two: reinforce,
hold, draw down or withdraw. A quiet review (no cost) still decides: a committed patron sends
men to a client in need, an uncommitted one trims a presence its client no longer needs.

After a mass-casualty defeat a force adapts: for ``politics.adaptation_days`` its risk
tolerance is cut by ``adaptation_cut`` (fewer men on the ground, more from the air, shorter
reach), an ``adaptation`` event in the run's events. ``risk`` is the force's risk tolerance as
the operations read it today.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sim import politics
from sim.geography import cells_apart
from sim.war import control
from sim.war.posture import Posture

if TYPE_CHECKING:
    from sim.agents import Unit
    from sim.model import MaliConflictModel


class ForeignPresence:
    """What the run knows of each foreign force: present or not, and its books.

    Attributes:
        present: force id -> in Mali today.
        withdrawal_date: force id -> the day its patron withdrew it by decision, or None.
        reorganised_date: force id -> the day its men became another force's, or None.
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
        self.adapting_until = dict.fromkeys(foreign_ids, -1)
        self.reorganised_date: dict[str, dt.date | None] = dict.fromkeys(foreign_ids, None)

    def book_losses(
        self, model: MaliConflictModel, fid: str, deaths: int, xy: tuple[int, int]
    ) -> None:
        """A force's dead in one engagement; a mass-casualty loss is bad news in Bamako too.

        A patron counts its own dead: the outcome ``mass_casualty_defeat`` and the
        counterfactuals after Tinzaouatene mean the force's own disaster.
        """
        pol = model.config.politics
        mass = deaths >= pol.mass_casualty_threshold
        self.recent_losses[fid].append((model.steps, deaths, mass))
        if mass:
            model.regime.defeat()
            # The force adapts: more cautious for a while (a later disaster extends it).
            self.adapting_until[fid] = model.steps + pol.adaptation_days
            if pol.adaptation_days > 0 and pol.adaptation_cut < 1.0:
                lat, lon = model.geo.cell_centre(*xy)
                town = model.towns.nearest_to(xy).id
                region = model.geo.region_name(*xy)
                model.log.event(model.date, lat, lon, region, town, "adaptation", fid, "")

    def adapting(self, model: MaliConflictModel, fid: str) -> bool:
        """Whether a force is still fighting more cautiously after a disaster."""
        return model.steps < self.adapting_until[fid]

    def book_day(self, model: MaliConflictModel) -> None:
        """A day in Mali for each present force: its days, the client's dependence, its peak."""
        total = None  # the state side's men: counted once a day for every force present
        for fid, present in self.present.items():
            if present:
                if total is None:
                    total = state_side_strength(model)
                men = model.strength(fid)
                self.present_days[fid] += 1
                self.dependence_sum[fid] += dependence(model, fid, men, total)
                self.peak_strength[fid] = max(self.peak_strength[fid], men)


def risk(model: MaliConflictModel, fid: str) -> float:
    """A force's risk tolerance today: its doctrine's, cut while it adapts after a disaster."""
    base = model.config.foreign[fid].risk_tolerance
    if model.patrons.adapting(model, fid):
        return base * model.config.politics.adaptation_cut
    return base


def patrolling(model: MaliConflictModel, actor: str) -> float:
    """The share of a garrison's men out on patrol: a partner's by the risk it accepts.

    ``0.05 + 0.95 x risk`` for a foreign force (a cautious one stays in its camp), the army's
    ``combat.patrol_exposure_state``. Patrols are what a garrison exposes to ambush and mines
    (``Unit.exposure``) and, where its doctrine allows, what abuses civilians
    (``sim.war.civilians.commit_abuses``).
    """
    if actor in model.config.foreign:
        return 0.05 + 0.95 * risk(model, actor)
    return model.config.combat.patrol_exposure_state


def armour(model: MaliConflictModel, actor: str) -> float:
    """The share of the men an enemy's hit would kill whom armour and care save (0-0.5).

    Protected vehicles, body armour, route clearance and evacuation of the wounded within the
    hour: a cautious Western force buys them with the risks it declines, so a foreign force has
    ``0.5 x (1 - risk)`` (France at risk 0.15: 0.43), the armies and the insurgents none. Of
    the wounded of the US forces in Iraq, 90.4% survived before 2007 (86.5% in Vietnam: M.
    S. Goldberg, *Military Medicine* 175(4), 2010); the Malian army reported more dead than
    wounded in late 2019 (193 and 126: calibration_facts.csv C7b). Air cover is not armour: it
    counts where the fight is weighed (``Presence.air_factor``, ``Unit.protection``).
    """
    if actor not in model.config.foreign:
        return 0.0
    return 0.5 * (1.0 - risk(model, actor))


def operating_range_km(model: MaliConflictModel, fid: str) -> float:
    """How far from its bases a foreign force will go, in km: fivefold with risk tolerance."""
    return model.config.combat.exposure_range_km * (1.0 + 4.0 * risk(model, fid))


def operating_range_cells(model: MaliConflictModel, fid: str) -> float:
    """``operating_range_km`` in cells (the partners' patrols painted on the grid)."""
    return operating_range_km(model, fid) / model.cell_km


def dependence(
    model: MaliConflictModel, fid: str, men: int | None = None, total: int | None = None
) -> float:
    """Share of the state side's fighters that a foreign force provides.

    ``men`` (the force's) and ``total`` (``state_side_strength``), if the caller counted them.
    """
    total = state_side_strength(model) if total is None else total
    men = model.strength(fid) if men is None else men
    return men / total if total else 0.0


def state_side_strength(model: MaliConflictModel) -> int:
    """Fighters of the state's side in the field: its own and its partners'."""
    return sum(model.strength(a) for a in model.actors if model.side_of[a] == "state")


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
        unit.go_home()
    patrons.present[fid] = False
    if decided:
        patrons.withdrawal_date[fid] = model.date


def reorganise(model: MaliConflictModel, fid: str, successor: str) -> None:
    """A patron re-organises its force under another name (Wagner into Africa Corps, 2025).

    Every man of the force passes, where he stands, to the successor force, whose table gives
    the doctrine from that day (its commitment, risk, kind, bases), and whose ``strength`` the
    patron tops it up to (as reinforcements at its bases); the force is neither
    withdrawn nor departed (``withdrew_foreign_<id>`` stays false), and the day is the runs
    table's ``reorganised_foreign_<id>`` and a ``reorganisation`` event. A force that is not
    in Mali that day hands over nothing.
    """
    patrons = model.patrons
    if not patrons.present[fid]:
        return
    units = model.units_of(fid)
    for unit in units:
        heir = model.spawn(successor, unit.strength, unit.xy, unit.posture, "start")
        for new in heir:
            new.morale = unit.morale
            new.objective, new.destination = unit.objective, unit.destination
        unit.go_home()
    patrons.present[fid] = False
    patrons.present[successor] = True
    patrons.reorganised_date[fid] = model.date
    top_up = model.config.foreign[successor].strength - model.strength(successor)
    if top_up > 0:  # the patron brings the new force up to its strength
        arrive(model, successor, men=top_up)
    patrons.peak_strength[successor] = max(
        patrons.peak_strength[successor], model.strength(successor)
    )
    base = model.towns[model.config.foreign[fid].bases[0]]
    model.log.event(
        model.date, base.lat, base.lon, base.region, base.id, "reorganisation", fid, successor
    )


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
            unit.go_home()
    force.bases = [b for b in force.bases if b != tid]
    if not force.bases:
        depart(model, fid, decided=False)


def rebase(model: MaliConflictModel, fid: str) -> None:
    """A foreign force's bases change: it shares its garrisons out evenly over the new ones.

    Only over the bases its client holds (two towns of one cell are one base). Garrisons
    elsewhere, and the men a base holds beyond its even share (``unit_size`` or more), march,
    the largest first, each to the base with the fewest men (the nearest among equals; a
    garrison with more than that base needs leaves the rest for the next), as ``arrive``
    shares a force out: so a base opened on a date gets its share (France's
    Barkhane at Menaka, 2018), and the bases of a new deployment each get theirs (Barkhane's
    four of the north, August 2014; before model 0.40.0 every garrison went to the nearest
    base, and in the arc none reached Kidal or Tessalit). Its columns and patrols are not
    recalled; they come back to whatever base is nearest.
    """
    if not model.patrons.present[fid]:
        return
    force = model.config.foreign[fid]
    held = list(
        {t.xy: t for t in (model.towns[tid] for tid in force.bases) if t.holder == "state"}.values()
    )
    if not held:
        return
    garrisons = [u for u in model.units_of(fid) if u.posture == Posture.GARRISON]
    share = sum(u.strength for u in garrisons) // len(held)
    at_base: dict[tuple[int, int], list[Unit]] = {t.xy: [] for t in held}
    moving = []
    for unit in garrisons:
        (at_base[unit.xy] if unit.xy in at_base else moving).append(unit)
    men = {xy: sum(u.strength for u in units) for xy, units in at_base.items()}
    for xy, units in at_base.items():
        extra = men[xy] - share
        if units and extra >= force.unit_size:
            largest = max(units, key=lambda u: u.strength)
            extra = min(extra, largest.strength)
            moving.append(largest if extra == largest.strength else largest.split(extra))
            men[xy] -= extra
    moving.sort(key=lambda u: -u.strength)
    while moving:
        unit = moving.pop(0)
        base = min(held, key=lambda t: (men[t.xy], cells_apart(t.xy, unit.xy)))
        need = share - men[base.xy]
        if force.unit_size <= need <= unit.strength - force.unit_size:
            moving.append(unit)  # what the base does not need goes on to the next
            moving.sort(key=lambda u: -u.strength)
            unit = unit.split(need)
        unit.posture, unit.objective, unit.destination = Posture.RETREAT, None, base.xy
        unit.halt_until = 0
        if unit.can_reach_destination():
            men[base.xy] += unit.strength
        else:
            unit.posture, unit.destination = Posture.GARRISON, None


def decide(model: MaliConflictModel) -> None:
    """Each patron weighs its stake against its cost: reinforce, hold, draw down or withdraw.

    The cost is its recent dead as a share of its force (plus a shock for a disaster), weighed
    by what a death of this kind of force costs at home (``politics.home_cost``); the stake is
    its client's dependence on it, its concessions, and the reputation it has sunk in its time
    there (a year's presence and more counts in full); the client's need is the share of Mali's
    people the state does not control. ``sim.politics.patron_decision`` decides.
    """
    pol = model.config.politics
    patrons = model.patrons
    need = 1.0 - control.population_share(model, "state")
    for fid in model.foreign_ids:
        if not patrons.present[fid]:
            continue
        force = model.config.foreign[fid]
        window = [r for r in patrons.recent_losses[fid] if model.steps - r[0] < pol.memory_days]
        patrons.recent_losses[fid] = window
        strength = model.strength(fid)
        cost = politics.patron_cost(
            sum(r[1] for r in window),
            max(strength, 1),
            any(r[2] for r in window),
            pol.loss_sensitivity,
            pol.shock_sensitivity,
            pol.home_cost[force.kind],
        )
        stake = politics.patron_stake(
            dependence(model, fid), force.concessions, patrons.present_days[fid] / 365.0
        )
        decision = politics.patron_decision(
            force.commitment, cost, stake, need, pol.review_drift, model.rng
        )
        if decision == "reinforce":
            reinforce(model, fid, strength)
        elif decision == "trim":
            # A quiet trim never takes the force below half its arrival strength. A UN mission
            # is not trimmed quietly: its size is the Security Council's mandate, renewed each
            # year (MINUSMA kept 12,000-15,000 uniformed personnel from 2014 to 2022,
            # press.un.org); losses still weigh on it through a costly review.
            if strength > force.strength // 2 and force.kind != "peacekeeping":
                draw_down(model, fid, strength)
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
        unit.go_home(take)
        if cut <= 0:
            break
    if model.strength(fid) < 0.1 * model.config.foreign[fid].strength:
        depart(model, fid, decided=True)
