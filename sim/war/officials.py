"""The state's officials in the countryside: who is at their post, who has fled, and what it costs.

A cell layer (``officials``, 0-1) holds the share of the state's local officials (prefects and
sub-prefects, mayors, teachers, the chiefs and informants who work with them) still at their
posts. Insurgents drive them out by threat, kidnapping and murder; they come back, slowly,
where the threat has gone:

- each day a cell loses ``officials x threat / insurgency.officials_flight_days``, where the
  threat is the most of the networks there (``insurgency.networks``: governance and men
  within reach, up to one) of any insurgent side not allied to the state, at war with it or
  under a truce (``threat``); a cell with a
  garrison of the state's side keeps its officials (the prefect stays in the cercle's seat,
  the sub-prefects commute to it: UN Secretary-General, S/2020/952, 2020);
- and regains ``(1 - officials) x (1 - threat) / insurgency.officials_return_days``;
- the state's men, patrols and police undo an insurgent side's governance of a cell only as
  far as its officials are there to take it back (``sim.war.insurgency.govern``): soldiers
  who sweep a district and leave do not bring back a court, a school or a sub-prefect, and
  without them no one stays who can name the insurgents' men.

The record it answers to (held out, docs/CALIBRATION.md): in the Mopti region 33 of 55
sub-prefects were at their posts in September 2016 and 7 of 55 in February 2022 (Segou 11 of
39); 17% of the administrators of the north and Mopti in August 2020 (the UN
Secretary-General's reports, via Le Sphynx, Journal du Mali and Maliweb).

The signs the ODD states and the tests check: more insurgents about, fewer officials; fewer
officials, more insurgent governance under the same soldiers.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from sim.geography import ZONES
from sim.war import insurgency

if TYPE_CHECKING:
    from sim.model import MaliConflictModel


def threat(model: MaliConflictModel) -> np.ndarray:
    """Each cell's threat to the state's officials (0-1): networks of insurgents not its allies.

    At war or under a truce: the armed groups that ruled Kidal under the peace agreement kept
    the state's administration out of it (in September 2016 no official of the state was in
    the Kidal or Taoudenni regions: UN Secretary-General, via Le Sphynx). Zero in a cell where
    a garrison of the state's side stands.
    """
    relations = model.relations
    armed = [s for s in insurgency.INSURGENTS if not relations.allied("state", s)]
    if not armed:
        return np.zeros(model.in_mali.shape)
    # Side by side with ``np.maximum`` (the same numbers as ``np.maximum.reduce`` over a stack
    # of them, which first copies every layer into one array).
    worst = functools.reduce(np.maximum, [insurgency.networks(model, side) for side in armed])
    # The army's garrisons and the UN's camps both: MINUSMA's mandate was to help the state
    # back into the north's towns.
    garrisons = np.concatenate([model.presence.garrison_xy, model.presence.keepers_xy])
    worst[garrisons[:, 0], garrisons[:, 1]] = 0.0
    return worst


def serve(model: MaliConflictModel) -> None:
    """A day of the officials: they flee where insurgents threaten, come back where none do."""
    cfg = model.config.insurgency
    layer = model.officials
    danger = threat(model)
    layer += (1.0 - layer) * (1.0 - danger) / cfg.officials_return_days
    layer -= layer * danger / cfg.officials_flight_days
    layer[~model.in_mali] = 0.0
    layer.clip(0.0, 1.0, out=layer)  # what np.clip calls, without its wrapper


def present(model: MaliConflictModel, zone: str) -> float:
    """The share of a zone's officials at their posts, weighted by its rural people.

    Rural: the sub-prefects the record counts serve the country's arrondissements, not the
    towns (whose prefects mostly stayed: in February 2022 4 of 8 in the Mopti region and 6 of 7
    in Segou's, against 7 of 55 and 11 of 39 sub-prefects).
    """
    geo = model.geo
    people = (geo.population - geo.urban) * (geo.zone == ZONES.index(zone))
    total = float(people.sum())
    return float((model.officials * people).sum()) / total if total > 0 else 1.0
