"""Mali's communities as cell layers: who lives where, and whom each insurgency draws from.

Three communities, in each region's shares (``sim/data/communities.csv``, author's estimates
bounded by national figures; sources in ``sim/data/SOURCES.md``):

- **herders**: the Fulbe pastoralists and agro-pastoralists of the Sahel and the inner delta;
- **nomads**: the Tamasheq- and Arabic-speaking pastoralists of the north (Tuareg, Arabs and
  Moors), apart from the herder/farmer seam of the centre;
- **farmers**: everyone else (Bambara, Soninke, Malinke, Dogon, Senufo, Songhai, Bozo...).

An insurgency recruits from some communities far more than from others (``recruits_from`` of a
faction): the MNLA and its successors from the Tuareg and Arabs of the north; the Katiba Macina
and the Islamic State in the Sahel mostly from Fulbe herders; AQIM and Ansar Dine from the
north's nomads. A faction's recruitable people in a cell are its people weighted by their
communities' affinities, so a band that walks into the Bambara country of Kayes finds few men
to take up its cause, and one in the Fulbe country of the delta many. Deterministic layers,
computed once.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.geography import DATA_DIR, REGIONS
from sim.scenario import COMMUNITIES

if TYPE_CHECKING:
    from sim.geography import Geography
    from sim.model import MaliConflictModel


@functools.cache
def shares() -> dict[str, dict[str, float]]:
    """Region -> community -> its share of the region's people (``communities.csv``)."""
    table = pd.read_csv(DATA_DIR / "communities.csv")
    out = {}
    for row in table.itertuples(index=False):
        herders, nomads = float(row.herder_share), float(row.nomad_share)
        out[row.region] = {"herders": herders, "nomads": nomads, "farmers": 1 - herders - nomads}
    return out


def layer(geo: Geography, community: str) -> np.ndarray:
    """A community's share of each cell's people (0 outside Mali)."""
    by_region = shares()
    by_code = np.array([by_region[name][community] for name in REGIONS] + [0.0])  # -1 -> 0
    return by_code[geo.region]


def seam(herders: np.ndarray) -> np.ndarray:
    """How mixed a cell's people are: 1 where half herd and half farm, 0 for one community."""
    return 4.0 * herders * (1.0 - herders)


def recruitable(
    population: np.ndarray, layers: dict[str, np.ndarray], recruits_from: dict[str, float]
) -> np.ndarray:
    """A faction's recruitable people per cell: the people weighted by their communities.

    ``layers``: each community's share of the people per cell (``layer``); ``recruits_from``:
    each community's affinity (0-1). Empty, everyone counts alike: the population itself.
    """
    if not recruits_from:
        return population
    return population * sum(recruits_from[c] * layers[c] for c in COMMUNITIES)


def people_of(model: MaliConflictModel, faction: str) -> np.ndarray:
    """A faction's recruitable people per cell in a run (its ``recruits_from`` today).

    Read-only: kept while its ``recruits_from`` stays what it was (the people and their
    communities do not change in a run), for it is asked every day.
    """
    recruits_from = model.config.factions[faction].recruits_from
    if not recruits_from:
        return model.geo.population
    return model.presence.memos[f"people of {faction}"].get(
        tuple(recruits_from.items()),
        (model.geo.population,),
        lambda: read_only(recruitable(model.geo.population, model.communities, recruits_from)),
    )


def affinity(model: MaliConflictModel, faction: str, xy: tuple[int, int]) -> float:
    """The share of a cell's people a faction draws on: its communities' shares, weighted.

    1 for a faction that draws on everyone alike (no ``recruits_from``). Read off a layer of
    every cell's share, kept while its ``recruits_from`` stays what it was: the same sum of
    the same products as for the one cell.
    """
    recruits_from = model.config.factions[faction].recruits_from
    if not recruits_from:
        return 1.0
    shares = model.presence.memos[f"affinity {faction}"].get(
        tuple(recruits_from.items()),
        (),
        lambda: read_only(recruitable(1.0, model.communities, recruits_from)),
    )
    return float(shares[xy])


def read_only(layer: np.ndarray) -> np.ndarray:
    """``layer``, made read-only (a layer kept for every caller, which none may change)."""
    layer.setflags(write=False)
    return layer
