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

POPULATED_PEOPLE = 1000.0
"""People near a cell (``model.people_near``) below which no one is there to abuse or to arm
a militia from: such a cell is not ``model.populated``."""


def mean_3x3(grid: np.ndarray) -> np.ndarray:
    """Each cell's mean over the 3x3 square around it, zeros beyond the edges (a new array).

    ``ndimage.uniform_filter(grid, size=3, mode="constant")``, the very same numbers:
    ``uniform_filter`` runs ``uniform_filter1d`` along each axis in turn, the second pass in
    place on the first's output, and so does this, into an output given (``uniform_filter``
    spends about a third of its time on checking its arguments and making its output).
    """
    out = np.empty_like(grid)
    ndimage.uniform_filter1d(grid, 3, axis=0, output=out, mode="constant")
    ndimage.uniform_filter1d(out, 3, axis=1, output=out, mode="constant")
    return out


def diffuse_and_decay(
    grievance: np.ndarray, in_mali: np.ndarray, spread: float, decay_days: float
) -> None:
    """One day of grievance: a share spreads to the 8 neighbours, all of it fades (in place)."""
    if spread > 0.0:
        pull = mean_3x3(grievance)
        pull -= grievance  # in place: spread x (neighbours - grievance), the same numbers
        pull *= spread
        grievance += pull
    grievance *= np.exp(-1.0 / decay_days)
    grievance[~in_mali] = 0.0
    grievance.clip(0.0, 1.0, out=grievance)  # what np.clip calls, without its wrapper


def legitimacy_target(
    base: np.ndarray, state: np.ndarray, insurgents: np.ndarray, scale: float
) -> np.ndarray:
    """Where the state's legitimacy heads in each cell: it follows the security it provides.

    ``state`` and ``insurgents`` are the armed men (and their equivalents: police, governance)
    of each camp within reach of the cell. Where the state's men outnumber the insurgents'
    the target is high (1 with no insurgent about), where the insurgents' do it falls toward
    0.2; holding the town the cell belongs to earns nothing by itself. Where neither camp has
    men about (``scale`` of them make it matter fully) legitimacy heads back to ``base``.
    """
    armed = state + insurgents
    matters = armed / (armed + scale)
    protected = 0.2 + 0.8 * state / np.maximum(armed, 1e-9)
    return (1.0 - matters) * base + matters * protected


def pull_legitimacy(
    legitimacy: np.ndarray, target: np.ndarray, grievance: np.ndarray, rate: float
) -> None:
    """Move legitimacy toward its target and wear it down by grievance (in place)."""
    legitimacy += rate * (target - grievance - legitimacy)
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
