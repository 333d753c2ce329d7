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


def sevare_model() -> MaliConflictModel:
    data = small_dict()
    data["scenario"]["resolution"] = 0.5
    data["events"] = []
    data["factions"]["state"]["deploy"] = {"gao": 500, "timbuktu": 500, "sevare": 500}
    data["foreign"]["wagner"].update(bases=["sevare"], strength=800, risk_tolerance=0.1)
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
