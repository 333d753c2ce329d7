"""One palette: every actor has one colour, the same in the figures and in the web app."""

from __future__ import annotations

import colorsys
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
from matplotlib.colors import to_hex, to_rgb  # noqa: E402

from sim.analysis.figures import plot_timeseries  # noqa: E402
from sim.analysis.intervals import wilson_interval  # noqa: E402
from sim.analysis.style import (  # noqa: E402
    ACTOR_COLOURS,
    ACTOR_LABELS,
    CONTROL_COLOURS,
    actor_colour,
)
from sim.scenario import load_scenario  # noqa: E402
from sim.war.control import CONTROL_CLASSES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((ROOT / "scenarios").glob("*.toml")) + sorted(
    (ROOT / "scenarios" / "what_if").glob("*.toml")
)


def library_actors() -> set[str]:
    """Every actor a library scenario can name, with contested ground and civilians."""
    actors = {"contested", "civilians"}
    for path in LIBRARY:
        actors |= set(load_scenario(path).actors)
    return actors


def test_every_actor_of_the_library_has_its_own_colour():
    actors = library_actors()
    assert {"state", "separatists", "jihadists", "france", "un", "wagner", "africa_corps"} <= actors
    assert actors <= set(ACTOR_COLOURS), "an actor falls back on a spare colour"
    colours = [ACTOR_COLOURS[a].lower() for a in sorted(actors)]
    assert len(set(colours)) == len(colours), "two actors share a colour"
    assert actors <= set(ACTOR_LABELS)


def test_an_unknown_foreign_force_gets_the_same_spare_colour_every_time():
    assert actor_colour("legion") == actor_colour("legion")
    assert actor_colour("legion") not in ACTOR_COLOURS.values()


def test_the_control_layer_is_a_paler_version_of_each_side_s_hue():
    for control in CONTROL_CLASSES:
        pale = colorsys.rgb_to_hls(*to_rgb(CONTROL_COLOURS[control]))
        full = colorsys.rgb_to_hls(*to_rgb(ACTOR_COLOURS[control]))
        assert pale[1] > full[1]  # lighter
        if full[2] > 0:  # grey has no hue to keep
            assert pale[0] == pytest.approx(full[0], abs=0.02)


def test_the_figures_and_the_web_app_draw_each_actor_in_the_same_colour():
    from sim.app.single import chart_panels

    actors = ["state", "separatists", "jihadists", "wagner", "africa_corps", "france", "un"]
    weeks = pd.date_range("2024-01-07", periods=4, freq="W")
    timeseries = pd.DataFrame(
        {
            "run_id": np.repeat([0, 1], 4),
            "date": np.tile(weeks, 2),
            **{f"pop_share_{c}": 0.25 for c in CONTROL_CLASSES},
            **{f"deaths_{a}": 1.0 for a in [*actors, "civilians"]},
            "regime_popularity": 0.5,
        }
    )
    figure = plot_timeseries(timeseries)
    share_ax, death_ax = figure.axes[:2]
    label_to_actor = {label: actor for actor, label in ACTOR_LABELS.items()}
    in_figures = {
        label_to_actor[line.get_label()]: to_hex(line.get_color())
        for ax in (share_ax, death_ax)
        for line in ax.get_lines()
    }
    app = SimpleNamespace(actors=actors, foreign_ids=actors[3:])
    in_app = {
        label: to_hex(colour)
        for title, series, _ in chart_panels(app)
        if title.startswith(("deaths", "population"))
        for label, (_, colour) in series.items()
    }
    assert set(in_figures) == set(in_app) == {*actors, "civilians", "contested"}
    assert in_figures == in_app


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (5, 10, 0.2366, 0.7634),  # Wilson (1927); e.g. Brown, Cai and DasGupta (2001)
        (0, 10, 0.0, 0.2775),  # none of ten: the interval still has a width
        (10, 10, 0.7225, 1.0),
        (1, 1, 0.2065, 1.0),
    ],
)
def test_the_wilson_interval_of_a_share_of_runs(k, n, low, high):
    lo, hi = wilson_interval(k, n)
    assert (lo, hi) == pytest.approx((low, high), abs=1e-4)


def test_no_runs_give_no_share():
    assert all(np.isnan(v) for v in wilson_interval(0, 0))


def test_the_catalogue_the_palette_and_discovery_load_without_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import sim.analysis.outcomes, sim.analysis.style, sim.analysis.discovery\n"
        "import sim.analysis.results, sim.analysis.sensitivity\n"
        "print(sorted(m for m in sys.modules if m.startswith('matplotlib')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
