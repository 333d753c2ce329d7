"""A scenario can start from another one: counterfactuals stay in step with what they vary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.scenario import ScenarioError, flatten_parameters, load_scenario

ROOT = Path(__file__).resolve().parent.parent


def test_a_counterfactual_is_its_base_but_for_what_it_changes():
    base = load_scenario(ROOT / "scenarios" / "north_2024.toml")
    what_if = load_scenario(ROOT / "scenarios" / "what_if" / "patron_doubles_down.toml")
    a, b = flatten_parameters(base), flatten_parameters(what_if)
    changed = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    assert changed == {
        "scenario.name",
        "scenario.title",
        "foreign.wagner.commitment",
        "foreign.wagner.ceiling",
    }
    assert [e.model_dump() for e in what_if.events] == [e.model_dump() for e in base.events]


def test_a_child_adds_its_events_to_the_base_and_merges_tables(tmp_path):
    (tmp_path / "child.toml").write_text(
        '[scenario]\nbase = "{}"\nname = "child"\n\n'
        "[factions.state]\ndeploy = {{ kidal = 50 }}\n\n"
        '[[events]]\ndate = 2024-02-01\ntype = "coup"\n'.format(
            ROOT / "scenarios" / "north_2024.toml"
        )
    )
    child = load_scenario(tmp_path / "child.toml")
    base = load_scenario(ROOT / "scenarios" / "north_2024.toml")
    assert len(child.events) == len(base.events) + 1
    # A table merges key by key: deploy is a mapping, so the child's kidal replaces the base's.
    assert child.factions["state"].deploy["kidal"] == 50
    assert child.factions["state"].deploy["gao"] == base.factions["state"].deploy["gao"]


def test_a_missing_or_circular_base_is_an_input_error(tmp_path):
    (tmp_path / "a.toml").write_text('[scenario]\nbase = "b.toml"\nname = "a"\n')
    (tmp_path / "b.toml").write_text('[scenario]\nbase = "a.toml"\nname = "b"\n')
    with pytest.raises(ScenarioError, match="bases stacked"):
        load_scenario(tmp_path / "a.toml")
    (tmp_path / "c.toml").write_text('[scenario]\nbase = "nowhere.toml"\nname = "c"\n')
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "check", str(tmp_path / "c.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "nowhere.toml: no such file" in done.stderr and "Traceback" not in done.stderr
