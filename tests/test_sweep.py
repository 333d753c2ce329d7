"""Sweeps: designs, seeded replicates, local and Dask execution, crash-proof resumable results.

Every sweep here runs a tiny version of kidal_2023 (1-degree cells, one month) through the real
``malisim`` command in a subprocess; the Dask tests start a real scheduler and workers on
127.0.0.1 as processes and tear them down.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from processes import dying_malisim, read_line, start_lock_holder

from sim.scenario import ScenarioError, load_scenario, to_toml
from sim.sweep import load_sweep, read_sweep
from sim.tables import TABLES, Results

pytestmark = pytest.mark.xdist_group("sweep")

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
MALISIM = str(BIN / "malisim")

SWEEP = """\
[sweep]
name = "tiny_sweep"
base = "tiny.toml"
design = "grid"
replicates = 4
seed = 11

[parameters]
"foreign.wagner.commitment" = [0.2, 0.8]
"foreign.wagner.risk_tolerance" = { min = 0.1, max = 0.9, levels = 2 }
"""
RUNS = 16


def write_base(folder: Path) -> Path:
    """A tiny kidal_2023: 1-degree cells and one month, so a run takes a fraction of a second."""
    scenario = load_scenario(
        ROOT / "scenarios" / "kidal_2023.toml",
        ["scenario.resolution=1.0", "scenario.end=2023-10-31"],
    )
    path = folder / "tiny.toml"
    path.write_text(to_toml(scenario), encoding="utf-8")
    return path


def sweep_cmd(sweep_file: Path, out: Path, *extra: str) -> list[str]:
    return [MALISIM, "sweep", str(sweep_file), "--out", str(out), *extra]


def run_cli(args: list[str], timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parts(folder: Path) -> int:
    return len(list((folder / "runs.parquet").glob("part-*.parquet")))


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def assert_same_tables(folder: Path, reference: Results) -> None:
    tables = read_sweep(folder)
    assert sorted(tables.runs["run_id"]) == list(range(RUNS)), "each run exactly once"
    for label in TABLES:
        pd.testing.assert_frame_equal(getattr(tables, label), getattr(reference, label))


def start_sweep(command: list[str]) -> subprocess.Popen:
    """A sweep in its own session (so that it and its pool can be killed together)."""
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=ROOT,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, hidden ones included, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def kill_group(proc: subprocess.Popen) -> None:
    """Kill a process we started and everything it started (its own session)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sweep")
    write_base(folder)
    (folder / "tiny_sweep.toml").write_text(SWEEP, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(workdir) -> Results:
    """The sweep run once, uninterrupted, on one worker."""
    out = workdir / "reference"
    result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out, "--workers", "1"))
    assert result.returncode == 0, result.stderr
    return read_sweep(out)


