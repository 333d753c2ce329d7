"""Hindcasts scored like forecasts: CRPS, coverage and skill against naive baselines."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.tables import Results
from sim.validate.hindcast import read_yearly_record, score_hindcasts

RECORD = """\
series,year,value,unit,use,source,note
un_deaths,2019,10,men,calibration,a source,
un_deaths,2020,20,men,calibration,a source,
un_deaths,2021,12,men,test,a source,
un_deaths,2022,14,men,test,a source,
"""


def ensemble(per_year: dict[int, list[int]]) -> Results:
    """Runs over 2019-2022 whose UN deaths in each year are given, one value a run."""
    runs = len(next(iter(per_year.values())))
    table = pd.DataFrame(
        {
            "run_id": range(runs),
            "scenario.start": [dt.date(2019, 1, 1)] * runs,
            "scenario.end": [dt.date(2022, 12, 31)] * runs,
        }
    )
    events = pd.DataFrame(
        [
            {
                "run_id": run,
                "date": dt.date(year, 6, 1),
                "event_type": "ambush",
                "deaths_foreign_un": deaths,
                "deaths_total": deaths,
            }
            for year, values in per_year.items()
            for run, deaths in enumerate(values)
        ]
    )
    return Results(table, events, pd.DataFrame())


@pytest.fixture
def record(tmp_path):
    path = tmp_path / "record.csv"
    path.write_text(RECORD, encoding="utf-8")
    return path


def test_an_ensemble_that_foresaw_the_record_scores_zero_and_full_skill(record):
    results = ensemble({2019: [0, 0], 2020: [0, 0], 2021: [12, 12], 2022: [14, 14]})
    scores = score_hindcasts(results, read_yearly_record(record)).set_index("year")
    assert list(scores.index) == [2021, 2022]  # only the held-out years are scored
    assert (scores["crps"] == 0).all() and scores["covered_90"].all()
    assert (scores["skill_vs_last_year"] == 1).all()
    # the baselines use the record's earlier years alone: 20 (2020) and the mean of 10 and 20
    assert scores.loc[2021, "last_year"] == 20 and scores.loc[2021, "mean_before"] == 15
    assert scores.loc[2021, "crps_last_year"] == pytest.approx(8)


def test_an_ensemble_far_from_the_record_has_negative_skill_and_no_coverage(record):
    results = ensemble({2021: [90, 100, 110], 2022: [90, 100, 110]})
    scores = score_hindcasts(results, read_yearly_record(record))
    assert (scores["skill_vs_last_year"] < 0).all() and (scores["skill_vs_mean_before"] < 0).all()
    assert not scores["covered_90"].any()


def test_malisim_score_writes_the_scores_of_a_results_folder(record, tmp_path):
    results = ensemble({2021: [10, 12, 14], 2022: [12, 14, 16]})
    folder = tmp_path / "results"
    folder.mkdir()
    for name in ("runs", "events", "timeseries"):
        getattr(results, name).to_parquet(folder / f"{name}.parquet")
    result = CliRunner().invoke(app, ["score", str(folder), "--record", str(record)])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(folder / "score" / "score_summary.csv")
    assert list(summary["series"]) == ["un_deaths"]
    assert "skill vs last year" in (folder / "score" / "score.md").read_text(encoding="utf-8")


def test_the_project_s_yearly_record_declares_held_out_years_and_cites_every_value():
    record = read_yearly_record()
    assert set(record["use"]) == {"calibration", "test"}
    assert record["source"].str.strip().astype(bool).all()


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("un_deaths,2019", "un_killed,2019", "row 2: series: unknown 'un_killed'"),
        ("men,test,a source", "men,held,a source", "row 4: use: expected calibration or test"),
        ("2020,20,men,calibration,a source", "2020,20,men,calibration,", "row 3: source"),
    ],
)
def test_a_broken_yearly_record_is_refused_one_line_a_problem(tmp_path, old, new, expected):
    path = tmp_path / "record.csv"
    path.write_text(RECORD.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(tmp_path), "--record", str(path)])
    assert result.exit_code == 2
    assert expected in result.output
    assert not (tmp_path / "score").exists()
