"""Politics: the patron's decision and the regime's popularity.

The patron's rule (``patron_decision``) is the model's answer to "what does a defeat mean?":
a committed patron answers cost with more men, a reluctant one with fewer, or with leaving.
Cost is the share of the force lost in a recent window plus a shock for a mass-casualty
defeat, weighed by what its dead cost at home (a contractor's less than an army's); its stake
is its client's dependence on it, its concessions and its sunk reputation; with no cost it
still decides, on its client's need.

The three lenses of success that judge a run are in ``sim.lenses``.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

Decision = Literal["reinforce", "hold", "trim", "draw_down", "withdraw"]

QUIET_COST = 0.25
"""Below this cost a review is quiet: the patron decides on its stake and its client's need."""

HEAVY_COST = 1.0
"""Above this cost a patron that does not double down may leave rather than trim."""


def patron_cost(
    recent_deaths: int,
    mean_strength: float,
    mass_casualty: bool,
    loss_sensitivity: float,
    shock_sensitivity: float,
    home_cost: float,
) -> float:
    """The political cost a patron feels at a review.

    ``home_cost x (loss_sensitivity x recent loss share + shock_sensitivity if a disaster)``:
    the same dead cost a state that sent its army (1) more than one that sent contractors,
    whose deaths it can deny (0.2 by default, ``politics.home_cost``).
    """
    share = recent_deaths / max(mean_strength, 1.0)
    return home_cost * (loss_sensitivity * share + (shock_sensitivity if mass_casualty else 0.0))


def patron_stake(dependence: float, concessions: float, years_present: float) -> float:
    """What a patron stands to lose by leaving: ``dependence + concessions + 0.5 x reputation``.

    Dependence is the share of its client's fighters it provides; concessions what it holds of
    the client's economy (gold for Russia); reputation the face it has sunk, growing over a
    first year of presence to 1.
    """
    return dependence + concessions + 0.5 * min(1.0, max(0.0, years_present))


def patron_decision(
    commitment: float,
    cost: float,
    stake: float,
    need: float,
    drift: float,
    rng: np.random.Generator,
) -> Decision:
    """Reinforce, hold, trim, draw down or withdraw after a review.

    Args:
        commitment: 0-1, how much the patron weighs its stake against its cost.
        cost: political cost felt (``patron_cost``); 0 when nothing happened.
        stake: what it stands to lose by leaving (``patron_stake``).
        need: 0-1, its client's need of it (the share of people the state does not control).
        drift: chance scale of a quiet review's change (``politics.review_drift``).
        rng: random source (one draw a quiet review, one or two a costly one).

    A quiet review (cost below ``QUIET_COST``) reinforces a client in need with chance ``drift x
    commitment x need`` and trims a presence the client no longer needs with chance ``drift x
    (1 - commitment) x (1 - need)``. A costly one doubles down with chance logistic in
    ``4 x (2 x commitment - 1 + 0.5 x stake - 0.2 x cost)``; a patron that does not leaves if
    the cost is heavy, with chance ``1 - commitment``, and draws down otherwise.

    """
    if cost < QUIET_COST:
        draw = rng.random()
        if draw < drift * commitment * need:
            return "reinforce"
        if draw > 1.0 - drift * (1.0 - commitment) * (1.0 - need):
            return "trim"
        return "hold"
    resolve = 2.0 * commitment - 1.0 + 0.5 * stake - 0.2 * cost
    # Clipped so that a catastrophic cost (hundreds of times the force lost) cannot overflow
    # the exponential; the chance is then 0 to machine precision anyway.
    if rng.random() < 1.0 / (1.0 + math.exp(min(60.0, -4.0 * resolve))):
        return "reinforce"
    if cost >= HEAVY_COST and rng.random() >= commitment:
        return "withdraw"
    return "draw_down"


def popularity_step(
    popularity: float, baseline: float, relaxation_days: float, news: float
) -> float:
    """One day of the regime's popularity: relax toward baseline, add the day's news, clip 0-1."""
    popularity += (baseline - popularity) / relaxation_days + news
    return min(1.0, max(0.0, popularity))
