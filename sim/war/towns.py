"""Towns and strategic places: who holds them, their defence, abandonment and capture.

A town's holder changes only here (``capture``). Separatists and jihadists give up a town they
cannot hold rather than die in it (Kidal, November 2023, was taken empty): see
``abandon_indefensible_towns``. Which towns a run reports, and which is the capital, come from
the town table (``sim/data/towns.csv``: ``kind``, ``reported``), never from a name in the code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim import communities
from sim.geography import ZONES, Geography, around, km_apart_pairs
from sim.scenario import FACTIONS
from sim.war.insurgency import INSURGENTS
from sim.war.posture import Posture

if TYPE_CHECKING:
    from sim.agents import Unit
    from sim.model import MaliConflictModel

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
    kind: str
    holder: str
    xy: tuple[int, int] = field(init=False, repr=False)
    """The town's cell, ``(x, y)``."""

    def __post_init__(self):
        self.xy = (self.x, self.y)


class Towns:
    """The scenario's towns in the town table's order, by id and by cell.

    Attributes:
        at: cell -> the most valuable town in it.
        nearest: ``int [w, h]``: index (in table order) of the town nearest to each cell.
        hold: ``[w, h]``: how firmly the nearest town's holder holds each cell (1 at the town,
            fading over ``town_influence_km``).
        reported: ids of the towns whose holder the runs table reports, in the table's order.
        cells: ``int [n, 2]``: each town's cell, in table order.
        census: ``float [n]``: each town's people by its census (``Town.population``).
        people: ``float [n]``: each town's people, at most its cell's (``town_people``).
        in_town: ``[w, h]``: the people of the towns in each cell (the rest are the country's).

    """

    def __init__(self, geo: Geography, influence_km: float):
        self.by_id: dict[str, Town] = {}
        for tid, row in geo.towns.iterrows():
            x, y = int(row.x), int(row.y)
            zone_code = int(geo.zone[x, y])
            self.by_id[tid] = Town(
                tid,
                row["name"],
                x,
                y,
                float(row.lat),
                float(row.lon),
                int(row.population),
                geo.region_name(x, y) or row.region,
                ZONES[zone_code] if zone_code >= 0 else "south",
                float(row.strategic_value),
                row.kind,
                "state",
            )
        self.list = list(self.by_id.values())
        self.at = {(t.x, t.y): t for t in sorted(self.list, key=lambda t: t.value)}
        rank = geo.towns["reported"]
        self.reported = list(rank[rank > 0].sort_values(kind="stable").index)
        self.nearest = geo.nearest_town_index
        self.cells = np.array([t.xy for t in self.list], dtype=np.intp).reshape(-1, 2)
        self.census = np.array([t.population for t in self.list], dtype=float)
        self.people = town_people(geo.population, self.cells, self.census)
        self.in_town = np.zeros_like(geo.population, dtype=float)
        np.add.at(self.in_town, (self.cells[:, 0], self.cells[:, 1]), self.people)
        lat_c = geo.lat0 + (np.arange(geo.height) + 0.5) * geo.resolution
        lon_c = geo.lon0 + (np.arange(geo.width) + 0.5) * geo.resolution
        town_lat = np.array([t.lat for t in self.list])
        town_lon = np.array([t.lon for t in self.list])
        dlat = (lat_c[None, :] - town_lat[self.nearest]) * 110.6
        dlon = (
            (lon_c[:, None] - town_lon[self.nearest]) * 111.3 * np.cos(np.radians(lat_c[None, :]))
        )
        self.hold = np.exp(-np.hypot(dlat, dlon) / influence_km)
        self._near: dict[tuple[str, float], list[Town]] = {}  # ``near``'s answers
        self._km_from: dict[str, np.ndarray] = {}  # ``km_from``'s layers
        self._on_the_way: dict[tuple, list[Town]] = {}  # ``on_the_way``'s answers

    def __getitem__(self, tid: str) -> Town:
        return self.by_id[tid]

    def __iter__(self) -> Iterator[Town]:
        return iter(self.list)

    def __len__(self) -> int:
        return len(self.list)

    def get(self, tid: str) -> Town | None:
        """The town with this id, or None."""
        return self.by_id.get(tid)

    def nearest_to(self, xy: tuple[int, int]) -> Town:
        """The town nearest to a cell (the events table's ``town``)."""
        return self.list[self.nearest[xy]]

    def near(self, town: Town, km: float, places: np.ndarray) -> list[Town]:
        """The towns of other cells within ``km`` of ``town`` (``km_apart`` between ``places``).

        Kept per town and distance (``places`` are the model's one ``place_km``).
        """
        key = (town.id, km)
        if key not in self._near:
            gaps = km_apart_pairs(places, self.cells, np.array([town.xy]))[:, 0]
            self._near[key] = [
                t for t, gap in zip(self.list, gaps, strict=True) if gap <= km and t.xy != town.xy
            ]
        return self._near[key]

    def on_the_way(
        self, objective: Town, xy: tuple[int, int], places: np.ndarray, reach_km: float
    ) -> list[Town]:
        """The towns within ``reach_km`` of ``objective`` on the way from ``xy``, nearest first.

        On the way: the march through the town at most ``ON_THE_WAY`` times the straight km
        from ``xy`` to the objective (``staging``). Ties in km keep ``near``'s order. Kept per
        objective and cell: where the towns are does not change in a run, only who holds them.
        """
        key = (objective.id, xy, reach_km)
        found = self._on_the_way.get(key)
        if found is None:
            here = places[xy]
            straight = float(np.hypot(*(places[objective.xy] - here)))
            ways = []
            for town in self.near(objective, reach_km, places):
                to_town = float(np.hypot(*(places[town.xy] - here)))
                onward = float(np.hypot(*(places[objective.xy] - places[town.xy])))
                if to_town + onward <= ON_THE_WAY * straight:
                    ways.append((to_town, town))
            ways.sort(key=lambda way: way[0])  # stable: ties in ``near``'s order
            found = self._on_the_way[key] = [town for _, town in ways]
        return found

    def km_from(self, town: Town, places: np.ndarray) -> np.ndarray:
        """``km_apart`` from every cell's place to the town's, as a layer (read-only).

        Kept per town (``places`` are the model's one ``place_km``): a column on the march asks
        it of its objective every day. The same numbers as ``km_apart`` cell by cell: the same
        differences, their absolute values, the larger.
        """
        layer = self._km_from.get(town.id)
        if layer is None:
            layer = np.abs(places - places[town.xy]).max(axis=-1)
            layer.setflags(write=False)
            self._km_from[town.id] = layer
        return layer


