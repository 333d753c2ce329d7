"""Writing result files safely: a file appears complete or not at all.

Every table is written under a temporary name in the same folder, flushed to disk, then renamed
over its final name (``os.replace`` is atomic on POSIX). An interrupted write leaves a
``.tmp`` file, never a half-written table that looks complete. ``manifest.json`` is written
last: a results folder without one is unfinished.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a hidden temporary name beside ``path``, fsync it, rename it."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: Path, text: str) -> None:
    """Write text (UTF-8) atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_parquet(table: pd.DataFrame | pa.Table, path: Path) -> None:
    """Write a DataFrame or an Arrow table as Parquet atomically."""
    if isinstance(table, pd.DataFrame):
        atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False))
    else:
        atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def git_revision() -> str | None:
    """The source tree's git revision, if it is a checkout."""
    try:
        root = Path(__file__).resolve().parent.parent
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return result.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def versions() -> dict[str, str]:
    """Versions of Python and the libraries a result depends on."""
    import mesa
    import numpy
    import pyarrow
    import pydantic

    import sim

    return {
        "malisim": sim.__version__,
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "pandas": pd.__version__,
        "pyarrow": pyarrow.__version__,
        "pydantic": pydantic.__version__,
    }


def manifest(**fields: Any) -> dict[str, Any]:
    """A manifest: what was run, how, when, with what versions and revision."""
    import sim

    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_version": sim.__version__,
        "command": sys.argv,
        "git_revision": git_revision(),
        "versions": versions(),
        **fields,
    }


def write_manifest(folder: Path, data: dict[str, Any]) -> None:
    """Write ``manifest.json`` (last, atomically)."""
    atomic_write_text(
        Path(folder) / "manifest.json", json.dumps(data, indent=2, default=str) + "\n"
    )