@pytest.fixture(scope="module")
def cluster(workdir):
    """A Dask scheduler and two single-threaded workers on 127.0.0.1, as processes."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port)]
            + ["--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    ]
    try:
        for i in range(2):
            procs.append(start_worker(address, f"steady-{i}"))
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in reversed(procs):
            kill_group(proc)


def start_worker(address: str, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "dask"), "worker", address, "--name", name, "--nthreads", "1"]
        + ["--no-nanny", "--no-dashboard", "--host", "127.0.0.1", "--death-timeout", "60"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=ROOT,
    )


# --- what a sweep's results are -----------------------------------------------------------------


def test_every_point_and_replicate_runs_once_with_seeds_from_point_and_replicate(reference):
    runs, events, timeseries = reference.runs, reference.events, reference.timeseries
    assert len(runs) == RUNS
    assert runs["run_id"].tolist() == list(range(RUNS))
    # replicate-major (docs/SWEEPS.md), so that more replicates append runs
    assert (runs["run_id"] == runs["replicate"] * 4 + runs["point"]).all()
    # SeedSequence([sweep seed, point, replicate]) (docs/SWEEPS.md), pinned by value.
    seeds = runs.set_index(["point", "replicate"])["seed"]
    assert [seeds[(0, r)] for r in range(4)] == [1926383459, 3350277387, 4151502722, 368040416]
    documented = [
        int(np.random.SeedSequence([11, p, r]).generate_state(1, np.uint32)[0])
        for r in range(4)
        for p in range(4)
    ]
    assert runs["seed"].tolist() == documented  # the formula, not the code's own function
    grid = runs.groupby("point")[["foreign.wagner.commitment", "foreign.wagner.risk_tolerance"]]
    assert grid.nunique().eq(1).all().all()  # one parameter set per point
    assert sorted(map(tuple, grid.first().to_numpy())) == [
        (0.2, 0.1),
        (0.2, 0.9),
        (0.8, 0.1),
        (0.8, 0.9),
    ]
    # every run contributes its weeks; events and time series belong to the sweep's runs
    assert set(timeseries["run_id"]) == set(range(RUNS))
    assert set(events["run_id"]) <= set(range(RUNS))
    # the runs' death counts are sums of their events, across parts
    summed = events.groupby("run_id")["deaths_state"].sum().reindex(range(RUNS), fill_value=0)
    assert (summed.to_numpy() == runs["deaths_state"].to_numpy()).all()


def test_the_runs_folder_reads_with_plain_pandas(workdir, reference):
    runs = pd.read_parquet(workdir / "reference" / "runs.parquet")
    pd.testing.assert_frame_equal(runs.sort_values("run_id").reset_index(drop=True), reference.runs)
    events = pd.read_parquet(workdir / "reference" / "events.parquet")
    assert len(events) == len(reference.events)
    record = json.loads((workdir / "reference" / "sweep.json").read_text())
    assert record["runs"] == RUNS and len(record["definition_sha256"]) == 64
    assert (workdir / "reference" / "sweep.toml").read_text() == SWEEP
    assert (workdir / "reference" / "manifest.json").exists()


def test_two_local_workers_give_the_same_tables_as_one(workdir, reference):
    out = workdir / "two_workers"
    result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out, "--workers", "2"))
    assert result.returncode == 0, result.stderr
    assert_same_tables(out, reference)


def test_a_dask_cluster_gives_the_same_tables_as_one_worker(workdir, reference, cluster):
    out = workdir / "dask"
    result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out, "--scheduler", cluster))
    assert result.returncode == 0, result.stderr
    assert_same_tables(out, reference)


def test_a_dask_worker_killed_mid_task_loses_no_run(workdir, reference, cluster):
    from distributed import Client

    victim = start_worker(cluster, "victim")
    out = workdir / "dask_killed"
    sweep = None
    try:
        with Client(cluster, timeout="60s") as client:
            client.wait_for_workers(3, timeout=120)
            address = next(
                a for a, w in client.scheduler_info()["workers"].items() if w["name"] == "victim"
            )
            sweep = subprocess.Popen(
                sweep_cmd(workdir / "tiny_sweep.toml", out, "--scheduler", cluster),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
                cwd=ROOT,
            )
            # kill it while it holds a task of ours, after the sweep has written something
            wait_for(
                lambda: parts(out) >= 1 and client.processing(workers=[address])[address],
                120,
                "the victim to be running a task",
            )
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(timeout=30)
        _, stderr = sweep.communicate(timeout=180)
        assert sweep.returncode == 0, stderr
    finally:
        kill_group(victim)
        if sweep is not None:
            kill_group(sweep)
    assert parts(out) >= 1
    assert_same_tables(out, reference)


# --- crashes and resuming -----------------------------------------------------------------------


@contextlib.contextmanager
def sweep_killed_at(command: list[str], when: str, part: int) -> Iterator[None]:
    """Run ``command`` (a sweep) until it SIGKILLs itself ``when`` its ``part``-th part lands;
    its pool's workers, if any, outlive it until the block ends."""
    proc = start_sweep(dying_malisim(when, part, *command[1:]))
    try:
        assert proc.wait(timeout=300) == -signal.SIGKILL, "the sweep ended before its kill"
        yield
    finally:
        kill_group(proc)
        try:  # the orphaned workers, in its session
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def resumes_to_the_reference(command: list[str], out: Path, reference: Results, parts: int):
    """The killed sweep kept exactly its whole parts; run again, it ends with the reference."""
    landed = len(read_sweep(out).runs)
    assert len(list((out / "runs.parquet").glob("part-*.parquet"))) == parts
    assert 0 < landed < RUNS, "the kill should land mid-sweep"
    assert not (out / "manifest.json").exists()
    result = run_cli(command)
    assert result.returncode == 0, result.stderr
    assert f"resumed: {landed} were done" in " ".join(result.stdout.split())
    assert_same_tables(out, reference)
    assert not list(out.rglob(".*.tmp"))


