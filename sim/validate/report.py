"""The validation report: ``report.md``, ``criteria.csv`` and the figures.

``report.md`` holds the pass/miss table, the facts of the record it tests against with their
sources, the run times and the figures; ``criteria.csv`` the same table, for scripts. The
figures draw the record's dates and numbers from ``sim/data/record.csv``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.style import PALETTE, actor_colour
from sim.scenario import FACTIONS
from sim.validate.criteria import KIDAL_ORDER_2023, RECORD, RECORD_FILE, recorded, recorded_day
from sim.validate.engine import Validation
from sim.validate.measures import CAPITALS_2012, first_capture_dates, holder_share, run_ids


def _pyplot():
    """Pyplot on the Agg back end (figures are files; no display is needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    """Lay out, write and close a report figure."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def figure_holders(validation: Validation, folder: Path) -> Path | None:
    """Who holds Kidal, Gao and Timbuktu over time across runs, 2012-2013 (a stacked share)."""
    plt = _pyplot()

    parts = [n for n in ("mali_2012", "serval_2013") if n in validation.results]
    if not parts:
        return None
    fig, axes = plt.subplots(len(CAPITALS_2012), 1, figsize=(10, 7), sharex=True)
    for ax, town in zip(axes, CAPITALS_2012, strict=True):
        for name in parts:
            scenario = validation.scenarios[name]
            results = validation.results[name]
            days = pd.date_range(scenario.scenario.start, scenario.scenario.end, freq="D")
            initial = "state"
            for fid, faction in scenario.factions.items():
                if town in faction.holds or faction.deploy.get(town, 0) > 0:
                    initial = fid
            share = holder_share(results.events, run_ids(results), town, initial, days)
            ax.stackplot(
                days,
                *[share[s] for s in FACTIONS],
                colors=[actor_colour(s) for s in FACTIONS],
                labels=list(FACTIONS) if name == parts[0] else [],
            )
        for when, label in (
            (recorded_day(f"{town}_lost_2012"), "lost"),
            (recorded_day(f"{town}_retaken_2013"), "retaken"),
        ):
            ax.axvline(pd.Timestamp(when), color="red", lw=1, ls="--")
            ax.text(pd.Timestamp(when), 1.02, f"record: {label}", color="red", fontsize=7)
        ax.set_ylim(0, 1)
        ax.set_ylabel(f"{town.title()}\nshare of runs")
    axes[0].legend(loc="lower left", fontsize=8, ncol=3)
    axes[0].set_title(
        "Who holds the northern capitals, 2012-2013 (mali_2012 then serval_2013 ensembles)"
    )
    return _save(fig, folder / "holders_2012_2013.png")


def figure_foreign_deaths(validation: Validation, folder: Path) -> Path | None:
    """Foreign forces' deaths per year by kind of force (median and 90% band over runs)."""
    plt = _pyplot()

    name = next(
        (n for n in ("history_2012_2025", "barkhane_2014") if n in validation.results), None
    )
    if name is None:
        return None
    scenario, results = validation.scenarios[name], validation.results[name]
    events = results.events.copy()
    if events.empty:
        return None
    events["year"] = pd.to_datetime(events["date"]).dt.year
    years = list(range(scenario.scenario.start.year, scenario.scenario.end.year + 1))
    kinds: dict[str, list[str]] = {}
    for fid, force in scenario.foreign.items():
        kinds.setdefault(force.kind, []).append(fid)
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / max(len(kinds), 1)
    # Each kind in the colour of its library force (France, the UN, Wagner).
    colours = {
        "expeditionary": actor_colour("france"),
        "peacekeeping": actor_colour("un"),
        "contractor": actor_colour("wagner"),
    }
    for k, (kind, forces) in enumerate(sorted(kinds.items())):
        columns = [f"deaths_foreign_{f}" for f in forces if f"deaths_foreign_{f}" in events]
        per = events.groupby(["run_id", "year"])[columns].sum().sum(axis=1).unstack(fill_value=0)
        per = per.reindex(index=run_ids(results), columns=years, fill_value=0)
        mid = per.median(axis=0)
        lo, hi = per.quantile(0.05, axis=0), per.quantile(0.95, axis=0)
        xs = np.arange(len(years)) + (k - (len(kinds) - 1) / 2) * width
        ax.bar(
            xs,
            mid,
            width,
            color=colours.get(kind, PALETTE["grey"]),
            label=f"{kind} ({', '.join(forces)})",
        )
        ax.errorbar(xs, mid, yerr=[mid - lo, hi - mid], fmt="none", ecolor="black", lw=0.7)
    per_year = recorded("french_deaths_per_year")
    ax.axhline(per_year, color=colours["expeditionary"], ls="--", lw=1)
    label = f"record: France ~{per_year:.0f} a year (C3)"
    ax.text(0, per_year * 1.08, label, color=colours["expeditionary"], fontsize=8)
    ax.set_xticks(np.arange(len(years)), [str(y) for y in years], rotation=45)
    ax.set_ylabel("deaths in the year (median, 5-95%)")
    ax.set_yscale("symlog", linthresh=10)
    ax.set_title(f"Foreign forces' deaths per year by kind ({name}, {len(results.runs)} runs)")
    ax.legend(fontsize=8)
    return _save(fig, folder / "foreign_deaths_per_year.png")


def figure_kidal(validation: Validation, folder: Path) -> Path | None:
    """When the state took Kidal in the 2023 ensemble, against the record's day."""
    plt = _pyplot()

    if "kidal_2023" not in validation.results:
        return None
    results = validation.results["kidal_2023"]
    start = dt.date.fromisoformat(KIDAL_ORDER_2023)
    taken = recorded_day("kidal_taken_2023")
    captures = first_capture_dates(results.events, "kidal", after=start)
    days = [(d - start).days for d in captures.values()]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist(days, bins=range(0, 190, 7), color=actor_colour("state"))
    ax.axvline((taken - start).days, color="red", ls="--")
    ax.text((taken - start).days + 1, 0.5, f"record: {(taken - start).days} days", color="red")
    never = len(results.runs) - len(days)
    ax.set_xlabel(f"days from the offensive order ({KIDAL_ORDER_2023}) to Kidal")
    ax.set_ylabel("runs")
    ax.set_title(f"Kidal 2023: {len(days)} of {len(results.runs)} runs took it ({never} never)")
    return _save(fig, folder / "kidal_2023_capture.png")


def record_section(table: pd.DataFrame) -> list[str]:
    """The report's lines on the record: each fact the criteria cite, with its source and use."""
    keys = list(dict.fromkeys(k for cell in table.get("record", []) for k in cell.split(";") if k))
    if not keys:
        return []
    held_out = table[table["record_use"] == "test"]["id"].tolist()
    lines = [
        "## The record",
        "",
        f"From `sim/data/{RECORD_FILE.name}`. *use* says what the model did with a fact: "
        "`calibration`, its parameters were tuned until the fact was reproduced "
        "(docs/CALIBRATION.md), so a pass there shows the tuning held, not an independent test; "
        "`test`, the fact was kept out of the tuning. "
        + (
            f"Criteria on held-out facts only: {', '.join(held_out)}."
            if held_out
            else "No criterion here tests held-out facts only."
        ),
        "",
        "| fact | key | what | the record | source | use |",
        "|---|---|---|---|---|---|",
    ]
    for key in keys:
        row = RECORD.loc[key]
        when = row["date"].isoformat() + (f" to {row['end'].isoformat()}" if row["end"] else "")
        lines.append(
            f"| {row['fact']} | {key} | {row['what']} ({when}) | {row['stated']} | "
            f"{row['source']} | {row['use']} |"
        )
    return lines


def write_report(validation: Validation, folder: Path, command: str = "") -> Path:
    """Write ``report.md``, ``criteria.csv`` and the figures into ``folder``."""
    from sim.io import atomic_write_text

    folder.mkdir(parents=True, exist_ok=True)
    table = validation.table()
    atomic_write_text(folder / "criteria.csv", table.to_csv(index=False))
    figures = [f(validation, folder) for f in (figure_holders, figure_foreign_deaths, figure_kidal)]
    passed = int((table["result"] == "pass").sum()) if len(table) else 0
    lines = [
        "# Validation against the documented record",
        "",
        f"{passed} of {len(table)} criteria pass. Each criterion tests one pattern of the "
        f"project's record of facts (`sim/data/{RECORD_FILE.name}`, the fact id; the facts it "
        "cites are listed below with their sources) on an ensemble of a historical scenario. "
        "See docs/CALIBRATION.md for what was tuned and why.",
        "",
    ]
    if command:
        lines += [f"Command: `{command}`", ""]
    undecided = table[~table["decided"].astype(bool)]["id"].tolist() if len(table) else []
    lines += [
        "The 95% interval is Wilson's score interval for a share and a percentile bootstrap over",
        "runs (2,000 resamples, fixed seed) for a median or a ratio of medians; a",
        "verdict is *decided* when the whole interval gives it. An undecided one cannot be told",
        "from its opposite at this ensemble size: run more (`--runs`)."
        + (f" Undecided here: {', '.join(undecided)}." if undecided else ""),
        "",
        "| id | scenario | pattern | criterion | ensemble gave | 95% interval | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        verdict = row["result"] if row["decided"] else f"{row['result']} (undecided)"
        lines.append(
            f"| {row['id']} | {row['scenario']} | {row['pattern']} | {row['criterion']} | "
            f"{row['ensemble_gave']} | {row['interval_95']} | **{verdict}** |"
        )
    lines += ["", *record_section(table)]
    lines += ["", "## Run times", ""]
    for name, seconds in validation.seconds.items():
        lines.append(f"- {name}: {len(validation.results[name].runs)} runs in {seconds:.1f} s")
    lines += ["", "## Figures", ""]
    for path in figures:
        if path is not None:
            lines += [f"![{path.stem}]({path.name})", ""]
    report = folder / "report.md"
    atomic_write_text(report, "\n".join(lines) + "\n")
    return report
