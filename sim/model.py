"""The Mali conflict model: state, foreign forces, separatists and jihadists on a grid of Mali.

One step is one day. ``MaliConflictModel.step`` is the schedule; each line is a mechanism
described in ``docs/ODD.md`` (section 7, submodels) and implemented in a method of its own or in
``sim.combat``, ``sim.politics`` and ``sim.society``. Design brief: ``docs/MODEL.md`` is the
project's summary of what the model represents and why.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid, PropertyLayer
from scipy import ndimage

from sim import combat, politics, society
from sim.agents import Unit
from sim.geography import TERRAIN, ZONES, build_geography
from sim.outcomes import CONTROL_CLASSES, HOLDER_TOWNS, RunLog, shares
from sim.scenario import (
    FACTIONS,
    Faction,
    ForeignForce,
    Scenario,
    flatten_parameters,
    set_value,
)
from sim.tables import Results

SIDES = ("state", "separatists", "jihadists")
"""The sides that can hold ground; foreign forces fight on the state's side."""

NORTH, CENTRE = ZONES.index("north"), ZONES.index("centre")

RESPONSE_SHARE = 0.3
"""Share of a side's men within reach of a town that count toward its defence (a quick reaction
force); the rest are tied to their own posts."""


@dataclass
class Town:
    """A town or strategic place and who holds it."""

    id: str
    name: str
    x: int
    y: int
    lat: float
    lon: float
    population: int
    region: str
    zone: str
    value: float
    holder: str


