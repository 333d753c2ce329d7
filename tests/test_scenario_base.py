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
    # Every option, those recorded only away from their default too (a what-if may set one back
    # to its default: the Mauritanian sanctuary of the models before 0.42.0).
    a, b = flatten_parameters(base, every=True), flatten_parameters(what_if, every=True)
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


WHAT_IFS = sorted((ROOT / "scenarios" / "what_if").glob("*.toml"))


def stated_values(table: dict, prefix: str = "") -> dict:
    """The dotted names and values a file itself writes (its own tables, not its base's)."""
    out = {}
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(stated_values(value, name))
        else:
            out[name] = value
    return out


@pytest.mark.parametrize("path", WHAT_IFS, ids=lambda p: p.name)
def test_a_counterfactual_is_a_short_file_on_its_base(path):
    import tomllib

    text = path.read_text()
    own = tomllib.loads(text)
    assert "base" in own["scenario"], f"{path.name} does not start from a period file"
    assert len(text.splitlines()) < 60, f"{path.name} is long: does it copy its base?"


@pytest.mark.parametrize("path", WHAT_IFS, ids=lambda p: p.name)
def test_a_counterfactual_differs_from_its_base_only_in_what_it_states(path):
    import datetime as dt
    import tomllib

    own = tomllib.loads(path.read_text())
    settings = own["scenario"]
    base = load_scenario(path.parent / settings["base"])
    what_if = load_scenario(path)
    dropped = set(settings.get("without", []))
    stated = {
        k: v
        for k, v in stated_values({s: t for s, t in own.items() if s != "events"}).items()
        if k not in ("scenario.base", "scenario.without")
    }
    # Every option, those recorded only away from their default too (a what-if may set one back
    # to its default: the Mauritanian sanctuary of the models before 0.42.0).
    a, b = flatten_parameters(base, every=True), flatten_parameters(what_if, every=True)
    for name, value in stated.items():
        if isinstance(value, list):  # the runs table joins a list (sanctuaries sorted)
            assert sorted(b[name].split(",")) == sorted(map(str, value)), name
            continue
        assert b[name] == (value.isoformat() if isinstance(value, dt.date) else value), name
    changed = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    removed = {k for k in changed if any(k.startswith(f"foreign.{f}.") for f in dropped)}
    assert changed - removed <= set(stated), f"{path.name} changes what it does not say"
    assert all(k not in b for k in removed), "a force taken out is gone"

    def names_dropped(event) -> bool:
        return event.actor in dropped or str(event.parameter).split(".")[:2] in [
            ["foreign", f] for f in dropped
        ]

    kept = [e for e in base.events if not names_dropped(e)]
    n_own = len(own.get("events", []))
    ours = what_if.events[: len(what_if.events) - n_own]
    assert [e.model_dump(exclude={"allies"}) for e in ours] == [
        e.model_dump(exclude={"allies"}) for e in kept
    ], f"{path.name} loses or alters its base's events"
    for event in what_if.events:
        assert not dropped & {event.actor, *event.allies}, event


def test_a_counterfactual_without_a_force_keeps_its_bases_later_changes():
    # The bug this guards: a full copy of barkhane_2014 silently lost the 2022 period set.
    base = load_scenario(ROOT / "scenarios" / "barkhane_2014.toml")
    what_if = load_scenario(ROOT / "scenarios" / "what_if" / "no_contractor.toml")
    assert "wagner" not in what_if.foreign
    period_sets = [e for e in base.events if e.type == "set" and "wagner" not in e.parameter]
    assert period_sets, "barkhane_2014 has its 2022 period set"
    assert all(e in what_if.events for e in period_sets)


def test_taking_out_a_force_the_base_does_not_have_is_an_input_error(tmp_path):
    (tmp_path / "x.toml").write_text(
        '[scenario]\nbase = "{}"\nwithout = ["france"]\nname = "x"\n'.format(
            ROOT / "scenarios" / "north_2024.toml"
        )
    )
    with pytest.raises(ScenarioError, match=r"scenario.without: 'france' is not a foreign force"):
        load_scenario(tmp_path / "x.toml")
