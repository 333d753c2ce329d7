"""One writer a results folder: an exclusive lock that ``malisim run`` and ``malisim sweep`` take.

Two processes writing into the same folder interleave their files: two sweeps started a few
seconds apart on the same ``--out`` each ran every unfinished run, and the runs table held 81
rows for 60 runs. A writer therefore holds an operating-system lock (``filelock``, ``flock`` on
POSIX) on ``.malisim.lock`` inside the folder for as long as it writes there. The lock dies with
its process, so a writer killed with SIGKILL never leaves a stale lock behind. Beside the lock,
``.malisim.lock.json`` names the holder (pid, command, since when), so that a refused writer can
say who holds the folder; it is advice for the message only, never the lock itself.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from sim.io import atomic_write_text

LOCK_FILE = ".malisim.lock"
"""The lock file inside a results folder (empty; the OS lock on it is what counts)."""

HOLDER_FILE = ".malisim.lock.json"
"""Who holds the lock: pid, host, command and since when (removed on release)."""


class FolderBusy(Exception):
    """Another process holds the results folder's lock."""

    def __init__(self, folder: Path, holder: str):
        super().__init__(
            f"{folder}/: in use by {holder}, which is writing results there; wait for it to "
            "finish, or pass --wait to start when it does"
        )
        self.folder = folder
        self.holder = holder


def describe_holder(folder: Path) -> str:
    """Name the process that holds ``folder``'s lock, from what it recorded when taking it."""
    try:
        record: dict[str, Any] = json.loads((folder / HOLDER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "another process (not yet recorded)"
    where = "" if record.get("host") == socket.gethostname() else f" on {record.get('host')}"
    command = shlex.join(str(part) for part in record.get("command", []))
    return f"pid {record.get('pid')}{where} ({command}, since {record.get('since')})"


def claimed(folder: Path) -> bool:
    """Whether a malisim writer has locked ``folder``, now or before (its lock file is there).

    A writer that has just taken a new folder's lock fills it before it writes the record that
    says whose it is (``sweep.json``, ``calibration.json``); a second writer that looks in between
    sees files and no record. Such a folder is judged under the lock, never before it.
    """
    return (folder / LOCK_FILE).exists()


@contextmanager
def hold_folder(
    folder: str | Path, wait: bool = False, on_wait: Callable[[str], None] | None = None
) -> Iterator[Path]:
    """Hold the exclusive lock on a results folder (created if missing) while writing into it.

    Args:
        folder: the results folder.
        wait: if another process holds the folder, wait for it instead of refusing.
        on_wait: called once with the holder's description when the lock must be waited for.

    Yields:
        The folder.

    Raises:
        FolderBusy: another process holds the folder and ``wait`` is false.

    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK_FILE)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = describe_holder(folder)
        if not wait:
            raise FolderBusy(folder, holder) from None
        if on_wait is not None:
            on_wait(holder)
        lock.acquire()
    try:
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": sys.argv,
            "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        atomic_write_text(folder / HOLDER_FILE, json.dumps(record) + "\n")
        yield folder
    finally:
        (folder / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()
