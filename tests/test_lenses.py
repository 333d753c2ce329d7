"""The lenses judge as their file says, re-score stored results, and show where judges disagree.

A lens is the weighted mean of its terms' satisfactions (``sim.lenses``); the model's runs table
is scored with ``lenses/default.toml`` and ``malisim lenses`` re-scores any results folder with
any lens file. The disagreement finder is checked on tables built by hand, the command and the
figure on a tiny real sweep of the mechanisms scenario.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from small_scenario import SMALL_TOML
from typer.testing import CliRunner

from sim import load_scenario, run_ensemble
from sim.analysis.lenses import design_summary, opposed_pairs, preferred_designs
from sim.cli import app
from sim.lenses import DEFAULT_LENS_FILE, TERMS, default_lenses, load_lens_file, score_lenses

ROOT = Path(__file__).resolve().parent.parent
LENS_COLUMNS = ["lens_western", "lens_bamako", "lens_patron", "lens_patron_foreign_wagner"]

HAND_FILE = """\
[lenses]
description = "a file for a hand-computed row"

[western.jihadist_centre]
weight = 1
scale = 0.2

[western.civilians_by_state_side]
weight = 3
scale = 100

[bamako.population]
weight = 1
scale = 1

[bamako.sovereignty]
weight = 1
scale = 1
forces = { wagner = 0.5 }

[patron.cost_of_dead]
weight = 1
scale = 10
kinds = { contractor = 0.5 }

[patron.withdrawal]
weight = 1
scale = 1

