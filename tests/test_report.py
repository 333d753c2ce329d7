"""malisim report: one self-contained HTML page a colleague can open anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from processes import malisim
from small_scenario import SMALL_TOML

pytestmark = pytest.mark.xdist_group("analysis")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("report")
    path = work / "small.toml"
    path.write_text(SMALL_TOML)
    done = malisim("run", path, "--runs", 4, "--out", work / "res")
    assert done.returncode == 0, done.stderr
    return work / "res"


@pytest.fixture(scope="module")
def page(results) -> str:
    done = malisim("report", results)
    assert done.returncode == 0, done.stderr
    assert "self-contained" in done.stdout
    return (results / "report.html").read_text()


def test_the_page_needs_no_other_file(page):
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "<script" not in page and "<link" not in page


def test_the_page_embeds_every_figure_plot_draws(results, page):
    drawn = list((results / "figures").glob("*.png"))
    assert len(drawn) >= 5
    assert page.count("<img ") == len(drawn)


def test_the_page_holds_the_summary_events_and_parameters(page):
    assert "civilians killed" in page and "median (95% interval)" in page
    assert "Wagner left by decision" in page
    assert "<td>2023-10-02</td><td>offensive</td><td>state</td><td>kidal</td>" in page
    assert "foreign.wagner.risk_tolerance" in page


def test_a_report_at_a_date_is_a_page_of_its_own(results, page):
    done = malisim("report", results, "--at", "2023-10-15")
    assert done.returncode == 0, done.stderr
    dated = (results / "report_2023-10-15.html").read_text()
    assert "outcomes on 2023-10-15" in dated
    assert "Western lens" not in dated.split("<h2>Figures</h2>")[0]
    assert (results / "report.html").read_text() == page


def test_a_report_of_no_folder_is_an_input_error(tmp_path):
    done = malisim("report", tmp_path / "nothing")
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {tmp_path / 'nothing'}: no such results folder"
