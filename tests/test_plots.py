"""The figures show what they claim: groups, axes, towns and values from real result tables.

Result folders are made by the real command line (``malisim run`` and ``malisim sweep``) on a
coarse (1 degree), shortened Kidal 2023 scenario.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.patches import Wedge  # noqa: E402

from sim.analysis.figures import (  # noqa: E402
    plot_distribution,
    plot_heatmap,
    plot_lenses,
    plot_timeseries,
)
from sim.analysis.maps import plot_control_map, plot_violence_map  # noqa: E402
from sim.analysis.results import foreign_ids, load_results  # noqa: E402
from sim.analysis.style import ACTOR_COLOURS  # noqa: E402

pytestmark = pytest.mark.xdist_group("analysis")

ROOT = Path(__file__).resolve().parent.parent
MALISIM = [sys.executable, "-m", "sim.cli"]
COMMIT = "foreign.wagner.commitment"
RISK = "foreign.wagner.risk_tolerance"


def malisim(*args, cwd=ROOT):
    return subprocess.run(
        [*MALISIM, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def short_base(folder: Path) -> Path:
    """Kidal 2023 on 1-degree cells, to the end of December (the capture is mid-November)."""
    text = (ROOT / "scenarios" / "kidal_2023.toml").read_text()
    text = text.replace("resolution = 0.25", "resolution = 1.0")
    text = text.replace("end = 2024-03-31", "end = 2023-12-31")
    path = folder / "base.toml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("run")
    base = short_base(folder)
    done = malisim("run", base, "--runs", 6, "--seed", 2, "--out", folder / "res")
    assert done.returncode == 0, done.stderr
    return folder / "res"


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sweep")
    short_base(folder)
    (folder / "sweep.toml").write_text(
        '[sweep]\nname = "plots_test"\nbase = "base.toml"\ndesign = "grid"\nreplicates = 3\n'
        f'seed = 4\n\n[parameters]\n"{COMMIT}" = [0.1, 0.9]\n"{RISK}" = [0.2, 0.9]\n'
    )
    done = malisim("sweep", folder / "sweep.toml", "--out", folder / "res")
    assert done.returncode == 0, done.stderr
    return folder / "res"


def legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend else []


def test_a_sweep_folder_is_read_as_a_sweep_with_its_two_axes(sweep_folder):
    results = load_results(sweep_folder)
    assert results.is_sweep
    assert results.swept == [COMMIT, RISK]
    assert len(results.runs) == 12
    assert results.runs.groupby([COMMIT, RISK]).size().tolist() == [3, 3, 3, 3]


def test_a_run_folder_is_not_a_sweep(run_folder):
    results = load_results(run_folder)
    assert not results.is_sweep and results.swept == []
    from sim.scenario import load_scenario

    # the foreign forces are those of the scenario the folder records
    foreign = foreign_ids(results.runs)
    assert set(foreign) == set(load_scenario(run_folder / "scenario.toml").foreign)
    assert "wagner" in foreign
    assert results.folder == run_folder and results.manifest["scenario"] == "kidal_2023"


def test_distribution_groups_are_the_levels_of_the_swept_parameter(sweep_folder):
    runs = load_results(sweep_folder).runs
    fig = plot_distribution(runs, "deaths_civilians", by=COMMIT)
    hist_ax, violin_ax, ecdf_ax = fig.axes
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "wagner commitment = 0.1 (n=6)",
        "wagner commitment = 0.9 (n=6)",
    ]
    assert hist_ax.get_xlabel() == "civilians killed (people)"
    assert hist_ax.get_ylabel() == "density"
    assert ecdf_ax.get_ylabel() == "share of runs at or below"
    violins = [c for c in violin_ax.collections if isinstance(c, PolyCollection)]
    assert len(violins) == 2
    # each ECDF ends at 1 at the group's largest value
    for line, level in zip(ecdf_ax.get_lines(), (0.1, 0.9), strict=True):
        values = runs.loc[runs[COMMIT] == level, "deaths_civilians"]
        assert line.get_xdata()[-1] == values.max()
        assert line.get_ydata()[-1] == pytest.approx(1.0)


def test_a_binary_outcome_is_drawn_as_the_share_of_runs_per_group(sweep_folder):
    runs = load_results(sweep_folder).runs
    fig = plot_distribution(runs, "state_holds_kidal", by=RISK)
    ax = fig.axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    expected = (runs["holder_kidal"] == "state").groupby(runs[RISK]).mean().tolist()
    assert heights == pytest.approx(expected)
    assert ax.get_ylabel() == "share of runs (95% interval)"


def test_the_heatmap_shows_the_share_of_runs_in_each_cell(sweep_folder):
    runs = load_results(sweep_folder).runs
    fig = plot_heatmap(runs, COMMIT, RISK, "patron_withdraws")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "0.9"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0.2", "0.9"]
    assert "risk tolerance" in ax.get_ylabel() and "commitment" in ax.get_xlabel()
    image = ax.get_images()[0].get_array()
    for i, risk in enumerate((0.2, 0.9)):
        for j, commit in enumerate((0.1, 0.9)):
            cell = runs[(runs[COMMIT] == commit) & (runs[RISK] == risk)]
            assert image[i, j] == pytest.approx(cell["withdrew_foreign_wagner"].mean())
    assert len(ax.texts) == 4 and all(t.get_text().endswith("%") for t in ax.texts)


def test_time_series_medians_are_the_medians_of_the_runs(run_folder):
    results = load_results(run_folder)
    fig = plot_timeseries(results.timeseries, results.runs)
    share_ax, death_ax, pop_ax = fig.axes[:3]
    assert legend_texts(share_ax) == ["state (FAMa)", "separatists", "jihadists", "contested"]
    assert "Wagner" in legend_texts(death_ax) and "civilians" in legend_texts(death_ax)
    state = share_ax.get_lines()[0]
    assert state.get_color() == ACTOR_COLOURS["state"]
    expected = results.timeseries.groupby("date")["pop_share_state"].median().to_numpy()
    np.testing.assert_allclose(state.get_ydata(), expected)
    # deaths are cumulative: the median civilian line never falls
    civilians = [ln for ln in death_ax.get_lines() if ln.get_label() == "civilians"][0]
    assert np.all(np.diff(civilians.get_ydata()) >= 0)
    assert pop_ax.get_ylabel() == "popularity (0-1)"


def test_time_series_by_group_has_one_line_per_level(sweep_folder):
    results = load_results(sweep_folder)
    fig = plot_timeseries(results.timeseries, results.runs, by=RISK)
    assert all(len(ax.get_lines()) == 2 for ax in fig.axes[:3])
    assert legend_texts(fig.axes[0]) == [
        "wagner risk tolerance = 0.2",
        "wagner risk tolerance = 0.9",
    ]


def test_the_control_map_labels_the_towns_and_shows_their_holders(run_folder):
    runs = load_results(run_folder).runs
    fig = plot_control_map(runs)
    ax = fig.axes[0]
    # a town's label is its name and the state's share; a region's is its name alone
    labels = {t.get_text().split("\n")[0]: t.get_text() for t in ax.texts if "\n" in t.get_text()}
    for town in ("Bamako", "Kidal", "Gao", "Timbuktu", "Menaka", "Mopti"):
        assert town in labels
    share = (runs["holder_kidal"] == "state").mean()
    assert labels["Kidal"].endswith(f"state {share:.0%}")
    assert {"Kayes", "Kidal", "Sikasso"} <= {t.get_text() for t in ax.texts}  # region names
    wedge_colours = {
        matplotlib.colors.to_hex(w.get_facecolor()) for w in ax.patches if isinstance(w, Wedge)
    }
    assert ACTOR_COLOURS["state"].lower() in wedge_colours
    assert legend_texts(ax) == ["state (FAMa)", "separatists", "jihadists", "contested"]
    assert ax.get_xlabel() == "longitude (degrees east)"


def test_the_violence_map_counts_every_violent_event(run_folder):
    results = load_results(run_folder)
    fig = plot_violence_map(results.events, len(results.runs))
    events_ax = fig.axes[0]
    hexbin = [c for c in events_ax.collections if c.get_array() is not None][0]
    # Abandoning a town, and a patron's adaptation or reorganisation, are decisions, not
    # violence (this fixture's runs had no adaptation until model 0.27.0's stream; one now has).
    decisions = ["town_abandoned", "adaptation", "reorganisation"]
    violent = results.events[~results.events["event_type"].isin(decisions)]
    assert hexbin.get_array().sum() == pytest.approx(len(violent) / len(results.runs))
    assert "Kidal" in {t.get_text() for t in events_ax.texts}


def test_no_town_or_region_name_hides_another_or_a_pie(run_folder):
    from sim.analysis.labels import overlapping

    fig = plot_control_map(load_results(run_folder).runs)
    ax = fig.axes[0]
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    names = [t for t in ax.texts if t.get_visible()]
    assert overlapping(names) == []
    pies = [w.get_window_extent(renderer) for w in ax.patches if isinstance(w, Wedge)]
    for text in names:
        box = text.get_window_extent(renderer)
        assert not any(box.overlaps(pie) for pie in pies), f"{text.get_text()!r} covers a pie"
    # Bamako's pie and name are there (Koulikoro's region name, once under it, moved or left out)
    assert any(t.get_text().startswith("Bamako\n") for t in names)


def test_the_violence_map_names_towns_without_overlaps_and_shows_its_faintest_cells(run_folder):
    from matplotlib.colors import to_rgb

    from sim.analysis.labels import overlapping
    from sim.analysis.maps import VIOLENCE_COLOURMAP

    results = load_results(run_folder)
    fig = plot_violence_map(results.events, len(results.runs))
    fig.draw_without_rendering()
    for ax in fig.axes[:2]:
        assert overlapping(list(ax.texts)) == []
        assert "Bamako" in {t.get_text() for t in ax.texts}  # the capital is never dropped
    # the faintest cell (one event in many runs) is a visible tint, not the white ground
    assert min(to_rgb(VIOLENCE_COLOURMAP(0.0))) < 0.75


def test_the_time_series_mark_the_scenarios_turns_with_labels_that_do_not_collide(run_folder):
    from matplotlib.dates import date2num

    from sim.analysis.labels import overlapping
    from sim.analysis.timeline import folder_milestones

    results = load_results(run_folder)
    marks = folder_milestones(run_folder)  # from the folder's scenario.toml
    assert {m.text for m in marks} == {"offensive: Kidal", "UN (MINUSMA) leaves"}
    fig = plot_timeseries(results.timeseries, results.runs, milestones=marks)
    for ax in fig.axes[:3]:
        verticals = {
            line.get_xdata()[0] for line in ax.get_lines() if len(set(line.get_xdata())) == 1
        }
        assert {date2num(m.date) for m in marks} <= {date2num(x) for x in verticals}
        assert {t.get_text() for t in ax.texts} <= {m.text for m in marks}
        assert overlapping(list(ax.texts)) == []
    assert {t.get_text() for t in fig.axes[2].texts} == {m.text for m in marks}


def test_a_long_arc_is_marked_with_its_coups_arrivals_departures_and_offensives():
    from sim.analysis.timeline import milestones
    from sim.scenario import load_scenario

    marks = milestones(load_scenario(ROOT / "scenarios" / "history_2012_2025.toml"))
    texts = [m.text for m in marks]
    assert [str(m.date) for m in marks if m.kind == "coup"] == [
        "2012-03-22",
        "2020-08-18",
        "2021-05-24",
    ]
    for turn in ("France arrives", "France leaves", "Wagner arrives", "offensive: Kidal"):
        assert turn in texts, turn
    assert [m.date for m in marks] == sorted(m.date for m in marks)


def test_groups_of_a_string_parameter_get_a_categorical_palette_and_numbers_an_ordered_one(
    run_folder,
):
    from matplotlib.colors import to_hex

    from sim.analysis.style import CATEGORY_COLOURS, level_colours

    runs = load_results(run_folder).runs.copy()
    runs["relations.separatists_jihadists"] = ["allied", "hostile", "truce"] * (len(runs) // 3)
    runs["factions.state.morale"] = [0.4, 0.5, 0.6] * (len(runs) // 3)

    def violin_colours(by):
        fig = plot_distribution(runs, "deaths_civilians", by=by)
        bodies = [c for c in fig.axes[1].collections if isinstance(c, PolyCollection)]
        return [to_hex(b.get_facecolor()[0], keep_alpha=False) for b in bodies]

    assert violin_colours("relations.separatists_jihadists") == [
        to_hex(c).lower() for c in CATEGORY_COLOURS[:3]
    ]
    assert violin_colours("factions.state.morale") == [to_hex(c) for c in level_colours(3)]


def test_no_legend_covers_a_bar(sweep_folder):
    results = load_results(sweep_folder)
    for fig in (
        plot_distribution(results.runs, "patron_withdraws", by=RISK),
        plot_distribution(results.runs, "deaths_civilians", by=RISK),
    ):
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        legends = [ax.get_legend() for ax in fig.axes] + fig.legends
        for legend in filter(None, legends):
            box = legend.get_window_extent(renderer)
            for bar in (p for ax in fig.axes for p in ax.patches):
                assert not box.overlaps(bar.get_window_extent(renderer)), fig.get_suptitle()


def test_each_run_is_one_point_in_each_lens_plane(run_folder):
    runs = load_results(run_folder).runs
    fig = plot_lenses(runs)
    first = fig.axes[0]
    points = np.vstack([c.get_offsets() for c in first.collections])
    assert len(points) == len(runs)
    expected = runs[["lens_western", "lens_bamako"]].to_numpy()
    order = lambda a: a[np.lexsort(a.T[::-1])]  # noqa: E731 - rows sorted, to compare sets
    np.testing.assert_allclose(order(points), order(expected))
    assert first.get_xlabel().startswith("Western lens") and first.get_ylabel().startswith(
        "Bamako lens"
    )
    split = ((runs["lens_western"] > 0.5) != (runs["lens_bamako"] > 0.5)).mean()
    assert f"by one only {split:.0%}" in first.get_title()


def test_malisim_plot_writes_every_kind_for_a_sweep(sweep_folder, tmp_path):
    done = malisim("plot", sweep_folder, "--out", tmp_path / "fig")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "fig").glob("*.png"))
    assert "heatmap_patron_withdraws.png" in names and "map_control.png" in names
    assert {"timeseries.png", "lenses.png", "map_violence.png"} <= set(names)
    assert str(tmp_path / "fig") in done.stdout


def test_malisim_plot_defaults_to_the_figures_folder_of_a_run(run_folder):
    done = malisim("plot", run_folder, "--kind", "dist,lenses", "--outcome", "lens_patron")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (run_folder / "figures").glob("*.png")) == [
        "dist_lens_patron.png",
        "lenses.png",
    ]
    assert "note: no heatmap" not in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "pie"], "--kind: unknown kind 'pie'"),
        (["--outcome", "happiness"], "--outcome: unknown outcome 'happiness'"),
        (["--by", "foreign.nobody.commitment"], "--by: 'foreign.nobody.commitment'"),
    ],
)
def test_malisim_plot_refuses_bad_options_with_status_2(run_folder, args, message, tmp_path):
    done = malisim("plot", run_folder, *args, "--out", tmp_path / "f")
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "f").exists()


def test_malisim_plot_on_a_missing_folder_is_an_input_error(tmp_path):
    done = malisim("plot", tmp_path / "nothing")
    assert done.returncode == 2 and "no such results folder" in done.stderr


def test_malisim_discover_states_the_base_rate_and_the_boxes(sweep_folder):
    done = malisim("discover", sweep_folder, "--outcome", "state_holds_kidal")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    runs = load_results(sweep_folder).runs
    held = int((runs["holder_kidal"] == "state").sum())
    assert lines[0] == (
        f"over all 12 runs: the state holds Kidal at the end in {held / 12:.0%} of runs "
        f"({held} of 12)"
    )


def test_malisim_discover_with_prim_states_the_base_rate_then_its_boxes(sweep_folder):
    done = malisim("discover", sweep_folder, "--outcome", "state_holds_kidal", "--method", "prim")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("over all 12 runs: the state holds Kidal at the end in ")
    assert len(lines) >= 2 and all("of the box's runs" in line for line in lines[1:])
