"""The jihadists' recruitment in the arc, quarter by quarter, 2012-2014: men, weight, towns held.

Why the arc switches the jihadists' recruitment from 0.006 to 0.0012 on 2013-01-10, in
numbers: their recruitment weight (``RecruitmentPool.weights``: people within their networks,
by grievance and the state's lack of legitimacy) and the people of the towns they hold, before
and after Serval. A mechanism that ties recruitment to held towns
(``insurgency.recruitment_in_held_towns``) has to turn these into a drop of about five.

    .venv/bin/python benchmarks/recruitment_weights.py [--seeds 1 2]

Writes ``benchmarks/results/recruitment_weights_model_<version>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import sim
from sim import MaliConflictModel
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def quarters(seed: int) -> list[str]:
    """One table row a quarter of 2012-2014 for one run of the arc."""
    config = load_scenario(ROOT / "scenarios" / "history_2012_2025.toml")
    model = MaliConflictModel(config, rng=seed)
    rows = []
    while model.date < dt.date(2015, 1, 1):
        model.step()
        if model.date.day == 1 and model.date.month in (1, 4, 7, 10):
            weight = model.recruitment.weights["jihadists"][1]
            held = [t for t in model.towns if t.holder == "jihadists"]
            rate = model.config.factions["jihadists"].recruit_rate
            rows.append(
                f"| {seed} | {model.date} | {model.strength('jihadists')} | {weight:,.0f} "
                f"| {len(held)} | {sum(t.population for t in held):,} "
                f"| {model.purses.pay_factor(model, 'jihadists'):.2f} | {rate} |"
            )
    return rows


def main() -> None:
    """Print and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    lines = [
        f"The arc's jihadists by quarter, model {sim.__version__}, one run a seed "
        "(`python benchmarks/recruitment_weights.py`)",
        "",
        "| seed | date | jihadists | recruitment weight | towns held | their people "
        "| pay multiplier | recruit_rate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for seed in args.seeds:
        lines += quarters(seed)
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results" / f"recruitment_weights_model_{sim.__version__}.md"
    out.write_text(text)


if __name__ == "__main__":
    main()