def town_people(population: np.ndarray, cells: np.ndarray, people: np.ndarray) -> np.ndarray:
    """Each town's people as the grid counts them, at most its cell's people.

    A town's own, scaled down where the towns of one cell number more than the cell's people
    (the grid's population is a raster, the towns' a census: the two need not agree on a
    small place).
    """
    in_cell = np.zeros_like(population, dtype=float)
    np.add.at(in_cell, (cells[:, 0], cells[:, 1]), people)
    cell_people = population[cells[:, 0], cells[:, 1]]
    crowded = in_cell[cells[:, 0], cells[:, 1]]
    return people * np.minimum(1.0, cell_people / np.maximum(crowded, 1e-9))


def countryside_near(model: MaliConflictModel, town: Town) -> tuple[int, int]:
    """A populated cell next to a town (a band camps outside it), or the town's own cell."""
    geo = model.geo
    best, best_pop = (town.x, town.y), -1.0
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            x, y = town.x + dx, town.y + dy
            if (
                (dx or dy)
                and 0 <= x < geo.width
                and 0 <= y < geo.height
                and model.in_mali[x, y]
                and (x, y) not in model.towns.at
                and geo.population[x, y] > best_pop
            ):
                best, best_pop = (x, y), float(geo.population[x, y])
    return best


