"""The insurgency in the countryside (issue 14): its signs, each on a small fixture.

- Insurgents who outnumber the state around a cell come to govern it; the state's men undo it.
- Governance spreads to neighbouring cells, faster where people are aggrieved.
- Governance weighs in control: insurgents can hold the countryside without a town.
- Recruits come where the networks are, not from a fixed zone: jihadists who start in the north
  alone reach the centre within a few years in most runs.
- A dispersed band is found more often where the state is legitimate and from the air.
- Insurgents raid, unordered, only towns where their networks are: where they strike is an outcome.
- They occupy a town they win only in country they govern (a band passing through rules nothing),
  and only where the state's side cannot come back for it: not near its garrisons, its towns'
  police, or under its air cover.
- They mass less against a target under hostile air cover (``insurgency.air_deterrence``): the
  same bands, the same weak garrison, fewer join the raid; the state's side is not deterred.
- A town a side rules is a recruiting ground of its own, one it holds by arms alone is not; on
  an ensemble, the side that rules its towns grows more.
"""

from __future__ import annotations

import numpy as np
import pytest
from small_scenario import quiet_model, small_dict

from sim import MaliConflictModel, run_ensemble
from sim.geography import ZONES
from sim.scenario import scenario_from_dict
from sim.war import control, insurgency, operations
from sim.war.control import CONTROL_CLASSES


def test_insurgents_who_outnumber_the_state_come_to_govern_and_the_state_undoes_it():
    model = quiet_model(governance_spread_km2=0.0)
    layer = model.governance["jihadists"]
    reach = model.presence.reach
    # Where they are most and the state not at all (a cell at the edge of their reach holds a
    # sliver of a band: the square's edge cells count by the share inside it).
    alone = np.where(reach["state"] == 0, reach["jihadists"], 0.0)
    theirs = np.unravel_index(np.argmax(alone), alone.shape)
    assert alone[theirs] > 0
    contested = np.argwhere((reach["jihadists"] > 0) & (reach["state"] > reach["jihadists"]))
    before = layer.copy()
    for _ in range(60):
        insurgency.govern(model)
    assert layer[tuple(theirs)] > before[tuple(theirs)]
    if len(contested):
        xy = tuple(contested[0])
        assert layer[xy] < before[xy] or before[xy] == 0.0


def test_governance_spreads_to_neighbours_faster_where_people_are_aggrieved():
    spread = {}
    for grievance in (0.0, 0.8):
        model = quiet_model(governance_growth_days=1e4, governance_decay_days=1e4)
        for side in model.governance:
            model.governance[side][:] = 0.0
        x, y = model.towns["mopti"].xy
        model.governance["jihadists"][x, y] = 1.0
        model.grievance[:] = grievance
        for _ in range(30):
            insurgency.govern(model)
        spread[grievance] = model.governance["jihadists"][x + 1, y]
    assert spread[0.8] > spread[0.0] > 0.0


def test_insurgents_can_control_the_countryside_without_a_town():
    model = quiet_model()
    x, y = 20, 10  # open country, no town, nobody's men
    assert (x, y) not in model.towns.at
    model.governance["jihadists"][x, y] = 1.0
    model.presence.reach["state"][x, y] = 0.0
    model.presence.reach["jihadists"][x, y] = 0.0
    model.presence.patrols[x, y] = 0.0  # no partner patrols there either
    layer = control.assess(model)
    assert control.CONTROL_CLASSES[layer[x, y]] == "jihadists"