@pytest.mark.parametrize(
    ("when", "part"), [("after", 1), ("after", 5), ("torn", 3)], ids=["early", "midway", "torn"]
)
def test_a_sweep_killed_with_sigkill_and_rerun_ends_with_the_same_tables(
    workdir, reference, when, part
):
    """Killed after a part, or inside one (its events landed, its runs not): nothing lost or
    repeated once it runs again."""
    out = workdir / f"killed_{when}_{part}"
    command = sweep_cmd(workdir / "tiny_sweep.toml", out, "--workers", "1")
    with sweep_killed_at(command, when, part):
        whole = part if when == "after" else part - 1
        resumes_to_the_reference(command, out, reference, whole)


def test_a_sweep_on_a_process_pool_killed_with_sigkill_resumes_to_the_same_tables(
    workdir, reference
):
    """Its pool's workers outlive it, but only the sweep's process ever held the folder."""
    out = workdir / "killed_pool"
    command = sweep_cmd(workdir / "tiny_sweep.toml", out, "--workers", "2")
    with sweep_killed_at(command, "after", 2):  # resumed while its orphaned workers live
        resumes_to_the_reference(command, out, reference, 2)


def test_a_sweep_on_dask_killed_with_sigkill_resumes_to_the_same_tables(
    workdir, reference, cluster
):
    out = workdir / "killed_dask_client"
    command = sweep_cmd(workdir / "tiny_sweep.toml", out, "--scheduler", cluster)
    with sweep_killed_at(command, "after", 2):
        resumes_to_the_reference(command, out, reference, 2)


def test_a_crash_between_a_parts_writes_is_repaired_on_resume(workdir, reference):
    """A batch whose events landed but whose runs part did not is rerun, not doubled."""
    out = workdir / "torn"
    shutil.copytree(workdir / "reference", out)
    (out / "manifest.json").unlink()
    torn = sorted((out / "runs.parquet").glob("part-*.parquet"))[2]
    torn.unlink()  # events and time series of this batch are now orphans
    (out / "events.parquet" / ".part-000000099.parquet.123.tmp").write_bytes(b"half a file")
    result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out))
    assert result.returncode == 0, result.stderr
    assert_same_tables(out, reference)
    assert not list((out / "events.parquet").glob(".*.tmp"))


def test_a_changed_sweep_file_is_refused_and_a_reworded_one_resumes(workdir, reference):
    out = workdir / "changed"
    shutil.copytree(workdir / "reference", out)
    before = sorted(p.name for p in (out / "runs.parquet").iterdir())

    changed = workdir / "changed.toml"
    changed.write_text(SWEEP.replace("seed = 11", "seed = 12"), encoding="utf-8")
    result = run_cli(sweep_cmd(changed, out))
    assert result.returncode == 2
    assert f"{changed}: sweep: changed since {out} was started" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (out / "runs.parquet").iterdir()) == before

    # comments and a title are not part of the definition: the finished sweep is left as it is
    reworded = workdir / "reworded.toml"
    reworded.write_text(
        "# the same sweep, annotated\n" + SWEEP.replace("seed = 11", 'seed = 11\ntitle = "t"'),
        encoding="utf-8",
    )
    result = run_cli(sweep_cmd(reworded, out))
    assert result.returncode == 0, result.stderr
    assert "ran 0" in result.stdout
    assert_same_tables(out, reference)


# --- more replicates -------------------------------------------------------------------------


def test_a_finished_sweep_extended_with_more_replicates_equals_the_larger_sweep_from_scratch(
    workdir, reference
):
    out = workdir / "extended"
    small = workdir / "two_replicates.toml"
    small.write_text(SWEEP.replace("replicates = 4", "replicates = 2"), encoding="utf-8")
    assert run_cli(sweep_cmd(small, out)).returncode == 0
    first = snapshot(out / "runs.parquet")

    # by editing the file...
    small.write_text(SWEEP.replace("replicates = 4", "replicates = 3"), encoding="utf-8")
    result = run_cli(sweep_cmd(small, out))
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "extended from 2 to 3 replicates: 8 were done" in said and "ran 4" in said
    # ...or on the command line; runs already done are neither rerun nor renumbered
    result = run_cli(sweep_cmd(small, out, "--replicates", "4"))
    assert result.returncode == 0, result.stderr
    assert "extended from 3 to 4 replicates: 12 were done" in " ".join(result.stdout.split())
    assert all(snapshot(out / "runs.parquet")[name] == data for name, data in first.items())
    assert_same_tables(out, reference)
    record = json.loads((out / "sweep.json").read_text())
    assert record["replicates"] == 4 and record["runs"] == RUNS
    assert json.loads((out / "manifest.json").read_text())["runs"] == RUNS


