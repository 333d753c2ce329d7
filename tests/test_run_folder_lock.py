"""Two writers never share a results folder: ``malisim run`` holds its folder's lock.

Real ``malisim run`` processes against a lock held by this test process (or by a child that says
when it holds it): no test waits a fixed time for another process to get somewhere.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from processes import read_line, start_lock_holder
from small_scenario import SMALL_TOML

from sim.lock import hold_folder

ROOT = Path(__file__).resolve().parent.parent
MALISIM = str(Path(sys.executable).parent / "malisim")


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL_TOML)
    return path


def run_cmd(scenario_file: Path, out: Path, *extra: str) -> list[str]:
    return [MALISIM, "run", str(scenario_file), "--runs", "1", "--out", str(out), *extra]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, hidden ones included, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_run_into_a_folder_another_process_holds_refuses_and_writes_nothing(
    scenario_file, tmp_path
):
    out = tmp_path / "out"
    first = subprocess.run(run_cmd(scenario_file, out), capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    with hold_folder(out):
        before = snapshot(out)
        result = subprocess.run(run_cmd(scenario_file, out), capture_output=True, text=True)
        assert snapshot(out) == before
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert f"{out}/: in use by pid {os.getpid()}" in lines[0] and "--wait" in lines[0]


def test_a_run_told_to_wait_writes_its_folder_once_the_holder_lets_go(scenario_file, tmp_path):
    out = tmp_path / "out"
    with hold_folder(out):
        proc = subprocess.Popen(
            run_cmd(scenario_file, out, "--wait"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            line = read_line(proc.stderr, 120)  # the handshake: it says whom it waits for
            assert line.startswith(f"waiting: {out}/ is in use by pid {os.getpid()}"), line
            assert not (out / "runs.parquet").exists()
        except BaseException:
            proc.kill()
            raise
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr
    assert (out / "manifest.json").exists() and (out / "runs.parquet").exists()


def test_a_lock_left_by_a_process_killed_with_sigkill_does_not_block_a_run(scenario_file, tmp_path):
    out = tmp_path / "out"
    holder = start_lock_holder(out)
    try:
        os.kill(holder.pid, signal.SIGKILL)
        assert holder.wait(timeout=30) == -signal.SIGKILL
    finally:
        holder.kill()
        holder.wait(timeout=30)
    result = subprocess.run(run_cmd(scenario_file, out), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (out / "manifest.json").exists()
