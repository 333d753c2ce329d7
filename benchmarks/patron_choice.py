"""The patron's choice measured: what commitment and risk tolerance change, and the 2024 campaign.

Issue 15 asks for the commitment x risk sweep's table of outcomes (medians and intervals), which
design each lens prefers, the `north_2024` results on Tinzaouatene, and the what-ifs of the
patron's choice side by side. This script makes all four from real runs:

    .venv/bin/python benchmarks/patron_choice.py [--replicates N] [--runs 40] [--workers 2]

- the sweep `scenarios/sweeps/commitment_x_risk.toml` (its own replicates unless
  ``--replicates`` says fewer) into ``results/commitment_x_risk/`` (resumed if there);
- `north_2024` and the what-ifs of `scenarios/what_if/` on the 2024 campaign, ``--runs`` each
  with seed 1, through the same runner as `malisim run`;

and writes ``benchmarks/results/patron_choice.json`` and ``.md`` (the docs quote them). The
sweep file's 60 runs a design are needed: with 20 the Bamako lens's medians (within a
hundredth of each other over the designs, models 0.43.0-0.44.0) are too close for their 95%
intervals to part, and no pair of designs shows as settled in opposite orders.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "patron_choice"
COMMITMENT = "foreign.wagner.commitment"
RISK = "foreign.wagner.risk_tolerance"
SWEPT_OUTCOMES = {
    "deaths_foreign_wagner": "Wagner's dead",
    "deaths_insurgents": "insurgents killed",
    "area_share_state": "area under the state",
    "area_share_separatists": "area under the separatists",
    "pop_share_state": "people under the state",
    "civilians_killed_by_wagner": "civilians killed by Wagner",
    "deaths_state": "army's dead",
    "civilians_killed_by_state": "civilians killed by the army",
    "pop_share_jihadists_centre": "the centre's people under the jihadists",
    "abuse_events": "abuses by the state's side",
    "strength_end_foreign_wagner": "Wagner's men at the end",
    "lens_western": "Western lens",
    "lens_bamako": "Bamako lens",
    "lens_patron": "patron lens",
}
WHAT_IFS = [
    "scenarios/north_2024.toml",
    "scenarios/what_if/army_in_contractors_place.toml",
    "scenarios/what_if/cautious_contractor.toml",
    "scenarios/what_if/low_risk_partner.toml",
    "scenarios/what_if/patron_doubles_down.toml",
    "scenarios/what_if/patron_withdraws.toml",
]
MASS = 50  # politics.mass_casualty_threshold's default: a mass-casualty defeat
ORDER = pd.Timestamp("2024-07-20")  # north_2024's order to take Tinzaouatene (a dated input)


def quantiles(values: pd.Series) -> list[float]:
    """Median and 5-95% of a column over runs."""
    return [round(float(v), 3) for v in np.nanpercentile(values.astype(float), [50, 5, 95])]


def with_insurgents(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs table with the insurgents' dead together (jihadists and separatists)."""
    return runs.assign(deaths_insurgents=runs.deaths_jihadists + runs.deaths_separatists)


def sweep_table(runs: pd.DataFrame) -> list[dict]:
    """Per design (commitment, risk): each outcome's median and 5-95% over its replicates."""
    runs = with_insurgents(runs)
    rows = []
    for (commitment, risk), group in runs.groupby([COMMITMENT, RISK]):
        row = {"commitment": float(commitment), "risk_tolerance": float(risk), "runs": len(group)}
        for column in SWEPT_OUTCOMES:
            row[column] = quantiles(group[column])
        row["withdrew_foreign_wagner"] = round(float(group.withdrew_foreign_wagner.mean()), 3)
        # The campaign's objective: a reckless lead storms at worse odds (sim.war.campaigns).
        held = (group.holder_tinzaouatene == "state").mean()
        row["state_holds_tinzaouatene"] = round(float(held), 3)
        row["towns_held_state"] = round(float(towns_held(group).mean()), 2)
        row["wagner_mass_casualty"] = round(float(disasters(group).mean()), 3)
        rows.append(row)
    return rows


def towns_held(runs: pd.DataFrame) -> pd.Series:
    """How many of the towns the runs table follows (``holder_<town>``) the state holds."""
    holders = [c for c in runs.columns if c.startswith("holder_")]
    return (runs[holders] == "state").sum(axis=1)


