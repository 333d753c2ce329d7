"""Who controls each cell: fighters nearby, the nearest town's hold, and shadow governance.

A side controls a cell when its score is at least 1.5 times the runner-up's; otherwise the cell
is contested. An insurgent side's score is its fighters within reach. The state's side's is its
hold on the countryside (``Presence.state_hold``, the same that undoes the insurgents'
governance): the men of its garrisons count beyond their town only for
``insurgency.garrison_reach_share``, its columns and its partners' patrols in full, the towns'
police, all as far as its officials are at their posts. A town's holder weighs
``town_influence_men`` at the town, fading with distance; an insurgent side's governance of
the cell (``sim.war.insurgency``) weighs up to ``insurgency.governance_men``: insurgents can
control the countryside without a town. The control layer is what the maps and the area
shares of the tables report, and where ``population.recruitment_under_state`` holds back an
insurgent's recruits (``sim.war.recruitment``); the population shares count a town's people
under the town's holder and the rest of its cell's under the layer (``people_shares``, model
0.59.0).

Until model 0.53.0 the state's score was all its men within reach, its garrisons' in full, and
its partners' patrols: a garrison in its camp that did not contest the villages about it
(``insurgency.garrison_reach_share``, model 0.16.0) and that could not undo a court or a levy
there (``sim.war.officials``, model 0.39.0) still outweighed the insurgents' governance of them,
and in ``barkhane_2014`` the jihadists controlled 0-2% of the people in every year while
governing, by their own layer, an eighth of them (docs/CALIBRATION.md "Model 0.53.0").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.geography import ZONES
from sim.scenario import FACTIONS

if TYPE_CHECKING:
    from sim.model import MaliConflictModel

CONTROL_CLASSES = (*FACTIONS, "contested")
"""The control layer's classes, in the order of its codes (0 state ... 3 contested)."""
STATE = CONTROL_CLASSES.index("state")
CONTESTED = CONTROL_CLASSES.index("contested")


def update_control(model: MaliConflictModel) -> None:
    """Recompute the control layer (weekly, and at the end of a run)."""
    model.control[:] = assess(model)


def assess(model: MaliConflictModel) -> np.ndarray:
    """Today's control of each cell from presence and the towns' holders, without storing it."""
    holder_code = np.array([FACTIONS.index(t.holder) for t in model.towns])
    cell_holder = holder_code[model.towns.nearest]
    weight = model.config.combat.town_influence_men * model.towns.hold
    reach = model.presence.reach
    governed = model.config.insurgency.governance_men
    # The state's side counts with its hold on the countryside, as in the governance it undoes.
    hold = model.presence.state_hold()
    scores = np.stack(
        [
            (hold if s == "state" else reach[s])
            + np.where(cell_holder == i, weight, 0.0)
            + (governed * model.governance[s] if s in model.governance else 0.0)
            for i, s in enumerate(FACTIONS)
        ]
    )
    best, top, second = leaders(scores)
    decided = top >= 1.5 * second
    layer = np.where(decided, best, CONTESTED).astype(model.control.dtype)
    layer[~model.in_mali] = CONTESTED
    return layer


def leaders(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell, over the first axis: the index of the highest score, it, and the runner-up's.

    ``np.argmax`` (the first of equal scores), and the last and second-to-last of ``np.sort``
    along that axis, the same numbers: one pass over a handful of sides compares each grid
    once, where sorting and ``argmax`` along the first axis cost some five times as much.
    """
    best = np.zeros(scores.shape[1:], dtype=np.intp)
    top = scores[0]
    second = np.full(top.shape, -np.inf)
    for i in range(1, len(scores)):
        score = scores[i]
        higher = score > top  # strictly: an equal score leaves the first in the lead
        second = np.where(higher, top, np.maximum(second, score))
        best = np.where(higher, i, best)
        top = np.where(higher, score, top)
    return best, top, second


def shares(classes: np.ndarray, weights: np.ndarray) -> dict[str, float]:
    """Weighted share of each control class (sums to one over CONTROL_CLASSES)."""
    total = float(weights.sum())
    return {
        name: float(weights[classes == code].sum()) / total if total > 0 else 0.0
        for code, name in enumerate(CONTROL_CLASSES)
    }


def people_shares(
    model: MaliConflictModel, layer: np.ndarray, where: np.ndarray | None = None
) -> dict[str, float]:
    """Share of the people (in ``where``, or all) under each control class.

    A town's people (``Towns.people``) are under the side that holds the town, whatever the
    control of its cell; the cell's other people are under the cell's control. So a town's
    people count alike at any resolution: a town's 0.5-degree cell holds four times the
    countryside of its 0.25-degree one, and until model 0.59.0, when the whole cell's people
    followed its control, the people of San, Markala and Tominian, towns the state held, were
    counted contested with the countryside about them at 0.5 degree and the state's at 0.25
    (``benchmarks/results/control_by_resolution_model_0.58.0.md``).
    """
    towns = model.towns
    country = model.geo.population - towns.in_town
    people = towns.people
    if where is not None:
        country = country * where
        people = people * where[towns.cells[:, 0], towns.cells[:, 1]]
    counts = np.array([float(country[layer == code].sum()) for code in range(len(CONTROL_CLASSES))])
    holders = [CONTROL_CLASSES.index(t.holder) for t in towns]
    np.add.at(counts, holders, people)
    total = float(counts.sum())
    return {
        name: float(counts[code]) / total if total > 0 else 0.0
        for code, name in enumerate(CONTROL_CLASSES)
    }


def control_shares(
    model: MaliConflictModel, layer: np.ndarray | None = None
) -> dict[str, dict[str, float]]:
    """Population and area shares of each control class: whole country, north, centre.

    Of the model's control layer, or of another assessment of it (``layer``). The people's
    shares count a town's people under its holder (``people_shares``).
    """
    control = model.control if layer is None else layer
    zone = model.geo.zone
    return {
        "pop": people_shares(model, control),
        "area": shares(control, model.in_mali.astype(float)),
        "pop_north": people_shares(model, control, zone == ZONES.index("north")),
        "pop_centre": people_shares(model, control, zone == ZONES.index("centre")),
    }


def population_share(model: MaliConflictModel, side: str) -> float:
    """The share of Mali's people a side controls, on the control layer as last updated."""
    return people_shares(model, model.control)[side]
