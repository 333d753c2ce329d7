"""The page: the sidebar's controls and inputs, the single run and the ensemble, as two tabs.

It is assembled from Mesa's Solara pieces (``ModelController`` for Reset / play / Step, and
``ComponentsView`` for the single run's draggable panels) rather than ``SolaraViz`` itself, so
that the page holds the inputs' values: the ensemble mode runs at them, the sliders show them,
and the browser tab has the app's title.
"""

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization import Slider
from mesa.visualization.solara_viz import ComponentsView, ModelController

from sim.app.ensemble import EnsembleView
from sim.app.single import (
    ChartsView,
    MapView,
    initial_model,
    launch_scenario,
    model_params,
)

TITLE = "malisim: the war in Mali"
"""The browser tab's and the app bar's title."""

PLAY_INTERVAL_MS = 150

THUMB_ROOM = {"padding-top": "22px"}
"""Room above a slider for its value, shown on the thumb at all times."""


def initial_values(params: dict[str, Any]) -> dict[str, Any]:
    """The inputs' starting values, by model argument."""
    return {k: (v.value if isinstance(v, Slider) else v["value"]) for k, v in params.items()}


@solara.component
def ParameterInputs(params: dict[str, Any], values: solara.Reactive[dict]) -> None:
    """One input per model argument; sliders show their value on the thumb at all times."""
    for name, spec in params.items():

        def change(value, name=name) -> None:
            values.set({**values.value, name: value})

        current = values.value[name]
        if isinstance(spec, Slider):
            with solara.Div(style=THUMB_ROOM):
                solara.SliderFloat(
                    spec.label,
                    value=current,
                    on_value=change,
                    min=spec.min,
                    max=spec.max,
                    step=spec.step,
                    thumb_label="always",
                )
        elif spec["type"] == "Select":
            solara.Select(spec["label"], value=current, values=spec["values"], on_value=change)
        elif spec["type"] == "Checkbox":
            solara.Checkbox(label=spec["label"], value=current, on_value=change)
        else:
            solara.InputText(spec["label"], value=current, on_value=change)


@solara.component
def Page() -> None:
    """Render the app: one model per browser session, built from the launch scenario."""
    launch = solara.use_memo(launch_scenario, [])
    params = solara.use_memo(lambda: model_params(launch), [launch])
    first = solara.use_memo(lambda: initial_model(params), [params])
    model = solara.use_reactive(first)
    values = solara.use_reactive(initial_values(params))
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    render_interval = solara.use_reactive(1)
    use_threads = solara.use_reactive(False)

    solara.Title(TITLE)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            with solara.Div(style=THUMB_ROOM):
                solara.SliderInt(
                    "Play interval (ms)",
                    value=play_interval,
                    min=10,
                    max=500,
                    step=10,
                    thumb_label="always",
                )
            with solara.Div(style=THUMB_ROOM):
                solara.SliderInt(
                    "Render interval (days a step)",
                    value=render_interval,
                    min=1,
                    max=60,
                    thumb_label="always",
                )
            ModelController(
                model,
                model_parameters=values,
                play_interval=play_interval,
                render_interval=render_interval,
                use_threads=use_threads,
            )
        with solara.Card("Model parameters"):
            ParameterInputs(params, values)
    with solara.lab.Tabs():
        with solara.lab.Tab("One run"):
            ComponentsView([(MapView, 0), (ChartsView, 0)], model.value)
        with solara.lab.Tab("Ensemble"):
            EnsembleView(model.value)
