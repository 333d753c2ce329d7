"""Shared fixtures: the compact scenario the mechanism tests run, and ensembles of it."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

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
