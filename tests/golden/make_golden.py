"""Golden digests of the model's tables, for the speed-equivalence test.

Optimisations must not change results: for fixed seeds, the runs, events and timeseries tables
must be bit-for-bit what they were. This script runs a few small cases (a frozen copy of the
Kidal 2023 scenario, ``tests/golden/scenario.toml``, for about 90 days at resolutions 1.0, 0.5
and 0.25 degrees) and writes a SHA-256 digest of each table to ``tests/golden/digests.json``.

Regenerate the digests only when results are *meant* to change (a new mechanism, a recalibrated
default), never to make a speed-up pass::

    .venv/bin/python tests/golden/make_golden.py

To check that an optimisation preserves results, compare against the code before it, not against
the stored file: ``python tests/golden/make_golden.py --print`` under both versions and diff.
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

CASES: dict[str, dict] = {
    # name: overrides of the frozen scenario, and the ensemble seed
    "res1.0_90d": {"overrides": ["scenario.resolution=1.0", "scenario.end=2023-12-30"], "seed": 11},
    "res0.5_90d": {"overrides": ["scenario.resolution=0.5", "scenario.end=2023-12-30"], "seed": 12},
    "res0.25_90d_allied": {
        "overrides": [
            "scenario.end=2023-12-30",
            "relations.separatists_jihadists=allied",
        ],
        "seed": 13,
    },
}
RUNS_PER_CASE = 2


def table_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of a table: its column names, dtypes and every value (floats bit for bit)."""
    h = hashlib.sha256()
    h.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()


def compute() -> dict[str, dict]:
    """Run every case and return ``{case: {table: digest, ...}}`` (with row counts)."""
    from sim.ensemble import concat, run_one, run_seed
    from sim.scenario import load_scenario

    out: dict[str, dict] = {}
    for name, case in CASES.items():
        scenario = load_scenario(SCENARIO, case["overrides"])
        tables = [
            run_one(scenario, run_id, run_seed(case["seed"], run_id))
            for run_id in range(RUNS_PER_CASE)
        ]
        results = concat(tables)
        out[name] = {
            table: table_digest(getattr(results, table))
            for table in ("runs", "events", "timeseries")
        }
        out[name]["rows"] = {
            table: len(getattr(results, table)) for table in ("runs", "events", "timeseries")
        }
    return out


def main(argv: list[str]) -> None:
    """Write the digests (or print them with ``--print``)."""
    digests = compute()
    text = json.dumps(digests, indent=2, sort_keys=True) + "\n"
    if "--print" in argv:
        sys.stdout.write(text)
    else:
        DIGESTS.write_text(text)
        print(f"wrote {DIGESTS}")


if __name__ == "__main__":
    main(sys.argv[1:])