def disasters(runs: pd.DataFrame) -> pd.Series:
    """Whether a run's worst engagement killed a mass casualty of Wagner's men (``MASS``)."""
    return runs.max_engagement_deaths_foreign_wagner >= MASS


RISK_BUYS = {
    "area_share_state": "area under the state",
    "towns_held_state": "towns the state holds (of those followed)",
    "deaths_insurgents": "insurgents killed",
    "deaths_civilians": "civilians killed (all sides)",
    "civilians_killed_by_wagner": "civilians killed by Wagner",
    "deaths_foreign_wagner": "Wagner's dead",
    "wagner_mass_casualty": "runs with a Wagner mass-casualty defeat",
    "state_holds_tinzaouatene": "runs with Tinzaouatene the state's at the end",
}


def what_risk_buys(runs: pd.DataFrame) -> dict:
    """Each outcome's mean per risk level (all commitments together), and the difference of
    each riskier level from the most cautious one with its 95% bootstrap interval
    (``sim.analysis.intervals.difference_interval``, unpaired): what risk buys and what it
    costs, with how sure the sweep is of it (issue 15, item 1)."""
    from sim.analysis.intervals import difference_interval

    runs = with_insurgents(runs).assign(
        towns_held_state=lambda r: towns_held(r),
        wagner_mass_casualty=lambda r: disasters(r).astype(float),
        state_holds_tinzaouatene=lambda r: (r.holder_tinzaouatene == "state").astype(float),
    )
    levels = sorted(runs[RISK].unique())
    cautious = runs[runs[RISK] == levels[0]]
    said = {}
    for column in RISK_BUYS:
        base = cautious[column].to_numpy(float)
        rows = []
        for level in levels:
            mine = runs[runs[RISK] == level][column].to_numpy(float)
            low, high = difference_interval(base, mine, paired=False, statistic=np.mean)
            rows.append(
                {
                    "risk_tolerance": float(level),
                    "mean": round(float(mine.mean()), 4),
                    "minus_cautious": [
                        round(float(mine.mean() - base.mean()), 4),
                        round(low, 4),
                        round(high, 4),
                    ],
                }
            )
        said[column] = rows
    return said


def preferred_designs(summary: pd.DataFrame) -> dict[str, dict]:
    """Each lens's best design by median score (``sim.analysis.lenses.preferred_designs``)."""
    from sim.analysis.lenses import MAIN_LENSES
    from sim.analysis.lenses import preferred_designs as best_designs

    best = best_designs(summary).set_index("lens")
    return {
        lens: {
            "commitment": float(best.at[lens, COMMITMENT]),
            "risk_tolerance": float(best.at[lens, RISK]),
            "median": round(float(best.at[lens, "median"]), 3),
        }
        for lens in MAIN_LENSES
    }


def judges_satisfied(runs: pd.DataFrame) -> dict[str, dict]:
    """Where each judge is satisfied, in words: scenario discovery on the sweep.

    Every run of this sweep scores above one half by every lens, so "satisfied" is relative: a
    run is among the best quarter of the outcomes that judge sees over the sweep (its score at
    or above the lens's upper quartile over all runs, rounded down to 0.01). The lines are
    ``malisim discover results/commitment_x_risk --outcome 'lens_X>=Q'`` (CART, depth 2).
    """
    from sim.analysis.discovery import discovery_report

    said = {}
    for lens in ("lens_western", "lens_bamako", "lens_patron"):
        bound = np.floor(float(runs[lens].quantile(0.75)) * 100) / 100
        outcome = f"{lens}>={bound:.2f}"
        _, lines = discovery_report(runs, outcome, [COMMITMENT, RISK], method="cart")
        said[lens] = {"outcome": outcome, "lines": lines}
    return said