def protected(model: MaliConflictModel, x: int, y: int) -> bool:
    """Whether a peacekeeping force has a camp in the cell.

    The state's side does not attack a town while the UN is based in it: the army advanced on
    Kidal only once MINUSMA had handed over its camp (31 October 2023).
    """
    # The peacekeeping forces with units in the field: with none (most days of most
    # scenarios), no cell has a camp and the cell's units need not be asked.
    keepers = [fid for fid in model.presence.keepers if model.units_by_actor.get(fid)]
    return bool(keepers) and any(u.actor in keepers for u in model.grid[(x, y)].agents)


def defence_power(model: MaliConflictModel, town: Town, against: str | None = None) -> float:
    """The effective strength defending a town: garrison x fortification x terrain x air.

    Against a given side, only the units that would fight it count: peacekeepers in a town
    defend it against the jihadists, not against the separatists (MINUSMA's camp stood in the
    CMA's Kidal from 2014 to 2023).
    """
    hostile = model.relations.hostile
    defenders = [
        u
        for u in model.grid[(town.x, town.y)].agents
        if u.side == town.holder and (against is None or hostile(u.actor, against))
    ]
    # Men of the holder's side nearby count for a share: they would come to the town's aid; so
    # do an allied side's (JNIM beside the CSP at Tinzaouatene, July 2024).
    presence = model.presence
    nearby = presence.reach[town.holder][town.x, town.y] - presence.men[town.holder][town.x, town.y]
    for ally in FACTIONS:
        if ally != town.holder and model.relations.allied(ally, town.holder):
            nearby += presence.reach[ally][town.x, town.y]
    power = sum(u.power() for u in defenders) + RESPONSE_SHARE * nearby
    return (
        power
        * model.config.combat.town_defence
        * model.defence_layer[town.x, town.y]
        * presence.air_factor(town.holder, town.x, town.y, against=against)
    )


def takes_towns(model: MaliConflictModel, actor: str, town: Town) -> bool:
    """Whether an actor occupies a town it wins, or raids it and melts back.

    A faction whose doctrine does not hold towns never occupies one. An insurgent side occupies
    a town it was ordered to take (an offensive event: it claims the town), and otherwise only
    in country it governs (a cell within ``reach_km`` of the town governed at least
    ``insurgency.raid_network``: a band passing through rules nothing) and where it is not
    overmatched: the hostile fighting power within ``insurgency.hold_km`` of the town, with the
    state's air cover, is at most its ``abandon_ratio`` times its own and its allies'
    (``Presence.balance``), and only with men enough within reach to rule the town's people
    (``insurgency.occupiers_per_1000`` of them per 1,000: model 0.37.0; a few hundred held
    Timbuktu in 2012, no band could hold Bamako), and, with ``insurgency.rule_affinity`` above
    0, only among its own or an ally's people: where the communities one of them draws on are
    at least that share of the town's people (``sim.communities.affinity``), for a town of
    strangers would neither feed nor hide it (the rebels of 2012, allied, held the towns of the
    north; the MNLA alone, a Tuareg movement, held none of the river's Songhai towns after
    mid-2012; JNIM blockaded Kayes and Nioro in 2025 and took neither). It does not move into a
    town it would have to leave as soon as the enemy came back for it: near parity an insurgency
    takes and holds towns, against a far stronger state it raids them (Kalyvas and Balcells,
    "International System and Technologies of Rebellion", APSR 2010: irregular war where the
    state is much stronger, conventional war near parity). In 2012 the collapse of the army in
    the north let the rebels hold its towns; from Serval on they held none. The state's side
    occupies what it wins.
    """
    doctrine = model.config.factions.get(actor)
    if doctrine is None:
        return True  # a foreign force, for the state
    if not doctrine.holds_towns:
        return False
    if actor not in INSURGENTS or model.claims.get(town.id) == actor:
        return True
    cfg = model.config.insurgency
    # The cheapest test first, for each is asked of every town an insurgent side may raid at
    # every plan: a town's people need policing and ruling, too few men raid a city and melt
    # back.
    if model.presence.reach[actor][town.xy] < cfg.occupiers_per_1000 * town.population / 1000:
        return False
    near = model.governance[actor][around(*town.xy, model.reach_cells)]
    if near.max() < cfg.raid_network:
        return False
    # It rules only a town where its own or an ally's communities live: among strangers it
    # raids.
    if cfg.rule_affinity > 0:
        rulers = [f for f in INSURGENTS if model.relations.allied(f, actor)]  # itself too
        if max(communities.affinity(model, f, town.xy) for f in rulers) < cfg.rule_affinity:
            return False
    # Against a state far stronger in the country around, it raids and melts back: it would
    # have to leave the town again as soon as the enemy came back for it.
    return bool(model.presence.balance(actor)[town.xy] <= doctrine.abandon_ratio)


