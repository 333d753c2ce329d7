"""Armed units: garrisons, columns, bands and cells, as Mesa ``CellAgent``s.

A unit is tens to hundreds of fighters of one actor (``state``, ``separatists``, ``jihadists``
or a foreign force's id) on one cell. Its posture says what it is doing:

- ``garrison``: holding a town; costs nothing on a quiet day;
- ``patrol``: in the countryside (an insurgent band in its hinterland, a foreign force's
  patrol around its base); exposed to IEDs in proportion to its risk-taking;
- ``offensive``: a column moving on an objective town, which it attacks on arrival;
- ``retreat``: falling back to a friendly town or across the border.

Doctrine lives with the actor (``sim.scenario.Faction`` or ``ForeignForce``); the unit carries
only what differs from unit to unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.discrete_space import CellAgent

if TYPE_CHECKING:
    from sim.model import MaliConflictModel

POSTURES = ("garrison", "patrol", "offensive", "retreat")


class Unit(CellAgent):
    """A garrison, column, band or cell of one actor.

    Attributes:
        actor: the actor's id (a faction or a foreign force).
        side: ``state`` (the state and its foreign partners), ``separatists`` or ``jihadists``.
        strength: fighters, never below zero; a unit at zero is removed.
        morale: 0-1 cohesion; a coup or a heavy loss lowers it, time restores it.
        posture: one of POSTURES.
        objective: the town id a column or retreat is heading to, if any.
        halt_until: the model step before which the unit stays put (consolidating a capture).
        progress_km: distance travelled toward the next cell.

    """

    def __init__(
        self, model: MaliConflictModel, actor: str, side: str, strength: int, cell, posture: str
    ):
        super().__init__(model)
        self.actor = actor
        self.side = side
        self.strength = int(strength)
        self.morale = model.doctrine_morale(actor)
        self.posture = posture
        self.objective: str | None = None
        self.destination: tuple[int, int] | None = None
        self.halt_until = 0
        self.progress_km = 0.0
        self.cell = cell
        model.units_by_actor.setdefault(actor, {})[self] = None

    def remove(self) -> None:
        """Take the unit off the map and out of the model (it was wiped out or went home)."""
        self.model.units_by_actor[self.actor].pop(self, None)
        super().remove()

    @property
    def xy(self) -> tuple[int, int]:
        """The unit's cell coordinate (x = longitude index, y = latitude index)."""
        return self.cell.coordinate

    @property
    def alive(self) -> bool:
        """Whether the unit is still on the map (a unit wiped out is removed)."""
        return self.cell is not None

    @property
    def mobile(self) -> bool:
        """Whether the unit has somewhere to go today."""
        return self.posture in ("offensive", "retreat") and self.model.steps >= self.halt_until

    def power(self) -> float:
        """Effective strength: men weighted by cohesion (a routed unit fights at a fraction)."""
        return self.strength * (0.25 + self.morale)

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
        may_leave = model.may_use_sanctuary(self.actor)
        self.progress_km += model.speed_km(self)
        x, y = self.xy
        tx, ty = self.destination
        while (x, y) != (tx, ty):
            nx, ny = geo.next_step(x, y, tx, ty, may_leave)
            if (nx, ny) == (x, y) or model.held_back(self, nx, ny):
                break  # no way through, or not yet allowed closer: stay
            cost = float(geo.move_cost[nx, ny])
            if self.progress_km < cost:
                break
            self.progress_km -= cost
            x, y = nx, ny
        if (x, y) != self.xy:
            self.cell = model.grid[(x, y)]
        if (x, y) == (tx, ty):
            self.progress_km = 0.0
            model.arrive(self)

    def take_losses(self, deaths: int) -> None:
        """Remove ``deaths`` men; a loss shakes cohesion in proportion to its share."""
        if deaths <= 0:
            return
        share = deaths / max(self.strength, 1)
        self.strength -= deaths
        self.morale = max(0.05, self.morale * (1.0 - 0.5 * share))
