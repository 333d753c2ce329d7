"""Outcome names follow one pattern, old names keep working, and categories read as events."""

from __future__ import annotations

import pandas as pd
import pytest
from small_scenario import SMALL_TOML

from sim import load_scenario, run_ensemble
from sim.analysis.outcomes import (
    BINARY_OUTCOMES,
    catalogue,
    family_of,
    is_binary,
    outcome_label,
    outcome_values,
)


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("small") / "small.toml"
    path.write_text(SMALL_TOML)
    return run_ensemble(load_scenario(path), runs=2, seed=3).runs


def test_every_outcome_column_of_a_run_is_in_the_catalogue(small_runs):
    outcomes = [c for c in small_runs.columns if "." not in c]
    outcomes = [c for c in outcomes if c not in ("run_id", "seed", "scenario")]
    assert outcomes
    assert [c for c in outcomes if family_of(c) is None] == []


def test_a_foreign_force_is_written_foreign_id_in_every_column_but_the_contract_s_one(
    small_runs,
):
    # civilians_killed_by_<actor> keeps the contract's form (INTERFACE.md)
    named = [c for c in small_runs.columns if "wagner" in c and "." not in c]
    odd = [c for c in named if "foreign_wagner" not in c]
    assert odd == ["civilians_killed_by_wagner"]
    assert "strength_end_foreign_wagner" in small_runs.columns


def test_the_catalogue_lists_the_columns_a_scenario_s_runs_hold(small_runs):
    listed = {name for name, *_ in catalogue(["wagner"])}
    columns = {c for c in small_runs.columns if "." not in c} - {"run_id", "seed", "scenario"}
    assert columns <= listed
    assert set(BINARY_OUTCOMES) <= listed


def test_the_old_name_of_a_renamed_column_finds_the_same_values(small_runs):
    new = outcome_values(small_runs, "strength_end_foreign_wagner")
    assert outcome_values(small_runs, "strength_end_wagner").equals(new)
    assert "Wagner" in outcome_label("strength_end_wagner")


def test_a_folder_written_before_the_renaming_answers_to_the_new_name(small_runs):
    old = small_runs.rename(columns={"strength_end_foreign_wagner": "strength_end_wagner"})
    assert outcome_values(old, "strength_end_foreign_wagner").equals(
        outcome_values(small_runs, "strength_end_foreign_wagner")
    )


def test_the_pattern_s_name_of_a_contract_column_finds_it(small_runs):
    assert outcome_values(small_runs, "civilians_killed_by_foreign_wagner").equals(
        outcome_values(small_runs, "civilians_killed_by_wagner")
    )


def test_who_holds_a_town_reads_as_an_event_per_holder():
    runs = pd.DataFrame({"holder_kidal": ["state", "separatists", "state", "contested"]})
    assert outcome_values(runs, "holder_kidal=state").tolist() == [1.0, 0.0, 1.0, 0.0]
    assert outcome_values(runs, "holder_kidal=jihadists").sum() == 0
    assert is_binary(runs, "holder_kidal=state")
    assert outcome_label("holder_kidal=state") == "state (FAMa) holds Kidal"


def test_an_unknown_holder_is_refused_with_the_closest_holder():
    runs = pd.DataFrame({"holder_kidal": ["state"]})
    with pytest.raises(KeyError, match="did you mean separatists"):
        outcome_values(runs, "holder_kidal=separatist")


def test_a_category_column_without_a_value_says_how_to_ask_for_it():
    runs = pd.DataFrame({"holder_kidal": ["state"]})
    with pytest.raises(KeyError, match="holder_kidal=<holder>"):
        outcome_values(runs, "holder_kidal")


def test_an_unknown_outcome_gets_the_closest_names(small_runs):
    with pytest.raises(KeyError, match="did you mean deaths_foreign_wagner"):
        outcome_values(small_runs, "deaths_foreign_wagnr")