def safe(model: MaliConflictModel, xy: tuple[int, int]) -> bool:
    """Whether no insurgent side at war with the state outnumbers the state's side around a cell.

    ``Presence.balance`` (the state's side's fighting power, with its air cover and its towns'
    police, over the insurgent side's) is at least 1 for every such side.
    """
    relations = model.relations
    return all(
        model.presence.balance(side)[xy] >= 1.0
        for side in INSURGENTS
        if relations.sides_hostile("state", side)
    )


def lead(units: list[Unit]) -> str:
    """The actor with the most men in a group: the one named in the events table."""
    by_actor: dict[str, int] = {}
    for unit in units:
        by_actor[unit.actor] = by_actor.get(unit.actor, 0) + unit.strength
    return max(by_actor, key=by_actor.get) if by_actor else units[0].actor


def taker(model: MaliConflictModel, units: list[Unit], town: Town) -> str:
    """Who takes a town these winning units stand in: their lead actor, or an allied claimant.

    A faction ordered against a town claims it until it changes hands (``model.claims``): an
    allied faction's units that take it, whether they came with the order or on their own, take
    it for the claimant, if the two are still allied and the claimant is at war with the holder;
    they then melt into the countryside around it (``Unit.settle``). Timbuktu, April 2012: the
    MNLA came too, but the town was Ansar Dine's.
    """
    claimant = model.claims.get(town.id)
    side = units[0].side
    relations = model.relations
    if (
        claimant is not None
        and model.side_of[claimant] != side
        and relations.allied(model.side_of[claimant], side)
        and relations.sides_hostile(model.side_of[claimant], town.holder)
    ):
        return claimant
    return lead(units)


def capture(model: MaliConflictModel, town: Town, actor: str) -> None:
    """A town changes hands (``town_captured``): the new holder is ``actor``'s side."""
    old = town.holder
    new = model.side_of[actor]
    if old == new or not takes_towns(model, actor, town):
        return
    town.holder = new
    model.claims.pop(town.id, None)
    model.log.event(
        model.date, town.lat, town.lon, town.region, town.id, "town_captured", actor, old
    )
    if new == "state":
        model.regime.town_taken(town.value)
        model.state_capture_dates.setdefault(town.id, model.date)
    elif old == "state":
        model.regime.town_lost(town.value)


def defended(model: MaliConflictModel, town: Town, unit: Unit) -> bool:
    """Whether anyone in the town would fight this unit (peacekeepers fight only jihadists)."""
    return any(
        model.relations.hostile(unit.actor, other.actor) for other in model.grid[town.xy].agents
    )


ON_THE_WAY = 1.25
"""How much longer than straight a march through a town may be for the town to be on the way."""


