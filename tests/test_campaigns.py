"""Campaigns (issue 15, items 4 and 5): the day a town falls comes from the campaign.

The state's ordered columns stand within reach of a defended town and prepare; the campaign
goes in by its readiness; the defenders choose each day whether to leave; a campaign bled by a
third is called off; a partner that accepts risk leads a named column.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import MECHANISMS, ROOT

from sim import MaliConflictModel, load_scenario, run_ensemble
from sim.geography import cells_apart, km_apart
from sim.validate.measures import km_from
from sim.war import campaigns, irregular, operations, towns
from sim.war.posture import Posture

pytestmark = pytest.mark.xdist_group("campaigns")

KIDAL_2023 = ROOT / "scenarios" / "kidal_2023.toml"


def kidal_on(day: str, *overrides: str) -> MaliConflictModel:
    """kidal_2023 run to the morning of ``day``."""
    model = MaliConflictModel(load_scenario(KIDAL_2023, list(overrides)), rng=2)
    while model.date < dt.date.fromisoformat(day):
        model.step()
    return model


def columns(model: MaliConflictModel, town: str = "kidal"):
    return [u for u in model.units if u.side == "state" and u.objective == town]


def test_an_overmatched_garrison_leaves_each_day_with_a_chance_that_grows_with_the_overmatch():
    model = MaliConflictModel(load_scenario(MECHANISMS, ["combat.abandon_days=20"]), rng=1)
    share = {r: np.mean([towns.leaves(model, r) for _ in range(4000)]) for r in (0.9, 1.5, 5.0)}
    assert share[0.9] == 0
    assert share[1.5] == pytest.approx(1 - np.exp(-0.5 / 20), abs=0.01)
    assert share[5.0] == pytest.approx(1 - np.exp(-4 / 20), abs=0.03)
    at_once = MaliConflictModel(load_scenario(MECHANISMS, ["combat.abandon_days=0"]), rng=1)
    assert all(towns.leaves(at_once, 1.01) for _ in range(50))


def test_columns_stand_in_camp_at_reach_of_a_defended_town_until_the_campaign_goes_in():
    # Preparation so long that the campaign does not go in within the days looked at, and a
    # garrison so stubborn that it does not leave (an empty town is walked into, not besieged).
    # Wagner at 0.85 (the library's value before model 0.19.0): at 0.58 this seed's skirmishes
    # at the town kill its garrison on 2 November and the town is walked into, which is not
    # what this test looks at.
    model = kidal_on(
        "2023-11-03",
        "combat.preparation_days=365",
        "factions.separatists.abandon_ratio=50",
        "foreign.wagner.risk_tolerance=0.85",
    )
    kidal = model.towns["kidal"]
    assert kidal.holder == "separatists"
    campaign = model.campaigns.open[("state", "kidal")]
    assert not campaign.launched
    close = [u for u in columns(model) if cells_apart(u.xy, kidal.xy) <= model.reach_cells]
    assert close, "the columns have come up to the town"
    assert all(cells_apart(u.xy, kidal.xy) == model.reach_cells for u in close)
    # They camp: exposed through their patrols only, not caught whole on the road.
    assert all(u.standing and u.exposure() < 1.0 for u in close)
    campaign.launched = True
    for _ in range(4):
        model.step()
    moved = [u for u in columns(model) if cells_apart(u.xy, kidal.xy) < model.reach_cells]
    assert moved or kidal.holder == "state", "once launched the columns go in"


def test_a_campaign_bled_by_a_third_is_called_off_and_its_columns_fall_back():
    model = kidal_on("2023-11-03", "combat.preparation_days=365", "combat.abandon_days=365")
    mine = columns(model)
    for unit in mine:
        unit.take_losses(int(unit.strength * 0.4))
    model.campaigns.prepare(model)
    assert ("state", "kidal") not in model.campaigns.open
    assert all(u.posture != Posture.OFFENSIVE for u in mine if u.alive)


def test_a_campaign_garrisons_the_town_it_took_on_the_way_and_brings_support_near():
    # Anefis, 81 km short of Kidal, is the CSP's until the columns bound for Kidal take it.
    model = kidal_on("2023-11-05")
    anefis, kidal = model.towns["anefis"], model.towns["kidal"]
    assert anefis.holder == "state"
    assert ("state", "kidal") in model.campaigns.open or kidal.holder == "state"
    post = [u for u in model.grid[anefis.xy].agents if u.side == "state"]
    # Until model 0.54.0 the columns went on and left the town empty.
    assert [u.actor for u in post if u.posture == Posture.GARRISON] == ["state"]
    assert all(u.objective is None for u in post if u.posture == Posture.GARRISON)
    # The rest went on: the garrison is one piece, not the campaign.
    assert any(u.objective == "kidal" for u in model.units if u.side == "state") or (
        kidal.holder == "state"
    )
    # Help is Anefis's garrison, 98 km away on the grid; the state's nearest town was 190 km.
    assert model.presence.support_km[kidal.xy] < 100


def test_a_partner_never_garrisons_for_the_army_and_a_lone_column_goes_on():
    model = kidal_on("2023-10-20")
    anefis = model.towns["anefis"]
    campaign = model.campaigns.open[("state", "kidal")]
    campaign.line.add("anefis")
    anefis.holder = "state"
    wagner = [u for u in columns(model) if u.actor == "wagner"]
    towns.hold_the_line(model, wagner, anefis)
    assert all(u.posture == Posture.OFFENSIVE for u in wagner)
    army = [u for u in columns(model) if u.actor == "state"]
    for unit in army[1:] + wagner:  # one column left: nobody goes on, so it does not stay
        unit.objective = None
    towns.hold_the_line(model, army[:1], anefis)
    assert army[0].posture == Posture.OFFENSIVE


def test_a_partner_that_accepts_risk_leads_a_named_column():
    def split(risk: float) -> dict[str, int]:
        model = MaliConflictModel(
            load_scenario(MECHANISMS, [f"foreign.wagner.risk_tolerance={risk}"]), rng=1
        )
        wagner = model.units_of("wagner")[0]
        army = model.units_of("state")[0]
        offered = [(1, 0, army, 1000), (2, 1, wagner, 400)]
        taken = operations.named_column(model, offered, 300)
        return {unit.actor: men for _, _, unit, men in taken}

    assert split(0.8) == {"wagner": 240, "state": 60}
    assert split(0.2) == {"wagner": 60, "state": 240}


def test_kidal_falls_on_a_day_of_the_campaign_that_varies_and_comes_later_with_a_cautious_partner():
    def capture_days(risk: float) -> list[float]:
        scenario = load_scenario(
            KIDAL_2023, ["scenario.end=2024-01-31", f"foreign.wagner.risk_tolerance={risk}"]
        )
        runs = run_ensemble(scenario, runs=12, seed=3).runs
        order = dt.date(2023, 10, 2)
        return [
            (d - order).days if d is not None and d == d else np.inf
            for d in runs["kidal_state_capture_date"]
        ]

    calibrated = capture_days(0.85)  # kidal_2023's Wagner
    assert np.mean(np.isfinite(calibrated)) >= 0.9
    assert len(set(calibrated)) >= 4, "the day varies across runs (it was 1 November in all)"
    # The UN's camp holds the army back until 31 October: no earlier capture.
    assert min(calibrated) >= 30
    reckless, cautious = capture_days(0.95), capture_days(0.1)
    assert np.median(cautious) >= np.median(reckless) + 5
    assert np.mean(np.minimum(cautious, 120)) > np.mean(np.minimum(reckless, 120)) + 5


def test_the_danger_goes_with_the_column_not_to_a_place():
    """The same column ordered to another remote town takes its danger with it (issue 15.4)."""

    def wagner_dead_near(target: str) -> dict[str, float]:
        scenario = load_scenario(
            ROOT / "scenarios" / "north_2024.toml", ["scenario.end=2024-10-31"]
        )
        scenario.factions["separatists"].deploy = {target: 500}  # the CSP holds the target
        for event in scenario.events:
            if event.type == "offensive" and event.target == "tinzaouatene":
                event.target = target
        events = run_ensemble(scenario, runs=10, seed=1).events
        after = events[pd.to_datetime(events["date"]) >= "2024-07-20"]
        return {
            place: float(after.loc[km_from(after, place) <= 150, "deaths_foreign_wagner"].sum())
            / 10
            for place in ("tinzaouatene", "araouane")
        }

    there, elsewhere = wagner_dead_near("tinzaouatene"), wagner_dead_near("araouane")
    # Ordered to the border, Wagner dies near the border; ordered elsewhere, it does not. The
    # floor only asks for a danger to move (a mean of 23.3 dead a run on model 0.49.0, 18.9 on
    # 0.51.0, and none near Tinzaouatene when ordered to Araouane); whether it is the record's
    # is C9b's question, in `malisim validate`.
    assert there["tinzaouatene"] > 10
    assert there["tinzaouatene"] > 5 * max(elsewhere["tinzaouatene"], 1.0)
    assert elsewhere["araouane"] > there["araouane"]


def test_an_assault_is_met_on_the_way_as_one_body_however_its_men_are_split():
    """The same men going in as one column or as three meet the same ambush (issue 14.7).

    Each column used to be met on its own: three columns drew three ambushes, each costing the
    holder two in a hundred of all its men within reach, where one column drew one.
    """

    def met(pieces: int, seed: int) -> tuple[int, int, int]:
        model = kidal_on("2023-11-03", "combat.preparation_days=365", "combat.abandon_days=365")
        column = max(columns(model), key=lambda u: u.strength)
        going = [column] + [column.split(column.strength // pieces) for _ in range(pieces - 1)]
        model.rng = np.random.default_rng(seed)
        holder, logged = model.strength("separatists"), len(model.log.events)
        campaigns.met_on_the_way(model, model.towns["kidal"], going)
        ambushes = sum(e["event_type"] == "ambush" for e in model.log.events[logged:])
        return holder - model.strength("separatists"), sum(u.strength for u in going), ambushes

    outcomes = [met(1, seed) for seed in range(12)]
    assert [met(3, seed) for seed in range(12)] == outcomes
    assert {ambushes for _, _, ambushes in outcomes} == {0, 1}  # some met, some not


def test_a_peacekeepers_camp_helps_peacekeepers_and_not_the_army():
    # Model 0.60.0: support is each side's own. Until then the UN's camp in Kidal was the
    # army's nearest garrison (support 0 km), so a campaign prepared beside it needed no supply
    # line and went in the day it might.
    model = kidal_on("2023-10-03")
    kidal = model.towns["kidal"]
    assert towns.protected(model, *kidal.xy)
    assert model.presence.keepers_km[kidal.xy] == 0.0
    assert model.presence.support_km[kidal.xy] > 150  # Bourem's garrison, some 200 km away
    assert irregular.remoteness(model, *kidal.xy, "un") == 0.0
    assert irregular.remoteness(model, *kidal.xy, "state") > 0.8
    assert irregular.remoteness(model, *kidal.xy, "wagner") > 0.8


def test_columns_take_the_towns_on_their_way_while_the_un_is_in_their_objective():
    # The army took Anefis on 7 October 2023, with MINUSMA in Kidal until the 31st. Until model
    # 0.60.0 the UN's camp held the columns out of every cell within reach of Kidal, Anefis's
    # among them at 0.25 degree, and Anefis fell on 1 November in every run.
    for seed in (1, 2, 3):
        model = MaliConflictModel(load_scenario(KIDAL_2023), rng=seed)
        while model.date < dt.date(2023, 10, 20):
            model.step()
        assert towns.protected(model, *model.towns["kidal"].xy)
        assert model.towns["anefis"].holder == "state", seed


def test_no_assault_is_prepared_and_no_defender_leaves_while_the_un_is_in_the_town():
    # The CSP held Kidal until the night before the army came, two weeks after the UN left: a
    # campaign stands no days before a town with the UN in it, and its holder, who knows the
    # state's side will not attack, does not weigh leaving (model 0.60.0).
    model = kidal_on("2023-10-29")
    kidal = model.towns["kidal"]
    assert towns.protected(model, *kidal.xy)
    assert kidal.holder == "separatists"
    campaign = model.campaigns.open[("state", "kidal")]
    assert campaign.stood == 0 and not campaign.launched
    close = [u for u in columns(model) if cells_apart(u.xy, kidal.xy) <= model.reach_cells]
    assert close, "the columns stand within reach, in Anefis"


@pytest.mark.parametrize("resolution", [0.25, 0.5])
def test_columns_held_back_wait_in_the_last_town_on_their_way_at_any_resolution(resolution):
    # Model 0.60.0: the army and Wagner waited in Anefis, 86 km short of Kidal, from 7 October
    # to 14 November 2023. Until then a held-back column camped whole cells from its objective:
    # at 0.5 degree the road from Gao passed Anefis's cell by and the columns camped in the open.
    model = kidal_on("2023-10-20", f"scenario.resolution={resolution}")
    kidal, anefis = model.towns["kidal"], model.towns["anefis"]
    assert towns.protected(model, *kidal.xy)
    from_gao = [u for u in columns(model) if towns.staging(model, kidal, u.xy) is anefis]
    assert from_gao and all(u.xy == anefis.xy and u.standing for u in from_gao)
    assert all(towns.before(model, u, kidal) for u in from_gao)
    # The others, held back by the UN, camp outside reach: as many km from Kidal at any size.
    for unit in columns(model):
        if unit.xy != anefis.xy:
            assert unit.standing and not towns.within_reach(model, unit.xy, kidal)
            assert km_apart(model.place_km, unit.xy, kidal.xy) < 95 + model.cell_km