@pytest.mark.slow
def test_jihadists_who_start_in_the_north_alone_reach_the_centre_within_a_few_years():
    # Barkhane's years on a coarse grid, the jihadists' bands (so their starting governance) in
    # the north only; nothing dated moves them south (no list of zones exists since 0.8.0).
    import datetime as dt

    from sim.geography import build_geography
    from sim.scenario.files import read_scenario_data

    data = read_scenario_data("scenarios/barkhane_2014.toml")
    end = dt.date(2017, 12, 31)
    data["scenario"].update(resolution=1.0, end=end)
    data["events"] = [e for e in data.get("events", []) if e["date"] <= end]
    data["foreign"] = {
        fid: force
        for fid, force in data.get("foreign", {}).items()
        if force.get("arrive") is None or force["arrive"] <= end
    }
    geo = build_geography(1.0)
    north = ZONES.index("north")

    def in_north(town: str) -> bool:
        row = geo.towns.loc[town]
        return int(geo.zone[int(row.x), int(row.y)]) == north

    jihadists = data["factions"]["jihadists"]
    jihadists["bands"] = {t: m for t, m in jihadists["bands"].items() if in_north(t)}
    assert jihadists["bands"]
    results = run_ensemble(scenario_from_dict(data), runs=8, seed=3)
    # Their networks reach the centre and recruit there. Control of the centre's population
    # does not follow within these years on this grid: docs/CALIBRATION.md says so.
    assert (results.runs.recruits_jihadists_centre > 0).mean() >= 0.75


def test_a_dispersed_band_is_found_more_often_where_the_state_is_legitimate_and_from_the_air():
    model = quiet_model()
    band = model.units_of("jihadists")[0]
    found = {}
    for legitimacy, air in ((0.0, 0.0), (1.0, 0.0), (1.0, 0.9)):
        model.legitimacy[band.xy] = legitimacy
        model.governance["jihadists"][band.xy] = 0.0
        hits = sum(insurgency.dispersed_band_found(model, band, air) for _ in range(2000))
        found[(legitimacy, air)] = hits / 2000
    assert found[(0.0, 0.0)] < found[(1.0, 0.0)] < found[(1.0, 0.9)]


def test_insurgents_raid_only_where_their_networks_are():
    # Model 0.8.0: no list of zones says where a faction may attack. A band may raid a town
    # within its raid range only where its networks (governance, or its men within reach) are
    # at least insurgency.raid_network: the same band and the same weak garrison, raided once
    # governance reaches the town.
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["factions"]["state"]["deploy"] = {"mopti": 50, "gao": 1500, "bamako": 1000}
    data["foreign"] = {}
    data["factions"]["jihadists"].update(
        bands={"boni": 600}, aggression=1.0, attack_ratio=0.5, raid_range_km=400
    )
    model = MaliConflictModel(scenario_from_dict(data), rng=1)
    mopti = model.towns["mopti"]
    assert model.presence.reach["jihadists"][mopti.xy] == 0.0  # Boni is beyond reach of Mopti
    model.governance["jihadists"][:] = 0.0
    assert mopti not in operations.raid_targets(model, "jihadists")
    model.governance["jihadists"][mopti.xy] = 0.5
    assert mopti in operations.raid_targets(model, "jihadists")


def test_insurgents_mass_less_against_a_target_under_hostile_air():
    # Model 0.32.0: the jihadists' aggression is one value from 2012; what changed in 2013 is
    # that French aircraft covered the north. Twelve free units of 100 within raid range of a
    # weak garrison, in country they govern, with the air against them over the town at 0.9:
    # all join at no deterrence; at 0.8 each joins with chance 1 - 0.8 x 0.9 = 0.28.
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"]["deploy"] = {"mopti": 50, "gao": 1500, "bamako": 1000}
    data["factions"]["jihadists"].update(
        bands={"boni": 600, "douentza": 600},
        aggression=1.0,
        attack_ratio=0.5,
        raid_range_km=400,
        unit_size=100,
    )
    joined = {}
    for deterrence, air in ((0.0, 0.9), (0.8, 0.0), (0.8, 0.9)):
        data["insurgency"] = {"air_deterrence": deterrence}
        sent = 0
        for seed in range(20):
            model = MaliConflictModel(scenario_from_dict(data), rng=seed)
            mopti = model.towns["mopti"]
            model.governance["jihadists"][mopti.xy] = 0.5
            model.presence.air_against["jihadists"][mopti.xy] = air
            operations.plan_raids(model, "jihadists")
            sent += sum(u.objective == "mopti" for u in model.units_of("jihadists"))
        joined[(deterrence, air)] = sent / (20 * 12)
    assert joined[(0.0, 0.9)] == 1.0  # air weighs only in the odds, which still hold
    assert joined[(0.8, 0.0)] == 1.0  # no air over the target, nothing to fear
    assert 0.1 < joined[(0.8, 0.9)] < 0.5  # about 0.28
    # The state's side is not deterred; an insurgent's boldness falls with the air.
    model.config.factions["state"].aggression = 0.7
    assert insurgency.boldness(model, "state", mopti.xy) == pytest.approx(0.7)
    assert insurgency.boldness(model, "jihadists", mopti.xy) == pytest.approx(1.0 - 0.8 * 0.9)