def staging(model: MaliConflictModel, objective: Town, xy: tuple[int, int]) -> Town | None:
    """The town a column at ``xy`` bound for ``objective`` stands in while held back, or None.

    The last town on its way: within ``combat.reach_km`` of the objective (``km_apart``, as
    reach is counted), not the objective, without a UN camp, the state's side's own or held
    by a side at war with it (a column does not wait in a town under a truce), on the way (the march
    through it at most ``ON_THE_WAY`` times the straight km from the column); the nearest such
    to the column. An army that waits to go in waits in the last town before its objective,
    whatever the grid: the army and Wagner held Anefis, 86 km short of Kidal, from 7 October
    until they entered Kidal on 14 November 2023 (AP; malinfos.com, 2023-10-07: "the army is
    stationed there"). Where none is, the column camps at reach in the open
    (``Campaigns.holds_back``).
    """
    for town in model.towns.on_the_way(objective, xy, model.place_km, model.config.combat.reach_km):
        # Its own side's town, or one it is at war with (it takes it on its way), and no UN camp.
        ours = town.holder == "state" or model.relations.sides_hostile("state", town.holder)
        if ours and not protected(model, town.x, town.y):
            return town
    return None


def stage(model: MaliConflictModel, unit: Unit) -> Town | None:
    """The town a column waits in while held back before its objective, or None.

    A column of the state's side is held back while its objective hosts peacekeepers, or while
    its campaign prepares the assault on the defended town; it then goes no further than the
    last town on its way within reach of the objective (``staging``), and where there is none,
    it camps at reach in the open (``Unit.held_back``). Model 0.60.0: the same town at any cell
    size (before, the camp was whole cells from the objective: at 0.5 degree the road from Gao
    passed Anefis by, and the columns camped in the open).
    """
    if unit.side != "state" or unit.posture != Posture.OFFENSIVE or unit.objective is None:
        return None
    town = model.towns[unit.objective]
    campaign = model.campaigns.open.get((unit.side, town.id))
    waiting = protected(model, town.x, town.y) or (
        campaign is not None and not campaign.launched and defended(model, town, unit)
    )
    return staging(model, town, unit.xy) if waiting else None


def within_reach(model: MaliConflictModel, xy: tuple[int, int], town: Town) -> bool:
    """Whether a cell's place is within ``combat.reach_km`` of the town's (``km_apart``)."""
    return bool(model.towns.km_from(town, model.place_km)[xy] <= model.config.combat.reach_km)


def before(model: MaliConflictModel, unit: Unit, town: Town) -> bool:
    """Whether a column bound for a town stands before it: within reach, or held back there.

    Within reach is in km (``within_reach``), so a garrison feels a column as far off at any
    cell size (model 0.63.0). Counted in whole cells, reach was three cells at 0.25 degree and
    one at 0.5: the coarse grid's garrison felt a column a day's march later, stayed where the
    fine grid's left, and was beaten out (Tin Essako, ``kidal_2023``). A column held back
    (``Unit.standing``) camps at reach or waits in the last town on its way (``staging``), which
    is before the town at any cell size: Anefis is 86 km short of Kidal (model 0.60.0). The
    defenders feel a column before their town, and its campaign counts it.
    """
    if unit.objective != town.id:
        return False
    return unit.standing or within_reach(model, unit.xy, town)


def pass_through(model: MaliConflictModel, unit: Unit) -> None:
    """A column entering an undefended hostile town on its way takes it and halts there.

    An army column also leaves a piece in a town its campaign took on the way
    (``hold_the_line``).
    """
    town = model.towns.at.get(unit.xy)
    if town is None:
        return
    if town.holder == unit.side:
        hold_the_line(model, [unit], town)
        return
    if not model.relations.sides_hostile(unit.side, town.holder) or not takes_towns(
        model, unit.actor, town
    ):
        return
    if defended(model, town, unit):
        return
    capture(model, town, taker(model, [unit], town))
    taken_on_the_way(model, [unit], town)
    # The whole offensive consolidates: columns bound forward town by town, not in a rush,
    # each for its own force's days (Serval's armour moved on after two).
    for other in model.units:
        if other.objective == unit.objective and other.side == unit.side:
            other.halt_until = model.steps + other.halt_days()


