"""Helpers for tests that start real processes: read a child's line, hold a folder's lock."""

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