def test_insurgents_occupy_a_town_they_win_only_in_country_they_govern():
    # Model 0.8.0: a band passing through rules nothing. The MNLA's columns of 2012 took no
    # town of the south; where a side governs the country around a town, it holds what it wins.
    from sim.war import towns

    for governance, occupied in ((0.0, False), (0.05, False), (0.5, True)):
        model = overmatch_model({"kayes": 3000})  # the state's army far from the town
        town = model.towns["hombori"]
        model.governance["jihadists"][:] = 0.0
        x, y = town.xy
        model.governance["jihadists"][x + 1, y] = governance  # the countryside beside it
        assert towns.takes_towns(model, "jihadists", town) is occupied, governance
        towns.capture(model, town, "jihadists")
        assert (town.holder == "jihadists") is occupied
    # A doctrine that holds no towns never occupies; the state's side occupies what it wins.
    model.config.factions["jihadists"].holds_towns = False
    assert not towns.takes_towns(model, "jihadists", model.towns["kidal"])
    assert towns.takes_towns(model, "state", model.towns["kidal"])


def overmatch_model(
    deploy: dict[str, int],
    guards: float = 0.0,
    occupiers: float = 0.0,
    band: int = 600,
    at: str = "hombori",
    affinity: float = 0.0,
    separatists: int = 0,
) -> MaliConflictModel:
    """A jihadist band (600) at Hombori, in country it governs, and the state's men elsewhere.

    ``occupiers``: ``insurgency.occupiers_per_1000`` (0, no check of the town's size, unless
    a test asks); ``affinity``: ``insurgency.rule_affinity`` (0, any town's people will do).
    The jihadists draw on the herders and nomads, and on a few farmers (the arc's weights);
    ``separatists``: a band of theirs beside the jihadists' (none by default), drawing on the
    nomads alone.
    """
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"].update(deploy=deploy, reserve=0)
    data["factions"]["separatists"].update(
        deploy={},
        bands={at: separatists} if separatists else {},
        holds_towns=True,
        recruits_from={"herders": 0.0, "nomads": 1.0, "farmers": 0.0},
    )
    data["factions"]["jihadists"].update(
        bands={at: band},
        holds_towns=True,
        recruits_from={"herders": 1.0, "nomads": 1.0, "farmers": 0.15},
    )
    data["insurgency"] = {
        "guards_per_1000": guards,
        "occupiers_per_1000": occupiers,
        "rule_affinity": affinity,
    }
    model = MaliConflictModel(scenario_from_dict(data), rng=1)
    model.governance["jihadists"][:] = 0.5
    return model


def test_insurgents_occupy_a_town_only_where_the_state_cannot_come_back_for_it():
    # Model 0.13.0: near parity an insurgency holds towns, against a far stronger state it raids
    # them (Kalyvas and Balcells 2010). The same band and town; only the state's side around it
    # changes: its army far (Kayes) or near (Douentza), its towns' police, its air cover.
    from sim.war import towns

    def occupies(model: MaliConflictModel, town: str = "hombori") -> bool:
        return towns.takes_towns(model, "jihadists", model.towns[town])

    far = overmatch_model({"kayes": 3000})
    assert occupies(far)
    near = overmatch_model({"kayes": 3000, "douentza": 3000})
    assert (
        near.presence.balance("jihadists")[near.towns["hombori"].xy]
        > (far.presence.balance("jihadists")[far.towns["hombori"].xy])
    )
    assert not occupies(near)
    # A populous town the state holds keeps police and gendarmes even with no army in it.
    assert occupies(overmatch_model({"kayes": 3000}), "mopti")
    assert not occupies(overmatch_model({"kayes": 3000}, guards=20.0), "mopti")
    # Air cover over the town multiplies what the state's side could bring back.
    covered = overmatch_model({"kayes": 3000, "gao": 700})
    assert occupies(covered)
    covered.presence.air_against["jihadists"][:] = 1.0
    covered.steps += 1  # a new day: the balance is reckoned again
    assert not occupies(covered)


