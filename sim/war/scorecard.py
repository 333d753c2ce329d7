"""The runs-table row of a run: its parameters, its outcomes and the three lenses' scores.

Which towns are reported comes from the town table (``reported``); the capital is the town of
kind ``capital``. Each lens is a documented formula of the outcomes (``sim.politics``,
``docs/ODD.md``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sim import politics
from sim.scenario import flatten_parameters
from sim.war import towns
from sim.war.control import CONTROL_CLASSES, control_shares

if TYPE_CHECKING:
    from sim.model import MaliConflictModel


def runs_row(model: MaliConflictModel) -> dict[str, Any]:
    """The runs-table row: parameters, then outcomes, then the three lens scores."""
    shares = control_shares(model)
    row: dict[str, Any] = {
        "seed": model.seed,
        "scenario": model.config.name,
        **flatten_parameters(model.config),
    }
    log = model.log
    ledger = model.ledger
    patrons = model.patrons
    for actor in model.actors:
        col = f"deaths_foreign_{actor}" if actor in model.foreign_ids else f"deaths_{actor}"
        row[col] = log.deaths[actor]
    row["deaths_civilians"] = log.deaths["civilians"]
    for actor in model.actors:
        row[f"civilians_killed_by_{actor}"] = log.civilians_killed_by[actor]
    for fid in model.foreign_ids:
        row[f"max_engagement_deaths_foreign_{fid}"] = log.max_engagement_deaths[fid]
        row[f"withdrew_foreign_{fid}"] = patrons.withdrawal_date[fid] is not None
        row[f"withdrawal_date_foreign_{fid}"] = patrons.withdrawal_date[fid]
        row[f"reorganised_foreign_{fid}"] = patrons.reorganised_date[fid]
        row[f"present_end_foreign_{fid}"] = patrons.present[fid]
        row[f"reinforcements_foreign_{fid}"] = ledger[fid]["reinforcements"]
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
    row.update(lenses(model, shares))
    return row


def lenses(model: MaliConflictModel, shares: dict[str, dict[str, float]]) -> dict[str, float]:
    """The Western, Bamako and patron scores of the run so far (sim.politics)."""
    years = ((model.date - model.config.scenario.start).days + 1) / 365.25
    log = model.log
    state_side_civilians = sum(log.civilians_killed_by[a] for a in ("state", *model.foreign_ids))
    western = politics.lens_western(
        state_side_civilians, log.abuse_events, shares["pop_centre"]["jihadists"], years
    )
    # Bamako values the regional capitals and strongholds it holds, beyond the capital itself.
    valued = [t for t in model.towns if t.value >= 3.0 and t.kind != "capital"]
    held = sum(t.value for t in valued if t.holder == "state") / max(
        sum(t.value for t in valued), 1.0
    )
    bamako = politics.lens_bamako(shares["pop"]["state"], held, model.regime.popularity)
    patron = math.nan
    patrons = model.patrons
    days = max(1, model.steps)
    if model.foreign_ids:
        main = max(
            model.foreign_ids,
            key=lambda f: patrons.present_days[f] * max(patrons.peak_strength[f], 1),
        )
        if patrons.present_days[main]:
            patron = politics.lens_patron(
                patrons.present_days[main] / days,
                patrons.dependence_sum[main] / patrons.present_days[main],
                shares["area"]["state"],
                log.deaths[main] / max(patrons.peak_strength[main], 1),
            )
    return {"lens_western": western, "lens_bamako": bamako, "lens_patron": patron}
