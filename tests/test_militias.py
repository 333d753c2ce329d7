"""Communities and militias: the herder/farmer seam of central Mali (issue 14 item 4).

``sim.war.militias``: farmers of the seam arm where the jihadists threaten, their own have been
killed (communal tension) and the state is far; militias kill herders, which leaves grievance
that feeds the jihadists' recruiting there, and tension that arms them further; the jihadists
strike back at militia villages. These tests check the signs the ODD states, that the rates
mean the same at any resolution, and that the tables book the militias' dead. Most fixtures
open at full tension (``starting_tension = 1``) to watch one step of the cycle at a time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from small_scenario import small_dict

from sim import MaliConflictModel, communities
from sim.geography import REGIONS, build_geography
from sim.scenario import scenario_from_dict
from sim.war import militias

CENTRE = {"state": {"mopti": 600}, "jihadists": {"boni": 900, "douentza": 900}}


def centre_model(
    state: dict[str, int] | None = None,
    jihadists: dict[str, int] | None = None,
    resolution: float = 0.5,
    **communities: float,
) -> MaliConflictModel:
    """Jihadist bands in the Mopti region, the state's men where asked, no partners or events."""
    data = small_dict()
    data["scenario"]["resolution"] = resolution
    data["events"] = []
    data["foreign"] = {}
    data["factions"]["state"]["deploy"] = {"bamako": 1000, **(state or {})}
    data["factions"]["separatists"] = {"deploy": {"kidal": 200}}
    data["factions"]["jihadists"]["bands"] = CENTRE["jihadists"] if jihadists is None else jihadists
    data["communities"] = {
        "militia_growth": 0.05,
        "militia_abuse_rate": 100.0,
        "reprisal_rate": 50.0,
        "starting_tension": 1.0,
        **communities,
    }
    return MaliConflictModel(scenario_from_dict(data), rng=3)


def armed_after(model: MaliConflictModel, weeks: int = 52) -> float:
    for _ in range(weeks):
        militias.arm(model)
    return float(model.militia.sum())


def test_the_herders_layer_adds_up_to_the_national_fula_share_and_the_seam_is_in_mopti():
    geo = build_geography(0.25)
    herders = communities.layer(geo, "herders")
    national = float((herders * geo.population).sum() / geo.population.sum())
    assert 0.12 < national < 0.17  # CIA World Factbook: Fula 13.3% (2018), Peul 17% (1995)
    seam = communities.seam(herders)
    mopti, sikasso = (geo.region == REGIONS.index(r) for r in ("mopti", "sikasso"))
    assert seam[mopti].mean() > 0.85 > 0.3 > seam[sikasso].mean()
    assert communities.seam(np.array([0.0, 1.0])).tolist() == [0.0, 0.0]


def test_militias_form_where_jihadists_threaten_and_the_state_is_far():
    threatened = armed_after(centre_model())
    assert threatened > 1.0
    assert armed_after(centre_model(jihadists={})) == 0.0  # no threat, no militia
    assert armed_after(centre_model(militia_growth=0.0)) == 0.0
    # State garrisons across the Mopti country: villages near them arm less.
    guarded = centre_model(state={t: 300 for t in ("mopti", "sevare", "bandiagara", "douentza")})
    assert armed_after(guarded) < 0.7 * threatened


def test_no_seam_no_militia():
    model = centre_model()
    model.seam[:] = 0.0  # one community alone everywhere
    assert armed_after(model) == 0.0


def test_a_village_does_not_arm_until_its_own_are_killed():
    # Model 0.20.0: the jihadists' presence alone armed the seam within months of their arrival
    # (Mopti's militias killed ~700 a year from 2015 in the Barkhane scenario, where the record's
    # communal killings began in 2016-2018); now killings across the seam must come first.
    quiet = centre_model(starting_tension=0.0)
    assert armed_after(quiet) == 0.0
    bandiagara = quiet.towns["bandiagara"].xy
    assert quiet.seam[bandiagara] > 0.8 and quiet.presence.reach["jihadists"][bandiagara] > 0
    militias.embitter(quiet, bandiagara, 12)
    assert armed_after(quiet) > 0.0
    assert quiet.militia[bandiagara] == quiet.militia.max()


