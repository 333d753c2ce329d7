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
from sim.war import assaults, irregular


def post_model(
    deploy: dict[str, int],
    rate: float = 50.0,
    raid_range_km: float = 200.0,
    bands: dict[str, int] | None = None,
) -> MaliConflictModel:
    """Boni's post and jihadist bands (900 at Douentza, ~90 km, unless ``bands`` says other),
    no partners, no events, the insurgents' networks everywhere (``networked``)."""
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"]["deploy"] = {**deploy, "gao": 1500, "bamako": 1000}
    data["factions"]["separatists"] = {"deploy": {"kidal": 200}}
    data["factions"]["jihadists"].update(
        bands=bands or {"douentza": 900},
        assault_rate=rate,
        attack_ratio=2.0,
        raid_range_km=raid_range_km,
    )
    return networked(MaliConflictModel(scenario_from_dict(data), rng=3))


def networked(model: MaliConflictModel) -> MaliConflictModel:
    """The insurgents' networks everywhere (their governance full), so that where they may
    assault is not what a test measures (``test_a_side_assaults_only_where_its_networks_are``
    tests that)."""
    for layer in model.governance.values():
        layer[:] = 1.0
    return model


def town_post(model: MaliConflictModel, town: str, alone: float = 1.0) -> assaults.Post:
    """A town's post as the jihadists see it, with the isolation given."""
    place = model.towns[town]
    defenders = assaults.posts_men(model, place, "jihadists")
    return assaults.Post(place.xy, defenders, model.config.combat.town_defence, alone, town)


def assaults_on(model: MaliConflictModel, days: int, monkeypatch) -> list[str]:
    """The posts the jihadists would assault over ``days`` draws (no losses are taken)."""
    hits = []
    monkeypatch.setattr(assaults, "assault", lambda m, f, post, *a: hits.append(post.town))
    for _ in range(days):
        assaults.assault_posts(model)
    return hits


def test_a_lonely_post_is_assaulted_more_often_than_one_beside_another_garrison(monkeypatch):
    # Boni and Hombori (~55 km apart) guard each other; Lere is far from any other garrison.
    model = post_model({"boni": 100, "hombori": 100, "lere": 100}, raid_range_km=400)
    alone = {t: assaults.isolation(model, model.towns[t], "state") for t in ("boni", "lere")}
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
            post = town_post(model, "boni")
            before = sum(u.strength for u in post.defenders)
            bands = model.units_of("jihadists")
            assaults.assault(model, "jihadists", post, bands, 1000.0, 100.0)
            lost.append(before - sum(u.strength for u in post.defenders if u.alive))
            post.defenders[0].strength = 100  # the same post every time
        return float(np.mean(lost))

    assert mean_losses(0.0) > 2.0 * mean_losses(0.9)


def test_an_assault_takes_nothing_and_is_logged_with_both_sides_losses():
    model = post_model({"boni": 100})
    boni = model.towns["boni"]
    bands = model.units_of("jihadists")
    post = town_post(model, "boni")
    for _ in range(20):
        assaults.assault(model, "jihadists", post, bands, 1000.0, 100.0)
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


def camp_at(model: MaliConflictModel, xy: tuple[int, int], men: int = 100):
    """A column of the army's men standing in the open at ``xy``, short of Kidal."""
    source = next(u for u in model.units_of("state") if u.strength > men + 200)
    column = source.split(men)
    column.cell = model.grid[xy]
    column.order_against(model.towns["kidal"])
    column.standing = True
    return column


