"""Helpers for tests that start real processes: read a child's line, hold a folder's lock, kill a
sweep at a chosen part."""

from __future__ import annotations

import selectors
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HOLDER = (
    "import sys\nfrom sim.lock import hold_folder\n"
    "with hold_folder(sys.argv[1]):\n    print('held', flush=True)\n    sys.stdin.read()"
)


# ``malisim ARGS`` that SIGKILLs itself at a chosen part of a sweep (or of anything that runs
# through the sweep engine): "after N" once its N-th part has landed whole, "torn N" in the middle
# of the N-th part (its events and weeks written, its runs part not). Only this process writes
# parts, on one worker, a pool or Dask alike, so the kill lands at that point and no other: no
# polling of the folder, no race with the sweep's end.
DIE_AT_PART = """
import os, signal, sys
import sim.sweep.execute as execute
import sim.sweep.store as store

when, count, written = sys.argv[1], int(sys.argv[2]), 0
real_write, real_parquet = execute.write_part, store.atomic_write_parquet

def write_part(folder, result):
    global written
    written += 1
    n = real_write(folder, result)
    if when == "after" and written == count:
        os.kill(os.getpid(), signal.SIGKILL)
    return n

def parquet(table, path):
    if when == "torn" and written == count and path.parent.name == "runs.parquet":
        os.kill(os.getpid(), signal.SIGKILL)
    real_parquet(table, path)

execute.write_part, store.atomic_write_parquet = write_part, parquet
from sim.cli import app
sys.argv = ["malisim", *sys.argv[3:]]
app()
"""


def dying_malisim(when: str, part: int, *args) -> list[str]:
    """The command line of ``malisim ARGS`` that SIGKILLs itself ``when`` ("after" or "torn")
    its ``part``-th part is written (``DIE_AT_PART``)."""
    return [sys.executable, "-c", DIE_AT_PART, when, str(part), *map(str, args)]


def read_line(stream, timeout: float) -> str:
    """The next line a child writes to a pipe, waiting at most ``timeout`` seconds for it."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError("the process wrote nothing in time")
    return stream.readline()


def start_lock_holder(folder: Path) -> subprocess.Popen:
    """A child process that holds a results folder's lock until its stdin closes.

    Returns once the child says it holds the lock (the handshake, not a sleep).
    """
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert read_line(holder.stdout, 60) == "held\n"
    return holder


def malisim(*args, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``malisim ARGS`` in a child process of this interpreter, from the repository's root."""
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        env=env,
    )
