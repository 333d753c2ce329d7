"""Try the arc's dated switches away, one at a time: does 2012 need its own value?

Issue 14 item 9 asks for one parameter set for the whole war. Each trial here replaces a
parameter's 2012 value by the value the arc switches it to (on 2012-06-26/28 or 2013-01-10),
from the start, in ``history_2012_2025`` and ``mali_2012`` alike, drops the switches, and runs
``malisim validate`` on the two scenarios; the table says which criteria move. A switch whose
removal moves nothing beyond the ensemble's noise has no business in the arc.

Each trial runs on a copy of this repository's ``sim`` and ``scenarios`` in a temporary folder
(the repository's own files are not touched)::

    .venv/bin/python benchmarks/switch_trials.py --runs 40 --workers 2 \\
        > benchmarks/results/switch_trials.md
    .venv/bin/python benchmarks/switch_trials.py --only base abandon   # some trials only

Model 0.26.0 removed the three switches whose trials left the criteria as they were
(docs/CALIBRATION.md "Model 0.26.0"); model 0.27.0 replaced the three of the coups by a
mechanism after the trials ``recovery`` and ``coup`` showed 2012 needed them (results of both
on model 0.26.0: ``benchmarks/results/switch_trials_model_0.26.0.md``); model 0.28.0 removed
the MNLA's stand-down of 2012-06-26 after the trial ``mnla_stands_down`` on 0.27.0
(``benchmarks/results/switch_trials_model_0.27.0.md``); model 0.31.0 made the MNLA's morale one
value after the trial ``mnla_morale`` on 0.30.0
(``benchmarks/results/switch_trials_model_0.30.0.md``) and tried the rest again on top of it
(``switch_trials_model_0.31.0.md``); model 0.32.0 made the jihadists' aggression one value
after the trials ``jihadist_aggression_kept`` and ``air_*`` on 0.31.0 with the deterrence of
hostile air (``switch_trials_model_0.32.0.md``); model 0.33.0 gave the jihadists one
recruitment for 2012 after the trial ``recruits_of_2012`` on 0.32.0
(``switch_trials_model_0.33.0.md``); model 0.47.0 made the army's passivity of 2012 a beaten
army's caution after the trial ``beaten_army_doctrine`` on 0.46.0
(``switch_trials_beaten_model_0.46.0.md``); model 0.48.0 made the insurgents' mines follow the
enemy's aircraft, with one IED rate each, which leaves ``mnla_ieds`` and
``beaten_doctrine_ieds`` nothing to remove; ``reinforce_from_2012`` on 0.48.0 cost the arc's
Serval its retakes in time (``switch_trials_reinforce_model_0.48.0.md``), and so did
``town_recruits_*_scaled`` (``switch_trials_towns_model_0.48.0.md``; why, run by run:
``benchmarks/serval_retakes.py``); ``rule_affinity_40`` and ``town_recruits_5_rule_40`` tried
model 0.49.0's rule before it was adopted at 0.38 with an ally's people counting
(``switch_trials_rule_affinity_model_0.48.0.md``); ``town_rule_5`` and ``town_rule_10`` on
0.51.0 tried the jihadists' towns as recruiting grounds without the MNLA's
(``switch_trials_town_rule_model_0.51.0.md``, not adopted); model 0.52.0 removed the army's
reinforcement switch after ``reinforce_from_2012`` with a beaten army's caution on its reserve
(``switch_trials_reserve_caution_model_0.52.0.md``); model 0.61.0 removed the jihadists'
recruitment switch, the last of 2012's set, after ``town_rule_5_ransom`` on 0.60.0: their
towns as recruiting grounds with their purse starting full of ransom money
(``switch_trials_town_rule_ransom_model_0.60.0.md``). Run on a later model,
those trials find nothing to remove and say so. ``quarter_degree`` is not a switch: it runs
the arc at 0.25 degree, which model 0.36.0 adopted (``switch_trials_model_0.36.0.md``);
``occupiers_20`` asks how much model 0.37.0's ``insurgency.occupiers_per_1000`` (10) decides
(``switch_trials_model_0.37.0.md``). The table reports C13h since model 0.37.0.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ("history_2012_2025.toml", "mali_2012.toml")
CRITERIA = (
    *("C1a", "C1b", "C1c", "C1d", "C1h", "C2h", "C3h", "C4h", "C6a"),
    *("C10h", "C10i", "C10j", "C10k", "C11h", "C12h", "C12i", "C13h"),
)


def town_rule(k: float, purse: bool = False) -> tuple[list[tuple[str, str]], dict[str, float]]:
    """The jihadists' one recruitment from 2012, their ruled towns weighing ``k`` times their
    people, the MNLA's none (``town_rule`` 0); with ``purse``, their purse starting full."""
    start = {
        "factions.jihadists.recruit_rate": 0.00223,
        "insurgency.recruitment_in_held_towns": k,
        "factions.separatists.town_rule": 0.0,
    }
    if purse:
        start["factions.jihadists.purse_days"] = 365.0
    return [("2013-01-10", "factions.jihadists.recruit_rate")], start


