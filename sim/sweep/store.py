"""A sweep's results folder: Parquet part files, what has finished, and reading it back.

Results stream to part files as tasks finish (``runs.parquet/``, ``events.parquet/``,
``timeseries.parquet/``: folders of parts, which ``pandas.read_parquet`` reads as one table).
Each part is written under a hidden temporary name and renamed into place, events and time
series first and the runs part last, so a runs part is the proof that its runs are complete.
``sweep.json`` records the sweep's definition, so a folder never mixes two sweeps' runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from sim import __version__ as MODEL_VERSION
from sim.io import atomic_write_parquet, atomic_write_text
from sim.lock import claimed
from sim.scenario import to_toml
from sim.sweep.file import RUN_ID_RULE, Sweep
from sim.tables import TABLES, Results

Batch = tuple[pa.Table, pa.Table | None, pa.Table | None]
"""A finished task's runs, events and time series (``None`` when a batch has no rows)."""


class SweepFolderError(Exception):
    """A results folder that cannot take this sweep (another sweep's, or not a sweep's)."""


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """Convert to an Arrow table whose column types do not depend on which runs are in the batch.

    A column that is empty in a batch (no run withdrew, none took Kidal) would otherwise be
    typed ``null`` in its part and clash with the parts where it has values: dates become
    ``date32``, anything else ``string``; large strings become plain strings.
    """
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = []
    for f in table.schema:
        kind = f.type
        if pa.types.is_null(kind):
            kind = pa.date32() if "date" in f.name else pa.string()
        elif pa.types.is_large_string(kind):
            kind = pa.string()
        fields.append(pa.field(f.name, kind))
    return table.cast(pa.schema(fields))


def part_name(first_run_id: int) -> str:
    """The file name of the part whose first run is ``first_run_id``."""
    return f"part-{first_run_id:09d}.parquet"


def _fsync_dir(folder: Path) -> None:
    # a rename is durable only once its folder is flushed; the standard library has no helper
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_part(folder: Path, result: Batch) -> int:
    """Write a finished batch: events and time series first, the runs part last (the commit).

    Returns:
        The number of runs written.

    """
    runs, events, weeks = result
    name = part_name(int(runs.column("run_id")[0].as_py()))
    for table, label in ((events, "events"), (weeks, "timeseries")):
        if table is not None:
            atomic_write_parquet(table, folder / f"{label}.parquet" / name)
    atomic_write_parquet(runs, folder / "runs.parquet" / name)
    _fsync_dir(folder / "runs.parquet")
    return runs.num_rows


def finished_runs(folder: Path) -> set[int]:
    """Run ids already in the folder's runs parts (an unfinished sweep's progress).

    Also deletes events and time-series parts whose runs part never landed (a crash between
    the writes) and leftover temporary files, so a resumed sweep writes them afresh. Call it
    only while holding the folder's lock (:func:`sim.lock.hold_folder`): another writer's
    temporary files would look like leftovers.
    """
    runs_dir = folder / "runs.parquet"
    done: set[int] = set()
    committed = set()
    for part in sorted(runs_dir.glob("part-*.parquet")):
        ids = pq.read_table(part, columns=["run_id"]).column("run_id").to_pylist()
        overlap = done.intersection(ids)
        if overlap:
            raise RuntimeError(f"{part}: runs {sorted(overlap)[:5]} are in another part too")
        done.update(ids)
        committed.add(part.name)
    for label in TABLES:
        sub = folder / f"{label}.parquet"
        for stale in sub.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        if label != "runs":
            for part in sub.glob("part-*.parquet"):
                if part.name not in committed:
                    part.unlink()
    return done


def read_sweep(folder: str | Path) -> Results:
    """Read a sweep folder's three tables (runs, events, timeseries), ordered by run id.

    Works on a finished or an unfinished sweep (it reads the parts that have landed).
    ``pandas.read_parquet(folder / "runs.parquet")`` reads the runs table just the same, in
    part order. ``swept`` lists the design's parameters that take more than one value
    (``design.csv``); ``manifest`` is empty until the sweep has finished.

    Raises:
        FileNotFoundError: the folder holds no ``runs.parquet/`` of parts.

    """
    folder = Path(folder)
    if not (folder / "runs.parquet").is_dir():
        raise FileNotFoundError(f"{folder}: not a sweep folder (no runs.parquet/ of parts)")
    tables = {}
    for label in TABLES:
        sub = folder / f"{label}.parquet"
        parts = sorted(sub.glob("part-*.parquet")) if sub.is_dir() else []
        if not parts:
            tables[label] = pd.DataFrame()
            continue
        frame = pads.dataset([str(p) for p in parts], format="parquet").to_table().to_pandas()
        # stable: rows of one run keep the order the model logged them in
        tables[label] = frame.sort_values("run_id", kind="stable").reset_index(drop=True)
    swept: list[str] = []
    if (folder / "design.csv").exists():
        design = pd.read_csv(folder / "design.csv", index_col="point")
        swept = [name for name in design.columns if design[name].nunique() > 1]
    record = folder / "manifest.json"
    manifest = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    return Results(**tables, folder=folder, is_sweep=True, swept=swept, manifest=manifest)


