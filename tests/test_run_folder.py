"""malisim run never loses or mixes a result, and its summary says what happened honestly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from small_scenario import SMALL_TOML

ROOT = Path(__file__).resolve().parent.parent


def malisim(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL_TOML)
    return path


@pytest.fixture
def other(tmp_path) -> Path:
    """The same scenario under another name, as a copy a user renamed (or forgot to)."""
    path = tmp_path / "other.toml"
    path.write_text(SMALL_TOML.replace('name = "small"', 'name = "other"'))
    return path


def test_a_run_into_another_scenario_s_folder_is_refused_and_writes_nothing(small, other, tmp_path):
    out = tmp_path / "res"
    assert malisim("run", small, "--runs", 1, "--out", out).returncode == 0
    before = snapshot(out)
    done = malisim("run", other, "--runs", 1, "--out", out)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: {out}: --out: holds the results of scenario 'small', not 'other'; choose "
        "another --out, or --force to replace them"
    )
    assert snapshot(out) == before


def test_force_replaces_another_scenario_s_results(small, other, tmp_path):
    out = tmp_path / "res"
    assert malisim("run", small, "--runs", 1, "--out", out).returncode == 0
    done = malisim("run", other, "--runs", 1, "--out", out, "--force")
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "manifest.json").read_text())["scenario"] == "other"


def test_a_folder_of_another_model_version_is_refused(small, tmp_path):
    out = tmp_path / "res"
    assert malisim("run", small, "--runs", 1, "--out", out).returncode == 0
    record = json.loads((out / "manifest.json").read_text())
    record["model_version"] = "0.0.1"
    (out / "manifest.json").write_text(json.dumps(record))
    before = snapshot(out)
    done = malisim("run", small, "--runs", 1, "--out", out)
    assert done.returncode == 2
    assert "holds results of model version 0.0.1" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert snapshot(out) == before


def test_a_sweep_s_folder_is_refused(small, tmp_path):
    out = tmp_path / "sweep"
    out.mkdir()
    (out / "sweep.json").write_text("{}")
    done = malisim("run", small, "--runs", 1, "--out", out)
    assert done.returncode == 2
    assert "holds a sweep's results" in done.stderr


def test_a_rerun_removes_figures_and_report_drawn_from_the_old_tables(small, tmp_path):
    out = tmp_path / "res"
    assert malisim("run", small, "--runs", 1, "--out", out).returncode == 0
    (out / "figures").mkdir()
    (out / "figures" / "dist_deaths_civilians.png").write_bytes(b"old")
    (out / "report.html").write_text("old")
    assert malisim("run", small, "--runs", 2, "--out", out).returncode == 0
    assert not (out / "figures").exists()
    assert not (out / "report.html").exists()


def test_the_summary_says_a_force_left_on_schedule_not_that_it_stayed(tmp_path):
    path = tmp_path / "leaves.toml"
    path.write_text(
        SMALL_TOML.replace(
            'bases = ["gao", "sevare"]', 'bases = ["gao", "sevare"]\ndepart = 2023-10-15'
        )
    )
    done = malisim("run", path, "--runs", 3, "--out", tmp_path / "res")
    assert done.returncode == 0, done.stderr
    lines = {line.split("│")[1].strip(): line for line in done.stdout.splitlines() if "│" in line}
    assert "100% of runs" in lines["Wagner left on schedule (2023-10-15)"]
    assert "0% of runs" in lines["Wagner stayed"]
    assert "0% of runs" in lines["Wagner left by decision"]


def test_the_summary_gives_each_median_its_interval_and_says_what_a_lens_measures(small, tmp_path):
    done = malisim("run", small, "--runs", 5, "--out", tmp_path / "res")
    assert "median (95% interval)" in done.stdout
    assert "Western lens: jihadists contained, few civilians harmed" in done.stdout
    row = next(line for line in done.stdout.splitlines() if "civilians killed" in line)
    median, interval = row.split("│")[2].split("(")
    low, high = (float(v) for v in interval.rstrip(") ").split("-"))
    assert low <= float(median) <= high


def test_counts_agree_with_their_nouns(small, tmp_path):
    done = malisim("run", small, "--runs", 1, "--out", tmp_path / "res")
    assert "1 run:" in done.stdout
    assert "1 run in" in done.stdout
    assert "(1 row)" in done.stdout
