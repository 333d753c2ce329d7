"""Speed must not change results: the same seed gives the same tables, bit for bit.

The model has been optimised (cached per-actor unit lists, per-day hostility tables, box sums
skipped when there is nothing to sum, quiet units skipped); each optimisation had to leave the
tables identical. ``tests/golden/digests.json`` holds SHA-256 digests of the runs, events and
timeseries tables of a few small seeded cases (``tests/golden/make_golden.py``). When results are
*meant* to change (a new mechanism, recalibrated defaults), regenerate them with
``.venv/bin/python tests/golden/make_golden.py`` and say so in the commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import script

GOLDEN = Path(__file__).resolve().parent / "golden"
SHORT = ["scenario.resolution=1.0", "scenario.end=2023-11-30"]


def _golden_module():
    return script("tests/golden/make_golden.py")


@pytest.mark.slow
@pytest.mark.parametrize("case", list(_golden_module().CASES))
def test_seeded_runs_give_the_tables_and_days_recorded_before_the_code_changed(case):
    golden = _golden_module()
    stored = json.loads(golden.DIGESTS.read_text())
    traces = json.loads(golden.TRACES.read_text())
    assert set(golden.CASES) == set(stored) - {"model_version"} == set(traces), (
        "golden cases changed: regenerate tests/golden/digests.json and traces.json"
    )
    digests, trace = golden.run_case(case)
    stored_trace = [run.split() for run in traces[case]]
    where = golden.first_divergence(stored_trace, trace)
    assert where is None, (
        f"{case}: run {where[0]} first differs from the golden run after day {where[1] + 1} "
        "(the model's step count). If results were meant to change, regenerate with "
        "`.venv/bin/python tests/golden/make_golden.py` and say why in the commit."
    )
    assert digests["rows"] == stored[case]["rows"], f"{case}: row counts differ"
    for table in ("runs", "events", "timeseries"):
        assert digests[table] == stored[case][table], (
            f"{case}: the {table} table differs from the golden run though every day's state "
            "matches: the recording changed."
        )


def test_a_trace_names_the_first_day_that_differs():
    golden = _golden_module()
    stored = [["a", "b", "c"], ["a", "b", "c"]]
    assert golden.first_divergence(stored, [["a", "b", "c"], ["a", "b", "c"]]) is None
    assert golden.first_divergence(stored, [["a", "b", "c"], ["a", "x", "y"]]) == (1, 1)
    assert golden.first_divergence(stored, [["a", "b"], ["a", "b", "c"]]) == (0, 2)


def test_the_same_seed_twice_in_one_process_gives_identical_tables():
    """Caches kept between runs (geography, distance fields) must not leak into results."""
    from sim.ensemble import run_one
    from sim.scenario import load_scenario

    golden = _golden_module()
    scenario = load_scenario(golden.SCENARIO, SHORT)
    first = run_one(scenario, 0, 7)
    run_one(scenario, 1, 8)  # a different run in between must not matter
    second = run_one(scenario, 0, 7)
    for table in ("runs", "events", "timeseries"):
        assert golden.table_digest(getattr(first, table)) == golden.table_digest(
            getattr(second, table)
        ), table


def test_a_table_digest_notices_a_change_of_one_death():
    """The golden check can fail: one death more in one event changes the digest."""
    from sim.ensemble import run_one
    from sim.scenario import load_scenario

    golden = _golden_module()
    scenario = load_scenario(golden.SCENARIO, SHORT)
    events = run_one(scenario, 0, 7).events
    assert len(events) > 0
    changed = events.copy()
    changed.loc[changed.index[0], "deaths_total"] += 1
    assert golden.table_digest(events) != golden.table_digest(changed)


def test_the_golden_digests_were_made_by_this_model_version():
    """Results that changed made a new model version (and a CHANGELOG entry)."""
    import sim

    golden = _golden_module()
    stored = json.loads(golden.DIGESTS.read_text())
    assert stored["model_version"] == sim.__version__
    changelog = (GOLDEN.parent.parent / "CHANGELOG.md").read_text()
    assert f"## {sim.__version__}" in changelog, "CHANGELOG.md has no entry for this version"


def test_changed_digests_under_the_same_version_are_refused():
    golden = _golden_module()
    stored = {"case": {"runs": "a"}, "model_version": "9.9"}
    assert golden.version_problem(stored, {"case": {"runs": "b"}}, "9.9")
    assert golden.version_problem(stored, {"case": {"runs": "a"}}, "9.9") is None
    assert golden.version_problem(stored, {"case": {"runs": "b"}}, "10.0") is None
