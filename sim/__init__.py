"""malisim: an agent-based simulation of the war in Mali on Mesa.

The model core is ``sim.model`` (the schedule), ``sim.agents`` (units), ``sim.geography``,
``sim.combat``, ``sim.politics`` and ``sim.society``; ``sim.scenario`` reads scenario files and
``sim.ensemble`` runs seeded replicates. Everything else (CLI, sweeps, plots, the web app) sits
around the core and is imported on demand.

    from sim import load_scenario, run_ensemble, MaliConflictModel
"""

from sim.ensemble import Results, run_ensemble, run_one
from sim.model import MaliConflictModel
from sim.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "MaliConflictModel",
    "Results",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "run_ensemble",
    "run_one",
]
__version__ = "0.1.0"