def test_fewer_replicates_than_a_folder_holds_are_refused(workdir, reference):
    out = workdir / "cut"
    shutil.copytree(workdir / "reference", out)
    result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out, "--replicates", "2"))
    assert result.returncode == 2
    assert "sweep.replicates:" in result.stderr and "already holds 4 replicates" in result.stderr
    assert "Traceback" not in result.stderr
    assert_same_tables(out, reference)


def test_a_folder_numbered_point_major_is_refused_not_extended(workdir):
    out = workdir / "old_numbering"
    shutil.copytree(workdir / "reference", out)
    record = json.loads((out / "sweep.json").read_text())
    record["run_id"] = "point * replicates + replicate"
    (out / "sweep.json").write_text(json.dumps(record))
    result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out, "--replicates", "5"))
    assert result.returncode == 2
    assert "numbers its runs 'point * replicates + replicate'" in " ".join(result.stderr.split())


# --- one writer a folder ------------------------------------------------------------------------


def unfinished_copy(workdir: Path, name: str) -> Path:
    """The reference sweep with its last three parts lost, and another writer's temporary file."""
    out = workdir / name
    shutil.copytree(workdir / "reference", out)
    (out / "manifest.json").unlink()
    for part in sorted((out / "runs.parquet").glob("part-*.parquet"))[-3:]:
        part.unlink()
    (out / "events.parquet" / ".part-000000015.parquet.999.tmp").write_bytes(b"being written")
    return out


def test_a_sweep_into_a_folder_another_process_holds_refuses_and_writes_nothing(workdir, reference):
    from sim.lock import hold_folder

    out = unfinished_copy(workdir, "held")
    with hold_folder(out):  # this test process is the other writer
        before = snapshot(out)
        result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out))
        assert snapshot(out) == before
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert f"{out}/: in use by pid {os.getpid()}" in lines[0] and "--wait" in lines[0]


def test_a_sweep_that_finds_a_new_folder_half_made_by_its_holder_is_told_it_is_in_use(
    workdir,
):
    # The race CI met with two sweeps started together: the first had taken the new folder's
    # lock and made its table folders but not yet written sweep.json; the second, checking before
    # the lock, took the folder for someone else's files and refused it.
    from sim.lock import hold_folder

    out = workdir / "half_made"
    with hold_folder(out):  # this test process is the first sweep, caught half-way
        (out / "runs.parquet").mkdir()
        result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out))
    assert result.returncode == 1, result.stderr
    assert "not a sweep's" not in result.stderr
    assert f"{out}/: in use by pid {os.getpid()}" in result.stderr


def test_a_folder_of_other_files_is_still_refused_once_locked(workdir):
    from sim.lock import hold_folder

    out = workdir / "someone_elses"
    with hold_folder(out):
        pass  # a lock file left behind: the folder is now "claimed"
    (out / "notes.txt").write_text("mine\n")
    result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out))
    assert result.returncode == 2
    assert "not a sweep's" in result.stderr and "Traceback" not in result.stderr
    assert not (out / "runs.parquet").exists()


def test_a_sweep_told_to_wait_runs_once_the_holder_lets_go(workdir, reference):
    from sim.lock import hold_folder

    out = unfinished_copy(workdir, "waited")
    landed = len(read_sweep(out).runs)
    with hold_folder(out):
        before = snapshot(out)
        proc = subprocess.Popen(
            sweep_cmd(workdir / "tiny_sweep.toml", out, "--wait"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        try:
            line = read_line(proc.stderr, 120)  # the handshake: it says whom it waits for
            assert line.startswith(f"waiting: {out}/ is in use by pid {os.getpid()}"), line
            assert snapshot(out) == before
        except BaseException:
            proc.kill()
            raise
    stdout, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 0, stderr
    assert f"resumed: {landed} were done" in " ".join(stdout.split())
    assert_same_tables(out, reference)


def test_two_sweeps_started_together_on_one_folder_run_each_run_once(workdir, reference):
    out = workdir / "together"
    command = sweep_cmd(workdir / "tiny_sweep.toml", out, "--workers", "1", "--wait")
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], [err for _, err in results]
    ran = sorted(
        int(" ".join(stdout.split()).split("; ran ")[1].split()[0]) for stdout, _ in results
    )
    assert ran == [0, RUNS]  # the second found every run done
    assert_same_tables(out, reference)


def test_a_lock_left_by_a_killed_process_does_not_block_the_next_sweep(workdir, reference):
    out = unfinished_copy(workdir, "stale_lock")
    holder = start_lock_holder(out)
    try:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        holder.kill()
        holder.wait(timeout=30)
    result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out))
    assert result.returncode == 0, result.stderr
    assert_same_tables(out, reference)


