"""Sensitivity analysis recovers known indices on test functions, then runs on the model."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from processes import dying_malisim
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
    legend = fig.legends[0]  # one for the figure, above the panels
    assert [t.get_text() for t in legend.get_texts()] == ["first-order S1", "total ST"]
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    bars = [p.get_window_extent(renderer) for ax in fig.axes for p in ax.patches]
    assert not any(legend.get_window_extent(renderer).overlaps(b) for b in bars)


SENS_SWEEP = (
    '[sweep]\nname = "sens_test"\nbase = "base.toml"\ndesign = "lhs"\nsamples = 4\n'
    "replicates = 1\nseed = 9\n\n[parameters]\n"
    '"foreign.wagner.commitment" = { min = 0.1, max = 0.9 }\n'
    '"foreign.wagner.risk_tolerance" = [0.1, 0.5, 0.9]\n'
    '"factions.separatists.unit_size" = { min = 100, max = 200 }\n'
)


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sensitivity")
    text = (ROOT / "scenarios" / "kidal_2023.toml").read_text()
    text = text.replace("resolution = 0.25", "resolution = 1.0")
    (folder / "base.toml").write_text(text.replace("end = 2024-03-31", "end = 2023-12-15"))
    path = folder / "sens.toml"
    path.write_text(SENS_SWEEP)
    return path


def sensitivity_cmd(sweep_file: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "sim.cli", "sensitivity", str(sweep_file), *options]


MORRIS = ("--method", "morris", "--samples", "3", "--outcome", "deaths_civilians")
MORRIS += ("--outcome", "lens_bamako")


@pytest.fixture(scope="module")
def morris(sweep_file, tmp_path_factory):
    """A Morris analysis of the tiny sweep, run once, uninterrupted: (folder, its output)."""
    out = tmp_path_factory.mktemp("morris") / "sens"
    done = subprocess.run(
        sensitivity_cmd(sweep_file, *MORRIS, "--out", str(out)),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def test_malisim_sensitivity_runs_morris_on_the_model(morris):
    out, stdout = morris
    assert "12 design points x 1 replicate = 12 runs" in stdout
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


def test_a_sensitivity_analysis_is_a_sweep_whose_runs_are_in_its_folder(morris):
    from sim.sweep import read_sweep

    out, _ = morris
    record = json.loads((out / "sweep.json").read_text())
    assert record["name"] == "sens_test_morris_n3" and record["design"] == "morris"
    runs = read_sweep(out).runs
    assert len(runs) == 12 and sorted(runs["point"]) == list(range(12))
    # each point's outcome in the design table is its runs' mean (one replicate: the run's)
    design = pd.read_parquet(out / "morris_design.parquet").set_index("point")
    by_point = runs.set_index("point")["deaths_civilians"].sort_index()
    assert np.allclose(design["deaths_civilians"], by_point)


def test_a_killed_sensitivity_analysis_resumes_to_the_same_indices(sweep_file, morris, tmp_path):
    out = tmp_path / "killed"
    options = (*MORRIS, "--out", str(out))
    proc = subprocess.Popen(
        dying_malisim("after", 2, "sensitivity", sweep_file, *options),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=ROOT,
    )
    try:
        assert proc.wait(timeout=300) == -signal.SIGKILL, "the analysis ended before its kill"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert len(list((out / "runs.parquet").glob("part-*.parquet"))) == 2
    landed = len(pd.read_parquet(out / "runs.parquet"))
    assert not (out / "morris_indices.csv").exists()
    done = subprocess.run(
        sensitivity_cmd(sweep_file, *MORRIS, "--out", str(out)),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert f"({landed} already done in {out}/)" in " ".join(done.stdout.split())
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "morris_indices.csv"), pd.read_csv(morris[0] / "morris_indices.csv")
    )


def test_a_sensitivity_analysis_does_not_block_a_later_sweep_of_the_same_file(sweep_file, tmp_path):
    # both in their default folders under results/, side by side
    for command in (
        sensitivity_cmd(sweep_file, *MORRIS[:4], "--outcome", "deaths_civilians"),
        [sys.executable, "-m", "sim.cli", "sweep", str(sweep_file)],
    ):
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=600)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "results" / "sens_test_morris_n3" / "morris_indices.csv").exists()
    assert len(pd.read_parquet(tmp_path / "results" / "sens_test" / "runs.parquet")) == 4


def test_a_large_analysis_asks_first_on_a_terminal_and_runs_nothing_if_refused(
    sweep_file, tmp_path
):
    # Sobol' with 64 base samples and 3 parameters: 64 x 5 = 320 runs, more than a few hundred
    out = tmp_path / "large"
    command = sensitivity_cmd(sweep_file, "--samples", "64", "--out", str(out))
    main, terminal = os.openpty()  # the command on a terminal: a pseudo-terminal's other end
    proc = subprocess.Popen(
        command, stdin=terminal, stdout=terminal, stderr=terminal, cwd=ROOT, start_new_session=True
    )
    os.close(terminal)
    said = b""
    deadline = time.monotonic() + 300
    while b"Run 320 runs?" not in said:
        assert time.monotonic() < deadline and proc.poll() is None, said.decode(errors="replace")
        said += os.read(main, 1024)
    os.write(main, b"n\n")
    while True:
        try:
            chunk = os.read(main, 1024)
        except OSError:  # the terminal closed: the command has ended
            break
        if not chunk:
            break
        said += chunk
    os.close(main)
    status = proc.wait(timeout=60)
    text = " ".join(said.decode(errors="replace").split())
    assert status == 0, text
    assert "320 design points x 1 replicate = 320 runs" in text
    assert "nothing run" in text
    assert not out.exists(), "a refused analysis writes nothing"


def test_only_a_large_analysis_on_a_terminal_without_yes_asks():
    from sim.cli.sensitivity import CONFIRM_ABOVE, needs_confirmation

    assert needs_confirmation(CONFIRM_ABOVE + 1, terminal=True, yes=False)
    assert not needs_confirmation(CONFIRM_ABOVE + 1, terminal=True, yes=True)
    assert not needs_confirmation(CONFIRM_ABOVE + 1, terminal=False, yes=False)  # a pipe, a job
    assert not needs_confirmation(CONFIRM_ABOVE, terminal=True, yes=False)


def test_the_samples_help_says_how_many_runs_each_method_makes():
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "sensitivity", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200"},
    )
    text = " ".join(done.stdout.replace("│", " ").split())
    assert "N x (parameters + 2) points" in text and "N x (parameters + 1) points" in text


def test_sobol_indices_from_few_samples_carry_a_warning_and_from_many_do_not():
    from sim.analysis.sensitivity import SensitivityResult, sobol_warning

    def result(samples: int) -> SensitivityResult:
        table = indices_of_function(ISHIGAMI, Ishigami.evaluate, "sobol", samples, seed=7)
        table.insert(0, "outcome", "y")
        return SensitivityResult("sobol", ISHIGAMI, pd.DataFrame(), pd.DataFrame(), table, samples)

    assert "not yet meaningful" in sobol_warning(result(8))
    assert sobol_warning(result(4096)) is None


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


def test_malisim_sensitivity_runs_sobol_on_the_model_and_warns_of_its_few_samples(
    sweep_file, tmp_path
):
    out = tmp_path / "sobol"
    done = subprocess.run(
        sensitivity_cmd(
            sweep_file, "--samples", "2", "--outcome", "deaths_civilians", "--out", str(out)
        ),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "10 design points x 1 replicate = 10 runs" in said
    assert "warning: the Sobol' indices are not yet meaningful" in said
    table = pd.read_csv(out / "sobol_indices.csv")
    assert list(table.columns) == ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(table) == 3 and table[["S1", "ST"]].notna().all().all()
