"""Harassment of posts: fire from a distance, many events, few dead (model 0.20.0, issue 14).

``sim.war.harassment``: each day an insurgent side may fire on each post of the state's side,
with a chance that grows with its men within reach of the post; few die, the protected fewest,
and the harassers lose nobody. These tests check those signs, that the capital is not a post,
and that the events table and the yearly series count the harassments as fights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from small_scenario import small_dict

from sim import MaliConflictModel
from sim.agents import Unit
from sim.scenario import scenario_from_dict
from sim.validate import hindcast
from sim.war import harassment


def post_model(
    bands: dict[str, int], rate: float = 50.0, wagner: bool = False
) -> MaliConflictModel:
    """Boni's post (100 men) and jihadist bands where asked, no events."""
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    if not wagner:
        data["foreign"] = {}
    data["factions"]["state"]["deploy"] = {"boni": 100, "gao": 1500, "bamako": 1000}
    data["factions"]["separatists"] = {"deploy": {"kidal": 200}}
    data["factions"]["jihadists"].update(bands=bands, harass_rate=rate)
    return MaliConflictModel(scenario_from_dict(data), rng=3)


def harassed(model: MaliConflictModel, days: int) -> pd.DataFrame:
    for _ in range(days):
        harassment.harass_posts(model)
    events = pd.DataFrame(model.log.events)
    return events[events["event_type"] == "harassment"] if len(events) else events


def test_posts_are_harassed_more_the_more_insurgents_are_near_and_never_with_none():
    few, many = post_model({"boni": 100}), post_model({"boni": 400})
    near = {m: m.presence.reach["jihadists"][m.towns["boni"].xy] for m in (few, many)}
    assert near[many] >= 3 * near[few] > 0
    hits_few = (harassed(few, 730)["town"] == "boni").sum()
    hits_many = (harassed(many, 730)["town"] == "boni").sum()
    assert hits_many > 2 * hits_few > 0
    far = post_model({"tessit": 400})  # none within reach of Boni
    assert (harassed(far, 730).get("town", pd.Series()) == "boni").sum() == 0
    off = post_model({"boni": 400}, rate=0.0)
    assert len(harassed(off, 730)) == 0


def test_a_harassment_kills_few_the_harassers_none_and_takes_nothing():
    model = post_model({"boni": 400})
    events = harassed(model, 730)
    assert len(events) > 50
    assert events["deaths_jihadists"].sum() == 0
    assert events["deaths_total"].mean() < 2.0
    assert (events["actor1"] == "jihadists").all() and (events["actor2"] == "state").all()
    assert model.towns["boni"].holder == "state"
    assert "bamako" not in set(events["town"])  # the capital is not a post


def test_a_protected_post_loses_fewer_men(monkeypatch):
    def mean_dead(protection: float) -> float:
        model = post_model({"boni": 400}, rate=200.0)
        model.config.combat.harass_deaths_mean = 2.0
        monkeypatch.setattr(Unit, "protection", lambda self, against: protection)
        return float(harassed(model, 365)["deaths_total"].mean())

    assert mean_dead(0.8) < 0.5 * mean_dead(0.0)


def test_harassments_are_fights_in_the_events_and_the_yearly_series():
    assert "harassment" in hindcast.FIGHTING
    model = post_model({"boni": 400}, rate=200.0)
    model.config.combat.harass_deaths_mean = 3.0
    events = harassed(model, 120)
    assert len(events) > 10
    events = events.assign(run_id=0, year=pd.to_datetime(events["date"]).dt.year)
    series = hindcast.SERIES["battle_deaths"][1](events)
    assert int(np.sum(series)) == int(events["deaths_total"].sum()) > 0


def test_a_post_wiped_out_under_fire_is_not_fired_on_again_by_its_twin_town():
    # Mopti and Sevare share a 0.5-degree cell, and so its post: fire on one that kills the
    # post's last man must not be followed by fire on the same dead unit from the other (it
    # once stopped a validation run with an AttributeError).
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"]["deploy"] = {"mopti": 1, "gao": 1500, "bamako": 1000}
    data["factions"]["separatists"] = {"deploy": {"kidal": 200}}
    data["factions"]["jihadists"].update(bands={"mopti": 600}, harass_rate=365.0)
    model = MaliConflictModel(scenario_from_dict(data), rng=3)
    assert model.towns["mopti"].xy == model.towns["sevare"].xy
    model.config.combat.harass_deaths_mean = 100.0
    events = harassed(model, 30)  # each post, a chance near 0.95 a day
    assert events["deaths_state"].sum() == 1
    assert not [u for u in model.units if u.side == "state" and u.xy == model.towns["mopti"].xy]
