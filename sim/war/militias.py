"""Communities and their militias: the herder/farmer seam of central Mali.

The people of a cell are herders (Fulbe pastoralists and agro-pastoralists) and farmers (Dogon,
Bambara, Bozo and others), in the herders' share of each region (``sim.communities``, author's
estimates that add up to the national Fula share of the census era). Where both live side by
side the seam is strongest: ``seam = 4 h (1 - h)``, 1 where half the people herd.

- **Communal tension** (a cell layer, 0-1) is the memory of killings across the seam: every
  villager killed there by the jihadists or by the militias adds ``seam / tension_dead`` of it
  (per ``population.local_area_km2``, so a coarse grid's cell does not take more), and it fades
  over ``tension_decay_days``. A village does not arm because jihadists pass by; it arms after
  its own are killed (Dan Na Ambassagou formed in 2016 after killings of Dogon hunters and
  chiefs), and a militia kills herders in revenge for its dead.
- **Militias form** (weekly) where the seam is, jihadists are within reach (``threat_men`` make
  the threat full), the tension is high and the state is far (the remoteness from its nearest
  garrison). A cell's militia layer (0-1) climbs ``militia_growth`` of the way a week at full
  seam, threat, tension and remoteness, and fades over ``militia_decay_days`` always.
- **Militias abuse the other community**: killings of herders, taken for the jihadists' kin,
  ``militia_abuse_rate`` a year per 10,000 km2 of fully armed seam under full tension
  (Ogossagou, March 2019). Their dead add grievance where they fall as the state's do, so they
  feed the jihadists' recruiting in that country (``sim.war.recruitment``), and tension.
- **The jihadists strike back** at militia villages (Sobane-Da, June 2019): ``reprisal_rate``
  a year per 10,000 km2 of fully armed country under full threat; their dead add tension too.

Killing feeds tension, tension arms and sets on the militias, and their killings feed it again:
a cycle of revenge that starts slowly from the jihadists' first killings and escalates over
years, instead of an arming that fills the seam within months of their arrival.

The signs the ODD states and the tests check: more jihadist threat or a state further away,
more militia; more killings across the seam, more tension, more militia and more militia
killings; more militia abuse, more grievance and more jihadist recruits; no seam (one
community alone), no militia.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import society
from sim.war import casualties, irregular
from sim.war.record import MILITIAS

if TYPE_CHECKING:
    from sim.model import MaliConflictModel

AREA_KM2 = 10_000.0
"""The area the militias' rates are stated for, so that they mean the same at any resolution."""


def threat(model: MaliConflictModel, cells: np.ndarray | None = None) -> np.ndarray:
    """The jihadist threat (0-1): their men within reach over ``threat_men``.

    On the whole grid, or on the flat indices ``cells`` only (the armed cells, daily).
    """
    reach = model.presence.reach["jihadists"]
    men = reach if cells is None else reach.ravel()[cells]
    # (clipped below too: the box sums behind ``reach`` leave rounding dust such as -1e-13)
    return np.clip(men / model.config.communities.threat_men, 0, 1)


def organise(model: MaliConflictModel) -> None:
    """Once a week: villages of the seam arm where the jihadists threaten and the state is far."""
    if model.steps % 7 == 0:
        arm(model)


def arm(model: MaliConflictModel) -> None:
    """A week of arming and of fading on the militia layer (in place)."""
    c = model.config.communities
    militia = model.militia
    if c.militia_growth > 0:
        remote = irregular.remoteness(model, slice(None), slice(None))
        populated = model.populated
        pull = c.militia_growth * model.seam * threat(model) * model.tension * remote * populated
        militia += pull * (1.0 - militia)
    militia *= np.exp(-7.0 / c.militia_decay_days)
    model.tension *= np.exp(-7.0 / c.tension_decay_days)


def start_tension(model: MaliConflictModel) -> np.ndarray:
    """Tension at the start: ``starting_tension`` on the seam where jihadists are within reach."""
    start = model.config.communities.starting_tension
    return start * model.seam * (model.presence.reach["jihadists"] > 0)


def embitter(model: MaliConflictModel, xy: tuple[int, int], dead: int) -> None:
    """Villagers killed across the seam at a cell (by jihadists or militias) add to its tension."""
    c = model.config.communities
    per_area = model.config.population.local_area_km2 / model.cell_km**2
    added = model.seam[xy] * dead * per_area / c.tension_dead
    model.tension[xy] = min(1.0, model.tension[xy] + added)


def strike(model: MaliConflictModel) -> None:
    """A day's militia killings of herders and jihadist reprisals on militia villages."""
    c = model.config.communities
    if c.militia_abuse_rate <= 0 and c.reprisal_rate <= 0:
        return
    cells = np.flatnonzero(model.militia > 0.01)
    if cells.size == 0:
        return
    area = model.cell_km**2 / AREA_KM2
    militia = model.militia.ravel()[cells]
    herders = model.communities["herders"].ravel()[cells]
    people = model.people_near.ravel()[cells]
    danger = threat(model, cells)
    expected = np.stack(
        [
            c.militia_abuse_rate
            / 365.0
            * militia
            * model.seam.ravel()[cells]
            * model.tension.ravel()[cells]
            * area,
            c.reprisal_rate / 365.0 * militia * danger * area,
        ]
    )
    counts = model.rng.poisson(expected)
    height = model.geo.height
    for i in np.flatnonzero(counts.sum(axis=0)):
        xy = divmod(int(cells[i]), height)
        for _ in range(int(counts[0, i])):
            dead = society.villagers_killed(model.rng, people[i] * herders[i], 1.3, 1.2)
            if dead > 0:
                massacre(model, MILITIAS, xy, dead)
        for _ in range(int(counts[1, i])):
            dead = society.villagers_killed(model.rng, people[i] * (1 - herders[i]), 1.0, 1.1)
            if dead > 0:
                massacre(model, "jihadists", xy, dead)


def massacre(model: MaliConflictModel, killer: str, xy: tuple[int, int], dead: int) -> None:
    """Book one killing of villagers (``violence_against_civilians``) by militias or jihadists."""
    embitter(model, xy, dead)
    casualties.record_engagement(
        model,
        "violence_against_civilians",
        killer,
        "civilians",
        {},
        xy,
        [],
        [],
        civilians=dead,
        civilians_killed_by=killer,
    )