def taken_on_the_way(model: MaliConflictModel, units: list[Unit], town: Town) -> None:
    """The state's columns that took a town short of their objective add it to their line."""
    for unit in units:
        campaign = model.campaigns.open.get((unit.side, unit.objective or ""))
        if campaign is not None and town.holder == unit.side and town.id != unit.objective:
            campaign.line.add(town.id)
    hold_the_line(model, units, town)


def hold_the_line(model: MaliConflictModel, units: list[Unit], town: Town) -> None:
    """The army leaves a piece to garrison an empty town its campaign took on the way.

    Of the army's own columns standing in such a town (one its campaign took, with no
    garrison of its side), the smallest becomes its garrison while other pieces of the
    campaign go on: a campaign holds its line. The army took Anefis on 7 October 2023 and
    held it as its base until Kidal fell on 14 November (AP, Reuters). The state's support
    then comes nearer the objective (``Presence.support_km``): its columns are less far from
    help, and the objective's insurgent defenders, who discount columns far from support,
    weigh them more (``abandon_indefensible_towns``). A partner's columns go on: the garrisons
    are the army's. Until model 0.54.0 a column left nobody behind, and a town it took on the
    way stood empty.
    """
    army = [
        u
        for u in units
        if u.alive
        and u.actor == "state"
        and u.posture == Posture.OFFENSIVE
        and u.objective not in (None, town.id)
    ]
    if not army:
        return
    piece = min(army, key=lambda u: u.strength)
    campaign = model.campaigns.open.get((piece.side, piece.objective or ""))
    if campaign is None or town.id not in campaign.line:
        return
    if any(
        u.side == piece.side and u.posture == Posture.GARRISON for u in model.grid[town.xy].agents
    ):
        return
    going_on = any(
        u is not piece and u.side == piece.side and u.objective == piece.objective
        for u in model.units
        if u.posture == Posture.OFFENSIVE
    )
    if going_on:
        piece.posture = Posture.GARRISON
        piece.objective = piece.destination = None


def holder(model: MaliConflictModel, tid: str) -> str:
    """Who holds a town now: its holder, or ``contested`` while hostile units share it."""
    town = model.towns[tid]
    actors = {u.actor for u in model.grid[(town.x, town.y)].agents}
    if any(model.relations.hostile(town.holder, a) for a in actors):
        return "contested"
    return town.holder


