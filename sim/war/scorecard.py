"""The runs-table row of a run: its parameters, its outcomes and the three lenses' scores.

Which towns are reported comes from the town table (``reported``); the capital is the town of
kind ``capital``. The lenses are scored from the row itself (``sim.lenses``, with the model's
own lens file), so that ``malisim lenses`` re-scores a stored table to the same numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.lenses import score_row
from sim.scenario import flatten_parameters
from sim.war import towns
from sim.war.control import CONTROL_CLASSES, control_shares

if TYPE_CHECKING:
    from sim.model import MaliConflictModel

SYMBOLIC_VALUE = 3.0
"""Towns of at least this strategic value (the regional capitals, Kidal) are the symbolic towns
Bamako counts (``town_value_share_state``); the capital itself is left out (``docs/ODD.md``)."""


def runs_row(model: MaliConflictModel) -> dict[str, Any]:
    """The runs-table row: parameters, then outcomes, then the lens scores."""
    row = outcome_row(model, control_shares(model))
    row.update(score_row(row))
    return row


def lenses(model: MaliConflictModel, shares: dict[str, dict[str, float]]) -> dict[str, float]:
    """The lens scores of the run so far (the web app's daily view)."""
    return score_row(outcome_row(model, shares))


def outcome_row(model: MaliConflictModel, shares: dict[str, dict[str, float]]) -> dict[str, Any]:
    """The runs-table row without the lens scores: parameters, then outcomes."""
    row: dict[str, Any] = {
        "seed": model.seed,
        "scenario": model.config.name,
        **flatten_parameters(model.config),
    }
    log = model.log
    ledger = model.ledger
    patrons = model.patrons
    days = max(1, model.steps)
    for actor in model.actors:
        col = f"deaths_foreign_{actor}" if actor in model.foreign_ids else f"deaths_{actor}"
        row[col] = log.deaths[actor]
    row["deaths_civilians"] = log.deaths["civilians"]
    for actor in log.civilians_killed_by:  # every actor, then the militias
        row[f"civilians_killed_by_{actor}"] = log.civilians_killed_by[actor]
    for fid in model.foreign_ids:
        row[f"max_engagement_deaths_foreign_{fid}"] = log.max_engagement_deaths[fid]
        row[f"withdrew_foreign_{fid}"] = patrons.withdrawal_date[fid] is not None
        row[f"withdrawal_date_foreign_{fid}"] = patrons.withdrawal_date[fid]
        row[f"reorganised_foreign_{fid}"] = patrons.reorganised_date[fid]
        row[f"present_end_foreign_{fid}"] = patrons.present[fid]
        row[f"reinforcements_foreign_{fid}"] = ledger[fid]["reinforcements"]
        row[f"present_share_foreign_{fid}"] = patrons.present_days[fid] / days
        row[f"dependence_mean_foreign_{fid}"] = patrons.dependence_sum[fid] / max(
            patrons.present_days[fid], 1
        )
        row[f"peak_strength_foreign_{fid}"] = patrons.peak_strength[fid]
    for tid in model.towns.reported:
        row[f"holder_{tid}"] = towns.holder(model, tid)
    for tid in model.towns.reported:
        row[f"{tid}_state_capture_date"] = model.state_capture_dates.get(tid)
    for name in CONTROL_CLASSES:
        row[f"pop_share_{name}"] = shares["pop"][name]
        row[f"area_share_{name}"] = shares["area"][name]
    row["pop_share_state_north"] = shares["pop_north"]["state"]
    row["pop_share_jihadists_centre"] = shares["pop_centre"]["jihadists"]
    row["regime_popularity_end"] = model.regime.popularity
    row["recruits_jihadists"] = ledger["jihadists"]["recruits"]
    row["recruits_jihadists_centre"] = round(model.recruitment.by_zone["jihadists"]["centre"], 1)
    row["abuse_events"] = log.abuse_events
    row["desertions_state"] = ledger["state"]["departures"]
    for actor in model.actors:
        who = f"foreign_{actor}" if actor in model.foreign_ids else actor
        row[f"strength_end_{who}"] = model.strength(actor)
    row["period_years"] = model.steps / 365.25
    row["coups"] = sum(1 for e in model.config.events if e.type == "coup" and e.date < model.date)
    row["state_legitimacy_end"] = state_legitimacy(model)
    row["town_value_share_state"] = symbolic_value_held(model)
    return row


def state_legitimacy(model: MaliConflictModel) -> float:
    """The state's legitimacy among Mali's people: the population-weighted mean of the layer."""
    people = model.geo.population * model.in_mali
    total = float(people.sum())
    return float((model.legitimacy * people).sum() / total) if total else float("nan")


def symbolic_value_held(model: MaliConflictModel) -> float:
    """Share of the strategic value of the symbolic towns (the capital aside) the state holds."""
    valued = [t for t in model.towns if t.value >= SYMBOLIC_VALUE and t.kind != "capital"]
    held = sum(t.value for t in valued if t.holder == "state")
    return held / max(sum(t.value for t in valued), 1.0)