def test_insurgents_occupy_a_town_only_with_men_enough_to_rule_its_people():
    # Model 0.37.0: an unordered occupation needs insurgency.occupiers_per_1000 fighters within
    # reach per 1,000 of the town's people. The same 600 men take Hombori (3,000 people) and
    # only raid Mopti (186,000), which 2,000 could hold; no band could hold Bamako.
    from sim.war import towns

    def occupies(model: MaliConflictModel, town: str) -> bool:
        return towns.takes_towns(model, "jihadists", model.towns[town])

    assert occupies(overmatch_model({"kayes": 3000}, occupiers=10.0), "hombori")
    at_mopti = overmatch_model({"kayes": 3000}, occupiers=10.0, at="mopti")
    assert at_mopti.presence.reach["jihadists"][at_mopti.towns["mopti"].xy] >= 600
    assert not occupies(at_mopti, "mopti")
    assert occupies(overmatch_model({"kayes": 3000}, at="mopti"), "mopti")  # no size check
    assert occupies(
        overmatch_model({"kayes": 3000}, occupiers=10.0, band=2000, at="mopti"), "mopti"
    )


def test_insurgents_occupy_a_town_unordered_only_among_their_own_people():
    # insurgency.rule_affinity: a side occupies a town it was not ordered to take only where
    # the communities it draws on are at least that share of the people (sim.communities).
    # The jihadists' share is 0.47 in the Mopti region (Hombori), 0.39 in the Gao region.
    from sim import communities
    from sim.war import towns

    def occupies(model: MaliConflictModel, town: str) -> bool:
        return towns.takes_towns(model, "jihadists", model.towns[town])

    for at, share in (("hombori", 0.473), ("gao", 0.388)):
        model = overmatch_model({"kayes": 3000}, at=at, affinity=0.4)
        assert abs(communities.affinity(model, "jihadists", model.towns[at].xy) - share) < 1e-3
        assert occupies(model, at) is (share >= 0.4), at
        assert occupies(overmatch_model({"kayes": 3000}, at=at), at)  # 0: any town
        # A town it was ordered to take it holds among strangers too (Gao, 2012).
        model.claims[at] = "jihadists"
        assert occupies(model, at)


def test_an_ally_s_people_will_do():
    # The rebels of 2012 held the river's towns together: a side allied to another rules where
    # the ally's communities live. The separatists (the nomads, 0.20 of the Gao region) occupy
    # Gao at 0.38 only while allied to the jihadists (0.39 there).
    from sim import communities
    from sim.war import towns

    model = overmatch_model({"kayes": 3000}, at="gao", affinity=0.38, separatists=600)
    model.governance["separatists"][:] = 0.5
    gao = model.towns["gao"]
    assert communities.affinity(model, "separatists", gao.xy) < 0.38
    for stance, occupies in (("hostile", False), ("allied", True)):
        model.relations.set_stance(["separatists", "jihadists"], stance)
        model.steps += 1  # a new day: the balance is reckoned again
        assert towns.takes_towns(model, "separatists", gao) is occupies, stance
    # Hostile to the jihadists, it is the rule alone that keeps the separatists out.
    model.relations.set_stance(["separatists", "jihadists"], "hostile")
    model.config.insurgency.rule_affinity = 0.0
    model.steps += 1
    assert towns.takes_towns(model, "separatists", gao)


def spreading_model(spread_km: float) -> MaliConflictModel:
    """A jihadist band of three units' men at Hombori, the state's army far away at Kayes."""
    model = overmatch_model({"kayes": 3000})
    model.config.factions["jihadists"].spread_km = spread_km
    model.governance["jihadists"][:] = 0.0
    operations.merge_garrisons(model)  # the band deploys as three units on one cell
    return model


