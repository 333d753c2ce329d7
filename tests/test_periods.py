"""One parameter set per period: the whole arc and overlapping period files agree.

``tools/arc_consistency.py`` compares, on each day a period file defines its parameters (its
start and its ``set`` events), the parameters of ``history_2012_2025`` and of any other period
file running that day, and checks that the arc holds every other dated event of each period
file. The calibration's claim (docs/CALIBRATION.md) is that there are no differences.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import script

from sim import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    return script("tools/arc_consistency.py")


def test_library_has_one_parameter_set_per_period():
    assert _tool().all_differences() == []


def test_a_drifted_period_value_is_reported(tmp_path):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    serval = tmp_path / "scenarios" / "serval_2013.toml"
    text = serval.read_text()
    assert "\nrecruit_rate = 0.0020 " in text
    serval.write_text(text.replace("\nrecruit_rate = 0.0020 ", "\nrecruit_rate = 0.005 ", 1))
    lines = _tool().all_differences(tmp_path)
    assert lines, "a changed value in serval_2013 must show as a difference from the arc"
    assert all("serval_2013" in line for line in lines)
    assert any("jihadists.recruit_rate" in line and "0.005" in line for line in lines)


def test_a_drifted_stance_is_reported(tmp_path):
    """The stance between two sides is compared too, with the arc's relations events applied
    up to the day (model 0.17.0: the check once ignored relations, and the arc had the CMA and
    the jihadists at war through 2022-2024 where the period files had a truce)."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    centre = tmp_path / "scenarios" / "centre_2022.toml"
    text = centre.read_text()
    assert '\nseparatists_jihadists = "truce"' in text
    centre.write_text(
        text.replace('\nseparatists_jihadists = "truce"', '\nseparatists_jihadists = "hostile"')
    )
    lines = _tool().all_differences(tmp_path)
    assert lines and all("centre_2022" in line for line in lines)
    assert any("relations.separatists_jihadists" in line for line in lines)


def test_a_period_event_missing_from_the_arc_is_reported(tmp_path):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    arc = tmp_path / "scenarios" / "history_2012_2025.toml"
    text = arc.read_text()
    konna = 'date = 2013-01-13\ntype = "offensive"\nactor = "state"\ntarget = "konna"'
    assert konna in text
    arc.write_text(text.replace(konna, konna.replace("2013-01-13", "2013-01-14"), 1))
    lines = _tool().all_differences(tmp_path)
    assert lines == ["2013-01-13 event: offensive state konna is not in the arc (serval_2013)"]


ARC_SWITCHES_AT_MOST = 12
"""The arc's dated `set` events, model 0.61.0 (issue 14, item 9: one parameter set for the war;
82 from model 0.8.0 to 0.16.0; 51 in 0.17.0, when the four sets of 2013-2025 became one; 38 in
0.18.0; 37 when the no-op switch of the regime's starting popularity went; 33 in 0.23.0, when
Serval's movement became France's own speed; 27 in 0.26.0, when the jihadists' ambush rate,
"set" on 2013-01-10 to the value it already had, lost its switch, and the MNLA's abandon ratio
and recruitment and the jihadists' garrisons became one value each for the whole war; 24 in
0.27.0, when the coups' blow, desertion and recovery of morale became one set, the difference
of 2012 the army's defeats: ``sim.war.regime``; 23 in 0.28.0, when the MNLA was no longer
told to stand down after MUJAO's attack in Gao; 22 in 0.31.0, when the MNLA's morale of 2012
became the one value of the war; 21 in 0.32.0, when the jihadists' aggression became one value
and what lowered it from 2013 hostile air over their targets, ``insurgency.air_deterrence``;
20 in 0.33.0, when the jihadists' recruitment of mid-2012 became their one value of 2012; 19 in
0.34.0, when the MNLA's firepower of 2013-2025 became its one value; 17 in 0.47.0, when the
army's aggression and raid range of 2013-2025 became their one values and its passivity of 2012
the caution of a beaten army, ``politics.beaten_caution``; 15 in 0.48.0, when the insurgents'
IEDs of 2013-2025 became their one rate and what kept them from mining in 2012 the absence of
hostile aircraft, ``insurgency.mines_air``; 14 in 0.51.0, when the MNLA's aggression became
one value for the war; 13 in 0.52.0, when the army's reinforcement became one value and what
held it back in 2012 a beaten army's caution, ``politics.beaten_caution``; 12 in 0.61.0, when
the jihadists' recruitment became one value and what drew the recruits of 2012 the towns they
ruled and their ransom money, ``insurgency.recruitment_in_held_towns`` and ``purse_days``).

Lower it when a mechanism replaces switches; it must never rise: a new behaviour of a period
needs a mechanism, not a date (``python tools/arc_consistency.py --switches`` lists them)."""


