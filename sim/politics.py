"""Politics: the patron's decision, the regime's popularity, and the three lenses of success.

The patron's rule (``patron_decision``) is the model's answer to "what does a defeat mean?":
a committed patron answers cost with more men, a reluctant one with fewer, or with leaving.
Cost is the share of the force lost in a recent window plus a shock for a mass-casualty
defeat; what the presence buys is the client's dependence on it.

The three lenses score a finished run from 0 (failure) to 1 (success) as judged by Western
capitals, by Bamako and by the patron. Their formulas are in ``docs/ODD.md`` and below.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

Decision = Literal["reinforce", "hold", "draw_down", "withdraw"]

QUIET_PRESSURE = 0.25
"""Below this pressure a review changes nothing: the presence is cheap."""

HEAVY_PRESSURE = 1.0
"""Above this pressure a patron that does not double down leaves rather than trims."""


def patron_pressure(
    recent_deaths: int,
    mean_strength: float,
    mass_casualty: bool,
    loss_sensitivity: float,
    shock_sensitivity: float,
) -> float:
    """The cost a patron feels at a review: recent loss share, plus a shock for a disaster."""
    share = recent_deaths / max(mean_strength, 1.0)
    return loss_sensitivity * share + (shock_sensitivity if mass_casualty else 0.0)


def patron_decision(
    commitment: float, pressure: float, dependence: float, rng: np.random.Generator
) -> Decision:
    """Reinforce, hold, draw down or withdraw after a review of costs.

    Args:
        commitment: 0-1, the patron's stake in the client.
        pressure: cost felt (see ``patron_pressure``); 0 when nothing happened.
        dependence: 0-1, share of the client's forces the patron provides (what it buys).
        rng: random source.

    The chance of doubling down is logistic in ``2 * commitment - 1 + 0.5 * dependence -
    0.2 * pressure``: at commitment 0.9 a heavy defeat is usually answered with reinforcements,
    at 0.1 almost never. A patron that does not double down trims its force, or leaves if the
    pressure is heavy.

    """
    if pressure < QUIET_PRESSURE:
        return "hold"
    resolve = 2.0 * commitment - 1.0 + 0.5 * dependence - 0.2 * pressure
    # Clipped so that a catastrophic pressure (hundreds of times the force lost) cannot
    # overflow the exponential; the chance is then 0 to machine precision anyway.
    if rng.random() < 1.0 / (1.0 + math.exp(min(60.0, -4.0 * resolve))):
        return "reinforce"
    return "withdraw" if pressure >= HEAVY_PRESSURE else "draw_down"


def popularity_step(
    popularity: float, baseline: float, relaxation_days: float, news: float
) -> float:
    """One day of the regime's popularity: relax toward baseline, add the day's news, clip 0-1."""
    popularity += (baseline - popularity) / relaxation_days + news
    return min(1.0, max(0.0, popularity))


def lens_western(
    civilians_killed_by_state_side: float,
    abuse_events: int,
    pop_share_jihadists_centre: float,
    years: float,
) -> float:
    """The Western lens: civilian harm by the state and its partner, abuses, jihadist gains.

    ``exp(-(civilians/yr / 1000 + abuse events/yr / 100 + 2 x jihadist share of the centre))``:
    1 means no harm and no jihadist ground in the centre. The scales put a year like Moura's
    (hundreds of civilians killed by the state's side, scores of abuses) near 0.3 and a
    Barkhane-like year of few abuses near 0.7, so the lens separates the two.
    """
    years = max(years, 1 / 12)
    harm = civilians_killed_by_state_side / years / 1000.0 + abuse_events / years / 100.0
    harm += 2.0 * pop_share_jihadists_centre
    return math.exp(-harm)


def lens_bamako(pop_share_state: float, held_value_share: float, popularity: float) -> float:
    """Bamako's lens: population under the state, symbolic towns held, the regime's popularity.

    ``0.4 x population share + 0.3 x strategic value of towns held (Kidal weighs 6, a regional
    capital 3) + 0.3 x popularity``.
    """
    return 0.4 * pop_share_state + 0.3 * held_value_share + 0.3 * popularity


def lens_patron(
    present_share: float, dependence: float, area_share_state: float, loss_share: float
) -> float:
    """The patron's lens: still there, relied upon, its client's ground, against its losses.

    ``0.4 x share of the period present + 0.3 x client's dependence + 0.3 x state's area share
    - loss share (deaths over the most men deployed)``, clipped to 0-1. NaN without a patron.
    """
    score = 0.4 * present_share + 0.3 * dependence + 0.3 * area_share_state - loss_share
    return min(1.0, max(0.0, score))
