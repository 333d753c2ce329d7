"""A sweep keeps its events table in the form asked (--events) and never mixes two forms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from processes import malisim

from sim.scenario import load_scenario, to_toml
from sim.sweep import read_sweep

pytestmark = pytest.mark.xdist_group("sweep")

ROOT = Path(__file__).resolve().parent.parent
SWEEP = """\
[sweep]
name = "tiny_events"
base = "tiny.toml"
design = "grid"
replicates = 2
seed = 11

[parameters]
"foreign.wagner.commitment" = [0.2, 0.8]
"""


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("sweep_events")
    scenario = load_scenario(
        ROOT / "scenarios" / "kidal_2023.toml",
        ["scenario.resolution=1.0", "scenario.end=2023-10-31"],
    )
    (work / "tiny.toml").write_text(to_toml(scenario))
    (work / "sweep.toml").write_text(SWEEP)
    return work / "sweep.toml"


def test_a_monthly_sweep_writes_monthly_rows_and_records_it(sweep_file):
    out = sweep_file.parent / "monthly"
    done = malisim("sweep", sweep_file, "--events", "monthly", "--out", out)
    assert done.returncode == 0, done.stderr
    results = read_sweep(out)
    assert "events" in results.events.columns
    assert results.events["events"].min() >= 1
    assert set(results.events["run_id"]) <= set(results.runs["run_id"])
    assert json.loads((out / "sweep.json").read_text())["events"] == "monthly"
    assert json.loads((out / "manifest.json").read_text())["events"] == "monthly"
    assert "4 runs (2 points x 2 replicates)" in done.stdout


def test_a_sweep_without_events_keeps_the_columns_and_no_rows(sweep_file):
    out = sweep_file.parent / "none"
    done = malisim("sweep", sweep_file, "--events", "none", "--out", out)
    assert done.returncode == 0, done.stderr
    events = read_sweep(out).events
    assert events.empty
    assert {"run_id", "date", "event_type", "deaths_total"} <= set(events.columns)


def test_resuming_a_sweep_with_another_events_form_is_refused_and_writes_nothing(sweep_file):
    out = sweep_file.parent / "monthly_again"
    assert malisim("sweep", sweep_file, "--events", "monthly", "--out", out).returncode == 0
    before = sorted(p.name for p in out.rglob("*"))
    done = malisim("sweep", sweep_file, "--events", "all", "--out", out)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: {out}: --events: the sweep was started with --events monthly; one events "
        "table never mixes two details: resume with --events monthly"
    )
    assert sorted(p.name for p in out.rglob("*")) == before