def test_a_big_band_sends_men_to_work_the_most_promising_country_away_from_the_state():
    # Model 0.14.0: insurgents live dispersed. A band of two units or more sends one unit's men
    # to country its side does not govern, along the seams, away from the state.
    from sim.war.posture import Posture

    assert spreading_model(0.0).units_of("jihadists")[0].strength == 600
    model = spreading_model(0.0)
    insurgency.disperse(model)
    assert len(model.units_of("jihadists")) == 1  # spread_km = 0: it stays as it is

    def destination(state_at: tuple[int, int] | None = None) -> tuple[int, int]:
        model = spreading_model(150.0)
        band = model.units_of("jihadists")[0]
        x, y = band.xy
        # The two most populous cells of the open country within ~110 km (two cells at 0.5
        # degrees): not a town the state holds, where no detachment goes.
        near = [
            (float(model.geo.population[i, j]), (i, j))
            for i in range(x - 2, x + 3)
            for j in range(y - 2, y + 3)
            if (i, j) != (x, y) and model.in_mali[i, j] and (i, j) not in model.towns.at
        ]
        (_, a), (_, b) = sorted(near, reverse=True)[:2]
        model.seam[:] = 0.0
        model.seam[a] = model.seam[b] = 1.0  # the only mixed country within reach
        assert model.geo.population[a] > 0 and model.geo.population[b] > 0
        if state_at is not None:
            model.presence.reach["state"][state_at] = 5000.0
        insurgency.disperse(model)
        (part,) = [u for u in model.units_of("jihadists") if u is not band]
        assert part.posture == Posture.SPREAD
        assert part.strength == model.config.factions["jihadists"].unit_size
        assert band.strength == 600 - part.strength
        return part.destination, a, b

    dest, a, b = destination()
    assert dest in (a, b)
    assert destination(state_at=a)[0] == b
    assert destination(state_at=b)[0] == a
    # Governed country is not worth working again.
    model = spreading_model(150.0)
    model.governance["jihadists"][:] = 1.0
    insurgency.disperse(model)
    assert len(model.units_of("jihadists")) == 1


def test_the_same_men_spread_out_govern_more_country_than_a_band_that_sits():
    # The ensemble sign the ODD states: spreading, the same men govern more people.
    governed = {}
    for spread_km in (0.0, 150.0):
        data = small_dict()
        data["scenario"].update(resolution=0.5, end="2024-01-31")
        data["events"] = []
        data["foreign"] = {}
        data["factions"]["jihadists"].update(bands={"boni": 900}, spread_km=spread_km)
        scenario = scenario_from_dict(data)
        governed[spread_km] = []
        for seed in range(4):
            model = MaliConflictModel(scenario, rng=seed)
            model.run()
            layer = model.governance["jihadists"] * model.geo.population
            governed[spread_km].append(float(layer.sum()))
    wider = sum(s > q for s, q in zip(governed[150.0], governed[0.0], strict=True))
    assert wider >= 3, governed


def test_legitimacy_follows_the_security_the_state_provides_not_the_towns_it_holds():
    # Model 0.15.0: legitimacy once headed for 1 wherever the cell's nearest town was the
    # state's, so the rural centre grew loyal while the state's army sat in a few camps and the
    # jihadists dwindled. Now it heads for 1 where the state's men outnumber the insurgents'
    # around a cell, toward 0.2 where the insurgents' do, and back to its start where no one is.
    from sim.war import civilians

    model = overmatch_model({"kayes": 3000})
    hombori, kayes = model.towns["hombori"].xy, model.towns["kayes"].xy
    assert model.towns["hombori"].holder == "state"
    empty = np.argwhere(
        model.in_mali
        & (model.presence.reach["jihadists"] == 0)
        & (model.presence.state_within_reach() == 0)
        & (model.governance["jihadists"] == 0.5)
    )[0]
    model.governance["jihadists"][tuple(empty)] = 0.0
    model.control[hombori] = control.STATE  # holding its town gave the state the cell
    start = model.legitimacy.copy()
    for day in range(1, 365):
        model.steps = day
        civilians.update_population(model)
    assert model.legitimacy[hombori] < start[hombori] - 0.1
    assert model.legitimacy[kayes] > start[kayes] + 0.05
    assert model.legitimacy[tuple(empty)] == pytest.approx(model.legitimacy_base[tuple(empty)])


