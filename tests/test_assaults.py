"""Massed assaults on isolated posts (model 0.11.0, issue 14 item 5; ``sim.war.assaults``).

The insurgents mass their bands against a post far from help that they outnumber, overrun it or
are beaten off, and melt back. These tests check the signs the ODD states: a lonely post is
assaulted more often than one beside another garrison, a post they cannot outnumber is left
alone, air cover over a post spares it being overrun, and nothing is taken.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from small_scenario import small_dict

from sim import MaliConflictModel, combat
from sim.scenario import scenario_from_dict
from sim.war import assaults


def post_model(
    deploy: dict[str, int], rate: float = 50.0, raid_range_km: float = 200.0
) -> MaliConflictModel:
    """Boni's post and jihadist bands at Douentza (~90 km), no partners, no events."""
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"]["deploy"] = {**deploy, "gao": 1500, "bamako": 1000}
    data["factions"]["separatists"] = {"deploy": {"kidal": 200}}
    data["factions"]["jihadists"].update(
        bands={"douentza": 900}, assault_rate=rate, attack_ratio=2.0, raid_range_km=raid_range_km
    )
    return MaliConflictModel(scenario_from_dict(data), rng=3)


def assaults_on(model: MaliConflictModel, days: int, monkeypatch) -> list[str]:
    """The posts the jihadists would assault over ``days`` draws (no losses are taken)."""
    hits = []
    monkeypatch.setattr(assaults, "assault", lambda m, f, t, *a: hits.append(t.id))
    for _ in range(days):
        assaults.assault_posts(model)
    return hits


def test_a_lonely_post_is_assaulted_more_often_than_one_beside_another_garrison(monkeypatch):
    # Boni and Hombori (~55 km apart) guard each other; Lere is far from any other garrison.
    model = post_model({"boni": 100, "hombori": 100, "lere": 100}, raid_range_km=400)
    alone = {t: assaults.isolation(model, model.towns[t]) for t in ("boni", "lere")}
    assert alone["lere"] > 0.8 > 0.6 > alone["boni"]
    hits = assaults_on(model, 2000, monkeypatch)
    # 2000 days at 50 a year per thousand of 900 fighters: ~250 assaults, shared by isolation.
    assert len(hits) > 150
    assert hits.count("lere") > 1.5 * hits.count("boni") > 0


def test_a_post_the_bands_cannot_outnumber_is_left_alone(monkeypatch):
    strong = post_model({"boni": 1500})
    assert assaults_on(strong, 2000, monkeypatch) == []
    off = post_model({"boni": 100}, rate=0.0)
    assert assaults_on(off, 2000, monkeypatch) == []


def test_air_cover_over_a_post_spares_it_being_overrun():
    def mean_losses(air: float) -> float:
        model = post_model({"boni": 100})
        boni = model.towns["boni"]
        model.presence.air_against["jihadists"][boni.xy] = air
        lost = []
        for _ in range(300):
            defenders = assaults.posts_men(model, boni, "jihadists")
            before = sum(u.strength for u in defenders)
            bands = model.units_of("jihadists")
            assaults.assault(model, "jihadists", boni, bands, defenders, 1000.0, 100.0, 1.0)
            lost.append(before - sum(u.strength for u in defenders if u.alive))
            defenders[0].strength = 100  # the same post every time
        return float(np.mean(lost))

    assert mean_losses(0.0) > 2.0 * mean_losses(0.9)


def test_an_assault_takes_nothing_and_is_logged_with_both_sides_losses():
    model = post_model({"boni": 100})
    boni = model.towns["boni"]
    defenders = assaults.posts_men(model, boni, "jihadists")
    bands = model.units_of("jihadists")
    for _ in range(20):
        assaults.assault(model, "jihadists", boni, bands, defenders, 1000.0, 100.0, 1.0)
    events = pd.DataFrame(model.log.events)
    hit = events[events["event_type"] == "assault"]
    assert len(hit) > 0
    assert set(hit["town"]) == {"boni"} and set(hit["actor1"]) == {"jihadists"}
    assert hit["deaths_state"].sum() > 0
    assert boni.holder == "state"  # the insurgents melt back, the post stays the state's


def test_an_overrun_loses_a_large_share_a_repulse_a_small_one():
    rng = np.random.default_rng(1)
    overrun = [combat.assault(100, 500, 1.0, 0.35, 0.04, 5.0, rng) for _ in range(400)]
    repulse = [combat.assault(100, 500, 0.0, 0.35, 0.04, 5.0, rng) for _ in range(400)]
    assert 25 < np.mean([x.defender for x in overrun]) < 45
    assert np.mean([x.defender for x in repulse]) < 8
    # Beaten off, the attackers lose what the garrison's fire kills; overrunning, half of it.
    assert np.mean([x.attacker for x in repulse]) > 1.5 * np.mean([x.attacker for x in overrun])


def test_the_tempo_of_assaults_grows_with_the_sides_numbers(monkeypatch):
    small = post_model({"boni": 100}, rate=20.0)
    large = post_model({"boni": 100}, rate=20.0)
    for band in large.units_of("jihadists"):
        band.strength *= 3
    n_small = len(assaults_on(small, 2000, monkeypatch))
    n_large = len(assaults_on(large, 2000, monkeypatch))
    # 20 a year per thousand: ~99 for 900 fighters over 2000 days, ~296 for 2700.
    assert 60 < n_small < 140
    assert n_large > 2.2 * n_small


def test_the_capital_is_not_a_post():
    model = post_model({"boni": 100})
    bamako = model.towns["bamako"]
    assert bamako.holder == "state" and assaults.posts_men(model, bamako, "jihadists") == []
    assert assaults.posts_men(model, model.towns["boni"], "jihadists")