[patron.resolve]
weight = 2
scale = 1
"""


def hand_row() -> pd.DataFrame:
    """One run, half a year, Wagner present throughout and withdrawn; France never came."""
    row = {
        "period_years": 0.5,
        "pop_share_jihadists_centre": 0.2,
        "civilians_killed_by_state": 30,
        "civilians_killed_by_wagner": 20,
        "civilians_killed_by_france": 0,
        "pop_share_state": 0.6,
        "politics.mass_casualty_threshold": 50,
    }
    for fid, kind, present, deaths, worst, withdrew in (
        ("wagner", "contractor", 1.0, 20, 60, True),
        ("france", "expeditionary", 0.0, 0, 0, False),
    ):
        row |= {
            f"foreign.{fid}.kind": kind,
            f"present_share_foreign_{fid}": present,
            f"peak_strength_foreign_{fid}": 1500 if present else 0,
            f"deaths_foreign_{fid}": deaths,
            f"max_engagement_deaths_foreign_{fid}": worst,
            f"withdrew_foreign_{fid}": withdrew,
        }
    return pd.DataFrame([row])


def test_a_lens_file_scores_a_hand_computed_row_as_written(tmp_path):
    path = tmp_path / "hand.toml"
    path.write_text(HAND_FILE)
    scores = score_lenses(hand_row(), load_lens_file(path)).iloc[0]
    # Western: centre 0.2 at scale 0.2 halves (0.5); 50 civilians in half a year = 100 a year
    # at scale 100 halves (0.5), weighed 3: (1 x 0.5 + 3 x 0.5) / 4.
    assert scores["lens_western"] == pytest.approx(0.5)
    # Bamako: 0.6 of the people; Wagner's presence weighs 0.5: 0.5 ** 0.5.
    assert scores["lens_bamako"] == pytest.approx((0.6 + 0.5**0.5) / 2)
    # The patron: 20 dead in half a year = 40 a year, a contractor's at half weight = 20 at
    # scale 10 (0.25); withdrawn (0.5); a disaster (60 >= 50) but withdrawn: no resolve (0).
    assert scores["lens_patron_foreign_wagner"] == pytest.approx((0.25 + 0.5 + 0.0) / 4)
    assert scores["lens_patron"] == scores["lens_patron_foreign_wagner"]
    assert np.isnan(scores["lens_patron_foreign_france"]), "a patron never there is not judged"


def test_changing_a_weight_in_the_file_changes_the_score_as_the_formula_says(tmp_path):
    path = tmp_path / "hand.toml"
    path.write_text(HAND_FILE.replace("weight = 3\nscale = 100", "weight = 1\nscale = 25"))
    scores = score_lenses(hand_row(), load_lens_file(path)).iloc[0]
    # 100 civilians a year at scale 25: 0.5 ** 4; now weighed as much as the centre.
    assert scores["lens_western"] == pytest.approx((0.5 + 0.5**4) / 2)


def test_the_model_s_lens_file_weighs_every_term_and_the_odd_argues_each():
    lenses = default_lenses()
    odd = (ROOT / "docs" / "ODD.md").read_text()
    section = odd[odd.index("**The three lenses**") :]
    for term in TERMS:
        assert lenses.terms(term.lens)[term.name].weight > 0, f"{term.lens}.{term.name}"
        assert f"`{term.name}`" in section, f"docs/ODD.md does not argue {term.name}"


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("small") / "small.toml"
    path.write_text(SMALL_TOML)
    return run_ensemble(load_scenario(path), runs=3, seed=7).runs


def test_the_runs_table_s_lens_columns_are_the_default_file_s_scores_of_its_own_columns(
    small_runs,
):
    scores = score_lenses(small_runs, load_lens_file(DEFAULT_LENS_FILE))
    pd.testing.assert_frame_equal(scores[LENS_COLUMNS], small_runs[LENS_COLUMNS])
    assert small_runs[LENS_COLUMNS].notna().all().all()


def test_a_harm_that_grows_lowers_its_lens_and_only_its_lens(small_runs):
    worse = small_runs.copy()
    worse["civilians_killed_by_state"] += 500
    before, after = score_lenses(small_runs), score_lenses(worse)
    assert (after["lens_western"] < before["lens_western"]).all()
    pd.testing.assert_series_equal(after["lens_bamako"], before["lens_bamako"])
    pd.testing.assert_series_equal(after["lens_patron"], before["lens_patron"])


# --- the disagreement finder ----------------------------------------------------------------------
def constructed(designs: dict[str, tuple[float, float, float]], spread: float) -> pd.DataFrame:
    """20 runs a design, each lens spread evenly over ``centre +- spread``."""
    rows = []
    for design, centres in designs.items():
        for offset in np.linspace(-spread, spread, 20):
            noisy = [c + offset for c in centres]
            rows.append(
                {
                    "scenario": design,
                    "lens_western": noisy[0],
                    "lens_bamako": noisy[1],
                    "lens_patron": noisy[2],
                }
            )
    return pd.DataFrame(rows)


def test_two_lenses_that_rank_two_designs_in_opposite_settled_orders_are_found():
    table = constructed(
        {"A": (0.8, 0.2, 0.5), "B": (0.2, 0.8, 0.5), "D": (0.9, 0.9, 0.9)}, spread=0.02
    )
    pairs = opposed_pairs(design_summary(table, ["scenario"]))
    columns = ["lens_a", "lens_b", "preferred_by_a", "preferred_by_b"]
    found = set(pairs[columns].itertuples(index=False, name=None))
    assert found == {("lens_western", "lens_bamako", "A", "B")}
    best = preferred_designs(design_summary(table, ["scenario"])).set_index("lens")["design"]
    assert best.to_dict() == {"lens_western": "D", "lens_bamako": "D", "lens_patron": "D"}


def test_opposite_medians_whose_intervals_overlap_are_not_a_disagreement():
    table = constructed({"P": (0.52, 0.48, 0.5), "Q": (0.48, 0.52, 0.5)}, spread=0.1)
    summary = design_summary(table, ["scenario"]).set_index(["scenario", "lens"])["median"]
    assert summary["P", "lens_western"] > summary["Q", "lens_western"]
    assert summary["P", "lens_bamako"] < summary["Q", "lens_bamako"]
    assert opposed_pairs(design_summary(table, ["scenario"])).empty


# --- malisim lenses and the figure on a tiny real sweep ---------------------------------------
TINY_SWEEP = """\
[sweep]
name = "tiny_lenses"
base = "{base}"
design = "grid"
replicates = 3
seed = 4

