"""Speed must not change results: the same seed gives the same tables, bit for bit.

The model has been optimised (cached per-actor unit lists, per-day hostility tables, box sums
skipped when there is nothing to sum, quiet units skipped); each optimisation had to leave the
tables identical. ``tests/golden/digests.json`` holds SHA-256 digests of the runs, events and
timeseries tables of a few small seeded cases (``tests/golden/make_golden.py``). When results are
*meant* to change (a new mechanism, recalibrated defaults), regenerate them with
``.venv/bin/python tests/golden/make_golden.py`` and say so in the commit.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
SHORT = ["scenario.resolution=1.0", "scenario.end=2023-11-30"]


def _golden_module():
    spec = importlib.util.spec_from_file_location("make_golden", GOLDEN / "make_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_seeded_runs_give_the_tables_recorded_before_the_model_was_optimised():
    golden = _golden_module()
    stored = json.loads(golden.DIGESTS.read_text())
    now = golden.compute()
    assert set(now) == set(stored), "golden cases changed: regenerate tests/golden/digests.json"
    for case, digests in stored.items():
        assert now[case]["rows"] == digests["rows"], f"{case}: row counts differ"
        for table in ("runs", "events", "timeseries"):
            assert now[case][table] == digests[table], (
                f"{case}: the {table} table differs from the golden run. If results were meant to "
                "change, regenerate with `.venv/bin/python tests/golden/make_golden.py`."
            )


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
