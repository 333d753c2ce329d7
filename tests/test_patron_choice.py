"""The patron's choice (issue 15): what risk buys, adaptation after a disaster, and where.

Unit-level checks on a model of the mechanisms scenario (``tests/scenarios/mechanisms.toml``),
and ensembles of it through the whole model: more risk buys enemy losses and ground, and costs
men and civilians; the same disasters weigh more on an army's patron than a contractor's;
commitment decides quiet reviews; a force that suffers a disaster runs at lower risk a while.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import MECHANISMS, ROOT, ensemble

from sim import MaliConflictModel, load_scenario
from sim.war import irregular, patrons
from sim.war.posture import Posture

pytestmark = pytest.mark.xdist_group("mechanisms")


def model_at(*overrides: str) -> MaliConflictModel:
    model = MaliConflictModel(load_scenario(MECHANISMS, list(overrides)), rng=3)
    model.step()
    return model


def test_after_a_mass_casualty_defeat_the_force_lowers_its_risk_for_a_while():
    model = model_at("foreign.wagner.risk_tolerance=0.8", "politics.adaptation_days=30")
    gao = model.towns["gao"].xy
    before_range = patrons.operating_range_cells(model, "wagner")
    assert patrons.risk(model, "wagner") == pytest.approx(0.8)
    model.patrons.book_losses(model, "wagner", 10, gao)  # an ordinary loss: no change
    assert patrons.risk(model, "wagner") == pytest.approx(0.8)
    model.patrons.book_losses(model, "wagner", 80, gao)  # a disaster (threshold 50)
    assert patrons.risk(model, "wagner") == pytest.approx(0.4)
    assert patrons.operating_range_cells(model, "wagner") < before_range
    garrison = next(u for u in model.units_of("wagner") if u.posture == Posture.GARRISON)
    assert garrison.exposure() == pytest.approx(0.05 + 0.95 * 0.4)
    dated = [e for e in model.log.events if e["event_type"] == "adaptation"]
    assert len(dated) == 1 and dated[0]["actor1"] == "wagner" and dated[0]["town"] == "gao"
    for _ in range(30):
        model.step()
    assert patrons.risk(model, "wagner") == pytest.approx(0.8)


def test_a_partner_that_accepts_more_risk_escorts_and_patrols_further():
    cautious, bold = (
        model_at("foreign.wagner.risk_tolerance=0.1"),
        model_at("foreign.wagner.risk_tolerance=0.9"),
    )
    for model in (cautious, bold):
        model.presence.refresh()
    escort_cells = lambda m: int((m.presence.escort["jihadists"] > 0).sum())  # noqa: E731
    assert escort_cells(bold) > 2 * escort_cells(cautious)
    assert bold.presence.escort["jihadists"].max() > 2 * cautious.presence.escort["jihadists"].max()
    assert (bold.presence.patrols > 0).sum() > (cautious.presence.patrols > 0).sum()
    # A state unit at Timbuktu (a Wagner base) is better protected beside a bold partner.
    state = lambda m: next(u for u in m.units_of("state") if u.xy == m.towns["timbuktu"].xy)  # noqa: E731
    assert state(bold).protection("jihadists") > state(cautious).protection("jihadists")


def test_a_column_is_remote_far_from_its_garrisons_and_not_at_them():
    model = model_at()
    model.presence.refresh()
    gao = model.towns["gao"].xy
    kidal = model.towns["kidal"].xy  # the separatists' town: no state garrison within 250 km
    assert irregular.remoteness(model, np.array([gao[0]]), np.array([gao[1]]))[0] == 0.0
    assert irregular.remoteness(model, np.array([kidal[0]]), np.array([kidal[1]]))[0] > 0.8


def test_more_risk_buys_enemy_losses_ground_and_costs_own_men_and_civilians():
    # 40 runs a design: with the 12 of the shared ensembles the insurgents' share of the people
    # fell by 18% (model 0.53.0) or 9% (0.54.0, whose cautious campaign keeps Anefis and gets
    # Kidal too), too few runs for a 10% bound; with 40 (the same seed) by 23% and 19%.
    low = ensemble("foreign.wagner.risk_tolerance=0.1", "foreign.wagner.commitment=0.9", runs=40)
    high = ensemble("foreign.wagner.risk_tolerance=0.9", "foreign.wagner.commitment=0.9", runs=40)
    mean = lambda r, c: r.runs[c].mean()  # noqa: E731
    assert mean(high, "deaths_jihadists") + mean(high, "deaths_separatists") > 1.2 * (
        mean(low, "deaths_jihadists") + mean(low, "deaths_separatists")
    )
    assert mean(high, "deaths_foreign_wagner") > 2 * mean(low, "deaths_foreign_wagner")
    # Ground: the state holds more of the country, and the insurgents rule fewer people. (On
    # model 0.58.0, 40 runs: the area 0.73 -> 0.79; the insurgents' people down by 8%, 95%
    # interval -19% to +3% (seed 5), and by 16% (-26% to -5%, seed 6); by 23% and 19% on
    # 0.53.0 and 0.54.0, when the test asked 10%.)
    assert mean(high, "area_share_state") > mean(low, "area_share_state") + 0.03
    insurgent_share = lambda r: mean(r, "pop_share_jihadists") + mean(r, "pop_share_separatists")  # noqa: E731
    assert insurgent_share(high) < 0.95 * insurgent_share(low)
    assert mean(high, "civilians_killed_by_wagner") > mean(low, "civilians_killed_by_wagner")


# Disasters made likely (a reckless force caught far from support, where an ambush turns to a
# disaster at the full rate): what is tested is how the patron and its force answer them.
DISASTERS = (
    "foreign.wagner.risk_tolerance=0.9",
    "combat.ambush_catastrophe=1.0",
    "combat.support_scale_km=10",
)


def test_the_same_disasters_make_an_armys_patron_leave_more_often_than_a_contractors():
    # Through the patron's reviews in the whole model (patrons.decide), not the rule alone: the
    # same force, doctrine and commitment; only the kind changes, and with it what its dead cost
    # at home (politics.home_cost). Both meet disasters alike.
    army = ensemble(
        *DISASTERS, "foreign.wagner.kind=expeditionary", "foreign.wagner.commitment=0.3", runs=24
    )
    hired = ensemble(
        *DISASTERS, "foreign.wagner.kind=contractor", "foreign.wagner.commitment=0.3", runs=24
    )
    # Both meet disasters: the worst engagement kills 30 or more in most runs. (50 until model
    # 0.60.0, when the Kidal columns came to wait in Anefis, which they garrison, and the
    # disasters of their camp in the open came in fewer runs: medians 31 and 40.)
    for results in (army, hired):
        assert results.runs.max_engagement_deaths_foreign_wagner.median() >= 30
    left = lambda r: r.runs.withdrew_foreign_wagner.mean()  # noqa: E731
    assert left(army) >= left(hired) + 0.25
    assert left(army) >= 3 * left(hired)


def test_commitment_changes_the_patrons_reviews_when_losses_cost_nothing():
    # Losses weigh nothing at home (loss and shock sensitivity 0): every review is quiet, and
    # commitment still decides, on the client's need: a committed patron sends men, a reluctant
    # one trims a presence the client can do without; neither leaves.
    # The reviews' drift doubled (0.6): since model 0.59.0 a town's people count under the
    # state that holds it, the client's need is smaller, and at the default 0.3 a committed
    # patron reinforced in a fifth of these 24 runs, too few for the contrast to show. Model
    # 0.65.0 (garrisons that give up a town fall back out of reach) gave 4 of 24 against 1 of
    # 24, and 14 of 48 against 4 of 48: the test runs 48.
    quiet = (
        "politics.loss_sensitivity=0",
        "politics.shock_sensitivity=0",
        "politics.review_drift=0.6",
    )
    committed = ensemble(*quiet, "foreign.wagner.commitment=0.9", runs=48)
    reluctant = ensemble(*quiet, "foreign.wagner.commitment=0.1", runs=48)
    sent = lambda r: (r.runs.reinforcements_foreign_wagner > 0).mean()  # noqa: E731
    assert sent(committed) >= sent(reluctant) + 0.15 and sent(reluctant) <= 0.1
    men = lambda r: r.runs.strength_end_foreign_wagner.median()  # noqa: E731
    assert men(reluctant) < 0.9 * men(committed)
    # The reluctant patron's men did not only die: it sent a share home (a quiet trim).
    arrived = load_scenario(MECHANISMS).foreign["wagner"].strength
    assert men(reluctant) + reluctant.runs.deaths_foreign_wagner.median() < 0.9 * arrived
    assert (
        committed.runs.withdrew_foreign_wagner.sum()
        == reluctant.runs.withdrew_foreign_wagner.sum()
        == 0
    )


def test_after_a_disaster_the_force_runs_at_lower_risk_for_a_while_on_an_ensemble():
    # The weekly table's risk_foreign_wagner is the risk the operations read (patrons.risk).
    results = ensemble(*DISASTERS, "foreign.wagner.commitment=0.9", runs=24)
    runs, events, weekly = results.runs, results.events, results.timeseries
    politics = load_scenario(MECHANISMS, list(DISASTERS)).politics
    struck = set(runs.run_id[runs.max_engagement_deaths_foreign_wagner >= 50])
    adapted = events[(events.event_type == "adaptation") & (events.actor1 == "wagner")]
    assert len(struck) >= 8  # 12 until model 0.60.0 (the columns wait in Anefis: fewer disasters)
    assert struck <= set(adapted.run_id)  # every run with a disaster adapts, dated
    assert (weekly.risk_foreign_wagner[~weekly.run_id.isin(adapted.run_id)] == 0.9).all()
    back = 0
    for run_id, dates in adapted.groupby("run_id").date:
        mine = weekly[weekly.run_id == run_id].set_index("date").risk_foreign_wagner
        # Cut from the week of its first disaster...
        assert mine[mine.index >= dates.min()].iloc[0] == pytest.approx(
            0.9 * politics.adaptation_cut
        )
        # ...and its doctrine's again once adaptation_days have passed since the last.
        later = mine[mine.index > dates.max() + pd.Timedelta(days=politics.adaptation_days + 7)]
        if not later.empty:
            assert later.iloc[-1] == pytest.approx(0.9)
            back += 1
    assert back >= 3


def test_a_reorganised_force_passes_its_men_to_its_successor_and_is_not_a_withdrawal(tmp_path):
    from sim import run_ensemble

    text = MECHANISMS.read_text() + (
        '\n[foreign.corps]\nkind = "contractor"\nstrength = 1800\nceiling = 2500\n'
        'commitment = 0.9\nrisk_tolerance = 0.3\nbases = ["gao", "sevare"]\n'
        '\n[[events]]\ndate = 2023-11-15\ntype = "reorganise"\nactor = "wagner"\n'
        'value = "corps"\nnote = "test"\n'
    )
    path = tmp_path / "reorganised.toml"
    path.write_text(text)
    scenario = load_scenario(path)
    model = MaliConflictModel(scenario, rng=4)
    while model.date <= scenario.events[-1].date:
        assert model.strength("corps") == 0  # not there before its day
        model.step()
    assert model.patrons.reorganised_date["wagner"] == scenario.events[-1].date
    assert model.strength("wagner") == 0 and not model.patrons.present["wagner"]
    # Wagner's men, topped up to the successor's strength (less what the day's fighting, after
    # the morning's events, cost it).
    day = scenario.events[-1].date
    lost = sum(e["deaths_foreign_corps"] for e in model.log.events if e["date"] == day)
    assert model.strength("corps") + lost == 1800
    assert model.patrons.withdrawal_date["wagner"] is None
    assert not any(model.check_ledger().values())
    dated = [e for e in model.log.events if e["event_type"] == "reorganisation"]
    assert [(e["actor1"], e["actor2"]) for e in dated] == [("wagner", "corps")]
    runs = run_ensemble(scenario, runs=2, seed=1).runs
    assert not runs.withdrew_foreign_wagner.any()
    assert runs.reorganised_foreign_wagner.notna().all()
    assert runs.reorganised_foreign_corps.isna().all()


def test_the_danger_of_a_column_goes_where_it_goes_far_from_support_not_to_a_place():
    # The same column (300 men caught by 600) at Tinzaouatene, where the 2024 disaster happened,
    # and at Anderamboukane, another remote border town: both dangerous; at Gao, a garrison
    # town, not at all. A garrison placed beside either target takes the danger away there
    # only: it follows distance from support, not the place's name.
    model = MaliConflictModel(load_scenario(ROOT / "scenarios" / "north_2024.toml"), rng=1)
    model.step()

    def chance(tid: str) -> float:
        return irregular.catastrophe_chance(model, model.towns[tid].xy, 600, 300, 0.2)

    remote = {tid: chance(tid) for tid in ("tinzaouatene", "anderamboukane")}
    assert min(remote.values()) > 0.08 and chance("gao") == 0.0
    model.spawn("state", 300, model.towns["anderamboukane"].xy, Posture.GARRISON, "start")
    model.presence.refresh()
    assert chance("anderamboukane") < 0.1 * remote["anderamboukane"]
    assert chance("tinzaouatene") == pytest.approx(remote["tinzaouatene"])
    # Fewer ambushers than men caught make a disaster less likely: concentration matters.
    tinz = model.towns["tinzaouatene"].xy
    assert irregular.catastrophe_chance(model, tinz, 100, 300, 0.2) < 0.5 * remote["tinzaouatene"]


def test_the_states_own_drones_cover_the_air_bases_it_holds_against_its_enemies_only():
    # The army's drones (Turkish TB2s from December 2022) are the state's, not its partner's:
    # they cover air_radius_km around the air bases it holds, whoever its partners are.
    no_partner_air = "foreign.wagner.air_support=0"
    drones = ("factions.state.air_support=0.4", 'factions.state.air_bases=["sevare"]')
    without, model = model_at(no_partner_air), model_at(no_partner_air, *drones)
    sevare, kidal = model.towns["sevare"], model.towns["kidal"]
    for m in (without, model):
        m.presence.refresh()
    assert without.presence.air_against["jihadists"][sevare.xy] == 0.0
    assert model.presence.air_against["jihadists"][sevare.xy] == pytest.approx(0.4)
    assert model.presence.air_against["jihadists"][kidal.xy] == 0.0  # ~650 km away
    assert model.presence.air_factor("state", *sevare.xy, against="jihadists") == pytest.approx(
        1.0 + (model.config.combat.air_multiplier - 1.0) * 0.4
    )
    garrison = next(u for u in model.units_of("state") if u.xy == sevare.xy)
    same = next(u for u in without.units_of("state") if u.xy == sevare.xy)
    assert garrison.protection("jihadists") > same.protection("jihadists")
    # No enemy's: the insurgents get no air from it.
    assert model.presence.air_factor("jihadists", *sevare.xy, against="state") == 1.0
    # An air base lost is a base it no longer flies from.
    sevare.holder = "jihadists"
    model.presence.refresh()
    assert model.presence.air_against["jihadists"][sevare.xy] == 0.0
    # In a truce it strikes no one: the separatists are spared while the state is at peace.
    sevare.holder = "state"
    model.relations.set_stance(["state", "separatists"], "truce")
    model.presence.refresh()
    assert model.presence.air_against["separatists"][sevare.xy] == 0.0
    assert model.presence.air_against["jihadists"][sevare.xy] == pytest.approx(0.4)


def test_a_quiet_review_trims_a_national_force_but_not_a_un_mission(monkeypatch):
    # The review's draw is forced to "trim": a contractor's patron cuts its force by
    # drawdown_share; the Security Council's mission keeps its mandated size.
    monkeypatch.setattr(patrons.politics, "patron_decision", lambda *args: "trim")
    cut = {}
    for kind in ("contractor", "peacekeeping"):
        model = model_at(f'foreign.wagner.kind="{kind}"')
        before = model.strength("wagner")
        patrons.decide(model)
        cut[kind] = before - model.strength("wagner")
    share = model.config.politics.drawdown_share
    assert cut["contractor"] == pytest.approx(share * before, abs=1)
    assert cut["peacekeeping"] == 0
