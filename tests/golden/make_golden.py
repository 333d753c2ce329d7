"""Golden digests of the model's tables and a per-day trace, so that a refactor can prove it
changed nothing.

For fixed seeds, the runs, events and timeseries tables must be bit-for-bit what they were. This
script runs a few frozen cases and writes a SHA-256 digest of each table to
``tests/golden/digests.json``, and a short digest of the model's state after every day (each
unit's state and both random generators' states: the model draws from ``random`` and ``rng``) to
``tests/golden/traces.json``, so that a divergence names the day it starts.

The cases, and what each reaches:

- ``res1.0_90d``, ``res0.5_90d``, ``res0.25_90d_allied``: a frozen Kidal 2023
  (``scenario.toml``) for 90 days at three resolutions: the offensive on Kidal, the UN's base
  closures, the abandonment and capture of Kidal, separatists and jihadists allied.
- ``arc_res1.0``: the frozen 2012-2025 arc (``history.toml``) at 1.0 degree: three coups,
  relations events, ``set`` events, arrivals, MINUSMA's base closures, scheduled departures,
  patrons' reinforcements, draw-downs and a withdrawal.
- ``north_2024_reluctant``: the frozen north_2024 (``north_2024.toml``) at 0.5 degree with
  Wagner's commitment at 0.1: the patron draws down and withdraws.

Regenerate only when results are *meant* to change (a new mechanism, a recalibrated default),
never to make a refactor or a speed-up pass, and say why in the commit. Results that change
make a new model version: the digests record the version they were made with, and this script
refuses to write changed digests under the same version (bump ``sim.__version__`` and add an
entry to ``CHANGELOG.md`` first)::

    .venv/bin/python tests/golden/make_golden.py

To compare two versions of the code directly: ``python tests/golden/make_golden.py --print``
under both and diff.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "scenario.toml"
DIGESTS = HERE / "digests.json"
TRACES = HERE / "traces.json"
TABLES = ("runs", "events", "timeseries")

CASES: dict[str, dict] = {
    # name: the frozen scenario file, its overrides, and the ensemble seed
    "res1.0_90d": {
        "file": "scenario.toml",
        "overrides": ["scenario.resolution=1.0", "scenario.end=2023-12-30"],
        "seed": 11,
    },
    "res0.5_90d": {
        "file": "scenario.toml",
        "overrides": ["scenario.resolution=0.5", "scenario.end=2023-12-30"],
        "seed": 12,
    },
    "res0.25_90d_allied": {
        "file": "scenario.toml",
        "overrides": ["scenario.end=2023-12-30", "relations.separatists_jihadists=allied"],
        "seed": 13,
    },
    "arc_res1.0": {"file": "history.toml", "overrides": ["scenario.resolution=1.0"], "seed": 21},
    "north_2024_reluctant": {
        "file": "north_2024.toml",
        "overrides": ["scenario.resolution=0.5", "foreign.wagner.commitment=0.1"],
        "seed": 21,
    },
}
RUNS_PER_CASE = 2


def table_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of a table: its column names, dtypes and every value (floats bit for bit)."""
    h = hashlib.sha256()
    h.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


def day_digest(model) -> str:
    """A short digest of the model after a day: every unit's state and both generators' states."""
    h = hashlib.sha256()
    h.update(f"{model.steps} {model.date}".encode())
    for unit in sorted(model.agents, key=lambda u: u.unique_id):
        state = (
            unit.unique_id,
            unit.actor,
            unit.side,
            unit.strength,
            unit.morale,
            str(unit.posture),
            unit.xy,
            unit.objective,
            unit.destination,
            unit.halt_until,
            unit.progress_km,
        )
        h.update(repr(state).encode())
    h.update(repr(model.rng.bit_generator.state).encode())
    h.update(repr(model.random.getstate()).encode())
    return h.hexdigest()[:12]


def run_case(name: str) -> tuple[dict, list[list[str]]]:
    """Run one case: its table digests (with row counts) and each run's per-day trace."""
    from sim.ensemble import run_seed
    from sim.model import MaliConflictModel
    from sim.scenario import load_scenario
    from sim.tables import concat

    case = CASES[name]
    scenario = load_scenario(HERE / case["file"], case["overrides"])
    tables, traces = [], []
    for run_id in range(RUNS_PER_CASE):
        model = MaliConflictModel(scenario, rng=run_seed(case["seed"], run_id), run_id=run_id)
        trace = []
        while model.running:
            model.step()
            trace.append(day_digest(model))
        tables.append(model.tables())
        traces.append(trace)
    results = concat(tables)
    digests: dict = {table: table_digest(getattr(results, table)) for table in TABLES}
    digests["rows"] = {table: len(getattr(results, table)) for table in TABLES}
    return digests, traces


def compute() -> tuple[dict[str, dict], dict[str, list[list[str]]]]:
    """Run every case: ``({case: {table: digest, ...}}, {case: [trace per run]})``."""
    digests, traces = {}, {}
    for name in CASES:
        digests[name], traces[name] = run_case(name)
    return digests, traces


def first_divergence(stored: list[list[str]], now: list[list[str]]) -> tuple[int, int] | None:
    """``(run, day)`` of the first day whose state differs between two traces, or None."""
    for run, (a, b) in enumerate(zip(stored, now, strict=False)):
        for day, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return run, day
        if len(a) != len(b):
            return run, min(len(a), len(b))
    return None


def version_problem(stored: dict, computed: dict, version: str) -> str | None:
    """Why changed digests may not be written under this model version, or None."""
    old = {k: v for k, v in stored.items() if k != "model_version"}
    if old and old != computed and stored.get("model_version") == version:
        return (
            f"results changed but the model version is still {version}: bump sim.__version__ "
            "and say what changed in CHANGELOG.md"
        )
    return None


def main(argv: list[str]) -> None:
    """Write the digests and traces (or print the digests with ``--print``)."""
    import sim

    digests, traces = compute()
    if "--print" in argv:
        sys.stdout.write(json.dumps(digests, indent=2, sort_keys=True) + "\n")
        return
    stored = json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {}
    problem = version_problem(stored, digests, sim.__version__)
    if problem:
        sys.exit(problem)
    text = json.dumps({**digests, "model_version": sim.__version__}, indent=2, sort_keys=True)
    DIGESTS.write_text(text + "\n")
    TRACES.write_text(
        "{\n"
        + ",\n".join(
            f'  "{case}": [\n'
            + ",\n".join("    " + json.dumps(" ".join(run)) for run in runs)
            + "\n  ]"
            for case, runs in traces.items()
        )
        + "\n}\n"
    )
    print(f"wrote {DIGESTS} and {TRACES}")


if __name__ == "__main__":
    main(sys.argv[1:])