class MaliConflictModel(mesa.Model):
    """The war in Mali as an agent-based model (see docs/ODD.md).

    Args:
        scenario: a validated scenario (``sim.load_scenario``).
        rng: seed or numpy Generator; the same seed gives the same run.
        run_id: the run's number in its ensemble, written on every table row.

    Attributes:
        date: the simulated day.
        towns: town id -> Town.
        units: the AgentSet of armed units.
        grievance, legitimacy, control: the cell layers (numpy views of Mesa property layers).

    """

    def __init__(
        self, scenario: Scenario, rng: int | np.random.Generator | None = None, run_id: int = 0
    ):
        super().__init__(rng=rng)
        # Each actor's live units in creation order (kept by ``Unit``), so that finding an
        # actor's units or strength does not scan every agent of the model.
        self.units_by_actor: dict[str, dict[Unit, None]] = {}
        self._hostility: dict[tuple, bool] = {}
        # A private deep copy: ``set`` events change parameters mid-run, not the caller's copy.
        self.config = scenario.model_copy(deep=True)
        self.run_id = run_id
        self.seed = rng if isinstance(rng, int | np.integer) else None
        cfg = self.config
        self.date: dt.date = cfg.scenario.start
        self.end: dt.date = cfg.scenario.end
        self.foreign_ids = list(cfg.foreign)
        self.actors = cfg.actors
        self.side_of = {**{f: f for f in FACTIONS}, **dict.fromkeys(self.foreign_ids, "state")}
        self.stance = {
            frozenset(("separatists", "jihadists")): cfg.relations.separatists_jihadists,
            frozenset(("state", "separatists")): cfg.relations.state_separatists,
        }

        self._build_space()
        self._build_towns()
        self.log = RunLog(self.actors, self.foreign_ids)
        self.ledger = {
            a: {"start": 0, "recruits": 0, "reinforcements": 0, "deaths": 0, "departures": 0}
            for a in self.actors
        }
        self.popularity = cfg.politics.popularity_start
        self.news = 0.0
        self.present = dict.fromkeys(self.foreign_ids, False)
        self.withdrawal_date: dict[str, dt.date | None] = dict.fromkeys(self.foreign_ids, None)
        self.peak_strength = dict.fromkeys(self.foreign_ids, 0)
        self.present_days = dict.fromkeys(self.foreign_ids, 0)
        self.dependence_sum = dict.fromkeys(self.foreign_ids, 0.0)
        self.recent_losses: dict[str, list[tuple[int, int, bool]]] = {
            f: [] for f in self.foreign_ids
        }
        self.recruit_pool = dict.fromkeys(FACTIONS, 0.0)
        self.recruits_by_zone = {f: dict.fromkeys(ZONES, 0.0) for f in FACTIONS}
        self.kidal_capture_date: dt.date | None = None
        # The faction an offensive order sends against each town, until the town changes hands:
        # its allies take the town for it (``taker``).
        self.claims: dict[str, str] = {}
        self.events_on: dict[dt.date, list] = {}
        for event in cfg.events:
            self.events_on.setdefault(event.date, []).append(event)
        for fid, force in cfg.foreign.items():
            if force.arrive is not None and force.arrive > self.date:
                self.events_on.setdefault(force.arrive, []).insert(0, ("arrive", fid))
            if force.depart is not None and force.depart <= self.end:
                self.events_on.setdefault(force.depart, []).insert(0, ("depart", fid))

        self._deploy()
        for fid, force in cfg.foreign.items():
            if force.arrive is None or force.arrive <= self.date:
                self.force_arrives(fid, initial=True)
        self._refresh_presence()
        self._update_control()

    # --- set-up ---------------------------------------------------------------------------------

    def _build_space(self) -> None:
        """The grid and its cell layers (Mesa property layers over the geography's arrays)."""
        cfg = self.config
        geo = self.geo = build_geography(cfg.scenario.resolution, cfg.scenario.sanctuary_km)
        self.grid = OrthogonalMooreGrid((geo.width, geo.height), torus=False, random=self.random)
        for name, data in (
            ("population", geo.population),
            ("terrain", geo.terrain.astype(np.int8)),
            ("road", geo.road),
            ("border_km", geo.border_km),
        ):
            self.grid.add_property_layer(PropertyLayer.from_data(name, data))
        shape = (geo.width, geo.height)
        start_legitimacy = (
            np.where(geo.zone == ZONES.index("south"), 0.8, np.where(geo.zone == CENTRE, 0.6, 0.4))
            * cfg.population.legitimacy_start
            / 0.5
        )
        self.grid.add_property_layer(PropertyLayer.from_data("grievance", np.zeros(shape)))
        self.grid.add_property_layer(
            PropertyLayer.from_data("legitimacy", np.clip(start_legitimacy, 0, 1))
        )
        self.grid.add_property_layer(
            PropertyLayer.from_data("control", np.full(shape, 3, dtype=np.int8))
        )
        self.grievance = self.grid.grievance.data
        self.legitimacy = self.grid.legitimacy.data
        self.control = self.grid.control.data
        self.in_mali = geo.in_mali
        self.cell_km = geo.cell_km()
        self.reach_cells = max(1, round(cfg.combat.reach_km / self.cell_km))
        self.air_cells = max(0, round(cfg.combat.air_radius_km / self.cell_km))
        self.near_border = np.exp(-np.clip(geo.border_km, 0, None) / 100.0)
        terrain_defence = cfg.combat.terrain_defence
        self.defence_layer = np.array([terrain_defence.get(t, 1.0) for t in TERRAIN])[geo.terrain]
        self.zone_pop = {z: geo.population * (geo.zone == i) for i, z in enumerate(ZONES)}

    def _build_towns(self) -> None:
        geo = self.geo
        self.towns: dict[str, Town] = {}
        for tid, row in geo.towns.iterrows():
            region = geo.region_name(int(row.x), int(row.y)) or row.region
            zone_code = int(geo.zone[int(row.x), int(row.y)])
            self.towns[tid] = Town(
                tid,
                row["name"],
                int(row.x),
                int(row.y),
                float(row.lat),
                float(row.lon),
                int(row.population),
                region,
                ZONES[zone_code] if zone_code >= 0 else "south",
                float(row.strategic_value),
                "state",
            )
        self.town_at = {(t.x, t.y): t for t in sorted(self.towns.values(), key=lambda t: t.value)}
        self.town_list = list(self.towns.values())
        self.town_xy = np.array([(t.x, t.y) for t in self.town_list])
        # Distance from each cell to its nearest town, for a holder's hold on the countryside.
        nearest = geo.nearest_town_index
        lat_c = geo.lat0 + (np.arange(geo.height) + 0.5) * geo.resolution
        lon_c = geo.lon0 + (np.arange(geo.width) + 0.5) * geo.resolution
        town_lat = np.array([t.lat for t in self.town_list])
        town_lon = np.array([t.lon for t in self.town_list])
        order = [list(geo.towns.index).index(t.id) for t in self.town_list]
        inverse = np.argsort(order)
        self.nearest_town = inverse[nearest]
        dlat = (lat_c[None, :] - town_lat[self.nearest_town]) * 110.6
        dlon = (
            (lon_c[:, None] - town_lon[self.nearest_town])
            * 111.3
            * np.cos(np.radians(lat_c[None, :]))
        )
        self.town_hold = np.exp(-np.hypot(dlat, dlon) / self.config.combat.town_influence_km)

    def _deploy(self) -> None:
        """Place each faction's forces and set which towns each holds at the start."""
        for fid, faction in self.config.factions.items():
            for tid in faction.holds:
                self.towns[tid].holder = fid
            for tid, men in faction.deploy.items():
                if men > 0:
                    self.towns[tid].holder = fid
        for fid, faction in self.config.factions.items():
            for tid, men in faction.deploy.items():
                town = self.towns[tid]
                self.spawn(fid, men, (town.x, town.y), "garrison", ledger="start")
            for tid, men in faction.bands.items():
                self.spawn(
                    fid, men, self._countryside_near(self.towns[tid]), "patrol", ledger="start"
                )

    def _countryside_near(self, town: Town) -> tuple[int, int]:
        """A populated cell next to a town (a band camps outside it), or the town's own cell."""
        best, best_pop = (town.x, town.y), -1.0
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                x, y = town.x + dx, town.y + dy
                if (
                    (dx or dy)
                    and 0 <= x < self.geo.width
                    and 0 <= y < self.geo.height
                    and self.in_mali[x, y]
                    and (x, y) not in self.town_at
                    and self.geo.population[x, y] > best_pop
                ):
                    best, best_pop = (x, y), float(self.geo.population[x, y])
        return best

    def doctrine(self, actor: str) -> Faction | ForeignForce:
        """The actor's parameters (faction doctrine or foreign force)."""
        return (
            self.config.foreign[actor]
            if actor in self.config.foreign
            else self.config.factions[actor]
        )

    def doctrine_morale(self, actor: str) -> float:
        """The morale an actor's fresh units start with."""
        return self.config.factions[actor].morale if actor in self.config.factions else 0.8

    def spawn(
        self, actor: str, men: int, xy: tuple[int, int], posture: str, ledger: str
    ) -> list[Unit]:
        """Create units of ``men`` fighters at a cell, in pieces of the actor's unit size."""
        size = self.doctrine(actor).unit_size
        units = []
        pieces = max(1, round(men / size)) if posture != "garrison" else 1
        base, extra = divmod(int(men), pieces)
        for i in range(pieces):
            n = base + (1 if i < extra else 0)
            if n > 0:
                units.append(Unit(self, actor, self.side_of[actor], n, self.grid[xy], posture))
        self.ledger[actor][ledger] += int(men)
        return units

    # --- the schedule ---------------------------------------------------------------------------

    def step(self) -> None:
        """One day of war."""
        self.apply_scheduled_events()
        if self.steps % self.config.scenario.plan_interval_days == 1:
            self.plan()
        self.move_units()
        self._refresh_presence()
        self.abandon_indefensible_towns()
        self.fight_battles()
        self.strike_columns()
        self.commit_abuses()
        self.update_population()
        self.recruit()
        if self.steps % self.config.politics.decision_interval_days == 0:
            self.patrons_decide()
        self.update_popularity()
        self.record_day()
        self.date += dt.timedelta(days=1)
        if self.date > self.end:
            self.running = False

    def run(self) -> Results:
        """Step to the scenario's end and return the run's three tables."""
        while self.running:
            self.step()
        return self.tables()

    # --- scheduled events -----------------------------------------------------------------------

    def apply_scheduled_events(self) -> None:
        """Dated events of the scenario: coups, offensives, arrivals, departures, changes."""
        for event in self.events_on.get(self.date, ()):
            if isinstance(event, tuple):
                kind, fid = event
                self.force_arrives(fid) if kind == "arrive" else self.force_departs(
                    fid, decided=False
                )
            elif event.type == "coup":
                self.coup(event.value)
            elif event.type == "offensive":
                self.launch_offensive(event.actor, event.target, event.allies)
            elif event.type == "relations":
                self.stance[frozenset(event.between)] = event.stance
                self._hostility.clear()
            elif event.type == "arrive":
                self.force_arrives(event.actor, men=int(event.value) if event.value else None)
            elif event.type == "depart" and event.target:
                self.close_base(event.actor, event.target)
            elif event.type == "depart":
                self.force_departs(event.actor, decided=False)
            elif event.type == "set":
                self.set_parameter(event.parameter, event.value)

    def coup(self, popularity: Any = None) -> None:
        """A coup in Bamako: the army's cohesion breaks for a while; popularity may reset."""
        desertion = self.config.politics.coup_desertion
        for unit in self.units_of("state"):
            unit.morale *= self.config.politics.coup_morale
            if desertion and self.geo.zone[unit.xy] == NORTH:
                # Men far from the capital walk away when the chain of command breaks (2012).
                gone = combat.stochastic_round(unit.strength * desertion, self.rng)
                unit.strength -= gone
                self.ledger["state"]["departures"] += gone
                if unit.strength <= 0:
                    unit.remove()
        if isinstance(popularity, int | float) and not isinstance(popularity, bool):
            self.popularity = float(popularity)

    def set_parameter(self, dotted: str, value: Any) -> None:
        """Change a scenario parameter mid-run (a ``set`` event), e.g. a patron's risk tolerance."""
        set_value(self.config, dotted, value)
        self._hostility.clear()
        if dotted.endswith(".zones"):
            self.__dict__.pop("_weights", None)  # recruit() redraws a faction's new zones

    def force_arrives(self, fid: str, initial: bool = False, men: int | None = None) -> None:
        """A foreign force deploys to its bases."""
        force = self.config.foreign[fid]
        if self.present[fid] or self.withdrawal_date[fid] is not None:
            return
        men = force.strength if men is None else men
        self.present[fid] = True
        bases = force.bases
        for i, tid in enumerate(bases):
            share = men // len(bases) + (1 if i < men % len(bases) else 0)
            town = self.towns[tid]
            self.spawn(
                fid,
                share,
                (town.x, town.y),
                "garrison",
                ledger="start" if initial else "reinforcements",
            )
        self.peak_strength[fid] = max(self.peak_strength[fid], self.strength(fid))

    def force_departs(self, fid: str, decided: bool) -> None:
        """A foreign force leaves: on schedule, or by the patron's decision (a withdrawal)."""
        if not self.present[fid]:
            return
        for unit in list(self.units_of(fid)):
            self.ledger[fid]["departures"] += unit.strength
            unit.remove()
        self.present[fid] = False
        if decided:
            self.withdrawal_date[fid] = self.date

    def close_base(self, fid: str, tid: str) -> None:
        """A foreign force hands over one base and keeps the others (MINUSMA, August-December 2023).

        Its units in the town leave Mali (``departures``); reinforcements no longer go there.
        Closing its last base is its departure.
        """
        force = self.config.foreign[fid]
        if not self.present[fid] or tid not in force.bases:
            return
        town = self.towns[tid]
        for unit in list(self.grid[(town.x, town.y)].agents):
            if unit.actor == fid:
                self.ledger[fid]["departures"] += unit.strength
                unit.remove()
        force.bases = [b for b in force.bases if b != tid]
        if not force.bases:
            self.force_departs(fid, decided=False)

    # --- plans ----------------------------------------------------------------------------------

    def hostile(self, a: str, b: str) -> bool:
        """Whether two actors fight each other today."""
        # Asked thousands of times a day; the answer changes only with a relations or set event.
        key = ("actors", a, b)
        known = self._hostility.get(key)
        if known is None:
            known = self._hostility[key] = self._actors_hostile(a, b)
        return known

    def _actors_hostile(self, a: str, b: str) -> bool:
        sa, sb = self.side_of.get(a, a), self.side_of.get(b, b)
        if sa == sb:
            return False
        if sa == "state" and sb == "state":
            return False
        pair = frozenset((sa, sb))
        if pair in self.stance and self.stance[pair] != "hostile":
            return False
        # Peacekeepers fight only those who attack them: jihadists.
        for actor, other in ((a, sb), (b, sa)):
            if actor in self.config.foreign and self.config.foreign[actor].kind == "peacekeeping":
                return other == "jihadists"
        return True

    def sides_hostile(self, sa: str, sb: str) -> bool:
        """Whether two sides fight each other today."""
        if sa == sb:
            return False
        known = self._hostility.get((sa, sb))
        if known is None:
            known = self._hostility[(sa, sb)] = (
                self.stance.get(frozenset((sa, sb)), "hostile") == "hostile"
            )
        return known

    def allied(self, sa: str, sb: str) -> bool:
        """Whether two sides fight together (their presence adds up)."""
        return sa == sb or self.stance.get(frozenset((sa, sb))) == "allied"

    def units_of(self, actor: str) -> list[Unit]:
        """The units of one actor (a list, safe to modify while iterating)."""
        return list(self.units_by_actor.get(actor, ()))

    @property
    def units(self) -> mesa.agent.AgentSet:
        """All armed units."""
        return self.agents_by_type.get(Unit, mesa.agent.AgentSet([], random=self.random))

    def strength(self, actor: str) -> int:
        """Fighters an actor has in the field."""
        return sum(u.strength for u in self.units_by_actor.get(actor, ()))

    def plan(self) -> None:
        """Each faction chooses where to attack: insurgents raid weakly held towns."""
        for faction in ("separatists", "jihadists"):
            self.plan_raids(faction)
        self.plan_raids("state")
        for fid in self.foreign_ids:
            if self.present[fid] and self.config.foreign[fid].kind != "peacekeeping":
                self.foreign_raid(fid)
        self.merge_garrisons()

    def town_defence_power(self, town: Town, against: str | None = None) -> float:
        """The effective strength defending a town: garrison x fortification x terrain x air.

        Against a given side, only the units that would fight it count: peacekeepers in a town
        defend it against the jihadists, not against the separatists (MINUSMA's camp stood in
        the CMA's Kidal from 2014 to 2023).
        """
        defenders = [
            u
            for u in self.grid[(town.x, town.y)].agents
            if u.side == town.holder and (against is None or self.hostile(u.actor, against))
        ]
        # Men of the holder's side nearby count for a share: they would come to the town's aid.
        nearby = (
            self.reach[town.holder][town.x, town.y] - self.presence[town.holder][town.x, town.y]
        )
        power = sum(u.power() for u in defenders) + RESPONSE_SHARE * nearby
        return (
            power
            * self.config.combat.town_defence
            * self.defence_layer[town.x, town.y]
            * self.air_factor(town.holder, town.x, town.y)
        )

    def air_factor(self, side: str, x: int, y: int) -> float:
        """Effective-strength multiplier from a foreign partner's air support over a cell."""
        if side != "state":
            return 1.0
        return 1.0 + (self.config.combat.air_multiplier - 1.0) * float(self.air_cover[x, y])

    def plan_raids(self, faction: str) -> None:
        """A faction sends its free units against the hostile town it can most profitably take.

        A target is worth attacking when the power the faction (and its allies) can bring within
        ``raid_range_km`` is at least ``attack_ratio`` times the town's defence; among those,
        the faction prefers valuable, near targets. Each free unit joins with chance
        ``aggression``.
        """
        doctrine = self.config.factions[faction]
        free = self._free_units(faction)
        if not free:
            return
        # Allies' free bands count toward the odds (they would join), but only this faction's
        # units are ordered here; the ally's own plan sees the same odds.
        allies = [
            u
            for other in FACTIONS
            if other != faction and self.allied(other, faction)
            for u in self._free_units(other)
        ]
        zones = set(doctrine.zones)
        range_cells = doctrine.raid_range_km / self.cell_km
        targets = [
            t
            for t in self.town_list
            if t.zone in zones
            and self.sides_hostile(faction, t.holder)
            and not (faction == "state" and self.protected(t.x, t.y))
        ]
        if not doctrine.holds_towns:
            # Raiders hit garrisons, not empty towns: there is nothing to take.
            targets = [
                t for t in targets if any(u.side == t.holder for u in self.grid[(t.x, t.y)].agents)
            ]
        if not targets:
            return
        free_xy = np.array([u.xy for u in free])
        free_power = np.array([self._spare_power(u) for u in free])
        ally_xy = np.array([u.xy for u in allies]).reshape(-1, 2)
        ally_power = np.array([self._spare_power(u) for u in allies])
        used = np.zeros(len(free), dtype=bool)
        scored = []
        for town in targets:
            dist = np.abs(free_xy - (town.x, town.y)).max(axis=1)
            near = (dist <= range_cells) & ~used
            if not near.any():
                continue
            defence = max(self.town_defence_power(town, against=faction), 1.0)
            ally_near = np.abs(ally_xy - (town.x, town.y)).max(axis=1) <= range_cells
            ratio = (free_power[near].sum() + ally_power[ally_near].sum()) / defence
            if ratio >= doctrine.attack_ratio:
                scored.append(
                    (town.value * min(ratio, 5.0) / (1.0 + dist[near].mean()), town, near)
                )
        scored.sort(key=lambda item: -item[0])
        for _, town, near in scored:
            joining = near & ~used & (self.rng.random(len(free)) < doctrine.aggression)
            if not joining.any():
                continue
            for i in np.flatnonzero(joining):
                self.send(free[i], town, detach=free[i].posture == "garrison")
            used |= joining

    def _free_units(self, faction: str) -> list[Unit]:
        """Units a faction can send on an unordered attack.

        Insurgent bands and garrison surplus; for the state, only what its garrisons can spare.
        """
        if faction == "state":
            return [
                u
                for u in self.units_of("state")
                if u.posture == "garrison" and self._surplus(u) > 0
            ]
        return [
            u
            for u in self.units_of(faction)
            if u.posture == "patrol" or (u.posture == "garrison" and self._surplus(u) > 0)
        ]

    def _spare_power(self, unit: Unit) -> float:
        """Effective strength a unit can send: all of a band, a garrison's surplus."""
        if unit.posture == "patrol":
            return unit.power()
        return self._surplus(unit) * (0.25 + unit.morale)

    def _surplus(self, unit: Unit) -> int:
        """Men a garrison can spare beyond what its town needs (``garrison_size``)."""
        return max(0, unit.strength - self._garrison_need(unit.actor))

    def _garrison_need(self, actor: str) -> int:
        """Men an actor leaves to hold a town: ``garrison_size``, or half a foreign unit."""
        if actor in self.config.factions:
            return self.config.factions[actor].garrison_size
        return self.config.foreign[actor].unit_size // 2

    def send(self, unit: Unit, town: Town, detach: bool = False) -> Unit:
        """Order a unit (or its surplus, split off a garrison) against a town."""
        if detach:
            surplus = self._surplus(unit)
            if surplus <= 0:
                return unit
            unit.strength -= surplus
            column = Unit(self, unit.actor, unit.side, surplus, unit.cell, "offensive")
            column.morale = unit.morale
            unit = column
        unit.posture = "offensive"
        unit.objective = town.id
        unit.destination = (town.x, town.y)
        return unit

    def launch_offensive(self, actor: str, target: str, allies: list[str]) -> None:
        """An offensive order (a scenario event): columns converge on a target town.

        The actor commits a share (its aggression; all for a foreign force) of what its units
        within its ``offensive_range_km`` can spare; each allied foreign force that is present joins
        with a share that grows with its risk tolerance (0.2 at none, 1.0 at full), from bases
        within its operating range; an allied faction joins with its aggression.
        """
        town = self.towns[target]
        if actor in FACTIONS:
            self.claims[target] = actor
        for who in [actor, *allies]:
            if who in self.config.foreign:
                if not self.present[who]:
                    continue
                force = self.config.foreign[who]
                # A patron's own ordered operation reaches as far as the state's would; joining
                # the client's offensive is routine work, bounded by its risk-taking.
                own = who == actor
                share = 1.0 if own else 0.2 + 0.8 * force.risk_tolerance
                state_range = self.config.factions["state"].offensive_range_km / self.cell_km
                reach = state_range if own else self.operating_range_cells(who)
            else:
                doctrine = self.config.factions[who]
                share, reach = doctrine.aggression, doctrine.offensive_range_km / self.cell_km
            for unit in self.units_of(who):
                if (
                    unit.posture in ("retreat", "offensive")  # committed elsewhere already
                    or max(abs(unit.xy[0] - town.x), abs(unit.xy[1] - town.y)) > reach
                ):
                    continue
                men = int(unit.strength * share) if unit.posture == "garrison" else unit.strength
                keep = unit.strength - men
                if unit.posture == "garrison" and keep < self._garrison_need(who):
                    men = self._surplus(unit)
                if men <= 0:
                    continue
                if men < unit.strength:
                    unit.strength -= men
                    column = Unit(self, who, unit.side, men, unit.cell, "offensive")
                    column.morale = unit.morale
                else:
                    column = unit
                self.send(column, town)

    def operating_range_cells(self, fid: str) -> float:
        """How far from its bases a foreign force will go: grows fivefold with risk tolerance."""
        force = self.config.foreign[fid]
        return (
            self.config.combat.exposure_range_km * (1.0 + 4.0 * force.risk_tolerance) / self.cell_km
        )

    def protected(self, x: int, y: int) -> bool:
        """Whether a peacekeeping force has a camp in the cell.

        The state's side does not attack a town while the UN is based in it: the army advanced
        on Kidal only once MINUSMA had handed over its camp (31 October 2023).
        """
        return any(
            u.actor in self.config.foreign and self.config.foreign[u.actor].kind == "peacekeeping"
            for u in self.grid[(x, y)].agents
        )

    def held_back(self, unit: Unit, x: int, y: int) -> bool:
        """Whether a state-side column must stop short of (x, y).

        It must when its objective hosts peacekeepers and (x, y) is within ``reach_km`` of it
        (close enough to threaten the town).
        """
        if unit.side != "state" or unit.posture != "offensive" or unit.objective is None:
            return False
        town = self.towns[unit.objective]
        near = max(abs(x - town.x), abs(y - town.y)) <= self.reach_cells
        return near and self.protected(town.x, town.y)

    def foreign_raid(self, fid: str) -> None:
        """A foreign force strikes the strongest hostile unit it can take on at its odds.

        Risk tolerance sets both what share of a base goes in on the ground (``0.1 + 0.9 x
        risk``; the rest is air power) and the odds the force demands: effective power at least
        ``1 + 3 x (1 - risk)`` times the target's (4:1 for a cautious force, 1:1 for a reckless
        one). The raider has the initiative, so the target fights back at half its power, times
        ``0.2 + 0.8 x risk`` (a cautious force engages from stand-off); the raider's own losses
        fall on its men on the ground.
        """
        if (
            self.steps % self.config.combat.raid_interval_days
            > self.config.scenario.plan_interval_days - 1
        ):
            return
        force = self.config.foreign[fid]
        mine = self.units_of(fid)
        if not mine:
            return
        reach = self.operating_range_cells(fid)
        ground = 0.1 + 0.9 * force.risk_tolerance
        air = 1.0 + (self.config.combat.air_multiplier - 1.0) * force.air_support
        odds = 1.0 + 3.0 * (1.0 - force.risk_tolerance)
        best, best_power, base = None, 0.0, None
        for enemy in self.agents_by_type.get(Unit, ()):
            if not self.hostile(fid, enemy.actor) or self.protected(*enemy.xy):
                continue
            target_power = enemy.power() * self.defence_layer[enemy.xy]
            if target_power <= best_power:
                continue
            for unit in mine:
                near = max(abs(unit.xy[0] - enemy.xy[0]), abs(unit.xy[1] - enemy.xy[1])) <= reach
                if (
                    near
                    and unit.strength * ground * (0.25 + unit.morale) * air >= odds * target_power
                ):
                    best, best_power, base = enemy, target_power, unit
                    break
        if best is None:
            return
        raiders = max(1, int(base.strength * ground))
        x, y = best.xy
        # The target, caught by surprise, fights back at half its power; less again against a
        # cautious force that engages from stand-off range with armour and aircraft.
        return_fire = 0.5 * (0.2 + 0.8 * force.risk_tolerance)
        losses = combat.battle(
            raiders * (0.25 + base.morale) * air,
            return_fire * best.power(),
            raiders,
            best.strength,
            force.firepower,
            self.doctrine(best.actor).firepower,
            self.defence_layer[x, y],
            self.config.combat.loss_sigma,
            self.rng,
        )
        self.record_engagement(
            "battle",
            fid,
            best.actor,
            {fid: losses.attacker, best.actor: losses.defender},
            (x, y),
            [base],
            [best],
        )

    def merge_garrisons(self) -> None:
        """Units of one actor sharing a cell and a posture merge, so a town has one garrison."""
        seen: dict[tuple, Unit] = {}
        for unit in list(self.agents_by_type.get(Unit, ())):
            if unit.posture not in ("garrison", "patrol"):
                continue
            key = (unit.actor, unit.xy, unit.posture)
            if key in seen:
                keeper = seen[key]
                total = keeper.strength + unit.strength
                keeper.morale = (
                    keeper.morale * keeper.strength + unit.morale * unit.strength
                ) / total
                keeper.strength = total
                unit.remove()
            else:
                seen[key] = unit

    # --- movement -------------------------------------------------------------------------------

    def may_use_sanctuary(self, actor: str) -> bool:
        """Insurgents may cross into the sanctuary beyond the borders; the state may not."""
        return actor in self.config.factions and self.config.factions[actor].uses_sanctuary

    def speed_km(self, unit: Unit) -> float:
        """A day's march: road speed on a road, off-road speed elsewhere."""
        x, y = unit.xy
        combat_cfg = self.config.combat
        return combat_cfg.speed_road_km if self.geo.road[x, y] else combat_cfg.speed_offroad_km

    def move_units(self) -> None:
        """Columns and retreating units march; garrisons and bands stay put at no cost."""
        movers = [u for u in self.agents_by_type.get(Unit, ()) if u.mobile]
        self.random.shuffle(movers)
        for unit in movers:
            unit.move()
            if unit.posture == "offensive" and unit.alive:
                self.pass_through(unit)

    def pass_through(self, unit: Unit) -> None:
        """A column entering an undefended hostile town on its way takes it and halts there."""
        town = self.town_at.get(unit.xy)
        if (
            town is None
            or not self.sides_hostile(unit.side, town.holder)
            or not self.takes_towns(unit.actor)
        ):
            return
        if any(self.hostile(unit.actor, other.actor) for other in unit.cell.agents):
            return
        self.capture(town, self.taker([unit], town))
        # The whole offensive consolidates: columns bound forward town by town, not in a rush.
        halt = self.steps + self.config.combat.halt_days_after_capture
        for other in self.agents_by_type.get(Unit, ()):
            if other.objective == unit.objective and other.side == unit.side:
                other.halt_until = halt

    def arrive(self, unit: Unit) -> None:
        """A unit reached its destination.

        A column takes the town (or fights for it); a retreat becomes a garrison or a band.
        """
        if unit.posture == "offensive":
            town = self.towns.get(unit.objective or "")
            # Units that would not fight it (peacekeepers, for a separatist) do not stop it.
            if town is not None and not any(
                self.hostile(unit.actor, o.actor) for o in unit.cell.agents
            ):
                if self.sides_hostile(unit.side, town.holder):
                    self.capture(town, self.taker([unit], town))
                self.settle(unit, town)
        elif unit.posture == "retreat":
            unit.posture = (
                "garrison"
                if unit.xy in self.town_at and self.town_at[unit.xy].holder == unit.side
                else "patrol"
            )
            unit.objective = unit.destination = None

    def settle(self, unit: Unit, town: Town) -> None:
        """After an attack: garrison the town if the side holds it, else melt into the country."""
        unit.objective = unit.destination = None
        if town.holder == unit.side:
            unit.posture = "garrison"
        else:
            unit.posture = "patrol"
            unit.cell = self.grid[self._countryside_near(town)]

    def retreat(self, unit: Unit) -> None:
        """Fall back to the nearest town the side holds, or into the sanctuary or the hinterland."""
        x, y = unit.xy
        friendly = [
            t
            for t in self.town_list
            if t.holder == unit.side
            and (t.x, t.y) != (x, y)
            and not any(self.sides_hostile(unit.side, o.side) for o in self.grid[(t.x, t.y)].agents)
        ]
        options = [(max(abs(t.x - x), abs(t.y - y)), (t.x, t.y)) for t in friendly]
        if self.may_use_sanctuary(unit.actor):
            sanctuary = self.sanctuary_xy
            if len(sanctuary):
                d = np.abs(sanctuary - (x, y)).max(axis=1)
                i = int(np.argmin(d))
                options.append((int(d[i]) * 0.8, tuple(sanctuary[i])))
        if not options:
            # Nowhere to go: scatter into the countryside a few cells away.
            options = [
                (
                    0,
                    (
                        min(max(x + self.random.choice((-2, 2)), 0), self.geo.width - 1),
                        min(max(y + self.random.choice((-2, 2)), 0), self.geo.height - 1),
                    ),
                )
            ]
        options.sort(key=lambda o: o[0])
        unit.posture = "retreat"
        unit.objective = None
        unit.destination = tuple(int(v) for v in options[0][1])
        unit.halt_until = 0
        if unit.destination == unit.xy or not self._reachable(unit):
            unit.posture, unit.destination = "patrol", None

    def _reachable(self, unit: Unit) -> bool:
        tx, ty = unit.destination
        field = self.geo.distance_field(tx, ty, self.may_use_sanctuary(unit.actor))
        return bool(np.isfinite(field[unit.xy]))

    # --- presence, combat -----------------------------------------------------------------------

    def _refresh_presence(self) -> None:
        """Each side's fighters per cell, and within ``reach_km`` of each cell (box sums)."""
        geo = self.geo
        units = list(self.agents_by_type.get(Unit, ()))
        size = 2 * self.reach_cells + 1
        self.presence = {}
        self.reach = {}
        air = np.zeros((geo.width, geo.height))
        xy = np.array([u.xy for u in units], dtype=np.intp).reshape(-1, 2)  # int even if empty
        strength = np.array([u.strength for u in units], dtype=float)
        sides = np.array([u.side for u in units])
        shape = (geo.width, geo.height)
        for side in SIDES:
            grid = np.zeros(shape)
            mask = sides == side
            # A side with no units has zero sums everywhere: skip the box filter.
            if mask.any():
                np.add.at(grid, (xy[mask, 0], xy[mask, 1]), strength[mask])
                reach = ndimage.uniform_filter(grid, size=size, mode="constant") * size * size
            else:
                reach = np.zeros(shape)
            self.presence[side] = grid
            self.reach[side] = reach
        for unit in units:
            if unit.actor in self.config.foreign:
                x, y = unit.xy
                air[x, y] = max(air[x, y], self.config.foreign[unit.actor].air_support)
        if self.air_cells and air.any():
            air = ndimage.maximum_filter(air, size=2 * self.air_cells + 1, mode="constant")
        self.air_cover = air

    @property
    def sanctuary_xy(self) -> np.ndarray:
        """Cells of the cross-border sanctuary, as an (n, 2) array."""
        if not hasattr(self, "_sanctuary_xy"):
            self._sanctuary_xy = np.argwhere(self.geo.sanctuary)
        return self._sanctuary_xy

    def fight_battles(self) -> None:
        """Set battles wherever hostile units share a cell (Lanchester, fat-tailed).

        The attacker is the side that came on the offensive; the defender enjoys its terrain and,
        in a town, its fortifications. After each day a side that is outgunned or has lost too
        much of its cohesion falls back; a town whose defenders are gone changes hands.
        """
        by_cell: dict[tuple[int, int], list[Unit]] = {}
        for unit in self.agents_by_type.get(Unit, ()):
            by_cell.setdefault(unit.xy, []).append(unit)
        for xy, units in by_cell.items():
            if len(units) < 2:
                continue
            # Sorted, not a set: a set of strings iterates in an order that changes with the
            # process's hash seed, and a tie below would go to whichever pair came first.
            sides = sorted({u.side for u in units})
            if len(sides) < 2:
                continue
            pairs = [(a, b) for a in sides for b in sides if a < b and self.sides_hostile(a, b)]
            if not pairs:
                continue
            # The pair with the most men at stake fights; a third side waits.
            a, b = max(pairs, key=lambda p: sum(u.strength for u in units if u.side in p))
            # Only units at war with someone on the other side fight (peacekeepers stand aside
            # from the state's war on the separatists).
            side_a = [u for u in units if u.side == a]
            side_b = [u for u in units if u.side == b]
            fighting_a = [u for u in side_a if any(self.hostile(u.actor, v.actor) for v in side_b)]
            fighting_b = [u for u in side_b if any(self.hostile(u.actor, v.actor) for v in side_a)]
            if fighting_a and fighting_b:
                self.battle_at(xy, fighting_a, fighting_b)

    def battle_at(self, xy: tuple[int, int], side_a: list[Unit], side_b: list[Unit]) -> None:
        """One day of battle between two groups of units in a cell."""
        town = self.town_at.get(xy)
        a_attacks = any(u.posture == "offensive" for u in side_a)
        b_attacks = any(u.posture == "offensive" for u in side_b)
        if town is not None and town.holder in (side_a[0].side, side_b[0].side):
            attackers, defenders = (
                (side_b, side_a) if town.holder == side_a[0].side else (side_a, side_b)
            )
        elif a_attacks != b_attacks:
            attackers, defenders = (side_a, side_b) if a_attacks else (side_b, side_a)
        else:
            attackers, defenders = (
                (side_a, side_b) if self.random.random() < 0.5 else (side_b, side_a)
            )
        cfg = self.config.combat
        x, y = xy
        defence = self.defence_layer[x, y] * (cfg.town_defence if town is not None else 1.0)
        att_power = sum(u.power() for u in attackers) * self.air_factor(attackers[0].side, x, y)
        def_power = sum(u.power() for u in defenders) * self.air_factor(defenders[0].side, x, y)
        att_men = sum(u.strength for u in attackers)
        def_men = sum(u.strength for u in defenders)
        att_fire = _weighted_firepower(self, attackers)
        def_fire = _weighted_firepower(self, defenders)
        losses = combat.battle(
            att_power,
            def_power,
            att_men,
            def_men,
            att_fire,
            def_fire,
            defence,
            cfg.loss_sigma,
            self.rng,
        )
        deaths = self._distribute(attackers, losses.attacker)
        for actor, n in self._distribute(defenders, losses.defender).items():
            deaths[actor] = deaths.get(actor, 0) + n
        civilians = self._collateral(x, y, losses.attacker + losses.defender)
        killer = max(attackers + defenders, key=lambda u: self.air_factor(u.side, x, y)).actor
        self.record_engagement(
            "battle",
            _lead(attackers),
            _lead(defenders),
            deaths,
            xy,
            attackers,
            defenders,
            civilians=civilians,
            civilians_killed_by=killer,
        )
        # Who breaks: a side outgunned after the day, or shaken below its cohesion, falls back.
        att_power = sum(u.power() for u in attackers if u.alive) * self.air_factor(
            attackers[0].side, x, y
        )
        def_power = sum(u.power() for u in defenders if u.alive) * self.air_factor(
            defenders[0].side, x, y
        )
        att_left = [u for u in attackers if u.alive]
        def_left = [u for u in defenders if u.alive]
        if def_left and def_power * defence * 1.5 < att_power:
            for unit in def_left:
                self.retreat(unit)
            def_left = []
        elif att_left and att_power < def_power * defence / 1.5:
            for unit in att_left:
                self.retreat(unit)
            att_left = []
        if (
            town is not None
            and not def_left
            and att_left
            and self.sides_hostile(att_left[0].side, town.holder)
        ):
            self.capture(town, self.taker(att_left, town))
            for unit in att_left:
                if unit.objective == town.id:
                    self.settle(unit, town)

    def _distribute(self, units: list[Unit], deaths: int) -> dict[str, int]:
        """A group's deaths by actor, spread over its units in proportion to their men."""
        out: dict[str, int] = {}
        for unit, n in zip(units, _share_out(units, deaths), strict=True):
            if n:
                out[unit.actor] = out.get(unit.actor, 0) + n
        return out

    def _collateral(self, x: int, y: int, fighters_killed: int) -> int:
        """Civilians killed in a battle: in proportion to fighters killed and people nearby."""
        people = float(self.geo.population[x, y])
        expected = self.config.population.collateral_rate * fighters_killed * people / 1000.0
        return int(self.rng.poisson(min(expected, people * 0.01)))

    def record_engagement(
        self,
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
                shares = _share_out(mine, n)
                left = n - sum(shares)
                for unit, k in zip(mine, shares, strict=True):
                    unit.take_losses(k)
                    if unit.strength <= 0:
                        unit.remove()
                self.ledger[actor]["deaths"] += n - left
                deaths[actor] = n - left
        total = sum(deaths.values()) + civilians
        if total == 0 and event_type == "battle":
            return
        if civilians and civilians_killed_by in ("state", *self.foreign_ids):
            self.grievance[xy] = min(
                1.0, self.grievance[xy] + self.config.population.grievance_per_death * civilians
            )
        lat, lon = self.geo.cell_centre(*xy)
        self.log.event(
            self.date,
            lat,
            lon,
            self.geo.region_name(*xy),
            self.town_list[self.nearest_town[xy]].id,
            event_type,
            actor1,
            actor2,
            deaths,
            civilians,
            civilians_killed_by,
        )
        for fid in self.foreign_ids:
            if deaths.get(fid):
                # A patron counts its own dead: the outcome ``mass_casualty_defeat`` and the
                # counterfactuals after Tinzaouatene mean the force's own disaster.
                mass = deaths[fid] >= self.config.politics.mass_casualty_threshold
                self.recent_losses[fid].append((self.steps, deaths[fid], mass))
                if mass:
                    self.news -= self.config.politics.defeat_penalty
        if deaths.get("state", 0) >= self.config.politics.mass_casualty_threshold:
            self.news -= self.config.politics.defeat_penalty

    def takes_towns(self, actor: str) -> bool:
        """Whether an actor occupies the towns it wins (raiders melt back instead)."""
        return actor not in self.config.factions or self.config.factions[actor].holds_towns

    def taker(self, units: list[Unit], town: Town) -> str:
        """Who takes a town these winning units stand in: their lead actor, or an allied claimant.

        A faction ordered against a town claims it until it changes hands (``claims``): an
        allied faction's units that take it, whether they came with the order or on their own,
        take it for the claimant, if the two are still allied and the claimant is at war with the
        holder; they then melt into the countryside around it (``settle``). Timbuktu, April 2012:
        the MNLA came too, but the town was Ansar Dine's.
        """
        claimant = self.claims.get(town.id)
        side = units[0].side
        if (
            claimant is not None
            and self.side_of[claimant] != side
            and self.allied(self.side_of[claimant], side)
            and self.sides_hostile(self.side_of[claimant], town.holder)
        ):
            return claimant
        return _lead(units)

    def capture(self, town: Town, actor: str) -> None:
        """A town changes hands (``town_captured``): the new holder is ``actor``'s side."""
        old = town.holder
        new = self.side_of[actor]
        if old == new or not self.takes_towns(actor):
            return
        town.holder = new
        self.claims.pop(town.id, None)
        old_actor = old
        self.log.event(
            self.date, town.lat, town.lon, town.region, town.id, "town_captured", actor, old_actor
        )
        politics_cfg = self.config.politics
        if new == "state":
            self.news += politics_cfg.capture_boost * town.value
            if town.id == "kidal" and self.kidal_capture_date is None:
                self.kidal_capture_date = self.date
        elif old == "state":
            self.news -= politics_cfg.loss_penalty * town.value

    def strike_columns(self) -> None:
        """Insurgents' initiative: ambushes and IEDs against the state's and its partners' units.

        The daily chance for a unit grows with the insurgent presence within ``reach_km``, with
        its exposure (a column on the move is fully exposed; a garrison only through its patrols,
        in proportion to its force's risk-taking), on roads, and near the border sanctuary.
        """
        units = [u for u in self.agents_by_type.get(Unit, ()) if u.side == "state"]
        if not units:
            return
        xy = np.array([u.xy for u in units])
        exposure = np.array([self._exposure(u) for u in units])
        road = np.where(self.geo.road[xy[:, 0], xy[:, 1]], 1.0, 0.5)
        border = 1.0 + 2.0 * self.near_border[xy[:, 0], xy[:, 1]]
        for faction in ("jihadists", "separatists"):
            doctrine = self.config.factions[faction]
            if doctrine.ambush_rate == 0 and doctrine.ied_rate == 0:
                continue
            present = self.reach[faction][xy[:, 0], xy[:, 1]]
            if not present.any():
                continue
            hostile = np.array([self.hostile(faction, u.actor) for u in units])
            pressure = np.minimum(present / 1000.0, 3.0) * exposure * road * border * hostile
            p_ambush = 1.0 - np.exp(-doctrine.ambush_rate * pressure)
            p_ied = 1.0 - np.exp(-doctrine.ied_rate * pressure)
            draws = self.rng.random((2, len(units)))
            for i in np.flatnonzero(draws[0] < p_ambush):
                self._ambush(faction, units[i], float(present[i]))
            for i in np.flatnonzero(draws[1] < p_ied):
                self._ied(faction, units[i])

    def _exposure(self, unit: Unit) -> float:
        if unit.posture in ("offensive", "retreat"):
            return 1.0
        if unit.actor in self.config.foreign:
            return 0.05 + 0.95 * self.config.foreign[unit.actor].risk_tolerance
        return self.config.combat.patrol_exposure_state

    def _protection(self, unit: Unit) -> float:
        """Armour, route clearance and air cover: a low-risk Western force is well protected."""
        if unit.actor in self.config.foreign:
            force = self.config.foreign[unit.actor]
            return 0.4 * force.air_support + 0.5 * (1.0 - force.risk_tolerance)
        return 0.2 * float(self.air_cover[unit.xy])

    def _nearest_enemy(self, faction: str, xy: tuple[int, int]) -> Unit | None:
        mine = self.units_of(faction)
        if not mine:
            return None
        return min(mine, key=lambda u: max(abs(u.xy[0] - xy[0]), abs(u.xy[1] - xy[1])))

    def _ambush(self, faction: str, target: Unit, present: float) -> None:
        if not target.alive:
            return
        ambusher = self._nearest_enemy(faction, target.xy)
        if ambusher is None:
            return
        cfg = self.config.combat
        x, y = target.xy
        protection = self._protection(target)
        catastrophe = (
            cfg.ambush_catastrophe * (1.0 + 2.0 * self.near_border[x, y]) * (1.0 - protection)
        )
        allies = [
            f for f in ("separatists", "jihadists") if f != faction and self.allied(f, faction)
        ]
        men = min(int(present), ambusher.strength + sum(self.reach[f][x, y] for f in allies))
        # A column on the move is caught whole; a garrison only loses the patrol that is out.
        exposed = (
            target.strength if target.mobile else min(target.strength, self._patrol_size(target))
        )
        losses = combat.ambush(
            exposed,
            max(int(men), 1),
            min(catastrophe, 1.0),
            cfg.ambush_catastrophe_share,
            cfg.ambush_share * (1.0 - protection),
            self.rng,
        )
        attacker = min(losses.attacker, ambusher.strength)
        self.record_engagement(
            "ambush",
            faction,
            target.actor,
            {faction: attacker, target.actor: losses.defender},
            (x, y),
            [ambusher],
            [target],
        )
        if (
            target.alive
            and target.posture == "offensive"
            and losses.defender > 0.3 * (target.strength + losses.defender)
        ):
            self.retreat(target)

    def _patrol_size(self, unit: Unit) -> int:
        """Men a garrison sends out on one patrol: one of its actor's units."""
        return self.doctrine(unit.actor).unit_size

    def _ied(self, faction: str, target: Unit) -> None:
        if not target.alive:
            return
        deaths = combat.ied_strike(
            target.strength, self.config.combat.ied_deaths_mean, self._protection(target), self.rng
        )
        self.record_engagement(
            "ied", faction, target.actor, {target.actor: deaths}, target.xy, [], [target]
        )

    def abandon_indefensible_towns(self) -> None:
        """A garrison leaves a town it cannot hold rather than die in it (Kidal, November 2023).

        The threat is the hostile columns bound for the town and within ``reach_km`` of it (with
        their morale and air support): a column marching past to another objective is no reason
        to leave (the Kidal garrison stayed while the MNLA went for Aguelhok and Tessalit in
        2012). The defence is the garrison's power behind the town's walls and terrain. When the
        threat exceeds the holder's ``abandon_ratio`` times the defence, the garrison falls back.
        """
        aimed: dict[str, dict[str, float]] = {}  # town id -> side -> men bound for it, close
        for unit in self.agents_by_type.get(Unit, ()):
            if unit.posture != "offensive" or unit.objective is None:
                continue
            target = self.towns[unit.objective]
            if max(abs(unit.xy[0] - target.x), abs(unit.xy[1] - target.y)) <= self.reach_cells:
                men = aimed.setdefault(target.id, {})
                men[unit.side] = men.get(unit.side, 0.0) + unit.strength
        if not aimed:
            return  # a quiet day
        morale: dict[str, float] = {}  # retreats below change no morale: compute once a day
        for town in self.town_list:  # in a fixed order: retreats draw random numbers
            side = town.holder
            threats = {
                s: men for s, men in aimed.get(town.id, {}).items() if self.sides_hostile(side, s)
            }
            if not threats:
                continue
            # Only units that would fight a threatening side hold or leave (peacekeepers stay in
            # their camp when only the separatists come).
            defenders = [
                u
                for u in self.grid[(town.x, town.y)].agents
                if u.side == side and any(self.hostile(u.actor, s) for s in threats)
            ]
            if not defenders or any(u.posture == "offensive" for u in defenders):
                continue
            threat = 0.0
            for s, men in threats.items():
                if s not in morale:
                    morale[s] = self._mean_morale(s)
                threat += men * morale[s] * self.air_factor(s, town.x, town.y)
            defence = self.town_defence_power(
                town, against=next(iter(threats)) if len(threats) == 1 else None
            )
            ratio = self.config.factions[side].abandon_ratio if side in FACTIONS else 2.0
            if threat > ratio * defence:
                for unit in defenders:
                    self.retreat(unit)
                    # It slips away at once (the CSP left Kidal the night before the army came):
                    # a day's march out, before the columns close in.
                    if unit.mobile:
                        unit.move()
                self.log.event(
                    self.date,
                    town.lat,
                    town.lon,
                    town.region,
                    town.id,
                    "town_abandoned",
                    _lead(defenders),
                    side,
                )

    def _mean_morale(self, side: str) -> float:
        units = [u for u in self.agents_by_type.get(Unit, ()) if u.side == side]
        if not units:
            return 0.0
        return 0.25 + sum(u.morale * u.strength for u in units) / max(
            sum(u.strength for u in units), 1
        )

    # --- civilians, population, recruitment -----------------------------------------------------

    def commit_abuses(self) -> None:
        """Violence against civilians by state and foreign units on operations, and by jihadists.

        A state-side unit operating (on the offensive, or a garrison's patrols) where insurgents
        are present, in a populated cell, commits an abuse with a daily chance equal to its
        ``abuse_propensity``, higher after recent losses (reprisals). Deaths are heavy-tailed:
        usually a few, rarely hundreds (Moura, March 2022). Each abuse raises grievance where it
        happens.
        """
        pop_cfg = self.config.population
        for unit in list(self.agents_by_type.get(Unit, ())):
            x, y = unit.xy
            people = float(self.geo.population[x, y])
            if people < 1000 or not unit.alive:
                continue
            if unit.side == "state":
                propensity = self.doctrine(unit.actor).abuse_propensity
                if propensity <= 0:
                    continue
                insurgents = self.reach["jihadists"][x, y] + self.reach["separatists"][x, y]
                if insurgents <= 0:
                    continue
                active = (
                    1.0 if unit.posture == "offensive" else self.config.combat.patrol_exposure_state
                )
                p = propensity * active * min(1.0, insurgents / 500.0)
                if self.rng.random() < p:
                    deaths = int(min(people * 0.05, 1 + self.rng.lognormal(1.3, 1.2)))
                    self.record_engagement(
                        "violence_against_civilians",
                        unit.actor,
                        "civilians",
                        {},
                        (x, y),
                        [unit],
                        [],
                        civilians=deaths,
                        civilians_killed_by=unit.actor,
                    )
            elif unit.side == "jihadists":
                if self.rng.random() < pop_cfg.jihadist_abuse_propensity * min(
                    1.0, people / 20000.0
                ):
                    deaths = int(min(people * 0.02, 1 + self.rng.lognormal(0.7, 1.0)))
                    self.record_engagement(
                        "violence_against_civilians",
                        "jihadists",
                        "civilians",
                        {},
                        (x, y),
                        [unit],
                        [],
                        civilians=deaths,
                        civilians_killed_by="jihadists",
                    )

    def update_population(self) -> None:
        """Grievance spreads and fades; legitimacy follows control (numpy on the cell layers)."""
        pop_cfg = self.config.population
        society.diffuse_and_decay(
            self.grievance, self.in_mali, pop_cfg.grievance_spread, pop_cfg.grievance_decay_days
        )
        if self.steps % 7 == 0:
            society.pull_legitimacy(
                self.legitimacy, self.control == 0, self.grievance, 7 * pop_cfg.legitimacy_rate
            )

    def recruit(self) -> None:
        """Insurgents recruit from the people they can reach; the state sends its reserve north.

        Daily recruits are Poisson around ``recruit_rate`` per 1,000 weighted people (see
        ``sim.society.recruitment_weight``), bounded by the faction's ceiling. They gather in a
        pool and take the field as a new band once they number half a unit, at a cell drawn in
        proportion to the recruitment weight: where grievance is, bands appear.
        """
        for faction in ("jihadists", "separatists"):
            doctrine = self.config.factions[faction]
            if doctrine.recruit_rate <= 0:
                continue
            if self.steps % 7 == 1 or not hasattr(self, "_weights"):
                self._refresh_recruitment_weights()
            weight, total = self._weights[faction]
            if total <= 0:
                continue
            room = doctrine.ceiling - self.strength(faction) - self.recruit_pool[faction]
            expected = min(doctrine.recruit_rate * total / 1000.0, max(room, 0.0))
            drawn = self.rng.poisson(expected) if expected > 0 else 0
            self.recruit_pool[faction] += drawn
            # Book each day's recruits to the zones they come from, in proportion to the weight.
            for zone, share in self._zone_shares[faction].items():
                self.recruits_by_zone[faction][zone] += drawn * share
            if self.recruit_pool[faction] >= doctrine.unit_size / 2:
                men = int(self.recruit_pool[faction])
                self.recruit_pool[faction] = 0.0
                flat = self.rng.choice(weight.size, p=(weight / total).ravel())
                xy = divmod(int(flat), self.geo.height)
                town = self.town_at.get(xy)
                posture = "garrison" if town is not None and town.holder == faction else "patrol"
                self.spawn(faction, men, xy, posture, ledger="recruits")
        state = self.config.factions["state"]
        if state.reserve > 0 and state.reinforce_rate > 0 and self.steps % 30 == 0:
            self.reinforce_state(int(state.reserve * state.reinforce_rate))

    def _refresh_recruitment_weights(self) -> None:
        """Each insurgent faction's recruitment weight per cell, its total and its zones' shares."""
        self._zone_shares: dict[str, dict[str, float]] = {}
        pop_cfg = self.config.population
        self._weights = {}
        for faction in ("jihadists", "separatists"):
            zones = [ZONES.index(z) for z in self.config.factions[faction].zones]
            reachable = np.isin(self.geo.zone, zones) & (self.control != 0)
            gw = pop_cfg.recruitment_grievance_weight if faction == "jihadists" else 0.0
            weight = society.recruitment_weight(
                self.geo.population, self.grievance, self.legitimacy, reachable, gw
            )
            self._weights[faction] = (weight, float(weight.sum()))
            total = max(float(weight.sum()), 1e-12)
            self._zone_shares[faction] = {
                zone: float(weight[self.geo.zone == i].sum()) / total
                for i, zone in enumerate(ZONES)
            }

    def reinforce_state(self, men: int) -> None:
        """The state sends men from its reserve to the most threatened town it holds."""
        state = self.config.factions["state"]
        room = min(
            men,
            state.ceiling - self.strength("state"),
            state.reserve - self.ledger["state"]["reinforcements"],
        )
        if room <= 0:
            return
        held = [t for t in self.town_list if t.holder == "state" and t.zone != "south"]
        if not held:
            return
        threat = [sum(self.reach[s][t.x, t.y] for s in ("jihadists", "separatists")) for t in held]
        town = held[int(np.argmax(threat))]
        self.spawn("state", room, (town.x, town.y), "garrison", ledger="reinforcements")

    # --- politics -------------------------------------------------------------------------------

    def patrons_decide(self) -> None:
        """Each patron reviews its costs: reinforce, hold, draw down or withdraw (sim.politics)."""
        pol = self.config.politics
        for fid in self.foreign_ids:
            if not self.present[fid]:
                continue
            force = self.config.foreign[fid]
            window = [r for r in self.recent_losses[fid] if self.steps - r[0] < pol.memory_days]
            self.recent_losses[fid] = window
            strength = self.strength(fid)
            pressure = politics.patron_pressure(
                sum(r[1] for r in window),
                max(strength, 1),
                any(r[2] for r in window),
                pol.loss_sensitivity,
                pol.shock_sensitivity,
            )
            decision = politics.patron_decision(
                force.commitment, pressure, self.dependence(fid), self.rng
            )
            if decision == "reinforce":
                room = force.ceiling - strength
                men = min(room, int(pol.reinforce_share * force.ceiling))
                if men > 0:
                    town = self.towns[force.bases[0]]
                    self.spawn(fid, men, (town.x, town.y), "garrison", ledger="reinforcements")
                    self.peak_strength[fid] = max(self.peak_strength[fid], self.strength(fid))
                # Doubling down spends the shock: the next review weighs new losses only.
                self.recent_losses[fid] = []
            elif decision == "draw_down":
                cut = int(pol.drawdown_share * strength)
                for unit in sorted(self.units_of(fid), key=lambda u: u.strength):
                    take = min(cut, unit.strength)
                    cut -= take
                    unit.strength -= take
                    self.ledger[fid]["departures"] += take
                    if unit.strength <= 0:
                        unit.remove()
                    if cut <= 0:
                        break
                if self.strength(fid) < 0.1 * force.strength:
                    self.force_departs(fid, decided=True)
            elif decision == "withdraw":
                self.force_departs(fid, decided=True)

    def dependence(self, fid: str) -> float:
        """Share of the state side's fighters that a foreign force provides."""
        total = sum(self.strength(a) for a in self.actors if self.side_of[a] == "state")
        return self.strength(fid) / total if total else 0.0

    def update_popularity(self) -> None:
        """The regime's popularity relaxes to its baseline and moves with the day's news."""
        pol = self.config.politics
        self.popularity = politics.popularity_step(
            self.popularity, pol.popularity_baseline, pol.popularity_relaxation_days, self.news
        )
        self.news = 0.0
        for unit in self.units_of("state"):
            unit.morale += (
                self.config.factions["state"].morale - unit.morale
            ) / pol.morale_recovery_days

    # --- recording ------------------------------------------------------------------------------

    def _update_control(self) -> None:
        """Who controls each cell: the side with most fighters nearby plus the nearest town's hold.

        A side controls a cell when its score is at least 1.5 times the runner-up's; otherwise
        the cell is contested. A town's holder weighs ``town_influence_men`` at the town, fading
        with distance.
        """
        holder_code = np.array([SIDES.index(t.holder) for t in self.town_list])
        cell_holder = holder_code[self.nearest_town]
        weight = self.config.combat.town_influence_men * self.town_hold
        scores = np.stack(
            [self.reach[s] + np.where(cell_holder == i, weight, 0.0) for i, s in enumerate(SIDES)]
        )
        order = np.sort(scores, axis=0)
        best = np.argmax(scores, axis=0)
        decided = order[-1] >= 1.5 * order[-2]
        self.control[:] = np.where(decided, best, 3)
        self.control[~self.in_mali] = 3

    def control_shares(self) -> dict[str, dict[str, float]]:
        """Population and area shares of each control class: whole country, north, centre."""
        geo = self.geo
        area = self.in_mali.astype(float)
        return {
            "pop": shares(self.control, self.control, geo.population),
            "area": shares(self.control, self.control, area),
            "pop_north": shares(self.control, self.control, self.zone_pop["north"]),
            "pop_centre": shares(self.control, self.control, self.zone_pop["centre"]),
        }

    def record_day(self) -> None:
        """Book-keeping of the day; every 7th day (and the last) a row of the weekly table."""
        for fid in self.foreign_ids:
            if self.present[fid]:
                self.present_days[fid] += 1
                self.dependence_sum[fid] += self.dependence(fid)
                self.peak_strength[fid] = max(self.peak_strength[fid], self.strength(fid))
        last = self.date >= self.end
        if self.steps % 7 != 0 and not last:
            return
        self._update_control()
        sh = self.control_shares()
        row: dict[str, Any] = {"date": self.date}
        for actor in self.actors:
            row[f"strength_{actor}"] = self.strength(actor)
        for name in CONTROL_CLASSES:
            row[f"pop_share_{name}"] = sh["pop"][name]
        row["regime_popularity"] = self.popularity
        for fid in self.foreign_ids:
            row[f"present_foreign_{fid}"] = self.present[fid]
        row["grievance_centre"] = float(
            (self.grievance * self.zone_pop["centre"]).sum()
            / max(self.zone_pop["centre"].sum(), 1.0)
        )
        self.log.week(row)

    def tables(self) -> Results:
        """The run's three tables (call after the run; see ``docs/OUTPUTS.md``)."""
        self._update_control()
        return self.log.tables(self.run_id, self.outcomes())

    def outcomes(self) -> dict[str, Any]:
        """The runs-table row: parameters, then outcomes, then the three lens scores."""
        sh = self.control_shares()
        row: dict[str, Any] = {
            "seed": self.seed,
            "scenario": self.config.name,
            **flatten_parameters(self.config),
        }
        log = self.log
        for actor in self.actors:
            col = f"deaths_foreign_{actor}" if actor in self.foreign_ids else f"deaths_{actor}"
            row[col] = log.deaths[actor]
        row["deaths_civilians"] = log.deaths["civilians"]
        for actor in self.actors:
            row[f"civilians_killed_by_{actor}"] = log.civilians_killed_by[actor]
        for fid in self.foreign_ids:
            row[f"max_engagement_deaths_foreign_{fid}"] = log.max_engagement_deaths[fid]
            row[f"withdrew_foreign_{fid}"] = self.withdrawal_date[fid] is not None
            row[f"withdrawal_date_foreign_{fid}"] = self.withdrawal_date[fid]
            row[f"present_end_foreign_{fid}"] = self.present[fid]
            row[f"reinforcements_foreign_{fid}"] = self.ledger[fid]["reinforcements"]
        for tid in HOLDER_TOWNS:
            row[f"holder_{tid}"] = self.holder(tid)
        row["kidal_state_capture_date"] = self.kidal_capture_date
        for name in CONTROL_CLASSES:
            row[f"pop_share_{name}"] = sh["pop"][name]
            row[f"area_share_{name}"] = sh["area"][name]
        row["pop_share_state_north"] = sh["pop_north"]["state"]
        row["pop_share_jihadists_centre"] = sh["pop_centre"]["jihadists"]
        row["regime_popularity_end"] = self.popularity
        row["recruits_jihadists"] = self.ledger["jihadists"]["recruits"]
        row["recruits_jihadists_centre"] = round(self.recruits_by_zone["jihadists"]["centre"], 1)
        row["abuse_events"] = log.abuse_events
        row["desertions_state"] = self.ledger["state"]["departures"]
        for actor in self.actors:
            row[f"strength_end_{actor}"] = self.strength(actor)
        row.update(self.lenses(sh))
        return row

    def holder(self, tid: str) -> str:
        """Who holds a town now: its holder, or ``contested`` while hostile units share it."""
        town = self.towns[tid]
        actors = {u.actor for u in self.grid[(town.x, town.y)].agents}
        if any(self.hostile(town.holder, a) for a in actors):
            return "contested"
        return town.holder

    def lenses(self, sh: dict[str, dict[str, float]]) -> dict[str, float]:
        """The Western, Bamako and patron scores of the run so far (sim.politics)."""
        years = ((self.date - self.config.scenario.start).days + 1) / 365.25
        log = self.log
        state_side_civilians = sum(log.civilians_killed_by[a] for a in ("state", *self.foreign_ids))
        western = politics.lens_western(
            state_side_civilians, log.abuse_events, sh["pop_centre"]["jihadists"], years
        )
        valued = [t for t in self.town_list if t.value >= 3.0 and t.id != "bamako"]
        held = sum(t.value for t in valued if t.holder == "state") / max(
            sum(t.value for t in valued), 1.0
        )
        bamako = politics.lens_bamako(sh["pop"]["state"], held, self.popularity)
        patron = math.nan
        days = max(1, self.steps)
        if self.foreign_ids:
            main = max(
                self.foreign_ids, key=lambda f: self.present_days[f] * max(self.peak_strength[f], 1)
            )
            if self.present_days[main]:
                patron = politics.lens_patron(
                    self.present_days[main] / days,
                    self.dependence_sum[main] / self.present_days[main],
                    sh["area"]["state"],
                    log.deaths[main] / max(self.peak_strength[main], 1),
                )
        return {"lens_western": western, "lens_bamako": bamako, "lens_patron": patron}

    def check_ledger(self) -> dict[str, int]:
        """Start + recruits + reinforcements - deaths - departures - in the field (all 0)."""
        out = {}
        for actor, book in self.ledger.items():
            out[actor] = (
                book["start"]
                + book["recruits"]
                + book["reinforcements"]
                - book["deaths"]
                - book["departures"]
                - self.strength(actor)
            )
        return out


def _share_out(units: list[Unit], deaths: int) -> list[int]:
    """Deaths of each unit when a group loses ``deaths`` men, in proportion to their strength.

    The last unit takes the rounding remainder; no unit loses more men than it has, so the
    shares may add up to less than ``deaths`` when the group is wiped out.
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


def _lead(units: list[Unit]) -> str:
    """The actor with the most men in a group: the one named in the events table."""
    by_actor: dict[str, int] = {}
    for unit in units:
        by_actor[unit.actor] = by_actor.get(unit.actor, 0) + unit.strength
    return max(by_actor, key=by_actor.get) if by_actor else units[0].actor


def _weighted_firepower(model: MaliConflictModel, units: list[Unit]) -> float:
    total = sum(u.strength for u in units)
    return sum(model.doctrine(u.actor).firepower * u.strength for u in units) / max(total, 1)
