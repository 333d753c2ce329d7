"""The population as cell layers: grievance, state legitimacy and recruitment.

People are not agents here: each cell carries its population, the grievance left by violence
against civilians by the state and its partners, and the state's legitimacy. Every update is a
numpy operation over the whole grid.

The mechanism the Western lens watches: abuses raise grievance where they happen; grievance
spreads a little to neighbouring cells and fades over a year or so; jihadist recruitment in a
cell grows with its population, its grievance and the state's lack of legitimacy there. Central
Mali's dense, aggrieved villages are where this bites (Moura, 2022).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage


def diffuse_and_decay(
    grievance: np.ndarray, in_mali: np.ndarray, spread: float, decay_days: float
) -> None:
    """One day of grievance: a share spreads to the 8 neighbours, all of it fades (in place)."""
    if spread > 0.0:
        neighbours = ndimage.uniform_filter(grievance, size=3, mode="constant")
        grievance += spread * (neighbours - grievance)
    grievance *= np.exp(-1.0 / decay_days)
    grievance[~in_mali] = 0.0
    np.clip(grievance, 0.0, 1.0, out=grievance)


def pull_legitimacy(
    legitimacy: np.ndarray, state_control: np.ndarray, grievance: np.ndarray, rate: float
) -> None:
    """Move legitimacy toward control and wear it down by grievance (in place).

    It drifts toward 1 where the state holds ground and toward 0.2 where it does not.
    """
    target = np.where(state_control, 1.0, 0.2) - grievance
    legitimacy += rate * (target - legitimacy)
    np.clip(legitimacy, 0.0, 1.0, out=legitimacy)


def villagers_killed(
    rng: np.random.Generator, people: float, mu: float, sigma: float, cap: float = 0.05
) -> int:
    """Deaths of one act of violence against villagers: heavy-tailed, at most ``cap`` of ``people``.

    ``1 + lognormal(mu, sigma)``: usually a few, now and then a village (Moura, March 2022;
    Ogossagou, March 2019).
    """
    return int(min(people * cap, 1 + rng.lognormal(mu, sigma)))


def recruitment_weight(
    population: np.ndarray,
    grievance: np.ndarray,
    legitimacy: np.ndarray,
    reachable: np.ndarray,
    grievance_weight: float,
) -> np.ndarray:
    """People an insurgent faction can draw from, per cell.

    population x (1 + w x grievance) x (1 - legitimacy), in cells the faction can reach.
    """
    return population * (1.0 + grievance_weight * grievance) * (1.0 - legitimacy) * reachable
