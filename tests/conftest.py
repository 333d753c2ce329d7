"""Shared fixtures: the compact scenario the mechanism tests run, ensembles of it, and scripts."""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
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


def script(path: str):
    """A script of the tree (``tools/``, ``benchmarks/``, ``tests/golden/``) as a module.

    Loaded by its path, for the scripts are not a package; registered under its name, for a
    dataclass of it looks its module up.
    """
    spec = importlib.util.spec_from_file_location(Path(path).stem, ROOT / path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def mechanisms_path() -> Path:
    return MECHANISMS
