"""The Mali conflict model: state, foreign forces, separatists and jihadists on a grid of Mali.

One step is one day. ``MaliConflictModel.step`` is the schedule, one line a process, in the
order of ``docs/ODD.md`` (section 7); each process lives in a module of ``sim.war`` named as the
war names it, and units act through ``sim.agents.Unit``. Pure formulas are in ``sim.combat``,
``sim.politics`` and ``sim.society``. This file is the wiring: the space, the towns, the
deployed forces and the state every process reads.
"""

from __future__ import annotations

import datetime as dt
import math

import mesa
import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid, PropertyLayer

from sim import communities, society
from sim.agents import Unit
from sim.geography import TERRAIN, ZONES, places_km
from sim.scenario import FACTIONS, Faction, ForeignForce, Scenario
from sim.tables import Results
from sim.war import (
    assaults,
    battles,
    borders,
    calendar,
    campaigns,
    civilians,
    control,
    economy,
    harassment,
    insurgency,
    irregular,
    militias,
    morale,
    movement,
    officials,
    operations,
    patrons,
    record,
    recruitment,
    regime,
    scorecard,
    towns,
)
from sim.war.posture import Posture
from sim.war.presence import Presence
from sim.war.relations import Relations


class MaliConflictModel(mesa.Model):
    """The war in Mali as an agent-based model (see docs/ODD.md).

    Args:
        scenario: a validated scenario (``sim.load_scenario``).
        rng: seed or numpy Generator; the same seed gives the same run.
        run_id: the run's number in its ensemble, written on every table row.

    Attributes:
        config: the run's own copy of the scenario (``set`` events change it mid-run).
        date, end: the simulated day and the scenario's last day.
        geo, grid: the geography and the Mesa grid with its property layers.
        grievance, legitimacy, control: the cell layers (numpy views of the property layers).
        communities: community -> its share of each cell's people (``sim.communities``).
        seam, militia, tension: how mixed herders and farmers are, how armed the farmers'
            militias are, the tension killings across the seam leave (``sim.war.militias``).
        governance: insurgent side -> its shadow governance layer (``sim.war.insurgency``).
        officials: the share of the state's officials at their posts (``sim.war.officials``).
        towns, place_km: the towns (``sim.war.towns.Towns``); each cell's place (``places_km``).
        units: the AgentSet of armed units; ``units_by_actor`` each actor's, in creation order.
        relations, presence, patrons, recruitment, purses, regime, campaigns: the state the
            processes own.
        claims: town id -> the faction an offensive order sent against it.
        state_capture_dates: town id -> the first day the state took it.
        ledger: actor -> men at the start, recruited, sent as reinforcements, killed, gone home.
        log: the run log (events and weekly rows).

    """

    def __init__(
        self, scenario: Scenario, rng: int | np.random.Generator | None = None, run_id: int = 0
    ):
        super().__init__(rng=rng)
        self.units_by_actor: dict[str, dict[Unit, None]] = {}
        # A private deep copy: ``set`` events change parameters mid-run, not the caller's copy.
        self.config = cfg = scenario.model_copy(deep=True)
        self.run_id = run_id
        self.seed = rng if isinstance(rng, int | np.integer) else None
        self.date: dt.date = cfg.scenario.start
        self.end: dt.date = cfg.scenario.end
        self.foreign_ids = list(cfg.foreign)
        self.actors = cfg.actors
        self.side_of = {**{f: f for f in FACTIONS}, **dict.fromkeys(self.foreign_ids, "state")}
        self.relations = Relations(cfg, self.side_of)
        self.build_space()
        self.towns = towns.Towns(self.geo, cfg.combat.town_influence_km)
        self.place_km = places_km(self.geo, [(t.xy, t.lat, t.lon) for t in self.towns])
        self.presence = Presence(self)
        self.patrons = patrons.ForeignPresence(self.foreign_ids)
        self.recruitment = recruitment.RecruitmentPool()
        self.purses = economy.Purses()
        self.regime = regime.Regime(cfg)
        self.log = record.RunLog(self.actors, self.foreign_ids)
        self.ledger = {
            a: {"start": 0, "recruits": 0, "reinforcements": 0, "deaths": 0, "departures": 0}
            for a in self.actors
        }
        self.claims: dict[str, str] = {}
        self.campaigns = campaigns.Campaigns()
        self.state_capture_dates: dict[str, dt.date] = {}
        self.events_on = calendar.schedule(cfg)
        self.deploy()
        successors = {e.value for e in cfg.events if e.type == "reorganise"}
        for fid, force in cfg.foreign.items():
            if fid not in successors and (force.arrive is None or force.arrive <= self.date):
                patrons.arrive(self, fid, initial=True)
        self.presence.refresh()
        for side, layer in insurgency.start_governance(self).items():
            self.governance[side][:] = layer
        self.tension[:] = militias.start_tension(self)
        control.update_control(self)

    # --- the schedule ---------------------------------------------------------------------------

    def step(self) -> None:
        """One day of war, in the order of the ODD's schedule."""
        calendar.apply_scheduled_events(self)
        if (self.steps - 1) % self.config.scenario.plan_interval_days == 0:  # days 1, 1 + n...
            operations.plan(self)
        self.campaigns.prepare(self)
        movement.march(self)
        self.presence.refresh()
        towns.abandon_indefensible_towns(self)
        battles.fight_battles(self)
        irregular.strike_columns(self)
        assaults.assault_posts(self)
        harassment.harass_posts(self)
        civilians.commit_abuses(self)
        militias.organise(self)
        militias.strike(self)
        civilians.update_population(self)
        officials.serve(self)
        insurgency.govern(self)
        economy.pay(self)
        recruitment.recruit(self)
        if self.steps % self.config.politics.decision_interval_days == 0:
            patrons.decide(self)
        regime.update_popularity(self)
        morale.recover_morale(self)
        record.record_day(self)
        self.date += dt.timedelta(days=1)
        if self.date > self.end:
            self.running = False

    def run(self) -> Results:
        """Step to the scenario's end and return the run's three tables."""
        while self.running:
            self.step()
        return self.tables()

    def tables(self) -> Results:
        """The run's three tables (call after the run; see ``docs/OUTPUTS.md``)."""
        control.update_control(self)
        return self.log.tables(self.run_id, scorecard.runs_row(self))

    # --- set-up ---------------------------------------------------------------------------------

    def build_space(self) -> None:
        """The grid and its cell layers (Mesa property layers over the geography's arrays)."""
        cfg = self.config
        geo = self.geo = borders.geography(self)
        self.grid = OrthogonalMooreGrid((geo.width, geo.height), torus=False, random=self.random)
        shape = (geo.width, geo.height)
        centre = ZONES.index("centre")
        start_legitimacy = (
            np.where(geo.zone == ZONES.index("south"), 0.8, np.where(geo.zone == centre, 0.6, 0.4))
            * cfg.population.legitimacy_start
            / 0.5
        )
        # Where legitimacy heads back to when no armed camp is about (sim.society).
        self.legitimacy_base = np.clip(start_legitimacy, 0, 1)
        for name, data in (
            ("population", geo.population),
            ("terrain", geo.terrain.astype(np.int8)),
            ("road", geo.road),
            ("border_km", geo.border_km),
            ("grievance", np.zeros(shape)),
            ("legitimacy", np.clip(start_legitimacy, 0, 1)),
            ("control", np.full(shape, control.CONTESTED, dtype=np.int8)),
            *((f"governance_{side}", np.zeros(shape)) for side in insurgency.INSURGENTS),
            *((name, communities.layer(geo, name)) for name in communities.COMMUNITIES),
            ("officials", geo.in_mali.astype(float)),
            ("militia", np.zeros(shape)),
            ("tension", np.zeros(shape)),
        ):
            self.grid.add_property_layer(PropertyLayer.from_data(name, data))
        self.grievance = self.grid.grievance.data
        self.legitimacy = self.grid.legitimacy.data
        self.control = self.grid.control.data
        self.governance = {
            side: getattr(self.grid, f"governance_{side}").data for side in insurgency.INSURGENTS
        }
        self.communities = {c: getattr(self.grid, c).data for c in communities.COMMUNITIES}
        self.seam = communities.seam(self.communities["herders"])
        self.officials = self.grid.officials.data
        self.militia = self.grid.militia.data
        self.tension = self.grid.tension.data
        self.in_mali = geo.in_mali
        self.cell_km = geo.cell_km()
        # Within reach: a cell whose centre is within ``reach_km`` of the unit's (a whole
        # number of cells); the men within reach are summed over a square of side 2 x
        # reach_km whatever the cells' size (``presence.box_sum``).
        self.reach_half_cells = cfg.combat.reach_km / self.cell_km
        self.reach_cells = max(1, math.floor(self.reach_half_cells))
        self.air_cells = max(0, round(cfg.combat.air_radius_km / self.cell_km))
        borders.draw(self)  # the cross-border sanctuary: closeness to it, its cells
        terrain_defence = cfg.combat.terrain_defence
        self.defence_layer = np.array([terrain_defence.get(t, 1.0) for t in TERRAIN])[geo.terrain]
        self.zone_pop = {z: geo.population * (geo.zone == i) for i, z in enumerate(ZONES)}
        # People exposed to an engagement: the people of the town in the cell (wherever the
        # cell's edge falls, a town is as big), and the country's density over a fixed area;
        # so that neither a coarser grid (more people per cell) nor a finer one (a town's
        # people less diluted) changes the violence.
        rural = geo.population - geo.urban
        self.people_near = geo.urban + rural * (cfg.population.local_area_km2 / self.cell_km**2)
        self.populated = self.people_near >= society.POPULATED_PEOPLE

    def deploy(self) -> None:
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
                self.spawn(fid, men, (town.x, town.y), Posture.GARRISON, "start")
            for tid, men in faction.bands.items():
                camp = towns.countryside_near(self, self.towns[tid])
                self.spawn(fid, men, camp, Posture.PATROL, "start")

    # --- what every process reads ---------------------------------------------------------------

    @property
    def units(self) -> mesa.agent.AgentSet:
        """All armed units."""
        units = self.agents_by_type.get(Unit)  # asked many times a day: no default built each time
        return units if units is not None else mesa.agent.AgentSet([], random=self.random)

    def units_of(self, actor: str) -> list[Unit]:
        """The units of one actor (a list, safe to modify while iterating)."""
        return list(self.units_by_actor.get(actor, ()))

    def strength(self, actor: str) -> int:
        """Fighters an actor has in the field (a list summed: quicker than a generator's)."""
        return sum([u.strength for u in self.units_by_actor.get(actor, ())])

    def doctrine(self, actor: str) -> Faction | ForeignForce:
        """The actor's parameters (faction doctrine or foreign force)."""
        config = self.config
        return config.foreign[actor] if actor in config.foreign else config.factions[actor]

    def doctrine_morale(self, actor: str) -> float:
        """The morale an actor's fresh units start with."""
        return self.config.factions[actor].morale if actor in self.config.factions else 0.8

    def spawn(
        self, actor: str, men: int, xy: tuple[int, int], posture: Posture, book: str
    ) -> list[Unit]:
        """Create units of ``men`` fighters at a cell, in pieces of the actor's unit size.

        Each piece is created as ``scenario.unit_split`` equal units (1 by default): the same men
        in more units, for the test that results do not depend on how men are grouped.

        ``book`` is the ledger entry the men come from (start, recruits, reinforcements).
        """
        size = self.doctrine(actor).unit_size
        pieces = max(1, round(men / size)) if posture != Posture.GARRISON else 1
        pieces *= self.config.scenario.unit_split
        base, extra = divmod(int(men), pieces)
        units = []
        for i in range(pieces):
            n = base + (1 if i < extra else 0)
            if n > 0:
                units.append(Unit(self, actor, self.side_of[actor], n, self.grid[xy], posture))
        self.ledger[actor][book] += int(men)
        return units

    def check_ledger(self) -> dict[str, int]:
        """Start + recruits + reinforcements - deaths - departures - in the field (all 0)."""
        ins, outs = ("start", "recruits", "reinforcements"), ("deaths", "departures")
        return {
            actor: sum(book[k] for k in ins) - sum(book[k] for k in outs) - self.strength(actor)
            for actor, book in self.ledger.items()
        }