def test_every_switch_of_the_arc_changes_what_it_sets():
    # A `set` to the value already in force changes nothing and reads as history written as
    # input: the jihadists' ambush rate was "set" to its own 0.02 on 2013-01-10 until 0.25.0.
    arc = load_scenario(ROOT / "scenarios" / "history_2012_2025.toml")
    in_force: dict[str, object] = {}

    def start_value(path: str) -> object:
        value = arc
        for part in path.split("."):
            value = value[part] if isinstance(value, dict) else getattr(value, part)
        return value

    def same(a: object, b: object) -> bool:  # a number, or a list (a force's bases)
        if isinstance(a, list) or isinstance(b, list):
            return list(a) == list(b)
        return float(a) == float(b)

    no_ops = []
    for event in sorted((e for e in arc.events if e.type == "set"), key=lambda e: e.date):
        before = in_force.get(event.parameter, start_value(event.parameter))
        if same(event.value, before):
            no_ops.append(f"{event.date} {event.parameter} = {event.value}")
        in_force[event.parameter] = event.value
    assert not no_ops


def test_the_arc_gains_no_dated_switch():
    tool = _tool()
    by_kind = tool.switches()
    # A new capability on the day it came is a sourced input, not a behaviour switched on
    # (issue 14 item 9): counted apart, and it must name its source.
    capabilities = by_kind.pop(tool.CAPABILITY)
    # So is a deployment, where a force is based (model 0.38.0: Barkhane's move to the north's
    # bases on 2014-08-01; model 0.40.0: its base at Menaka from 2018): counted apart, and it
    # names its source.
    deployments = by_kind.pop(tool.DEPLOYMENT)
    assert [line.split(" ")[1] for line in deployments] == ["foreign.france.bases"] * 2
    # So is a change of the borders that shelter the insurgents (model 0.42.0: Burkina Faso's
    # north from 2016-12-16), and it names its source.
    borders = by_kind.pop(tool.BORDERS)
    assert [line.split(" ")[:2] for line in borders] == [["2016-12-16", "scenario.sanctuaries"]]
    total = sum(len(lines) for lines in by_kind.values())
    # The bound counts the capabilities too (the tool's total), so that one new switch of any
    # kind fails (until model 0.31.0 it left them out, and one switch more could pass).
    assert total + len(capabilities) <= ARC_SWITCHES_AT_MOST, by_kind
    assert [line.split(" ")[1] for line in capabilities] == ["factions.state.air_support"]
    arc = load_scenario(ROOT / "scenarios" / "history_2012_2025.toml")
    notes = [e.note for e in arc.events if e.type == "set" and "air_support" in e.parameter]
    assert all("APA News" in note for note in notes)
    notes = [e.note for e in arc.events if e.type == "set" and e.parameter.startswith("scenario.")]
    assert len(notes) == 1 and "CTC Sentinel" in notes[0]
    notes = [e.note for e in arc.events if e.type == "set" and e.parameter.endswith(".bases")]
    # Each names its source: France 24 for the move north (2014), KOACI and AFP for Menaka.
    assert len(notes) == 2 and all(
        any(source in note for source in ("France 24", "KOACI")) for note in notes
    )
    # No switch moves a faction into new country: where it fights is an outcome of its networks
    # since model 0.8.0 (the field no longer exists).
    names = [line for lines in by_kind.values() for line in lines]
    assert not any(".zones" in n for n in names)