def test_killings_across_the_seam_raise_tension_that_then_fades():
    model = centre_model(starting_tension=0.0)
    mopti, sikasso = model.towns["bandiagara"].xy, model.towns["sikasso"].xy
    militias.embitter(model, mopti, 5)
    militias.embitter(model, sikasso, 5)
    per_area = model.config.population.local_area_km2 / model.cell_km**2
    full = model.config.communities.tension_dead
    assert np.isclose(model.tension[mopti], model.seam[mopti] * 5 * per_area / full)
    assert model.tension[sikasso] < 0.5 * model.tension[mopti]  # less of a seam, less tension
    militias.embitter(model, mopti, 10_000)
    assert model.tension[mopti] == 1.0
    armed_after(model, weeks=52)  # a year with no new killing
    assert np.isclose(model.tension[mopti], np.exp(-364 / 365.0))


def test_on_an_ensemble_more_killings_across_the_seam_set_off_more_militia_killings():
    # The cycle through the whole schedule, from no tension at the start: jihadists who kill
    # more villagers (their abuses embitter the seam) arm the farmers sooner, whose militias
    # then kill more herders. The same seeds, a year at 0.5 degree. (Militia killings are few
    # and heavy-tailed: at the higher propensity 1 run of 24 had none on model 0.26.0 and 4 of
    # 24 on 0.27.0, a difference within the noise (Fisher's exact test, p 0.35), so the test
    # asks for most runs, not nearly all. On 10 runs it asked 7: model 0.57.0 gave 7, 0.58.0
    # 6; on 20 runs the same seed gives 16 and 14. Model 0.65.0, whose garrisons that give up
    # a town fall back out of reach, gave 11 of 20 with killings at the higher propensity and
    # none at the lower; the other 9 had none at either (on 40: 23, 0 and 17). "Most runs" then
    # measured how often militias form within a year, not the direction: the test asks a sign
    # test on the pairs that differ, which the old "most runs" implied.)
    from scipy.stats import binomtest

    from sim.ensemble import run_ensemble

    def militia_dead(propensity: float) -> np.ndarray:
        data = small_dict()
        data["scenario"].update(resolution=0.5, end="2024-09-30")
        data["events"] = []
        data["foreign"] = {}
        data["factions"]["state"]["deploy"] = {"bamako": 1000, "mopti": 300}
        data["factions"]["separatists"] = {"deploy": {"kidal": 200}}
        data["factions"]["jihadists"]["bands"] = {"boni": 600, "douentza": 600, "tenenkou": 300}
        data["population"] = {"jihadist_abuse_propensity": propensity}
        data["communities"] = {
            "militia_growth": 0.1,
            "militia_abuse_rate": 120.0,
            "tension_dead": 10.0,
        }
        runs = run_ensemble(scenario_from_dict(data), runs=20, seed=1).runs
        return runs["civilians_killed_by_militias"].to_numpy()

    rare, frequent = militia_dead(0.002), militia_dead(0.02)
    up, down = int((frequent > rare).sum()), int((frequent < rare).sum())
    assert up >= 8 and binomtest(up, up + down, alternative="greater").pvalue < 0.01
    assert frequent.sum() > 5 * max(rare.sum(), 1)


def test_a_militia_fades_once_the_threat_is_gone():
    model = centre_model()
    armed = armed_after(model)
    model.presence.reach["jihadists"][:] = 0.0
    assert armed_after(model, weeks=104) < 0.5 * armed


def killings(model: MaliConflictModel, days: int) -> pd.DataFrame:
    for _ in range(days):
        militias.strike(model)
    return pd.DataFrame(model.log.events)


def test_militia_killings_leave_grievance_that_feeds_jihadist_recruiting_in_the_centre():
    def after(abuse_rate: float) -> tuple[float, float, pd.DataFrame]:
        model = centre_model(militia_abuse_rate=abuse_rate)
        armed_after(model)
        events = killings(model, 365)
        model.recruitment.refresh_weights(model)
        weight, total = model.recruitment.weights["jihadists"]
        centre = model.geo.zone == 1
        return float(model.grievance.sum()), float(weight[centre].sum()), events

    grievance, recruiting, events = after(100.0)
    calm_grievance, calm_recruiting, calm = after(0.0)
    by_militia = events[events["actor1"] == militias.MILITIAS]
    assert len(by_militia) > 5 and (by_militia["civilians_killed_by"] == "militias").all()
    assert not (calm["actor1"] == militias.MILITIAS).any()
    assert grievance > calm_grievance + 0.05
    assert recruiting > 1.05 * calm_recruiting


def test_the_jihadists_strike_back_at_militia_villages_only_where_they_threaten():
    model = centre_model(militia_abuse_rate=0.0)
    armed_after(model)
    events = killings(model, 365)
    assert (events["actor1"] == "jihadists").sum() > 3
    model.presence.reach["jihadists"][:] = 0.0
    before = len(model.log.events)
    killings(model, 365)
    assert len(model.log.events) == before


