"""Shared fixtures: the compact scenario the mechanism tests run, and ensembles of it."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property-based tests run derandomised in ``make test`` and CI: the same examples every run, so
# that a red build is the code's fault, not a new draw. ``HYPOTHESIS_PROFILE=explore`` draws new
# and more examples (a longer search, by hand: ``make explore``).
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "explore",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
MECHANISMS = ROOT / "tests" / "scenarios" / "mechanisms.toml"


@functools.cache
def ensemble(*overrides: str, runs: int = 12, seed: int = 5):
    """An ensemble of the mechanisms scenario with overrides, cached for the test session."""
    from sim import load_scenario, run_ensemble

    return run_ensemble(load_scenario(MECHANISMS, list(overrides)), runs=runs, seed=seed)


@pytest.fixture
def mechanisms_path() -> Path:
    return MECHANISMS
