"""Where the Tinzaouatene column of ``north_2024`` is, and why it does or does not go in (C9b).

C9b asks that Wagner lose the record's 46 men or more within 150 km of Tinzaouatene between the
order (2024-07-20) and 30 September in a quarter of runs. This follows the ordered column of
the first runs day by day: its men, how near its nearest piece is to the town, the campaign's
odds against the town's defence and the odds it demands (``sim.war.campaigns``), whether it
went in, the assaults on the state's side within 150 km of the town after the order (on its
camp, ``sim.war.assaults.camps``, since model 0.55.0) and Wagner's dead in them, and all of
Wagner's dead after the order. It reads the model's state; it changes
nothing.

    .venv/bin/python benchmarks/tinzaouatene_column.py [--runs 6] [--seed 1]

Prints a markdown table (one row a run) and writes it to
``benchmarks/results/tinzaouatene_column_model_<version>.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pandas as pd

import sim
from sim import MaliConflictModel
from sim.ensemble import run_seed
from sim.geography import cells_apart
from sim.scenario import load_scenario
from sim.validate.measures import km_from
from sim.war import campaigns, towns
from sim.war.posture import Posture

ROOT = Path(__file__).resolve().parent.parent
ORDER, END = dt.date(2024, 7, 20), dt.date(2024, 9, 30)
NEAR_KM = 150.0


def follow(seed: int, run_id: int) -> dict[str, object]:
    """One run's column from the order to 30 September."""
    config = load_scenario(ROOT / "scenarios" / "north_2024.toml")
    model = MaliConflictModel(config, rng=run_seed(seed, run_id))
    town = model.towns["tinzaouatene"]
    row: dict[str, object] = {"run": run_id, "peak men": 0, "pieces": 0}
    closest, best_odds, ratio, launched, stood_at = None, 0.0, None, None, None
    dead_before = None
    while model.running and model.date <= END:
        model.step()
        if model.date < ORDER:
            continue
        if dead_before is None:
            dead_before = model.ledger["wagner"]["deaths"] if "wagner" in model.ledger else 0
        columns = [
            u
            for actor in ("state", "wagner")
            for u in model.units_of(actor)
            if u.posture == Posture.OFFENSIVE and u.objective == "tinzaouatene"
        ]
        if columns:
            row["peak men"] = max(int(row["peak men"]), sum(u.strength for u in columns))
            row["pieces"] = max(int(row["pieces"]), len(columns))
            km = min(cells_apart(u.xy, town.xy) for u in columns) * model.cell_km
            closest = km if closest is None else min(closest, km)
        campaign = model.campaigns.open.get(("state", "tinzaouatene"))
        if campaign is not None:
            close = [u for u in columns if cells_apart(u.xy, town.xy) <= model.reach_cells]
            if close and town.holder and towns.defended(model, town, close[0]):
                stood_at = stood_at or model.date
                defence = max(towns.defence_power(model, town, against=close[0].actor), 1.0)
                best_odds = max(best_odds, sum(u.power() for u in close) / defence)
                ratio = model.config.factions["state"].attack_ratio * (
                    1.0 - 0.5 * campaigns.partner_risk(model, campaign)
                )
            if campaign.launched and launched is None:
                launched = model.date
    row["nearest km"] = "-" if closest is None else f"{closest:.0f}"
    row["stood at reach from"] = stood_at or "-"
    row["best odds"] = f"{best_odds:.2f}"
    row["odds demanded"] = "-" if ratio is None else f"{ratio:.2f}"
    row["went in"] = launched or "no"
    row["holder on 30 Sept"] = town.holder or "nobody"
    events = pd.DataFrame(model.log.events)
    hit = events[
        (events["event_type"] == "assault")
        & (pd.to_datetime(events["date"]).dt.date >= ORDER)
        & (km_from(events, "tinzaouatene") <= NEAR_KM)
    ]
    row["assaults near it"] = len(hit)
    row["Wagner dead in them"] = int(hit["deaths_foreign_wagner"].sum())
    row["Wagner dead from the order"] = model.ledger["wagner"]["deaths"] - (dead_before or 0)
    return row


def main() -> int:
    """Follow the column of the first runs and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = [follow(args.seed, r) for r in range(args.runs)]
    head = list(rows[0])
    lines = [
        f"# The Tinzaouatene column of north_2024, model {sim.__version__}",
        "",
        f"`python benchmarks/tinzaouatene_column.py --runs {args.runs} --seed {args.seed}`: "
        f"the first {args.runs} runs of the ensemble seed {args.seed}, from the order "
        f"({ORDER}) to {END}. 'Wagner dead from the order' counts all of Wagner's dead, "
        "anywhere.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(str(r[h]) for h in head) + " |" for r in rows),
    ]
    frame = pd.DataFrame(rows)
    lines += [
        "",
        f"Over the {len(rows)} runs: the column went in in {(frame['went in'] != 'no').sum()}; "
        f"{(frame['assaults near it'] > 0).sum()} had an assault within {NEAR_KM:.0f} km of the "
        f"town after the order ({frame['assaults near it'].sum()} in all), which killed "
        f"{frame['Wagner dead in them'].sum()} of Wagner's men "
        f"({(frame['Wagner dead in them'] >= 30).sum()} runs with 30 or more); Wagner's dead "
        f"from the order, anywhere: median {frame['Wagner dead from the order'].median():g}, "
        f"46 or more in {(frame['Wagner dead from the order'] >= 46).sum()}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results" / f"tinzaouatene_column_model_{sim.__version__}.md"
    out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
