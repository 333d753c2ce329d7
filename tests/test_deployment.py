"""A foreign force that changes its bases moves (model 0.38.0).

A ``set`` event of ``foreign.<id>.bases`` is a deployment, a sourced input: France's Barkhane
left Serval's bases of the centre (Sevare, Mopti) for the north's in August 2014. Its garrisons
elsewhere march to the nearest new base its client holds (``sim.war.patrons.rebase``); before
model 0.38.0 the list changed and its men stayed where they were.
"""

from __future__ import annotations

from small_scenario import small_dict

from sim import MaliConflictModel
from sim.scenario import scenario_from_dict
from sim.war import calendar
from sim.war.posture import Posture


def sevare_model(unit_size: int | None = None) -> MaliConflictModel:
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["factions"]["state"]["deploy"] = {"gao": 500, "timbuktu": 500, "sevare": 500}
    data["foreign"]["wagner"].update(bases=["sevare"], strength=800, risk_tolerance=0.1)
    if unit_size:
        data["foreign"]["wagner"]["unit_size"] = unit_size
    return MaliConflictModel(scenario_from_dict(data), rng=1)


def test_a_force_given_new_bases_marches_its_garrisons_to_the_nearest():
    model = sevare_model()
    sevare, gao = model.towns["sevare"], model.towns["gao"]
    garrisons = [u for u in model.units_of("wagner") if u.xy == sevare.xy]
    assert garrisons and all(u.posture == Posture.GARRISON for u in garrisons)
    calendar.set_parameter(model, "foreign.wagner.bases", ["gao", "kidal"])  # Kidal not held
    assert all(u.posture == Posture.RETREAT and u.destination == gao.xy for u in garrisons)
    for _ in range(40):
        model.step()
    at_gao = [u for u in model.units_of("wagner") if u.xy == gao.xy]
    assert sum(u.strength for u in at_gao) >= 0.9 * sum(u.strength for u in garrisons)
    assert not [u for u in model.units_of("wagner") if u.xy == sevare.xy]


def test_a_force_whose_bases_do_not_change_stays():
    model = sevare_model()
    before = {u.unique_id: (u.xy, u.posture, u.destination) for u in model.units_of("wagner")}
    calendar.set_parameter(model, "foreign.wagner.bases", ["sevare"])
    after = {u.unique_id: (u.xy, u.posture, u.destination) for u in model.units_of("wagner")}
    assert after == before


def test_a_force_shares_its_garrisons_out_evenly_over_new_bases():
    """Barkhane's four bases of the north, August 2014: each gets its share, not the nearest all."""
    model = sevare_model(unit_size=200)  # four units of 200
    calendar.set_parameter(model, "foreign.wagner.bases", ["gao", "timbuktu"])
    heading = {}
    for unit in model.units_of("wagner"):
        heading[unit.destination] = heading.get(unit.destination, 0) + unit.strength
    gao, timbuktu = model.towns["gao"].xy, model.towns["timbuktu"].xy
    assert set(heading) == {gao, timbuktu}
    assert abs(heading[gao] - heading[timbuktu]) <= model.config.foreign["wagner"].unit_size


def test_a_base_opened_on_a_date_gets_its_share_of_the_men_from_the_others():
    """Barkhane at Menaka, 2018: a base added to the list draws men from the bases it has."""
    model = sevare_model()
    sevare, gao = model.towns["sevare"].xy, model.towns["gao"].xy
    before = sum(u.strength for u in model.units_of("wagner"))
    calendar.set_parameter(model, "foreign.wagner.bases", ["sevare", "gao"])
    going = [u for u in model.units_of("wagner") if u.destination == gao]
    staying = [u for u in model.units_of("wagner") if u.xy == sevare and u.destination is None]
    assert going and all(u.posture == Posture.RETREAT for u in going)
    assert sum(u.strength for u in going) == before // 2
    assert sum(u.strength for u in going) + sum(u.strength for u in staying) == before
    for _ in range(40):
        model.step()
    assert sum(u.strength for u in model.units_of("wagner") if u.xy == gao) > 0


def test_a_departure_from_a_base_the_force_has_only_later_is_refused():
    import pytest

    from sim.scenario import ScenarioError

    data = small_dict()
    data["events"] = [
        {"date": "2023-10-10", "type": "depart", "actor": "wagner", "target": "menaka"},
        {
            "date": "2023-10-05",
            "type": "set",
            "parameter": "foreign.wagner.bases",
            "value": ["gao", "menaka"],
        },
    ]
    scenario_from_dict(data)  # Menaka is its base from 2023-10-05
    data["events"][0]["date"] = "2023-10-03"
    with pytest.raises(ScenarioError, match=r"events\.0\.target.*not one of wagner's bases on"):
        scenario_from_dict(data)