def disagreements(summary: pd.DataFrame) -> dict:
    """Where the judges disagree: what ``malisim lenses results/commitment_x_risk`` prints.

    The pairs of designs two lenses rank in opposite orders with 95% intervals of the median
    that do not overlap (``opposed_pairs``: how many for each pair of lenses, and the clearest
    three), and Spearman's rank correlation of each pair of lenses' medians over the designs
    (the bottom row of ``lens_preferences.png``).
    """
    from sim.analysis.lenses import MAIN_LENSES, opposed_pairs, rank_table, spearman

    pairs = opposed_pairs(summary)
    ranks = rank_table(summary)
    by_key = summary.set_index(["lens", "design"])

    def interval(lens: str, design: str) -> list[float]:
        """A design's median under a lens and its 95% interval, to three decimals."""
        row = by_key.loc[(lens, design)]
        return [round(float(row[k]), 3) for k in ("median", "low", "high")]

    said = {}
    for i, lens_a in enumerate(MAIN_LENSES):
        for lens_b in MAIN_LENSES[i + 1 :]:
            mine = pairs[(pairs.lens_a == lens_a) & (pairs.lens_b == lens_b)]
            rho = spearman(ranks, lens_a, lens_b)
            said[f"{lens_a}_vs_{lens_b}"] = {
                "spearman": round(float(rho), 2),
                "opposed_pairs": len(mine),
                "clearest": [
                    {
                        "preferred_by_a": row.preferred_by_a,
                        "preferred_by_b": row.preferred_by_b,
                        "a_of_a_choice": interval(lens_a, row.preferred_by_a),
                        "a_of_b_choice": interval(lens_a, row.preferred_by_b),
                        "b_of_a_choice": interval(lens_b, row.preferred_by_a),
                        "b_of_b_choice": interval(lens_b, row.preferred_by_b),
                    }
                    for row in mine.head(3).itertuples()
                ],
            }
    return said


def tinzaouatene(results) -> dict:
    """Where and when Wagner's men died near Tinzaouatene (criterion C9b's measure, wider)."""
    from sim.validate.measures import km_from

    events, runs = results.events, results.runs
    km = km_from(events, "tinzaouatene")
    dates = pd.to_datetime(events.date)
    near = events[(km <= 150) & (dates >= pd.Timestamp("2024-07-20"))]
    by_run = near.groupby("run_id").deaths_foreign_wagner.sum().reindex(runs.run_id, fill_value=0)
    early = near[pd.to_datetime(near.date) <= pd.Timestamp("2024-09-30")]
    by_september = (
        early.groupby("run_id").deaths_foreign_wagner.sum().reindex(runs.run_id, fill_value=0)
    )
    return {
        "wagner_dead_within_150km_after_order": quantiles(by_run),
        "share_runs_46_or_more_by_2024_09_30": round(float((by_september >= 46).mean()), 3),
    }


def withdrawals(runs: pd.DataFrame) -> dict:
    """When the patron withdrew Wagner, in the runs where it did: against the Tinzaouatene order."""
    dates = pd.to_datetime(runs.withdrawal_date_foreign_wagner[runs.withdrew_foreign_wagner])
    if dates.empty:
        return {"wagner_withdrawal_dates": [], "wagner_withdrew_before_order": 0.0}
    return {
        "wagner_withdrawal_dates": sorted(str(d.date()) for d in dates),
        "wagner_withdrew_before_order": round(float((dates < ORDER).mean()), 3),
    }


def campaign(results) -> dict:
    """The 2024 campaign in one ensemble: Tinzaouatene, the force's disasters, its stay."""
    runs, events = results.runs, results.events
    wagner = events[events.deaths_foreign_wagner >= MASS]
    worst = (
        events[events.deaths_foreign_wagner > 0]
        .sort_values("deaths_foreign_wagner", ascending=False)
        .groupby("run_id")
        .head(1)
    )
    return {
        "runs": len(runs),
        "tinzaouatene_held_by": {
            k: round(v / len(runs), 3) for k, v in runs.holder_tinzaouatene.value_counts().items()
        },
        "state_took_tinzaouatene": round(
            float(runs.tinzaouatene_state_capture_date.notna().mean()), 3
        ),
        "wagner_mass_casualty_runs": round(
            float((runs.max_engagement_deaths_foreign_wagner >= MASS).mean()), 3
        ),
        "wagner_mass_casualty_places": wagner.town.value_counts().to_dict(),
        "wagner_worst_loss_places": worst.town.value_counts().to_dict(),
        "wagner_worst_loss_median": quantiles(runs.max_engagement_deaths_foreign_wagner),
        "wagner_dead": quantiles(runs.deaths_foreign_wagner),
        "wagner_withdrew": round(float(runs.withdrew_foreign_wagner.mean()), 3),
        **withdrawals(runs),
        "adaptations_per_run": round(
            float((events.event_type == "adaptation").sum()) / len(runs), 3
        ),
        "pop_share_state": quantiles(runs.pop_share_state),
        "area_share_state": quantiles(runs.area_share_state),
        "civilians_killed_by_wagner": quantiles(runs.civilians_killed_by_wagner),
        "lens_western": quantiles(runs.lens_western),
        "lens_bamako": quantiles(runs.lens_bamako),
        "lens_patron": quantiles(runs.lens_patron),
        **tinzaouatene(results),
    }


