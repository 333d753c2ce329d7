"""Each mechanism of the ODD (docs/ODD.md) proves its direction on an ensemble, not one seed.

The ensembles run ``tests/scenarios/mechanisms.toml`` (a coarse, six-month northern campaign)
with one parameter changed, and compare the two distributions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import MECHANISMS, ensemble
from small_scenario import small_dict

from sim import MaliConflictModel, combat, load_scenario, politics
from sim.scenario import scenario_from_dict
from sim.war import casualties, towns
from sim.war.posture import Posture

pytestmark = pytest.mark.xdist_group("mechanisms")

COMMITTED = "foreign.wagner.commitment=0.9"  # so that risk, not departure, drives the outcome
LOW_RISK = "foreign.wagner.risk_tolerance=0.1"
HIGH_RISK = "foreign.wagner.risk_tolerance=0.9"


def engagements_of(events, actor: str, runs: int) -> np.ndarray:
    fights = events[events.event_type.isin(["battle", "ambush", "ied"])]
    mine = fights[(fights.actor1 == actor) | (fights.actor2 == actor)]
    return mine.groupby("run_id").size().reindex(range(runs), fill_value=0).to_numpy()


def test_a_high_risk_force_fights_more_dies_more_and_holds_more_ground():
    low, high = ensemble(LOW_RISK, COMMITTED), ensemble(HIGH_RISK, COMMITTED)
    assert (
        engagements_of(high.events, "wagner", 12).mean()
        > 1.2 * engagements_of(low.events, "wagner", 12).mean()
    )
    assert high.runs.deaths_foreign_wagner.median() > 2 * low.runs.deaths_foreign_wagner.median()
    # Ground: the share of Mali's territory the state holds at the end, and insurgents killed.
    assert high.runs.area_share_state.mean() > low.runs.area_share_state.mean()
    insurgents = lambda r: (r.runs.deaths_jihadists + r.runs.deaths_separatists).mean()  # noqa: E731
    assert insurgents(high) > 1.2 * insurgents(low)


def test_after_heavy_losses_a_committed_patron_reinforces_and_a_reluctant_one_leaves():
    # An army's force (its dead cost at home in full), caught far from support wherever it is
    # off its bases (support_scale_km small), where an ambush there turns to a disaster at the
    # full rate (ambush_catastrophe 1; 0.5 until model 0.53.0, when the 12 runs' disasters fell
    # short of what the test needs: the median worst engagement 25.5 for the reluctant patron,
    # 36.5 on 0.52.0). What is tested is the answer to disasters, not how often they come.
    disaster = (
        "foreign.wagner.risk_tolerance=0.9",
        "foreign.wagner.kind=expeditionary",
        "combat.ambush_catastrophe=1.0",
        "combat.support_scale_km=10",
        "combat.reach_km=50",  # no town within reach of Kidal: the columns camp in the open
    )
    # 48 runs each: a reluctant patron leaves in about half of them (0.52 on model 0.61.0 and
    # 0.48 on 0.62.0 over these 48 runs), and on the 12 runs this test had until 0.62.0 "at
    # least half" passed or failed by the draw (4 to 10 of 12 over seeds 5-8, either model).
    reluctant = ensemble(*disaster, "foreign.wagner.commitment=0.1", runs=48)
    committed = ensemble(*disaster, "foreign.wagner.commitment=0.9", runs=48)
    # Both suffer mass-casualty engagements...
    assert reluctant.runs.max_engagement_deaths_foreign_wagner.median() >= 30
    assert committed.runs.max_engagement_deaths_foreign_wagner.median() >= 30
    # ...and answer them in opposite ways.
    assert reluctant.runs.withdrew_foreign_wagner.mean() >= 0.4
    # Even a committed patron may leave after repeated disasters (pressure can outweigh
    # commitment in the rule), but far more rarely than a reluctant one.
    assert committed.runs.withdrew_foreign_wagner.mean() <= 0.2
    assert (
        reluctant.runs.withdrew_foreign_wagner.mean()
        >= 3 * committed.runs.withdrew_foreign_wagner.mean()
    )
    assert (committed.runs.reinforcements_foreign_wagner > 0).mean() >= 0.8
    assert (reluctant.runs.reinforcements_foreign_wagner > 0).mean() <= 0.3


def test_the_patron_rule_turns_on_commitment():
    rng = np.random.default_rng(0)
    heavy, stake, need, drift = 2.0, 0.3, 0.3, 0.3
    committed = [politics.patron_decision(0.9, heavy, stake, need, drift, rng) for _ in range(2000)]
    reluctant = [politics.patron_decision(0.1, heavy, stake, need, drift, rng) for _ in range(2000)]
    assert committed.count("reinforce") / 2000 > 0.6
    assert reluctant.count("withdraw") / 2000 > 0.8
    assert committed.count("withdraw") < reluctant.count("withdraw") / 10


def test_commitment_changes_decisions_even_without_losses():
    # A quiet review: no cost. A committed patron sends men to a client in need; an
    # uncommitted one trims a presence its client no longer needs; neither leaves.
    rng = np.random.default_rng(5)

    def shares(commitment: float, need: float) -> dict[str, float]:
        draws = [
            politics.patron_decision(commitment, 0.0, 0.5, need, 0.3, rng) for _ in range(4000)
        ]
        return {d: draws.count(d) / 4000 for d in ("reinforce", "trim", "withdraw")}

    committed, reluctant = shares(0.9, 0.6), shares(0.1, 0.6)
    assert committed["reinforce"] > 0.12 and reluctant["reinforce"] < 0.03
    assert shares(0.1, 0.1)["trim"] > 0.2 and shares(0.9, 0.1)["trim"] < 0.05
    # The need moves a committed patron too: more men for a client that is losing ground.
    assert shares(0.9, 0.8)["reinforce"] > shares(0.9, 0.2)["reinforce"] + 0.1
    assert committed["withdraw"] == reluctant["withdraw"] == 0.0


def test_a_contractors_dead_weigh_less_on_its_patron_than_an_armys():
    from sim.scenario.schema import Politics

    home = Politics().home_cost
    assert home["contractor"] < home["peacekeeping"] < home["expeditionary"]
    # The same losses (a fifth of the force in a review window, with a disaster)...
    cost = {kind: politics.patron_cost(200, 1000, True, 8.0, 1.0, home[kind]) for kind in home}
    assert cost["contractor"] < 0.5 * cost["expeditionary"]
    # ...make an army's patron leave far more often than a contractor's, at one commitment.
    rng = np.random.default_rng(2)

    def left(kind: str) -> float:
        draws = [politics.patron_decision(0.4, cost[kind], 0.3, 0.3, 0.3, rng) for _ in range(3000)]
        return draws.count("withdraw") / 3000

    assert left("expeditionary") > 2 * left("contractor") + 0.05


def test_a_patrons_stake_grows_with_dependence_concessions_and_time_there():
    assert politics.patron_stake(0.5, 0.0, 0.0) > politics.patron_stake(0.1, 0.0, 0.0)
    assert politics.patron_stake(0.1, 0.6, 0.0) > politics.patron_stake(0.1, 0.0, 0.0)
    assert politics.patron_stake(0.1, 0.0, 2.0) == politics.patron_stake(0.1, 0.0, 1.0)
    assert politics.patron_stake(0.1, 0.0, 1.0) > politics.patron_stake(0.1, 0.0, 0.2)


def test_abuses_raise_grievance_and_jihadist_recruitment_in_the_centre():
    clean = ensemble("factions.state.abuse_propensity=0.0", "foreign.wagner.abuse_propensity=0.0")
    abusive = ensemble("factions.state.abuse_propensity=0.3", "foreign.wagner.abuse_propensity=0.3")
    assert clean.runs.abuse_events.sum() == 0
    assert abusive.runs.abuse_events.median() > 10
    grievance = lambda r: r.timeseries.groupby("run_id").grievance_centre.last()  # noqa: E731
    assert grievance(abusive).mean() > 3 * grievance(clean).mean()
    # A dead civilian's grievance is an intensity per area since model 0.3.0, so on this coarse
    # grid (0.5 degrees, four 0.25-degree cells a cell) an abuse weighs a quarter of what it did.
    assert (
        abusive.runs.recruits_jihadists_centre.mean()
        > 1.05 * clean.runs.recruits_jihadists_centre.mean()
    )


def test_grievance_rises_where_the_abuses_happen():
    scenario = load_scenario(
        MECHANISMS, ["factions.state.abuse_propensity=0.3", "foreign.wagner.abuse_propensity=0.3"]
    )
    model = MaliConflictModel(scenario, rng=11)
    for _ in range(60):
        model.step()
    abuses = [
        e
        for e in model.log.events
        if e["event_type"] == "violence_against_civilians"
        and e["civilians_killed_by"] in ("state", "wagner")
    ]
    assert abuses, "the abusive scenario produced no abuses"
    cells = {model.geo.cell_of(e["lat"], e["lon"]) for e in abuses}
    at_abuses = np.mean([model.grievance[c] for c in cells])
    populated = model.in_mali & (model.geo.population > 1000)
    assert at_abuses > 5 * model.grievance[populated].mean()


def test_insurgents_leave_a_town_they_cannot_hold_rather_than_die_in_it():
    # The columns' distance from support (which makes insurgents stand against an exposed
    # column, since model 0.6.0) set aside: support_scale_km so large it discounts nothing.
    near = "combat.support_scale_km=2000"
    leave = ensemble("factions.separatists.abandon_ratio=1.2", near)
    stand = ensemble("factions.separatists.abandon_ratio=50", near)

    def abandoned_kidal(events):
        hit = events[
            (events.town == "kidal")
            & (events.event_type == "town_abandoned")
            & (events.actor1 == "separatists")
        ]
        return hit.run_id.nunique() / 12

    def died_in_kidal(events):
        battles = events[(events.town == "kidal") & (events.event_type == "battle")]
        return (
            battles.groupby("run_id")
            .deaths_separatists.sum()
            .reindex(range(12), fill_value=0)
            .mean()
        )

    assert abandoned_kidal(leave.events) >= 0.7
    assert abandoned_kidal(stand.events) <= 0.2
    assert died_in_kidal(stand.events) > 1.5 * died_in_kidal(leave.events)
    # Either way the state ends up in Kidal in most runs: the question is the price.
    assert (leave.runs.holder_kidal == "state").mean() >= 0.7


def test_losses_per_engagement_are_heavy_tailed():
    results = ensemble(HIGH_RISK)
    fights = results.events[results.events.event_type.isin(["battle", "ambush", "ied"])]
    deaths = np.sort(fights.deaths_total.to_numpy())[::-1]
    assert len(deaths) > 200
    top_tenth = deaths[: len(deaths) // 10].sum() / deaths.sum()
    assert top_tenth > 0.4, f"the deadliest 10% of engagements carry only {top_tenth:.0%} of deaths"
    assert deaths.max() > 20 * np.median(deaths)


def test_an_ambush_usually_costs_a_few_men_and_rarely_a_column():
    rng = np.random.default_rng(3)
    shares = np.array(
        [combat.ambush(200, 150, 0.05, 0.4, 0.03, rng).defender / 200 for _ in range(4000)]
    )
    assert np.median(shares) < 0.05
    assert (shares > 0.25).mean() > 0.02


def test_a_set_battle_favours_the_side_with_the_numbers():
    rng = np.random.default_rng(4)
    outcomes = [combat.battle(1000, 250, 1000, 250, 0.02, 0.02, 1.0, 0.9, rng) for _ in range(2000)]
    assert np.mean([o.defender for o in outcomes]) > 3 * np.mean([o.attacker for o in outcomes])


def test_the_patron_rule_survives_a_catastrophic_loss():
    # Hypothesis found a drawn scenario whose pressure overflowed the logistic: a patron that
    # loses hundreds of times its strength leaves, and the rule does not crash.
    rng = np.random.default_rng(1)
    decisions = {politics.patron_decision(0.9, 1e4, 0.0, 0.5, 0.3, rng) for _ in range(200)}
    assert decisions <= {"withdraw", "draw_down"} and "withdraw" in decisions


def _peacekeepers(bases: list[str], unit_size: int) -> dict:
    """A 1,000-strong UN force's table, spread over ``bases``."""
    return {
        "kind": "peacekeeping",
        "strength": 1000,
        "ceiling": 1000,
        "commitment": 0.8,
        "risk_tolerance": 0.1,
        "unit_size": unit_size,
        "bases": bases,
    }