def test_the_militias_rates_mean_the_same_at_any_resolution():
    def per_year(resolution: float) -> float:
        model = centre_model(resolution=resolution, reprisal_rate=0.0)
        model.militia[:] = np.where(model.in_mali, 1.0, 0.0)
        model.tension[:] = np.where(model.in_mali, 1.0, 0.0)
        return len(killings(model, 365)) / 1.0

    fine, coarse = per_year(0.25), per_year(0.5)
    assert fine > 100
    assert 0.8 < coarse / fine < 1.25


def test_the_tables_book_the_militias_dead_apart_from_the_state_sides_abuses():
    model = centre_model()
    model.militia[:] = np.where(model.in_mali, 0.5, 0.0)
    model.tension[:] = np.where(model.in_mali, 1.0, 0.0)
    tables = model.run()  # a month of the whole schedule, the militias' steps in it
    runs, events = tables.runs.iloc[0], tables.events
    mine = events[events["civilians_killed_by"] == "militias"]
    assert runs["civilians_killed_by_militias"] == mine["deaths_civilians"].sum() > 0
    state_side = events[
        (events["event_type"] == "violence_against_civilians")
        & ~events["actor1"].isin(["jihadists", "separatists", "militias"])
    ]
    assert runs["abuse_events"] == len(state_side)  # militias are not the state's side


def test_on_an_ensemble_militias_that_kill_more_give_the_jihadists_more_recruits_in_the_centre():
    # Two years, 0.5 degree, the same seeds with and without the militias' killings: the sign
    # the ODD states for the whole process (arming, killing, grievance, recruiting), not a
    # formula's. Measured before this test was first written (nine months, model 0.11.0): 8 of
    # 8 pairs up, by about a third. On model 0.22.0, whose men within reach no longer shrink
    # on a 0.5-degree grid, the jihadists' networks cover the centre in both arms, and the
    # killings act through grievance alone, which builds for months before it shows in the
    # recruits: at nine months 7 of 12 pairs were up by 2%, at eighteen 10 of 12 by 12%, at
    # two years 11 of 12 by 21% (seed 1; seed 7, 12 of 12 by 41%). On model 0.37.0, whose
    # towns' police contest the jihadists' rule around Mopti and Segou, 9 of 12 pairs up and
    # the median by about half: the direction is tested by a one-sided Wilcoxon signed-rank
    # test on the pairs (the magnitudes count, not only the signs) and the median ratio. On
    # model 0.63.0 the first 12 pairs gave p 0.065 (9 up; 0.008 and 10 up on 0.62.0), while 48
    # gave 42 up on both models (median ratio 1.30 and 1.33, p < 0.0001): 12 pairs were too few
    # to tell the draw from the sign, so the test runs 24 (20 up on both; p 0.0007 on 0.63.0,
    # under 0.0001 on 0.62.0). Model 0.65.0, whose garrisons that give up a town fall back out
    # of reach, leaves the centre's country to the jihadists in both arms more often, and the
    # killings add less: 15 of 24 pairs up (p 0.048, median ratio 1.55), 30 of 48 (p 0.008,
    # ratio 1.15). The test runs 48 and asks the sign (Wilcoxon), more pairs up than not, and
    # a tenth more recruits in the median pair.
    from scipy.stats import wilcoxon

    from sim.ensemble import run_ensemble

    def recruits(rate: float) -> np.ndarray:
        data = small_dict()
        data["scenario"].update(resolution=0.5, end="2025-09-30")
        data["events"] = []
        data["foreign"] = {}
        data["factions"]["state"]["deploy"] = {"bamako": 1000, "mopti": 600, "segou": 300}
        data["factions"]["separatists"] = {"deploy": {"kidal": 200}}
        data["factions"]["jihadists"]["bands"] = {"boni": 600, "douentza": 600, "tenenkou": 300}
        data["communities"] = {
            "militia_growth": 0.05,
            "militia_abuse_rate": rate,
            "starting_tension": 1.0,
        }
        runs = run_ensemble(scenario_from_dict(data), runs=48, seed=1).runs
        return runs["recruits_jihadists_centre"].to_numpy()

    calm, killing = recruits(0.0), recruits(300.0)
    assert wilcoxon(killing, calm, alternative="greater").pvalue < 0.05
    assert (killing > calm).sum() > len(calm) / 2
    assert np.median(killing / calm) > 1.1
