"""The repository is self-contained: nothing in it reads a file outside its own tree.

The reference data the project was built from sits beside the repository in development, but a
clone has nothing beside it: the project's data files carry the facts they need, with their
sources, and docs may name the reference only as their origin.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECKED = ("sim/", "tests/", "benchmarks/", "tools/", "Makefile", ".ci/")
"""Where code, tests and build steps live (docs and scenario notes may cite the origin)."""

OUTSIDE = re.compile(r"\.\./" + "shared" + r"|\bshared/" + "data")
"""A path into the reference data beside the repository (spelt in pieces: this file names it)."""


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return [f for f in listed if (ROOT / f).is_file()]


def test_no_code_test_or_build_step_refers_to_the_data_beside_the_repository():
    offenders = []
    for name in tracked_files():
        if not name.startswith(CHECKED):
            continue
        try:
            text = (ROOT / name).read_text()
        except UnicodeDecodeError:
            continue  # binary: a figure, a parquet file
        offenders += [
            f"{name}:{n}: {line.strip()}"
            for n, line in enumerate(text.splitlines(), 1)
            if OUTSIDE.search(line)
        ]
    assert not offenders, "\n".join(offenders)


@pytest.mark.slow
def test_the_validation_tests_pass_in_a_copy_of_the_repository_with_nothing_beside_it(tmp_path):
    copy = tmp_path / "malisim"
    for name in tracked_files():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    assert not (tmp_path / "shared").exists()
    env = {**os.environ, "PYTHONPATH": str(copy)}
    where = subprocess.run(
        [sys.executable, "-c", "import sim; print(sim.__file__)"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(copy), "the copy's package must be tested"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_validate.py"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
