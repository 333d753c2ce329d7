"""malisim show and malisim outcomes: what a scenario holds and what its runs measure."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from processes import malisim as run_malisim

from sim import load_scenario, run_ensemble
from sim.scenario import flatten_parameters

ROOT = Path(__file__).resolve().parent.parent
ARC = ROOT / "scenarios" / "history_2012_2025.toml"


def malisim(*args) -> subprocess.CompletedProcess:
    return run_malisim(*args, env={**os.environ, "COLUMNS": "250"})


@pytest.fixture(scope="module")
def shown() -> str:
    done = malisim("show", ARC)
    assert done.returncode == 0, done.stderr
    return done.stdout


def rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines() if "│" in line]


def test_show_lists_each_foreign_force_with_its_doctrine_and_dates(shown):
    scenario = load_scenario(ARC)
    forces = {row[0]: row for row in rows(shown) if row and row[0] in scenario.foreign}
    assert set(forces) == set(scenario.foreign)
    for fid, force in scenario.foreign.items():
        _, kind, men, commitment, risk, arrive, depart = forces[fid]
        assert (kind, men) == (force.kind, str(force.strength))
        assert float(commitment) == force.commitment
        assert float(risk) == force.risk_tolerance
        if force.depart:
            assert depart == str(force.depart)


def test_show_lists_every_dated_event_with_its_date_type_actor_and_target(shown):
    scenario = load_scenario(ARC)
    listed = [row[:4] for row in rows(shown) if len(row) == 5 and row[0][:2] in ("19", "20")]
    expected = [
        [str(e.date), e.type, e.actor or "", e.target or ""]
        for e in sorted(scenario.events, key=lambda e: e.date)
    ]
    assert listed == expected


def test_show_names_every_parameter_that_set_takes(shown):
    scenario = load_scenario(ARC)
    for name in flatten_parameters(scenario):
        parts = name.split(".")
        if len(parts) > 3 and parts[2] in ("deploy", "bands", "recruits_from", "terrain_defence"):
            name = ".".join(parts[:3]) + ".<key>"
        elif parts[0] in ("combat", "politics") and len(parts) > 2:  # a table of values
            name = ".".join(parts[:2]) + ".<key>"
        assert name in shown, name


def test_a_name_show_prints_is_one_set_accepts(shown):
    names = [line.split()[0] for line in shown.splitlines() if line.startswith(" foreign.")]
    assert "foreign.france.risk_tolerance" in names
    load_scenario(ARC, [f"{n}=0.5" for n in names if n.endswith(("commitment", "risk_tolerance"))])


def test_show_of_a_broken_file_is_an_input_error_in_one_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[scenario]\nname = "x"\n')
    done = malisim("show", path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {path}")
    assert done.stdout == ""


def test_outcomes_of_a_scenario_name_every_column_its_runs_hold(tmp_path):
    from small_scenario import SMALL_TOML

    path = tmp_path / "small.toml"
    path.write_text(SMALL_TOML)
    runs = run_ensemble(load_scenario(path), runs=1, seed=1).runs
    for command in (["outcomes", path], ["show", path, "--outcomes"]):
        done = malisim(*command)
        assert done.returncode == 0, done.stderr
        names = {line.split()[0] for line in done.stdout.splitlines()[2:] if line.strip()}
        columns = {c for c in runs.columns if "." not in c} - {"run_id", "seed", "scenario"}
        assert columns <= names
        assert {"patron_withdraws", "state_holds_kidal"} <= names


def test_outcomes_without_a_scenario_lists_the_patterns_with_units():
    done = malisim("outcomes")
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert "men" in listed["deaths_foreign_<id>"]
    assert "share 0-1" in listed["pop_share_<class>"]
    assert "end only" in listed["lens_bamako"]


def test_a_misspelled_set_name_gets_the_closest_names(tmp_path):
    done = malisim(
        "run", ARC, "--set", "foreign.wagner.risk_tolerence=0.2", "--out", tmp_path / "never"
    )
    assert done.returncode == 2
    assert "did you mean foreign.wagner.risk_tolerance" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "never").exists()
