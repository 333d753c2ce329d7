"""Scenario discovery finds the box of parameter space where an event happens, by CART or PRIM."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from processes import malisim

from sim.analysis.discovery import discover

ROOT = Path(__file__).resolve().parent.parent
PARAMETERS = ["p.x", "p.y", "p.z"]


def box_runs(n: int = 500, seed: int = 1) -> tuple[pd.DataFrame, pd.Series]:
    """Runs over three parameters; the event happens exactly when x > 0.6 and y < 0.3."""
    rng = np.random.default_rng(seed)
    runs = pd.DataFrame({name: rng.uniform(0, 1, n) for name in PARAMETERS})
    event = ((runs["p.x"] > 0.6) & (runs["p.y"] < 0.3)).astype(float)
    return runs, event


def ranges(box, runs: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Each parameter's range inside a box (the runs' own range where it is unrestricted)."""
    out = {p: (runs[p].min(), runs[p].max()) for p in PARAMETERS}
    for p, op, v in box.simplified():
        low, high = out[p]
        out[p] = (v, high) if op in (">", ">=") else (low, v)
    return out


@pytest.mark.parametrize("method", ["cart", "prim"])
def test_both_methods_find_the_box_in_which_the_event_happens(method):
    runs, event = box_runs()
    boxes = discover(runs, event, PARAMETERS, method=method)
    top = boxes[0]
    found = ranges(top, runs)
    assert found["p.x"] == pytest.approx((0.6, 1.0), abs=0.05)
    assert found["p.y"] == pytest.approx((0.0, 0.3), abs=0.05)
    assert found["p.z"] == pytest.approx((0.0, 1.0), abs=0.05)  # noise is not a condition
    assert top.density > 0.9 and top.coverage > 0.9
    assert top.n == int(top.contains(runs).sum())  # the sentence's count is the box's runs


def test_a_box_is_stated_with_its_density_and_coverage_in_words():
    runs, event = box_runs()
    top = discover(runs, event, PARAMETERS, method="cart")[0]
    sentence = top.describe("the patron leaves")
    pattern = (
        r"p\.y <= (0\.\d+) and p\.x > (0\.\d+): the patron leaves in 100% of the box's runs "
        r"\((\d+) of \3\); the box holds 100% of all \3 runs in which it happens"
    )
    match = re.fullmatch(pattern, sentence)
    assert match, sentence
    assert float(match[1]) == pytest.approx(0.3, abs=0.02)
    assert float(match[2]) == pytest.approx(0.6, abs=0.02)


def test_the_tree_recovers_a_rule_planted_in_noisy_runs():
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "p.risk": rng.uniform(0, 1, n),
            "p.commit": rng.uniform(0, 1, n),
            "p.noise": rng.uniform(0, 1, n),
        }
    )
    inside = (frame["p.risk"] > 0.7) & (frame["p.commit"] < 0.4)
    outcome = pd.Series((rng.uniform(size=n) < np.where(inside, 0.85, 0.05)).astype(float))
    top = discover(frame, outcome, list(frame.columns), depth=2)[0]
    bounds = {(p, op): v for p, op, v in top.simplified()}
    assert set(bounds) == {("p.risk", ">"), ("p.commit", "<=")}
    assert bounds[("p.risk", ">")] == pytest.approx(0.7, abs=0.05)
    assert bounds[("p.commit", "<=")] == pytest.approx(0.4, abs=0.05)
    assert top.density > 0.75
    assert "p.risk > 0.7" in top.describe("the patron leaves")


def test_an_event_that_never_happens_gives_one_box_of_all_runs():
    runs, event = box_runs()
    for method in ("cart", "prim"):
        (box,) = discover(runs, event * 0, PARAMETERS, method=method)
        assert box.conditions == [] and box.n == len(runs) and box.hits == 0


def test_an_unknown_method_is_refused():
    runs, event = box_runs()
    with pytest.raises(ValueError, match="method: expected one of cart, prim, got 'forest'"):
        discover(runs, event, PARAMETERS, method="forest")