def abandon_indefensible_towns(model: MaliConflictModel) -> None:
    """A garrison leaves a town it cannot hold rather than die in it (Kidal, November 2023).

    The threat is the hostile columns bound for the town and within ``reach_km`` of it (with
    their morale and air support): a column marching past to another objective is no reason to
    leave (the Kidal garrison stayed while the MNLA went for Aguelhok and Tessalit in 2012). The
    defence is the garrison's power behind the town's walls and terrain. An insurgent holder
    discounts columns far from the state's nearest garrison (``exp(-support_km /
    combat.support_scale_km)``): they are exposed, and it fights them on its ground. When the
    threat exceeds the holder's ``abandon_ratio`` times the defence, the garrison falls back: at
    once before columns that keep coming, and before columns that stand in camp each day with a
    chance that grows with the overmatch (``leaves``); a garrison of the state's side goes to a
    safe town beyond ``reach_km`` of the one it leaves, where there is one (``Unit.retreat``).
    """
    aimed: dict[str, dict[str, float]] = {}  # town id -> side -> men bound for it, close
    coming: set[str] = set()  # towns a column within reach is still marching on
    for unit in model.units:
        if unit.posture != Posture.OFFENSIVE or unit.objective is None:
            continue
        target = model.towns[unit.objective]
        if before(model, unit, target):
            men = aimed.setdefault(target.id, {})
            men[unit.side] = men.get(unit.side, 0.0) + unit.strength
            if not unit.standing:
                coming.add(target.id)
    if not aimed:
        return  # a quiet day
    relations = model.relations
    morale: dict[str, float] = {}  # retreats below change no morale: compute once a day
    for town in model.towns:  # in a fixed order: retreats draw random numbers
        bound = aimed.get(town.id)
        if bound is None:
            continue  # no column before it
        side = town.holder
        threats = {s: men for s, men in bound.items() if relations.sides_hostile(side, s)}
        if not threats or (side == "state" and town.kind == "capital"):
            continue  # the regime does not give up its capital: it fights for it
        if side != "state" and protected(model, town.x, town.y):
            continue  # the state's side does not attack while the UN is there, and they know it
        # Only units that would fight a threatening side hold or leave (peacekeepers stay in
        # their camp when only the separatists come).
        defenders = [
            u
            for u in model.grid[(town.x, town.y)].agents
            if u.side == side and any(relations.hostile(u.actor, s) for s in threats)
        ]
        if not defenders or any(u.posture == Posture.OFFENSIVE for u in defenders):
            continue
        threat = 0.0
        for s, men in threats.items():
            if s not in morale:
                morale[s] = mean_morale(model, s)
            threat += men * morale[s] * model.presence.air_factor(s, town.x, town.y, against=side)
        if side != "state":
            # Columns far from their own garrisons are exposed: insurgents stand and ambush
            # them rather than leave (Tinzaouatene, July 2024), and leave a town the state can
            # reach with support behind it (Kidal, November 2023).
            support = model.presence.support_km[town.x, town.y]
            threat *= np.exp(-support / model.config.combat.support_scale_km)
        defence = defence_power(
            model, town, against=next(iter(threats)) if len(threats) == 1 else None
        )
        ratio = model.config.factions[side].abandon_ratio if side in FACTIONS else 2.0
        if leaves(model, threat / max(ratio * defence, 1e-9), at_once=town.id in coming):
            for unit in defenders:
                # Out of the columns' reach, not to the next post they will come for.
                unit.retreat(out_of_reach=True)
                # It slips away at once (the CSP left Kidal the night before the army came): a
                # day's march out, before the columns close in.
                if unit.mobile:
                    unit.move()
            model.log.event(
                model.date,
                town.lat,
                town.lon,
                town.region,
                town.id,
                "town_abandoned",
                lead(defenders),
                side,
            )


def leaves(model: MaliConflictModel, overmatch: float, at_once: bool = False) -> bool:
    """The defenders' choice: whether an overmatched garrison leaves today.

    Overmatch is the threat over ``abandon_ratio`` times the defence; at or below 1 it stays.
    Columns still marching on the town (``at_once``) leave it no time: it goes now. Columns that
    stand in camp before it (a campaign preparing, ``sim.war.campaigns``) let it watch and
    choose: it leaves each day with chance ``1 - exp(-(overmatch - 1) / combat.abandon_days)``,
    so a crushing threat empties the town at once and a modest one after days, if the attacker
    gives it that long. ``abandon_days`` 0 leaves at once in every case.
    """
    if overmatch <= 1.0:
        return False
    days = model.config.combat.abandon_days
    return at_once or days <= 0 or model.rng.random() < 1.0 - np.exp(-(overmatch - 1.0) / days)


def mean_morale(model: MaliConflictModel, side: str) -> float:
    """A side's fighting spirit: 0.25 plus its men's mean morale."""
    units = [u for u in model.units if u.side == side]
    if not units:
        return 0.0
    return 0.25 + sum(u.morale * u.strength for u in units) / max(sum(u.strength for u in units), 1)
