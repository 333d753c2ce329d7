"""Politics: the patron's decision and the regime's popularity.

The patron's rule (``patron_decision``) is the model's answer to "what does a defeat mean?":
a committed patron answers cost with more men, a reluctant one with fewer, or with leaving.
Cost is the share of the force lost in a recent window plus a shock for a mass-casualty
defeat; what the presence buys is the client's dependence on it.

The three lenses of success that judge a run are in ``sim.lenses``.
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