[parameters]
"foreign.wagner.commitment" = [0.2, 0.8]
"foreign.wagner.risk_tolerance" = [0.1, 0.9]
"scenario.resolution" = [1.0]
"scenario.end" = ["2023-10-31"]
"""


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lens_sweep")
    sweep = folder / "sweep.toml"
    sweep.write_text(TINY_SWEEP.format(base=ROOT / "tests" / "scenarios" / "mechanisms.toml"))
    out = folder / "out"
    done = CliRunner().invoke(app, ["sweep", str(sweep), "--out", str(out)])
    assert done.exit_code == 0, done.stdout + done.stderr
    return out


def test_malisim_lenses_rescores_a_sweep_to_its_own_lens_columns_and_prints_each_design(
    sweep_folder,
):
    runs_before = {p.name: p.read_bytes() for p in (sweep_folder / "runs.parquet").iterdir()}
    done = CliRunner().invoke(app, ["lenses", str(sweep_folder)])
    assert done.exit_code == 0, done.stdout + done.stderr
    scored = pd.read_parquet(sweep_folder / "lenses_default.parquet")
    runs = pd.read_parquet(sweep_folder / "runs.parquet").sort_values("run_id")
    pd.testing.assert_frame_equal(
        scored[LENS_COLUMNS].reset_index(drop=True), runs[LENS_COLUMNS].reset_index(drop=True)
    )
    assert scored["run_id"].tolist() == runs["run_id"].tolist()
    text = re.sub(r"\s+", " ", done.stdout)
    assert "commitment," in text and "risk_tolerance" in text
    for design in ("0.2, 0.1", "0.2, 0.9", "0.8, 0.1", "0.8, 0.9"):
        assert f"│ {design} │ 3 │" in text
    assert "preferred design" in text
    assert (sweep_folder / "lenses_default_summary.csv").exists()
    assert (sweep_folder / "lenses_default_disagreements.csv").exists()
    after = {p.name: p.read_bytes() for p in (sweep_folder / "runs.parquet").iterdir()}
    assert after == runs_before, "the runs table is never written"


def test_malisim_lenses_with_a_user_s_file_writes_its_own_table_with_its_scores(
    sweep_folder, tmp_path
):
    weights = tmp_path / "casualty_averse.toml"
    weights.write_text(DEFAULT_LENS_FILE.read_text().replace("scale = 25\n", "scale = 1\n"))
    done = CliRunner().invoke(app, ["lenses", str(sweep_folder), "--weights", str(weights)])
    assert done.exit_code == 0, done.stdout + done.stderr
    mine = pd.read_parquet(sweep_folder / "lenses_casualty_averse.parquet")
    runs = pd.read_parquet(sweep_folder / "runs.parquet").sort_values("run_id")
    expected = score_lenses(runs, load_lens_file(weights)).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine[expected.columns], expected)
    dead = runs["deaths_foreign_wagner"].to_numpy() > 0
    assert (mine["lens_patron"].to_numpy()[dead] < runs["lens_patron"].to_numpy()[dead]).all()
    pd.testing.assert_series_equal(
        mine["lens_western"], runs["lens_western"].reset_index(drop=True)
    )


def test_malisim_plot_lenses_on_a_sweep_draws_which_design_each_judge_prefers(sweep_folder):
    done = CliRunner().invoke(app, ["plot", str(sweep_folder), "--kind", "lenses"])
    assert done.exit_code == 0, done.stdout + done.stderr
    path = sweep_folder / "figures" / "lens_preferences.png"
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 500 and image.shape[1] > 1000
    assert image[..., :3].std() > 0.05, "the figure is blank"


def test_malisim_lenses_refuses_to_write_over_the_runs_table(sweep_folder):
    target = sweep_folder / "runs.parquet"
    done = CliRunner().invoke(app, ["lenses", str(sweep_folder), "--out", str(target)])
    assert done.exit_code == 2
    assert "--out" in done.stderr and "result tables" in done.stderr


def test_a_folder_written_before_the_lens_columns_is_refused_with_its_missing_columns(
    small_runs, tmp_path
):
    old = tmp_path / "old"
    old.mkdir()
    small_runs.drop(columns=["state_legitimacy_end", "coups"]).to_parquet(old / "runs.parquet")
    done = CliRunner().invoke(app, ["lenses", str(old)])
    assert done.exit_code == 2
    assert "coups" in done.stderr and "state_legitimacy_end" in done.stderr
    assert list(old.iterdir()) == [old / "runs.parquet"], "nothing written"