def test_a_detachment_does_not_walk_into_a_town_the_enemy_holds():
    # Model 0.15.1: the people of a garrison town made it the best prospect around, and a
    # detachment a week walked onto the state's and France's garrison of Segou in 2013. Here the
    # state holds Douentza, within reach of the band at Hombori, with a few men.
    from sim.war.posture import Posture

    model = overmatch_model({"kayes": 3000, "douentza": 100})
    model.config.factions["jihadists"].spread_km = 150.0
    model.governance["jihadists"][:] = 0.0
    operations.merge_garrisons(model)
    band = model.units_of("jihadists")[0]
    douentza = model.towns["douentza"].xy
    radius = round(150.0 / model.cell_km)
    assert max(abs(douentza[0] - band.xy[0]), abs(douentza[1] - band.xy[1])) <= radius
    other = min(
        (
            (i, j)
            for i in range(band.xy[0] - radius, band.xy[0] + radius + 1)
            for j in range(band.xy[1] - radius, band.xy[1] + radius + 1)
            if model.in_mali[i, j]
            and model.geo.population[i, j] > 0
            and (i, j) not in model.towns.at
            and (i, j) != band.xy
        ),
        key=lambda xy: model.geo.population[xy],
    )
    model.seam[:] = 0.0
    model.seam[douentza] = model.seam[other] = 1.0  # the town is by far the more populous
    assert model.geo.population[douentza] > model.geo.population[other]
    insurgency.disperse(model)
    (part,) = [u for u in model.units_of("jihadists") if u is not band]
    assert part.posture == Posture.SPREAD
    assert part.destination == other, f"went to {part.destination}, Douentza is {douentza}"


def test_a_garrison_that_stays_in_its_camp_does_not_contest_the_villages_around():
    # Model 0.16.0: the state's men undid the insurgents' governance within reach however they
    # were used; a garrison now counts in full on its town and for garrison_reach_share of its
    # men beyond it (columns and bands in full; partners' garrisons as the army's).
    def model_at(share: float) -> MaliConflictModel:
        model = overmatch_model({"kayes": 3000, "douentza": 1000})
        model.config.insurgency.garrison_reach_share = share
        model.presence.refresh()
        return model

    full, camp = model_at(1.0), model_at(0.25)
    douentza = full.towns["douentza"].xy
    beside = (douentza[0] + 1, douentza[1])
    assert full.presence.countryside[beside] == pytest.approx(full.presence.reach["state"][beside])
    assert camp.presence.countryside[douentza] == pytest.approx(1000.0)
    assert camp.presence.countryside[beside] == pytest.approx(250.0)
    # The band at Hombori governs more of the country by Douentza when the garrison stays in.
    for model in (full, camp):
        model.governance["jihadists"][:] = 0.5
        for _ in range(90):
            insurgency.govern(model)
    assert camp.governance["jihadists"][beside] > full.governance["jihadists"][beside]


def test_a_garrison_in_its_camp_does_not_hold_the_villages_the_insurgents_govern():
    # Model 0.53.0: the control layer counts the state's side by its hold on the countryside
    # (Presence.state_hold: garrisons beyond their town at garrison_reach_share, as far as its
    # officials serve), the same that undoes the insurgents' governance. Until then all its men
    # within reach counted, and a garrison in its camp outweighed the courts and levies of the
    # villages about it: in barkhane_2014 the jihadists controlled 0-2% of the people.
    def control_beside(share: float, officials: float = 1.0) -> str:
        model = overmatch_model({"kayes": 3000, "douentza": 1000})
        model.config.insurgency.garrison_reach_share = share
        model.presence.refresh()
        douentza = model.towns["douentza"].xy
        beside = (douentza[0] + 1, douentza[1])
        model.governance["jihadists"][:] = 1.0
        model.officials[beside] = officials
        layer = control.assess(model)
        assert CONTROL_CLASSES[layer[douentza]] == "state"  # the town stays the state's
        return CONTROL_CLASSES[layer[beside]]

    assert control_beside(1.0) == "state"  # a garrison that patrols holds the villages
    assert control_beside(0.25) == "contested"  # one that stays in camp contests them
    assert control_beside(0.25, officials=0.0) == "jihadists"  # its officials gone: theirs


