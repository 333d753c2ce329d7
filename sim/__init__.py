"""malisim: an agent-based simulation of the war in Mali on Mesa.

The model core is ``sim.model`` (the schedule), ``sim.agents`` (units), ``sim.geography``,
``sim.combat``, ``sim.politics`` and ``sim.society``; ``sim.scenario`` reads scenario files and
``sim.ensemble`` runs seeded replicates. Everything else (CLI, sweeps, plots, the web app) sits
around the core and is imported on demand.

    from sim import load_scenario, run_ensemble, MaliConflictModel

The names are imported lazily, so ``malisim check`` and ``--help`` do not pay for Mesa.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.65.0"
"""The model's version. It changes with every change that changes results (``CHANGELOG.md``):
results folders record it, and a sweep refuses to resume into results of another version."""

_EXPORTS = {
    "MaliConflictModel": "sim.model",
    "Results": "sim.tables",
    "run_ensemble": "sim.ensemble",
    "run_one": "sim.ensemble",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "load_scenario": "sim.scenario",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
