"""Where the state sends its reserve (model 0.24.0): threatened towns, by the threat.

Until model 0.24.0 every month's men went to the one town with the most insurgents within
reach, counting insurgents in a truce with the state: by 2014 the arc's army stood 2,000-4,000
strong in two frontier towns and 100 in Mopti, Gao and Timbuktu. ``reinforce_state`` now draws
each month's town in proportion to the insurgents at war with the state within reach.
"""

from __future__ import annotations

from collections import Counter

from small_scenario import small_dict

from sim import MaliConflictModel
from sim.scenario import scenario_from_dict
from sim.war import recruitment


def model_with(
    state: dict[str, int] | None = None,
    separatist_bands: dict[str, int] | None = None,
    jihadist_bands: dict[str, int] | None = None,
) -> MaliConflictModel:
    """A reserve of 50,000, the separatists in a truce with the state (200 in Kidal).

    By default: the state in Boni, Lere, Tessit and Bamako; jihadists about Boni and Lere; 2,000
    separatists about Tessit.
    """
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["foreign"] = {}
    data["relations"] = {"state_separatists": "truce"}
    deploy = state or {"boni": 500, "lere": 100, "tessit": 100, "bamako": 1000}
    data["factions"]["state"].update(deploy=deploy, reserve=50000, ceiling=60000)
    bands = {"tessit": 2000} if separatist_bands is None else separatist_bands
    data["factions"]["separatists"] = {"deploy": {"kidal": 200}, "bands": bands}
    jihadists = {"boni": 600, "lere": 300} if jihadist_bands is None else jihadist_bands
    data["factions"]["jihadists"].update(bands=jihadists)
    return MaliConflictModel(scenario_from_dict(data), rng=3)


def months_of_reinforcements(model: MaliConflictModel, months: int) -> Counter:
    """Which towns got each month's 300 men."""
    got: Counter = Counter()
    for _ in range(months):
        before = {t.id: sum(u.strength for u in model.grid[t.xy].agents) for t in model.towns}
        recruitment.reinforce_state(model, 300)
        for t in model.towns:
            if sum(u.strength for u in model.grid[t.xy].agents) - before[t.id] == 300:
                got[t.id] += 1
    return got


def test_the_reserve_spreads_over_the_towns_the_insurgents_at_war_threaten():
    model = model_with()
    reach = model.presence.reach
    tessit = model.towns["tessit"]
    assert reach["separatists"][tessit.xy] > 1000 > reach["jihadists"][tessit.xy] == 0
    got = months_of_reinforcements(model, 24)
    assert sum(got.values()) == 24
    assert "tessit" not in got  # the separatists about it are at peace with the state
    assert all(reach["jihadists"][model.towns[t].xy] > 0 for t in got)
    assert len(got) >= 3 and max(got.values()) < 24  # not all to one town


def test_a_threat_in_the_south_draws_the_reserve_there_and_none_goes_to_bamako():
    """Model 0.29.0: until then only northern and central towns could be reinforced, so bands
    about a southern town (Nara, in the Koulikoro region) met the police and a 100-man post
    whatever their numbers, and in the arc the jihadists grew unopposed in the populous south."""
    model = model_with({"nara": 100, "boni": 100, "bamako": 1000}, {}, {"nara": 600})
    nara = model.towns["nara"]
    assert nara.zone == "south" and model.presence.reach["jihadists"][nara.xy] > 0
    got = months_of_reinforcements(model, 12)
    assert got == Counter({"nara": 12})


def test_with_no_town_threatened_the_months_men_stay_in_the_reserve():
    model = model_with({"boni": 100, "bamako": 1000}, {}, {})
    assert model.strength("jihadists") == 0 and not model.relations.sides_hostile(
        "state", "separatists"
    )
    before = model.strength("state")
    assert months_of_reinforcements(model, 3) == Counter()
    assert model.strength("state") == before and model.ledger["state"]["reinforcements"] == 0


def test_a_beaten_army_keeps_its_reserve_back_unless_aircraft_cover_the_town():
    """Model 0.52.0: the reserve obeys the caution of a beaten army (``politics.beaten_caution``),
    as its sorties do: the army routed in the north in 2012 sent little until Serval's aircraft
    covered its columns, which the arc switched on 2013-01-10 until then (0 to 0.01 a month)."""
    sent = {}
    for defeats, air in ((0.0, 0.0), (100.0, 0.0), (3.0, 0.0), (100.0, 1.0)):
        model = model_with()
        model.config.politics.beaten_caution = 1.0
        model.config.politics.defeats_to_break = 6.0
        model.regime.defeats = defeats
        model.presence.air_cover[:] = air
        before = model.strength("state")
        for _ in range(6):
            recruitment.reinforce_state(model, 300)
        sent[(defeats, air)] = model.strength("state") - before
        assert model.ledger["state"]["reinforcements"] == sent[(defeats, air)]
    assert sent[(0.0, 0.0)] == 6 * 300  # not beaten: the whole month's men, every month
    assert sent[(100.0, 0.0)] == 0  # beaten, no partner's air: the reserve stays home
    assert sent[(3.0, 0.0)] == 6 * 150  # half beaten: half the men
    assert sent[(100.0, 1.0)] == 6 * 300  # beaten, under a partner's air: it sends them
    # With no caution the old behaviour: a beaten army sends its men all the same.
    model = model_with()
    model.regime.defeats = 100.0
    assert model.config.politics.beaten_caution == 0.0
    recruitment.reinforce_state(model, 300)
    assert model.ledger["state"]["reinforcements"] == 300