def test_a_town_an_insurgent_side_holds_is_a_recruiting_ground():
    # Since model 0.35.0; 5 in the library since 0.61.0, 5.6 since 0.65.0 (0 by default). The
    # jihadists of 2012 recruited in the towns they held (HRW, 2012); until 0.61.0 the arc
    # switched their recruitment from 0.0112 to 0.00223 on 2013-01-10, when they lost them.
    # With `insurgency.recruitment_in_held_towns` k, a held town's people weigh k times more.
    data = small_dict()
    data["events"] = []
    data["foreign"] = {}
    weights, separatists = {}, {}
    for k in (0.0, 10.0):
        data["insurgency"] = {"recruitment_in_held_towns": k}
        model = MaliConflictModel(scenario_from_dict(data), rng=1)
        gao = model.towns["gao"]
        gao.holder = "jihadists"
        model.recruitment.refresh_weights(model)
        weights[k] = model.recruitment.weights["jihadists"]
        separatists[k] = model.recruitment.weights["separatists"][0]
    # The separatists do not hold Gao: their weight there does not change.
    assert separatists[10.0][gao.xy] == separatists[0.0][gao.xy]
    (before, total_before), (after, total_after) = weights[0.0], weights[10.0]
    assert after[gao.xy] - before[gao.xy] == pytest.approx(10.0 * gao.population)
    assert total_after - total_before == pytest.approx(10.0 * gao.population)
    others = np.ones(before.shape, dtype=bool)
    others[gao.xy] = False
    assert np.array_equal(after[others], before[others])


def test_a_town_held_by_arms_alone_is_no_recruiting_ground():
    # `factions.<id>.town_rule` says how far a side rules the towns it holds (courts, police,
    # pay): the MNLA of 2012 held Gao by arms and looted it (HRW, 2012-04-30), the jihadists
    # ran its courts and paid their recruits. A held town weighs k x town_rule more.
    data = small_dict()
    data["events"] = []
    data["foreign"] = {}
    data["insurgency"] = {"recruitment_in_held_towns": 10.0}
    gained = {}
    for rule in (0.0, 0.5, 1.0):
        data["factions"]["separatists"]["town_rule"] = rule
        model = MaliConflictModel(scenario_from_dict(data), rng=1)
        gao = model.towns["gao"]
        gao.holder = None
        model.recruitment.refresh_weights(model)
        before = model.recruitment.weights["separatists"][0][gao.xy]
        gao.holder = "separatists"
        model.recruitment.refresh_weights(model)
        gained[rule] = model.recruitment.weights["separatists"][0][gao.xy] - before
    assert gained[0.0] == 0.0
    assert gained[0.5] == pytest.approx(5.0 * gao.population)
    assert gained[1.0] == pytest.approx(10.0 * gao.population)


def test_on_an_ensemble_a_side_that_rules_its_towns_grows_more():
    # The sign the ODD states for towns as recruiting grounds (model 0.61.0; k 10 here, 5 in the
    # library's files): the same jihadists holding Gao and Timbuktu, with the army
    # far to the south, recruit more and end stronger where they rule the towns (town_rule 1)
    # than where they hold them by arms alone (0); six months at 0.5 degree, six runs each.
    def ensemble(rule: float):
        data = small_dict()
        data["scenario"].update(resolution=0.5, end="2024-03-31")
        data["events"] = []
        data["foreign"] = {}
        data["insurgency"] = {"recruitment_in_held_towns": 10.0}
        data["factions"]["state"]["deploy"] = {"bamako": 1000, "mopti": 600}
        data["factions"]["separatists"].update(deploy={}, bands={})
        data["factions"]["jihadists"].update(
            deploy={"gao": 500, "timbuktu": 500}, bands={}, holds_towns=True, town_rule=rule
        )
        return run_ensemble(scenario_from_dict(data), runs=6, seed=1).runs

    ruled, held = ensemble(1.0), ensemble(0.0)
    assert ruled["recruits_jihadists"].median() > held["recruits_jihadists"].median() + 200
    assert ruled["strength_end_jihadists"].median() > 1.2 * held["strength_end_jihadists"].median()