# --- designs ------------------------------------------------------------------------------------


def design_file(workdir: Path, name: str, body: str) -> Path:
    path = workdir / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_grid_is_the_full_product_of_listed_values_and_levels(workdir):
    path = design_file(
        workdir,
        "grid",
        """
[sweep]
name = "grid"
base = "tiny.toml"
design = "grid"
replicates = 2

[parameters]
"foreign.wagner.commitment" = [0.2, 0.5, 0.8]
"foreign.wagner.risk_tolerance" = { min = 0.1, max = 0.9, levels = 5 }
"factions.state.unit_size" = { min = 100, max = 400, levels = 3 }
""",
    )
    sweep = load_sweep(path)
    assert sweep.points == 3 * 5 * 3 and sweep.total_runs == 90
    rows = set(map(tuple, sweep.design.to_numpy().tolist()))
    assert len(rows) == 45
    assert sorted(sweep.design["foreign.wagner.risk_tolerance"].unique()) == pytest.approx(
        [0.1, 0.3, 0.5, 0.7, 0.9]
    )
    assert sorted(sweep.design["factions.state.unit_size"].unique()) == [100, 250, 400]
    assert sweep.scenario(44).factions["state"].unit_size == 400


@pytest.mark.parametrize("design,samples", [("lhs", 40), ("sobol", 64)])
def test_lhs_and_sobol_fill_each_range_stratum_by_stratum(workdir, design, samples):
    path = design_file(
        workdir,
        design,
        f"""
[sweep]
name = "{design}"
base = "tiny.toml"
design = "{design}"
replicates = 1
samples = {samples}
seed = 3

[parameters]
"foreign.wagner.commitment" = {{ min = 0.2, max = 0.8 }}
"foreign.wagner.risk_tolerance" = {{ min = 0.1, max = 0.9 }}
"factions.jihadists.aggression" = [0.1, 0.3, 0.5, 0.7]
""",
    )
    sweep = load_sweep(path)
    design_table = sweep.design
    assert len(design_table) == samples
    for name, (lo, hi) in {
        "foreign.wagner.commitment": (0.2, 0.8),
        "foreign.wagner.risk_tolerance": (0.1, 0.9),
    }.items():
        values = design_table[name].to_numpy()
        assert values.min() >= lo and values.max() <= hi
        # split the range into as many equal strata as there are points: each holds one point
        # (for Sobol' too: each axis of a 2^m-point net is stratified at every power of 2)
        for strata in {samples, 8}:
            counts = np.bincount(((values - lo) / (hi - lo) * strata).astype(int), minlength=strata)
            assert (counts == samples // strata).all(), (strata, counts)
    # listed values are drawn in equal strata too
    counts = design_table["factions.jihadists.aggression"].value_counts()
    assert sorted(counts.index) == [0.1, 0.3, 0.5, 0.7]
    assert (counts == samples // 4).all()
    # the design is a function of the sweep seed
    assert load_sweep(path).design.equals(design_table)
    reseeded = design_file(
        workdir, f"{design}_reseeded", path.read_text().replace("seed = 3", "seed = 4")
    )
    assert not load_sweep(reseeded).design.equals(design_table)


# --- bad input ----------------------------------------------------------------------------------


BAD = {
    "unknown_parameter": (
        '[sweep]\nname = "b"\nbase = "tiny.toml"\nreplicates = 2\n'
        '[parameters]\n"foreign.wagner.comitment" = [0.1, 0.2]\n',
        'parameters."foreign.wagner.comitment": unknown parameter',
    ),
    "out_of_range_value": (
        '[sweep]\nname = "b"\nbase = "tiny.toml"\nreplicates = 2\n'
        '[parameters]\n"foreign.wagner.commitment" = [0.5, 1.5]\n',
        "foreign.wagner.commitment: Input should be less than or equal to 1",
    ),
    "grid_range_without_levels": (
        '[sweep]\nname = "b"\nbase = "tiny.toml"\nreplicates = 2\n'
        '[parameters]\n"foreign.wagner.commitment" = { min = 0.1, max = 0.9 }\n',
        'parameters."foreign.wagner.commitment": a range in a grid design needs levels',
    ),
    "sobol_not_power_of_two": (
        '[sweep]\nname = "b"\nbase = "tiny.toml"\nreplicates = 2\ndesign = "sobol"\n'
        'samples = 50\n[parameters]\n"foreign.wagner.commitment" = { min = 0.1, max = 0.9 }\n',
        "sweep.samples: Sobol' points are balanced only in powers of 2; got 50 (use 32 or 64)",
    ),
    "misspelled_field": (
        '[sweep]\nname = "b"\nbase = "tiny.toml"\nreplicate = 2\n'
        '[parameters]\n"foreign.wagner.commitment" = [0.1]\n',
        "sweep.replicate: unknown field",
    ),
    "missing_base": (
        '[sweep]\nname = "b"\nbase = "nowhere.toml"\nreplicates = 2\n'
        '[parameters]\n"foreign.wagner.commitment" = [0.1]\n',
        "nowhere.toml: no such file",
    ),
    "reversed_range": (
        '[sweep]\nname = "b"\nbase = "tiny.toml"\nreplicates = 2\ndesign = "lhs"\n'
        'samples = 8\n[parameters]\n"foreign.wagner.commitment" = { min = 0.9, max = 0.1 }\n',
        'parameters."foreign.wagner.commitment": max (0.1) must be greater than min (0.9)',
    ),
}


@pytest.mark.parametrize("field", ["replicates", "seed"])
def test_true_for_a_number_in_a_sweep_file_is_an_input_error(workdir, field):
    """``true`` is not read as 1, in a sweep file as in a scenario."""
    body = SWEEP.replace(
        "replicates = 4", "replicates = true" if field == "replicates" else "replicates = 4"
    )
    body = body.replace("seed = 11", "seed = true" if field == "seed" else "seed = 11")
    path = design_file(workdir, f"true_{field}", body)
    out = workdir / f"never_written_{field}"
    result = run_cli(sweep_cmd(path, out))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: sweep.{field}: expected a number, not true/false (got True)"
    ]
    assert not out.exists()


def test_broken_sweep_files_exit_2_with_one_line_per_problem_and_nothing_written(workdir):
    paths = []
    for name, (body, _) in BAD.items():
        paths.append(design_file(workdir, f"bad_{name}", body))
        with pytest.raises(ScenarioError):
            load_sweep(paths[-1])
    result = run_cli([MALISIM, "check", *map(str, paths)])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    text = " ".join(result.stderr.split())
    for path, (_, expected) in zip(paths, BAD.values(), strict=True):
        assert f"{path}:" in text and expected in text, (path, expected, text)

    out = workdir / "never_written"
    result = run_cli(sweep_cmd(paths[1], out, "--workers", "0"))
    assert result.returncode == 2
    assert "--workers: expected a whole number >= 1" in result.stderr
    assert "foreign.wagner.commitment" in result.stderr
    assert not out.exists()


def test_a_sweep_refuses_to_resume_into_results_of_another_model_version(workdir, reference):
    out = unfinished_copy(workdir, "other_version")
    record = json.loads((out / "sweep.json").read_text())
    record["model_version"] = "0.0.1"
    (out / "sweep.json").write_text(json.dumps(record))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = run_cli(sweep_cmd(workdir / "tiny_sweep.toml", out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "model version 0.0.1" in lines[0], result.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before, "nothing written into the other version's folder"


def test_results_record_the_model_version_and_revision_that_wrote_them(reference):
    import sim

    manifest = reference.manifest
    assert manifest["model_version"] == sim.__version__
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True)
    assert manifest["git_revision"] == (head.stdout.decode().strip() or None)
    assert json.loads((reference.folder / "sweep.json").read_text())["model_version"] == (
        sim.__version__
    )