@pytest.fixture
def synthetic_folder(tmp_path) -> Path:
    """A results folder of 500 runs over two parameters with the planted box as an event."""
    runs, event = box_runs()
    runs = runs.rename(columns={"p.x": "foreign.wagner.commitment", "p.y": "politics.x"})
    runs["run_id"] = range(len(runs))
    runs["withdrew_foreign_wagner"] = event.astype(bool)
    runs.to_parquet(tmp_path / "runs.parquet")
    for name in ("events", "timeseries"):
        pd.DataFrame({"run_id": pd.Series(dtype=int)}).to_parquet(tmp_path / f"{name}.parquet")
    return tmp_path


def test_malisim_discover_with_prim_prints_the_planted_box(synthetic_folder):
    done = malisim(
        "discover", synthetic_folder, "--outcome", "patron_withdraws", "--method", "prim"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("over all 500 runs: a foreign patron withdraws in ")
    match = re.match(r"foreign\.wagner\.commitment >= (\S+) and politics\.x <= (\S+): ", lines[1])
    assert match, lines[1]
    assert float(match[1]) == pytest.approx(0.6, abs=0.05)
    assert float(match[2]) == pytest.approx(0.3, abs=0.05)
    assert "of the box's runs" in lines[1]
    assert "runs in which it happens" in lines[1]


def test_malisim_discover_with_an_unknown_method_is_an_input_error(synthetic_folder):
    done = malisim("discover", synthetic_folder, "--method", "forest")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --method: expected one of cart, prim, got 'forest'"
    ]
    assert done.stdout == ""


def discover_planted(folder: Path, column: str, inside, outside, outcome: str) -> list[str]:
    """Add a column that takes one value in the planted box and another outside; discover."""
    runs = pd.read_parquet(folder / "runs.parquet")
    runs[column] = np.where(runs["withdrew_foreign_wagner"], inside, outside)
    runs.to_parquet(folder / "runs.parquet")
    done = malisim("discover", folder, "--outcome", outcome)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()


def test_who_holds_a_town_can_be_discovered_as_an_event(synthetic_folder):
    lines = discover_planted(
        synthetic_folder, "holder_kidal", "jihadists", "state", "holder_kidal=jihadists"
    )
    assert lines[0].startswith("over all 500 runs: jihadists hold Kidal in ")
    assert "100% of the box's runs" in lines[1]


def test_a_judge_satisfied_is_a_score_against_a_bound_read_as_an_event(synthetic_folder):
    # Bamako is pleased (above one half) exactly in the planted box.
    lines = discover_planted(synthetic_folder, "lens_bamako", 0.8, 0.3, "lens_bamako>0.5")
    assert lines[0].startswith("over all 500 runs: lens_bamako > 0.5 in ")
    assert "100% of the box's runs" in lines[1]
    flipped = malisim("discover", synthetic_folder, "--outcome", "lens_bamako<=0.5")
    assert flipped.returncode == 0, flipped.stderr
    share = lambda text: int(re.search(r"in (\d+)% of runs", text)[1])  # noqa: E731
    assert share(lines[0]) + share(flipped.stdout) == 100
    unknown = malisim("discover", synthetic_folder, "--outcome", "lens_bamak>0.5")
    assert unknown.returncode == 2
    assert "lens_bamako" in unknown.stderr and len(unknown.stderr.strip().splitlines()) == 1


def test_an_unknown_holder_gets_the_closest_one_in_one_line(synthetic_folder):
    runs = pd.read_parquet(synthetic_folder / "runs.parquet")
    runs["holder_kidal"] = "state"
    runs.to_parquet(synthetic_folder / "runs.parquet")
    done = malisim("discover", synthetic_folder, "--outcome", "holder_kidal=jihadist")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --outcome: outcome 'holder_kidal=jihadist': holder_kidal holds one of state, "
        "separatists, jihadists, contested; did you mean jihadists?"
    ]


def test_the_prim_example_in_the_docs_is_what_prim_prints_on_these_runs():
    from sim.analysis.discovery import discovery_report

    runs, event = box_runs()
    runs["withdrew_foreign_wagner"] = event.astype(bool)
    _, lines = discovery_report(runs, "patron_withdraws", PARAMETERS, method="prim")
    doc = (ROOT / "docs" / "ANALYSIS.md").read_text().splitlines()
    for line in lines:
        assert "    " + line in doc, f"docs/ANALYSIS.md's PRIM example lacks {line!r}"
