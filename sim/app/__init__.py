"""The malisim web app: watch the war in Mali day by day, or as distributions over many runs.

Built on Mesa's Solara visualisation. The sidebar holds Mesa's Reset / play / Step controls and
the model's inputs (scenario, seed, the patron's sliders); the page has two tabs:

- **One run** (``sim.app.single``): the map and the charts of one seeded run, day by day;
- **Ensemble** (``sim.app.ensemble``): N seeded replicates at the same inputs, run in worker
  processes (``sim.app.replicates``) with progress and a Cancel button, drawn as outcome
  distributions and a map of who holds each cell across runs; a finished ensemble can be kept
  as design A and compared with the next.

Start it with ``malisim viz [SCENARIO.toml] [--port N]`` (see docs/APP.md), or
``MALISIM_SCENARIO=scenarios/kidal_2023.toml solara run sim.app.page``.
"""

from importlib import import_module

__all__ = ["AppModel", "Page", "draw_charts", "draw_map", "model_params", "resolve"]

_HOMES = {"Page": "sim.app.page"} | dict.fromkeys(__all__[:1] + __all__[2:], "sim.app.single")


def __getattr__(name: str):
    # Imported on first use (PEP 562): the ensemble's worker processes import
    # sim.app.replicates, which must not pull in solara and matplotlib with the page.
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'sim.app' has no attribute {name!r}")