# name -> (switches to drop: (date, parameter), starting values: {parameter: value})
TRIALS: dict[str, tuple[list[tuple[str, str]], dict[str, float]]] = {
    "base": ([], {}),
    "abandon": (
        [("2013-01-10", "factions.separatists.abandon_ratio")],
        {"factions.separatists.abandon_ratio": 0.6},
    ),
    "garrisons": (
        [
            ("2012-06-28", "factions.jihadists.garrison_size"),
            ("2013-01-10", "factions.jihadists.garrison_size"),
        ],
        {},
    ),
    "mnla_recruits": (
        [
            ("2012-06-28", "factions.separatists.recruit_rate"),
            ("2013-01-10", "factions.separatists.recruit_rate"),
        ],
        {},
    ),
    "jihadist_aggression": (
        [("2013-01-10", "factions.jihadists.aggression")],
        {"factions.jihadists.aggression": 0.25},
    ),
    "mnla_firepower": (
        [("2013-01-10", "factions.separatists.firepower")],
        {"factions.separatists.firepower": 0.02},
    ),
    "mnla_morale": (
        [("2013-01-10", "factions.separatists.morale")],
        {"factions.separatists.morale": 0.6},
    ),
    "mnla_arms": (
        [
            ("2013-01-10", "factions.separatists.firepower"),
            ("2013-01-10", "factions.separatists.ied_rate"),
        ],
        {"factions.separatists.firepower": 0.02, "factions.separatists.ied_rate": 0.03},
    ),
    "jihadist_ieds": (
        [("2013-01-10", "factions.jihadists.ied_rate")],
        {"factions.jihadists.ied_rate": 0.05},
    ),
    "ieds": (
        [
            ("2013-01-10", "factions.jihadists.ied_rate"),
            ("2013-01-10", "factions.separatists.ied_rate"),
        ],
        {"factions.jihadists.ied_rate": 0.05, "factions.separatists.ied_rate": 0.03},
    ),
    "jihadist_recruits": (
        [
            ("2012-06-28", "factions.jihadists.recruit_rate"),
            ("2013-01-10", "factions.jihadists.recruit_rate"),
        ],
        {"factions.jihadists.recruit_rate": 0.0012},
    ),
    "mnla_aggression": (
        [
            ("2012-06-26", "factions.separatists.aggression"),
            ("2013-01-10", "factions.separatists.aggression"),
        ],
        {"factions.separatists.aggression": 0.15},
    ),
    "jihadist_aggression_kept": ([("2013-01-10", "factions.jihadists.aggression")], {}),
    # The library's since model 0.51.0 (0.6 for the war): on it this trial is the base.
    "mnla_aggression_kept": ([("2013-01-10", "factions.separatists.aggression")], {}),
    "air_jihadists": (
        [("2013-01-10", "factions.jihadists.aggression")],
        {"insurgency.air_deterrence": 0.55},
    ),
    "air_insurgents": (
        [
            ("2013-01-10", "factions.jihadists.aggression"),
            ("2013-01-10", "factions.separatists.aggression"),
        ],
        {"insurgency.air_deterrence": 0.55},
    ),
    "air_insurgents_hi": (
        [
            ("2013-01-10", "factions.jihadists.aggression"),
            ("2013-01-10", "factions.separatists.aggression"),
        ],
        {"insurgency.air_deterrence": 0.8},
    ),
    "mnla_stands_down": ([("2012-06-26", "factions.separatists.aggression")], {}),
    "recruits_in_towns": ([("2012-06-28", "factions.jihadists.recruit_rate")], {}),
    "recruits_of_2012": (
        [("2012-06-28", "factions.jihadists.recruit_rate")],
        {"factions.jihadists.recruit_rate": 0.006},
    ),
    "recovery": (
        [("2013-01-10", "politics.morale_recovery_days")],
        {"politics.morale_recovery_days": 60.0},
    ),
    "coup": (
        [("2013-01-10", "politics.coup_morale"), ("2013-01-10", "politics.coup_desertion")],
        {"politics.coup_morale": 0.5, "politics.coup_desertion": 0.0},
    ),
    "beaten_army": (
        [("2013-01-10", "factions.state.aggression")],
        {"factions.state.aggression": 0.7, "politics.beaten_caution": 1.0},
    ),
    "beaten_army_doctrine": (
        [
            ("2013-01-10", "factions.state.aggression"),
            ("2013-01-10", "factions.state.raid_range_km"),
        ],
        {
            "factions.state.aggression": 0.7,
            "factions.state.raid_range_km": 300.0,
            "politics.beaten_caution": 1.0,
        },
    ),
    # Both 2013-01-10 pairs at once: the army's doctrine and the insurgents' IEDs (model 0.45.0).
    "beaten_doctrine_ieds": (
        [
            ("2013-01-10", "factions.state.aggression"),
            ("2013-01-10", "factions.state.raid_range_km"),
            ("2013-01-10", "factions.jihadists.ied_rate"),
            ("2013-01-10", "factions.separatists.ied_rate"),
        ],
        {
            "factions.state.aggression": 0.7,
            "factions.state.raid_range_km": 300.0,
            "politics.beaten_caution": 1.0,
            "factions.jihadists.ied_rate": 0.05,
            "factions.separatists.ied_rate": 0.03,
        },
    ),
    # The army's reinforcement of 2013-2025 from 2012 (model 0.48.0): the arc has none in 2012.
    "reinforce_from_2012": (
        [("2013-01-10", "factions.state.reinforce_rate")],
        {"factions.state.reinforce_rate": 0.01},
    ),
    "quarter_beaten_doctrine": (
        [
            ("2013-01-10", "factions.state.aggression"),
            ("2013-01-10", "factions.state.raid_range_km"),
        ],
        {
            "factions.state.aggression": 0.7,
            "factions.state.raid_range_km": 300.0,
            "politics.beaten_caution": 1.0,
            "scenario.resolution": 0.25,
        },
    ),
    "town_recruits_10": (
        [("2013-01-10", "factions.jihadists.recruit_rate")],
        {"factions.jihadists.recruit_rate": 0.0012, "insurgency.recruitment_in_held_towns": 10.0},
    ),
    "town_recruits_20": (
        [("2013-01-10", "factions.jihadists.recruit_rate")],
        {"factions.jihadists.recruit_rate": 0.0012, "insurgency.recruitment_in_held_towns": 20.0},
    ),
    # The same on model 0.48.0's scale (the rates x 1.86 of model 0.38.0): the one recruitment
    # of 2013-2025 from 2012, 2012's surplus from the towns the jihadists hold.
    "town_recruits_5_scaled": (
        [("2013-01-10", "factions.jihadists.recruit_rate")],
        {"factions.jihadists.recruit_rate": 0.00223, "insurgency.recruitment_in_held_towns": 5.0},
    ),
    "town_recruits_10_scaled": (
        [("2013-01-10", "factions.jihadists.recruit_rate")],
        {"factions.jihadists.recruit_rate": 0.00223, "insurgency.recruitment_in_held_towns": 10.0},
    ),
    # The jihadists' one recruitment from 2012 with the towns they rule as recruiting grounds,
    # and the MNLA's towns not (factions.separatists.town_rule 0: it held them by arms alone),
    # after model 0.50.0's town_recruits_5 for both sides swelled the MNLA of 2012.
    "town_rule_5": town_rule(5.0),
    "town_rule_10": town_rule(10.0),
    # The jihadists' ransom money of 2008-2012 as the purse they start with, full (a year's pay
    # for each man, the purse's cap; sourced in mali_2012.toml), alone and with their towns as
    # recruiting grounds and one recruitment from 2012 (model 0.60.0).
    "ransom_purse": ([], {"factions.jihadists.purse_days": 365.0}),
    "town_rule_5_ransom": town_rule(5.0, purse=True),
    "town_rule_7_ransom": town_rule(7.0, purse=True),
    "town_rule_10_ransom": town_rule(10.0, purse=True),
    # Not a switch: an insurgent side occupies unordered only towns among its own communities
    # (insurgency.rule_affinity at 0.4, before model 0.49.0 counted an ally's and adopted 0.38);
    # alone, and with the jihadists' one recruitment and their towns as recruiting grounds.
    "rule_affinity_40": ([], {"insurgency.rule_affinity": 0.4}),
    "town_recruits_5_rule_40": (
        [("2013-01-10", "factions.jihadists.recruit_rate")],
        {
            "factions.jihadists.recruit_rate": 0.00223,
            "insurgency.recruitment_in_held_towns": 5.0,
            "insurgency.rule_affinity": 0.4,
        },
    ),
    "mnla_ieds": (
        [("2013-01-10", "factions.separatists.ied_rate")],
        {"factions.separatists.ied_rate": 0.03},
    ),
    # Not switches: both scenarios at one resolution. Before model 0.36.0 the arc ran at 0.5
    # degree: half_degree asked whether mali_2012 there loses the north in time in fewer runs
    # (model 0.35.0), quarter_degree ran the arc at 0.25 (adopted in 0.36.0).
    "half_degree": ([], {"scenario.resolution": 0.5}),
    "quarter_degree": ([], {"scenario.resolution": 0.25}),
    # Not a switch: how much an unordered occupation needs (model 0.37.0's 10 per 1,000 people).
    "occupiers_20": ([], {"insurgency.occupiers_per_1000": 20.0}),
    "state_doctrine": (
        [
            ("2013-01-10", "factions.state.aggression"),
            ("2013-01-10", "factions.state.raid_range_km"),
        ],
        {"factions.state.aggression": 0.7, "factions.state.raid_range_km": 300.0},
    ),
}


