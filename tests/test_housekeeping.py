"""What the project's own tooling promises: make clean keeps tracked figures; hypothesis is
derandomised in make test; every file a document names exists."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_clean_removes_results_but_keeps_the_tracked_figures(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "results" / "figures").mkdir(parents=True)
    (tmp_path / "results" / "figures" / "map_control.png").write_bytes(b"png")
    (tmp_path / "results" / "README.md").write_text("tracked")
    (tmp_path / "results" / "kidal_2023").mkdir()
    (tmp_path / "results" / "kidal_2023" / "runs.parquet").write_bytes(b"x")
    (tmp_path / ".venv").mkdir()
    subprocess.run(["make", "clean"], cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / "results" / "figures" / "map_control.png").exists()
    assert (tmp_path / "results" / "README.md").exists()
    assert not (tmp_path / "results" / "kidal_2023").exists()
    assert not (tmp_path / ".venv").exists()


def test_property_based_tests_draw_the_same_examples_every_run():
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci":
        assert settings.default.derandomize
        assert settings.default.database is None


# A path a document names: a page of docs/, a module of sim/, a scenario, a test, a tool...
CITED = re.compile(
    r"(?<![\w./-])((?:docs|sim|scenarios|tests|benchmarks|tools|calibration|\.ci)/[A-Za-z0-9_./<>*{}-]+"
    r"|CHANGELOG\.md)"
)


def documents() -> list[Path]:
    """Every text a user reads: the README, the docs, the tutorial, the scenario files."""
    return [
        ROOT / "README.md",
        ROOT / "CHANGELOG.md",
        ROOT / "sim" / "data" / "SOURCES.md",
        *sorted((ROOT / "docs").glob("*.md")),
        ROOT / "docs" / "tutorial.ipynb",
        *sorted((ROOT / "scenarios").rglob("*.toml")),
    ]


@pytest.mark.parametrize("doc", documents(), ids=lambda p: p.name)
def test_every_file_a_document_names_exists(doc):
    missing = []
    for path in CITED.findall(doc.read_text()):
        path = path.rstrip(".,:;)")
        if any(ch in path for ch in "*<>{}") or path.endswith("/"):
            if path.endswith("/") and not (ROOT / path).is_dir():
                missing.append(path)
            continue
        if not (ROOT / path).exists():
            missing.append(path)
    assert not missing, f"{doc.name} names files that do not exist: {missing}"


def test_the_lock_file_pins_every_dependency_the_project_names():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    named = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    pinned = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pinned[re.sub(r"[-_.]+", "-", name).lower()] = version
    for requirement in named:
        name = re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0]
        assert re.sub(r"[-_.]+", "-", name).lower() in pinned, f"{name} is not pinned"


def test_every_dependency_a_run_needs_is_bounded_below_its_next_major_version():
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for text in [*project["dependencies"], *project["optional-dependencies"]["dask"]]:
        requirement = Requirement(text)
        uppers = [s for s in requirement.specifier if s.operator in ("<", "<=", "~=", "==")]
        assert uppers, f"{requirement.name} has no upper bound in pyproject.toml"


def test_no_test_measures_a_duration():
    """Speed is measured in benchmarks/ only: tests read a clock just to bound a wait."""
    clocks = re.compile(r"\b(perf_counter|process_time|time\.time|thread_time)\(|timeit")
    offenders = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted((ROOT / "tests").glob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if clocks.search(line) and path.name != "test_housekeeping.py"
    ]
    assert not offenders, "\n".join(offenders)
