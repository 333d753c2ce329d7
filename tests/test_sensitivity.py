"""Sensitivity analysis recovers known indices on test functions, then runs on the model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.test_functions import Ishigami

from sim.analysis.sensitivity import Problem, indices_of_function, plot_indices

pytestmark = pytest.mark.xdist_group("analysis")

ROOT = Path(__file__).resolve().parent.parent

# Ishigami function, a = 7, b = 0.1 (Ishigami and Homma 1990): closed-form variances.
A, B = 7.0, 0.1
_V1 = 0.5 * (1 + B * np.pi**4 / 5) ** 2
_V2 = A**2 / 8
_V13 = B**2 * np.pi**8 * (1 / 18 - 1 / 50)
_V = _V1 + _V2 + _V13
ISHIGAMI_S1 = np.array([_V1 / _V, _V2 / _V, 0.0])
ISHIGAMI_ST = np.array([(_V1 + _V13) / _V, _V2 / _V, _V13 / _V])
ISHIGAMI = Problem(["x1", "x2", "x3"], [(-np.pi, np.pi)] * 3, [False] * 3)


def test_sobol_recovers_the_ishigami_indices():
    table = indices_of_function(ISHIGAMI, Ishigami.evaluate, "sobol", samples=2048, seed=7)
    np.testing.assert_allclose(table["S1"], ISHIGAMI_S1, atol=0.04)
    np.testing.assert_allclose(table["ST"], ISHIGAMI_ST, atol=0.04)
    # the intervals are honest: each covers the true value
    assert (abs(table["S1"] - ISHIGAMI_S1) <= table["S1_conf"] + 1e-9).all()
    assert (abs(table["ST"] - ISHIGAMI_ST) <= table["ST_conf"] + 1e-9).all()


def test_x3_acts_only_through_its_interaction_with_x1():
    table = indices_of_function(ISHIGAMI, Ishigami.evaluate, "sobol", samples=2048, seed=3)
    x3 = table.set_index("parameter").loc["x3"]
    assert abs(x3["S1"]) < 0.05 and x3["ST"] > 0.2


def test_morris_gives_the_slope_times_the_range_of_a_linear_function():
    problem = Problem(["a", "b", "c"], [(0, 1), (0, 2), (5, 6)], [False] * 3)
    table = indices_of_function(
        problem, lambda x: 3 * x[:, 0] - 1 * x[:, 1] + 0 * x[:, 2], "morris", samples=10
    )
    np.testing.assert_allclose(table["mu_star"], [3.0, 2.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(table["sigma"], [0.0, 0.0, 0.0], atol=1e-9)


def test_morris_ranks_the_ishigami_inputs_as_sobol_does():
    table = indices_of_function(ISHIGAMI, Ishigami.evaluate, "morris", samples=200, seed=2)
    mu = table.set_index("parameter")["mu_star"]
    assert mu["x1"] > mu["x3"] > 0 and mu["x2"] > mu["x3"]


def test_the_bar_chart_has_a_panel_per_outcome_and_a_bar_per_parameter():
    rows = []
    for outcome in ("deaths_civilians", "patron_withdraws"):
        table = indices_of_function(ISHIGAMI, Ishigami.evaluate, "sobol", samples=256)
        table.insert(0, "outcome", outcome)
        rows.append(table)
    fig = plot_indices(pd.concat(rows), "sobol")
    assert [ax.get_title() for ax in fig.axes] == [
        "civilians killed (people)",
        "a foreign patron withdraws",
    ]
    first = fig.axes[0]
    assert len(first.patches) == 6  # S1 and ST for three parameters
    assert [t.get_text() for t in first.get_legend().get_texts()] == ["first-order S1", "total ST"]


@pytest.fixture
def sweep_file(tmp_path) -> Path:
    text = (ROOT / "scenarios" / "kidal_2023.toml").read_text()
    text = text.replace("resolution = 0.25", "resolution = 1.0")
    (tmp_path / "base.toml").write_text(text.replace("end = 2024-03-31", "end = 2023-12-15"))
    path = tmp_path / "sens.toml"
    path.write_text(
        '[sweep]\nname = "sens_test"\nbase = "base.toml"\ndesign = "lhs"\nsamples = 4\n'
        "replicates = 1\nseed = 9\n\n[parameters]\n"
        '"foreign.wagner.commitment" = { min = 0.1, max = 0.9 }\n'
        '"foreign.wagner.risk_tolerance" = [0.1, 0.5, 0.9]\n'
        '"factions.separatists.unit_size" = { min = 100, max = 200 }\n'
    )
    return path


def test_malisim_sensitivity_runs_morris_on_the_model(sweep_file, tmp_path):
    out = tmp_path / "sens"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "sensitivity",
            str(sweep_file),
            "--method",
            "morris",
            "--samples",
            "3",
            "--outcome",
            "deaths_civilians",
            "--outcome",
            "lens_bamako",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "12 design points x 1 replicates = 12 runs" in done.stdout
    table = pd.read_csv(out / "morris_indices.csv")
    assert set(table["outcome"]) == {"deaths_civilians", "lens_bamako"}
    assert list(table["parameter"][:3]) == [
        "foreign.wagner.commitment",
        "foreign.wagner.risk_tolerance",
        "factions.separatists.unit_size",
    ]
    assert (table["mu_star"] >= 0).all() and table["mu_star"].notna().all()
    design = pd.read_parquet(out / "morris_design.parquet")
    assert len(design) == 12
    assert (
        design["factions.separatists.unit_size"]
        .eq(design["factions.separatists.unit_size"].round())
        .all()
    )  # an integer parameter is run at whole values
    assert design["deaths_civilians"].nunique() > 1  # the model's outcome moved with the inputs
    assert (out / "morris_indices.png").stat().st_size > 10_000


def test_malisim_sensitivity_refuses_an_unknown_method(sweep_file):
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "sensitivity", str(sweep_file), "--method", "fast"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert "--method: expected one of sobol, morris, got 'fast'" in done.stderr


def test_malisim_sensitivity_runs_sobol_on_the_model(sweep_file, tmp_path):
    out = tmp_path / "sobol"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "sensitivity",
            str(sweep_file),
            "--method",
            "sobol",
            "--samples",
            "2",
            "--outcome",
            "deaths_civilians",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "10 design points x 1 replicates = 10 runs" in done.stdout
    table = pd.read_csv(out / "sobol_indices.csv")
    assert list(table.columns) == ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(table) == 3 and table[["S1", "ST"]].notna().all().all()