def variant(text: str, drop: list[tuple[str, str]], start: dict[str, float]) -> tuple[str, int]:
    """A scenario file with the named ``set`` events dropped and starting values replaced.

    Returns the text and how many switches were dropped.
    """
    head, *events = text.split("\n[[events]]\n")
    kept = [
        event
        for event in events
        if not any(
            f"date = {date}" in event and f'parameter = "{parameter}"' in event
            for date, parameter in drop
        )
    ]
    text = "\n[[events]]\n".join([head, *kept])
    for path, value in start.items():
        section, field = path.rsplit(".", 1)
        table = re.search(rf"^\[{re.escape(section)}\]\n(.*?)(?=^\[)", text, re.S | re.M)
        if table is None:
            raise SystemExit(f"no [{section}] table")
        setting = rf"^{field}\s*=\s*[^\s#]+"
        body, n = re.subn(setting, f"{field} = {value}", table.group(1), flags=re.M)
        if n == 0:
            body += f"{field} = {value}\n"
        text = text[: table.start(1)] + body + text[table.end(1) :]
    return text, len(events) - len(kept)


def trial(name: str, runs: int, workers: int, seed: int) -> dict[str, str]:
    """Run one trial's validation on a temporary copy; each criterion's 'gave (result)'."""
    drop, start = TRIALS[name]
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp)
        shutil.copytree(ROOT / "sim", copy / "sim", ignore=shutil.ignore_patterns("__pycache__"))
        for folder in ("scenarios", "lenses"):  # validate judges with the default lens file
            shutil.copytree(ROOT / folder, copy / folder)
        dropped = 0
        for file in FILES:
            path = copy / "scenarios" / file
            text, n = variant(path.read_text(), drop, start)
            path.write_text(text)
            dropped += n
        if drop and dropped == 0:
            return {"note": "its switches are no longer in the arc"}
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "sim.cli",
                "validate",
                "--runs",
                str(runs),
                "--workers",
                str(workers),
                "--seed",
                str(seed),
                "--scenario",
                "history_2012_2025",
                "--scenario",
                "mali_2012",
                "--out",
                str(copy / "validation"),
            ],
            env={**os.environ, "PYTHONPATH": str(copy)},
            cwd=copy,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    found = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 6 and cells[1] in CRITERIA:
            gave = re.sub(r" \((median|medians) of \d+( runs)?\)| of \d+ runs", "", cells[4])
            found[cells[1]] = f"{gave} ({cells[6]})"
    return found


def main() -> int:
    """Run the trials and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="*", choices=sorted(TRIALS), help="these trials only")
    args = parser.parse_args()
    names = args.only or list(TRIALS)
    print(
        f"Switch trials: {args.runs} runs of history_2012_2025 and mali_2012 each, "
        f"seed {args.seed}\n"
    )
    print("| trial | " + " | ".join(CRITERIA) + " |")
    print("|---|" + "---|" * len(CRITERIA))
    for name in names:
        found = trial(name, args.runs, args.workers, args.seed)
        if "note" in found:
            print(f"| {name} | {found['note']} |" + " |" * (len(CRITERIA) - 1))
        else:
            print(f"| {name} | " + " | ".join(found.get(c, "") for c in CRITERIA) + " |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
