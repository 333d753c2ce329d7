"""Results are never lost or corrupted: killed runs, full disks and unwritable folders.

A results folder is finished when, and only when, it holds ``manifest.json``: the tables are
written under hidden temporary names and renamed into place, the manifest goes last, and a
folder being rewritten loses its old manifest first. These tests kill a real ``malisim run``
with SIGKILL at chosen points of the write, fill a real (tiny tmpfs) disk, and point the output
at places that cannot be written, and check what a user would find afterwards.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from small_scenario import SMALL_TOML
from typer.testing import CliRunner

from sim.cli import app
from sim.io import atomic_write_parquet, atomic_write_text
from sim.lock import HOLDER_FILE, LOCK_FILE

MALISIM = str(Path(sys.executable).parent / "malisim")
TABLES = ("runs.parquet", "events.parquet", "timeseries.parquet")

# A real ``malisim run`` in its own process that SIGKILLs itself at one point of the write:
# after a table lands, just before a finished temporary file is renamed, or before the manifest.
KILLER = textwrap.dedent(
    """
    import os, signal, sys
    import sim.io as io
    import sim.cli.run as runner

    point, args = sys.argv[1], sys.argv[2:]
    die = lambda: os.kill(os.getpid(), signal.SIGKILL)
    real_parquet, real_replace, real_manifest = (
        runner.atomic_write_parquet, os.replace, runner.write_manifest)

    def parquet(frame, path):
        real_parquet(frame, path)
        if point == "after:" + path.name:
            die()

    def replace(src, dst):
        if point == "before-rename:" + os.path.basename(dst):
            die()
        real_replace(src, dst)

    def manifest(folder, data):
        if point == "before:manifest.json":
            die()
        real_manifest(folder, data)

    runner.atomic_write_parquet, io.os.replace, runner.write_manifest = parquet, replace, manifest
    from sim.cli import app
    sys.argv = ["malisim", "run", *args]
    app()
    """
)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "small.toml"
    path.write_text(SMALL_TOML)
    return path


@pytest.fixture(scope="module")
def clean_run(scenario_file, tmp_path_factory) -> Path:
    """The folder of an uninterrupted two-run ensemble, to compare a repaired one with."""
    out = tmp_path_factory.mktemp("clean") / "out"
    assert run_cli(str(scenario_file), "--runs", "2", "--out", str(out)).exit_code == 0
    return out


def run_cli(*args: str) -> CliRunner:
    result = CliRunner().invoke(app, ["run", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def assert_unfinished_but_sound(folder: Path) -> None:
    """No manifest, and no visible table that is half-written: each reads whole or is absent."""
    assert not (folder / "manifest.json").exists(), "a killed run must not look finished"
    for name in TABLES:
        if (folder / name).exists():
            pd.read_parquet(folder / name)  # raises on a truncated file
    kept = (*TABLES, "scenario.toml", LOCK_FILE, HOLDER_FILE)  # a killed writer's lock is dead
    leftovers = [p.name for p in folder.iterdir() if p.name not in kept]
    assert all(n.startswith(".") and n.endswith(".tmp") for n in leftovers), leftovers


@pytest.mark.slow
@pytest.mark.parametrize(
    ("point", "over_old_results"),
    [
        ("after:runs.parquet", False),
        ("before-rename:events.parquet", True),
        ("before:manifest.json", True),
    ],
)
def test_a_run_killed_while_writing_leaves_no_table_that_looks_complete(
    scenario_file, clean_run, tmp_path, point, over_old_results
):
    out = tmp_path / "out"
    if over_old_results:  # a finished folder from an earlier run, being rewritten
        assert (
            run_cli(str(scenario_file), "--runs", "1", "--seed", "3", "--out", str(out)).exit_code
            == 0
        )
        assert (out / "manifest.json").exists()
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, point, str(scenario_file), "--runs", "2", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert_unfinished_but_sound(out)

    # Running again finishes the folder with exactly the tables of a clean run.
    assert run_cli(str(scenario_file), "--runs", "2", "--out", str(out)).exit_code == 0
    assert json.loads((out / "manifest.json").read_text())["runs"] == 2
    for name in TABLES:
        assert_frame_equal(pd.read_parquet(out / name), pd.read_parquet(clean_run / name))


def test_an_atomic_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "runs.parquet"
    old = pd.DataFrame({"run_id": [0, 1], "deaths_state": [5, 7]})
    atomic_write_parquet(old, path)

    def half_then_fail(self, target, **kwargs):
        Path(target).write_bytes(b"PAR1 half a table")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", half_then_fail)
    with pytest.raises(OSError):
        atomic_write_parquet(pd.DataFrame({"run_id": range(1000)}), path)
    assert_frame_equal(pd.read_parquet(path), old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.parquet"]

    text = tmp_path / "scenario.toml"
    atomic_write_text(text, "old")
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "I/O")))
    with pytest.raises(OSError):
        atomic_write_text(text, "new")
    assert text.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.parquet", "scenario.toml"]


def _mount_tiny_disk(where: Path) -> bool:
    where.mkdir()
    try:
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(where)],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def test_a_full_disk_is_a_clear_error_and_leaves_nothing_that_looks_finished(
    scenario_file, tmp_path, monkeypatch
):
    disk = tmp_path / "disk"
    mounted = _mount_tiny_disk(disk)
    try:
        if not mounted:
            # No privilege to mount a tmpfs here: fail the write as a full disk would.
            def full(self, target, **kwargs):
                raise OSError(errno.ENOSPC, "No space left on device", str(target))

            monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
        out = disk / "results"
        result = run_cli(str(scenario_file), "--runs", "3", "--out", str(out))
        assert result.exit_code == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("error: cannot write results: ")
        assert "No space left on device" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert_unfinished_but_sound(out)
    finally:
        if mounted:
            subprocess.run(["umount", str(disk)], check=True, timeout=20)


@pytest.mark.parametrize("where", ["a file", "/proc"])
def test_an_unwritable_output_folder_is_a_clear_error(scenario_file, tmp_path, where):
    if where == "a file":
        blocker = tmp_path / "file.txt"
        blocker.write_text("not a folder")
        out = blocker / "sub"
    else:
        out = Path("/proc/malisim-results")  # root cannot create folders in /proc either
    result = run_cli(str(scenario_file), "--runs", "1", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write results: ")
    assert str(out) in result.stderr or str(out.parent) in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_an_unwritable_output_folder_in_a_real_process_has_no_traceback(scenario_file, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    proc = subprocess.run(
        [MALISIM, "run", str(scenario_file), "--runs", "1", "--out", str(blocker / "sub")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"error: cannot write results: Not a directory ({blocker / 'sub'})"
    ]
