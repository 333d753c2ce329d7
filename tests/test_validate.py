"""The validation engine: the record's patterns as ensemble statistics, and ``malisim validate``.

A small ensemble (3 runs of the 2012, 2013 and 2023 scenarios) goes through the real command; the
measures are also checked on hand-made event tables whose answer is known.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.analysis.intervals import wilson_interval
from sim.cli import app
from sim.tables import Results
from sim.validate import (
    CRITERIA,
    HISTORICAL,
    RECORD,
    CriterionResult,
    first_capture_dates,
    first_loss_dates,
    library_dir,
)
from sim.validate.measures import share_north_lost_together
from sim.validate.statistics import median, ratio, share

ROOT = Path(__file__).resolve().parent.parent


def _events(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["run_id", "date", "event_type", "town", "actor1", "actor2"]
    ).assign(date=lambda f: pd.to_datetime(f["date"]))


def test_a_town_is_lost_the_day_its_garrison_leaves_or_an_enemy_takes_it():
    events = _events(
        [
            (0, "2012-03-30", "town_abandoned", "kidal", "state", "state"),
            (0, "2012-03-31", "town_captured", "kidal", "separatists", "state"),
            (1, "2012-04-02", "town_captured", "kidal", "jihadists", "state"),
            (1, "2013-01-30", "town_captured", "kidal", "france", "jihadists"),
        ]
    )
    assert first_loss_dates(events, "kidal") == {0: dt.date(2012, 3, 30), 1: dt.date(2012, 4, 2)}
    # A foreign force takes a town for the state's side.
    assert first_capture_dates(events, "kidal") == {1: dt.date(2013, 1, 30)}


def test_the_north_counts_as_lost_together_only_when_the_three_losses_are_close():
    rows = []
    for town, day in (("kidal", "2012-03-30"), ("gao", "2012-03-31"), ("timbuktu", "2012-04-01")):
        rows.append((0, day, "town_captured", town, "separatists", "state"))
    for town, day in (("kidal", "2012-01-30"), ("gao", "2012-03-31"), ("timbuktu", "2012-04-01")):
        rows.append((1, day, "town_captured", town, "separatists", "state"))
    rows.append((2, "2012-03-30", "town_captured", "kidal", "separatists", "state"))
    results = Results(pd.DataFrame({"run_id": [0, 1, 2]}), _events(rows), pd.DataFrame())
    measure = share_north_lost_together("2012-01-17", "2012-05-15", 42)
    sample = measure(results, None)
    assert sample.statistic == pytest.approx(1 / 3)
    assert list(sample.values) == [1.0, 0.0, 0.0]


def _violence(rows: list[tuple]) -> pd.DataFrame:
    """Events of ``(run, date, event_type, region, deaths_state)``."""
    return pd.DataFrame(
        rows, columns=["run_id", "date", "event_type", "region", "deaths_state"]
    ).assign(date=lambda f: pd.to_datetime(f["date"]))


def test_the_level_measures_count_violent_events_by_year_and_the_centre_s_share():
    from sim.validate.measures import (
        median_centre_share,
        median_yearly_events,
        share_centre_rising,
        share_events_rising,
        share_mass_attack,
    )

    rows = [
        # run 0: one northern event in 2015; 2019: three events, two in the centre
        (0, "2015-05-01", "ambush", "gao", 2),
        (0, "2019-01-03", "battle", "mopti", 25),
        (0, "2019-02-03", "ied", "segou", 1),
        (0, "2019-03-03", "violence_against_civilians", "kidal", 0),
        (0, "2019-03-04", "town_captured", "mopti", 0),  # not an act of violence
        # run 1: one central event each year
        (1, "2015-05-01", "battle", "mopti", 19),
        (1, "2019-05-01", "battle", "mopti", 3),
    ]
    results = Results(pd.DataFrame({"run_id": [0, 1, 2]}), _violence(rows), pd.DataFrame())
    assert list(median_yearly_events((2019,))(results, None).values) == [3.0, 1.0, 0.0]
    assert list(median_yearly_events((2015, 2019))(results, None).values) == [2.0, 1.0, 0.0]
    assert list(share_events_rising(2015, 2019, 1.5)(results, None).values) == [1.0, 0.0, 1.0]
    assert list(share_centre_rising(2015, 2019)(results, None).values) == [1.0, 0.0, 0.0]
    assert median_centre_share(2019)(results, None).values == pytest.approx([2 / 3, 1.0, 0.0])
    mass = share_mass_attack("deaths_state", "2019-01-01", "2019-12-31", 20)
    assert list(mass(results, None).values) == [1.0, 0.0, 0.0]  # run 1's 19 is in 2015


def test_a_region_s_share_of_the_deaths_weighs_events_by_their_dead():
    # C10i: the Mopti region's share of a year's deaths in violent events (ACLED, 2020).
    from sim.validate.measures import median_regions_share_of_deaths

    rows = [
        (0, "2020-01-03", "battle", "mopti", 30),
        (0, "2020-02-03", "ambush", "kayes", 10),
        (0, "2020-03-03", "town_captured", "kayes", 50),  # not an act of violence
        (0, "2019-03-03", "battle", "kayes", 100),  # another year
        (1, "2020-05-01", "ied", "kayes", 4),
    ]
    events = _violence(rows).assign(deaths_total=lambda f: f["deaths_state"])
    results = Results(pd.DataFrame({"run_id": [0, 1, 2]}), events, pd.DataFrame())
    sample = median_regions_share_of_deaths(("mopti",), 2020)(results, None)
    assert sample.values == pytest.approx([0.75, 0.0, 0.0])  # run 2: no death, counted 0


def _weekly(runs, run_ids, dates, **columns) -> Results:
    """Results of ``runs`` with only a weekly table: one row per (run_id, date)."""
    weeks = pd.DataFrame({"run_id": run_ids, "date": pd.to_datetime(dates), **columns})
    return Results(pd.DataFrame({"run_id": runs}), pd.DataFrame(), weeks)


def test_strength_on_a_date_is_the_last_weekly_value_up_to_it():
    from sim.validate.measures import median_strength_on

    results = _weekly(
        [0, 1],
        [0, 0, 0, 1, 1],
        ["2022-08-07", "2022-08-14", "2022-08-21", "2022-08-07", "2022-08-14"],
        strength_jihadists=[100, 200, 300, 50, 60],
    )
    sample = median_strength_on("jihadists", "2022-08-15")(results, None)
    assert list(sample.values) == [200.0, 60.0]


def test_a_weekly_column_on_a_date_is_its_last_value_up_to_it():
    # C10j, C10k: the centre's officials at their posts on the day of the UN's count.
    from sim.validate.measures import median_on

    results = _weekly(
        [0, 1, 2],
        [0, 0, 1, 1, 2],
        ["2016-09-25", "2016-10-02", "2016-09-18", "2016-09-25", "2016-10-02"],
        officials_centre=[0.6, 0.1, 0.5, 0.3, 0.9],
    )
    sample = median_on("officials_centre", "2016-09-30")(results, None)
    assert list(sample.values) == [0.6, 0.3, 0.0]  # run 2 has no week up to the day
    assert median_on("officials_north", "2016-09-30")(results, None).values.size == 0


def test_an_insurgency_put_out_counts_against_the_share_of_runs_it_survives():
    # C12i: the share of runs in which the jihadists still number at least so many on a date
    # (the same weekly value as C12h's); a run with no row for them counts as none.
    from sim.validate.measures import share_strength_at_least

    results = _weekly(
        [0, 1, 2],
        [0, 0, 1, 1],
        ["2024-06-23", "2024-06-30", "2024-06-23", "2024-06-30"],
        strength_jihadists=[900, 250, 400, 150],
    )
    sample = share_strength_at_least("jihadists", "2024-06-30", 200)(results, None)
    assert list(sample.values) == [1.0, 0.0, 0.0]


def test_who_outnumbers_whom_is_counted_run_by_run_on_the_day():
    # C1d: the jihadists outnumber the separatists on 2012-12-31 (the week holding the day);
    # a tie is not outnumbering, and a run with no row for one side has none of it.
    from sim.validate.measures import share_outnumbers

    results = _weekly(
        [0, 1, 2, 3],
        [0, 0, 1, 2, 3],
        ["2012-12-23", "2012-12-30", "2012-12-30", "2012-12-30", "2012-12-30"],
        strength_jihadists=[100, 2600, 2000, 1500, 900],
        strength_separatists=[3000, 2300, 3700, 1500, 0],
    )
    sample = share_outnumbers("jihadists", "separatists", "2012-12-31")(results, None)
    assert list(sample.values) == [1.0, 0.0, 0.0, 1.0]


def test_a_share_s_interval_is_wilson_s_score_interval():
    # Newcombe (1998), Statistics in Medicine 17:857-872, table II, method 3 (score, no
    # continuity correction), to four decimals.
    for hits, n, low, high in (
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ):
        assert wilson_interval(hits, n) == pytest.approx((low, high), abs=5e-5)
        assert share([True] * hits + [False] * (n - hits)).interval() == pytest.approx(
            (low, high), abs=5e-5
        )


def test_a_median_s_interval_is_near_the_order_statistics_interval_and_stable():
    # For the median of 99 distinct values, the distribution-free 95% interval runs from the
    # 40th to the 60th value (n/2 -+ 1.96 sqrt(n)/2); a percentile bootstrap comes close.
    sample = median(range(1, 100))
    low, high = sample.interval()
    assert sample.statistic == 50
    assert 38 <= low <= 43 and 57 <= high <= 62
    assert sample.interval() == (low, high), "a fixed bootstrap seed: the report is stable"


def test_a_median_s_interval_narrows_with_more_runs():
    rng = np.random.default_rng(5)
    small, large = median(rng.lognormal(3, 1, 20)), median(rng.lognormal(3, 1, 400))
    for sample in (small, large):
        low, high = sample.interval()
        assert low <= sample.statistic <= high
    assert np.subtract(*large.interval()[::-1]) < 0.5 * np.subtract(*small.interval()[::-1])


def test_never_keeps_an_infinite_bound_and_equal_values_give_a_point_interval():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither case may warn or give NaN
        never = median([10.0, np.inf, np.inf, np.inf, 12.0])
        assert never.statistic == np.inf and never.interval() == (10.0, np.inf)
        assert median([np.inf] * 4).interval() == (np.inf, np.inf)
        # Every run took Kidal on the same day: nothing to resample, the interval is the day.
        assert median([30.0] * 100).interval() == (30.0, 30.0)
        assert median([7.0]).interval() == (7.0, 7.0)  # one run
        assert share([True] * 10).interval()[1] == 1.0


def test_a_ratio_of_medians_resamples_both_ensembles():
    same = ratio([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    low, high = same.interval()
    assert same.statistic == 1.0 and low < 1.0 < high
    assert ratio([4, 4, 4], [2, 2, 2]).interval() == (2.0, 2.0)
    # A baseline of zeros: any recruits at all is an infinite ratio, none is undefined.
    assert ratio([1, 2, 3], [0, 0, 0]).statistic == np.inf
    assert np.isnan(ratio([0, 0, 0], [0, 0, 0]).statistic)


def test_a_verdict_is_decided_only_when_the_whole_interval_gives_it():
    at_least = CRITERIA[0]  # C1a: a share >= 0.6
    assert at_least.low == 0.6 and at_least.high is None
    assert not CriterionResult(at_least, 0.55, 40, 0.40, 0.69).decided  # a miss that may be a pass
    assert CriterionResult(at_least, 0.95, 40, 0.83, 0.99).decided
    assert CriterionResult(at_least, 0.20, 40, 0.10, 0.35).decided
    assert not CriterionResult(at_least, 0.65, 40, 0.50, 0.78).decided
    in_range = next(c for c in CRITERIA if c.low is not None and c.high is not None)
    lo, hi = in_range.low, in_range.high
    # A miss below the range whose interval reaches into it is undecided, as is a pass whose
    # interval leaves the range on either side.
    assert not CriterionResult(in_range, lo - 1, 40, lo - 5, lo + 1).decided
    assert not CriterionResult(in_range, (lo + hi) / 2, 40, lo - 1, hi).decided
    assert CriterionResult(in_range, (lo + hi) / 2, 40, lo, hi).decided
    assert not CriterionResult(in_range, (lo + hi) / 2, 40, lo, np.inf).decided


def test_every_criterion_names_a_fact_of_the_record_and_a_scenario_of_the_library():
    for criterion in CRITERIA:
        assert criterion.scenario in HISTORICAL
        assert (library_dir() / f"{criterion.scenario}.toml").exists()
        assert criterion.record, f"{criterion.id} cites no fact of the record"
        assert set(RECORD.loc[list(criterion.record), "fact"]) == {criterion.fact}
        # A criterion tests something the model produced, not only what the scenarios take
        # as given (a date they set, a strength they deploy).
        assert set(RECORD.loc[list(criterion.record), "use"]) - {"input"}, criterion.id
    assert {c.fact for c in CRITERIA} == {
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
        "C6",
        "C7",
        "C8",
        "C9",
        "C10",
        "C11",
        "C12",
        "C13",
    }


def test_every_fact_of_the_record_has_a_source_a_date_and_a_use():
    assert RECORD.index.is_unique
    assert set(RECORD["use"]) == {"input", "calibration", "test"}
    for key, row in RECORD.iterrows():
        assert row["source"].strip() and row["stated"].strip(), key
        assert isinstance(row["date"], dt.date), key
        assert row["end"] is None or row["end"] >= row["date"], key


def test_the_criteria_quote_the_record_from_its_file_not_from_the_code():
    c1b, c2b, c4b = (next(c for c in CRITERIA if c.id == i) for i in ("C1b", "C2b", "C4b"))
    assert "(record 75)" in c1b.criterion  # 2012-01-17 to Timbuktu's fall on 2012-04-01
    assert "(record 9-10)" in c2b.criterion
    assert "(record 43)" in c4b.criterion  # the order of 2023-10-02 to Kidal on 2023-11-14
    code = "\n".join(p.read_text() for p in (ROOT / "sim" / "validate").glob("*.py"))
    cited = {k for c in CRITERIA for k in c.record}
    for key in cited:
        row = RECORD.loc[key]
        assert row["date"].isoformat() not in code, f"{key}'s date is written in the code"
        if any(ch.isdigit() for ch in row["stated"]) and len(row["stated"]) > 2:
            assert row["stated"] not in code, f"{key}'s value is written in the code"


def test_the_model_never_reads_the_record_or_the_criteria():
    # the layers that judge the model against the record: validation, calibration, the CLI
    for path in (ROOT / "sim").rglob("*.py"):
        if path.parent.name in ("validate", "calibrate", "cli"):
            continue
        text = path.read_text()
        assert "record.csv" not in text and "sim.validate" not in text, path


def test_malisim_validate_runs_a_small_ensemble_and_writes_the_report(tmp_path):
    out = tmp_path / "validation"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "validate",
            "--runs",
            "3",
            "--scenario",
            "mali_2012",
            "--scenario",
            "serval_2013",
            "--scenario",
            "kidal_2023",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "C1a" in done.stdout and "C4a" in done.stdout
    table = pd.read_csv(out / "criteria.csv")
    assert set(table["id"]) == {
        c.id for c in CRITERIA if c.scenario in ("mali_2012", "serval_2013", "kidal_2023")
    }
    assert set(table["result"]) <= {"pass", "miss"}
    assert (table["runs"] == 3).all()
    report = (out / "report.md").read_text()
    assert (
        "| id | scenario | pattern | criterion | ensemble gave | 95% interval | result |" in report
    )
    assert {"interval_low", "interval_high", "decided"} <= set(table.columns)
    assert (table["interval_low"] <= table["value"]).all()
    assert (table["value"] <= table["interval_high"]).all()
    # Three runs decide little: the table says so rather than pretend.
    assert "undecided" in done.stdout
    # The report shows the figures it wrote and cites each fact tested, with its source.
    for figure in ("holders_2012_2013.png", "kidal_2023_capture.png"):
        assert (out / figure).stat().st_size > 5_000 and f"]({figure})" in report
    assert "## The record" in report and "sim/data/record.csv" in report
    for key in ("kidal_lost_2012", "french_deaths_serval", "kidal_taken_2023"):
        assert f"| {key} |" in report and RECORD.loc[key, "source"] in report
    # Piped, the table is Markdown with one whole line a criterion (rich would fold it at 80
    # columns into fragments).
    lines = done.stdout.splitlines()
    assert "| id | scenario | criterion | ensemble gave | 95% interval | result |" in lines
    for criterion in (c for c in CRITERIA if c.id in set(table["id"])):
        row = [line for line in lines if line.startswith(f"| {criterion.id} |")]
        assert len(row) == 1 and f"| {criterion.criterion} |" in row[0]
    assert any(line.startswith("3 of ") or " of 10 criteria pass; " in line for line in lines)
    # The 2012 collapse of the north shows even in 3 runs: the state loses the three capitals
    # on a median day within the year (C1b), with losses of the record's order (C1c). C1a's
    # share is of three runs: this seed gave two of three in time until model 0.37.0, one on
    # 0.37.0 and 0.38.0 and none on 0.39.0 (all three lost, after 122-167 days), where 100 runs
    # give 81% (benchmarks/results/validation_100runs_model_0.39.0.md); three runs decide
    # nothing.
    c1 = table.set_index("id")
    assert c1.loc["C1a", "value"] in (0.0, 1 / 3, 2 / 3, 1.0)
    assert 0 < c1.loc["C1b", "value"] < 366
    assert c1.loc["C1c", "result"] == "pass"


def test_an_unknown_scenario_is_an_input_error_and_nothing_is_written(tmp_path):
    out = tmp_path / "v"
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", "--scenario", "mali_2099", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert "mali_2099" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_a_full_validation_is_100_runs_per_scenario_as_documented():
    # At 20 runs a share's interval is ~40 points wide: the documented default is 100.
    shown = CliRunner().invoke(app, ["validate", "--help"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    assert re.search(r"--runs\b.*default: 100\]", " ".join(shown.output.split()))
    docs = (ROOT / "docs" / "CALIBRATION.md").read_text()
    assert "malisim validate --workers 2           # 100 runs per scenario" in docs
