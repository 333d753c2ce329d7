"""What the state's own drones change in `north_2024`, with and without its partner's aircraft.

Issue 15 (item 3) puts the army's Turkish drones in the state's doctrine (`factions.state.
air_support`, from its `air_bases`), apart from Wagner's helicopters. Four arms of the same
ensemble (seed 1): as filed, without the drones, and both again with Wagner's aircraft taken
away, so that what the drones add where no partner flies shows:

    .venv/bin/python benchmarks/state_drones.py [--runs 40] [--workers 2]

Writes ``benchmarks/results/state_drones_north_2024.json`` and ``.md`` (medians over runs;
docs/CALIBRATION.md quotes them).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "north_2024.toml"
OUTCOMES = {
    "deaths_state": "army's dead",
    "deaths_foreign_wagner": "Wagner's dead",
    "deaths_jihadists": "jihadists killed",
    "deaths_separatists": "separatists killed",
    "pop_share_state": "people under the state",
    "pop_share_jihadists": "people under the jihadists",
    "deaths_civilians": "civilians killed",
}
ARMS = {
    "as filed": [],
    "no drones": ["factions.state.air_support=0"],
    "Wagner without aircraft": ["foreign.wagner.air_support=0"],
    "Wagner without aircraft, no drones": [
        "foreign.wagner.air_support=0",
        "factions.state.air_support=0",
    ],
}


def main() -> None:
    from sim import __version__, load_scenario, run_ensemble

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    table = {}
    for arm, overrides in ARMS.items():
        runs = run_ensemble(
            load_scenario(SCENARIO, overrides), runs=args.runs, seed=1, workers=args.workers
        ).runs
        table[arm] = {c: float(runs[c].median()) for c in OUTCOMES}
    out = ROOT / "benchmarks" / "results" / "state_drones_north_2024"
    meta = {"scenario": "scenarios/north_2024.toml", "runs": args.runs, "seed": 1}
    out.with_suffix(".json").write_text(
        json.dumps({**meta, "model_version": __version__, "arms": ARMS, "medians": table}, indent=2)
    )
    share = {"pop_share_state", "pop_share_jihadists"}
    lines = [
        f"north_2024, {args.runs} runs per arm, seed 1, model {__version__}: medians over runs",
        "",
        "| arm | " + " | ".join(OUTCOMES.values()) + " |",
        "|---" * (len(OUTCOMES) + 1) + "|",
    ]
    for arm, values in table.items():
        cells = [f"{v:.1%}" if c in share else f"{v:.0f}" for c, v in values.items()]
        lines.append(f"| {arm} | " + " | ".join(cells) + " |")
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