def _un_camp_at_kidal(attacker: str):
    """Kidal held by the state with only a UN camp in it; ``attacker`` is ordered against it."""
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["factions"]["state"]["deploy"] = {"gao": 1500, "bamako": 1000}
    data["factions"]["state"]["holds"] = ["kidal"]
    data["factions"]["separatists"]["deploy"] = {}
    for faction in ("separatists", "jihadists"):  # the attacker alone, so the UN's losses are its
        data["factions"][faction]["bands"] = {"anefis": 600} if faction == attacker else {}
    data["factions"]["jihadists"]["holds_towns"] = True
    for faction in ("separatists", "jihadists"):
        data["factions"][faction].update(ambush_rate=0.0, ied_rate=0.0, aggression=1.0)
    data["foreign"] = {"un": _peacekeepers(["kidal"], unit_size=1000)}
    data["events"] = [
        {"date": dt.date(2023, 10, 2), "type": "offensive", "actor": attacker, "target": "kidal"}
    ]
    data["insurgency"] = {"raid_network": 0.0}  # they may strike Kidal again after a setback
    return scenario_from_dict(data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_peacekeepers_hold_a_town_against_jihadists_not_separatists(seed):
    # MINUSMA's camp stood in the CMA's Kidal (2014-2023): the UN fights only the jihadists, so
    # it neither defends a town for the state against the separatists nor leaves its camp.
    taken = {}
    for attacker in ("separatists", "jihadists"):
        model = MaliConflictModel(_un_camp_at_kidal(attacker), rng=seed)
        model.run()
        taken[attacker] = model.towns["kidal"].holder == attacker
        if attacker == "separatists":
            assert taken[attacker], "a separatist column takes a town only peacekeepers are in"
            assert model.strength("un") == 1000, "the UN did not fight the separatists"
            assert any(
                u.actor == "un"
                for u in model.grid[(model.towns["kidal"].x, model.towns["kidal"].y)].agents
            )
            assert towns.holder(model, "kidal") == "separatists", "not contested by a camp at peace"
    assert not taken["jihadists"], "the UN camp holds Kidal against a jihadist column"


def test_a_force_can_close_one_base_and_keep_the_others():
    # MINUSMA handed over Tessalit, Aguelhok and Kidal in October 2023 and left Gao in December.
    data = small_dict()
    data["foreign"]["un"] = _peacekeepers(["kidal", "gao"], unit_size=500)
    data["events"].append(
        {"date": dt.date(2023, 10, 5), "type": "depart", "actor": "un", "target": "kidal"}
    )
    model = MaliConflictModel(scenario_from_dict(data), rng=1)
    kidal = model.towns["kidal"]
    at_kidal = lambda: [u for u in model.grid[(kidal.x, kidal.y)].agents if u.actor == "un"]  # noqa: E731
    assert at_kidal() and model.strength("un") == 1000
    while model.date < dt.date(2023, 10, 5):
        model.step()
    assert model.date == dt.date(2023, 10, 5) and at_kidal()
    model.step()
    assert not at_kidal(), "the Kidal camp is handed over"
    assert model.patrons.present["un"] and model.strength("un") == 500, "the Gao camp stays"
    assert model.ledger["un"]["departures"] == 500
    assert model.config.foreign["un"].bases == ["gao"]


def _allied_offensive(stance: str, allies: tuple[str, ...] = ("separatists",)):
    """Timbuktu held by the state, empty; jihadists order an offensive (with ``allies``)."""
    data = small_dict()
    data["scenario"].update(resolution=0.5, end=dt.date(2023, 12, 31))
    data["relations"] = {"separatists_jihadists": stance, "state_separatists": "hostile"}
    data["factions"]["state"]["deploy"] = {"bamako": 1000}
    data["factions"]["state"]["holds"] = ["timbuktu"]
    data["factions"]["state"]["aggression"] = 0.0
    data["factions"]["separatists"].update(deploy={}, bands={"goundam": 400}, aggression=1.0)
    data["factions"]["jihadists"].update(bands={"kidal": 400}, holds_towns=True, aggression=1.0)
    for faction in ("separatists", "jihadists"):
        data["factions"][faction].update(ambush_rate=0.0, ied_rate=0.0, recruit_rate=0.0)
    data["foreign"] = {}
    # No police in the state's towns: 400 separatists would not occupy a town on their own
    # account against them all (model 0.13.0), nor with too few men to rule its people (model
    # 0.37.0); the claims, not the balance or the town's size, are tested here.
    data["insurgency"] = {"guards_per_1000": 0.0, "occupiers_per_1000": 0.0}
    data["events"] = [
        {
            "date": dt.date(2023, 10, 1),  # ordered before any plan of their own
            "type": "offensive",
            "actor": "jihadists",
            "target": "timbuktu",
            "allies": list(allies),
        }
    ]
    return scenario_from_dict(data)


@pytest.mark.parametrize("seed", [1, 2])
def test_allies_take_an_offensive_s_objective_for_the_faction_that_leads_it(seed):
    # Timbuktu, April 2012: the MNLA came with Ansar Dine's offensive, but the town was Ansar
    # Dine's. The separatists, nearer, get there first and take it for the jihadists.
    model = MaliConflictModel(_allied_offensive("allied"), rng=seed)
    tables = model.run()
    captures = tables.events[
        (tables.events.event_type == "town_captured") & (tables.events.town == "timbuktu")
    ]
    assert list(captures.actor1)[:1] == ["jihadists"]
    assert model.towns["timbuktu"].holder == "jihadists"


@pytest.mark.parametrize("seed", [1, 2])
def test_an_ally_raiding_a_claimed_town_on_its_own_takes_it_for_the_claimant(seed):
    # The separatists are not in the order; their own raid reaches the empty town first, but
    # the jihadists were ordered against it: the town is theirs while the two are allied.
    model = MaliConflictModel(_allied_offensive("allied", allies=()), rng=seed)
    tables = model.run()
    captures = tables.events[
        (tables.events.event_type == "town_captured") & (tables.events.town == "timbuktu")
    ]
    assert list(captures.actor1)[:1] == ["jihadists"]
    assert "timbuktu" not in model.claims, "a claim ends when the town changes hands"


def test_a_faction_takes_a_town_for_itself_when_its_leader_is_no_ally():
    # The same march under a truce: the separatists go on their own account.
    model = MaliConflictModel(_allied_offensive("truce"), rng=1)
    tables = model.run()
    captures = tables.events[
        (tables.events.event_type == "town_captured") & (tables.events.town == "timbuktu")
    ]
    assert list(captures.actor1)[:1] == ["separatists"]


def _kidal_garrison_and_a_column(objective: str) -> MaliConflictModel:
    """Kidal held by a small state garrison; a big separatist column a cell away, bound for
    ``objective``; presence refreshed, ready for the day's abandonment check."""
    data = small_dict()
    data["scenario"]["resolution"] = 0.25
    data["factions"]["state"]["deploy"] = {"kidal": 100, "bamako": 1000}
    data["factions"]["separatists"].update(deploy={}, bands={})
    data["factions"]["jihadists"]["bands"] = {}
    data["foreign"] = {}
    data["events"] = []
    model = MaliConflictModel(scenario_from_dict(data), rng=1)
    kidal = model.towns["kidal"]
    for band in model.spawn("separatists", 2000, (kidal.x + 1, kidal.y), Posture.PATROL, "start"):
        band.order_against(model.towns[objective])
    model.presence.refresh()
    return model


def _abandoned(model: MaliConflictModel, town: str) -> bool:
    towns.abandon_indefensible_towns(model)
    return any(e["event_type"] == "town_abandoned" and e["town"] == town for e in model.log.events)


def test_a_garrison_leaves_for_a_column_coming_for_it_not_for_one_marching_past():
    # Kidal, January 2012: the MNLA's columns to Aguelhok and Tessalit passed near Kidal, and
    # its garrison stayed until the attack on Kidal itself (30 March).
    past = _kidal_garrison_and_a_column("aguelhok")
    assert not _abandoned(past, "kidal")
    assert past.towns["kidal"].holder == "state"
    coming = _kidal_garrison_and_a_column("kidal")
    assert _abandoned(coming, "kidal")
    kidal = coming.towns["kidal"]
    assert not [u for u in coming.grid[(kidal.x, kidal.y)].agents if u.actor == "state"]


def test_a_patron_counts_its_own_dead_for_a_mass_casualty_defeat():
    # A battle that kills 60 Malian soldiers and 2 of the partner's is the client's disaster,
    # not the patron's (the outcome ``mass_casualty_defeat`` counts the force's own dead).
    model = MaliConflictModel(load_scenario(MECHANISMS), rng=1)
    xy = (model.towns["gao"].x, model.towns["gao"].y)
    state = [u for u in model.units_of("state") if u.strength >= 100][:1]
    wagner = model.units_of("wagner")[:1]
    enemy = model.spawn("jihadists", 400, xy, Posture.PATROL, "start")
    deaths = {"state": 60, "wagner": 2, "jihadists": 5}
    casualties.record_engagement(
        model, "battle", "jihadists", "state", deaths, xy, enemy, state + wagner
    )
    assert [r[2] for r in model.patrons.recent_losses["wagner"]] == [False]
    deaths = {"state": 0, "wagner": 60, "jihadists": 5}
    casualties.record_engagement(model, "battle", "jihadists", "wagner", deaths, xy, enemy, wagner)
    assert model.patrons.recent_losses["wagner"][-1][2] is True


def test_a_band_in_the_centre_recruits_there_its_networks_decide():
    # Since model 0.4.0 recruits come where a faction's networks are (sim/war/insurgency.py),
    # and since 0.8.0 no list of zones exists: a band in the centre recruits there.
    data = small_dict()
    data["factions"]["state"]["deploy"] = {"gao": 1500, "bamako": 1000, "timbuktu": 400}
    data["factions"]["jihadists"].update(bands={"boni": 1500, "lere": 300})
    model = MaliConflictModel(scenario_from_dict(data), rng=1)
    model.step()
    assert model.recruitment.zone_shares["jihadists"]["centre"] > 0.0
