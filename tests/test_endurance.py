"""The 14-year history scenario runs to its last day without error and keeps its books.

Memory year by year is measured in ``benchmarks/endurance.py`` (not asserted here: speed and
memory are benchmarks, not timed tests).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.model import MaliConflictModel
from sim.scenario import load_scenario

HISTORY = Path(__file__).resolve().parent.parent / "scenarios" / "history_2012_2025.toml"


@pytest.mark.slow
def test_the_whole_history_runs_to_its_last_day_and_every_man_is_accounted_for():
    scenario = load_scenario(HISTORY)
    model = MaliConflictModel(scenario, rng=2012)
    while model.running:
        model.step()
    assert model.date == scenario.scenario.end + pd.Timedelta(days=1)
    assert all(v == 0 for v in model.check_ledger().values()), model.check_ledger()
    tables = model.tables()
    assert tables.timeseries["date"].iloc[-1] == pd.Timestamp(scenario.scenario.end)
    assert len(tables.timeseries) == -(
        -((scenario.scenario.end - scenario.scenario.start).days + 1) // 7
    )
    events = tables.events
    assert (
        events["date"]
        .between(pd.Timestamp(scenario.scenario.start), pd.Timestamp(scenario.scenario.end))
        .all()
    )
    runs = tables.runs.iloc[0]
    for column in [c for c in events.columns if c.startswith("deaths_")]:
        if column != "deaths_total":
            assert runs[column] == events[column].sum()
    # Every foreign force of the record came, and the scheduled departures happened: a force
    # that left on its date has no man in Mali at the end, and its men are booked as gone home.
    for fid, force in scenario.foreign.items():
        assert model.patrons.peak_strength[fid] > 0, f"{fid} never deployed"
        if force.depart is not None and force.depart <= scenario.scenario.end:
            assert not model.patrons.present[fid], f"{fid} still in Mali after {force.depart}"
            assert model.strength(fid) == 0
            assert model.ledger[fid]["departures"] > 0, f"{fid}'s departure was not counted"