def test_a_column_camped_in_the_open_is_a_post_without_walls_as_lonely_as_it_is_far_from_help(
    monkeypatch,
):
    # The Tinzaouatene column (July 2024) stood in the desert short of the town, far from any
    # garrison: a camp is assaulted like a post, with no walls and its own isolation.
    model = post_model({})
    douentza = model.towns["douentza"].xy
    xy = (douentza[0] + 1, douentza[1] + 1)
    column = camp_at(model, xy)
    (camp,) = assaults.camps(model, "jihadists")
    assert camp.xy == xy and camp.town is None and camp.defenders == [column]
    assert camp.walls == 1.0 < model.config.combat.town_defence
    assert camp.alone == irregular.remoteness(model, *xy) > 0.5
    hits = assaults_on(model, 2000, monkeypatch)
    assert hits.count(None) > 50  # ~250 assaults on the only post there is
    # On the move it is no post (it is ambushed instead), and none is left to assault.
    column.standing = False
    assert assaults.camps(model, "jihadists") == []
    assert assaults_on(model, 500, monkeypatch) == []


def test_a_camp_beside_a_garrison_is_hit_less_often_than_one_far_from_help(monkeypatch):
    model = post_model({"boni": 1500}, raid_range_km=600)  # Boni too strong to be assaulted
    boni, douentza = model.towns["boni"].xy, model.towns["douentza"].xy
    # The cell beside Boni's nearest the town (35 km from it: help is km between places since
    # model 0.58.0, and the town lies toward its cell's north-western corner; the cell east of it
    # is 74 km off), and one 146 km from any garrison.
    near = camp_at(model, (boni[0], boni[1] + 1))
    far = camp_at(model, (douentza[0] - 1, douentza[1] + 1))
    alone = {u.xy: irregular.remoteness(model, *u.xy) for u in (near, far)}
    assert alone[far.xy] > alone[near.xy] + 0.2
    where = []
    monkeypatch.setattr(assaults, "assault", lambda m, f, post, *a: where.append(post.xy))
    for _ in range(2000):
        assaults.assault_posts(model)
    assert where.count(far.xy) > 1.3 * where.count(near.xy) > 0


def allied_model(stance: str) -> MaliConflictModel:
    """Boni's post, too few jihadists to storm it alone, and separatist bands beside them."""
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    data["relations"] = {"separatists_jihadists": stance}
    data["factions"]["state"]["deploy"] = {"boni": 100, "gao": 1500, "bamako": 1000}
    data["factions"]["separatists"] = {"deploy": {}, "bands": {"douentza": 600}}
    data["factions"]["jihadists"].update(
        bands={"douentza": 100}, assault_rate=50.0, attack_ratio=2.0, raid_range_km=200.0
    )
    return networked(MaliConflictModel(scenario_from_dict(data), rng=3))


def test_allies_bands_join_an_assault_and_share_its_dead(monkeypatch):
    # The MNLA stormed Aguelhok with Ansar Dine (January 2012); the CSP fought beside JNIM at
    # Tinzaouatene (July 2024). Bands of a side in a truce stay out.
    assert assaults_on(allied_model("truce"), 2000, monkeypatch) == []
    monkeypatch.undo()
    allied = allied_model("allied")
    for _ in range(2000):
        assaults.assault_posts(allied)
    events = pd.DataFrame(allied.log.events)
    hit = events[events["event_type"] == "assault"]
    assert len(hit) > 0 and set(hit["actor1"]) == {"jihadists"}
    assert hit["deaths_separatists"].sum() > 0 and hit["deaths_state"].sum() > 0


def test_a_side_assaults_only_where_its_networks_are(monkeypatch):
    # The raids' rule (operations.raid_targets): no informants or guides about a post, no
    # assault, however many bands could reach it. Boni's post with the jihadists' bands at
    # Tessit, some 215 km off: within their raid range, beyond their reach.
    model = post_model({"boni": 100}, raid_range_km=400.0, bands={"tessit": 900})
    boni = model.towns["boni"].xy
    model.governance["jihadists"][:] = 0.0
    assert model.presence.reach["jihadists"][boni] == 0
    assert assaults_on(model, 1000, monkeypatch) == []
    model.governance["jihadists"][boni] = 1.0  # they come to govern the country about Boni
    assert assaults_on(model, 1000, monkeypatch).count("boni") > 20