def shown(value: list[float]) -> str:
    """A median and its interval, ``[median, low, high]``, as the Markdown prints it."""
    return f"{value[0]:.3f} ({value[1]:.3f}-{value[2]:.3f})"


def markdown(report: dict) -> str:
    """The tables the docs quote, in Markdown."""
    lines = ["# The patron's choice (benchmarks/patron_choice.py)", ""]
    lines += [f"Model {report['model_version']}; sweep `{report['sweep']}`.", ""]
    cols = [
        "deaths_foreign_wagner",
        "deaths_insurgents",
        "area_share_state",
        "area_share_separatists",
        "civilians_killed_by_wagner",
        "strength_end_foreign_wagner",
        "lens_western",
        "lens_bamako",
        "lens_patron",
    ]
    lines.append(
        "| commitment | risk | "
        + " | ".join(SWEPT_OUTCOMES[c] for c in cols)
        + " | Tinzaouatene the state's at the end | towns the state holds | Wagner disaster"
        + " | withdrew |"
    )
    lines.append("|---|---|" + "---|" * len(cols) + "---|---|---|---|")
    for row in report["sweep_table"]:
        cells = [f"{row[c][0]:g} ({row[c][1]:g}-{row[c][2]:g})" for c in cols]
        lines.append(
            f"| {row['commitment']:g} | {row['risk_tolerance']:g} | "
            + " | ".join(cells)
            + f" | {row['state_holds_tinzaouatene']:.0%} | {row['towns_held_state']:g}"
            + f" | {row['wagner_mass_casualty']:.0%} | {row['withdrew_foreign_wagner']:.0%} |"
        )
    lines += [
        "",
        "Median (5-95% of runs) per design; towns: the mean number of the towns the runs table",
        f"follows that the state holds at the end; a Wagner disaster: {MASS} or more of its men",
        "killed in one engagement.",
        "",
        "## What risk buys and what it costs",
        "",
        "Means per risk tolerance (all commitments together), and each level's difference from",
        "the most cautious one with its 95% bootstrap interval:",
        "",
    ]
    if "what_risk_buys" in report:
        levels = [r["risk_tolerance"] for r in next(iter(report["what_risk_buys"].values()))]
        lines.append("| outcome | " + " | ".join(f"risk {x:g}" for x in levels) + " |")
        lines.append("|---|" + "---|" * len(levels))
        for column, rows in report["what_risk_buys"].items():
            cells = [f"{rows[0]['mean']:.4g}"] + [
                f"{r['mean']:.4g} ({r['minus_cautious'][0]:+.3g}, "
                f"{r['minus_cautious'][1]:+.3g} to {r['minus_cautious'][2]:+.3g})"
                for r in rows[1:]
            ]
            lines.append(f"| {RISK_BUYS[column]} | " + " | ".join(cells) + " |")
    lines += ["", "## Each lens's preferred design", ""]
    for lens, best in report["preferred_designs"].items():
        lines.append(
            f"- {lens}: commitment {best['commitment']:g}, risk tolerance "
            f"{best['risk_tolerance']:g} (median {best['median']:g})"
        )
    lines += ["", "## Where each judge is satisfied (its best quarter of outcomes)", ""]
    for said in report["judges_satisfied"].values():
        lines += [f"`malisim discover results/commitment_x_risk --outcome '{said['outcome']}'`:"]
        lines += ["", "```", *said["lines"], "```", ""]
    lines += ["## Where the judges disagree", ""]
    lines += [
        "Pairs of designs two lenses rank in opposite orders, the 95% intervals of the medians",
        "not overlapping by either lens (`malisim lenses results/commitment_x_risk`), and",
        "Spearman's rank correlation of the two lenses' medians over the designs:",
        "",
    ]
    for key, said in report.get("disagreements", {}).items():
        lens_a, lens_b = key.split("_vs_")
        lines.append(
            f"- {lens_a} and {lens_b}: {said['opposed_pairs']} pairs; Spearman {said['spearman']:g}"
        )
        for pair in said["clearest"]:
            lines.append(
                f"  - {lens_a} prefers {pair['preferred_by_a']}: "
                f"{shown(pair['a_of_a_choice'])} against {shown(pair['a_of_b_choice'])}; "
                f"{lens_b} prefers {pair['preferred_by_b']}: {shown(pair['b_of_b_choice'])} "
                f"against {shown(pair['b_of_a_choice'])}"
            )
    lines += ["", "## The 2024 campaign and its what-ifs", ""]
    for name, camp in report["campaigns"].items():
        held = ", ".join(f"{k} {v:.0%}" for k, v in camp["tinzaouatene_held_by"].items())
        lines.append(
            f"- `{name}` ({camp['runs']} runs): Tinzaouatene at the end: {held}; a Wagner "
            f"mass-casualty defeat in {camp['wagner_mass_casualty_runs']:.0%} of runs; Wagner "
            f"dead {camp['wagner_dead'][0]:g} ({camp['wagner_dead'][1]:g}-"
            f"{camp['wagner_dead'][2]:g}); withdrew {camp['wagner_withdrew']:.0%}; people under "
            f"the state {camp['pop_share_state'][0]:.2f}; Western {camp['lens_western'][0]:.2f}, "
            f"Bamako {camp['lens_bamako'][0]:.2f}, patron {camp['lens_patron'][0]:.2f}; "
            f"Wagner dead within 150 km of Tinzaouatene after the order "
            f"{camp['wagner_dead_within_150km_after_order'][0]:g}, 46 or more by 30 September "
            f"in {camp['share_runs_46_or_more_by_2024_09_30']:.0%} of runs"
            + (
                f"; withdrawn on {', '.join(camp['wagner_withdrawal_dates'])} "
                f"({camp['wagner_withdrew_before_order']:.0%} of them before the order of "
                f"{ORDER.date()})"
                if camp.get("wagner_withdrawal_dates")
                else ""
            )
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run the sweep and the campaigns, write the JSON and Markdown summaries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=None)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--sweep-only",
        action="store_true",
        help="recompute the sweep's tables, keep the campaigns of the last JSON",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import sim
    from sim.analysis.lenses import design_summary
    from sim.ensemble import run_ensemble
    from sim.scenario import load_scenario
    from sim.sweep import load_sweep, read_sweep, run_sweep

    sweep = load_sweep(
        ROOT / "scenarios" / "sweeps" / "commitment_x_risk.toml", replicates=args.replicates
    )
    folder = ROOT / "results" / "commitment_x_risk"
    run_sweep(sweep, folder, workers=args.workers)
    runs = read_sweep(folder).runs
    summary = design_summary(runs, [COMMITMENT, RISK])  # medians and intervals, once
    report = {
        "model_version": sim.__version__,
        "sweep": f"{sweep.settings.name}, {len(runs)} runs ({sweep.replicates} a design)",
        "sweep_table": sweep_table(runs),
        "preferred_designs": preferred_designs(summary),
        "judges_satisfied": judges_satisfied(runs),
        "disagreements": disagreements(summary),
        "what_risk_buys": what_risk_buys(runs),
        "campaigns": {},
    }
    if args.sweep_only:
        report["campaigns"] = json.loads(OUT.with_suffix(".json").read_text())["campaigns"]
    for path in [] if args.sweep_only else WHAT_IFS:
        scenario = load_scenario(ROOT / path)
        results = run_ensemble(scenario, runs=args.runs, seed=1, workers=args.workers)
        report["campaigns"][scenario.name] = campaign(results)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.with_suffix(".json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    OUT.with_suffix(".md").write_text(markdown(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
