"""Armed units: garrisons, columns, bands and cells, as Mesa ``CellAgent``s that act.

A unit is tens to hundreds of fighters of one actor (``state``, ``separatists``, ``jihadists``
or a foreign force's id) on one cell. Its posture says what it is doing (``Posture``). What one
unit does (march, arrive, settle, retreat, split, absorb another, take losses, recover its
morale, abuse civilians) is a method here; what a side decides (plans, offensives, recruitment,
a patron's choice, a battle in a cell) is a process of ``sim.war``.

Doctrine lives with the actor (``sim.scenario.Faction`` or ``ForeignForce``); the unit carries
only what differs from unit to unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent

from sim.geography import cells_apart, cells_apart_each
from sim.war import patrons, towns
from sim.war.posture import MOVING, Posture

if TYPE_CHECKING:
    from sim.model import MaliConflictModel
    from sim.scenario import ForeignForce
    from sim.war.towns import Town


class Unit(CellAgent):
    """A garrison, column, band or cell of one actor.

    Attributes:
        actor: the actor's id (a faction or a foreign force).
        side: ``state`` (the state and its foreign partners), ``separatists`` or ``jihadists``.
        strength: fighters, never below zero; a unit at zero is removed.
        morale: 0-1 cohesion; a coup or a heavy loss lowers it, time restores it.
        posture: a ``Posture``.
        objective: the town id a column is heading to, if any.
        destination: the cell a column or a retreat is heading to, if any.
        halt_until: the model step before which the unit stays put (consolidating a capture).
        progress_km: distance travelled toward the next cell.
        standing: whether a column stood today short of its objective, held back
            (``held_back``): it camps, exposed through its patrols only.

    """

    model: MaliConflictModel

    def __init__(
        self,
        model: MaliConflictModel,
        actor: str,
        side: str,
        strength: int,
        cell,
        posture: Posture,
    ):
        super().__init__(model)
        self.actor = actor
        self.side = side
        self.strength = int(strength)
        self.morale = model.doctrine_morale(actor)
        self.posture = Posture(posture)
        self.objective: str | None = None
        self.destination: tuple[int, int] | None = None
        self.halt_until = 0
        self.progress_km = 0.0
        self.standing = False
        self.cell = cell
        model.units_by_actor.setdefault(actor, {})[self] = None

    def remove(self) -> None:
        """Take the unit off the map and out of the model (it was wiped out or went home)."""
        self.model.units_by_actor[self.actor].pop(self, None)
        super().remove()

    # --- what a unit is -------------------------------------------------------------------------

    def _move_to_cell(self, cell) -> None:
        CellAgent.cell.fset(self, cell)
        # The cell's coordinate, kept beside it: the day's processes read ``xy`` about a million
        # times in a run of ``barkhane_2014``, and a plain attribute costs a fraction of
        # reading it through two properties.
        self.xy: tuple[int, int] | None = None if cell is None else cell.coordinate

    cell = property(CellAgent.cell.fget, _move_to_cell)
    """The unit's cell, Mesa's ``CellAgent.cell``; setting it also sets ``xy``, its coordinate."""

    @property
    def alive(self) -> bool:
        """Whether the unit is still on the map (a unit wiped out is removed)."""
        return self.xy is not None

    @property
    def mobile(self) -> bool:
        """Whether the unit has somewhere to go today."""
        return self.posture in MOVING and self.model.steps >= self.halt_until

    @property
    def foreign(self) -> bool:
        """Whether the unit belongs to a foreign force."""
        return self.actor in self.model.config.foreign

    @property
    def uses_sanctuary(self) -> bool:
        """Insurgents may cross into the sanctuary beyond the borders; the state may not."""
        factions = self.model.config.factions
        return self.actor in factions and factions[self.actor].uses_sanctuary

    def power(self) -> float:
        """Effective strength: men weighted by cohesion (a routed unit fights at a fraction)."""
        return self.strength * (0.25 + self.morale)

    def garrison_need(self) -> int:
        """Men its actor leaves to hold a town: ``garrison_size``, or half a foreign unit.

        The army leaves at least ``politics.capital_guard`` in the capital: the regime's guard
        goes on no raid and no offensive (model 0.37.0).
        """
        config = self.model.config
        if self.actor == "state" and self.in_capital():
            return max(config.factions["state"].garrison_size, config.politics.capital_guard)
        if self.actor in config.factions:
            return config.factions[self.actor].garrison_size
        return config.foreign[self.actor].unit_size // 2

    def in_capital(self) -> bool:
        """Whether the unit stands in the capital."""
        town = self.model.towns.at.get(self.xy)
        return town is not None and town.kind == "capital"

    def surplus(self) -> int:
        """Men a garrison can spare beyond what its town needs."""
        return max(0, self.strength - self.garrison_need())

    def spare_power(self) -> float:
        """Effective strength the unit can send: all of a band, a garrison's surplus."""
        if self.posture == Posture.PATROL:
            return self.power()
        return self.surplus() * (0.25 + self.morale)

    def exposure(self, patrolling: float | None = None) -> float:
        """How exposed the unit is to ambushes and mines today (a column on the move, fully).

        A garrison, and a column standing in its camp short of its objective (``standing``), is
        exposed only through its patrols: a foreign force's in proportion to its risk-taking,
        the state's at ``patrol_exposure_state`` (``patrons.patrolling``; a caller that asks of
        many units of one actor may pass it, read once, as ``patrolling``).
        """
        if self.posture in MOVING and not self.standing:
            return 1.0
        return patrons.patrolling(self.model, self.actor) if patrolling is None else patrolling

    def protection(self, against: str) -> float:
        """Armour, route clearance and air cover against an insurgent side's attack.

        A foreign force by its own aircraft and its armour (``patrons.armour``: the more, the
        less risk it accepts); the army by partners' aircraft at war with
        the attacker, and by the escorts and quick-reaction forces of a partner that operates
        where it is (``Presence.escort``: more, the more risk that partner accepts).
        """
        model = self.model
        config = model.config
        if self.actor in config.foreign:
            return 0.4 * config.foreign[self.actor].air_support + patrons.armour(model, self.actor)
        presence = model.presence
        return 0.2 * float(presence.air_against[against][self.xy]) + float(
            presence.escort[against][self.xy]
        )

    # --- what a unit does -----------------------------------------------------------------------

    def split(self, men: int) -> Unit:
        """Detach ``men`` into a new unit on the same cell, with the same morale and posture."""
        self.strength -= men
        part = Unit(self.model, self.actor, self.side, men, self.cell, self.posture)
        part.morale = self.morale
        return part

    def absorb(self, other: Unit) -> None:
        """Take in another unit's men (morale averaged by men); the other leaves the map."""
        total = self.strength + other.strength
        self.morale = (self.morale * self.strength + other.morale * other.strength) / total
        self.strength = total
        other.remove()

    def order_against(self, town: Town) -> None:
        """Become a column bound for a town."""
        self.posture = Posture.OFFENSIVE
        self.objective = town.id
        self.destination = (town.x, town.y)

    def march(self) -> None:
        """A day on the move; a column entering an undefended hostile town on its way takes it."""
        self.move()
        if self.posture == Posture.OFFENSIVE and self.alive:
            towns.pass_through(self.model, self)

    def move(self) -> None:
        """Advance toward the destination along the least-cost path on roads and terrain.

        A day's budget is the road or off-road speed; each cell crossed spends its move cost
        (desert, massif and flooded delta cost more, roads less), so columns keep to the few
        northern roads, which is what makes them predictable to ambushers.
        """
        if self.destination is None:
            return
        model = self.model
        geo = model.geo
        may_leave = self.uses_sanctuary
        self.progress_km += self.speed_km()
        x, y = self.xy
        tx, ty = self.destination
        stage = towns.stage(model, self)
        if stage is not None:
            tx, ty = stage.xy  # held back: it goes no further than the last town on its way
        self.standing = False
        while (x, y) != (tx, ty):
            nx, ny = geo.next_step(x, y, tx, ty, may_leave)
            if (nx, ny) == (x, y):
                break  # no way through
            if stage is None and self.held_back(nx, ny):
                self.standing = True  # not yet allowed closer: it camps where it is
                self.progress_km = 0.0
                break
            cost = float(geo.move_cost[nx, ny])
            if self.progress_km < cost:
                break
            self.progress_km -= cost
            x, y = nx, ny
        if (x, y) != self.xy:
            self.cell = model.grid[(x, y)]
        if stage is not None and (x, y) == (tx, ty):
            self.standing = True  # in the last town before its objective, it waits
            self.progress_km = 0.0
        elif (x, y) == (tx, ty):
            self.progress_km = 0.0
            self.arrive()

    def speed_km(self) -> float:
        """A day's march: on a road its pace force's own road speed or everyone's.

        Off the roads every column goes at the off-road speed (armour is road-bound).
        """
        x, y = self.xy
        combat = self.model.config.combat
        if not self.model.geo.road[x, y]:
            return combat.speed_offroad_km
        force = self.pace_force()
        own = None if force is None else force.speed_road_km
        return combat.speed_road_km if own is None else own

    def halt_days(self) -> int:
        """Days the unit consolidates in a town its column took on the way (its pace force's)."""
        force = self.pace_force()
        own = None if force is None else force.halt_days_after_capture
        return self.model.config.combat.halt_days_after_capture if own is None else own

    def pace_force(self) -> ForeignForce | None:
        """The foreign force whose pace the unit marches at, or None (everyone's pace)."""
        return self.model.config.foreign.get(self.pace_actor())

    def pace_actor(self) -> str:
        """Whose pace the unit marches at: its ordered offensive's lead, or its own force's.

        An ordered offensive keeps together at the pace of the force that ordered it: a partner
        leading it carries the client's men in its convoys (French and Malian troops entered Gao
        and Timbuktu together, January 2013), and a client leading it sets the partner's pace.
        """
        if self.posture != Posture.OFFENSIVE or self.objective is None:
            return self.actor
        campaign = self.model.campaigns.open.get((self.side, self.objective))
        return self.actor if campaign is None else campaign.actors[0]

    def held_back(self, x: int, y: int) -> bool:
        """Whether a column must stop short of (x, y), within ``reach_km`` of its objective.

        It must while its campaign prepares the assault on a defended town
        (``sim.war.campaigns``), and a state-side column while its objective hosts
        peacekeepers: the army advanced on Kidal only once MINUSMA had handed over its camp (31
        October 2023), though it took the towns on its way (Anefis, 7 October).
        """
        # Only the state's side is ever held back: insurgents have neither camps nor campaigns.
        if self.side != "state" or self.posture != Posture.OFFENSIVE or self.objective is None:
            return False
        model = self.model
        town = model.towns[self.objective]
        near = towns.within_reach(model, (x, y), town)
        # Towns on the way are no one's camp: the army took Anefis on 7 October 2023, with
        # MINUSMA still in Kidal (until model 0.60.0 it waited outside the ring with them).
        on_the_way = (x, y) != town.xy and (x, y) in model.towns.at
        if near and not on_the_way and towns.protected(model, town.x, town.y):
            return True
        return model.campaigns.holds_back(model, self, x, y)

    def arrive(self) -> None:
        """The unit reached its destination.

        A column takes the town (or fights for it); a retreat becomes a garrison or a band.
        """
        model = self.model
        if self.posture == Posture.OFFENSIVE:
            town = model.towns.get(self.objective or "")
            # Units that would not fight it (peacekeepers, for a separatist) do not stop it.
            if town is not None and not towns.defended(model, town, self):
                if model.relations.sides_hostile(self.side, town.holder):
                    towns.capture(model, town, towns.taker(model, [self], town))
                self.settle(town)
        elif self.posture in (Posture.RETREAT, Posture.SPREAD):
            here = model.towns.at.get(self.xy)
            held = here is not None and here.holder == self.side
            self.posture = Posture.GARRISON if held else Posture.PATROL
            self.objective = self.destination = None

    def settle(self, town: Town) -> None:
        """After an attack: garrison the town if the side holds it, else melt into the country.

        The state's side does not live in the country: a column of it left with a town it may
        not hold (its holder made a truce while it marched) falls back to the nearest town its
        side holds (until model 0.24.0 it stayed in the bush as a band for good: 1,441 of the
        arc's soldiers in one run, from the ceasefire of 23 May 2014).
        """
        self.objective = self.destination = None
        if town.holder == self.side:
            self.posture = Posture.GARRISON
        elif self.side == "state":
            self.retreat()
        else:
            self.posture = Posture.PATROL
            self.cell = self.model.grid[towns.countryside_near(self.model, town)]

    def retreat(self, out_of_reach: bool = False) -> None:
        """Fall back to the nearest town the side holds, the sanctuary, a refuge or the hinterland.

        The state's men fall back on their own country: the nearest of its towns that the
        insurgents do not outnumber around (``towns.safe``), not an empty post deeper in the
        enemy's (the garrison of Kidal fled to Gao on 30 March 2012, AFP; until model 0.36.0
        it went to the nearest post the state held in name, Abeibara or Tin Essako, and the
        state kept some 1,200 men in the north in May 2012, when the record has none).

        A garrison of the state's side that gives up a town (``out_of_reach``, from
        ``towns.abandon_indefensible_towns``) falls back to such a town beyond ``combat.reach_km``
        of the one it leaves (``towns.within_reach``), where there is one: out of reach of the
        columns that drove it out. Until model 0.65.0 it went to the nearest, and in 2024 a
        garrison of Hombori went to Boni, 59 km off, and back as the same columns turned on each.

        An insurgent band (``uses_sanctuary``) may also fall back across a border that shelters
        it, or into the nearest refuge inside Mali (``Geography.refuge``: the Wagadou and Serma
        forests, the inner delta, the Adrar des Ifoghas; model 0.41.0), each counted at 0.8 of
        its distance (bands knew their way there). Before, a band beaten far from the border
        walked to the nearest town its side held, however far, or was caught on the way.
        """
        model = self.model
        x, y = self.xy
        friendly = [
            t
            for t in model.towns
            if t.holder == self.side and (t.x, t.y) != (x, y) and not self.enemy_at(t.xy)
        ]
        if self.side == "state":
            # Back to the state's own country: a town the insurgents do not outnumber around
            # (towns.safe), not an empty post deeper in theirs.
            friendly = [t for t in friendly if towns.safe(model, t.xy)] or friendly
            if out_of_reach:
                far = [t for t in friendly if not towns.within_reach(model, (x, y), t)]
                friendly = far or friendly
        options = [(cells_apart(t.xy, (x, y)), t.xy) for t in friendly]
        if self.uses_sanctuary:  # the nearest cell of the sanctuary, and of a refuge
            for cells in (model.sanctuary_xy, model.refuge_xy):
                options.extend(nearest_free(self, cells, discount=0.8))
        if not options:
            # Nowhere to go: scatter into the countryside a few cells away.
            geo = model.geo
            options = [
                (
                    0,
                    (
                        min(max(x + model.random.choice((-2, 2)), 0), geo.width - 1),
                        min(max(y + model.random.choice((-2, 2)), 0), geo.height - 1),
                    ),
                )
            ]
        options.sort(key=lambda o: o[0])
        self.posture = Posture.RETREAT
        self.objective = None
        self.destination = tuple(int(v) for v in options[0][1])
        self.halt_until = 0
        if self.destination == self.xy or not self.can_reach_destination():
            self.posture, self.destination = Posture.PATROL, None

    def enemy_at(self, xy: tuple[int, int]) -> bool:
        """Whether a unit of a side at war with this one's stands in a cell."""
        hostile = self.model.relations.sides_hostile
        return any(hostile(self.side, other.side) for other in self.model.grid[xy].agents)

    def can_reach_destination(self) -> bool:
        """Whether a path leads from the unit's cell to its destination."""
        tx, ty = self.destination
        field = self.model.geo.distance_field(tx, ty, self.uses_sanctuary)
        return bool(np.isfinite(field[self.xy]))

    def go_home(self, men: int | None = None) -> None:
        """``men`` of the unit (all by default) leave the field alive: the ledger's departures.

        Deserters, the unpaid, a patron's draw-down, departure or re-organisation; the unit
        leaves the map once it is empty.
        """
        men = self.strength if men is None else men
        self.strength -= men
        self.model.ledger[self.actor]["departures"] += men
        if self.strength <= 0:
            self.remove()

    def take_losses(self, deaths: int) -> None:
        """Remove ``deaths`` men; a loss shakes cohesion in proportion to its share."""
        if deaths <= 0:
            return
        share = deaths / max(self.strength, 1)
        self.strength -= deaths
        self.morale = max(0.05, self.morale * (1.0 - 0.5 * share))


def nearest_free(unit: Unit, cells: np.ndarray, discount: float) -> list[tuple[float, tuple]]:
    """The nearest of ``cells`` to a unit (whole cells, times ``discount``) the enemy does not hold.

    Not into the enemy's arms: neither its men nor a town it holds (at 0.5 degree a cell of
    the Ifoghas is Aguelhok's, and until model 0.62.0 bands beaten near it fell back into its
    garrison). As ``[(distance, cell)]``, or ``[]`` where there is none (``Unit.retreat``).
    """
    if not len(cells):
        return []
    d = cells_apart_each(cells, unit.xy)
    hostile = unit.model.relations.sides_hostile
    for i in np.argsort(d, kind="stable"):
        cell = tuple(cells[i])
        town = unit.model.towns.at.get(cell)
        if (town is None or not hostile(unit.side, town.holder)) and not unit.enemy_at(cell):
            return [(int(d[i]) * discount, cell)]
    return []