def saved_runs(folder: Path) -> int:
    """How many runs the folder's runs parts hold (read-only: no clean-up, no lock needed)."""
    parts = (folder / "runs.parquet").glob("part-*.parquet")
    return sum(pq.ParquetFile(part).metadata.num_rows for part in parts)


def check_folder(
    sweep: Sweep, folder: Path, events: str = "all", before_lock: bool = False
) -> int | None:
    """Check, writing nothing, that ``folder`` is new or holds this same sweep.

    Args:
        sweep: the sweep to run there.
        folder: the results folder.
        events: the events table's detail asked for.
        before_lock: the check made before taking the folder's lock; files without a
            ``sweep.json`` in a folder a malisim writer has locked may be another sweep's in the
            making (:func:`sim.lock.claimed`) and are left to the check made under the lock.

    Returns:
        The replicates per point the folder was started (or last extended) with, or None for
        a new folder. Fewer than ``sweep.replicates`` means the sweep is being extended.

    Raises:
        SweepFolderError: the folder holds a different sweep definition, more replicates than
            asked for, runs numbered another way, another ``--events`` detail, or other files.

    """
    record = folder / "sweep.json"
    if record.exists():
        old = json.loads(record.read_text(encoding="utf-8"))
        written_by = old.get("model_version", "before 0.2.0")
        if written_by != MODEL_VERSION:
            raise SweepFolderError(
                f"{folder}: --out: holds results of model version {written_by}, and this is "
                f"{MODEL_VERSION} (CHANGELOG.md says what changed); one table never mixes two "
                "models: use another --out, or delete the folder to start again"
            )
        if old.get("run_id") != RUN_ID_RULE:
            raise SweepFolderError(
                f"{folder}: --out: numbers its runs {old.get('run_id')!r}, not "
                f"{RUN_ID_RULE!r} as this version does; it cannot be resumed or extended: "
                "use another --out, or delete the folder to start again"
            )
        if old.get("definition_sha256") != sweep.definition_hash:
            raise SweepFolderError(
                f"{sweep.path}: sweep: changed since {folder} was started (definition sha256 "
                f"{sweep.definition_hash[:12]}, the folder's is "
                f"{str(old.get('definition_sha256'))[:12]}); results of two different sweeps "
                "are never mixed (only replicates may grow): use another --out, or delete the "
                "folder to start again"
            )
        started = old.get("events", "all")
        if started != events:
            raise SweepFolderError(
                f"{folder}: --events: the sweep was started with --events {started}; one events "
                f"table never mixes two details: resume with --events {started}"
            )
        had = int(old["replicates"])
        if sweep.replicates < had:
            raise SweepFolderError(
                f"{sweep.path}: sweep.replicates: {folder} already holds {had} replicates per "
                f"point and {sweep.replicates} were asked for; a sweep is extended, never cut: "
                f"ask for {had} or more, or use another --out"
            )
        return had
    if before_lock and claimed(folder):
        return None
    if folder.exists() and any(not p.name.startswith(".") for p in folder.iterdir()):
        raise SweepFolderError(
            f"{folder}: --out: the folder exists and is not a sweep's (no sweep.json); "
            "choose another --out"
        )
    return None


def prepare_folder(sweep: Sweep, folder: Path, events: str = "all") -> int | None:
    """Create the sweep folder, or check that it holds this same sweep.

    A folder extended to more replicates gets the new count in ``sweep.json`` (and the sweep
    file as given this time in ``sweep.toml``); its design and finished runs stay as they are.

    Returns:
        The replicates per point the folder held before (None for a new folder).

    Raises:
        SweepFolderError: see :func:`check_folder`.

    """
    had = check_folder(sweep, folder, events)
    if had is not None:
        if had < sweep.replicates:
            info = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
            info["extended"] = [*info.get("extended", []), [had, sweep.replicates]]
            info.update(replicates=sweep.replicates, runs=sweep.total_runs)
            atomic_write_text(folder / "sweep.toml", sweep.text)
            atomic_write_text(folder / "sweep.json", json.dumps(info, indent=2) + "\n")
        return had
    for label in TABLES:
        (folder / f"{label}.parquet").mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / "sweep.toml", sweep.text)
    atomic_write_text(folder / "base.toml", to_toml(sweep.base))
    design = sweep.design.reset_index()
    atomic_write_text(folder / "design.csv", design.to_csv(index=False))
    info = {
        "name": sweep.name,
        "sweep_file": str(sweep.path),
        "sweep_file_sha256": hashlib.sha256(sweep.text.encode("utf-8")).hexdigest(),
        "definition_sha256": sweep.definition_hash,
        "model_version": MODEL_VERSION,
        "base": str(sweep.base_path),
        "design": sweep.settings.design,
        "points": sweep.points,
        "replicates": sweep.replicates,
        "runs": sweep.total_runs,
        "seed": sweep.settings.seed,
        "events": events,
        "run_id": RUN_ID_RULE,
        "run_seed": "SeedSequence([seed, point, replicate]).generate_state(1, uint32)[0]",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    # sweep.json last: a folder with it is a sweep's folder, whatever else is missing
    atomic_write_text(folder / "sweep.json", json.dumps(info, indent=2) + "\n")
    return None
